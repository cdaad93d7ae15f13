"""What `archgen serve` shows, kept current: each design loaded, linted and drawn, re-done on a save.

A design is redone only when its spec's bytes (or the templates or config) change; a spec
that stops loading keeps its last good picture and carries its errors until it loads again.
Every change bumps a counter that the page's event stream waits on.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archgen import __version__
from archgen.config import Settings
from archgen.errors import ArchgenError
from archgen.files import SPEC_SUFFIXES, discover, display_path, slugify


@dataclass
class DesignState:
    """One design as the page shows it."""

    path: Path
    source: str
    slug: str
    name: str = ""
    key: str = ""
    version: int = 0
    svg: str = ""
    findings: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    capacity: list[dict[str, str]] = field(default_factory=list)
    doc: str = ""
    errors: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Return the findings per severity."""
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding["severity"]] += 1
        return counts

    def summary(self) -> dict[str, Any]:
        """Return what the index lists of the design."""
        return {
            "slug": self.slug,
            "name": self.name or self.source,
            "source": self.source,
            "version": self.version,
            "counts": self.counts(),
            "broken": bool(self.errors),
        }

    def as_dict(self) -> dict[str, Any]:
        """Return everything the design page shows."""
        return self.summary() | {
            "svg": self.svg,
            "findings": self.findings,
            "failures": self.failures,
            "capacity": self.capacity,
            "doc": self.doc,
            "errors": self.errors,
        }


class Workspace:
    """The designs under some paths, redrawn when their files change."""

    def __init__(self, paths: Iterable[Path], settings: Settings) -> None:
        self.paths = [Path(path) for path in paths]
        self.settings = settings
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.counter = 0
        self.log: list[tuple[int, str]] = []
        self.designs: dict[Path, DesignState] = {}
        self.stop = threading.Event()

    # What the server reads, under the lock.

    def index(self) -> list[dict[str, Any]]:
        """Return every design's summary, by name."""
        with self.lock:
            return sorted((state.summary() for state in self.designs.values()), key=lambda item: item["name"].lower())

    def design(self, slug: str) -> dict[str, Any] | None:
        """Return a design's page data, or None."""
        with self.lock:
            state = self._by_slug(slug)
            return state.as_dict() if state else None

    def svg(self, slug: str) -> str | None:
        """Return a design's last good picture, or None."""
        with self.lock:
            state = self._by_slug(slug)
            return state.svg if state and state.svg else None

    def wait(self, seen: int, timeout: float) -> tuple[int, list[str]]:
        """Wait until something changes after counter `seen`; return the new counter and the slugs changed."""
        with self.changed:
            self.changed.wait_for(lambda: self.counter > seen or self.stop.is_set(), timeout=timeout)
            return self.counter, sorted({slug for number, slug in self.log if number > seen})

    def _by_slug(self, slug: str) -> DesignState | None:
        return next((state for state in self.designs.values() if state.slug == slug), None)

    # Loading.

    def load_all(self) -> None:
        """Load every spec under the paths, and forget the ones gone."""
        found = [path.resolve() for path in discover(self.paths) if self._wanted(path)]
        for gone in set(self.designs) - set(found):
            self._forget(gone)
        for path in found:
            self.load(path)

    def load(self, path: Path, force: bool = False) -> None:
        """Load, lint and draw one spec if its bytes changed (or `force`); keep the last picture on errors."""
        path = path.resolve()
        try:
            data = path.read_bytes()
        except OSError:
            self._forget(path)
            return
        key = hashlib.sha256(__version__.encode() + b"\0" + data).hexdigest()
        with self.lock:
            state = self.designs.get(path)
            if state is None:
                state = DesignState(path, display_path(path), slugify(path.stem))
                self.designs[path] = state
            if state.key == key and not force:
                return
        fresh = self._draw(path, state.source)
        with self.changed:
            old_slug = state.slug
            state.key = key
            if isinstance(fresh, ArchgenError):
                state.errors = fresh.lines()
            else:
                for name, value in fresh.items():
                    setattr(state, name, value)
                state.errors = []
            state.version += 1
            self._bump(old_slug, state.slug)

    def _draw(self, path: Path, source: str) -> dict[str, Any] | ArchgenError:
        """Return what the page shows of one spec, or the error that stops it loading."""
        from archgen.analysis.capacity import estimate
        from archgen.commands.lint import lint_loaded
        from archgen.loader import load_design
        from archgen.render import render_design
        from archgen.render.capacity import table
        from archgen.render.docs import Diagram, templates_for

        try:
            loaded = load_design(path, allow_python=self.settings.python, file=source)
            result = lint_loaded(loaded, self.settings)
            svg = render_design(loaded.design, result.findings, ["svg"], waived=result.waived).files["svg"].decode()
            capacity = loaded.design.capacity
            rows = table(capacity, estimate(capacity)) if capacity else []
            document = templates_for(self.settings).design_doc(
                loaded, result.findings, Diagram(svg="diagram.svg"), result.failure_table
            )
        except ArchgenError as error:
            return error
        return {
            "name": loaded.design.name,
            "slug": slugify(loaded.design.name),
            "svg": _inline(svg),
            "findings": [finding.as_dict() | {"marks": list(finding.marks)} for finding in result.findings],
            "failures": [outage.as_dict() for outage in result.failure_table],
            "capacity": [{"quantity": row.quantity, "value": row.value, "working": row.working} for row in rows],
            "doc": _html(document.decode()),
        }

    def _forget(self, path: Path) -> None:
        with self.changed:
            state = self.designs.pop(path, None)
            if state is not None:
                self._bump(state.slug)

    def _bump(self, *slugs: str) -> None:
        """Record a change (the lock is held) and wake the event streams."""
        self.counter += 1
        self.log = [*self.log[-200:], *((self.counter, slug) for slug in slugs)]
        self.changed.notify_all()

    def _wanted(self, path: Path) -> bool:
        return path.suffix in SPEC_SUFFIXES and (path.suffix != ".py" or self.settings.python)

    # Watching.

    def roots(self) -> list[Path]:
        """Return what to watch: the design paths, the templates folder and the config file."""
        extra = [self.settings.templates, self.settings.config_file]
        return [path.resolve() for path in [*self.paths, *(path for path in extra if path)] if path.exists()]

    def watch(self) -> None:
        """Redo what changed until `stop` is set: a design on its save, all of them when templates or config change."""
        import watchfiles

        for changes in watchfiles.watch(
            *self.roots(), stop_event=self.stop, debounce=40, step=20, yield_on_timeout=False
        ):
            self.apply({Path(name).resolve() for _, name in changes})

    def apply(self, changed: set[Path]) -> None:
        """Redo the designs a set of changed files touches."""
        shared = {path.resolve() for path in (self.settings.templates, self.settings.config_file) if path}
        if any(path == root or root in path.parents for path in changed for root in shared):
            for path in list(self.designs):
                self.load(path, force=True)
            return
        for path in sorted(changed):
            if path.suffix in SPEC_SUFFIXES and (path in self.designs or self._under_paths(path)):
                if self._wanted(path) and not path.name.startswith(("_", ".")):
                    self.load(path)
                elif path in self.designs:
                    self._forget(path)

    def _under_paths(self, path: Path) -> bool:
        return any(path == root.resolve() or root.resolve() in path.parents for root in self.paths)


def _inline(svg: str) -> str:
    """Return the SVG without its XML prologue, ready to be put into a page."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def _html(markdown_text: str) -> str:
    """Render a design doc's Markdown as HTML, tables included."""
    import markdown

    rendered: str = markdown.markdown(markdown_text, extensions=["tables", "fenced_code"], output_format="html")
    return rendered
