"""Why: the estimate says how many storage servers the data needs (checklist §2.2, storage
estimates); the design says how many it has: shards × copies of each database. When the
design declares fewer, the numbers on the page contradict each other, and one of them is
wrong.

It compares the estimated replicated storage with the databases' shards × copies ×
`server_storage`; media bytes (`media_size`) go to object storage and are left out.

How to fix: add shards (`partitioning.shards`) or copies, raise `server_storage`, or correct
the capacity inputs.

Bad:

    capacity: {writes_per_day: 100M, object_size: 1KB, retention_years: 5, server_storage: 4TB}
    components:
      db: {kind: database, replicas: 3, partitioning: {strategy: consistent_hash, shards: 4}}

Good:

    capacity: {writes_per_day: 100M, object_size: 1KB, retention_years: 5, server_storage: 4TB}
    components:
      db: {kind: database, replicas: 3, partitioning: {strategy: consistent_hash, shards: 64}}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.model import Database
from archgen.rules.base import Context, Issue, rule
from archgen.units import format_size


def _inputs(context: Context) -> str | None:
    capacity = context.design.capacity
    if capacity is not None and not capacity.server_storage:
        return "the capacity section has no `server_storage`"
    if not context.graph.of_kind("database"):
        return "the design has no database"
    return None


@rule(
    code="SCL007",
    name="under-provisioned-store",
    severity="warning",
    summary="shards × copies × `server_storage` of the databases is below the estimated replicated storage",
    section="2.2",
    requires=("capacity",),
    precondition=_inputs,
)
def check(context: Context) -> Iterator[Issue]:
    """Report databases that hold less than the estimate says the data needs."""
    capacity, estimate = context.design.capacity, context.estimate
    if capacity is None or estimate is None or not capacity.server_storage or estimate.servers is None:
        return
    servers = 0
    for component in context.graph.components.values():
        if isinstance(component, Database) and component.replica_of is None:
            shards = component.partitioning.shards if component.partitioning and component.partitioning.shards else 1
            servers += shards * component.replicas
    if servers * capacity.server_storage < estimate.storage_replicated:
        yield Issue(
            f"the databases declare {servers:,} servers of {format_size(capacity.server_storage)} "
            f"({format_size(servers * capacity.server_storage)}); the estimate needs {estimate.servers:,} "
            f"({format_size(estimate.storage_replicated)} replicated)",
            where=("capacity", "server_storage"),
        )
