"""Why: a cache that is the system of record (`role: store`: carts, sessions, job queues,
timelines) holds data that exists nowhere else (Q&A on eviction). An eviction policy other
than `none` drops records when memory fills up: lost carts, lost jobs, without an error.

Redis and Valkey never evict unless a policy says so (their default is `noeviction`), so a
store of record on them without `eviction` is fine; memcached always evicts, whatever is
written. A store whose data is throwaway (`durability: none`) is still reported: records
that vanish while in use are a bug, not a durability choice.

How to fix: set `eviction: none` (writes fail loudly when memory is full), size `memory`
for the data, and persist it; or, if the data can be rebuilt, make it `role: cache`.

Bad:

    components:
      carts: {kind: cache, engine: redis, role: store, eviction: lru, replicas: 2}

Good:

    components:
      carts: {kind: cache, engine: redis, role: store, eviction: none, persistence: true, replicas: 2, backup: true}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.engines import ALWAYS_EVICT, engine_in
from archgen.model import Cache
from archgen.rules.base import Context, Issue, rule


@rule(
    code="SCL008",
    name="evicting-store",
    severity="error",
    summary="a `role: store` cache with an eviction policy other than `none`",
    section="Q&A eviction",
)
def check(context: Context) -> Iterator[Issue]:
    """Report stores of record that may evict their records."""
    for component_id, cache in context.graph.components.items():
        if not isinstance(cache, Cache) or cache.role != "store":
            continue
        if engine_in(cache.engine, ALWAYS_EVICT):
            yield Issue(f"{component_id} is a store of record on {cache.engine}, which always evicts", component_id)
        elif cache.eviction not in (None, "none"):
            yield Issue(
                f"{component_id} is a store of record but evicts ({cache.eviction}): records vanish when memory fills",
                component_id,
                where=("components", component_id, "eviction"),
            )
