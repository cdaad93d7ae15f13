"""Why: in a read-heavy system the database serves most reads unless something answers
them first (checklist §2.1 read/write ratio, §2.4 caching). Read paths start where
requests arrive (components nobody calls), not in async pipelines, which mostly write.
A read path counts as cached
when it passes a cache or CDN, or a component on it consults a cache (cache-aside, even
through an `optional` call).

How to fix: put a cache in front of the database on the read path (or a CDN for static
content), or lower `read_write_ratio` if reads are not that frequent.

Bad:

    capacity: {writes_per_day: 1M, read_write_ratio: 100, object_size: 1KB}
    components:
      users: {kind: client, calls: [app]}
      app: {kind: service, replicas: 2, calls: [db]}
      db: {kind: database, replicas: 2}

Good:

    capacity: {writes_per_day: 1M, read_write_ratio: 100, object_size: 1KB}
    components:
      users: {kind: client, calls: [app]}
      app: {kind: service, replicas: 2, calls: [{cache: {optional: true}}, db]}
      cache: {kind: cache, replicas: 2, eviction: lru}
      db: {kind: database, replicas: 2}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.graph import path_to, reach
from archgen.rules.base import Context, Issue, rule

CACHING_KINDS = ("cache", "cdn")
READ_HEAVY = 5


@rule(
    code="SCL001",
    name="read-heavy-without-cache",
    severity="warning",
    summary="read/write ratio ≥ 5 and a required read path to a database passes no cache or CDN",
    section="2.1, 2.4",
    requires=("capacity",),
)
def check(context: Context) -> Iterator[Issue]:
    """Report databases that uncached read paths reach in a read-heavy design."""
    capacity = context.design.capacity
    if capacity is None or capacity.read_write_ratio < READ_HEAVY:
        return
    graph = context.graph

    def uncached(node: str) -> bool:
        component = graph.components[node]
        if component.kind in CACHING_KINDS:
            return False
        return not any(
            graph.kind(target) in CACHING_KINDS
            for call in component.calls
            if not call.is_async
            for target in call.targets
        )

    roots = [entry for entry in graph.entry_points if not graph.callers[entry]]
    parents = reach(graph, roots, through=uncached)
    for database in graph.of_kind("database"):
        if database in parents and uncached(database):
            path = " → ".join(path_to(parents, database))
            yield Issue(
                f"reads reach {database} through {path} without a cache or CDN "
                f"(read/write ratio {capacity.read_write_ratio:g})",
                database,
            )
