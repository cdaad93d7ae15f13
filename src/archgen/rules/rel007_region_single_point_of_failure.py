"""Why: a region fails as a whole (checklist §6.2, redundancy across data centres): a cloud
region outage, a bad deploy to one region, a cut link. When a design spans two or more
regions, the loss of any one region must not fail an entry point. A region is a single
point of failure when its loss fails an entry point through components that are redundant
on paper but keep every instance in that region. Components that are single points of
failure on their own are reported by REL001, not again here.

How to fix: place a second copy of the component in another region (`regions: [a, b]`),
put a copy of the store there (`replica_of`, with `promotion: automatic`), or route around
the region with `any_of` between regional stacks.

Bad:

    regions: {us: [us-a, us-b], eu: [eu-a]}
    components:
      users: {kind: client, calls: [app]}
      app: {kind: service, replicas: 3, region: us}

Good:

    regions: {us: [us-a, us-b], eu: [eu-a]}
    components:
      users: {kind: client, calls: [app]}
      app: {kind: service, replicas: 3, regions: [us, eu]}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.rules.base import Context, Issue, area_issue, has_entry_point, rule


def _regions(context: Context) -> str | None:
    if len(context.design.regions) < 2:
        return "the design declares fewer than two `regions`"
    return has_entry_point(context)


@rule(
    code="REL007",
    name="region-single-point-of-failure",
    severity="error",
    summary="one region's loss fails an entry point",
    section="6.2",
    precondition=_regions,
)
def check(context: Context) -> Iterator[Issue]:
    """Report each region whose loss fails at least one entry point."""
    for outage in context.failures.outages:
        region = outage.event.region
        if region is None:
            continue
        yield area_issue(context, outage, "region", region, ("regions", region))
