"""`archgen estimate`: the back-of-the-envelope capacity of each design."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archgen.analysis.capacity import Estimate, estimate
from archgen.config import Settings
from archgen.errors import ArchgenError, SpecError
from archgen.loaded import LoadedDesign
from archgen.loader import load_all
from archgen.render.capacity import Row, table


@dataclass(frozen=True)
class DesignEstimate:
    """A design's capacity inputs and what they imply; estimate None when it has no capacity section."""

    loaded: LoadedDesign
    estimate: Estimate | None

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
            "inputs": capacity.model_dump(mode="json") if capacity else None,
            "estimate": self.estimate._asdict() if self.estimate else None,
        }


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
        capacity = loaded.design.capacity
        run.estimates.append(DesignEstimate(loaded, estimate(capacity) if capacity else None))
    return run
