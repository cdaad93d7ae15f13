"""Why: replicas in one zone fail together (checklist §6.2, redundancy across data
centres). A zone is a single point of failure when losing it fails an entry point
through components that are redundant on paper but keep every instance in that zone.
Components that are single points of failure on their own are reported by REL001, not
again here.

How to fix: spread the component's replicas over two or more `zones` (instances go
round-robin over the list), or use a managed service, which spans zones.

Bad:

    zones: [az-a, az-b]
    components:
      users: {kind: client, calls: [app]}
      app: {kind: service, replicas: 3, zones: [az-a]}

Good:

    zones: [az-a, az-b]
    components:
      users: {kind: client, calls: [app]}
      app: {kind: service, replicas: 3, zones: [az-a, az-b]}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.rules.base import Context, Issue, has_entry_point, rule


@rule(
    code="REL002",
    name="zone-single-point-of-failure",
    severity="error",
    summary="one zone's loss fails an entry point",
    section="6.2",
    requires=("zones",),
    precondition=has_entry_point,
)
def check(context: Context) -> Iterator[Issue]:
    """Report each zone whose loss fails at least one entry point."""
    zones = list(context.design.zones)
    for outage in context.failures.outages:
        zone = outage.event.zone
        if zone is None:
            continue
        yield Issue(
            f"zone {zone} is a single point of failure: it holds every instance of {', '.join(outage.lost)}; "
            f"losing it fails {', '.join(outage.breaks)} (path: {' → '.join(outage.path)})",
            where=("zones", zones.index(zone)),
            details={"zone": zone, "breaks": list(outage.breaks), "path": list(outage.path), "lost": list(outage.lost)},
            marks=outage.lost,
        )
