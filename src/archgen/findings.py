"""Findings: what the rules say about a design, with where it is written."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from archgen.vocabulary import SEVERITY_RANK, Severity

if TYPE_CHECKING:  # a type for the checker only: defining a Protocol costs every start

    class DesignLint(Protocol):
        """What a lint found on one design: a full result, or one answered from the cache."""

        @property
        def file(self) -> str: ...  # noqa: D102
        @property
        def name(self) -> str: ...  # noqa: D102
        @property
        def findings(self) -> list[Finding]: ...  # noqa: D102
        @property
        def skipped(self) -> list[Skipped]: ...  # noqa: D102


@dataclass(frozen=True)
class Finding:
    """One rule's finding about one component, or about the design (component None)."""

    code: str
    name: str
    severity: Severity
    message: str
    file: str
    line: int
    column: int
    component: str | None = None
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    #: Components the picture marks for this finding (a SPOF, what a lost zone takes down).
    marks: tuple[str, ...] = field(default=(), compare=False)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order findings by position, then code."""
        return (self.file, self.line, self.column, self.code, self.component or "")

    def as_dict(self) -> dict[str, Any]:
        """Return the finding as the JSON report writes it: the core keys, then the rule's details."""
        core: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "component": self.component,
        }
        # A rule's details add keys; they never replace the core ones.
        return core | {key: value for key, value in self.details.items() if key not in core}


class Skipped(NamedTuple):
    """A rule that did not run on a design, and why."""

    code: str
    name: str
    file: str
    reason: str


class LintOutcome:
    """What reports ask of a lint over several designs, answered from what each design found."""

    def per_design(self) -> Sequence[DesignLint]:
        """Return what the lint found on each design, in file order."""
        raise NotImplementedError

    @property
    def findings(self) -> list[Finding]:
        """Return every finding, in file order."""
        return [finding for design in self.per_design() for finding in design.findings]

    @property
    def skipped(self) -> list[Skipped]:
        """Return every skipped rule."""
        return [skip for design in self.per_design() for skip in design.skipped]

    @property
    def designs(self) -> list[tuple[str, str]]:
        """Return each design's file and name."""
        return [(design.file, design.name) for design in self.per_design()]

    def at_or_above(self, severity: Severity) -> list[Finding]:
        """Return the findings at `severity` or worse."""
        return at_or_above(self.findings, severity)


def at_or_above(findings: Iterable[Finding], severity: Severity) -> list[Finding]:
    """Return the findings at `severity` or worse."""
    threshold = SEVERITY_RANK[severity]
    return [finding for finding in findings if SEVERITY_RANK[finding.severity] >= threshold]


def subject(finding: Finding) -> str:
    """Return what a finding is about: its component, or the zone, region or host it names, or nothing."""
    if finding.component:
        return finding.component
    return next((str(finding.details[key]) for key in ("host", "zone", "region") if finding.details.get(key)), "")
