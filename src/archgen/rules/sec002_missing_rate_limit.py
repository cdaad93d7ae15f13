"""Why: without a rate limit anywhere between clients and your services, one misbehaving
client or a scraper can take the system down for everyone (checklist §3 API design,
§7.1 security: throttling).

The rule speaks once per entry edge: it reports the first component a client reaches
(the load balancer, gateway or service at the edge) when nothing on the required paths
from it to the services has a `rate_limit`, and names the services behind it — not every
service again.

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

from archgen.engines import LIMITS_REQUESTS_WHEN_MANAGED, engine_in
from archgen.graph import reach
from archgen.rules.base import Context, Issue, rule

SERVING_KINDS = ("service", "web")
#: How many services a message names before it says how many more.
NAMED = 3


@rule(
    code="SEC002",
    name="missing-rate-limit",
    severity="warning",
    summary="an entry edge from a client reaches services with no `rate_limit` on the way",
    section="3, 7.1",
)
def check(context: Context) -> Iterator[Issue]:
    """Report each first component behind a client from which services are reached without a rate limit."""
    graph = context.graph

    def unlimited(node: str) -> bool:
        component = graph.components[node]
        if component.managed and engine_in(component.engine, LIMITS_REQUESTS_WHEN_MANAGED):
            return False  # the provider enforces quotas of its own
        return getattr(component, "rate_limit", None) is None

    entries = dict.fromkeys(
        edge.target for edge in graph.edges() if graph.kind(edge.source) == "client" and not edge.call.is_async
    )
    for entry in entries:
        reached = reach(graph, [entry], through=unlimited)
        services = [node for node in reached if graph.kind(node) in SERVING_KINDS and unlimited(node)]
        if services:
            named = ", ".join(services[:NAMED]) + (
                f" and {len(services) - NAMED} more" if len(services) > NAMED else ""
            )
            yield Issue(f"clients enter at {entry} and reach {named} with no rate limit on the way", entry)
