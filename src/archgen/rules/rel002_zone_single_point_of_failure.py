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

from archgen.rules.base import Context, Issue, SpecPath, area_issue, has_entry_point, has_zones, rule


@rule(
    code="REL002",
    name="zone-single-point-of-failure",
    severity="error",
    summary="one zone's loss fails an entry point",
    section="6.2",
    precondition=lambda context: has_zones(context) or has_entry_point(context),
)
def check(context: Context) -> Iterator[Issue]:
    """Report each zone whose loss fails at least one entry point."""
    for outage in context.failures.outages:
        zone = outage.event.zone
        if zone is None:
            continue
        yield area_issue(context, outage, "zone", zone, _where(context, zone))


def _where(context: Context, zone: str) -> SpecPath:
    """Point at the zone in `zones`, or, for a zone only a region declares, in that region."""
    if zone in context.design.zones:
        return ("zones", context.design.zones.index(zone))
    region = next(name for name, zones in context.design.regions.items() if zone in zones)
    return ("regions", region, context.design.regions[region].index(zone))
