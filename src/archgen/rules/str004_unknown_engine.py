"""Why: `engine` names the product a component runs (checklist §5, the components); it picks
the component's icon and tells a reviewer what the box is. A name archgen knows nothing about
is usually a typo (`postgressql`), and the component is drawn with its kind's icon instead.
archgen knows every engine mingrammer's `diagrams` ships an icon for (AWS, GCP, Azure, on-prem,
Kubernetes, SaaS, Elastic), matched without case, spaces, `-` or `_` (`Cloud Functions`,
`cloud_functions`).

How to fix: correct the name (the message suggests the closest known one), or leave
`engine` out and say what the component runs in its `name` or `description`.

Bad:

    components:
      db: {kind: database, engine: postgressql, replicas: 2}

Good:

    components:
      db: {kind: database, engine: postgresql, replicas: 2}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.icons import engine_icons, engine_key, known_engines
from archgen.rules.base import Context, Issue, rule
from archgen.text import suggest


@rule(
    code="STR004",
    name="unknown-engine",
    severity="warning",
    summary="an `engine` archgen has no icon or default for",
    section="5",
    precondition=lambda context: (
        None
        if any(component.engine for component in context.design.components.values())
        else "no component names its `engine`"
    ),
)
def check(context: Context) -> Iterator[Issue]:
    """Report engines archgen does not know, with the closest one it does."""
    engines = known_engines()
    for component_id, component in context.graph.components.items():
        if component.engine and not engine_icons(component.engine):
            hint = suggest(engine_key(component.engine), engines)
            yield Issue(
                f"{component_id} runs {component.engine!r}, an engine archgen does not know{hint}",
                component_id,
                where=("components", component_id, "engine"),
            )
