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


@rule("DOC004", "expired-waiver", "warning", "a waiver whose `expires` date has passed", section="—")
def check(context: Context) -> Iterator[Issue]:
    """Nothing to check per design: the engine reports expired waivers."""
    return iter(())
