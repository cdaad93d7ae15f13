"""Why: the first question of every design review is what happens when one box dies
(checklist §1.2 availability, §6.1 single points of failure). A component is a single
point of failure when its loss alone makes a required path from an entry point — a
client, or the start of an async pipeline — impossible. archgen computes this exactly
over the call graph: `optional` calls never propagate a failure, `any_of` fails only when
every alternative fails, and `async` calls start pipelines of their own.

Components that share one machine or container (`host: db-server` on each: one Postgres
server holding four databases, an all-in-one container) are lost together: the host is one
failure event, reported once, naming the host and what it runs.

How to fix: run two or more instances (`replicas: 2`, and for stores a `failover` that is
not `none`), use a managed service (`managed: true`), make the call `optional` when the
caller can degrade, or add an alternative with `any_of`.

Bad:

    components:
      users: {kind: client, calls: [app]}
      app: {kind: service, replicas: 2, calls: [db]}
      db: {kind: database}                     # one instance: every request fails with it

Good:

    components:
      users: {kind: client, calls: [app]}
      app: {kind: service, replicas: 2, calls: [db, {cache: {optional: true}}]}
      db: {kind: database, replicas: 2, failover: automatic}
      cache: {kind: cache, eviction: lru}      # single, but optional: no SPOF
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.analysis.failure import Outage
from archgen.rules.base import Context, Issue, broken, has_entry_point, outage_details, rule


@rule(
    code="REL001",
    name="single-point-of-failure",
    severity="error",
    summary="one component's loss fails an entry point",
    section="1.2, 6.1",
    shadows="REL",
    precondition=has_entry_point,
)
def check(context: Context) -> Iterator[Issue]:
    """Report each component whose loss fails at least one entry point."""
    for outage in context.failures.outages:
        if outage.event.host is not None:
            yield _host_issue(context, outage)
        component = outage.event.component
        if component is None:
            continue
        yield Issue(
            f"{component} is a single point of failure: losing it fails {broken(context, outage)} "
            f"(path: {' → '.join(outage.path)})",
            component,
            details=outage_details(context, outage),
            marks=(component,),
        )


def _host_issue(context: Context, outage: Outage) -> Issue:
    """Describe a shared host's loss: the components it runs, what it fails, one path."""
    host, members = outage.event.host, outage.lost
    return Issue(
        f"host {host} is a single point of failure: it runs {', '.join(members)}, lost together; "
        f"losing it fails {broken(context, outage)} (path: {' → '.join(outage.path)})",
        where=("components", members[0], "host"),
        details={"host": host, **outage_details(context, outage), "lost": list(members)},
        marks=outage.culprits or members,
    )
