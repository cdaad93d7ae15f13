"""Why: required synchronous calls that come back to where they started can deadlock,
amplify retries and fail together (checklist §6.1, bottlenecks). A request that waits on
itself has no bottom.

How to fix: break the cycle — make one call `async` through a queue, `optional`, or
move the shared work into a component both sides call.

Bad:

    components:
      orders: {kind: service, replicas: 2, calls: [billing]}
      billing: {kind: service, replicas: 2, calls: [orders]}

Good:

    components:
      orders: {kind: service, replicas: 2, calls: [billing]}
      billing: {kind: service, replicas: 2, calls: [{events: {async: true}}]}
      events: {kind: queue, replicas: 3, calls: [{orders: {async: true}}]}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.rules.base import Context, Issue, rule


@rule(
    code="STR003",
    name="sync-cycle",
    severity="warning",
    summary="required synchronous calls form a cycle",
    section="6.1",
)
def check(context: Context) -> Iterator[Issue]:
    """Report each cycle of required calls once, naming it."""
    for cycle in context.graph.required_cycles:
        loop = " → ".join([*cycle, cycle[0]])
        yield Issue(f"required synchronous calls form a cycle: {loop}", cycle[0], details={"cycle": cycle})
