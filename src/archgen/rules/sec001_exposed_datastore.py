"""Why: a client that talks to a datastore directly bypasses authentication, validation and
rate limiting, and ties every client to the storage schema (checklist §5 high-level
design, §7.1 security).

How to fix: put a service (or an API gateway) between clients and stores. Object storage
served through signed URLs or a CDN is exempt.

Bad:

    components:
      users: {kind: client, calls: [db]}
      db: {kind: database, replicas: 2}

Good:

    components:
      users: {kind: client, calls: [api]}
      api: {kind: service, replicas: 2, calls: [db]}
      db: {kind: database, replicas: 2}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.rules.base import Context, Issue, rule

EXPOSED_KINDS = ("database", "cache", "queue", "search")


@rule(
    code="SEC001",
    name="exposed-datastore",
    severity="error",
    summary="a client or external component calls a database, cache, queue or search component directly",
    section="5, 7.1",
)
def check(context: Context) -> Iterator[Issue]:
    """Report datastores called straight from outside the system."""
    graph = context.graph
    for store in graph.of_kind(*EXPOSED_KINDS):
        outsiders = sorted(
            {edge.source for edge in graph.callers[store] if graph.kind(edge.source) in ("client", "external")}
        )
        if outsiders:
            yield Issue(f"{store} is called directly by {', '.join(outsiders)}", store)
