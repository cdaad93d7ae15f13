"""`archgen build`: lint, render and document every design into output/, rebuilding only what changed.

A manifest in output/ records, per spec, the hash of everything its outputs depend on
(the spec, the templates, the lint settings, archgen's version), the hashes of the files
written, and what the gallery index shows. A spec whose key and files still match is not
loaded again, so a no-op build reads the specs and the manifest and stops.

The output folder is shared with its owner, so a build is careful with it: one build at a
time (a lock on the folder), every write atomic and never through a symbolic link, no file
overwritten or deleted unless the manifest says archgen wrote it, and the manifest itself
read as data to check, not as instructions. Each design's files land together; the
manifest is written last, so a build killed at any moment leaves output/ that `--check`
calls stale and the next build repairs.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from archgen import __version__
from archgen.commands.lint import check_settings
from archgen.config import Settings
from archgen.errors import ArchgenError, RenderError, SpecError
from archgen.files import locked, remove_file, slug_taken, slugify, temporaries, write_files
from archgen.loader import discover, load_design, read_spec
from archgen.render import render_design
from archgen.render.docs import (
    INDEX_TEMPLATE,
    Diagram,
    IndexContext,
    IndexEntry,
    Templates,
    View,
    count_by_severity,
    templates_for,
)
from archgen.render.scene import view_slug
from archgen.rules.engine import lint_design
from archgen.text import plural
from archgen.vocabulary import SEVERITIES, SEVERITY_RANK

MANIFEST = ".archgen-manifest.json"
INDEX = "index.md"
DESIGN_FILES = ("design.md", "diagram.png", "diagram.svg")
#: The pictures of a design's views: `diagram--flow-read-timeline.svg`.
_VIEW_FILE = re.compile(r"diagram--[a-z0-9]+(-[a-z0-9]+)*\.(png|svg)")


def _is_design_file(name: str) -> bool:
    """Tell whether a file name is one archgen writes into a design's folder."""
    return name in DESIGN_FILES or _VIEW_FILE.fullmatch(name) is not None


@dataclass
class BuildRun:
    """What a build did: designs built, left as they were, stale (with `check`), and failed."""

    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    errors: list[ArchgenError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: The findings per severity of every design published (built now or unchanged), by spec.
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def total(self) -> dict[str, int]:
        """Return the findings per severity across the published designs."""
        return {severity: sum(counts.get(severity, 0) for counts in self.counts.values()) for severity in SEVERITIES}

    def report(self, output: Path, fail_on: str | None = None) -> list[str]:
        """Return what a build says when it is done: what it published and where, the findings, what fails."""
        failed = f", {len(self.errors)} failed" if self.errors else ""
        published = plural(len(self.counts), "design")
        total = self.total()
        lines = [
            f"built {len(self.built)}, unchanged {len(self.unchanged)}{failed} → {output}: "
            f"{published} published, index at {output / INDEX}",
            f"findings in {published}: " + ", ".join(plural(total[severity], severity) for severity in SEVERITIES),
        ]
        lines += [f"{source}: findings at {fail_on} or above" for source in self.at_or_above(fail_on)]
        return lines

    def at_or_above(self, level: str | None) -> list[str]:
        """Return the specs with findings at `level` or more severe (none when `level` is None)."""
        if level is None:
            return []
        return [
            source
            for source, counts in sorted(self.counts.items())
            if any(
                counts.get(severity, 0) for severity in SEVERITIES if SEVERITY_RANK[severity] >= SEVERITY_RANK[level]
            )
        ]


class Progress(Protocol):
    """What a build reports as it goes: how many designs it will build, then each one done."""

    def start(self, total: int) -> None:
        """Announce the number of designs to build."""

    def advance(self, source: str) -> None:
        """Report one design done (built or failed)."""


# A progress may also have `waiting()`, called when another build holds the output folder.


@dataclass(frozen=True)
class Entry:
    """What the manifest records of one design: the key its outputs were made from, and what the index shows."""

    key: str
    slug: str
    name: str
    description: str
    counts: dict[str, int]
    next_expiry: str | None
    files: dict[str, str]

    def as_json(self) -> dict[str, Any]:
        """Return the entry as the manifest stores it."""
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, value: Any) -> Entry | None:
        """Read an entry back; None when it is not one this archgen wrote."""
        if not isinstance(value, dict):
            return None
        try:
            entry = cls(**value)
            if entry.next_expiry is not None:
                datetime.date.fromisoformat(entry.next_expiry)
        except (TypeError, ValueError):
            return None
        texts = (entry.key, entry.slug, entry.name, entry.description)
        if not all(isinstance(text, str) for text in texts) or not isinstance(entry.files, dict):
            return None
        if entry.slug != slugify(entry.slug) or not all(_is_design_file(name) for name in entry.files):
            return None  # a slug such as `../victim`, or files archgen never writes
        if not isinstance(entry.counts, dict) or not all(isinstance(v, int) for v in entry.counts.values()):
            return None
        return entry


@dataclass
class Built:
    """One design drawn and documented: its manifest entry, the files to write, and what to warn about."""

    entry: Entry
    files: dict[str, bytes]
    warnings: list[str]
    name_at: tuple[int, int]


@dataclass
class Job:
    """One spec to consider: where it is, how it is shown, and the key its outputs must match."""

    path: Path
    source: str
    key: str


@dataclass
class Plan:
    """The specs of a build: those whose outputs are current (with their entries) and those to build."""

    current: dict[str, Entry] = field(default_factory=dict)
    pending: list[Job] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    """How one build runs: its settings, templates, day, parallelism and permissions."""

    settings: Settings
    templates: Templates
    today: datetime.date
    jobs: int | None = None
    force: bool = False
    progress: Progress | None = None
    #: What specs are named relative to in the manifest and the docs (default: the output folder's parent).
    root: Path | None = None


def build(
    paths: Iterable[Path],
    output: Path,
    settings: Settings | None = None,
    *,
    jobs: int | None = None,
    check: bool = False,
    force: bool = False,
    today: datetime.date | None = None,
    progress: Progress | None = None,
    root: Path | None = None,
) -> BuildRun:
    """Build every spec under `paths` into `output`; with `check`, write nothing and say what is stale.

    Templates come from `settings.templates` (the defaults fill the gaps). `force` lets the
    build replace files in `output` that archgen did not write. Specs are named relative to
    `root`, by default the output folder's parent (the project).
    """
    settings = settings or Settings()
    check_settings(settings)
    today = today or datetime.date.today()
    options = Options(settings, templates_for(settings), today, jobs, force, progress, root)
    run = BuildRun()
    if check:
        _check(paths, output, options, run)
        return run
    with locked(output, on_wait=getattr(progress, "waiting", None)):
        _build_locked(paths, output, options, run)
    return run


def _check(paths: Iterable[Path], output: Path, options: Options, run: BuildRun) -> None:
    """Say what is stale: specs whose outputs do not match, designs gone, a stale index, leftovers of a killed run."""
    manifest = _read_manifest(output, run)
    plan = _plan(paths, output, options, manifest, run)
    gone = set(manifest) - set(plan.current) - {job.source for job in plan.pending}
    run.stale = [job.source for job in plan.pending] + sorted(gone)
    if not run.stale and _read(output / INDEX) != _index_text(options.templates, plan.current).encode():
        run.stale.append(INDEX)
    run.stale += [path.relative_to(output).as_posix() for path in temporaries(output)]


def _build_locked(paths: Iterable[Path], output: Path, options: Options, run: BuildRun) -> None:
    """Build while holding the output folder: designs first, then orphans removed, then index and manifest."""
    for leftover in temporaries(output):
        leftover.unlink(missing_ok=True)
    old = _read_manifest(output, run)
    plan = _plan(paths, output, options, old, run)
    results = _build_all(plan.pending, options)
    entries = dict(plan.current)
    # A design that failed keeps its published files, and with them its slug.
    for job, result in zip(plan.pending, results, strict=True):
        if isinstance(result, ArchgenError):
            run.errors.append(result)
            if job.source in old:
                entries[job.source] = old[job.source]
    built = [(job, result) for job, result in zip(plan.pending, results, strict=True) if isinstance(result, Built)]
    owned = _owned(old)
    _write_built(output, built, entries, owned, options, run)
    run.warnings += _remove_orphans(output, old, entries)
    run.counts = {source: entry.counts for source, entry in entries.items()}
    try:
        _publish_index(output, options.templates, entries, owned, options.force)
    except ArchgenError as error:
        run.errors.append(error)


def _write_built(
    output: Path,
    built: list[tuple[Job, Built]],
    entries: dict[str, Entry],
    owned: set[str],
    options: Options,
    run: BuildRun,
) -> None:
    """Write each built design whose slug is free, adding it to `entries`; the others are errors."""
    slugs = {entry.slug: source for source, entry in entries.items()}
    for job, result in built:
        slug = result.entry.slug
        line, column = result.name_at
        try:
            if slug in slugs:
                raise SpecError.at(job.source, line, column, slug_taken(slug, slugs[slug]))
            _write_design(output, slug, result.files, owned, options.force)
        except RenderError as error:
            run.errors.append(SpecError.at(job.source, line, column, str(error)))
            continue
        except SpecError as error:
            run.errors.append(error)
            continue
        slugs[slug] = job.source
        run.warnings += [f"{job.source}: {warning}" for warning in result.warnings]
        entries[job.source] = result.entry
        run.built.append(job.source)


def _owned(manifest: dict[str, Entry]) -> set[str]:
    """Return the files of output/ the manifest says archgen wrote (`slug/name`, and the index)."""
    files = {f"{entry.slug}/{name}" for entry in manifest.values() for name in entry.files}
    return files | ({INDEX} if manifest else set())


def _write_design(output: Path, slug: str, files: dict[str, bytes], owned: set[str], force: bool) -> None:
    """Write one design's files together, refusing to replace a file archgen did not write."""
    named = {f"{slug}/{name}": data for name, data in files.items()}
    _refuse_foreign(output, named, owned, force)
    write_files(output, named)


def _refuse_foreign(output: Path, files: dict[str, bytes], owned: set[str], force: bool) -> None:
    for name, data in files.items():
        if force or name in owned:
            continue
        existing = _read(output / name)
        if existing is not None and existing != data:
            raise RenderError(
                f"{output / name} exists and archgen did not write it; move it away or build with --force"
            )


def _plan(paths: Iterable[Path], output: Path, options: Options, old: dict[str, Entry], run: BuildRun) -> Plan:
    """Sort the specs into those whose outputs are current and those to build; unreadable specs are errors."""
    base = _inputs_digest(options.settings, options.templates)
    root = options.root.resolve() if options.root else output.resolve().parent
    plan = Plan()
    for path in discover(paths):
        source = _relative(path, root)
        try:
            data = read_spec(path, source)
        except SpecError as error:
            run.errors.append(error)
            continue
        job = Job(path, source, hashlib.sha256(base + data).hexdigest())
        entry = old.get(source)
        if entry and _is_current(entry, job.key, output, options.today):
            plan.current[source] = entry
            run.unchanged.append(source)
        else:
            plan.pending.append(job)
    return plan


def _build_all(pending: list[Job], options: Options) -> list[Built | ArchgenError]:
    """Build the pending designs on a thread pool; each gives its outputs or the error that stopped it."""
    progress = options.progress
    if progress:
        progress.start(len(pending))

    def work(job: Job) -> Built | ArchgenError:
        try:
            return _build_one(job, options)
        except ArchgenError as error:
            return error
        except Exception as error:  # noqa: BLE001 - one design's bug must not stop the others
            return SpecError.at(job.source, 1, 1, f"archgen failed on this design ({type(error).__name__}: {error})")
        finally:
            if progress:
                progress.advance(job.source)

    with ThreadPoolExecutor(max_workers=max(1, options.jobs or os.cpu_count() or 1)) as pool:
        return list(pool.map(work, pending))


def _build_one(job: Job, options: Options) -> Built:
    """Lint, draw and document one spec."""
    today = options.today
    loaded = load_design(job.path, allow_python=options.settings.python, file=job.source)
    result = lint_design(loaded, options.settings, today)
    position = loaded.position("name")
    files: dict[str, bytes] = {}
    warnings: list[str] = []
    try:
        for view in (None, *loaded.design.views):
            rendering = render_design(loaded.design, result.findings, ("png", "svg"), waived=result.waived, view=view)
            stem = f"diagram--{view_slug(view)}" if view else "diagram"
            files |= {f"{stem}.png": rendering.files["png"], f"{stem}.svg": rendering.files["svg"]}
            warnings += rendering.warnings
        views = tuple(View(view, f"diagram--{view_slug(view)}.svg") for view in loaded.design.views)
        diagram = Diagram(svg="diagram.svg", png="diagram.png", views=views)
        files["design.md"] = options.templates.design_doc(loaded, result.findings, diagram, result.failure_table)
    except RenderError as error:
        raise SpecError.at(job.source, position.line, position.column, str(error)) from None
    expiries = sorted(waiver.expires for waiver in loaded.design.waivers if waiver.expires and waiver.expires >= today)
    entry = Entry(
        key=job.key,
        slug=slugify(loaded.design.name),
        name=loaded.design.name,
        description=loaded.design.description or "",
        counts=count_by_severity(result.findings),
        next_expiry=expiries[0].isoformat() if expiries else None,
        files={name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    )
    return Built(entry, files, warnings, (position.line, position.column))


def _is_current(entry: Entry, key: str, output: Path, today: datetime.date) -> bool:
    """Tell whether a manifest entry still matches: same key, no waiver expired since, files intact."""
    if entry.key != key:
        return False
    if entry.next_expiry and today > datetime.date.fromisoformat(entry.next_expiry):
        return False
    folder = output / entry.slug
    return all(_digest(folder / name) == digest for name, digest in entry.files.items())


def _publish_index(output: Path, templates: Templates, entries: dict[str, Entry], owned: set[str], force: bool) -> None:
    """Write the gallery index, then the manifest, each only when it changed."""
    index = _index_text(templates, entries).encode()
    designs = {source: entry.as_json() for source, entry in sorted(entries.items())}
    manifest = json.dumps({"archgen": __version__, "designs": designs}, indent=2).encode() + b"\n"
    if _read(output / INDEX) != index:
        _refuse_foreign(output, {INDEX: index}, owned, force)
        write_files(output, {INDEX: index})
    if _read(output / MANIFEST) != manifest:
        write_files(output, {MANIFEST: manifest})


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
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        hasher.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    try:
        hasher.update(version("diagrams").encode())
    except PackageNotFoundError:
        pass
    return hasher.hexdigest()


def _index_text(templates: Templates, entries: dict[str, Entry]) -> str:
    designs = sorted(
        (IndexEntry(entry.slug, entry.name, entry.description, entry.counts) for entry in entries.values()),
        key=lambda design: (design.name.lower(), design.slug),
    )
    return templates.render(INDEX_TEMPLATE, IndexContext(designs, len(designs)))


def _remove_orphans(output: Path, old: dict[str, Entry], entries: dict[str, Entry]) -> list[str]:
    """Delete the files of designs that are gone: only files archgen wrote and nobody changed since."""
    kept = {entry.slug for entry in entries.values()}
    warnings = []
    for entry in old.values():
        if entry.slug in kept:
            continue
        for name, digest in entry.files.items():
            relative = f"{entry.slug}/{name}"
            if _digest(output / relative) not in (digest, None):
                warnings.append(f"left {output / relative} in place: it changed since archgen wrote it")
                continue
            try:
                remove_file(output, relative)
            except ArchgenError as error:
                warnings.append(str(error))
    return warnings


def _read_manifest(output: Path, run: BuildRun) -> dict[str, Entry]:
    """Return the last build's entries; a manifest that is not one archgen wrote is ignored, with a warning."""
    path = output / MANIFEST
    if path.is_symlink() or not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_bytes())
    except (OSError, ValueError):
        manifest = None
    designs = manifest.get("designs") if isinstance(manifest, dict) else None
    entries = {source: Entry.from_json(entry) for source, entry in designs.items()} if isinstance(designs, dict) else {}
    if designs is None or None in entries.values():
        run.warnings.append(f"{path} is not a manifest archgen wrote; ignoring it and rebuilding every design")
        return {}
    return {source: entry for source, entry in entries.items() if entry is not None}


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
