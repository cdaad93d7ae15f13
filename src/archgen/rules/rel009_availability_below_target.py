"""Why: the checklist measures availability in nines (§1.2), `Uptime ÷ (Uptime + Downtime)`,
and a design's requirements say how many it needs (`non_functional.availability: 99.99`). A
design can have no single point of failure and still miss its target: five redundant tiers
of 99.5 % instances, a managed queue with a 99.9 % SLA on every request, a third party that
is down nine hours a year. archgen computes each entry point's availability exactly from the
failure model and the figures of its parts (the published SLAs it knows are in
docs/availability.md), and reports every user-facing entry point below the target, or every
flow when the design declares flows. Scheduled jobs and asynchronous pipelines are not held
to a request target.

The message names the figure, the target, the downtime it means, and the three parts whose
perfect reliability would remove the most downtime: the place to start.

How to fix: add redundancy where the contributors are (a second instance, another zone), take
a part off the request path (`optional`, `async`, an `any_of` fallback), choose a managed
engine with a higher published figure, or write the figure you have measured
(`availability:` on the component) when it is better than the default archgen assumes.

Bad:

    requirements: {non_functional: {availability: 99.99}}
    components:
      users: {kind: client, calls: [api]}
      api: {kind: service, replicas: 2, calls: [bank]}
      bank: {kind: external, availability: 99.9}

Good:

    requirements: {non_functional: {availability: 99.99}}
    components:
      users: {kind: client, calls: [api]}
      api: {kind: service, replicas: 2, calls: [{bank: {async: true}}]}
      bank: {kind: external, availability: 99.9}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.model import availability_target
from archgen.rules.base import Context, Issue, has_entry_point, rule
from archgen.units import format_availability, format_downtime


def _targeted(context: Context) -> str | None:
    if availability_target(context.design) is None:
        return "the design sets no `requirements.non_functional.availability`"
    return has_entry_point(context) or context.availability.skipped


@rule(
    code="REL009",
    name="availability-below-target",
    severity="error",
    summary="an entry point (or flow) computes below the availability target",
    section="1.2",
    precondition=_targeted,
    shadowable=False,
)
def check(context: Context) -> Iterator[Issue]:
    """Report each user-facing entry point, or each flow when there are flows, below the target."""
    from archgen.render.availability import NAMED_SHARE

    target = availability_target(context.design)
    assert target is not None  # the precondition says so
    result = context.availability
    figures = result.flows if context.design.flows else [f for f in result.entry_points if f.user_facing]
    for figure in figures:
        if figure.percent >= target:
            continue
        what = f"flow {figure.name}" if figure.kind == "flow" else f"entry point {figure.name}"
        causes = ", ".join(f"{c.what} ({c.share:.0%})" for c in figure.contributors if c.share >= NAMED_SHARE)
        up = format_availability(figure.unavailability, below=target)
        yield Issue(
            f"{what} is up {up} of the time, below the {target:g}% target "
            f"({format_downtime(figure.minutes_per_year)} of downtime a year)"
            + (f"; most of it from {causes}" if causes else ""),
            component=figure.name
            if figure.kind == "entry_point" and figure.name in context.design.components
            else None,
            where=("flows", figure.name) if figure.kind == "flow" else ("components", figure.name),
            details={"target": target, **figure.as_dict()},
        )
