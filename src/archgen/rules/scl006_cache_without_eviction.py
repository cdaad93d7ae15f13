"""Why: a cache without an eviction policy or a time to live fills up and then either
refuses writes or evicts at random, and keeps stale entries forever (Q&A on eviction).

It applies to caches (`role: cache`, the default). A cache that is the system of record
(`role: store`) must not evict at all (SCL008), and memcached always evicts least recently
used entries, whatever the spec says.

How to fix: set `eviction` (lru, lfu, ...) and, for data that changes, a `ttl`.

Bad:

    components:
      cache: {kind: cache, engine: redis, replicas: 2}

Good:

    components:
      cache: {kind: cache, engine: redis, replicas: 2, eviction: lru, ttl: 1h}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.icons import engine_key
from archgen.model import Cache
from archgen.rules.base import Context, Issue, rule

#: Engines that evict on their own: saying so in the spec adds nothing.
ALWAYS_EVICT = frozenset({"memcached"})


@rule(
    code="SCL006",
    name="cache-without-eviction",
    severity="warning",
    summary="a `role: cache` cache with neither `eviction` nor `ttl`, unless its engine always evicts",
    section="Q&A eviction",
)
def check(context: Context) -> Iterator[Issue]:
    """Report caches that may fill up and keep stale entries forever."""
    for component_id, cache in context.graph.components.items():
        if not isinstance(cache, Cache) or cache.role != "cache" or engine_key(cache.engine) in ALWAYS_EVICT:
            continue
        if not cache.eviction and not cache.ttl:
            yield Issue(f"{component_id} has neither an eviction policy nor a ttl", component_id)
