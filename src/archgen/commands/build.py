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

import datetime
import hashlib
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from archgen.build_state import (
    INDEX,
    MANIFEST,
    BuildRun,
    Entry,
    digest_of,
    index_inputs,
    inputs_digest,
    manifest_text,
    read_manifest,
    relative,
)
from archgen.commands.lint import check_settings
from archgen.config import Settings
from archgen.errors import ArchgenError, RenderError, SpecError
from archgen.files import discover, locked, read_spec, remove_file, slug_taken, slugify, temporaries, write_files
from archgen.loader import load_design
from archgen.render import render_design
from archgen.render.diagram import Rendering
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
from archgen.render.scene import OVERVIEW, OVERVIEW_SIZE, automatic_views, view_slug
from archgen.rules.engine import lint_design
from archgen.vocabulary import PICTURE_EXTENSIONS


def picture_stem(view: str | None) -> str:
    """Return the name a design's picture is published under, without its extension: `diagram--<view>`."""
    return f"diagram--{view_slug(view)}" if view else "diagram"


#: A large design's overview and views are PNGs of at most about this many pixels: readable, and quick to encode.
MAX_VIEW_PIXELS = 4_000_000
#: What the gallery index shows of a design, the first that was published.
THUMBNAILS = ("diagram.png", f"{picture_stem(OVERVIEW)}.png", "diagram.svg")


class Progress(Protocol):
    """What a build reports as it goes: how many designs it will build, then each one done."""

    def start(self, total: int) -> None:
        """Announce the number of designs to build."""

    def advance(self, source: str) -> None:
        """Report one design done (built or failed)."""


# A progress may also have `waiting()`, called when another build holds the output folder.


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
    if not run.stale and digest_of(output / INDEX) != _sha256(_index_text(options.templates, plan.current).encode()):
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
    owned = _owned(old, output)
    _write_built(output, built, entries, old, owned, options, run)
    run.warnings += _remove_orphans(output, old, entries)
    run.counts = {source: entry.counts for source, entry in entries.items()}
    try:
        _publish_index(output, options, entries, owned)
    except ArchgenError as error:
        run.errors.append(error)
        run.indexed = False


def _write_built(
    output: Path,
    built: list[tuple[Job, Built]],
    entries: dict[str, Entry],
    old: dict[str, Entry],
    owned: set[str],
    options: Options,
    run: BuildRun,
) -> None:
    """Write each built design whose slug is free, adding it to `entries`; the others are errors.

    A design whose files cannot be written (a file in the way, a full disk) keeps what it
    published before, and its place in the index: its writes are all-or-nothing.
    """
    slugs = {entry.slug: source for source, entry in entries.items()}
    for job, result in built:
        slug = result.entry.slug
        line, column = result.name_at
        try:
            if slug in slugs:
                raise SpecError.at(job.source, line, column, slug_taken(slug, slugs[slug]))
            _write_design(output, slug, result.files, owned, options.force)
        except (RenderError, SpecError) as error:
            failed = error if isinstance(error, SpecError) else SpecError.at(job.source, line, column, str(error))
            run.errors.append(failed)
            previous = old.get(job.source)
            if previous is not None and previous.slug not in slugs:
                entries[job.source] = previous
                slugs[previous.slug] = job.source
            continue
        slugs[slug] = job.source
        run.warnings += [f"{job.source}: {warning}" for warning in result.warnings]
        entries[job.source] = result.entry
        run.built.append(job.source)


def _owned(manifest: dict[str, Entry], output: Path) -> set[str]:
    """Return the files of output/ the manifest says archgen wrote (`slug/name`, and the index).

    The index is archgen's when the manifest names designs, or when it is the very index the
    last build wrote (a build whose every design failed still wrote one).
    """
    files = {f"{entry.slug}/{name}" for entry in manifest.values() for name in entry.files}
    last, index = read_manifest(output), digest_of(output / INDEX)
    wrote_index = last is not None and index is not None and last.index.get("digest") == index
    return files | ({INDEX} if manifest or wrote_index else set())


def _write_design(output: Path, slug: str, files: dict[str, bytes], owned: set[str], force: bool) -> None:
    """Write one design's files together, refusing to replace a file archgen did not write."""
    named = {f"{slug}/{name}": data for name, data in files.items()}
    _refuse_foreign(output, named, owned, force)
    write_files(output, named)


def _refuse_foreign(output: Path, files: dict[str, bytes], owned: set[str], force: bool) -> None:
    for name, data in files.items():
        if force or name in owned:
            continue
        existing = digest_of(output / name)
        if (output / name).is_symlink() or (existing is not None and existing != _sha256(data)):
            raise RenderError(
                f"{output / name} exists and archgen did not write it; move it away or build with --force"
            )


def _plan(paths: Iterable[Path], output: Path, options: Options, old: dict[str, Entry], run: BuildRun) -> Plan:
    """Sort the specs into those whose outputs are current and those to build; unreadable specs are errors."""
    base = inputs_digest(options.settings)
    root = options.root.resolve() if options.root else output.resolve().parent
    plan = Plan()
    for path in discover(paths):
        source = relative(path, root)
        try:
            data = read_spec(path, source)
        except SpecError as error:
            run.errors.append(error)
            continue
        job = Job(path, source, hashlib.sha256(base + data).hexdigest())
        entry = old.get(source)
        if entry and entry.is_current(job.key, output, options.today):
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
    design = loaded.design
    # Past the overview size the whole picture is published as SVG only, and the overview and a view
    # per group and per flow as PNG too, each small enough to read and quick to draw. A large design
    # with nothing to draw an overview of keeps its whole picture as PNG too.
    views = automatic_views(design)
    many = len(design.components) > OVERVIEW_SIZE
    large = many and OVERVIEW in views
    whole = ("svg", *options.settings.exports) if large else ("png", "svg", *options.settings.exports)

    def draw(view: str | None) -> tuple[str | None, Rendering]:
        formats = whole if view is None else ("png", "svg")
        limit = MAX_VIEW_PIXELS if many and view else None
        return view, render_design(design, result.findings, formats, waived=result.waived, view=view, max_pixels=limit)

    try:
        # Each picture is its own Graphviz run: a design's views are drawn side by side.
        with ThreadPoolExecutor(max_workers=min(len(views) + 1, os.cpu_count() or 1)) as pool:
            drawn = list(pool.map(draw, (None, *views)))
        for view, rendering in drawn:
            stem = picture_stem(view)
            files |= {f"{stem}.{PICTURE_EXTENSIONS[fmt]}": data for fmt, data in rendering.files.items()}
            warnings += rendering.warnings
        shown = tuple(View(view, f"{picture_stem(view)}.svg") for view in views if not large or view != OVERVIEW)
        overview = f"{picture_stem(OVERVIEW)}.png" if large else ""
        diagram = Diagram(svg="diagram.svg", png="" if large else "diagram.png", views=shown, overview=overview)
        files["design.md"] = options.templates.design_doc(
            loaded, result.findings, diagram, result.failure_table, result.availability
        )
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


def _publish_index(output: Path, options: Options, entries: dict[str, Entry], owned: set[str]) -> None:
    """Write the gallery index, then the manifest (with what the index was made from), each only when it changed."""
    templates, force = options.templates, options.force
    index = _index_text(templates, entries).encode()
    made_from = {"inputs": index_inputs(inputs_digest(options.settings), entries), "digest": _sha256(index)}
    manifest = manifest_text(entries, made_from)
    if digest_of(output / INDEX) != _sha256(index):
        _refuse_foreign(output, {INDEX: index}, owned, force)
        write_files(output, {INDEX: index})
    if digest_of(output / MANIFEST) != _sha256(manifest):
        write_files(output, {MANIFEST: manifest})


def _index_text(templates: Templates, entries: dict[str, Entry]) -> str:
    designs = sorted(
        (
            IndexEntry(entry.slug, entry.name, entry.description, entry.counts, _thumbnail(entry))
            for entry in entries.values()
        ),
        key=lambda design: (design.name.lower(), design.slug),
    )
    return templates.render(INDEX_TEMPLATE, IndexContext(designs, len(designs)))


def _thumbnail(entry: Entry) -> str:
    """Return the picture the gallery shows of a design: the whole one, or a large design's overview."""
    return next((name for name in THUMBNAILS if name in entry.files), THUMBNAILS[0])


def _remove_orphans(output: Path, old: dict[str, Entry], entries: dict[str, Entry]) -> list[str]:
    """Delete the files of designs that are gone: only files archgen wrote and nobody changed since."""
    kept = {entry.slug for entry in entries.values()}
    warnings = []
    for entry in old.values():
        if entry.slug in kept:
            continue
        for name, digest in entry.files.items():
            relative = f"{entry.slug}/{name}"
            if digest_of(output / relative) not in (digest, None):
                warnings.append(f"left {output / relative} in place: it changed since archgen wrote it")
                continue
            try:
                remove_file(output, relative)
            except ArchgenError as error:
                warnings.append(str(error))
    return warnings


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(output: Path, run: BuildRun) -> dict[str, Entry]:
    """Return the last build's entries; a manifest that is not one archgen wrote is ignored, with a warning."""
    manifest = read_manifest(output)
    if manifest is None:
        warning = f"{output / MANIFEST} is not a manifest archgen wrote; ignoring it and rebuilding every design"
        run.warnings.append(warning)
        return {}
    return manifest.entries
