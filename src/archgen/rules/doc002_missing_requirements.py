"""Why: a design answers requirements; without them a reviewer cannot tell whether it is
right (checklist §1.1, use cases and functional requirements).

How to fix: list what the system does under `requirements.functional`.

Bad:

    archgen: 1
    name: Feed
    components: {...}

Good:

    archgen: 1
    name: Feed
    requirements:
      functional: [Publish a post, Read the feed of people I follow]
    components: {...}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.rules.base import Context, Issue, rule


@rule(
    code="DOC002",
    name="missing-requirements",
    severity="info",
    summary="no functional requirements",
    section="1.1",
)
def check(context: Context) -> Iterator[Issue]:
    """Report a design that lists no functional requirements."""
    requirements = context.design.requirements
    if requirements is None or not requirements.functional:
        where = ("requirements",) if requirements is not None else ("name",)
        yield Issue("the design lists no functional requirements", where=where)
