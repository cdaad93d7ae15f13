"""Post a file as the pull request's archgen comment, or update the one posted before (the Action's diff step).

    python scripts/pr-comment.py archgen-diff.md

Reads what GitHub Actions sets: GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_EVENT_PATH (the pull
request's number), and ARCHGEN_TOKEN. One comment per pull request, found again by a marker on
its first line, so each push updates it instead of adding another.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from pathlib import Path

MARKER = "<!-- archgen-diff -->"


def call(method: str, url: str, token: str, body: dict[str, str] | None = None) -> object:
    """Send one request to the GitHub REST API and return the decoded JSON answer."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Accept", "application/vnd.github+json")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def main() -> int:
    """Post or update the comment; say which on stdout."""
    api = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
    repository = os.environ["GITHUB_REPOSITORY"]
    token = os.environ["ARCHGEN_TOKEN"]
    event = json.loads(Path(os.environ["GITHUB_EVENT_PATH"]).read_text())
    number = event["pull_request"]["number"]
    body = f"{MARKER}\n{Path(sys.argv[1]).read_text()}"
    comments = call("GET", f"{api}/repos/{repository}/issues/{number}/comments?per_page=100", token)
    mine = [c for c in comments if isinstance(c, dict) and str(c.get("body", "")).startswith(MARKER)]  # type: ignore[union-attr]
    if mine:
        call("PATCH", f"{api}/repos/{repository}/issues/comments/{mine[0]['id']}", token, {"body": body})
        print(f"updated comment {mine[0]['id']}")
    else:
        created = call("POST", f"{api}/repos/{repository}/issues/{number}/comments", token, {"body": body})
        print(f"posted comment {created['id']}")  # type: ignore[index]
    return 0


if __name__ == "__main__":
    sys.exit(main())
