"""What `archgen serve` shows, kept current: each design loaded, linted and drawn, re-done on a save.

A design is redone only when its spec's bytes (or the templates or config) change; a spec
that stops loading keeps its last good picture and carries its errors until it loads again.
Every change bumps a counter that the page's event stream waits on. A config change re-reads
the settings and applies them (an added `ignore`, `python = false`) to every design.

The watcher watches folders, never single files: editors save by writing a new file and
renaming it over the old one, which ends a watch on the old file. It checks twice a second
that each folder it watches is still the one it started on (a folder removed and made again
is watched anew) and whether the config file changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archgen import __version__
from archgen.config import Settings
from archgen.errors import ArchgenError, SpecError
from archgen.files import SPEC_SUFFIXES, discover, display_path, read_spec, slugify
from archgen.model import availability_target

#: How often (ms) the watcher looks at its folders and the config file when nothing changes.
CHECK_MS = 500


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
    availability: list[dict[str, str]] = field(default_factory=list)
    doc: str = ""
    errors: list[str] = field(default_factory=list)
    #: The views the page can switch to (a large design's overview, its groups and flows), and what
    #: draws them when asked: the design and its findings as last loaded, and the pictures drawn so far.
    views: list[str] = field(default_factory=list)
    drawn: tuple[Any, ...] = ()
    view_svgs: dict[str, str] = field(default_factory=dict)

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
            "availability": self.availability,
            "doc": self.doc,
            "errors": self.errors,
            "views": self.views,
        }


class Workspace:
    """The designs under some paths, redrawn when their files change."""

    def __init__(self, paths: Iterable[Path], settings: Settings, reload: Callable[[], Settings] | None = None) -> None:
        self.paths = [Path(path) for path in paths]
        self.settings = settings
        #: Reads the settings again (the config file and the command's flags) when the config changes.
        self.reload = reload
        self.config = _stamp(settings.config_file)
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

    def view(self, slug: str, name: str) -> str | None:
        """Return the picture of one of a design's views (drawn once per version of the spec), or None."""
        from archgen.render import render_design

        with self.lock:
            state = self._by_slug(slug)
            if state is None or name not in state.views or not state.drawn:
                return None
            if name in state.view_svgs:
                return state.view_svgs[name]
            design, findings, waived = state.drawn
        try:
            svg = _inline(render_design(design, findings, ["svg"], waived=waived, view=name).files["svg"].decode())
        except ArchgenError:
            return None
        with self.lock:
            if state.drawn and state.drawn[0] is design:
                state.view_svgs[name] = svg
        return svg

    def against(self, slug: str, ref: str) -> dict[str, Any] | None:
        """Return what the design's spec changed since the git `ref`: the picture and the tables (None: no design)."""
        from archgen.commands.diff import diff_git
        from archgen.render import render_change
        from archgen.report.diff import format_diff, headline

        with self.lock:
            state = self._by_slug(slug)
            path = state.path if state else None
        if path is None:
            return None
        try:
            run = diff_git(ref, [path], self.settings, cwd=path.parent)
        except ArchgenError as error:
            return {"ref": ref, "errors": error.lines()}
        if run.errors or not run.designs:
            return {"ref": ref, "errors": [line for error in run.errors for line in error.lines()] or ["no design"]}
        (design,) = run.designs
        svg = ""
        if design.before is not None and design.after is not None and design.diff is not None:
            picture = render_change(design.before.design, design.after.design, design.diff, design.findings, ["svg"])
            svg = _inline(picture.files["svg"].decode())
        report = json.loads(format_diff(run, "json"))[0]
        return {"ref": ref, "errors": [], "headline": headline(design), "svg": svg, **report}

    def wait(self, seen: int, timeout: float) -> tuple[int, list[str]]:
        """Wait until something changes after counter `seen`; return the new counter and the slugs changed."""
        with self.changed:
            self.changed.wait_for(lambda: self.counter > seen or self.stop.is_set(), timeout=timeout)
            return self.counter, sorted({slug for number, slug in self.log if number > seen})

    def _by_slug(self, slug: str) -> DesignState | None:
        return next((state for state in self.designs.values() if state.slug == slug), None)

    # Loading.

    def load_all(self, force: bool = False) -> None:
        """Load every spec under the paths (again, with `force`), and forget the ones gone or no longer wanted."""
        found = [path.resolve() for path in discover(self.paths) if self._wanted(path)]
        for gone in set(self.designs) - set(found):
            self._forget(gone)
        for path in found:
            self.load(path, force)

    def load(self, path: Path, force: bool = False) -> None:
        """Load, lint and draw one spec if its bytes changed (or `force`); keep the last picture on errors.

        A path that is gone or is not a regular file (a FIFO, a device, a folder) is forgotten
        without being read.
        """
        path = path.resolve()
        if not path.is_file():
            self._forget(path)
            return
        source = display_path(path)
        try:
            data: bytes | SpecError = read_spec(path, source)
        except SpecError as error:
            data = error
        key = hashlib.sha256(__version__.encode() + b"\0" + (data if isinstance(data, bytes) else b"")).hexdigest()
        with self.lock:
            state = self.designs.get(path)
            if state is None:
                state = DesignState(path, source, slugify(path.stem))
                self.designs[path] = state
            if state.key == key and isinstance(data, bytes) and not force:
                return
        fresh = data if isinstance(data, SpecError) else self._draw(path, state.source)
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
        from archgen.analysis.capacity import estimate_design
        from archgen.commands.lint import lint_loaded
        from archgen.loader import load_design
        from archgen.render import render_design
        from archgen.render.availability import availability_rows
        from archgen.render.capacity import table
        from archgen.render.docs import Diagram, templates_for
        from archgen.render.scene import automatic_views

        try:
            loaded = load_design(path, allow_python=self.settings.python, file=source)
            result = lint_loaded(loaded, self.settings)
            svg = render_design(loaded.design, result.findings, ["svg"], waived=result.waived).files["svg"].decode()
            capacity = loaded.design.capacity
            result_estimate = estimate_design(loaded.design)
            rows = table(capacity, result_estimate) if capacity and result_estimate else []
            document = templates_for(self.settings).design_doc(
                loaded, result.findings, Diagram(svg="diagram.svg"), result.failure_table, result.availability
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
            "availability": [
                vars(row) for row in availability_rows(result.availability, availability_target(loaded.design))
            ],
            "doc": _html(document.decode()),
            "views": list(automatic_views(loaded.design)),
            "drawn": (loaded.design, result.findings, result.waived),
            "view_svgs": {},
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
        """Return the folders to watch: each design folder, the folder of each design file, the templates."""
        folders = [path if path.is_dir() else path.parent for path in self.paths]
        if self.settings.templates:
            folders.append(self.settings.templates)
        return sorted({folder.resolve() for folder in folders if folder.is_dir()})

    def watch(self) -> None:
        """Redo what changed until `stop` is set: a design on its save, all of them when templates or config change.

        Any failure while redoing is printed and the watch goes on: the server outlives one bad save.
        """
        import watchfiles

        while not self.stop.is_set():
            roots = self.roots()
            if not roots:  # every folder is gone: look again soon
                self.stop.wait(CHECK_MS / 1000)
                if self.roots():
                    self.load_all()
                continue
            started = {root: (_stamp(root) or ())[:2] for root in roots}  # which folder: device and inode
            moved = threading.Event()
            changes = watchfiles.watch(
                *roots,
                stop_event=_Either(self.stop, moved),
                debounce=40,
                step=20,
                rust_timeout=CHECK_MS,
                yield_on_timeout=True,
                ignore_permission_denied=True,
            )
            try:
                for number, changed in enumerate(changes):
                    # The first batch comes once watching: catch up with what changed while the watch started.
                    self._redo(changed, everything=number == 0)
                    if self.roots() != roots or any((_stamp(root) or ())[:2] != at for root, at in started.items()):
                        moved.set()  # a watched folder went or came back: watch the new ones
            except Exception as error:  # noqa: BLE001 - the watch itself failed (a name it cannot decode): start again
                print(f"archgen serve: watching again after {type(error).__name__}: {error}", file=sys.stderr)
                moved.set()
                self.stop.wait(CHECK_MS / 1000)
            if moved.is_set() and not self.stop.is_set():
                self.load_all()

    def _redo(self, changes: set[tuple[Any, str]], everything: bool = False) -> None:
        """Apply one batch of changes, and the config if it changed; a failure is printed, and the watch goes on."""
        try:
            if _stamp(self.settings.config_file) != self.config:
                self.reconfigure()
            if everything:
                self.load_all()
            if changes:
                self.apply({Path(name).resolve() for _, name in changes})
        except Exception as error:  # noqa: BLE001 - one bad save must not stop the watcher
            print(f"archgen serve: {type(error).__name__}: {error}", file=sys.stderr)

    def reconfigure(self) -> None:
        """Read the settings again and redo every design with them; a broken config keeps the old ones."""
        from archgen.commands.lint import check_settings

        self.config = _stamp(self.settings.config_file)
        if self.reload is not None:
            try:
                settings = self.reload()
                check_settings(settings)
            except ArchgenError as error:
                for line in error.lines():
                    print(f"archgen serve: keeping the last settings: {line}", file=sys.stderr)
                return
            self.settings = settings
            self.config = _stamp(settings.config_file)
        self.load_all(force=True)

    def apply(self, changed: set[Path]) -> None:
        """Redo the designs a set of changed files touches."""
        templates = self.settings.templates.resolve() if self.settings.templates else None
        if templates and any(path == templates or templates in path.parents for path in changed):
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


def _stamp(path: Path | None) -> tuple[int, int, int, int] | None:
    """Return what tells one version of a file or folder from another: device, inode, size, time; None if gone."""
    if path is None:
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


class _Either:
    """An event that is set when either of two events is (watchfiles polls `is_set`)."""

    def __init__(self, first: threading.Event, second: threading.Event) -> None:
        self.first, self.second = first, second

    def is_set(self) -> bool:
        return self.first.is_set() or self.second.is_set()


def _inline(svg: str) -> str:
    """Return the SVG without its XML prologue, ready to be put into a page."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def _html(markdown_text: str) -> str:
    """Render a design doc's Markdown as HTML, tables included."""
    import markdown

    rendered: str = markdown.markdown(markdown_text, extensions=["tables", "fenced_code"], output_format="html")
    return rendered
