"""Why: with `failover: manual`, losing the primary stops writes until a person promotes a
replica (checklist §6.2; Q&A on redundancy). The replicas protect the data, not the
availability, and the outage lasts as long as it takes to page someone.

The same holds for a copy in another region (`replica_of`) with `promotion: manual` that
callers reach as an `any_of` alternative of its source: when the source fails, the calls
wait until a person promotes the copy.

How to fix: use `failover: automatic` (a consensus-based or managed failover) or
`promotion: automatic`, or waive the rule with the reason the manual step is acceptable.

Bad:

    components:
      db: {kind: database, replicas: 2, failover: manual}

Good:

    components:
      db: {kind: database, replicas: 3, failover: automatic}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.model import StoreBase
from archgen.rules.base import Context, Issue, rule


@rule(
    code="REL004",
    name="manual-failover",
    severity="warning",
    summary="a store with replicas ≥ 2 has `failover: manual`, or a manually promoted copy is an alternative",
    section="6.2",
)
def check(context: Context) -> Iterator[Issue]:
    """Report replicated stores that fail over by hand."""
    components = context.graph.components
    for component_id, component in components.items():
        if isinstance(component, StoreBase) and component.replicas >= 2 and component.failover == "manual":
            yield Issue(f"{component_id} fails over by hand: writes wait for a person", component_id)
    reported = set()
    for edge in context.graph.edges():
        copy = components[edge.target]
        if (
            len(edge.call.targets) > 1
            and isinstance(copy, StoreBase)
            and copy.promotion == "manual"
            and copy.replica_of in edge.call.targets
            and edge.target not in reported
        ):
            reported.add(edge.target)
            yield Issue(
                f"{edge.target} takes over from {copy.replica_of} only when a person promotes it "
                f"(promotion: manual), so calls from {edge.source} wait",
                edge.target,
            )
