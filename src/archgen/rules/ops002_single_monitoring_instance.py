"""Why: monitoring that runs on one instance dies with it, and then nobody sees the next
failure (checklist §7.3). The design's monitoring must outlive what it watches.

Monitoring never fails a request (it observes), so a single instance is not a single
point of failure of REL001; this rule reports it instead. A managed monitoring service
counts as redundant unless it says `replicas: 1`.

How to fix: run two or more instances (`replicas: 2` in different zones), or use a managed
service.

Bad:

    components:
      metrics: {kind: monitoring, engine: prometheus}

Good:

    components:
      metrics: {kind: monitoring, engine: prometheus, replicas: 2, zones: [az-a, az-b]}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.rules.base import Context, Issue, rule


@rule(
    code="OPS002",
    name="single-monitoring-instance",
    severity="info",
    summary="every monitoring component has one instance",
    section="7.3",
    precondition=lambda context: None if context.graph.of_kind("monitoring") else "the design has no monitoring",
)
def check(context: Context) -> Iterator[Issue]:
    """Report a design whose monitoring all runs on single instances."""
    graph = context.graph
    monitors = graph.of_kind("monitoring")
    if all(not graph.is_redundant(monitor) for monitor in monitors):
        yield Issue(
            f"monitoring runs on one instance ({', '.join(monitors)}): when it dies, nobody sees the next failure",
            monitors[0],
        )
