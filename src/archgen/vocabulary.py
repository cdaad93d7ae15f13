"""The words archgen's interfaces share: severities, output formats and exit codes.

A leaf module: the CLI reads it to build its options without importing the spec model.
"""

from __future__ import annotations

import enum
from typing import Literal, get_args

Severity = Literal["error", "warning", "info"]
#: Most severe first, the order reports and documents list them in.
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
SEVERITY_RANK: dict[str, int] = {severity: rank for rank, severity in enumerate(reversed(SEVERITIES))}

ReportFormat = Literal["text", "json", "sarif", "github", "markdown"]
REPORT_FORMATS: tuple[ReportFormat, ...] = get_args(ReportFormat)

EstimateFormat = Literal["text", "json"]
ESTIMATE_FORMATS: tuple[EstimateFormat, ...] = get_args(EstimateFormat)

PictureFormat = Literal["png", "svg", "dot", "mermaid", "drawio", "excalidraw", "d2", "likec4", "structurizr"]
PICTURE_FORMATS: tuple[PictureFormat, ...] = get_args(PictureFormat)
PICTURE_EXTENSIONS: dict[str, str] = {
    "png": "png",
    "svg": "svg",
    "dot": "dot",
    "mermaid": "mmd",
    "drawio": "drawio",
    "excalidraw": "excalidraw",
    "d2": "d2",
    "likec4": "c4",
    "structurizr": "dsl",
}


class ExitCode(enum.IntEnum):
    """What every command exits with."""

    OK = 0
    #: lint: findings at or above --fail-on; build --check: output/ is stale.
    FINDINGS = 1
    #: bad input, bad usage, or a design that could not be built.
    ERROR = 2


#: Where reports link each rule's page by default (the `rules-url` setting changes it).
RULES_URL = "https://github.com/archgen/archgen/blob/main/docs/rules.md"
