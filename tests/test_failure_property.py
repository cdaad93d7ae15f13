"""The fast failure analysis agrees with a brute-force reference on random designs.

The designs use every word the analysis reads (DESIGN.md §3, §7 and round 2): replicas, autoscale,
managed (with and without `replicas: 1`), failover, zones, regions, read replicas and read
calls, optional, async, start-up (`when: startup`) and `any_of` calls, schedules, copies
(`replica_of`), shared hosts (`host`), monitoring, orphans.
The reference fails each event in turn and re-evaluates every entry point by a plain
fixpoint over components and read-replica groups.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archgen.analysis.failure import FailureAnalysis
from archgen.graph import DesignGraph
from archgen.model import Design

KINDS = ["client", "external", "service", "worker", "function", "database", "cache", "queue", "load_balancer"]
KINDS += ["monitoring"]
ZONES = ["z1", "z2", "z3"]
REGIONS = {"r1": ["z1", "z2"], "r2": ["z3"]}
STORES = {"database", "cache", "queue"}
COMPUTE = {"service", "worker", "function"}


@st.composite
def designs(draw, zoned: bool) -> dict:
    count = draw(st.integers(2, 9))
    ids = [f"c{index}" for index in range(count)]
    regions = zoned and draw(st.booleans())
    kinds = {component_id: draw(st.sampled_from(KINDS)) for component_id in ids}
    components = {}
    for component_id in ids:
        kind = kinds[component_id]
        spec: dict = {"kind": kind}
        if kind in COMPUTE | {"load_balancer"} and draw(st.integers(0, 4)) == 0:
            low = draw(st.integers(1, 3))
            spec["autoscale"] = {"min": low, "max": low + 2}
        elif draw(st.integers(0, 3)):
            spec["replicas"] = draw(st.integers(1, 3))
        if kind != "function" and draw(st.integers(0, 5)) == 0:
            spec["managed"] = True
        if kind in STORES:
            if draw(st.booleans()):  # else the default, automatic, which promotes readers only when managed
                spec["failover"] = draw(st.sampled_from(["none", "manual", "automatic"]))
            spec["read_replicas"] = draw(st.integers(0, 2))
            sources = [other for other in ids if other != component_id and kinds[other] in STORES]
            if sources and draw(st.integers(0, 5)) == 0:
                spec["replica_of"] = draw(st.sampled_from(sources))
            elif spec["read_replicas"] and draw(st.integers(0, 3)) == 0:
                spec["promotion"] = draw(st.sampled_from(["manual", "automatic"]))
        if kind in ("service", "worker") and draw(st.integers(0, 5)) == 0:
            spec["schedule"] = "hourly"
        if zoned:
            placement = draw(st.sampled_from(["none", "zones", "regions", "region"] if regions else ["none", "zones"]))
            if placement == "zones":
                spec["zones"] = draw(st.lists(st.sampled_from(ZONES), min_size=1, max_size=3, unique=True))
            elif placement == "regions":
                spec["regions"] = draw(st.lists(st.sampled_from(sorted(REGIONS)), min_size=1, max_size=2, unique=True))
            elif placement == "region":
                spec["region"] = draw(st.sampled_from(sorted(REGIONS)))
        single = spec.get("replicas", 1) == 1 and "autoscale" not in spec and not spec.get("managed")
        if single and kind not in ("client", "external", "monitoring", "function") and draw(st.integers(0, 3)) == 0:
            spec["host"] = draw(st.sampled_from(["h1", "h2"]))
        calls = []
        others = [other for other in ids if other != component_id]
        for _ in range(draw(st.integers(0, 3))):
            targets = draw(st.lists(st.sampled_from(others), min_size=1, max_size=3, unique=True))
            options = {"optional": draw(st.integers(0, 4)) == 0, "async": draw(st.integers(0, 4)) == 0}
            if draw(st.integers(0, 5)) == 0:
                options["when"] = "startup"
            if all(kinds[target] in STORES for target in targets) and draw(st.booleans()):
                options["mode"] = draw(st.sampled_from(["read", "write"]))
            calls.append({"any_of": targets, **options} if len(targets) > 1 else {targets[0]: options})
        if calls:
            spec["calls"] = calls
        components[component_id] = spec
    raw: dict = {"archgen": 1, "name": "random", "components": components}
    if zoned:
        raw["zones"] = ZONES
    if regions:
        raw["regions"] = REGIONS
    return raw


def reference(design: Design) -> dict[str, tuple[set[str], set[str], set[str]]]:
    """Fail each event in turn; return, per event that breaks something, what breaks, what is down, what is lost."""
    components = design.components

    def instances(c) -> int:
        autoscale = getattr(c, "autoscale", None)
        return autoscale.min if autoscale else c.replicas

    def single_managed(c) -> bool:
        return c.managed and "replicas" in c.model_fields_set and c.replicas == 1

    def promotable(c) -> int:
        """Read replicas that take over writes: automatic failover (written, or managed), or promotion: automatic."""
        readers = getattr(c, "read_replicas", 0)
        if not readers or getattr(c, "replica_of", None) is not None:
            return 0
        automatic = c.failover == "automatic" and (c.managed or "failover" in c.model_fields_set)
        return readers if automatic or c.promotion == "automatic" else 0

    def redundant(c) -> bool:
        if c.managed:
            return not single_managed(c) or promotable(c) > 0
        stuck = c.kind in STORES and c.failover == "none" and c.promotion != "automatic"
        return instances(c) + promotable(c) >= 2 and not stuck

    def fallible(c) -> bool:
        return c.kind not in ("client", "external", "monitoring")

    def placement(c) -> list[str]:
        if c.zones:
            return list(c.zones)
        names = list(c.regions) or ([c.region] if c.region else [])
        return [zone for name in names for zone in design.regions[name]]

    def spread(c, count: int) -> set[str]:
        """Instances over the regions first (instance i in region i mod R), then each region's zones."""
        if len(c.regions) >= 2:
            groups = [design.regions[name] for name in c.regions]
            return {groups[i % len(groups)][(i // len(groups)) % len(groups[i % len(groups)])] for i in range(count)}
        zones = placement(c)
        return {zones[i % len(zones)] for i in range(count)} if zones else set()

    def used(c) -> set[str]:
        zones = placement(c)
        if not zones:
            return set()
        readers = read_used(c) if promotable(c) else set()
        if single_managed(c):
            return spread(c, 1) | readers
        if c.managed:
            return set(zones)
        return spread(c, instances(c)) | readers

    def read_used(c) -> set[str]:
        return spread(c, getattr(c, "read_replicas", 0))

    def needs(cid: str) -> list[list[str]]:
        result = []
        for call in components[cid].calls:
            if call.optional or call.is_async or call.when == "startup":
                continue
            if any(components[t].kind == "monitoring" for t in call.targets):
                continue
            options = []
            for target in call.targets:
                options.append(target)
                if call.mode == "read" and getattr(components[target], "read_replicas", 0):
                    options.append(f"{target}#reads")
            result.append(options)
        return result

    nodes = list(components) + [f"{cid}#reads" for cid, c in components.items() if getattr(c, "read_replicas", 0)]
    requirements = {node: needs(node.split("#")[0]) for node in nodes}

    served = [(cid, call) for cid, c in components.items() if c.kind != "monitoring" for call in c.calls]
    called = {t for _, call in served for t in call.targets}
    single_async = {call.targets[0] for _, call in served if call.is_async and len(call.targets) == 1}
    anyone_calls = {t for c in components.values() for call in c.calls for t in call.targets}

    def orphan(cid: str) -> bool:  # deployed, but nothing calls it and it calls nothing
        c = components[cid]
        plain = c.kind not in ("client", "monitoring") and not getattr(c, "schedule", None)
        return plain and not c.calls and cid not in anyone_calls

    singles = [
        cid
        for cid, c in components.items()
        if c.kind != "monitoring"
        and getattr(c, "replica_of", None) is None
        and not orphan(cid)
        and (cid not in called or cid in single_async or getattr(c, "schedule", None))
    ]
    entries = [(cid,) for cid in singles]
    for _, call in served:
        members = tuple(t for t in call.targets if getattr(components[t], "replica_of", None) is None)
        if call.is_async and len(call.targets) > 1 and len(members) > 1 and not set(members) & set(singles):
            if members not in entries:
                entries.append(members)

    def fed(entry: tuple[str, ...], down: set[str]) -> bool:
        """A pipeline nothing starts on its own is broken only while one of its producers survives."""
        producers = set()
        for member in entry:
            callers = [(cid, call) for cid, call in served if member in call.targets]
            if not callers or getattr(components[member], "schedule", None):
                return True
            producers |= {cid for cid, call in callers if call.is_async}
        return any(not fallible(components[cid]) or cid not in down for cid in producers)

    events: dict[str, tuple[set[str], set[str]]] = {}
    spofs = [cid for cid, c in components.items() if fallible(c) and not redundant(c)]
    hosts: dict[str, set[str]] = {}
    for cid in spofs:
        if components[cid].host:
            hosts.setdefault(components[cid].host, set()).add(cid)
    for cid in spofs:
        if len(hosts.get(components[cid].host or "", ())) < 2:
            events[cid] = ({cid}, {cid})
    for host, members in hosts.items():
        if len(members) > 1:
            events[f"host:{host}"] = (set(members), set(members))
    areas = [
        (f"zone:{zone}", {zone})
        for zone in dict.fromkeys([*design.zones, *(z for zs in design.regions.values() for z in zs)])
    ]
    if len(design.regions) >= 2:
        areas += [(f"region:{name}", set(zones)) for name, zones in design.regions.items()]
    for name, area in areas:
        lost = {
            cid for cid, c in components.items() if cid not in spofs and fallible(c) and used(c) and used(c) <= area
        }
        if lost:
            reads = {f"{cid}#reads" for cid, c in components.items() if read_used(c) and read_used(c) <= area}
            events[name] = (lost, lost | (reads & set(nodes)))
    outcome = {}
    for name, (lost, lost_nodes) in events.items():
        down = set(lost_nodes)
        changed = True
        while changed:
            changed = False
            for node in nodes:
                if node not in down and any(all(t in down for t in options) for options in requirements[node]):
                    down.add(node)
                    changed = True
        broken = {
            " or ".join(entry) for entry in entries if all(member in down for member in entry) and fed(entry, down)
        }
        if broken:
            outcome[name] = (broken, down, lost)
    return outcome


def event_name(outage) -> str:
    event = outage.event
    return event.component or f"{event.kind}:{event.name}"


# The profile sets the examples: 1,000 designs by default (500 without zones and 500 with zones
# or regions, so the two halves run on two cores), 5,000 with `pytest --slow`.
HALF = settings(max_examples=max(1, settings().max_examples // 2), suppress_health_check=[HealthCheck.too_slow])


@HALF
@given(designs(zoned=False))
def test_fast_analysis_matches_brute_force_without_zones(raw):
    check_against_reference(raw)


@HALF
@given(designs(zoned=True))
def test_fast_analysis_matches_brute_force_with_zones_and_regions(raw):
    check_against_reference(raw)


def check_against_reference(raw):
    design = Design.model_validate(raw)
    expected = reference(design)
    analysis = FailureAnalysis(DesignGraph(design))
    actual = {event_name(outage): set(outage.breaks) for outage in analysis.outages}
    assert actual == {name: broken for name, (broken, _, _) in expected.items()}
    for outage in analysis.outages:
        _, down, lost = expected[event_name(outage)]
        path = outage.path
        assert any(path[0] in name.split(" or ") for name in outage.breaks)
        assert path[-1] in lost
        assert all(node in down for node in path)
        for caller, callee in itertools.pairwise(path):
            calls = design.components[caller].calls
            assert any(callee in c.targets and not c.optional and not c.is_async and c.when == "always" for c in calls)
