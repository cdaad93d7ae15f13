"""`archgen build`: lint, render and document every design into output/, rebuilding only what changed.

A manifest in output/ records, per spec, the hash of everything its outputs depend on
(the spec, the templates, the lint settings, archgen's version), the hashes of the files
written, and what the gallery index shows. A spec whose key and files still match is not
loaded again, so a no-op build reads the specs and the manifest and stops.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from archgen import __version__
from archgen.config import Settings
from archgen.errors import ArchgenError, SpecError
from archgen.files import slug_taken, slugify, write_files
from archgen.loader import discover, load_design
from archgen.render import render_design
from archgen.render.docs import (
    INDEX_TEMPLATE,
    Diagram,
    IndexContext,
    IndexEntry,
    Templates,
    count_by_severity,
)
from archgen.rules.engine import lint_design

MANIFEST = ".archgen-manifest.json"
INDEX = "index.md"
DESIGN_FILES = ("design.md", "diagram.png", "diagram.svg")


@dataclass
class BuildRun:
    """What a build did: designs built, left as they were, stale (with --check), and failed."""

    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    errors: list[ArchgenError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def exit_code(self, check: bool) -> int:
        """Return 2 when a design failed; with --check, 1 when output/ is stale; else 0."""
        if self.errors:
            return 2
        return 1 if check and self.stale else 0


class Progress(Protocol):
    """What a build reports as it goes: how many designs it will build, then each one done."""

    def start(self, total: int) -> None:
        """Announce the number of designs to build."""

    def advance(self, source: str) -> None:
        """Report one design done (built or failed)."""


@dataclass
class Built:
    """One design drawn and documented: its manifest entry, the files to write, and what to warn about."""

    entry: dict[str, Any]
    files: dict[str, bytes]
    warnings: list[str]
    name_at: tuple[int, int]


@dataclass
class Job:
    """One spec to consider: where it is, how it is shown, and the key its outputs must match."""

    path: Path
    source: str
    key: str


def build(
    paths: Iterable[Path],
    settings: Settings,
    output: Path,
    *,
    jobs: int | None = None,
    check: bool = False,
    templates: Path | None = None,
    today: datetime.date | None = None,
    progress: Progress | None = None,
) -> BuildRun:
    """Build every spec under `paths` into `output`; with `check`, only say what is stale."""
    today = today or datetime.date.today()
    compiled = Templates(templates)
    base = _inputs_digest(settings, compiled)
    root = output.resolve().parent
    old = _read_manifest(output)
    run = BuildRun()
    pending: list[Job] = []
    entries: dict[str, dict[str, Any]] = {}
    for path in discover(paths):
        source = _relative(path, root)
        try:
            data = path.read_bytes()
        except OSError as error:
            run.errors.append(SpecError.at(source, 1, 1, f"cannot read the spec: {error.strerror}"))
            continue
        job = Job(path, source, hashlib.sha256(base + data).hexdigest())
        entry = old.get(source)
        if entry and _is_current(entry, job.key, output, today):
            entries[source] = entry
            run.unchanged.append(source)
        else:
            pending.append(job)
    if check:
        gone = set(old) - set(entries) - {job.source for job in pending}
        run.stale = [job.source for job in pending] + sorted(gone)
        if not run.stale and _read(output / INDEX) != _index_text(compiled, entries).encode():
            run.stale.append(INDEX)
        return run

    if progress:
        progress.start(len(pending))

    def work(job: Job) -> Built | ArchgenError:
        try:
            return _build_one(job, settings, compiled, today)
        except ArchgenError as error:
            return error
        finally:
            if progress:
                progress.advance(job.source)

    with ThreadPoolExecutor(max_workers=max(1, jobs or os.cpu_count() or 1)) as pool:
        results = list(pool.map(work, pending))
    slugs = {entry["slug"]: source for source, entry in entries.items()}
    for job, result in zip(pending, results, strict=True):
        if isinstance(result, ArchgenError):
            run.errors.append(result)
            if job.source in old:
                entries[job.source] = old[job.source]
            continue
        slug = result.entry["slug"]
        if slug in slugs:
            line, column = result.name_at
            run.errors.append(SpecError.at(job.source, line, column, slug_taken(slug, slugs[slug])))
            continue
        slugs[slug] = job.source
        run.warnings += [f"{job.source}: {warning}" for warning in result.warnings]
        write_files(output / slug, result.files)
        entries[job.source] = result.entry
        run.built.append(job.source)
    _remove_orphans(output, old, entries)
    index = _index_text(compiled, entries).encode()
    manifest = json.dumps({"archgen": __version__, "designs": dict(sorted(entries.items()))}, indent=2).encode()
    published = {INDEX: index, MANIFEST: manifest + b"\n"}
    changed = {name: data for name, data in published.items() if _read(output / name) != data}
    if changed:
        write_files(output, changed)
    return run


def _build_one(job: Job, settings: Settings, templates: Templates, today: datetime.date) -> Built:
    """Lint, draw and document one spec."""
    loaded = load_design(job.path, allow_python=settings.python, file=job.source)
    result = lint_design(loaded, settings, today)
    rendering = render_design(loaded.design, result.findings, ("png", "svg"))
    files = {
        "design.md": templates.design_doc(loaded, result.findings, Diagram(svg="diagram.svg", png="diagram.png")),
        "diagram.png": rendering.files["png"],
        "diagram.svg": rendering.files["svg"],
    }
    position = loaded.position("name")
    expiries = sorted(waiver.expires for waiver in loaded.design.waivers if waiver.expires and waiver.expires >= today)
    entry = {
        "key": job.key,
        "slug": slugify(loaded.design.name),
        "name": loaded.design.name,
        "description": loaded.design.description or "",
        "counts": count_by_severity(result.findings),
        "next_expiry": expiries[0].isoformat() if expiries else None,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    return Built(entry, files, rendering.warnings, (position.line, position.column))


def _is_current(entry: dict[str, Any], key: str, output: Path, today: datetime.date) -> bool:
    """Tell whether a manifest entry still matches: same key, no waiver expired since, files intact."""
    if entry.get("key") != key:
        return False
    if entry.get("next_expiry") and today > datetime.date.fromisoformat(entry["next_expiry"]):
        return False
    folder = output / entry["slug"]
    return all(_digest(folder / name) == digest for name, digest in entry.get("files", {}).items())


def _inputs_digest(settings: Settings, templates: Templates) -> bytes:
    """Hash what every design's outputs depend on besides its spec.

    That includes archgen's own source, not only its version, so a checkout with a changed
    renderer sees its published outputs as stale.
    """
    lint_settings = {
        "select": settings.select,
        "ignore": settings.ignore,
        "severity": settings.severity,
        "python": settings.python,
    }
    text = json.dumps({"archgen": __version__, "settings": lint_settings}, sort_keys=True, default=str)
    return (text + templates.digest() + _code_digest()).encode()


def _code_digest() -> str:
    """Hash archgen's source files and the version of the icon catalogue."""
    from importlib.metadata import PackageNotFoundError, version

    hasher = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        hasher.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    try:
        hasher.update(version("diagrams").encode())
    except PackageNotFoundError:
        pass
    return hasher.hexdigest()


def _index_text(templates: Templates, entries: dict[str, dict[str, Any]]) -> str:
    designs = sorted(
        (IndexEntry(entry["slug"], entry["name"], entry["description"], entry["counts"]) for entry in entries.values()),
        key=lambda design: (design.name.lower(), design.slug),
    )
    return templates.render(INDEX_TEMPLATE, IndexContext(designs, len(designs)))


def _remove_orphans(output: Path, old: dict[str, dict[str, Any]], entries: dict[str, dict[str, Any]]) -> None:
    """Delete the files of designs that are gone (only files the manifest says archgen wrote)."""
    kept = {entry["slug"] for entry in entries.values()}
    for entry in old.values():
        slug = entry.get("slug")
        if not slug or slug in kept:
            continue
        folder = output / slug
        for name in entry.get("files", {}):
            if name in DESIGN_FILES:
                (folder / name).unlink(missing_ok=True)
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def _read_manifest(output: Path) -> dict[str, dict[str, Any]]:
    """Return the last build's entries; a missing or unreadable manifest means everything is stale."""
    try:
        manifest = json.loads((output / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    designs = manifest.get("designs") if isinstance(manifest, dict) else None
    if not isinstance(designs, dict) or manifest.get("archgen") != __version__:
        return {}
    return {source: entry for source, entry in designs.items() if isinstance(entry, dict) and "slug" in entry}


def _digest(path: Path) -> str | None:
    data = _read(path)
    return None if data is None else hashlib.sha256(data).hexdigest()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _relative(path: Path, root: Path) -> str:
    """Name a spec relative to the project root (the output folder's parent), whatever the working folder."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(root).as_posix()
    except ValueError:
        return resolved.as_posix()
