"""Why: a datastore reachable straight from clients or third parties skips every check the
services would make — authentication, authorisation, validation, rate limits (checklist §5
components, §7.1 security) — and exposes the data model as the API.

Queues and object storage are different when they authenticate: devices publishing to an
authenticated broker, or browsers uploading with signed URLs, are ingestion paths by design.
They count as authenticating when they say `auth:` or are managed (the provider's IAM).

How to fix: put a service (or an API gateway) between the outside and the store; for a queue
or object storage that clients use on purpose, say how they authenticate with `auth`.

Bad:

    components:
      users: {kind: client, calls: [db]}
      db: {kind: database, replicas: 2}

Good:

    components:
      users: {kind: client, calls: [api, uploads]}
      api: {kind: service, replicas: 2, calls: [db]}
      db: {kind: database, replicas: 2}
      uploads: {kind: object_storage, engine: minio, replicas: 3, auth: signed URLs}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.model import ObjectStorage, Queue
from archgen.rules.base import Context, Issue, rule

EXPOSED_KINDS = ("database", "cache", "search", "queue", "object_storage")


@rule(
    code="SEC001",
    name="exposed-datastore",
    severity="error",
    summary="a client or external calls a database, cache or search store, or an unauthenticated queue "
    "or object store, directly",
    section="5, 7.1",
)
def check(context: Context) -> Iterator[Issue]:
    """Report datastores called straight from outside the system."""
    graph = context.graph
    for store in graph.of_kind(*EXPOSED_KINDS):
        component = graph.components[store]
        if isinstance(component, (Queue, ObjectStorage)) and (component.auth or component.managed):
            continue  # an ingestion path that authenticates
        outsiders = sorted(
            {edge.source for edge in graph.callers[store] if graph.kind(edge.source) in ("client", "external")}
        )
        if outsiders:
            yield Issue(f"{store} is called directly by {', '.join(outsiders)}", store)
