"""Why: a waiver that silences nothing is stale — the finding it was written for is gone,
or it names the wrong rule or component — and it would silently hide a future finding.

How to fix: delete the waiver, or correct its `rule` and `component`.

Bad:

    components:
      db: {kind: database, replicas: 2, backup: true}
    waivers:
      - {rule: REL006, component: db, reason: backups are taken by the platform}

Good:

    components:
      db: {kind: database, replicas: 2, backup: true}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.rules.base import Context, Issue, rule


@rule("DOC003", "unused-waiver", "warning", "a waiver that silences no finding", section="—")
def check(context: Context) -> Iterator[Issue]:
    """Nothing to check per design: the engine reports waivers that silenced nothing."""
    return iter(())
