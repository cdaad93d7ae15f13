"""Why: when one copy of the data, with headroom, no longer fits on one server, the
database must be split across servers (checklist §2.2 storage, §6.2 partitioning).
Deciding the partition key late means a painful migration.

How to fix: add `partitioning` with a strategy and a key to the database, or raise
`server_storage` if your servers really are that large.

Bad:

    capacity: {writes_per_day: 100M, object_size: 1KB, retention_years: 5, server_storage: 4TB}
    components:
      db: {kind: database, replicas: 3}

Good:

    capacity: {writes_per_day: 100M, object_size: 1KB, retention_years: 5, server_storage: 4TB}
    components:
      db: {kind: database, replicas: 3, partitioning: {strategy: consistent_hash, key: id}}

With `capacity.entities`, each database is judged on the entities stored in it
(`stored_in`), and the finding names them. A managed engine whose storage is the provider's
shared volume (Aurora, Spanner, DynamoDB, Cosmos DB, object stores) is split by the provider:
it is judged against the engine's limit (Aurora: 128 TiB), not a server.
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.engines import shared_storage
from archgen.model import Database, StoreBase
from archgen.rules.base import Context, Issue, rule
from archgen.units import format_size


@rule(
    code="SCL002",
    name="unpartitioned-store",
    severity="warning",
    summary="the estimated storage outgrows one server and the design's databases have no partitioning",
    section="2.2, 6.2",
    requires=("capacity",),
    precondition=lambda context: (
        None
        if context.design.capacity is None or context.design.capacity.server_storage
        else "the capacity section has no `server_storage`"
    ),
)
def check(context: Context) -> Iterator[Issue]:
    """Report unpartitioned databases when one copy of their data outgrows a server (or the engine's limit)."""
    capacity, estimate = context.design.capacity, context.estimate
    if capacity is None or estimate is None or not capacity.server_storage:
        return
    components = context.graph.components
    if estimate.stores:
        for store in estimate.stores:
            component = components.get(store.component)
            if not isinstance(component, Database) or component.partitioning:
                continue
            shared, limit = shared_storage(component.engine, component.managed)
            room = limit if shared else capacity.server_storage
            if room is not None and store.storage_with_headroom > room:
                against = f"the engine's limit of {format_size(room)}" if shared else f"{format_size(room)} a server"
                yield Issue(
                    f"{store.component} is not partitioned, but {', '.join(store.entities)} need "
                    f"{format_size(store.storage_with_headroom)} with headroom against {against}",
                    store.component,
                    details={"entities": list(store.entities)},
                )
        return
    if estimate.storage_with_headroom <= capacity.server_storage:
        return
    databases = [
        db
        for db in context.graph.of_kind("database")
        if not shared_storage(components[db].engine, components[db].managed)[0]
    ]
    if any(isinstance(found := components[db], StoreBase) and found.partitioning for db in databases):
        return
    for database in databases:
        yield Issue(
            f"{database} is not partitioned, but one copy of the data needs "
            f"{format_size(estimate.storage_with_headroom)} against {format_size(capacity.server_storage)} a server",
            database,
        )
