"""Why: strong consistency promises that a read sees the latest write (checklist §1.2,
CAP; Q&A on cache invalidation). A read served by an asynchronously replicated database
replica, or by a cache that is filled or written separately from the database
(cache_aside, write_around, write_back), can return stale data.

Read replicas follow their primary asynchronously unless the design says `replication:
sync`: that is the default of PostgreSQL, MySQL, Aurora, Cloud SQL, Azure SQL, MongoDB and
Redis, so a database whose read replicas serve `mode: read` calls is a stale-read risk even
when `replication` is not written. A cache on the read path that says no `strategy` is one
too: nothing says its entries follow the writes, so a read may see an entry up to its `ttl`
old.

How to fix: use synchronous replication (or read from the primary), a write_through or
read_through cache, or relax the requirement to `consistency: eventual`.

Bad:

    requirements: {non_functional: {consistency: strong}}
    components:
      users: {kind: client, calls: [app]}
      app: {kind: service, replicas: 2, calls: [db]}
      db: {kind: database, replicas: 3, replication: async}

Good:

    requirements: {non_functional: {consistency: strong}}
    components:
      users: {kind: client, calls: [app]}
      app: {kind: service, replicas: 2, calls: [db]}
      db: {kind: database, replicas: 3, replication: sync}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.engines import ASYNC_READ_REPLICAS, engine_in
from archgen.graph import reach
from archgen.model import Cache, Database
from archgen.rules.base import Context, Issue, rule
from archgen.units import format_duration

STALE_STRATEGIES = ("cache_aside", "write_around", "write_back")


@rule(
    code="CON001",
    name="stale-read-risk",
    severity="warning",
    summary="strong consistency is required, yet reads go through an async replica or a stale-prone cache",
    section="1.2, Q&A invalidation",
    requires=("requirements",),
    precondition=lambda context: (
        None
        if context.design.requirements is None or context.design.requirements.non_functional.consistency
        else "the requirements say no `consistency`"
    ),
)
def check(context: Context) -> Iterator[Issue]:
    """Report async-replicated databases and stale-prone caches on read paths of a strongly consistent design."""
    requirements = context.design.requirements
    if requirements is None or requirements.non_functional.consistency != "strong":
        return
    graph = context.graph
    reached = reach(graph, graph.entry_points, through=lambda node: True, optional=True)
    read = {target for edge in graph.edges() if edge.call.mode == "read" for target in edge.call.targets}
    for component_id in reached:
        component = graph.components[component_id]
        if isinstance(component, Database) and component.replication == "async" and component.replicas >= 2:
            yield Issue(f"{component_id} replicates asynchronously: a read may miss the latest write", component_id)
        elif isinstance(component, Database) and component_id in read and _async_readers(component):
            engine = f"{component.engine}'s default" if component.engine else "the default of most engines"
            yield Issue(
                f"{component_id}'s read replicas serve reads and follow it asynchronously ({engine}): "
                "a read from one may miss the latest write",
                component_id,
            )
        elif isinstance(component, Cache) and component.strategy in STALE_STRATEGIES:
            yield Issue(f"{component_id} is {component.strategy}: a read may return a stale entry", component_id)
        elif isinstance(component, Cache) and component.role == "cache" and component.strategy is None:
            age = f"up to {format_duration(component.ttl)} old" if component.ttl else "of any age"
            yield Issue(
                f"{component_id} says no `strategy`: nothing keeps its entries in step with writes, "
                f"so a read may return one {age}",
                component_id,
            )


def _async_readers(database: Database) -> bool:
    """Tell whether a database's read replicas follow it asynchronously: written so, or the engine's default."""
    if not database.read_replicas or database.replication == "sync":
        return False
    return database.replication == "async" or not database.engine or engine_in(database.engine, ASYNC_READ_REPLICAS)
