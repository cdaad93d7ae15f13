"""What a diagram shows, worked out once from a design: boxes, links and groups.

The DOT and Mermaid renderers both draw a Scene, so the two pictures always agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from archgen.findings import Finding
from archgen.model import Component, ComputeBase, Design, StoreBase

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
        look = _Look(wrap(component.name or component_id), component, group, component_id in spofs)
        replica_boxes = _replica_boxes(component)
        mode = (component.replication if isinstance(component, StoreBase) else None) or "replication"
        if replica_boxes:
            boxes.append(
                look.box(component_id, tuple(line for line in ("primary", *_store_details(component)) if line))
            )
            for index, replica_label in enumerate(replica_boxes, start=1):
                boxes.append(look.box(f"{component_id}__replica{index}", (replica_label,)))
                links.append(Link(component_id, f"{component_id}__replica{index}", "replication", mode))
        else:
            boxes.append(look.box(component_id, _details(component)))
        if isinstance(component, StoreBase) and component.read_replicas:
            count = component.read_replicas
            boxes.append(look.box(f"{component_id}__reads", (f"{count} read replica{'s' if count > 1 else ''}",)))
            links.append(Link(component_id, f"{component_id}__reads", "replication", mode))
        if isinstance(component, StoreBase) and component.replica_of:
            links.append(Link(component.replica_of, component_id, "replication", mode))
        for call in component.calls:
            style = "async" if call.is_async else "optional" if call.optional else "sync"
            for target in call.targets:
                drawn = _read_target(design, target) if call.mode == "read" else target
                links.append(Link(component_id, drawn, style, call.label, alternative=len(call.targets) > 1))
    return Scene(design.name, design.layout.direction, tuple(boxes), tuple(links), tuple(groups))


@dataclass(frozen=True)
class _Look:
    """What every box drawn for one component shares: title, kind, icon, group and highlight."""

    title: str
    component: Component
    group: int | None
    spof: bool

    def box(self, box_id: str, details: tuple[str, ...]) -> Box:
        component = self.component
        return Box(box_id, self.title, details, component.kind, component.engine, self.group, self.spof)


def _read_target(design: Design, target: str) -> str:
    """Return where a read call points: a store's read replicas when it has them."""
    store = design.components[target]
    return f"{target}__reads" if isinstance(store, StoreBase) and store.read_replicas else target


def _replica_boxes(component: Component) -> list[str]:
    """Return the labels of the replica boxes a store is drawn with (none for most components)."""
    drawn_as_primary = component.kind == "database" or (
        isinstance(component, StoreBase) and component.kind in ("cache", "search") and component.replication
    )
    sharded = isinstance(component, StoreBase) and component.partitioning and component.partitioning.shards
    replicas = component.replicas - 1
    if not drawn_as_primary or sharded or replicas < 1:
        return []  # a sharded store's replicas are copies of each shard: drawn in its label
    if replicas > MAX_REPLICA_BOXES:
        return [f"{replicas} replicas"]
    return [f"replica {index}" for index in range(1, replicas + 1)]


def _details(component: Component) -> tuple[str, ...]:
    """Return the short lines under a component's name: engine, instances, partitioning, schedule."""
    sharded = isinstance(component, StoreBase) and component.partitioning and component.partitioning.shards
    first = " · ".join(part for part in (component.engine, "" if sharded else _instances(component)) if part)
    schedule = getattr(component, "schedule", None)
    when = f"runs {schedule}" if schedule in ("hourly", "daily", "weekly") else f"cron {schedule}" if schedule else ""
    return tuple(line for line in (first, *_store_details(component)[1:], when) if line)


def _store_details(component: Component) -> tuple[str, ...]:
    """Return the engine line, then the partitioning lines of a store."""
    lines = [component.engine or ""]
    partitioning = component.partitioning if isinstance(component, StoreBase) else None
    if partitioning:
        on = f" on {partitioning.key}" if partitioning.key else ""
        lines.append(wrap(f"{partitioning.strategy}{on}"))
        if partitioning.shards:
            copies = f" × {component.replicas} copies" if component.replicas > 1 else ""
            lines.append(f"{partitioning.shards} shards{copies}")
    return tuple(lines)


def _instances(component: Component) -> str:
    """Return `×4 in 2 zones` for replicated components, `2–40, autoscaled` for groups, nothing for single ones."""
    count = len(component.zones) or len(component.regions) or (1 if component.region else 0)
    where = "regions" if component.regions else "zones"
    zones = f" in {count} {where}" if count > 1 else ""
    autoscale = component.autoscale if isinstance(component, ComputeBase) else None
    if autoscale is not None:
        return f"{autoscale.min}–{autoscale.max}, autoscaled{zones}"
    if component.replicas == 1:
        return ""
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
