"""Why: every endpoint should say who may call it (checklist §3 API design, §7.1
security). An endpoint with no `auth` is either an oversight or a public endpoint that
nobody wrote down as one.

How to fix: set `auth` (api_key, oauth, jwt, session, mtls, ...), or `auth: none` to say
the endpoint is public on purpose.

Bad:

    api:
      - {name: create_url, method: POST, path: /v1/urls}

Good:

    api:
      - {name: create_url, method: POST, path: /v1/urls, auth: api_key}
      - {name: redirect, method: GET, path: "/{hash}", auth: none}
"""

from __future__ import annotations

from collections.abc import Iterator

from archgen.rules.base import Context, Issue, rule


@rule(
    code="SEC003",
    name="unauthenticated-api",
    severity="warning",
    summary="an `api` endpoint without `auth`",
    section="3, 7.1",
    requires=("api",),
)
def check(context: Context) -> Iterator[Issue]:
    """Report endpoints that do not say how callers authenticate."""
    for index, endpoint in enumerate(context.design.api):
        if endpoint.auth is None:
            yield Issue(f"endpoint {endpoint.name} does not say how callers authenticate", where=("api", index))
