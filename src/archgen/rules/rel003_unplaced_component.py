"""Why: the design declares failure zones, but this replicated component says nothing of
where its replicas run (checklist §6.2). archgen does not guess: the component is left
out of the zone analysis, and its replicas could all be in one zone.

It also reports a component that names more regions than it runs instances: instances go
to the regions first, one each in turn, so `replicas: 1, regions: [us-east-1, eu-west-1]`
runs in us-east-1 only, whatever the second name promises.

How to fix: list the `zones` its replicas spread over (or its `regions`), or mark it
`managed: true` when a provider runs it across zones; run at least one instance per region
it names.

Bad:

    zones: [az-a, az-b]
    components:
      app: {kind: service, replicas: 2}

Good:

    zones: [az-a, az-b]
    components:
      app: {kind: service, replicas: 2, zones: [az-a, az-b]}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.rules.base import Context, Issue, has_zones, rule


@rule(
    code="REL003",
    name="unplaced-component",
    severity="warning",
    summary="a replicated component has no zones in a zoned design, or names more regions than it has instances",
    section="6.2",
    precondition=has_zones,
)
def check(context: Context) -> Iterator[Issue]:
    """Report replicated components without zones, and components with fewer instances than the regions they name."""
    graph = context.graph
    for component_id, component in graph.components.items():
        instances = graph.instances(component_id)
        placed = graph.placement(component_id)
        if instances >= 2 and not placed and not component.managed and graph.can_fail(component_id):
            yield Issue(f"{component_id} has {instances} replicas but no zones", component_id)
        elif len(component.regions) > instances and not component.managed and graph.can_fail(component_id):
            used = ", ".join(graph.used_regions(component_id))
            yield Issue(
                f"{component_id} names {len(component.regions)} regions but runs {instances} "
                f"instance{'s' if instances != 1 else ''}: it runs in {used} only",
                component_id,
                where=("components", component_id, "regions"),
            )
