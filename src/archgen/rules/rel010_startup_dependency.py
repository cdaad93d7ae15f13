"""Why: a config server, service registry or secret store that services read only when they
start is not on any request's path: while it is down, running instances keep serving, so
it is no single point of failure of a request (checklist §6.1). But nothing can start
without it: a crash, a deploy, a scale-out or a new zone's instances all wait for it. One
instance of it turns every restart into an outage.

archgen knows a call is needed only to start when it says `when: startup`. The rule reports
a component that others need only that way (every call to it says `when: startup`) and
that one loss takes out: a single instance, or a store without failover.

How to fix: run two or more instances (or a managed service), or let callers start from a
cached copy and mark the call `optional`.

Bad:

    components:
      users: {kind: client, calls: [api]}
      api: {kind: service, replicas: 3, calls: [{config: {when: startup}}]}
      config: {kind: service, name: Config server}

Good:

    components:
      users: {kind: client, calls: [api]}
      api: {kind: service, replicas: 3, calls: [{config: {when: startup}}]}
      config: {kind: service, name: Config server, replicas: 2}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.rules.base import Context, Issue, rule

#: How many callers a message names before it says how many more.
NAMED = 3


@rule(
    code="REL010",
    name="startup-dependency",
    severity="warning",
    summary="a non-redundant component that others need only `when: startup`: it blocks restarts and deploys",
    section="6.1",
    precondition=lambda context: (
        None
        if any(call.when == "startup" for component in context.design.components.values() for call in component.calls)
        else "no call says `when: startup`"
    ),
)
def check(context: Context) -> Iterator[Issue]:
    """Report start-up dependencies one loss takes out."""
    graph = context.graph
    for component_id in graph.ids:
        edges = [edge for edge in graph.callers[component_id] if edge.source not in graph.observers]
        startup = [edge for edge in edges if edge.call.when == "startup" and not edge.call.optional]
        if not startup or len(startup) != len(edges):
            continue  # not needed to start, or also needed per request (REL001's to judge)
        if not graph.can_fail(component_id) or graph.is_redundant(component_id):
            continue
        callers = list(dict.fromkeys(edge.source for edge in startup))
        named = ", ".join(callers[:NAMED]) + (f" and {len(callers) - NAMED} more" if len(callers) > NAMED else "")
        yield Issue(
            f"{component_id} is needed to start {named} and one loss takes it out: running instances keep "
            "serving, but no restart, deploy or scale-out can happen until it is back",
            component_id,
            details={"callers": callers},
        )
