"""Why: the design declares failure zones, but this replicated component says nothing of
where its replicas run (checklist §6.2). archgen does not guess: the component is left
out of the zone analysis, and its replicas could all be in one zone.

How to fix: list the `zones` its replicas spread over (or its `regions`), or mark it
`managed: true` when a provider runs it across zones.

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
    summary="the design declares zones and a component with replicas ≥ 2 has none",
    section="6.2",
    precondition=has_zones,
)
def check(context: Context) -> Iterator[Issue]:
    """Report replicated components without zones in a zoned design."""
    graph = context.graph
    for component_id, component in graph.components.items():
        instances = graph.instances(component_id)
        placed = graph.placement(component_id)
        if instances >= 2 and not placed and not component.managed and graph.can_fail(component_id):
            yield Issue(f"{component_id} has {instances} replicas but no zones", component_id)
