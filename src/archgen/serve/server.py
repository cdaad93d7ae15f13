"""The HTTP side of `archgen serve`: the standard library's threading server, as `mkdocs serve` uses.

One thread per connection is plenty for a page or ten on one machine, and it needs nothing
beyond the standard library. Updates go to the page as server-sent events (`/events`), which
browsers reconnect on their own. Routes are a fixed table: no URL is ever mapped to a file,
so nothing outside archgen's own pages and the designs' pictures can be read.
"""

from __future__ import annotations

import html
import json
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

from archgen import __version__
from archgen.serve import is_loopback
from archgen.serve.workspace import Workspace
from archgen.text import plural

STATIC = {
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
KEEPALIVE_SECONDS = 15.0
_DESIGN = re.compile(r"/design/(?P<slug>[a-z0-9-]+)/(?P<rest>|diagram\.svg)")
_API = re.compile(r"/api/design/(?P<slug>[a-z0-9-]+)")
#: What a design's page asks for beside its data: a view's picture (`?name=`), or a comparison (`?ref=`).
_ASKED = re.compile(r"/api/design/(?P<slug>[a-z0-9-]+)/(?P<what>view|against)")
#: A git ref a page may ask to compare with: a branch, tag or commit name, never an option.
_REF = re.compile(r"[A-Za-z0-9._][A-Za-z0-9._/~^-]{0,199}")

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · archgen</title>
<link rel="stylesheet" href="/static/app.css?v={version}">
<link rel="icon" href="/static/favicon.svg?v={version}" type="image/svg+xml">
</head>
<body data-page="{page}" data-slug="{slug}" data-version="0">
<header><a href="/">archgen</a> <span class="title">{title}</span></header>
<main id="main">{body}</main>
<script src="/static/app.js?v={version}"></script>
</body></html>
"""
DESIGN_BODY = """
<section class="picture">
  <div id="overlay" hidden><h2>This spec has errors</h2><pre id="errors"></pre>
    <p>The picture is the last one that loaded.</p></div>
  <p id="views" hidden><label>Show <select id="view"></select></label></p>
  <div id="viewport"><div id="diagram"></div></div>
  <p class="hint">Scroll to zoom, drag to move, double-click to fit.</p>
</section>
<aside>
  <h2>Findings <span id="counts"></span></h2>
  <ol id="findings"></ol>
  <p id="where"></p>
</aside>
<section class="tables">
  <h2>What fails when…</h2><div id="failures"></div>
  <h2>Capacity</h2><div id="capacity"></div>
  <h2>Availability</h2><div id="availability"></div>
</section>
<section id="against" hidden>
  <h2>Against <code id="against-ref"></code></h2><p id="against-headline"></p>
  <div id="against-findings"></div><div id="against-changes"></div>
</section>
<article id="doc"></article>
"""


class Handler(BaseHTTPRequestHandler):
    """Answers one request from the routes table."""

    server: ArchgenServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        """Route a GET request; anything not in the table is 404."""
        if not self._host_allowed():
            self._send(HTTPStatus.FORBIDDEN, b"forbidden host\n", "text/plain; charset=utf-8")
            return
        path = urlsplit(self.path).path
        workspace = self.server.workspace
        if path == "/":
            cards = index_items(workspace.index())
            self._page("index", "", "Designs", f'<ul id="designs" class="designs">{cards}</ul>')
        elif path == "/favicon.ico":  # asked for by browsers whatever the page links
            self._static("favicon.svg")
        elif path == "/api/index":
            self._json(workspace.index())
        elif path == "/events":
            self._events()
        elif path.startswith("/static/") and path.removeprefix("/static/") in STATIC:
            self._static(path.removeprefix("/static/"))
        elif (design := _DESIGN.fullmatch(path)) and workspace.design(design["slug"]) is not None:
            self._design(design["slug"], picture=bool(design["rest"]))
        elif (api := _API.fullmatch(path)) and (page := workspace.design(api["slug"])) is not None:
            self._json(page)
        elif asked := _ASKED.fullmatch(path):
            self._asked(asked["what"], asked["slug"], parse_qs(urlsplit(self.path).query))
        else:
            self._not_found()

    def _asked(self, what: str, slug: str, query: dict[str, list[str]]) -> None:
        """Answer what a design's page asks beside its data: a view's picture, or a comparison with a git ref."""
        if what == "view":
            self._view(slug, query.get("name", [""])[0])
        else:
            self._against(slug, query.get("ref", [""])[0])

    def _view(self, slug: str, name: str) -> None:
        """Send the picture of one of a design's views, or 404 for a design or a view it does not have."""
        if (svg := self.server.workspace.view(slug, name)) is None:
            self._not_found()
        else:
            self._json({"svg": svg})

    def _against(self, slug: str, ref: str) -> None:
        """Send what a design changed since a git ref, or 400 for a ref that is not one, 404 for no design."""
        if not _REF.fullmatch(ref) or ".." in ref:
            self._send(HTTPStatus.BAD_REQUEST, b"not a git ref\n", "text/plain; charset=utf-8")
        elif (answer := self.server.workspace.against(slug, ref)) is None:
            self._not_found()
        else:
            self._json(answer)

    def _design(self, slug: str, picture: bool) -> None:
        """Send a design's page, or its last good picture."""
        workspace = self.server.workspace
        if not picture:
            title = str((workspace.design(slug) or {}).get("name", slug))
            self._page("design", slug, html.escape(title), DESIGN_BODY)
        elif (svg := workspace.svg(slug)) is None:
            self._not_found()
        else:
            self._send(HTTPStatus.OK, svg.encode(), "image/svg+xml")

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: a page polls and streams; the terminal is for the server's own lines."""

    def _host_allowed(self) -> bool:
        """Refuse other host names on any loopback address (a web page cannot rebind a name to it)."""
        if not is_loopback(str(self.server.server_address[0])):
            return True
        host = (self.headers.get("Host") or "").strip().lower()
        if host.startswith("["):
            host = host[: host.find("]") + 1]
        elif host.count(":") == 1:
            host = host.rsplit(":", 1)[0]
        return host == "localhost" or is_loopback(host.strip("[]"))

    def _static(self, name: str) -> None:
        data = resources.files("archgen.serve").joinpath("static", name).read_bytes()
        self._send(HTTPStatus.OK, data, STATIC[name])

    def _page(self, page: str, slug: str, title: str, body: str) -> None:
        text = PAGE.format(title=title, page=page, slug=slug, body=body, version=__version__)
        self._send(HTTPStatus.OK, text.encode(), "text/html; charset=utf-8")

    def _json(self, value: Any) -> None:
        self._send(HTTPStatus.OK, json.dumps(value).encode(), "application/json")

    def _not_found(self) -> None:
        self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")

    def _send(self, status: HTTPStatus, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(data)

    def _events(self) -> None:
        """Stream a message each time designs change, naming them; a comment now and then keeps it open."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        workspace = self.server.workspace
        seen = workspace.counter
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while not workspace.stop.is_set():
                counter, slugs = workspace.wait(seen, KEEPALIVE_SECONDS)
                if counter == seen:
                    self.wfile.write(b": still here\n\n")
                else:
                    seen = counter
                    self.wfile.write(f"data: {json.dumps({'counter': counter, 'slugs': slugs})}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return
        self.close_connection = True


def counts_text(counts: dict[str, int]) -> str:
    """Say a design's findings by severity, as the page's script does (`countsText`)."""
    return ", ".join(plural(counts.get(severity, 0), severity) for severity in ("error", "warning", "info"))


def index_items(designs: list[dict[str, Any]]) -> str:
    """Return the index's cards as HTML, so the page shows them before (and without) its script."""
    items = []
    for design in designs:
        slug, name = html.escape(design["slug"]), html.escape(design["name"])
        broken = "spec has errors · " if design["broken"] else ""
        error = " error" if design["counts"].get("error") else ""
        items.append(
            f'<li data-slug="{slug}"><a href="/design/{slug}/">{name}</a>'
            f'<img src="/design/{slug}/diagram.svg?v={design["version"]}" alt="{name}">'
            f'<div class="counts{error}">{html.escape(broken + counts_text(design["counts"]))}</div></li>'
        )
    return "".join(items)


class ArchgenServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its workspace."""

    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, address: tuple[str, int], workspace: Workspace) -> None:
        self.workspace = workspace
        if ":" in address[0]:
            self.address_family = __import__("socket").AF_INET6
        super().__init__(address, Handler)


def start(workspace: Workspace, host: str, port: int) -> tuple[ArchgenServer, threading.Thread]:
    """Bind the server (raising OSError when the port is taken) and start the watcher beside it."""
    server = ArchgenServer((host, port), workspace)
    watcher = threading.Thread(target=workspace.watch, name="archgen-watch", daemon=True)
    watcher.start()
    return server, watcher
