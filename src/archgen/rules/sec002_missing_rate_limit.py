"""Why: without a rate limit anywhere between clients and your services, one misbehaving
client or a scraper can take the system down for everyone (checklist §3 API design,
§7.1 security: throttling).

How to fix: set `rate_limit` on the CDN, API gateway or load balancer in front of the
services (or on the service itself).

Bad:

    components:
      users: {kind: client, calls: [lb]}
      lb: {kind: load_balancer, replicas: 2, calls: [app]}
      app: {kind: service, replicas: 2}

Good:

    components:
      users: {kind: client, calls: [lb]}
      lb: {kind: load_balancer, replicas: 2, rate_limit: 1000/s, calls: [app]}
      app: {kind: service, replicas: 2}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.graph import path_to, reach
from archgen.rules.base import Context, Issue, rule

SERVING_KINDS = ("service", "web")


@rule(
    code="SEC002",
    name="missing-rate-limit",
    severity="warning",
    summary="a required path from a client to a service passes no component with `rate_limit`",
    section="3, 7.1",
)
def check(context: Context) -> Iterator[Issue]:
    """Report services that clients reach without passing a rate limit."""
    graph = context.graph

    def unlimited(node: str) -> bool:
        return getattr(graph.components[node], "rate_limit", None) is None

    parents = reach(graph, graph.of_kind("client"), through=unlimited)
    for service in graph.of_kind(*SERVING_KINDS):
        if service in parents and unlimited(service):
            path = " → ".join(path_to(parents, service))
            yield Issue(f"clients reach {service} with no rate limit on the way ({path})", service)
