"""What a published output folder holds, read without the model, the renderers or Jinja2.

The manifest (`.archgen-manifest.json`) records, for each spec, the key its outputs were made
from and a digest of each file written; and for the index, the inputs it was made from and
its digest. That is enough to tell that a build has nothing to do — every spec unchanged,
every file intact, no design gone, the index current — before anything heavy is imported,
so an unchanged `archgen build` costs about what starting the CLI costs.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archgen import __version__
from archgen.config import Settings
from archgen.errors import ArchgenError, SpecError
from archgen.files import bundled, discover, printable, read_spec, slugify, source_digest, temporaries
from archgen.text import plural
from archgen.vocabulary import SEVERITIES, SEVERITY_RANK

MANIFEST = ".archgen-manifest.json"
INDEX = "index.md"
DESIGN_FILES = ("design.md", "diagram.png", "diagram.svg")
TEMPLATES = ("design.md.j2", "index.md.j2")
#: The pictures of a design's views: `diagram--flow-read-timeline.svg`.
_VIEW_FILE = re.compile(r"diagram--[a-z0-9]+(-[a-z0-9]+)*\.(png|svg)")


def is_design_file(name: str) -> bool:
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
    #: False when the index (or the manifest) could not be written; the error says why.
    indexed: bool = True

    def total(self) -> dict[str, int]:
        """Return the findings per severity across the published designs."""
        return {severity: sum(counts.get(severity, 0) for counts in self.counts.values()) for severity in SEVERITIES}

    def report(self, output: Path, fail_on: str | None = None) -> list[str]:
        """Return what a build says when it is done: what it published and where, the findings, what fails."""
        failures = len(self.errors) - (not self.indexed)
        failed = f", {failures} failed" if failures else ""
        published = plural(len(self.counts), "design")
        index = f"index at {output / INDEX}" if self.indexed else "the index could not be written"
        total = self.total()
        lines = [
            f"built {len(self.built)}, unchanged {len(self.unchanged)}{failed} → {output}: "
            f"{published} published, {index}",
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
        if entry.slug != slugify(entry.slug) or not all(is_design_file(name) for name in entry.files):
            return None  # a slug such as `../victim`, or files archgen never writes
        if not isinstance(entry.counts, dict) or not all(isinstance(v, int) for v in entry.counts.values()):
            return None
        return entry

    def is_current(self, key: str, output: Path, today: datetime.date) -> bool:
        """Tell whether the entry still matches: same key, no waiver expired since, files intact."""
        if self.key != key:
            return False
        if self.next_expiry and today > datetime.date.fromisoformat(self.next_expiry):
            return False
        folder = output / self.slug
        return all(digest_of(folder / name) == digest for name, digest in self.files.items())


@dataclass
class Manifest:
    """The last build's entries by spec, and the inputs and digest of the index it wrote."""

    entries: dict[str, Entry]
    index: dict[str, str]


def read_manifest(output: Path) -> Manifest | None:
    """Return the manifest in `output`: empty when there is none, None when it is not one archgen wrote."""
    path = output / MANIFEST
    if path.is_symlink() or not path.is_file():
        return Manifest({}, {})
    try:
        manifest = json.loads(read_spec(path, MANIFEST))  # at most a spec's size, read as data
    except (OSError, ValueError, RecursionError, SpecError):
        manifest = None
    designs = manifest.get("designs") if isinstance(manifest, dict) else None
    entries = {source: Entry.from_json(entry) for source, entry in designs.items()} if isinstance(designs, dict) else {}
    if designs is None or None in entries.values():
        return None
    index = manifest.get("index") if isinstance(manifest, dict) else None
    index = {str(key): str(value) for key, value in index.items()} if isinstance(index, dict) else {}
    return Manifest({source: entry for source, entry in entries.items() if entry is not None}, index)


def manifest_text(entries: dict[str, Entry], index: dict[str, str]) -> bytes:
    """Return the manifest as archgen writes it."""
    designs = {source: entry.as_json() for source, entry in sorted(entries.items())}
    return json.dumps({"archgen": __version__, "designs": designs, "index": index}, indent=2).encode() + b"\n"


def index_inputs(base: bytes, entries: dict[str, Entry]) -> str:
    """Return what the index is made from: the build's inputs and every entry."""
    designs = json.dumps({source: entry.as_json() for source, entry in sorted(entries.items())}, sort_keys=True)
    return hashlib.sha256(base + b"\0" + designs.encode()).hexdigest()


def template_folders(settings: Settings) -> list[Path]:
    """Return where templates are looked up: the user's folder first, then archgen's."""
    default = bundled("templates", "templates")
    return [settings.templates, default] if settings.templates else [default]


def templates_digest(folders: Iterable[Path]) -> str:
    """Return a hash of the template files in use, so a template change rebuilds the docs."""
    hasher = hashlib.sha256()
    folders = list(folders)
    for name in TEMPLATES:
        path = next((folder / name for folder in folders if (folder / name).is_file()), None)
        hasher.update(name.encode() + b"\0" + (path.read_bytes() if path else b"") + b"\0")
    return hasher.hexdigest()


def inputs_digest(settings: Settings) -> bytes:
    """Hash what every design's outputs depend on besides its spec.

    That includes archgen's own source, not only its version, so a checkout with a changed
    renderer sees its published outputs as stale.
    """
    lint_settings = {
        "select": settings.select,
        "ignore": settings.ignore,
        "severity": settings.severity,
        "python": settings.python,
        "exports": settings.exports,
    }
    text = json.dumps({"archgen": __version__, "settings": lint_settings}, sort_keys=True, default=str)
    return (text + templates_digest(template_folders(settings)) + code_digest()).encode()


@functools.cache
def code_digest() -> str:
    """Hash archgen's source files and the version of diagrams, whose icons the pictures use."""
    return source_digest() + _diagrams_version()


def _diagrams_version() -> str:
    """Return the installed diagrams' version from its dist-info folder (importlib.metadata costs 20 ms)."""
    for entry in sys.path:
        for info in sorted(Path(entry or ".").glob("diagrams-*.dist-info")):
            return info.name.removeprefix("diagrams-").removesuffix(".dist-info")
    return ""


def relative(path: Path, root: Path) -> str:
    """Name a spec relative to the project root (the output folder's parent), whatever the working folder."""
    resolved = path.resolve()
    try:
        return printable(resolved.relative_to(root).as_posix())
    except ValueError:
        return printable(resolved.as_posix())


def digest_of(path: Path) -> str | None:
    """Return the SHA-256 of a regular file (not through a link), or None; read in blocks, whatever its size."""
    if path.is_symlink() or not path.is_file():
        return None
    try:
        with path.open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


def unchanged(
    paths: Iterable[Path], output: Path, settings: Settings, today: datetime.date | None = None
) -> BuildRun | None:
    """Return what a build would report when it would change nothing in `output`, else None (build for real).

    Nothing changes when every spec's key and files match the manifest, no design is gone, the
    index is the one made from these inputs, and no temporary file of a killed run is left.
    """
    today = today or datetime.date.today()
    manifest = read_manifest(output)
    if manifest is None or not manifest.entries or not manifest.index:
        return None
    base = inputs_digest(settings)
    root = output.resolve().parent
    sources = []
    for path in discover(paths):
        if path.suffix == ".py" and not settings.python:
            return None
        source = relative(path, root)
        entry = manifest.entries.get(source)
        try:
            key = hashlib.sha256(base + read_spec(path, source)).hexdigest()
        except SpecError:
            return None  # the build says why
        if entry is None or not entry.is_current(key, output, today):
            return None
        sources.append(source)
    if set(sources) != set(manifest.entries) or temporaries(output):
        return None
    if manifest.index.get("inputs") != index_inputs(base, manifest.entries):
        return None
    if manifest.index.get("digest") != digest_of(output / INDEX):
        return None
    return BuildRun(unchanged=sources, counts={source: entry.counts for source, entry in manifest.entries.items()})
