"""`archgen rules` and `archgen explain`: the rule catalogue and each rule's page."""

from __future__ import annotations

from archgen.errors import ArchgenError
from archgen.rules.base import Rule, all_rules, catalogue_markdown
from archgen.text import suggest

__all__ = ["catalogue_markdown", "explain", "rules"]


def rules() -> dict[str, Rule]:
    """Return every rule by code, sorted."""
    return all_rules()


def explain(code: str) -> Rule:
    """Return the rule of a code (any case); an unknown code is an error with a did-you-mean."""
    known = all_rules()
    found = known.get(code.upper())
    if found is None:
        raise ArchgenError(f"no rule {code!r}{suggest(code.upper(), known)}")
    return found
