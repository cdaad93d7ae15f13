"""Why: the capacity estimate is where a design's numbers come from — requests per second,
storage, bandwidth, cache memory (checklist §2, back-of-the-envelope estimation). Without
it, the capacity rules (SCL001, SCL002, SCL004) are skipped.

How to fix: add a `capacity` section with at least `writes_per_day` and `object_size`.

Bad:

    archgen: 1
    name: Feed
    components: {...}

Good:

    archgen: 1
    name: Feed
    capacity: {daily_active_users: 300M, writes_per_day: 600M, read_write_ratio: 50, object_size: 1KB}
    components: {...}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.rules.base import Context, Issue, rule


@rule(
    code="DOC001",
    name="missing-capacity",
    severity="info",
    summary="no `capacity` section (the capacity rules are skipped)",
    section="2",
)
def check(context: Context) -> Iterator[Issue]:
    """Report a design without capacity inputs."""
    if context.design.capacity is None:
        yield Issue("the design has no capacity section; capacity rules are skipped", where=("name",))
