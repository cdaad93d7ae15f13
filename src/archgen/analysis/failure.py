"""Single points of failure, exactly as DESIGN.md §3 defines them.

Every failure event (the loss of one non-redundant component, or of one zone) gets a
bit. For each component, `down[c]` is the set of events under which it fails:

    down[c] = own events of c  ∪  ⋃ over required calls of c ( ⋂ over the call's alternatives down[t] )

Optional and async calls contribute nothing. The least solution is computed strongly
connected component by component, callees first, iterating only inside cycles; Python
ints as bit sets keep the whole analysis near-linear in practice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from archgen.graph import DesignGraph, find_path, strongly_connected


@dataclass(frozen=True)
class Event:
    """A failure event: a component's loss (`zone` None) or a zone's."""

    component: str | None = None
    zone: str | None = None

    @property
    def name(self) -> str:
        """Return the component id or the zone name."""
        return self.component or self.zone or ""


@dataclass(frozen=True)
class Outage:
    """One failure event that fails entry points, with one path from an entry point to what it loses."""

    event: Event
    breaks: tuple[str, ...]
    path: tuple[str, ...]
    lost: tuple[str, ...]


class FailureAnalysis:
    """The failure events of a design and the entry points each one fails."""

    def __init__(self, graph: DesignGraph) -> None:
        self.graph = graph
        self.events: list[Event] = [
            Event(component=component_id)
            for component_id in graph.ids
            if graph.can_fail(component_id) and not graph.is_redundant(component_id)
        ]
        spofs = {event.component for event in self.events}
        self.zone_losses: dict[str, tuple[str, ...]] = {}
        for zone in graph.design.zones:
            # Components already lost on their own are their own root cause, not the zone's.
            lost = tuple(c for c in graph.ids if c not in spofs and graph.lost_with_zone(c, zone))
            if lost:
                self.zone_losses[zone] = lost
                self.events.append(Event(zone=zone))
        self.own: dict[str, int] = dict.fromkeys(graph.ids, 0)
        for bit, event in enumerate(self.events):
            for component_id in self._lost_directly(event):
                self.own[component_id] |= 1 << bit
        self.down = self._solve()

    def _lost_directly(self, event: Event) -> tuple[str, ...]:
        if event.component is not None:
            return (event.component,)
        return self.zone_losses[event.zone or ""]

    def _solve(self) -> dict[str, int]:
        graph = self.graph
        down = dict(self.own)
        # Groups come callees first, so every callee outside the group is already final when
        # the group is solved. A group of one (no cycle) needs a single pass; inside a cycle the
        # sets only grow, bounded by the number of events, so iterating until nothing changes
        # terminates, and starting from each component's own events gives the least solution:
        # a cycle never fails itself.
        for group in strongly_connected(graph.ids, graph.required_successors):
            changed = True
            while changed:
                changed = False
                for component_id in group:
                    value = down[component_id]
                    for call in graph.required_calls(component_id):
                        # An event fails the call only when it fails every alternative.
                        targets = call.targets
                        failed = down[targets[0]]
                        for target in targets[1:]:
                            failed &= down[target]
                        value |= failed
                    if value != down[component_id]:
                        down[component_id] = value
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
            while bits:
                low = bits & -bits
                broken.setdefault(low.bit_length() - 1, []).append(pipeline)
                bits ^= low
        outages = []
        for bit in sorted(broken):
            event = self.events[bit]
            names = tuple(" or ".join(pipeline) for pipeline in broken[bit])
            path = self._path(broken[bit][0][0], bit)
            outages.append(Outage(event, names, path, self._lost_directly(event)))
        return outages

    def _path(self, entry: str, bit: int) -> tuple[str, ...]:
        """Return a path of failed components from `entry` to one lost directly under event `bit`."""
        mask = 1 << bit

        def failed_callees(node: str) -> Iterator[str]:
            for call in self.graph.required_calls(node):
                if all(self.down[target] & mask for target in call.targets):
                    yield from call.targets

        return find_path(entry, failed_callees, lambda node: bool(self.own[node] & mask)) or (entry,)
