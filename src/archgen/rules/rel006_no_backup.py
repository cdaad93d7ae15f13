"""Why: replication copies mistakes too — a bad migration or a deleted table reaches every
replica within seconds (Q&A on checkpointing). Only a backup, kept apart and for a
while, brings the data back. This is durability, not availability: a single database
without backups has two problems, so REL006 is reported beside REL001, not hidden by it.

It applies to databases, object stores and caches that are the system of record
(`role: store`). It does not apply to read replicas or `replica_of` copies (they copy a
store that has its own backup), nor to managed object storage (the provider keeps the
data durable; versioning is a setting there, not a backup archgen can see).

How to fix: declare `backup: true`, or `backup: {interval: 1d, retention: 30d}`.

Bad:

    components:
      db: {kind: database, replicas: 3}
      carts: {kind: cache, engine: redis, role: store, eviction: none, persistence: true, replicas: 2}

Good:

    components:
      db: {kind: database, replicas: 3, backup: {interval: 1d, retention: 30d}}
      carts: {kind: cache, engine: redis, role: store, eviction: none, persistence: true, replicas: 2, backup: true}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.engines import BACKED_UP_WHEN_MANAGED, engine_in
from archgen.model import Cache, Database, ObjectStorage, StoreBase
from archgen.rules.base import Context, Issue, rule


@rule(
    code="REL006",
    name="no-backup",
    severity="warning",
    summary="a database, object store or `role: store` cache without `backup`",
    section="Q&A checkpointing",
    shadowable=False,
)
def check(context: Context) -> Iterator[Issue]:
    """Report stores of record with no backup."""
    for component_id, component in context.graph.components.items():
        if isinstance(component, StoreBase) and _needs_backup(component) and not component.backup:
            yield Issue(f"{component_id} has no backup; replicas copy mistakes too", component_id)


def _needs_backup(store: StoreBase) -> bool:
    if store.replica_of is not None or store.durability == "none":
        return False  # a copy, or data the design may lose
    if store.backup is None and store.managed and engine_in(store.engine, BACKED_UP_WHEN_MANAGED):
        return False  # the platform backs it up unless told not to
    if isinstance(store, Cache) and store.role == "store" and store.ttl is not None and store.backup is None:
        return False  # entries that expire: throwaway by design (sessions)
    if isinstance(store, ObjectStorage):
        return not store.managed
    if isinstance(store, Cache):
        return store.role == "store"
    return isinstance(store, Database)
