"""Why: a third party — a bank API, a payment provider, a push service — fails too, and you
cannot fix it or fail it over (checklist §6.1). archgen never counts an `external`
component as a failure event of yours, but when an entry point fails with it through a
required synchronous chain, that outage is yours to design around.

How to fix: make the call `optional` (degrade: show the page without it), `async` (queue the
request and retry), wrap it in a timeout with a fallback, or call `{any_of: [provider_a,
provider_b]}`.

Bad:

    components:
      users: {kind: client, calls: [checkout]}
      checkout: {kind: service, replicas: 2, calls: [bank]}
      bank: {kind: external, name: Bank API}

Good:

    components:
      users: {kind: client, calls: [checkout]}
      checkout: {kind: service, replicas: 2, calls: [{any_of: [bank, backup_bank]}]}
      bank: {kind: external, name: Bank API}
      backup_bank: {kind: external, name: Second bank}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.rules.base import Context, Issue, rule


@rule(
    code="REL008",
    name="hard-third-party-dependency",
    severity="warning",
    summary="an entry point fails when an `external` component fails (a required synchronous chain)",
    section="6.1",
    precondition=lambda context: None if context.graph.of_kind("external") else "the design has no external components",
)
def check(context: Context) -> Iterator[Issue]:
    """Report each external component that entry points cannot do without."""
    for outage in context.failures.third_party_outages:
        external = outage.event.name
        yield Issue(
            f"{', '.join(outage.breaks)} fail{'s' if len(outage.breaks) == 1 else ''} when {external} fails "
            f"(path: {' → '.join(outage.path)}); degrade, queue or add a second provider",
            external,
            details={"breaks": list(outage.breaks), "path": list(outage.path)},
        )
