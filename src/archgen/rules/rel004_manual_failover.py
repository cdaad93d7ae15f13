"""Why: with `failover: manual`, losing the primary stops writes until a person promotes a
replica (checklist §6.2; Q&A on redundancy). The replicas protect the data, not the
availability, and the outage lasts as long as it takes to page someone.

How to fix: use `failover: automatic` (a consensus-based or managed failover), or waive
the rule with the reason the manual step is acceptable.

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
    summary="a store with replicas ≥ 2 has `failover: manual`",
    section="6.2",
)
def check(context: Context) -> Iterator[Issue]:
    """Report replicated stores that fail over by hand."""
    for component_id, component in context.graph.components.items():
        if isinstance(component, StoreBase) and component.replicas >= 2 and component.failover == "manual":
            yield Issue(f"{component_id} fails over by hand: writes wait for a person", component_id)
