"""The fast failure analysis agrees with a brute-force reference on random designs."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archgen.analysis.failure import FailureAnalysis
from archgen.graph import DesignGraph
from archgen.model import Design

KINDS = ["client", "external", "service", "worker", "database", "cache", "queue", "load_balancer"]
ZONES = ["z1", "z2", "z3"]
STORES = {"database", "cache", "queue"}


@st.composite
def designs(draw) -> dict:
    count = draw(st.integers(2, 9))
    ids = [f"c{index}" for index in range(count)]
    zoned = draw(st.booleans())
    components = {}
    for component_id in ids:
        kind = draw(st.sampled_from(KINDS))
        spec: dict = {"kind": kind, "replicas": draw(st.integers(1, 3))}
        if draw(st.integers(0, 5)) == 0:
            spec["managed"] = True
        if kind in STORES:
            spec["failover"] = draw(st.sampled_from(["none", "manual", "automatic"]))
        if zoned and draw(st.booleans()):
            spec["zones"] = draw(st.lists(st.sampled_from(ZONES), min_size=1, max_size=3, unique=True))
        calls = []
        others = [other for other in ids if other != component_id]
        for _ in range(draw(st.integers(0, 3))):
            targets = draw(st.lists(st.sampled_from(others), min_size=1, max_size=3, unique=True))
            options = {
                "optional": draw(st.integers(0, 4)) == 0,
                "async": draw(st.integers(0, 4)) == 0,
            }
            if len(targets) > 1:
                calls.append({"any_of": targets, **options})
            else:
                calls.append({targets[0]: options})
        if calls:
            spec["calls"] = calls
        components[component_id] = spec
    raw = {"archgen": 1, "name": "random", "components": components}
    if zoned:
        raw["zones"] = ZONES
    return raw


def reference(design: Design) -> dict[str, set[str]]:
    """Fail each event in turn and re-evaluate every entry point by a plain fixpoint."""
    components = design.components

    def redundant(component) -> bool:
        if component.managed:
            return True
        if component.replicas < 2:
            return False
        return not (component.kind in STORES and component.failover == "none")

    def fallible(component) -> bool:
        return component.kind not in ("client", "external")

    called = {target for c in components.values() for call in c.calls for target in call.targets}
    async_calls = [call.targets for c in components.values() for call in c.calls if call.is_async]
    singles = [cid for cid in components if cid not in called or (cid,) in async_calls]
    # An async any_of is one pipeline: it breaks only when every alternative is down.
    groups = [targets for targets in async_calls if len(targets) > 1 and not set(targets) & set(singles)]
    entries = [(cid,) for cid in singles] + list(dict.fromkeys(groups))
    events: dict[str, set[str]] = {}
    for cid, component in components.items():
        if fallible(component) and not redundant(component):
            events[cid] = {cid}
    for zone in design.zones:
        lost = set()
        for cid, component in components.items():
            if cid in events or component.managed or not component.zones or not fallible(component):
                continue
            placed = {component.zones[i % len(component.zones)] for i in range(component.replicas)}
            if placed == {zone}:
                lost.add(cid)
        if lost:
            events[f"zone:{zone}"] = lost
    outcome = {}
    for name, lost in events.items():
        down = set(lost)
        changed = True
        while changed:
            changed = False
            for cid, component in components.items():
                if cid in down:
                    continue
                for call in component.calls:
                    if not call.optional and not call.is_async and all(t in down for t in call.targets):
                        down.add(cid)
                        changed = True
                        break
        broken = {" or ".join(entry) for entry in entries if all(member in down for member in entry)}
        if broken:
            outcome[name] = (broken, down, lost)
    return outcome


# Examples per run come from the profile: 200 by default (about 2 s), 5,000 with `pytest --slow`.
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_fast_analysis_matches_brute_force(raw):
    design = Design.model_validate(raw)
    expected = reference(design)
    analysis = FailureAnalysis(DesignGraph(design))
    actual = {
        (outage.event.component or f"zone:{outage.event.zone}"): set(outage.breaks) for outage in analysis.outages
    }
    assert actual == {name: broken for name, (broken, _, _) in expected.items()}
    for outage in analysis.outages:
        name = outage.event.component or f"zone:{outage.event.zone}"
        _, down, lost = expected[name]
        path = outage.path
        assert any(path[0] in name.split(" or ") for name in outage.breaks)
        assert path[-1] in lost
        assert all(node in down for node in path)
        for caller, callee in itertools.pairwise(path):
            calls = design.components[caller].calls
            assert any(callee in c.targets and not c.optional and not c.is_async for c in calls)
