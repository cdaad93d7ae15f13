"""Why: with `hash` partitioning (key modulo the number of shards), adding one shard moves
almost every key; consistent hashing moves only about 1/n of them (checklist §6.2,
partitioning).

How to fix: use `strategy: consistent_hash`, or waive the rule when the shard count is
fixed for the life of the data.

Bad:

    components:
      db: {kind: database, replicas: 2, partitioning: {strategy: hash, key: user_id}}

Good:

    components:
      db: {kind: database, replicas: 2, partitioning: {strategy: consistent_hash, key: user_id}}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.model import StoreBase
from archgen.rules.base import Context, Issue, rule


@rule(
    code="SCL003",
    name="modulo-hash-partitioning",
    severity="info",
    summary="`partitioning.strategy: hash` moves most keys when a shard is added",
    section="6.2",
)
def check(context: Context) -> Iterator[Issue]:
    """Report stores partitioned by key modulo shard count."""
    for component_id, component in context.graph.components.items():
        if isinstance(component, StoreBase) and component.partitioning and component.partitioning.strategy == "hash":
            yield Issue(f"{component_id} uses modulo hashing: adding a shard moves most keys", component_id)
