"""A loaded design: the value the loader makes and the rules, renderers and commands read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: this value sits below the loader that makes it
    from archgen.loader.source import SourceMap
    from archgen.model import Design
    from archgen.positions import Position


@dataclass(frozen=True)
class LoadedDesign:
    """A validated design, the file it came from and where each part of it is written."""

    design: Design
    source: SourceMap
    file: str
    digest: str

    def position(self, *path: str | int, key: bool = False) -> Position:
        """Return where the part of the spec at `path` is written."""
        return self.source.position(path, key=key)

    def _repr_svg_(self) -> str:
        """Draw the design in a notebook, linted with the default settings."""
        from archgen.script import svg_of_loaded

        return svg_of_loaded(self)

    def component_position(self, component_id: str) -> Position:
        """Return where a component is written: its key in YAML, the call that made it in Python."""
        return self.source.position(("components", component_id), key=True)
