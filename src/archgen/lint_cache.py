"""The lint result cache, as ruff keeps one: a spec linted before is answered without loading it.

An entry is keyed by everything a finding depends on: the spec's bytes and the name it is
shown by, archgen's version and source (by content), the settings that change findings
(select, ignore, severities) and the day (waivers expire). An entry is data to check, not to
trust: one that is not exactly what archgen writes (bad bytes, numbers JSON does not have,
deep nesting, a rule archgen does not know) is a miss and a warning, and the cache never
writes through a symbolic link. Entries live in `.archgen_cache/lint/` beside the
config file (or the working folder), or in `$ARCHGEN_CACHE_DIR`. Python specs are never
cached: they run code. This module imports nothing of the spec model, pydantic or YAML, so
a lint answered from the cache costs about what starting Python and click costs.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archgen import __version__
from archgen.config import Settings
from archgen.errors import SpecError
from archgen.files import YAML_SUFFIXES, discover, read_spec, source_digest
from archgen.findings import Finding, LintOutcome, Skipped
from archgen.rules import plugins
from archgen.vocabulary import SEVERITY_RANK, Severity

CACHE_ENV = "ARCHGEN_CACHE_DIR"
FOLDER = ".archgen_cache"


def cache_folder(settings: Settings) -> Path:
    """Return where lint results are kept: `$ARCHGEN_CACHE_DIR`, else `.archgen_cache/lint` beside the config."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen) / "lint"
    base = settings.config_file.parent if settings.config_file else Path.cwd()
    return base / FOLDER / "lint"


@dataclass
class CachedLint:
    """One design's lint as the cache keeps it: what the report needs, nothing of the model."""

    file: str
    name: str
    findings: list[Finding]
    skipped: list[Skipped]

    def as_dict(self) -> dict[str, Any]:
        """Return the entry's JSON form."""
        return {
            "file": self.file,
            "name": self.name,
            "findings": [
                {
                    "code": f.code,
                    "name": f.name,
                    "severity": f.severity,
                    "message": f.message,
                    "file": f.file,
                    "line": f.line,
                    "column": f.column,
                    "component": f.component,
                    "details": f.details,
                    "marks": list(f.marks),
                }
                for f in self.findings
            ],
            "skipped": [{"code": s.code, "name": s.name, "file": s.file, "reason": s.reason} for s in self.skipped],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], plugin_codes: bool = False) -> CachedLint:
        """Read an entry back; raise (KeyError, TypeError, ValueError) on anything malformed."""
        from archgen.rules.catalogue import catalogue

        known = catalogue()
        findings = [
            Finding(
                _known(item["code"], known, plugin_codes),
                str(item["name"]),
                _severity(item["severity"]),
                str(item["message"]),
                str(item["file"]),
                int(item["line"]),
                int(item["column"]),
                None if item["component"] is None else str(item["component"]),
                dict(item["details"]),
                tuple(str(mark) for mark in item["marks"]),
            )
            for item in data["findings"]
        ]
        skipped = [Skipped(str(s["code"]), str(s["name"]), str(s["file"]), str(s["reason"])) for s in data["skipped"]]
        return cls(str(data["file"]), str(data["name"]), findings, skipped)


def _known(code: Any, known: dict[str, Any], plugin_codes: bool) -> str:
    if code not in known and not (plugin_codes and isinstance(code, str) and plugins.CODE.match(code)):
        raise ValueError(f"not a rule archgen has: {code!r}")
    return str(code)


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON has")


def _severity(value: Any) -> Severity:
    if value not in SEVERITY_RANK:
        raise ValueError(f"not a severity: {value!r}")
    severity: Severity = value
    return severity


class LintCache:
    """Lint results on disk, keyed by spec and settings; a bad entry is a miss and a warning."""

    def __init__(self, settings: Settings, today: datetime.date | None = None, folder: Path | None = None) -> None:
        self.folder = folder or cache_folder(settings)
        # The folders archgen makes itself; the user's $ARCHGEN_CACHE_DIR may be a link of their own.
        self.made = [self.folder] if folder or os.environ.get(CACHE_ENV) else [self.folder.parent, self.folder]
        rules = {
            "select": settings.select,
            "ignore": settings.ignore,
            "severity": settings.severity,
            "plugins": plugins.signature() if settings.plugins else "off",
        }
        #: Plugin codes a cached finding may carry (their rules are not imported to answer from the cache).
        self.plugin_codes = settings.plugins and bool(plugins.installed())
        day = (today or datetime.date.today()).isoformat()
        self.base = json.dumps([__version__, source_digest(), rules, day], sort_keys=True).encode()
        self.warnings: list[str] = []

    def key(self, file: str, digest: str) -> str:
        """Return the key of a spec shown as `file` whose bytes have this SHA-256 digest."""
        return hashlib.sha256(self.base + b"\0" + file.encode() + b"\0" + digest.encode()).hexdigest()

    def get(self, key: str) -> CachedLint | None:
        """Return the entry for `key`, or None; a corrupt, truncated or foreign entry is ignored with a warning."""
        path = self.folder / key[:2] / f"{key}.json"
        try:
            data = read_spec(path, str(path))
        except SpecError as error:
            if path.exists() or path.is_symlink():
                self.warnings.append(f"ignoring the cache entry {path}: {error.problems[0].message}")
            return None
        try:
            entry = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
            if not isinstance(entry, dict) or entry.get("key") != key or entry.get("archgen") != __version__:
                raise ValueError("it belongs to another spec or archgen")
            return CachedLint.from_dict(entry, self.plugin_codes)
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError) as error:
            self.warnings.append(f"ignoring the cache entry {path}: {type(error).__name__}: {str(error)[:200]}")
            return None

    def put(self, key: str, entry: CachedLint) -> None:
        """Store an entry atomically; a cache that cannot be written is skipped quietly."""
        from archgen.errors import ArchgenError
        from archgen.files import write_files

        data = json.dumps({"archgen": __version__, "key": key, **entry.as_dict()}, ensure_ascii=False).encode()
        linked = next((folder for folder in self.made if folder.is_symlink()), None)
        if linked is not None:
            self.warnings.append(f"not writing the lint cache through the symbolic link {linked}")
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_files(self.folder, {f"{key[:2]}/{key}.json": data})
        except (ArchgenError, OSError):
            return


@dataclass
class CachedRun(LintOutcome):
    """A lint answered wholly from the cache: the same questions a LintRun answers for reporting."""

    entries: list[CachedLint]
    errors: list[Any] = field(default_factory=list)

    def per_design(self) -> list[CachedLint]:
        """Return each design's cached lint, in file order."""
        return self.entries


def lint_from_cache(
    paths: Iterable[Path], settings: Settings, today: datetime.date | None = None
) -> tuple[CachedRun | None, list[str]]:
    """Answer a lint from the cache when every spec under `paths` is in it, else None; and the cache's warnings."""
    from archgen.files import display_path

    cache = LintCache(settings, today)
    entries = []
    for path in _specs(paths):
        if path is None:
            return None, cache.warnings
        try:
            digest = hashlib.sha256(read_spec(path, str(path))).hexdigest()
        except SpecError:
            return None, cache.warnings
        entry = cache.get(cache.key(display_path(path), digest))
        if entry is None:
            return None, cache.warnings
        entries.append(entry)
    return (CachedRun(entries) if entries else None), cache.warnings


def _specs(paths: Iterable[Path]) -> Iterable[Path | None]:
    """Yield the specs under `paths` as the loader finds them; None for one the cache cannot answer (Python)."""
    for path in discover(paths):
        yield path if path.suffix in YAML_SUFFIXES else None
