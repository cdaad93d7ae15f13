"""Why: strong consistency promises that a read sees the latest write (checklist §1.2,
CAP; Q&A on cache invalidation). A read served by an asynchronously replicated database
replica, or by a cache that is filled or written separately from the database
(cache_aside, write_around, write_back), can return stale data.

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

from archgen.graph import reach
from archgen.model import Cache, Database
from archgen.rules.base import Context, Issue, rule

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
    for component_id in reached:
        component = graph.components[component_id]
        if isinstance(component, Database) and component.replication == "async" and component.replicas >= 2:
            yield Issue(f"{component_id} replicates asynchronously: a read may miss the latest write", component_id)
        elif isinstance(component, Cache) and component.strategy in STALE_STRATEGIES:
            yield Issue(f"{component_id} is {component.strategy}: a read may return a stale entry", component_id)
