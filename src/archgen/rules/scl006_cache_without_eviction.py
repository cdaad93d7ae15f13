"""Why: a cache without an eviction policy or a time to live fills up and then either
refuses writes or evicts at random, and keeps stale entries forever (Q&A on eviction).

How to fix: set `eviction` (lru, lfu, ...) and, for data that changes, a `ttl`.

Bad:

    components:
      cache: {kind: cache, replicas: 2}

Good:

    components:
      cache: {kind: cache, replicas: 2, eviction: lru, ttl: 1h}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.model import Cache
from archgen.rules.base import Context, Issue, rule


@rule(
    code="SCL006",
    name="cache-without-eviction",
    severity="warning",
    summary="a cache with neither `eviction` nor `ttl`",
    section="Q&A eviction",
)
def check(context: Context) -> Iterator[Issue]:
    """Report caches that never evict."""
    for component_id, component in context.graph.components.items():
        if isinstance(component, Cache) and component.eviction is None and component.ttl is None:
            yield Issue(f"{component_id} has neither an eviction policy nor a ttl", component_id)
