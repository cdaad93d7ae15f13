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

With `capacity.entities`, each database is judged on the entities stored in it, and the
finding names them. A managed engine whose storage is the provider's shared volume (Aurora,
Spanner, DynamoDB, Cosmos DB) has no servers to count: SCL002 holds its data to the engine's
limit (Aurora: 128 TiB), and without entities a design with such a database is left alone, as
the estimate cannot tell which of the data it holds.
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.engines import shared_storage
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
    """Report databases that hold less than the estimate says their data needs."""
    capacity, estimate = context.design.capacity, context.estimate
    if capacity is None or estimate is None or not capacity.server_storage or estimate.servers is None:
        return
    databases = {
        database_id: component
        for database_id, component in context.graph.components.items()
        if isinstance(component, Database) and component.replica_of is None
    }
    if estimate.stores:
        for store in estimate.stores:
            database = databases.get(store.component)
            if database is None:
                continue
            if shared_storage(database.engine, database.managed)[0]:
                continue  # no servers to count: SCL002 holds it to the engine's limit
            room = _servers(database) * capacity.server_storage
            if room < store.storage_replicated:
                yield Issue(
                    f"{store.component} declares {_servers(database):,} servers of "
                    f"{format_size(capacity.server_storage)} ({format_size(room)}); "
                    f"{', '.join(store.entities)} need {format_size(store.storage_replicated)} replicated",
                    store.component,
                    details={"entities": list(store.entities)},
                )
        return
    if any(shared_storage(database.engine, database.managed)[0] for database in databases.values()):
        return
    servers = sum(_servers(database) for database in databases.values())
    if servers * capacity.server_storage < estimate.storage_replicated:
        yield Issue(
            f"the databases declare {servers:,} servers of {format_size(capacity.server_storage)} "
            f"({format_size(servers * capacity.server_storage)}); the estimate needs {estimate.servers:,} "
            f"({format_size(estimate.storage_replicated)} replicated)",
            where=("capacity", "server_storage"),
        )


def _servers(database: Database) -> int:
    """Return a database's servers: shards × copies."""
    shards = database.partitioning.shards if database.partitioning and database.partitioning.shards else 1
    return shards * database.replicas
