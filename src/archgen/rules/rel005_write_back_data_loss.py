"""Why: a write-back cache acknowledges writes before they reach the database (Q&A on cache
strategies). If its only instance dies before flushing, and it keeps nothing on disk, the
acknowledged writes are gone.

How to fix: turn on `persistence`, run two or more replicas, or use `write_through`.

Bad:

    components:
      cache: {kind: cache, strategy: write_back, eviction: lru}

Good:

    components:
      cache: {kind: cache, strategy: write_back, persistence: true, replicas: 2, eviction: lru}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.model import Cache
from archgen.rules.base import Context, Issue, rule


@rule(
    code="REL005",
    name="write-back-data-loss",
    severity="warning",
    summary="a write-back cache without persistence and fewer than 2 replicas",
    section="Q&A cache strategy",
)
def check(context: Context) -> Iterator[Issue]:
    """Report write-back caches that can lose acknowledged writes."""
    for component_id, component in context.graph.components.items():
        if (
            isinstance(component, Cache)
            and component.strategy == "write_back"
            and not component.persistence
            and component.replicas < 2
        ):
            yield Issue(f"{component_id} is write-back with one instance and no persistence", component_id)
