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
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.model import StoreBase
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
    """Report unpartitioned databases when one copy of the data outgrows a server."""
    capacity, estimate = context.design.capacity, context.estimate
    if capacity is None or estimate is None or not capacity.server_storage:
        return
    if estimate.storage_with_headroom <= capacity.server_storage:
        return
    databases = context.graph.of_kind("database")
    components = context.graph.components
    if any(isinstance(store := components[db], StoreBase) and store.partitioning for db in databases):
        return
    for database in databases:
        yield Issue(
            f"{database} is not partitioned, but one copy of the data needs "
            f"{format_size(estimate.storage_with_headroom)} against {format_size(capacity.server_storage)} a server",
            database,
        )
