"""What a diagram shows, worked out once from a design: boxes, links, clusters and marks.

The DOT and Mermaid renderers both draw a Scene, so the two pictures always agree. A view
(`flow:NAME`, `group:TITLE`) is a scene of the part of a design a flow or a group touches.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from archgen.errors import RenderError
from archgen.files import slugify
from archgen.findings import Finding
from archgen.icons import engine_key
from archgen.model import Call, Component, Design, Layout, Scalable, StoreBase
from archgen.text import plural, suggest

# Past this many replicas a store's replicas are drawn as one box with a count.
MAX_REPLICA_BOXES = 2
WRAP = 24
#: Characters of a detail line that fit about the width of an icon.
NARROW = 16
#: Engines whose copies are peers, not a primary and its replicas.
PEER_ENGINES = frozenset({"cassandra", "scylla", "scylladb", "dynamodb", "cockroachdb", "riak", "cosmosdb"})


@dataclass(frozen=True)
class Mark:
    """What a box is outlined for: a single point of failure (and the zone or region that makes it one)."""

    text: str
    waived: bool = False


@dataclass(frozen=True)
class Box:
    """One box: a component, or a replica of a replicated store.

    A replica's id is `<component>#replica1` (read replicas `<component>#reads`): `#` is not
    allowed in component ids, so it never collides with one.
    """

    id: str
    component: str
    title: str
    details: tuple[str, ...]
    kind: str
    engine: str | None
    cluster: int | None
    mark: Mark | None = None
    #: In a diff's picture: added, changed or removed (a ghost at its old neighbours).
    change: str | None = None
    #: In the overview, a box standing for a group: how many components it holds.
    members: int = 0


@dataclass(frozen=True)
class Link:
    """One arrow. Style is sync, async, optional, startup or replication."""

    source: str
    target: str
    style: str
    label: str | None = None
    alternative: bool = False
    #: In a diff's picture: added, changed or removed.
    change: str | None = None


@dataclass(frozen=True)
class Scene:
    """A whole picture; clusters are titles, indexed by Box.cluster; ranks hold box ids drawn side by side."""

    title: str
    layout: Layout
    boxes: tuple[Box, ...]
    links: tuple[Link, ...]
    clusters: tuple[str, ...]
    ranks: tuple[tuple[str, ...], ...] = field(default=())

    @property
    def direction(self) -> str:
        """Return LR or TB."""
        return self.layout.direction

    @property
    def marked(self) -> bool:
        """Tell whether any box is outlined as a single point of failure."""
        return any(box.mark and not box.mark.waived for box in self.boxes)

    @property
    def waived(self) -> bool:
        """Tell whether any box is drawn with a waived finding."""
        return any(box.mark and box.mark.waived for box in self.boxes)


def marks(findings: Iterable[Finding], waived: Iterable[Finding] = ()) -> dict[str, Mark]:
    """Return how to mark each component the rules mark: `SPOF`, or `SPOF: zone az-a`; waived ones muted."""
    areas: dict[tuple[str, bool], list[str]] = {}
    for is_waived, group in ((False, findings), (True, waived)):
        for finding in group:
            area = next(
                (f"{key} {finding.details[key]}" for key in ("host", "zone", "region") if key in finding.details), ""
            )
            for component in finding.marks:
                named = areas.setdefault((component, is_waived), [])
                if area and area not in named:
                    named.append(area)
    result: dict[str, Mark] = {}
    for (component, is_waived), named in areas.items():
        if is_waived and (component, False) in areas:
            continue  # a finding still standing outranks a waived one
        text = "SPOF" + (f": {', '.join(named)}" if named else "") + (" (waived)" if is_waived else "")
        result[component] = Mark(text, is_waived)
    return result


def view_slug(view: str) -> str:
    """Return how a view names its files: `flow:read timeline` → `flow-read-timeline`."""
    return slugify(view.replace(":", " "))


#: The view that draws each group as one box (`overview`), and the size past which `build` publishes it.
OVERVIEW = "overview"
OVERVIEW_SIZE = 25


def automatic_views(design: Design) -> tuple[str, ...]:
    """Return the views `build` publishes: those the design names and, past OVERVIEW_SIZE components, more.

    A large design gets its overview (when its picture has groups or regions to draw as boxes),
    a view per group and a view per flow.
    """
    if len(design.components) <= OVERVIEW_SIZE:
        return design.views
    groups = sorted({component.group for component in design.components.values() if component.group})
    # The overview draws the picture's clusters as boxes: without any, it would be the whole picture again.
    clustered = any(_cluster_title(design.layout, component) for component in design.components.values())
    made = (
        *((OVERVIEW,) if clustered else ()),
        *(f"group:{group}" for group in groups),
        *(f"flow:{flow}" for flow in design.flows),
    )
    return tuple(dict.fromkeys((*design.views, *made)))


def view_members(design: Design, view: str) -> set[str]:
    """Return the components a view draws: those its flow or group touches, and their direct neighbours."""
    kind, _, name = view.partition(":")
    if kind == "flow":
        if name not in design.flows:
            raise RenderError(f"no flow {name!r} in {design.name!r}{suggest(name, design.flows)}")
        touched = set(design.flows[name].path)
    elif kind == "group":
        groups = sorted({component.group for component in design.components.values() if component.group})
        if name not in groups:
            raise RenderError(f"no group {name!r} in {design.name!r}{suggest(name, groups)}")
        touched = {cid for cid, component in design.components.items() if component.group == name}
    else:
        raise RenderError(f"a view is `overview`, `flow:NAME` or `group:TITLE`, not {view!r}")
    members = set(touched)
    for component_id, component in design.components.items():
        targets = {target for call in component.calls for target in call.targets}
        if component_id in touched:
            members |= targets
        elif targets & touched:
            members.add(component_id)
    return members


def build_scene(design: Design, marked: dict[str, Mark] | None = None, view: str | None = None) -> Scene:
    """Work out what to draw for `design` (or one of its views), marking the components in `marked`."""
    marked = marked or {}
    if view == OVERVIEW:
        return _overview(design, build_scene(design, marked))
    members = view_members(design, view) if view else set(design.components)
    clusters: dict[str, int] = {}
    boxes: list[Box] = []
    links: list[Link] = []
    for component_id, component in design.components.items():
        if component_id not in members:
            continue
        title = _cluster_title(design.layout, component)
        cluster = clusters.setdefault(title, len(clusters)) if title else None
        look = _Look(component_id, wrap(component.name or component_id), component, cluster, marked.get(component_id))
        boxes += look.boxes()
        links += _links(design, component_id, component)
    if design.layout.availability:
        boxes = _with_availability(design, boxes)
    drawn = {box.id for box in boxes}
    links = [link for link in links if link.source in drawn and link.target in drawn]  # a view leaves some out
    ranks = tuple(tuple(member for member in rank if member in members) for rank in design.layout.ranks)
    title = design.name if view is None else f"{design.name}: {view.replace(':', ' ', 1)}"
    return Scene(
        title, design.layout, tuple(boxes), tuple(links), tuple(clusters), tuple(rank for rank in ranks if rank)
    )


def _overview(design: Design, whole: Scene) -> Scene:
    """Draw each group as one box (its size, its kinds, its worst mark) and merge the calls between groups.

    A component in no group stays as it is. Calls of one style between the same two boxes are
    one arrow, labelled with how many calls it stands for.
    """
    members: dict[int, list[Box]] = {}
    for box in whole.boxes:
        if box.cluster is not None:
            members.setdefault(box.cluster, []).append(box)
    node = {box.id: (f"#group{box.cluster}" if box.cluster is not None else box.id) for box in whole.boxes}
    boxes: list[Box] = []
    for box in whole.boxes:
        if box.cluster is None:
            boxes.append(box)
        elif box is members[box.cluster][0]:
            boxes.append(_group_box(design, whole.clusters[box.cluster], members[box.cluster], node[box.id]))
    merged: dict[tuple[str, str, str], list[Link]] = {}
    for link in whole.links:
        source, target = node[link.source], node[link.target]
        if source != target:
            merged.setdefault((source, target, link.style), []).append(link)
    links = []
    for (source, target, style), group in merged.items():
        calls = {(link.source.split("#")[0], link.target.split("#")[0]) for link in group}
        label = group[0].label if len(group) == 1 else f"{len(calls)} calls" if len(calls) > 1 else None
        links.append(Link(source, target, style, label, alternative=any(link.alternative for link in group)))
    layout = design.layout.model_copy(update={"ranks": ()})
    return Scene(f"{design.name}: overview", layout, tuple(boxes), tuple(links), ())


def _group_box(design: Design, title: str, boxes: list[Box], box_id: str) -> Box:
    """Return the box standing for a group: its title, how many components of which kinds, its worst mark."""
    components = list(dict.fromkeys(box.component for box in boxes))
    kinds = [design.components[component].kind for component in components]
    counts = sorted(((kinds.count(kind), kind) for kind in set(kinds)), key=lambda item: (-item[0], item[1]))
    parts = [_kinds_said(kind, count) for count, kind in counts[:3]]
    if len(counts) > 3:
        parts.append(f"{len(counts) - 3} more kinds")
    lines = [parts[0]]
    for part in parts[1:]:  # a line break only between two counts
        if len(f"{lines[-1]}, {part}") > NARROW + 8:
            lines[-1] += ","
            lines.append(part)
        else:
            lines[-1] += f", {part}"
    details = ("\n".join(lines),)
    standing = list(dict.fromkeys(box.component for box in boxes if box.mark and not box.mark.waived))
    waived = list(dict.fromkeys(box.component for box in boxes if box.mark and box.mark.waived))
    mark = None
    if standing:
        names = ", ".join(standing[:2]) + (f" and {len(standing) - 2} more" if len(standing) > 2 else "")
        mark = Mark(wrap(f"SPOF: {names}", NARROW + 8))
    elif waived:
        mark = Mark(f"{len(waived)} SPOF waived", waived=True)
    main = counts[0][1]
    return Box(box_id, box_id, wrap(title), details, main, None, None, mark, members=len(components))


#: How the overview names kinds whose id does not read as words.
KIND_WORDS = {
    "object_storage": "object store",
    "api_gateway": "API gateway",
    "load_balancer": "load balancer",
    "dns": "DNS service",
    "cdn": "CDN",
    "web": "web server",
}


def _kinds_said(kind: str, count: int) -> str:
    """Return `1 cache`, `3 object stores`, `2 searches`."""
    word = KIND_WORDS.get(kind, kind.replace("_", " "))
    return plural(count, word) if count == 1 or not word.endswith(("sh", "ch")) else f"{count} {word}es"


def _with_availability(design: Design, boxes: list[Box]) -> list[Box]:
    """Add each entry point's availability to its box (`layout: {availability: true}`)."""
    from archgen.analysis.availability import availability
    from archgen.graph import DesignGraph
    from archgen.units import format_availability

    figures = {
        figure.name: format_availability(figure.unavailability)
        for figure in availability(DesignGraph(design)).entry_points
    }
    return [
        dataclasses.replace(box, details=(*box.details, f"{figures[box.id]} up")) if box.id in figures else box
        for box in boxes
    ]


def _cluster_title(layout: Layout, component: Component) -> str | None:
    if layout.clusters == "group":
        return component.group
    if layout.clusters == "region" and component.region:
        return f"Region {component.region}"
    return None


def _links(design: Design, component_id: str, component: Component) -> list[Link]:
    """Return the arrows a component starts: its calls, and the replication of its copies and replicas."""
    # A replica box says its replication mode itself: a labelled arrow would add a rank of labels.
    links: list[Link] = []
    for index, _ in enumerate(_replica_boxes(component), start=1):
        links.append(Link(component_id, f"{component_id}#replica{index}", "replication", None))
    if isinstance(component, StoreBase) and component.read_replicas:
        links.append(Link(component_id, f"{component_id}#reads", "replication", None))
    if isinstance(component, StoreBase) and component.replica_of:
        links.append(Link(component.replica_of, component_id, "replication", component.replication))
    for call in component.calls:
        style = _style(call)
        for target in call.targets:
            drawn = _read_target(design, target) if call.mode == "read" else target
            links.append(Link(component_id, drawn, style, call.label, alternative=len(call.targets) > 1))
    return links


@dataclass(frozen=True)
class _Look:
    """One component and the boxes it is drawn with: itself, or a primary and its replicas."""

    component_id: str
    title: str
    component: Component
    cluster: int | None
    mark: Mark | None

    def box(self, box_id: str, details: tuple[str, ...]) -> Box:
        component = self.component
        return Box(
            box_id, self.component_id, self.title, details, component.kind, component.engine, self.cluster, self.mark
        )

    def boxes(self) -> list[Box]:
        component, component_id = self.component, self.component_id
        replica_boxes = _replica_boxes(component)
        if replica_boxes:
            engine, *details = _store_details(component, self.title)
            primary = (" · ".join(part for part in (engine, "primary") if part), *details)
            boxes = [self.box(component_id, primary)]
            boxes += [
                self.box(f"{component_id}#replica{index}", _replica_details(component, label))
                for index, label in enumerate(replica_boxes, start=1)
            ]
        else:
            boxes = [self.box(component_id, _details(component, self.title))]
        if isinstance(component, StoreBase) and component.read_replicas:
            count = component.read_replicas
            label = f"{count} read replica{'s' if count > 1 else ''}"
            boxes.append(self.box(f"{component_id}#reads", _replica_details(component, label)))
        return boxes


def _replica_details(component: Component, label: str) -> tuple[str, ...]:
    """Return a replica box's lines: what it is, and how it is replicated when the spec says."""
    mode = component.replication if isinstance(component, StoreBase) else None
    return (label, f"{mode} replication") if mode else (label,)


def _style(call: Call) -> str:
    """Return how a call is drawn: async, optional, needed to start only, or sync."""
    if call.is_async:
        return "async"
    if call.optional:
        return "optional"
    return "startup" if call.when == "startup" else "sync"


def _read_target(design: Design, target: str) -> str:
    """Return where a read call points: a store's read replicas when it has them."""
    store = design.components[target]
    return f"{target}#reads" if isinstance(store, StoreBase) and store.read_replicas else target


def _peers(component: Component) -> bool:
    return engine_key(component.engine) in PEER_ENGINES


def _replica_boxes(component: Component) -> list[str]:
    """Return the labels of the replica boxes a store is drawn with (none for most components)."""
    drawn_as_primary = component.kind == "database" or (
        isinstance(component, StoreBase) and component.kind in ("cache", "search") and component.replication
    )
    sharded = isinstance(component, StoreBase) and component.partitioning and component.partitioning.shards
    replicas = component.replicas - 1
    if not drawn_as_primary or sharded or _peers(component) or replicas < 1:
        return []  # a sharded store's replicas are copies of each shard, peers are all alike: both in the label
    if replicas > MAX_REPLICA_BOXES:
        return [f"{replicas} replicas"]
    return [f"replica {index}" for index in range(1, replicas + 1)]


def _details(component: Component, title: str) -> tuple[str, ...]:
    """Return the short lines under a component's name: engine, instances, partitioning, schedule."""
    sharded = isinstance(component, StoreBase) and component.partitioning and component.partitioning.shards
    engine = _engine(component, title)
    parts = [part for part in (engine, "" if sharded else _instances(component)) if part]
    # On one line when it is about as narrow as the icon; else a line each, so the box is not
    # much wider than its icon and arrows end near it.
    first = " · ".join(parts) if len(" · ".join(parts)) <= NARROW else "\n".join(parts)
    schedule = getattr(component, "schedule", None)
    when = f"runs {schedule}" if schedule in ("hourly", "daily", "weekly") else f"cron {schedule}" if schedule else ""
    third_party = "third party" if component.kind == "external" else ""
    return tuple(line for line in (first, *_store_details(component, title)[1:], when, third_party) if line)


def _engine(component: Component, title: str) -> str:
    """Return the engine to print under a title, or nothing when the title already says it (`route53`)."""
    engine = component.engine or ""
    return "" if engine_key(engine) == engine_key(title) else engine


def _store_details(component: Component, title: str) -> tuple[str, ...]:
    """Return the engine line, then the partitioning lines of a store."""
    lines = [_engine(component, title)]
    partitioning = component.partitioning if isinstance(component, StoreBase) else None
    if partitioning:
        on = f" on {partitioning.key}" if partitioning.key else ""
        # Lines about as narrow as the icon, so the box is not much wider and arrows end near it.
        lines.append(wrap(f"{partitioning.strategy}{on}", NARROW))
        if partitioning.shards:
            copies = f"× {component.replicas} {'peers' if _peers(component) else 'copies'}"
            shards = f"{partitioning.shards} shards"
            if component.replicas > 1:
                shards += f" {copies}" if len(f"{shards} {copies}") <= NARROW else f"\n{copies}"
            lines.append(shards)
    return tuple(lines)


def _instances(component: Component) -> str:
    """Return `×4 in 2 zones`, `×3 peers`, `2–40, autoscaled`, or nothing for single components.

    The zones or regions counted are those the instances run in: three instances over four
    zones are in three, and instances go to the regions first (DESIGN.md round 2).
    """
    autoscale = component.autoscale if isinstance(component, Scalable) else None
    running = autoscale.min if autoscale is not None else component.replicas
    named = len(component.zones) or len(component.regions) or (1 if component.region else 0)
    count = named if component.managed else min(named, running)
    where = "regions" if component.regions else "zones"
    zones = f" in {count} {where}" if count > 1 else ""
    if autoscale is not None:
        return f"{autoscale.min}–{autoscale.max}, autoscaled{zones}"
    if component.replicas == 1:
        return ""
    peers = " peers" if _peers(component) else ""
    return f"×{component.replicas}{peers}{zones}"


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
