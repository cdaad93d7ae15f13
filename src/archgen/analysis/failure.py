"""Single points of failure, exactly as DESIGN.md §3 and §7 define them.

Every failure event (the loss of one non-redundant component, of one zone, or of one region
when the design has several) gets a bit. The analysis works on nodes: each component, plus
one node `<id>#reads` for the read replicas of a store that has them. For each node,
`down[n]` is the set of events under which it fails:

    down[n] = own events of n  ∪  ⋃ over n's requirements ( ⋂ over the requirement's alternatives down[t] )

A requirement is a required call (not optional, async or `when: startup`, not to an observer); its
alternatives are the `any_of` members, and a `mode: read` call to a store with read
replicas may also be served by `<store>#reads`. Read replicas share their store's
requirements (the store fails as a whole). The least solution is computed strongly
connected component by component, callees first, iterating only inside cycles; Python
ints as bit sets keep the whole analysis near-linear in practice.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import NamedTuple

from archgen.graph import DesignGraph, find_path, strongly_connected

READS = "#reads"  # `#` never appears in a component id


class Event(NamedTuple):
    """A failure event: a component's loss, a shared host's, a zone's or a region's."""

    component: str | None = None
    zone: str | None = None
    region: str | None = None
    host: str | None = None

    @property
    def name(self) -> str:
        """Return the component id, or the host, zone or region name."""
        return self.component or self.host or self.zone or self.region or ""

    @property
    def kind(self) -> str:
        """Return what is lost: a component, a host, a zone or a region."""
        return next(kind for kind in ("component", "host", "zone", "region") if getattr(self, kind) is not None)


class Outage(NamedTuple):
    """A failure event, what it loses, the entry points and flows it fails (maybe none), and one path.

    `culprits` are the components it loses that the broken entry points needed: what a picture
    outlines, rather than every component the event holds.
    """

    event: Event
    breaks: tuple[str, ...]
    path: tuple[str, ...]
    lost: tuple[str, ...]
    flows: tuple[str, ...] = ()
    culprits: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """Return the event as a row of the JSON failure table."""
        return {
            "event": self.event.name,
            "kind": self.event.kind,
            "lost": list(self.lost),
            "breaks": list(self.breaks),
            "flows": list(self.flows),
        }


class FailureAnalysis:
    """The failure events of a design and the entry points and flows each one fails."""

    def __init__(self, graph: DesignGraph) -> None:
        self.graph = graph
        self.requirements = requirements(graph)
        self.nodes = tuple(self.requirements)
        spofs = [c for c in graph.ids if graph.can_fail(c) and not graph.is_redundant(c)]
        own_cause = set(spofs)
        # A host shared by two or more of them is one event that loses them together.
        hosts: dict[str, list[str]] = {}
        for component_id in spofs:
            host = graph.components[component_id].host
            if host is not None:
                hosts.setdefault(host, []).append(component_id)
        shared = {member for members in hosts.values() if len(members) > 1 for member in members}
        self.events: list[Event] = [Event(component=c) for c in spofs if c not in shared]
        # Components already lost on their own are their own root cause, not the zone's or region's.
        self.area_losses: dict[Event, tuple[str, ...]] = {}
        for host, members in hosts.items():
            if len(members) > 1:
                self.area_losses[Event(host=host)] = tuple(members)
                self.events.append(Event(host=host))
        self.area_zones = {Event(zone=zone): frozenset({zone}) for zone in graph.declared_zones}
        if len(graph.design.regions) >= 2:
            self.area_zones |= {Event(region=name): frozenset(zones) for name, zones in graph.design.regions.items()}
        for event, zones in self.area_zones.items():
            lost = tuple(c for c in graph.ids if c not in own_cause and graph.lost_with(c, zones))
            if lost:
                self.area_losses[event] = lost
                self.events.append(event)
        self.own: dict[str, int] = dict.fromkeys(self.nodes, 0)
        for bit, event in enumerate(self.events):
            for node in self._lost_nodes(event):
                self.own[node] |= 1 << bit
        self.down = self._solve(self.own)

    def _lost_directly(self, event: Event) -> tuple[str, ...]:
        if event.component is not None:
            return (event.component,)
        return self.area_losses[event]

    def _lost_nodes(self, event: Event) -> Iterator[str]:
        """Yield the nodes an event takes down by itself: components, and read replica groups in its area."""
        yield from self._lost_directly(event)
        if event in self.area_zones:
            zones = self.area_zones[event]
            for store in self.graph.ids:
                replicas = self.graph.read_replica_zones(store)
                if store + READS in self.own and replicas and replicas <= zones:
                    yield store + READS

    def _solve(self, own: dict[str, int]) -> dict[str, int]:
        down = dict(own)
        successors = {
            node: sorted({t for alternatives in needs for t in alternatives})
            for node, needs in self.requirements.items()
        }
        # Groups come callees first, so every callee outside the group is already final when
        # the group is solved. A group of one (no cycle) needs a single pass; inside a cycle the
        # sets only grow, bounded by the number of events, so iterating until nothing changes
        # terminates, and starting from each node's own events gives the least solution: a
        # cycle never fails itself.
        for group in strongly_connected(self.nodes, successors):
            changed = True
            while changed:
                changed = False
                for node in group:
                    value = down[node]
                    for alternatives in self.requirements[node]:
                        # An event fails the requirement only when it fails every alternative.
                        failed = down[alternatives[0]]
                        for target in alternatives[1:]:
                            failed &= down[target]
                        value |= failed
                    if value != down[node]:
                        down[node] = value
                        changed = len(group) > 1
        return down

    @cached_property
    def outages(self) -> list[Outage]:
        """Return every failure event that fails at least one entry point, in event order."""
        broken: dict[int, list[tuple[str, ...]]] = {}
        for pipeline in self.graph.pipelines:
            bits = self.down[pipeline[0]]
            for member in pipeline[1:]:
                bits &= self.down[member]  # alternatives: lost only when every one is
            bits &= self._fed(pipeline)
            while bits:
                low = bits & -bits
                broken.setdefault(low.bit_length() - 1, []).append(pipeline)
                bits ^= low
        outages = []
        for bit in sorted(broken):
            event = self.events[bit]
            names = tuple(" or ".join(pipeline) for pipeline in broken[bit])
            path = self._path(broken[bit][0][0], bit)
            lost = self._lost_directly(event)
            # A component that breaks something is its own culprit; a host, zone or region is searched.
            culprits = lost if event.component is not None else self._culprits(broken[bit], bit, lost)
            outages.append(Outage(event, names, path, lost, self.flows_broken(bit), culprits))
        return outages

    def _culprits(self, pipelines: list[tuple[str, ...]], bit: int, lost: tuple[str, ...]) -> tuple[str, ...]:
        """Return the lost components on the failed calls from the broken pipelines, in the order they are lost."""
        mask = 1 << bit
        seen: set[str] = set()
        stack = [member for pipeline in pipelines for member in pipeline]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            for alternatives in self.requirements[node]:
                if all(self.down[target] & mask for target in alternatives):
                    stack += [target.removesuffix(READS) for target in alternatives]
        return tuple(component for component in lost if component in seen)

    def _fed(self, pipeline: tuple[str, ...]) -> int:
        """Return the events under which something still feeds a pipeline: all, when it starts on its own.

        A pipeline whose every producer is down has nothing to do: it is not broken, however
        much of it is lost too (what was in flight is a question of durability, not availability).
        """
        everything = (1 << len(self.events)) - 1
        producers = self.graph.producers(pipeline)
        if producers is None:
            return everything
        alive = 0
        for producer in producers:
            alive |= everything if not self.graph.can_fail(producer) else everything & ~self.down[producer]
        return alive

    @cached_property
    def third_party_outages(self) -> list[Outage]:
        """Return, for each external the design depends on, the entry points its loss would fail.

        Externals are never failure events of ours (they are someone else's); this answers
        a different question with the same requirements: which entry points have no way
        around a third party.
        """
        externals = [c for c in self.graph.ids if self.graph.kind(c) == "external"]
        own = dict.fromkeys(self.nodes, 0)
        for bit, external in enumerate(externals):
            own[external] |= 1 << bit
        down = self._solve(own)
        outages = []
        for bit, external in enumerate(externals):
            mask = 1 << bit
            breaks = [
                pipeline
                for pipeline in self.graph.pipelines
                if pipeline != (external,) and all(down[member] & mask for member in pipeline)
            ]
            if breaks:
                path = self._path_in(down, breaks[0][0], mask, {external})
                names = tuple(" or ".join(pipeline) for pipeline in breaks)
                outages.append(Outage(Event(component=external), names, path, (external,)))
        return outages

    @cached_property
    def impacts(self) -> list[Outage]:
        """Return every failure event with what it breaks, also when that is nothing ("what fails when")."""
        outages = {outage.event: outage for outage in self.outages}
        return [
            outages.get(event) or Outage(event, (), (), self._lost_directly(event), self.flows_broken(bit))
            for bit, event in enumerate(self.events)
        ]

    def flows_broken(self, bit: int) -> tuple[str, ...]:
        """Return the flows an event breaks: one whose path loses a component, or whose last component fails."""
        mask = 1 << bit
        broken = []
        for name, flow in self.graph.design.flows.items():
            hops = [(flow.path[0], None), *zip(flow.path[1:], flow.path, strict=False)]
            lost = any(self._hop_fails(self.own, hop, caller, mask) for hop, caller in hops)
            if lost or self._hop_fails(self.down, flow.path[-1], flow.path[-2], mask):
                broken.append(name)
        return tuple(broken)

    def _hop_fails(self, state: dict[str, int], hop: str, caller: str | None, mask: int) -> bool:
        """Tell whether a hop fails in `state` (own losses, or down); a store read via read replicas needs both."""
        if not state[hop] & mask:
            return False
        reads = hop + READS
        if caller is None or reads not in state:
            return True
        read = any(hop in call.targets and call.mode == "read" for call in self.graph.components[caller].calls)
        return not read or bool(state[reads] & mask)

    def _path(self, entry: str, bit: int) -> tuple[str, ...]:
        """Return a path of failed components from `entry` to one lost directly under event `bit`."""
        return self._path_in(self.down, entry, 1 << bit, set(self._lost_directly(self.events[bit])))

    def _path_in(self, down: dict[str, int], entry: str, mask: int, lost: set[str]) -> tuple[str, ...]:
        """Return a path of nodes failed under `mask` from `entry` to one of `lost`."""

        def failed_callees(node: str) -> Iterator[str]:
            for alternatives in self.requirements[node]:
                if all(down[target] & mask for target in alternatives):
                    yield from (target for target in alternatives if not target.endswith(READS))

        return find_path(entry, failed_callees, lambda node: node in lost) or (entry,)


def requirements(graph: DesignGraph) -> dict[str, list[tuple[str, ...]]]:
    """Return, per node, what it needs: each required call as a tuple of alternatives."""
    requirements: dict[str, list[tuple[str, ...]]] = {}
    for component_id, component in graph.components.items():
        needs = []
        for call in component.calls:
            if not graph.needed_per_request(call) or any(target in graph.observers for target in call.targets):
                continue  # an observer never fails its caller; a start-up dependency fails no running one
            alternatives: list[str] = []
            for target in call.targets:
                alternatives.append(target)
                if call.mode == "read" and graph.read_replicas(target):
                    alternatives.append(target + READS)
            needs.append(tuple(alternatives))
        requirements[component_id] = needs
    for store in graph.ids:
        if graph.read_replicas(store):
            requirements[store + READS] = requirements[store]  # the store fails as a whole
    return requirements
