"""Why: a waiver with an `expires` date is a promise to revisit a decision. Once the date
has passed, the finding it hid is reported again, and so is the waiver.

How to fix: fix the finding and delete the waiver, or, if the decision still stands,
move `expires` forward and update the `reason`.

Bad:

    waivers:
      - {rule: OPS001, reason: monitoring comes next quarter, expires: 2020-01-01}

Good:

    waivers:
      - {rule: OPS001, reason: monitoring comes next quarter, expires: 2099-01-01}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.rules.base import Context, Issue, rule


@rule(
    code="DOC004",
    name="expired-waiver",
    severity="warning",
    summary="a waiver whose `expires` date has passed",
    section="—",
    stage="waivers",
    requires=("waivers",),
)
def check(context: Context) -> Iterator[Issue]:
    """Report each waiver past its `expires` date (the engine no longer applies it)."""
    review = context.waivers
    for index, waiver in enumerate(review.waivers):
        if review.expired[index]:
            target = f" for {waiver.component}" if waiver.component else ""
            yield Issue(f"the waiver of {waiver.rule}{target} expired on {waiver.expires}", where=("waivers", index))
