"""Why: a cache smaller than the hot set evicts what will be read next, and the database
takes the reads anyway (checklist §2.4, cache memory estimate: the hot fraction of a
day's reads times the object size — the 80/20 rule).

Only caches count (`role: cache`): a cache that is the system of record holds its own data,
not the hot set of another store. The hot set is counted in metadata bytes (`object_size`);
media bytes (`media_size`) are served by the CDN.

How to fix: give the caches more `memory`, add replicas or shards, or lower
`cache_hot_fraction` if fewer objects are hot.

Bad:

    capacity: {writes_per_day: 10M, read_write_ratio: 10, object_size: 1KB, cache_hot_fraction: 0.2}
    components:
      cache: {kind: cache, memory: 1GB, eviction: lru}   # hot set is 20 GB

Good:

    capacity: {writes_per_day: 10M, read_write_ratio: 10, object_size: 1KB, cache_hot_fraction: 0.2}
    components:
      cache: {kind: cache, memory: 32GB, eviction: lru}

With `capacity.entities`, each cache is judged on the entities stored in it (`stored_in`):
its `memory` against their hot set (each entity's `hot_fraction` of its reads × its size),
and the finding names them.
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.model import Cache
from archgen.rules.base import Context, Issue, rule
from archgen.units import format_size


def _sized_caches(context: Context) -> str | None:
    caches = [c for c in context.design.components.values() if isinstance(c, Cache) and c.role == "cache"]
    if not caches:
        return "the design has no cache"
    if not any(cache.memory is not None for cache in caches):
        return "no cache says its `memory`"
    return None


@rule(
    code="SCL004",
    name="cache-undersized",
    severity="warning",
    summary="the caches' total `memory` is below the hot set",
    section="2.4",
    requires=("capacity",),
    precondition=_sized_caches,
)
def check(context: Context) -> Iterator[Issue]:
    """Report caches whose memory is less than the estimated hot set (of what they hold, with entities)."""
    estimate = context.estimate
    caches = [
        (cache_id, cache)
        for cache_id, cache in context.graph.components.items()
        if isinstance(cache, Cache) and cache.role == "cache" and cache.memory is not None
    ]
    if estimate is None or not caches:
        return
    if estimate.entities:
        hot = {store.component: store for store in estimate.stores if store.kind == "cache"}
        for cache_id, cache in caches:
            store = hot.get(cache_id)
            if store is not None and (cache.memory or 0) < store.hot_set:
                yield Issue(
                    f"{cache_id} holds {format_size(cache.memory or 0)}, below the hot set of "
                    f"{', '.join(store.entities)} ({format_size(store.hot_set)})",
                    cache_id,
                    where=("components", cache_id, "memory"),
                    details={"entities": list(store.entities)},
                )
        return
    total = sum(cache.memory or 0 for _, cache in caches)
    if total < estimate.cache_memory:
        first = caches[0][0]
        yield Issue(
            f"the caches hold {format_size(total)}, below the hot set of {format_size(estimate.cache_memory)}",
            first,
            where=("components", first, "memory"),
        )
