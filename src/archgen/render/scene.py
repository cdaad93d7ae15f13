"""What a diagram shows, worked out once from a design: boxes, links and groups.

The DOT and Mermaid renderers both draw a Scene, so the two pictures always agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from archgen.findings import Finding
from archgen.model import Component, Design, StoreBase

# Past this many replicas a store's replicas are drawn as one box with a count.
MAX_REPLICA_BOXES = 2
WRAP = 24


@dataclass(frozen=True)
class Box:
    """One box: a component, or a replica of a replicated store."""

    id: str
    title: str
    details: tuple[str, ...]
    kind: str
    engine: str | None
    group: int | None
    spof: bool = False


@dataclass(frozen=True)
class Link:
    """One arrow. Style is sync, async, optional or replication."""

    source: str
    target: str
    style: str
    label: str | None = None
    alternative: bool = False


@dataclass(frozen=True)
class Scene:
    """A whole picture; groups are cluster titles, indexed by Box.group."""

    title: str
    direction: str
    boxes: tuple[Box, ...]
    links: tuple[Link, ...]
    groups: tuple[str, ...]

    @property
    def has_spof(self) -> bool:
        """Tell whether any box is highlighted."""
        return any(box.spof for box in self.boxes)


def single_points_of_failure(findings: Iterable[Finding]) -> frozenset[str]:
    """Return the components to highlight: those the rules mark (a SPOF, what a lost zone takes down)."""
    return frozenset(component for finding in findings for component in finding.marks)


def build_scene(design: Design, spofs: frozenset[str] = frozenset()) -> Scene:
    """Lay out what to draw for `design`, marking `spofs` as single points of failure."""
    groups: dict[str, int] = {}
    boxes: list[Box] = []
    links: list[Link] = []
    for component_id, component in design.components.items():
        group = groups.setdefault(component.group, len(groups)) if component.group else None
        title = wrap(component.name or component_id)
        spof = component_id in spofs
        replica_boxes = _replica_boxes(component)
        if replica_boxes:
            details = tuple(line for line in ("primary", *_store_details(component)) if line)
            boxes.append(Box(component_id, title, details, component.kind, component.engine, group, spof))
            mode = (component.replication if isinstance(component, StoreBase) else None) or "replication"
            for index, replica_label in enumerate(replica_boxes, start=1):
                replica_id = f"{component_id}__replica{index}"
                boxes.append(Box(replica_id, title, (replica_label,), component.kind, component.engine, group, spof))
                links.append(Link(component_id, replica_id, "replication", mode))
        else:
            boxes.append(Box(component_id, title, _details(component), component.kind, component.engine, group, spof))
        for call in component.calls:
            style = "async" if call.is_async else "optional" if call.optional else "sync"
            for target in call.targets:
                links.append(Link(component_id, target, style, call.label, alternative=len(call.targets) > 1))
    return Scene(design.name, design.layout.direction, tuple(boxes), tuple(links), tuple(groups))


def _replica_boxes(component: Component) -> list[str]:
    """Return the labels of the replica boxes a store is drawn with (none for most components)."""
    drawn_as_primary = component.kind == "database" or (
        isinstance(component, StoreBase) and component.kind in ("cache", "search") and component.replication
    )
    replicas = component.replicas - 1
    if not drawn_as_primary or replicas < 1:
        return []
    if replicas > MAX_REPLICA_BOXES:
        return [f"{replicas} replicas"]
    return [f"replica {index}" for index in range(1, replicas + 1)]


def _details(component: Component) -> tuple[str, ...]:
    """Return the short lines under a component's name: engine, instances, partitioning."""
    first = " · ".join(part for part in (component.engine, _instances(component)) if part)
    return tuple(line for line in (first, *_store_details(component)[1:]) if line)


def _store_details(component: Component) -> tuple[str, ...]:
    """Return the engine line, then the partitioning line of a store."""
    lines = [component.engine or ""]
    partitioning = component.partitioning if isinstance(component, StoreBase) else None
    if partitioning:
        on = f" on {partitioning.key}" if partitioning.key else ""
        lines.append(wrap(f"{partitioning.strategy}{on}"))
        if partitioning.shards:
            lines.append(f"{partitioning.shards} shards")
    return tuple(lines)


def _instances(component: Component) -> str:
    """Return `×4 in 2 zones` for replicated components, nothing for single ones."""
    if component.replicas == 1:
        return ""
    zones = f" in {len(component.zones)} zones" if len(component.zones) > 1 else ""
    return f"×{component.replicas}{zones}"


def wrap(text: str, width: int = WRAP) -> str:
    """Break text into lines of about `width` characters at spaces, keeping explicit line breaks."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split(" "):
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return "\n".join(lines)
