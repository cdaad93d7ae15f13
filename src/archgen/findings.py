"""Findings: what the rules say about a design, with where it is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Finding:
    """One rule's finding about one component, or about the design (component None)."""

    code: str
    name: str
    severity: str
    message: str
    file: str
    line: int
    column: int
    component: str | None = None
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order findings by position, then code."""
        return (self.file, self.line, self.column, self.code, self.component or "")

    def as_dict(self) -> dict[str, Any]:
        """Return the finding as the JSON report writes it."""
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "component": self.component,
            **self.details,
        }


@dataclass(frozen=True)
class Skipped:
    """A rule that did not run on a design, and why."""

    code: str
    name: str
    file: str
    reason: str
