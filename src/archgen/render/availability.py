"""The availability figures as a table: what, how often up, the downtime, and where it comes from.

`archgen estimate`, the design doc and `serve` show the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from archgen.analysis.availability import Availability, Figure
from archgen.units import format_availability, format_downtime

#: A contributor below this share of the downtime is not worth naming.
NAMED_SHARE = 0.005


@dataclass(frozen=True)
class AvailabilityRow:
    """One entry point or flow: its figure, its downtime a year and a month, its main contributors."""

    what: str
    percent: str
    per_year: str
    per_month: str
    contributors: str


def availability_rows(result: Availability, target: float | None = None) -> list[AvailabilityRow]:
    """Return one row per entry point and flow; a figure below `target` says so."""
    return [
        _row(figure, target, held=figure.kind == "flow" if result.flows else figure.user_facing)
        for figure in result.figures
    ]


def _row(figure: Figure, target: float | None, held: bool) -> AvailabilityRow:
    """Describe one figure; `held` says whether the target applies to it (as REL009 reads it)."""
    kind = "flow" if figure.kind == "flow" else "entry point"
    if figure.kind == "entry_point" and not figure.user_facing:
        kind = "pipeline"
    below = held and target is not None and figure.percent < target
    percent = format_availability(figure.unavailability, below=target if below else None)
    return AvailabilityRow(
        what=f"{kind} {figure.name}",
        percent=f"{percent} (below {target:g}%)" if below else percent,
        per_year=format_downtime(figure.minutes_per_year),
        per_month=format_downtime(figure.minutes_per_year / 12),
        contributors=", ".join(
            f"{contributor.what} {contributor.share:.0%}"
            for contributor in figure.contributors
            if contributor.share >= NAMED_SHARE
        )
        or "—",
    )


def target_of(availability_target: float | None) -> str:
    """Say what the figures are held to."""
    if availability_target is None:
        return "The design sets no availability target (`requirements.non_functional.availability`)."
    return f"Target: {availability_target:g}% for each user-facing entry point, or each flow when flows are declared."
