"""Why: at ACME every database has a team that answers its pages; a database nobody owns
is found out during an outage.

How to fix: say the owning team in the description: `description: "owner: payments"`.

Bad:

    components:
      orders_db: {kind: database, replicas: 2}

Good:

    components:
      orders_db: {kind: database, replicas: 2, description: "owner: checkout"}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.plugin import Context, Issue, rule


@rule(
    code="ACME001",
    name="database-owner",
    severity="warning",
    summary="a database names no owning team in its description",
    section="ACME handbook 4.2",
)
def check(context: Context) -> Iterator[Issue]:
    """Report databases whose description names no owner."""
    for component_id, component in context.design.components.items():
        if component.kind == "database" and "owner:" not in (component.description or ""):
            yield Issue(f"{component_id} names no owning team (write `owner: <team>` in its description)", component_id)
