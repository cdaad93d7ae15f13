"""Why: a load balancer sends a user's next request to any instance; an instance that keeps
sessions in its own memory loses them (Q&A on load balancers). Either the sessions live
in a shared store or the balancer must pin users to instances.

How to fix: keep sessions in a cache or database (`session_store: sessions`), make the
component `stateless`, or use `algorithm: ip_hash` (sticky, but uneven).

Bad:

    components:
      lb: {kind: load_balancer, replicas: 2, algorithm: round_robin, calls: [web]}
      web: {kind: web, replicas: 3, stateless: false}

Good:

    components:
      lb: {kind: load_balancer, replicas: 2, algorithm: round_robin, calls: [web]}
      web: {kind: web, replicas: 3, stateless: false, session_store: sessions, calls: [sessions]}
      sessions: {kind: cache, replicas: 2, eviction: lru, ttl: 30m}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.model import ComputeBase, LoadBalancer
from archgen.rules.base import Context, Issue, rule


@rule(
    code="SCL005",
    name="stateful-behind-load-balancer",
    severity="warning",
    summary="a load balancer spreads requests over a stateful component without a session store",
    section="Q&A load balancers",
)
def check(context: Context) -> Iterator[Issue]:
    """Report stateful components behind a non-sticky load balancer without a session store."""
    components = context.graph.components
    reported = set()
    for balancer_id, balancer in components.items():
        if not isinstance(balancer, LoadBalancer) or balancer.algorithm == "ip_hash":
            continue
        for call in balancer.calls:
            for target in call.targets:
                component = components[target]
                if (
                    isinstance(component, ComputeBase)
                    and not component.stateless
                    and component.session_store is None
                    and target not in reported
                ):
                    reported.add(target)
                    yield Issue(
                        f"{target} keeps sessions, but {balancer_id} spreads requests over its instances", target
                    )
