"""Check the ids a spec points with: components, zones, regions, copies and flows.

The checks run on the raw values, beside the model's validation, so every problem of a
spec is found at once, each at its position.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from archgen.model import STORE_KINDS
from archgen.text import shorten, suggest

Loc = tuple[str | int, ...]
Problems = Iterator[tuple[Loc, str, bool]]


def reference_problems(raw: dict[str, Any]) -> Problems:
    """Yield each dangling or misplaced reference: its data path, the message, and whether the key is at fault."""
    components = raw.get("components")
    if not isinstance(components, dict):
        return
    references = _References(components, raw)
    yield from references.of_regions()
    for component_id, component in components.items():
        if isinstance(component, dict):
            yield from references.of_component(("components", component_id), component_id, component)
    for index, entity in enumerate(_list(raw.get("data"))):
        store = entity.get("store") if isinstance(entity, dict) else None
        yield from references.to_kind(("data", index, "store"), store, STORE_KINDS, "a store")
    for name, entity in _dict(_dict(raw.get("capacity")).get("entities")).items():
        for index, store in enumerate(_list(_dict(entity).get("stored_in"))):
            loc = ("capacity", "entities", name, "stored_in", index)
            yield from references.to_kind(loc, store, STORE_KINDS, "a store")
    for index, waiver in enumerate(_list(raw.get("waivers"))):
        target = waiver.get("component") if isinstance(waiver, dict) else None
        problem = references.unknown(target)
        if problem:
            yield ("waivers", index, "component"), problem, False
    yield from references.of_flows(_dict(raw.get("flows")))
    yield from references.of_ranks(_list(_dict(raw.get("layout")).get("ranks")))
    yield from references.of_views(_list(raw.get("views")), _dict(raw.get("flows")))


class _References:
    """The ids a spec may point at: its components (with their kinds), zones and regions."""

    def __init__(self, components: dict[Any, Any], raw: dict[str, Any]) -> None:
        self.components = components
        self.ids = [key for key in components if isinstance(key, str)]
        self.kinds = {
            key: value.get("kind") if isinstance(value.get("kind"), str) else None
            for key, value in components.items()
            if isinstance(value, dict)
        }
        self.listed_zones = _list(raw.get("zones"))
        self.regions = {name: _list(zones) for name, zones in _dict(raw.get("regions")).items()}
        # Zones listed under a region are declared by it, as `zones` declares them.
        self.zones = [*self.listed_zones, *(z for zones in self.regions.values() for z in zones)]

    def unknown(self, target: Any) -> str | None:
        """Say that `target` names no component, or return None."""
        if not isinstance(target, str) or target in self.components:
            return None
        return f"no component {shorten(target)!r}{suggest(target, self.ids)}"

    def to_kind(self, loc: Loc, target: Any, kinds: Collection[str], what: str) -> Problems:
        """Check a reference that must name a component of one of `kinds`."""
        if not isinstance(target, str):
            return
        problem = self.unknown(target)
        kind = self.kinds.get(target)
        if problem:
            yield loc, problem, False
        elif kind is not None and kind not in kinds:  # a missing or odd kind is reported on its own
            yield loc, f"{target!r} is a {kind}, not {what}", False

    def of_regions(self) -> Problems:
        """Check that each zone of a region is declared once, and in `zones` when the design lists them."""
        owner: dict[Any, Any] = {}
        for region, zones in self.regions.items():
            for index, zone in enumerate(zones):
                loc: Loc = ("regions", region, index)
                if not isinstance(zone, str):
                    continue  # the model says what a zone must be
                if zone in owner:
                    yield loc, f"zone {shorten(str(zone))!r} is already in region {owner[zone]!r}", False
                elif self.listed_zones and zone not in self.listed_zones:
                    hint = suggest(str(zone), self.listed_zones)
                    yield loc, f"zone {shorten(str(zone))!r} is not in the design's zones{hint}", False
                owner.setdefault(zone, region)

    def of_component(self, base: Loc, component_id: str, component: dict[str, Any]) -> Problems:
        """Check a component's calls, session store, copy source, zones and regions."""
        yield from self._calls(base, component_id, component)
        store = component.get("session_store")
        yield from self.to_kind((*base, "session_store"), store, ("cache", "database"), "a cache or database")
        source = component.get("replica_of")
        if source == component_id:
            yield (*base, "replica_of"), "a store cannot be a copy of itself", False
        else:
            yield from self.to_kind((*base, "replica_of"), source, STORE_KINDS, "a store")
        yield from self._placement(base, component)

    def _calls(self, base: Loc, component_id: str, component: dict[str, Any]) -> Problems:
        for index, entry in enumerate(_list(component.get("calls"))):
            for loc, target, key, options in _call_targets((*base, "calls", index), entry):
                if not isinstance(target, str):
                    continue  # the model says what a target must be
                problem = self.unknown(target)
                if problem:
                    yield loc, problem, key
                elif target == component_id:
                    yield loc, "a component cannot call itself", key
                elif options.get("mode") is not None and self.kinds.get(target) not in (*STORE_KINDS, None):
                    where = (*loc, "mode") if key else (*loc[:-2], "mode")
                    yield where, f"`mode` applies to calls to stores; {target!r} is a {self.kinds[target]}", False

    def _placement(self, base: Loc, component: dict[str, Any]) -> Problems:
        for index, zone in enumerate(_list(component.get("zones"))):
            if not self.zones:
                yield (*base, "zones", index), "the design declares no `zones` to place components in", False
            elif isinstance(zone, str) and zone not in self.zones:
                message = f"zone {shorten(zone)!r} is not in the design's zones{suggest(zone, self.zones)}"
                yield (*base, "zones", index), message, False
        named = [((*base, "regions", index), region) for index, region in enumerate(_list(component.get("regions")))]
        if isinstance(component.get("region"), str):
            named.append(((*base, "region"), component["region"]))
        for loc, region in named:
            if isinstance(region, str) and region not in self.regions:
                hint = suggest(region, self.regions) if self.regions else "; the design declares no `regions`"
                yield loc, f"no region {shorten(region)!r}{hint}", False

    def of_flows(self, flows: dict[Any, Any]) -> Problems:
        """Check that each flow's path names components, each calling the next."""
        for name, flow in flows.items():
            path = _list(flow.get("path")) if isinstance(flow, dict) else []
            for index, hop in enumerate(path):
                loc: Loc = ("flows", name, "path", index)
                problem = self.unknown(hop)
                if problem:
                    yield loc, problem, False
                elif index and _ids(hop, path[index - 1]) and {hop, path[index - 1]} <= self.components.keys():
                    caller = path[index - 1]
                    if hop not in self._callees(caller):
                        yield loc, f"{caller!r} does not call {hop!r}{suggest(hop, self._callees(caller))}", False

    def of_ranks(self, ranks: list[Any]) -> Problems:
        """Check that the explicit tiers name components, each in one tier."""
        placed: dict[str, int] = {}
        for number, rank in enumerate(ranks):
            for index, member in enumerate(_list(rank)):
                loc: Loc = ("layout", "ranks", number, index)
                problem = self.unknown(member)
                if problem:
                    yield loc, problem, False
                elif isinstance(member, str) and member in placed:
                    yield loc, f"{member!r} is already in rank {placed[member]}", False
                elif isinstance(member, str):
                    placed[member] = number

    def of_views(self, views: list[Any], flows: dict[Any, Any]) -> Problems:
        """Check that each view names a flow or a group of the design."""
        groups = sorted({str(c["group"]) for c in self.components.values() if isinstance(c, dict) and c.get("group")})
        names = {"flow": [str(name) for name in flows], "group": groups}
        for index, view in enumerate(views):
            kind, _, name = view.partition(":") if isinstance(view, str) else ("", "", "")
            if kind in names and name not in names[kind]:
                known = names[kind]
                yield ("views", index), f"no {kind} {shorten(name)!r}{suggest(name, known)}", False

    def _callees(self, component_id: Any) -> list[str]:
        component = self.components.get(component_id)
        calls = _list(component.get("calls")) if isinstance(component, dict) else []
        return [target for entry in calls for _, target, _, _ in _call_targets((), entry) if isinstance(target, str)]


def _call_targets(loc: Loc, entry: Any) -> Iterator[tuple[Loc, Any, bool, dict[str, Any]]]:
    """Yield each target of a `calls` entry: where it is written, the id, whether it is a key, the call's options."""
    if isinstance(entry, str):
        yield loc, entry, False, {}
    elif isinstance(entry, dict) and "any_of" in entry:
        for index, member in enumerate(_list(entry["any_of"])):
            yield (*loc, "any_of", index), member, False, entry
    elif isinstance(entry, dict) and "targets" in entry:
        # The model's own form of a call, also accepted in a spec: checked like the others.
        for index, member in enumerate(_list(entry["targets"])):
            yield (*loc, "targets", index), member, False, entry
    elif isinstance(entry, dict) and len(entry) == 1:
        ((target, options),) = entry.items()
        yield (*loc, target), target, True, _dict(options)


def _ids(*values: Any) -> bool:
    """Say whether every value is a string, so it can be an id (lists and maps are the model's to report)."""
    return all(isinstance(value, str) for value in values)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}
