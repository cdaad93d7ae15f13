"""Why: the failure analysis starts from the design's users (checklist §1.1, use cases).
Without a `client` component archgen takes the components nobody calls as the entry
points, which may not be where your users arrive.

How to fix: add the clients — browsers, mobile apps, partner systems (`external`) — and
the calls they make.

Bad:

    components:
      lb: {kind: load_balancer, replicas: 2, calls: [app]}
      app: {kind: service, replicas: 2}

Good:

    components:
      users: {kind: client, calls: [lb]}
      lb: {kind: load_balancer, replicas: 2, calls: [app]}
      app: {kind: service, replicas: 2}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.rules.base import Context, Issue, rule


@rule(
    code="STR002",
    name="no-client",
    severity="info",
    summary="no component of kind client; roots are used as entry points",
    section="1.1",
)
def check(context: Context) -> Iterator[Issue]:
    """Report a design without clients."""
    if not context.graph.of_kind("client"):
        roots = ", ".join(context.graph.entry_points) or "none"
        yield Issue(f"the design has no client; entry points used instead: {roots}", where=("components",))
