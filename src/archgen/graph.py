"""The derived, read-only view of a design: lookups, edges, entry points, cycles."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from typing import NamedTuple

from archgen.model import Call, Design, Scalable, StoreBase

NEVER_FAIL_KINDS = frozenset({"client", "external"})
#: Kinds that watch the system rather than serve it (DESIGN.md §7).
OBSERVER_KINDS = frozenset({"monitoring"})


class Edge(NamedTuple):
    """One caller-to-callee edge of a call (an any_of call gives one edge per alternative)."""

    source: str
    target: str
    call: Call


class DesignGraph:
    """Indexes a design's components and calls for the analyses and rules."""

    def __init__(self, design: Design) -> None:
        self.design = design
        self.components = design.components
        self.ids: tuple[str, ...] = tuple(design.components)
        # Every edge once: the walks below and the rules go over them many times.
        self._edges = [
            Edge(source, target, call)
            for source, component in design.components.items()
            for call in component.calls
            for target in call.targets
        ]
        self.callers: dict[str, list[Edge]] = {component_id: [] for component_id in self.ids}
        for edge in self._edges:
            self.callers[edge.target].append(edge)
        self._required = {
            component_id: [call for call in component.calls if self.needed_per_request(call)]
            for component_id, component in design.components.items()
        }

    @staticmethod
    def needed_per_request(call: Call) -> bool:
        """Tell whether a caller needs the call to serve each request: not optional, async or start-up only."""
        return not call.optional and not call.is_async and call.when == "always"

    def kind(self, component_id: str) -> str:
        """Return the kind of a component."""
        return self.components[component_id].kind

    def of_kind(self, *kinds: str) -> list[str]:
        """Return the ids of the components of the given kinds, in spec order."""
        return [component_id for component_id, component in self.components.items() if component.kind in kinds]

    def edges(self) -> Iterator[Edge]:
        """Yield every edge in spec order."""
        return iter(self._edges)

    @cached_property
    def required_successors(self) -> dict[str, list[str]]:
        """Return, for each component, the components its required calls reach, sorted."""
        return {
            component_id: sorted({target for call in calls for target in call.targets})
            for component_id, calls in self._required.items()
        }

    @cached_property
    def _served(self) -> list[Edge]:
        """Return the edges that serve requests: all but those an observer (monitoring) makes."""
        return [edge for edge in self._edges if edge.source not in self.observers]

    def _starts(self, component_id: str, *, alternatives: bool) -> bool:
        """Tell whether a component starts requests or pipelines (DESIGN.md §3, §7).

        Components nobody calls, the targets of async calls and scheduled jobs start them;
        observers and copies (`replica_of`) never do. With `alternatives` false, a target of
        an async call to several alternatives does not count on its own.
        """
        component = self.components[component_id]
        if component_id in self.observers or getattr(component, "replica_of", None) is not None:
            return False
        if self.is_orphan(component_id):
            return False  # deployed, but nothing reaches it: STR001 says so, and it serves no one
        callers = [edge for edge in self.callers[component_id] if edge.source not in self.observers]
        started = any(edge.call.is_async and (alternatives or len(edge.call.targets) == 1) for edge in callers)
        return not callers or started or bool(getattr(component, "schedule", None))

    def is_orphan(self, component_id: str) -> bool:
        """Tell whether nothing calls the component and it calls nothing (clients, monitoring and jobs aside)."""
        component = self.components[component_id]
        if component.kind in ("client", *OBSERVER_KINDS) or getattr(component, "schedule", None):
            return False
        return not component.calls and not self.callers[component_id]

    @cached_property
    def entry_points(self) -> tuple[str, ...]:
        """Return where requests and pipelines start, in spec order."""
        return tuple(component_id for component_id in self.ids if self._starts(component_id, alternatives=True))

    @cached_property
    def observers(self) -> frozenset[str]:
        """Return the monitoring components: they observe, and neither fail nor start requests."""
        return frozenset(self.of_kind(*OBSERVER_KINDS))

    @cached_property
    def pipelines(self) -> tuple[tuple[str, ...], ...]:
        """Return what must keep working: each entry point alone, and each async `any_of` as one pipeline.

        An asynchronous call to alternatives starts one pipeline that any of them can run, so
        it fails only when all of them fail. A group with a member that is an entry point on
        its own adds nothing and is left out; copies (`replica_of`) are never members.
        """
        singles = [c for c in self.entry_points if self._starts(c, alternatives=False)]
        groups: dict[tuple[str, ...], None] = {}
        for edge in self._served:
            members = tuple(t for t in edge.call.targets if getattr(self.components[t], "replica_of", None) is None)
            if edge.call.is_async and len(members) > 1 and not set(singles) & set(members):
                groups[members] = None
        return (*((entry,) for entry in singles), *groups)

    def producers(self, pipeline: tuple[str, ...]) -> tuple[str, ...] | None:
        """Return the components that feed a pipeline (its async callers), or None when it starts on its own.

        A pipeline starts on its own when a member is where requests arrive (nobody calls it)
        or runs on a schedule; otherwise only its producers set it going (DESIGN.md round 2).
        """
        feeding: dict[str, None] = {}
        for member in pipeline:
            component = self.components[member]
            served = [edge for edge in self.callers[member] if edge.source not in self.observers]
            if not served or getattr(component, "schedule", None):
                return None
            feeding.update((edge.source, None) for edge in served if edge.call.is_async)
        return tuple(feeding)

    def is_managed_single(self, component_id: str) -> bool:
        """Return whether the component is one provider-run instance (`managed: true, replicas: 1`)."""
        component = self.components[component_id]
        return component.managed and "replicas" in component.model_fields_set and component.replicas == 1

    def instances(self, component_id: str) -> int:
        """Return how many instances the component always runs: `replicas`, or the autoscale `min`."""
        component = self.components[component_id]
        if isinstance(component, Scalable) and component.autoscale is not None:
            return component.autoscale.min
        return component.replicas

    def promotable_readers(self, component_id: str) -> int:
        """Return how many read replicas can take over writes: those of a store that fails over automatically.

        Aurora, Cloud SQL HA and Azure SQL promote a reader when the writer fails: a managed
        store with `read_replicas` (its failover is automatic unless it says otherwise), a
        self-run one that writes `failover: automatic`, or one whose readers say
        `promotion: automatic`.
        """
        component = self.components[component_id]
        if not isinstance(component, StoreBase) or not component.read_replicas or component.replica_of is not None:
            return 0
        written = "failover" in component.model_fields_set
        automatic = component.failover == "automatic" and (component.managed or written)
        return component.read_replicas if automatic or component.promotion == "automatic" else 0

    def is_redundant(self, component_id: str) -> bool:
        """Return whether losing one instance of the component loses nothing (DESIGN.md §3, §7)."""
        component = self.components[component_id]
        if component.managed:
            return not self.is_managed_single(component_id) or self.promotable_readers(component_id) > 0
        if self.instances(component_id) + self.promotable_readers(component_id) < 2:
            return False
        stuck = isinstance(component, StoreBase) and component.failover == "none" and component.promotion != "automatic"
        return not stuck

    def can_fail(self, component_id: str) -> bool:
        """Return whether the component's loss is a failure event of ours."""
        kind = self.kind(component_id)
        return kind not in NEVER_FAIL_KINDS and kind not in OBSERVER_KINDS

    @cached_property
    def declared_zones(self) -> tuple[str, ...]:
        """Return the design's zones: those it lists, then those its regions declare."""
        listed = dict.fromkeys(self.design.zones)
        for zones in self.design.regions.values():
            listed.update(dict.fromkeys(zones))
        return tuple(listed)

    def placement(self, component_id: str) -> tuple[str, ...]:
        """Return the zones a component names: its `zones`, or every zone of its `regions`/`region`."""
        component = self.components[component_id]
        if component.zones:
            return component.zones
        regions = component.regions or ((component.region,) if component.region else ())
        return tuple(zone for region in regions for zone in self.design.regions.get(region, ()))

    def spread(self, component_id: str, count: int) -> tuple[str, ...]:
        """Return the zones `count` instances sit in, in order: over the regions first, then each region's zones.

        Placed by `zones` (or one region), instances go round-robin from the first zone; placed
        by `regions`, instance i runs in region i mod R, in that region's zones in turn, so two
        instances in two regions are one in each.
        """
        component = self.components[component_id]
        if len(component.regions) < 2:
            zones = self.placement(component_id)
            return tuple(zones[index % len(zones)] for index in range(count)) if zones else ()
        regions = [zones for zones in (self.design.regions.get(name, ()) for name in component.regions) if zones]
        if not regions:
            return ()
        placed = []
        for index in range(count):
            zones = regions[index % len(regions)]  # region by region first,
            placed.append(zones[(index // len(regions)) % len(zones)])  # then that region's zones in turn
        return tuple(placed)

    def used_zones(self, component_id: str) -> frozenset[str]:
        """Return the zones the component's instances sit in (none when it is not placed)."""
        zones = self.placement(component_id)
        if not zones:
            return frozenset()
        readers = self.read_replica_zones(component_id) if self.promotable_readers(component_id) else frozenset()
        if self.is_managed_single(component_id):
            return frozenset(self.spread(component_id, 1)) | readers  # one writer, in the first zone
        if self.components[component_id].managed:
            return frozenset(zones)  # the provider spans every zone it is given
        return frozenset(self.spread(component_id, self.instances(component_id))) | readers

    def used_regions(self, component_id: str) -> tuple[str, ...]:
        """Return the regions the component's instances run in, in the order it names them."""
        used = self.used_zones(component_id)
        named = self.components[component_id].regions or self.design.regions
        return tuple(region for region in named if used & set(self.design.regions.get(region, ())))

    def read_replica_zones(self, component_id: str) -> frozenset[str]:
        """Return the zones a store's read replicas sit in: spread as instances are, from the first."""
        return frozenset(self.spread(component_id, self.read_replicas(component_id)))

    def read_replicas(self, component_id: str) -> int:
        """Return how many read replicas a store has (0 for other kinds)."""
        component = self.components[component_id]
        return component.read_replicas if isinstance(component, StoreBase) else 0

    def lost_with(self, component_id: str, zones: frozenset[str]) -> bool:
        """Return whether every instance of the component sits in `zones` (a zone, or a region's zones)."""
        used = self.used_zones(component_id)
        return bool(used) and used <= zones and self.can_fail(component_id)

    @cached_property
    def required_cycles(self) -> list[list[str]]:
        """Return the cycles of required synchronous calls: one per strongly connected component."""
        successors = self.required_successors
        cycles = []
        for group in strongly_connected(self.ids, successors):
            if len(group) > 1 or group[0] in successors[group[0]]:
                cycles.append(_cycle_through(group, successors))
        return cycles


def reach(
    graph: DesignGraph, starts: Iterable[str], *, through: Callable[[str], bool], optional: bool = False
) -> dict[str, str | None]:
    """Return the components reachable from `starts` over synchronous calls, with the caller each was reached from.

    Only components for which `through` is true are expanded; `optional` also follows optional calls.
    """
    parents: dict[str, str | None] = {}
    queue: deque[str] = deque()
    for start in starts:
        if start not in parents:
            parents[start] = None
            queue.append(start)
    while queue:
        node = queue.popleft()
        if not through(node):
            continue
        for call in graph.components[node].calls:
            if call.is_async or call.when == "startup" or (call.optional and not optional):
                continue
            for target in call.targets:
                if target not in parents:
                    parents[target] = node
                    queue.append(target)
    return parents


def find_path(
    start: str, successors: Callable[[str], Iterable[str]], goal: Callable[[str], bool]
) -> tuple[str, ...] | None:
    """Return the first path from `start` to a node that meets `goal`, depth first in successor order."""
    parents: dict[str, str | None] = {start: None}
    stack = [start]
    while stack:
        node = stack.pop()
        if goal(node):
            return tuple(path_to(parents, node))
        for child in reversed(list(successors(node))):
            if child not in parents:
                parents[child] = node
                stack.append(child)
    return None


def path_to(parents: dict[str, str | None], node: str) -> list[str]:
    """Return the path from a start to `node` in a `reach` result."""
    path = [node]
    while (parent := parents[path[-1]]) is not None:
        path.append(parent)
    return path[::-1]


def strongly_connected(nodes: tuple[str, ...], successors: dict[str, list[str]]) -> list[list[str]]:
    """Return the strongly connected components, callees before callers (Tarjan's algorithm)."""
    return _Tarjan(successors).run(nodes)


class _Tarjan:
    """Tarjan's algorithm without recursion, so 10,000-deep call chains do not hit Python's recursion limit.

    `index` numbers nodes in visiting order; `low` is the smallest index reachable from a node
    through its subtree and one back edge. A node whose `low` is its own index roots a group:
    it and everything above it on the stack. Groups come out callees first.
    """

    def __init__(self, successors: dict[str, list[str]]) -> None:
        self.successors = successors
        self.index: dict[str, int] = {}
        self.low: dict[str, int] = {}
        self.stack: list[str] = []
        self.on_stack: set[str] = set()
        self.groups: list[list[str]] = []

    def run(self, nodes: tuple[str, ...]) -> list[list[str]]:
        for root in nodes:
            if root not in self.index:
                self._visit(root)
        return self.groups

    def _visit(self, root: str) -> None:
        # Each frame is a node and how many of its successors have been looked at.
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                self._enter(node)
            children = self.successors[node]
            while position < len(children):
                child = children[position]
                position += 1
                if child not in self.index:
                    work += [(node, position), (child, 0)]  # resume here after the child
                    break
                if child in self.on_stack:
                    self.low[node] = min(self.low[node], self.index[child])
            else:
                self._leave(node)
                if work:
                    parent = work[-1][0]
                    self.low[parent] = min(self.low[parent], self.low[node])

    def _enter(self, node: str) -> None:
        self.index[node] = self.low[node] = len(self.index)
        self.stack.append(node)
        self.on_stack.add(node)

    def _leave(self, node: str) -> None:
        if self.low[node] != self.index[node]:
            return
        group = []
        while True:
            member = self.stack.pop()
            self.on_stack.discard(member)
            group.append(member)
            if member == node:
                break
        self.groups.append(group)


def _cycle_through(group: list[str], successors: dict[str, list[str]]) -> list[str]:
    """Return a shortest cycle inside a strongly connected group, through its first member by name."""
    members = set(group)
    start = min(group)
    parents: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in successors[node]:
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return path[::-1]
            if child in members and child not in parents:
                parents[child] = node
                queue.append(child)
    return [start]
