"""`archgen diff`: what a change does to designs — two spec files, or each spec against a git ref.

Both sides are loaded and linted with the same settings; the designs are compared by meaning
(`archgen.analysis.compare`) and the findings by what they are about — rule, subject and the
stable parts of the message, as a baseline matches them — never by line. A spec added since the
ref has only a new side, one deleted only an old side.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from archgen.analysis.compare import AvailabilityChange, DesignDiff, availability_changes, compare
from archgen.baseline import Entry
from archgen.config import Settings
from archgen.errors import ArchgenError
from archgen.files import YAML_SUFFIXES, discover, display_path
from archgen.findings import Finding, at_or_above
from archgen.loaded import LoadedDesign
from archgen.loader import load_design, load_text
from archgen.rules.engine import lint_design
from archgen.vocabulary import Severity


@dataclass(frozen=True)
class DesignChange:
    """One design before and after (either may be missing), what changed, which findings came and went."""

    before: LoadedDesign | None
    after: LoadedDesign | None
    diff: DesignDiff | None
    introduced: list[Finding]
    resolved: list[Finding]
    #: Every finding of the new version (the picture marks them).
    findings: list[Finding] = field(default_factory=list, compare=False, repr=False)
    #: Entry points and flows whose availability changed (both versions present).
    availability: tuple[AvailabilityChange, ...] = ()

    @property
    def name(self) -> str:
        """Return the design's name: the new version's, or the old one's when it is deleted."""
        either = self.after or self.before
        return either.design.name if either is not None else ""

    @property
    def old(self) -> str | None:
        """Return how the old version is shown (`main:designs/x.yaml`), or None when the design is new."""
        return self.before.file if self.before else None

    @property
    def new(self) -> str | None:
        """Return how the new version is shown, or None when the design is deleted."""
        return self.after.file if self.after else None


@dataclass
class DiffRun:
    """Every design a diff compared, and the specs that could not be read or loaded."""

    designs: list[DesignChange] = field(default_factory=list)
    errors: list[ArchgenError] = field(default_factory=list)

    def introduced_at_or_above(self, severity: Severity | None) -> list[Finding]:
        """Return the introduced findings at `severity` or worse (none when it is None)."""
        found = [finding for design in self.designs for finding in design.introduced]
        return at_or_above(found, severity) if severity else []


def diff(old: Path, new: Path, settings: Settings | None = None) -> DiffRun:
    """Compare two spec files."""
    settings = settings or Settings()
    run = DiffRun()
    before = _load(partial(_load_now, old, settings), run)
    after = _load(partial(_load_now, new, settings), run)
    if before is not None and after is not None:
        change = _change(before, after, settings)
        if change.diff is not None and change.diff.unrelated:
            run.errors.append(
                ArchgenError(
                    f"{before.file} ({before.design.name}) and {after.file} ({after.design.name}) have other names "
                    "and almost no component in common: two different designs?"
                )
            )
        else:
            run.designs.append(change)
    return run


def diff_git(ref: str, paths: Iterable[Path], settings: Settings | None = None, cwd: Path | None = None) -> DiffRun:
    """Compare each spec under `paths` with its version at the git `ref`; report specs added or deleted since."""
    settings = settings or Settings()
    if not ref or ref.startswith("-"):
        raise ArchgenError(f"{ref!r} is not a git ref (a branch, tag or commit)")
    folder = cwd or Path.cwd()
    root = Path(_git(["rev-parse", "--show-toplevel"], folder).decode().strip())
    if _git_ok(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], folder) is None:
        raise ArchgenError(f"{ref}: no such commit, branch or tag in this repository")
    paths = list(paths)
    run = DiffRun()
    current = {path.resolve().relative_to(root).as_posix(): path for path in discover(paths)}
    scope = [path.resolve().relative_to(root).as_posix() for path in paths]
    listed = _git(["ls-tree", "-r", "--name-only", ref, "--", *scope], root).decode().splitlines()
    then = [name for name in listed if Path(name).suffix in (*YAML_SUFFIXES, ".py") and not _hidden(name)]
    for name in sorted(set(current) | set(then)):
        path = current.get(name)
        after = _load(partial(_load_now, path, settings), run) if path else None
        before = _load(partial(_load_at, ref, name, root, settings), run) if name in then else None
        if (path is not None and after is None) or (name in then and before is None):
            continue  # its error is in run.errors
        run.designs.append(_change(before, after, settings))
    return run


def _load_now(path: Path, settings: Settings) -> LoadedDesign:
    return load_design(path, allow_python=settings.python, file=display_path(path))


def _hidden(name: str) -> bool:
    return any(part.startswith(("_", ".")) for part in Path(name).parts)


def _load_at(ref: str, name: str, root: Path, settings: Settings) -> LoadedDesign:
    """Load a spec as it was at `ref`, shown as `ref:path`; a Python spec follows the trust settings."""
    data = _git(["show", f"{ref}:{name}"], root)
    shown = f"{ref}:{name}"
    if not name.endswith(".py"):
        return load_text(data, file=shown)
    with tempfile.TemporaryDirectory(prefix="archgen-diff-") as folder:
        copy = Path(folder) / Path(name).name
        copy.write_bytes(data)
        return load_design(copy, allow_python=settings.python, file=shown)


def _load(load: Callable[[], LoadedDesign], run: DiffRun) -> LoadedDesign | None:
    """Load one side; an error is kept for the report and the side is missing."""
    try:
        return load()
    except ArchgenError as error:
        run.errors.append(error)
        return None


def _change(before: LoadedDesign | None, after: LoadedDesign | None, settings: Settings) -> DesignChange:
    """Compare two loaded versions of a design (either may be missing: added or deleted)."""
    old_result = lint_design(before, settings) if before else None
    new_result = lint_design(after, settings) if after else None
    old_findings = old_result.findings if old_result else []
    new_findings = new_result.findings if new_result else []
    introduced, resolved = _unmatched(new_findings, old_findings), _unmatched(old_findings, new_findings)
    difference = compare(before.design, after.design) if before and after else None
    figures = (
        availability_changes(old_result.availability, new_result.availability) if old_result and new_result else ()
    )
    return DesignChange(before, after, difference, introduced, resolved, new_findings, figures)


def write_diff_picture(path: Path, run: DiffRun) -> Path:
    """Draw the one design a diff compared with its changes coloured, as `path` (.svg or .png)."""
    from archgen.files import write_files
    from archgen.render import render_change

    fmt = path.suffix.lower().removeprefix(".")
    if fmt not in ("svg", "png"):
        raise ArchgenError(f"{path}: the picture is a .svg or a .png file")
    compared = [design for design in run.designs if design.diff is not None and design.before and design.after]
    if len(compared) != 1:
        raise ArchgenError(f"{path}: a picture shows one design; this diff compared {len(compared)}")
    (design,) = compared
    assert design.before is not None and design.after is not None and design.diff is not None
    rendering = render_change(design.before.design, design.after.design, design.diff, design.findings, [fmt])
    return write_files(path.parent, {path.name: rendering.files[fmt]})[0]


def _unmatched(findings: list[Finding], others: list[Finding]) -> list[Finding]:
    """Return the findings with no counterpart among `others` (by rule, subject and stable message; a multiset)."""
    left = Counter(Entry.of(finding)._replace(file="") for finding in others)
    unmatched = []
    for finding in findings:
        key = Entry.of(finding)._replace(file="")
        if left[key]:
            left[key] -= 1
        else:
            unmatched.append(finding)
    return unmatched


def _git(arguments: list[str], cwd: Path) -> bytes:
    done = _git_ok(arguments, cwd)
    if done is None:
        raise ArchgenError(f"git {' '.join(arguments[:2])} failed in {display_path(cwd)}: is it a git repository?")
    return done


def _git_ok(arguments: list[str], cwd: Path) -> bytes | None:
    try:
        done = subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ArchgenError(f"cannot run git: {error}") from None
    return done.stdout if done.returncode == 0 else None


__all__ = ["DesignChange", "DiffRun", "diff", "diff_git", "write_diff_picture"]
