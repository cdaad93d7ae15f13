"""`archgen estimate`: the back-of-the-envelope capacity of each design, and its availability in nines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archgen.analysis.availability import Availability, availability
from archgen.analysis.capacity import Estimate, estimate_design
from archgen.config import Settings
from archgen.errors import ArchgenError, SpecError
from archgen.graph import DesignGraph
from archgen.loaded import LoadedDesign
from archgen.loader import load_all
from archgen.model import Capacity, availability_target
from archgen.render.availability import AvailabilityRow, availability_rows
from archgen.render.capacity import Row, table


@dataclass(frozen=True)
class DesignEstimate:
    """A design's capacity inputs, what they imply (None without a capacity section), and its availability."""

    loaded: LoadedDesign
    estimate: Estimate | None
    availability: Availability

    @property
    def table(self) -> list[Row]:
        """Return the estimate as the rows `archgen estimate` prints; empty without a capacity section."""
        capacity = self.loaded.design.capacity
        return table(capacity, self.estimate) if capacity and self.estimate else []

    def as_dict(self) -> dict[str, object]:
        """Return the estimate as the JSON format writes it: inputs and raw numbers (bytes, per second)."""
        capacity = self.loaded.design.capacity
        return {
            "design": self.loaded.design.name,
            "file": self.loaded.file,
            "inputs": _inputs(capacity) if capacity else None,
            "estimate": self.estimate.as_dict() if self.estimate else None,
            "availability": self.availability.as_dict(),
        }

    @property
    def availability_table(self) -> list[AvailabilityRow]:
        """Return the availability of each entry point and flow as the rows `archgen estimate` prints."""
        return availability_rows(self.availability, availability_target(self.loaded.design))


def _inputs(capacity: Capacity) -> dict[str, object]:
    """Return the capacity inputs, with the one retention field the spec uses (`retention` or `retention_years`)."""
    inputs = capacity.model_dump(mode="json")
    inputs.pop("retention_years" if capacity.retention is not None else "retention")
    return inputs


@dataclass
class EstimateRun:
    """The estimate of every design that loaded, and the errors of those that did not."""

    estimates: list[DesignEstimate] = field(default_factory=list)
    errors: list[ArchgenError] = field(default_factory=list)


def estimate_all(paths: Iterable[Path], settings: Settings | None = None) -> EstimateRun:
    """Estimate the capacity of every spec under `paths`."""
    settings = settings or Settings()
    run = EstimateRun()
    for loaded in load_all(paths, allow_python=settings.python):
        if isinstance(loaded, SpecError):
            run.errors.append(loaded)
            continue
        figures = availability(DesignGraph(loaded.design))
        run.estimates.append(DesignEstimate(loaded, estimate_design(loaded.design), figures))
    return run
