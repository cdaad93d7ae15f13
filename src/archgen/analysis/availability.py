"""Availability in nines, exactly, from the failure model (DESIGN.md §8).

The units are what fails independently: every instance of a self-run component (and of a
managed one written with `replicas` or `autoscale`), every read replica, every managed
component otherwise (one unit for the whole service), every external, every shared host,
every zone, and every region when two or more are declared. Each is up with the probability
its figure gives (`analysis.figures`). A component's own state is a sum of products of
units — instance i is up when it, its zone and its zone's region are — and the failure
model of §3/§7 does the rest: a node is up when its own state is and each of its required
calls has an alternative that is up (the greatest solution over cycles, as the failure
analysis takes the least one for losses).

`Structure` states all that once; two engines read it. `compile_` builds one binary decision
diagram per entry point and flow and sums it exactly; `enumerate_` tries every state of the
units (small designs only) and is what the diagram is checked against. Neither samples.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal, NamedTuple

from archgen.analysis import figures
from archgen.analysis.bdd import BDD, TooLarge
from archgen.analysis.failure import READS, requirements
from archgen.graph import OBSERVER_KINDS, DesignGraph, strongly_connected
from archgen.model import Scalable

MINUTES_PER_YEAR = 365.25 * 24 * 60
#: How many units `enumerate_` accepts (2^20 states).
ENUMERATION_LIMIT = 20

#: A sum of products of units: up when every unit of one product is (None: always up).
Terms = tuple[tuple[int, ...], ...] | None


class Unit(NamedTuple):
    """One thing that fails on its own: its name, what it belongs to, its probability of being up."""

    name: str
    band: str
    up: float


class Target(NamedTuple):
    """An entry point or a flow: what must keep working, as the model states it."""

    name: str
    kind: Literal["entry_point", "flow"]
    #: Entry points: the pipeline members (any one up is enough) and its producers (None: starts on its own).
    members: tuple[str, ...] = ()
    producers: tuple[str, ...] | None = None
    #: Flows: the hops that must not be lost, each with the caller it is reached from, and the last hop.
    hops: tuple[tuple[str, str | None], ...] = ()
    #: Whether users wait on it: an entry point nobody calls and no schedule starts, or a flow.
    user_facing: bool = True


class Contributor(NamedTuple):
    """A band of units and how much downtime its perfect reliability would remove."""

    what: str
    minutes_per_year: float
    share: float

    def as_dict(self) -> dict[str, object]:
        """Return the contributor as the JSON report writes it."""
        return {"what": self.what, "downtime_minutes_per_year": self.minutes_per_year, "share": self.share}


@dataclass(frozen=True)
class Figure:
    """The availability of one entry point or flow."""

    name: str
    kind: Literal["entry_point", "flow"]
    unavailability: float
    contributors: tuple[Contributor, ...] = ()
    user_facing: bool = True

    @property
    def percent(self) -> float:
        """Return the availability in percent."""
        return 100.0 * (1.0 - self.unavailability)

    @property
    def minutes_per_year(self) -> float:
        """Return the expected downtime a year, in minutes."""
        return self.unavailability * MINUTES_PER_YEAR

    def as_dict(self) -> dict[str, object]:
        """Return the figure as the JSON report writes it."""
        return {
            "percent": self.percent,
            "downtime_minutes_per_year": self.minutes_per_year,
            "downtime_minutes_per_month": self.minutes_per_year / 12,
            "contributors": [contributor.as_dict() for contributor in self.contributors],
        }


@dataclass(frozen=True)
class Availability:
    """Every entry point's and flow's figure, and notes on where figures came from."""

    entry_points: tuple[Figure, ...] = ()
    flows: tuple[Figure, ...] = ()
    notes: tuple[str, ...] = ()
    #: Why there is no figure (the structure is too large to compute exactly), or None.
    skipped: str | None = None

    @property
    def figures(self) -> tuple[Figure, ...]:
        """Return the entry points' figures, then the flows'."""
        return self.entry_points + self.flows

    def as_dict(self) -> dict[str, object]:
        """Return the JSON `availability` object of a design."""
        result: dict[str, object] = {
            "entry_points": {figure.name: figure.as_dict() for figure in self.entry_points},
            "flows": {figure.name: figure.as_dict() for figure in self.flows},
        }
        if self.skipped:
            result["skipped"] = self.skipped
        return result


class Structure:
    """The units of a design, each node's own state over them, and what must keep working."""

    def __init__(self, graph: DesignGraph) -> None:
        self.graph = graph
        self.units: list[Unit] = []
        self.own: dict[str, Terms] = {}
        #: Where figures came from when that is worth saying (`--verbose`).
        self.notes: list[str] = []
        self.defaults = {
            name: getattr(self.graph.design.availability, name) or value for name, value in figures.DEFAULTS.items()
        }
        self.requirements = requirements(graph)
        self._zone_units: dict[str, tuple[int, ...]] = {}
        multi_region = len(graph.design.regions) >= 2
        region_of: dict[str, int] = {}
        if multi_region:
            for region, zones in graph.design.regions.items():
                unit = self._unit(f"region {region}", f"region {region}", self.defaults["region"])
                region_of.update(dict.fromkeys(zones, unit))
        for zone in graph.declared_zones:
            unit = self._unit(f"zone {zone}", f"zone {zone}", self.defaults["zone"])
            self._zone_units[zone] = (unit, region_of[zone]) if zone in region_of else (unit,)
        self._hosts = self._shared_hosts()
        host_units: dict[str, int] = {}
        for component_id in graph.ids:
            host = self._hosts.get(component_id)
            if host is not None and host not in host_units:
                members = [c for c, h in self._hosts.items() if h == host]
                figure = min(self._instance_figure(member) for member in members)
                host_units[host] = self._unit(f"host {host}", f"host {host}", figure)
            self._place(component_id, host_units.get(host) if host else None)

    def _unit(self, name: str, band: str, percent: float) -> int:
        self.units.append(Unit(name, band, percent / 100.0))
        return len(self.units) - 1

    def _shared_hosts(self) -> dict[str, str]:
        """Return the host of each single point that shares one with another (as the failure analysis does)."""
        graph = self.graph
        hosts: dict[str, list[str]] = {}
        for component_id in graph.ids:
            host = graph.components[component_id].host
            if host is not None and graph.can_fail(component_id) and not graph.is_redundant(component_id):
                hosts.setdefault(host, []).append(component_id)
        return {member: host for host, members in hosts.items() if len(members) > 1 for member in members}

    def _zone(self, zone: str | None) -> tuple[int, ...]:
        return self._zone_units.get(zone, ()) if zone else ()

    def _explicit(self, component_id: str) -> bool:
        component = self.graph.components[component_id]
        autoscale = isinstance(component, Scalable) and component.autoscale is not None
        return "replicas" in component.model_fields_set or autoscale

    def _instance_figure(self, component_id: str) -> float:
        """Return the figure of one instance (or read replica) of a component, and note where it comes from."""
        component = self.graph.components[component_id]
        if component.availability is not None:
            return component.availability
        if component.managed:
            found = figures.published(component.engine)
            if found is not None:
                return found.instance or found.service
            return self._managed_default(component_id)
        return self.defaults["instance"]

    def _service_figure(self, component_id: str) -> float:
        component = self.graph.components[component_id]
        if component.availability is not None:
            return component.availability
        found = figures.published(component.engine)
        if found is not None:
            return found.service
        if component.kind == "external":
            return self.defaults["external"]
        return self._managed_default(component_id)

    def _managed_default(self, component_id: str) -> float:
        engine = self.graph.components[component_id].engine
        said = f"engine {engine!r} has no published figure" if engine else "it names no engine"
        self.notes.append(
            f"{component_id}: managed, {said}: the `managed` default {self.defaults['managed']:g}% is used"
        )
        return self.defaults["managed"]

    def _place(self, component_id: str, host: int | None) -> None:
        """Make a component's units and state its own terms (and its read replicas')."""
        graph = self.graph
        component = graph.components[component_id]
        if component.kind == "client" or component.kind in OBSERVER_KINDS:
            self.own[component_id] = None
            return
        if component.kind == "external":
            unit = self._unit(component_id, component_id, self._service_figure(component_id))
            self.own[component_id] = ((unit,),)
            return
        if host is not None:
            (zone,) = graph.spread(component_id, 1) or (None,)
            self.own[component_id] = ((host, *self._zone(zone)),)
            return
        readers = graph.read_replicas(component_id)
        if component.managed and not self._explicit(component_id):
            unit = self._unit(component_id, component_id, self._service_figure(component_id))
            spans = graph.placement(component_id)
            self.own[component_id] = tuple((unit, *self._zone(zone)) for zone in spans) or ((unit,),)
            instance = self._instance_figure(component_id) if readers else 0.0
            self._readers(component_id, readers, instance, promotable=0, writers=())
            return
        figure = self._instance_figure(component_id)
        count = graph.instances(component_id)
        zones: tuple[str | None, ...] = graph.spread(component_id, count) or (None,) * count
        label = component_id if count == 1 else f"{component_id}'s {count} instances"
        instances = tuple(
            (self._unit(f"{component_id} instance {index + 1}", label, figure), *self._zone(zone))
            for index, zone in enumerate(zones)
        )
        redundant = graph.is_redundant(component_id)
        self._readers(
            component_id, readers, figure, graph.promotable_readers(component_id) if redundant else 0, instances
        )
        if not redundant:
            self.own[component_id] = instances[:1]  # lost with its first instance (DESIGN.md §8)

    def _readers(
        self, component_id: str, count: int, figure: float, promotable: int, writers: tuple[tuple[int, ...], ...]
    ) -> None:
        """Make a store's read replicas; the writer group is the instances and the promotable readers."""
        zones: tuple[str | None, ...] = self.graph.spread(component_id, count) or (None,) * count
        label = f"{component_id}'s read replica" if count == 1 else f"{component_id}'s {count} read replicas"
        readers = tuple(
            (self._unit(f"{component_id} read replica {index + 1}", label, figure), *self._zone(zone))
            for index, zone in enumerate(zones)
        )
        if writers:
            self.own[component_id] = writers + readers[:promotable]
        if readers:
            self.own[component_id + READS] = readers

    @cached_property
    def targets(self) -> tuple[Target, ...]:
        """Return every entry point (pipeline) and flow."""
        graph = self.graph
        targets = []
        for pipeline in graph.pipelines:
            producers = graph.producers(pipeline)
            component = graph.components[pipeline[0]]
            facing = len(pipeline) == 1 and producers is None and not getattr(component, "schedule", None)
            if producers is not None and not all(graph.can_fail(producer) for producer in producers):
                producers = None  # users and third parties keep sending, as in the failure analysis
            targets.append(Target(" or ".join(pipeline), "entry_point", pipeline, producers, user_facing=facing))
        for name, flow in graph.design.flows.items():
            hops = ((flow.path[0], None), *zip(flow.path[1:], flow.path, strict=False))
            targets.append(Target(name, "flow", hops=hops))
        return tuple(targets)

    def reads_through(self, hop: str, caller: str | None) -> bool:
        """Tell whether a flow's hop may be served by the store's read replicas (a `mode: read` call)."""
        if caller is None or hop + READS not in self.own:
            return False
        return any(hop in call.targets and call.mode == "read" for call in self.graph.components[caller].calls)

    def bands(self) -> tuple[list[int], list[str]]:
        """Return each unit's band number and each band's name; a band's units are consecutive."""
        numbers: list[int] = []
        names: list[str] = []
        for unit in self.units:
            if not names or names[-1] != unit.band:
                names.append(unit.band)
            numbers.append(len(names) - 1)
        return numbers, names


def availability(graph: DesignGraph, engine: Literal["bdd", "enumerate"] = "bdd") -> Availability:
    """Return the availability of every entry point and flow; `skipped` says why when it is too large."""
    structure = Structure(graph)
    try:
        if engine == "enumerate":
            unavailable = enumerate_(structure)
            contributors: dict[str, tuple[Contributor, ...]] = {}
        else:
            unavailable, contributors = compile_(structure)
    except TooLarge as error:
        return Availability(notes=tuple(structure.notes), skipped=f"too large to compute exactly: {error}")
    made = [
        Figure(
            target.name, target.kind, unavailable[target.name], contributors.get(target.name, ()), target.user_facing
        )
        for target in structure.targets
    ]
    return Availability(
        tuple(f for f in made if f.kind == "entry_point"),
        tuple(f for f in made if f.kind == "flow"),
        tuple(dict.fromkeys(structure.notes)),
    )


# The diagram engine.


def compile_(structure: Structure) -> tuple[dict[str, float], dict[str, tuple[Contributor, ...]]]:
    """Return each target's unavailability and its top three contributors, from one shared diagram."""
    bdd = BDD(len(structure.units))
    up = _up_functions(structure, bdd)
    p = [unit.up for unit in structure.units]
    band, names = structure.bands()
    unavailable: dict[str, float] = {}
    contributors: dict[str, tuple[Contributor, ...]] = {}
    for target in structure.targets:
        root = _target_function(structure, bdd, up, target)
        q, gains = bdd.band_gains(root, p, band)
        unavailable[target.name] = q
        ranked = sorted(
            ((gain, names[which]) for which, gain in gains.items() if gain > 0), key=lambda x: (-x[0], x[1])
        )
        contributors[target.name] = tuple(
            Contributor(what, gain * MINUTES_PER_YEAR, gain / q if q else 0.0) for gain, what in ranked[:3]
        )
    return unavailable, contributors


def _own_function(bdd: BDD, terms: Terms) -> int:
    """Return a node's own state: the instances that share a place (zone, region) as one chain under it.

    Each chain is built from its deepest variable up, so 500 instances make 500 nodes per
    state of the zones above them, not the quarter of a million that adding them top down makes.
    """
    if terms is None:
        return 1
    by_place: dict[tuple[int, ...], list[int]] = {}
    for term in terms:
        by_place.setdefault(term[1:], []).append(term[0])
    result = 0
    for place, firsts in by_place.items():
        chain = bdd.any(bdd.var(unit) for unit in sorted(firsts, reverse=True))
        result = bdd.disj(result, bdd.conj(bdd.all(bdd.var(unit) for unit in sorted(place, reverse=True)), chain))
    return result


def _up_functions(structure: Structure, bdd: BDD) -> dict[str, int]:
    """Return each node's up function: its own state and, for each requirement, one alternative up."""
    own = {node: _own_function(bdd, structure.own.get(node)) for node in structure.requirements}
    up = dict(own)
    needs = structure.requirements
    successors = {node: sorted({t for alternatives in needs[node] for t in alternatives}) for node in needs}
    # Callees first; inside a cycle, start from the own states and shrink until nothing changes:
    # the greatest solution, so a cycle of calls does not fail itself.
    for group in strongly_connected(tuple(needs), successors):
        changed = True
        while changed:
            changed = False
            for node in group:
                value = bdd.all(bdd.any(up[t] for t in alternatives) for alternatives in needs[node])
                value = bdd.conj(own[node], value)
                if value != up[node]:
                    up[node] = value
                    changed = len(group) > 1
    return up


def _target_function(structure: Structure, bdd: BDD, up: dict[str, int], target: Target) -> int:
    """Return the function that is true when the target works."""
    if target.kind == "entry_point":
        works = bdd.any(up[member] for member in target.members)
        if target.producers is not None:
            # Nothing to do while every producer is down: not broken (DESIGN.md, round 2).
            works = bdd.disj(works, bdd.neg(bdd.any(up[producer] for producer in target.producers)))
        return works
    own = {hop: _own_function(bdd, structure.own.get(hop)) for hop, _ in target.hops}
    checks = []
    for hop, caller in target.hops:
        state = own[hop]
        if structure.reads_through(hop, caller):
            state = bdd.disj(state, _own_function(bdd, structure.own[hop + READS]))
        checks.append(state)
    last, caller = target.hops[-1]
    state = up[last]
    if structure.reads_through(last, caller):
        state = bdd.disj(state, up[last + READS])
    return bdd.all([*checks, state])


# The enumeration engine: every state of the units, for small designs.


def enumerate_(structure: Structure) -> dict[str, float]:
    """Return each target's unavailability by trying every state of the units (at most 2^20)."""
    count = len(structure.units)
    if count > ENUMERATION_LIMIT:
        raise TooLarge(f"{count} units: more than {ENUMERATION_LIMIT} to enumerate")
    unavailable = dict.fromkeys((target.name for target in structure.targets), 0.0)
    for values in itertools.product((False, True), repeat=count):
        pairs = zip(structure.units, values, strict=True)
        weight = math.prod(unit.up if value else 1.0 - unit.up for unit, value in pairs)
        for name in broken(structure, values):
            unavailable[name] += weight
    return unavailable


def broken(structure: Structure, values: Sequence[bool]) -> Iterator[str]:
    """Yield the targets broken when the units are up or down as `values` says, by the model's own reading."""

    def holds(terms: Terms) -> bool:
        return terms is None or any(all(values[unit] for unit in term) for term in terms)

    own = {node: holds(structure.own.get(node)) for node in structure.requirements}
    up = dict(own)
    changed = True
    while changed:  # shrink from the own states to the greatest solution
        changed = False
        for node, needs in structure.requirements.items():
            if up[node] and not all(any(up[t] for t in alternatives) for alternatives in needs):
                up[node] = False
                changed = True
    for target in structure.targets:
        if target.kind == "entry_point":
            fed = target.producers is None or any(up[producer] for producer in target.producers)
            if fed and not any(up[member] for member in target.members):
                yield target.name
            continue
        lost = False
        for hop, caller in target.hops:
            reads = structure.reads_through(hop, caller)
            lost |= not own[hop] and not (reads and own[hop + READS])
        last, caller = target.hops[-1]
        reads = structure.reads_through(last, caller)
        if lost or (not up[last] and not (reads and up[last + READS])):
            yield target.name
