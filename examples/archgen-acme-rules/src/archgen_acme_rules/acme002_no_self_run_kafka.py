"""Why: ACME runs Kafka only as the platform team's managed service; a team that runs its own
brokers runs them alone at 3 a.m.

How to fix: use the managed service (`managed: true`), or another queue.

Bad:

    components:
      events: {kind: queue, engine: kafka, replicas: 3}

Good:

    components:
      events: {kind: queue, engine: kafka, managed: true}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.plugin import Context, Issue, rule


@rule(
    code="ACME002",
    name="no-self-run-kafka",
    severity="error",
    summary="a queue runs Kafka the team operates itself",
    section="ACME handbook 7.1",
)
def check(context: Context) -> Iterator[Issue]:
    """Report self-run Kafka."""
    for component_id, component in context.design.components.items():
        if (component.engine or "").lower() == "kafka" and not component.managed:
            yield Issue(
                f"{component_id} runs its own Kafka; use the platform's managed Kafka",
                component_id,
                where=("components", component_id, "engine"),
            )
