"""Why: you cannot keep an availability target you do not measure (checklist §7.3,
monitoring: metrics, logs, alerts on the critical paths).

How to fix: add a `monitoring` component (Prometheus, Grafana, Datadog, ...), or waive the
rule when monitoring is provided outside the design, saying where.

Bad:

    components:
      app: {kind: service, replicas: 2}

Good:

    components:
      app: {kind: service, replicas: 2}
      metrics: {kind: monitoring, engine: prometheus, managed: true}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.rules.base import Context, Issue, rule


@rule(
    code="OPS001",
    name="no-monitoring",
    severity="warning",
    summary="the design has no component of kind monitoring",
    section="7.3",
)
def check(context: Context) -> Iterator[Issue]:
    """Report a design without monitoring."""
    if not context.graph.of_kind("monitoring"):
        yield Issue("the design has no monitoring component", where=("components",))
