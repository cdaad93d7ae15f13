"""Why: replication copies mistakes too — a bad migration or a deleted table reaches every
replica within seconds (Q&A on checkpointing). Only a backup, kept apart and for a
while, brings the data back.

How to fix: declare `backup: true`, or `backup: {interval: 1d, retention: 30d}`.

Bad:

    components:
      db: {kind: database, replicas: 3}

Good:

    components:
      db: {kind: database, replicas: 3, backup: {interval: 1d, retention: 30d}}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.model import Database, ObjectStorage
from archgen.rules.base import Context, Issue, rule


@rule(
    code="REL006",
    name="no-backup",
    severity="warning",
    summary="a database or object store without `backup`",
    section="Q&A checkpointing",
)
def check(context: Context) -> Iterator[Issue]:
    """Report databases and object stores with no backup."""
    for component_id, component in context.graph.components.items():
        if isinstance(component, (Database, ObjectStorage)) and not component.backup:
            yield Issue(f"{component_id} has no backup; replicas copy mistakes too", component_id)
