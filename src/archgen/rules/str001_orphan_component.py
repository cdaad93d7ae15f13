"""Why: a component that nothing calls and that calls nothing takes no part in the design
(checklist §5, high-level design). It is usually a forgotten `calls` entry, and it hides
from the failure analysis, which follows calls.

How to fix: add the call that uses it, or remove it. Monitoring is exempt: it watches
everything without being called.

Bad:

    components:
      app: {kind: service, calls: [db]}
      db: {kind: database, replicas: 2}
      search: {kind: search, replicas: 2}     # nothing calls it

Good:

    components:
      app: {kind: service, calls: [db, search]}
      db: {kind: database, replicas: 2}
      search: {kind: search, replicas: 2}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.rules.base import Context, Issue, rule


@rule(
    code="STR001",
    name="orphan-component",
    severity="warning",
    summary="a component has no callers and calls nothing",
    section="5",
)
def check(context: Context) -> Iterator[Issue]:
    """Report components outside every call."""
    graph = context.graph
    for component_id, component in graph.components.items():
        if component.kind != "monitoring" and not component.calls and not graph.callers[component_id]:
            yield Issue(f"{component_id} has no callers and calls nothing", component_id)
