"""The availability figures are exact: the decision diagram agrees with trying every state of the units.

The random designs (50 + 50 by default, 250 + 250 with `pytest --slow`) are those of the
failure property test (every word of DESIGN.md §3, §7 and round 2), with low figures (50–95 %)
written on some components and as design defaults, so that a wrong term shows in the fourth
decimal rather than the twelfth. A second check ties the units to the failure analysis: taking
down the units of one single point of failure breaks exactly what the failure analysis says
that event breaks.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from archgen.analysis.availability import Structure, availability, broken, compile_, enumerate_
from archgen.analysis.failure import FailureAnalysis
from archgen.graph import DesignGraph
from archgen.model import Design
from tests.test_failure_property import designs

FIGURES = st.sampled_from([50.0, 70.0, 80.0, 90.0, 95.0])
HALF = settings(max_examples=max(1, settings().max_examples // 20), suppress_health_check=[HealthCheck.too_slow])


@st.composite
def figured(draw, zoned: bool) -> dict:
    raw = draw(designs(zoned))
    for spec in raw["components"].values():
        if spec["kind"] not in ("client", "monitoring") and draw(st.booleans()):
            spec["availability"] = draw(FIGURES)
    raw["availability"] = {name: draw(FIGURES) for name in ("instance", "zone", "region", "managed", "external")}
    return raw


def small(raw: dict) -> DesignGraph:
    graph = DesignGraph(Design.model_validate(raw))
    assume(len(Structure(graph).units) <= 10)
    return graph


@HALF
@given(figured(zoned=False))
def test_the_diagram_equals_enumeration_without_zones(raw):
    check_exact(small(raw))


@HALF
@given(figured(zoned=True))
def test_the_diagram_equals_enumeration_with_zones_and_regions(raw):
    check_exact(small(raw))


def check_exact(graph: DesignGraph) -> None:
    structure = Structure(graph)
    diagram, contributors = compile_(structure)
    assert diagram.keys() == enumerate_(structure).keys()
    expected = enumerate_(structure)
    for name, value in diagram.items():
        assert abs(value - expected[name]) < 1e-9, name
    # Each contributor's gain is the fall in downtime when its units never fail.
    for name, listed in contributors.items():
        for contributor in listed:
            certain = Structure(graph)
            certain.units = [unit._replace(up=1.0) if unit.band == contributor.what else unit for unit in certain.units]
            gain = expected[name] - enumerate_(certain)[name]
            assert abs(contributor.share * expected[name] - gain) < 1e-9, (name, contributor)


@HALF
@given(designs(zoned=True))
def test_losing_one_single_point_breaks_what_the_failure_analysis_says(raw):
    graph = DesignGraph(Design.model_validate(raw))
    structure = Structure(graph)
    assert not set(broken(structure, [True] * len(structure.units)))  # nothing down, nothing broken
    zone_units = {index for index, unit in enumerate(structure.units) if unit.band.startswith(("zone ", "region "))}
    for outage in FailureAnalysis(graph).impacts:
        event = outage.event
        if event.component is not None:
            down = {term[0] for term in structure.own[event.component] or ()}
        elif event.host is not None:
            down = {index for index, unit in enumerate(structure.units) if unit.name == f"host {event.host}"}
        else:
            continue  # a zone's loss also takes what is its own single point: a superset, tested below
        values = [index not in down for index in range(len(structure.units))]
        assert down and not down & zone_units
        assert set(broken(structure, values)) == set(outage.breaks) | set(outage.flows), event


def test_a_large_design_agrees_with_monte_carlo():
    """On a design too large to enumerate, the exact figure sits inside a sampled estimate's interval."""
    rng = random.Random(7)
    raw = {
        "archgen": 1,
        "name": "large",
        "zones": ["a", "b", "c"],
        "availability": {"instance": 80, "zone": 97, "managed": 90, "external": 92},
        "components": {
            "users": {"kind": "client", "calls": ["lb"]},
            "lb": {"kind": "load_balancer", "replicas": 2, "zones": ["a", "b"], "calls": ["s0"]},
        },
    }
    components = raw["components"]
    for index in range(30):
        calls = [f"s{index + 1}"] if index < 29 else ["db"]
        if index % 7 == 3:
            calls.append({"cache": {"optional": True}})
        if index % 5 == 2:
            calls.append({"any_of": [f"x{index}", "partner"]})
            components[f"x{index}"] = {"kind": "service", "zones": ["c"]}
        components[f"s{index}"] = {
            "kind": "service",
            "replicas": 1 + index % 3,
            "zones": ["a", "b", "c"],
            "calls": calls,
        }
    components["partner"] = {"kind": "external"}
    components["cache"] = {"kind": "cache", "replicas": 2, "zones": ["a", "b"]}
    components["db"] = {"kind": "database", "replicas": 2, "read_replicas": 1, "zones": ["a", "b", "c"]}
    graph = DesignGraph(Design.model_validate(raw))
    structure = Structure(graph)
    assert len(structure.units) > 40
    exact = availability(graph).entry_points[0].unavailability
    samples = 3_000
    hits = 0
    for _ in range(samples):
        values = [rng.random() < unit.up for unit in structure.units]
        hits += "users" in set(broken(structure, values))
    estimate = hits / samples
    spread = (exact * (1 - exact) / samples) ** 0.5
    assert 0.05 < exact < 0.95  # a figure a sample can see
    assert abs(estimate - exact) < 4.5 * spread, (estimate, exact)
