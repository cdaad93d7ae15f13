"""ACME's house rules: importing this package registers them (see acme001 and acme002)."""

from archgen_acme_rules import acme001_database_owner, acme002_no_self_run_kafka

__all__ = ["acme001_database_owner", "acme002_no_self_run_kafka"]
