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


@rule(
    code="DOC003",
    name="unused-waiver",
    severity="warning",
    summary="a waiver that silences no finding",
    section="—",
    stage="waivers",
    requires=("waivers",),
)
def check(context: Context) -> Iterator[Issue]:
    """Report each unexpired waiver of a rule that ran and found nothing for it to silence."""
    review = context.waivers
    for index, waiver in enumerate(review.waivers):
        if not review.used[index] and not review.expired[index] and waiver.rule in review.ran:
            target = f" for {waiver.component}" if waiver.component else ""
            yield Issue(f"the waiver of {waiver.rule}{target} silences no finding", where=("waivers", index))
