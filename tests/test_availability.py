"""Availability in nines through the real CLI, the design doc and the spec's errors, on figures worked out by hand."""

from __future__ import annotations

import json

import pytest

from archgen.analysis import bdd
from archgen.analysis.availability import availability
from archgen.api import load_design
from archgen.graph import DesignGraph
from archgen.model import Design
from archgen.units import format_availability, format_downtime
from tests.conftest import FIXTURES, needs_dot, run_cli

SHOP = FIXTURES / "availability" / "shop.yaml"
REGIONS = FIXTURES / "availability" / "regions.yaml"
MINUTES_PER_YEAR = 365.25 * 24 * 60


def shop_by_hand() -> float:
    """Shoppers need an API instance and a database instance up (both tiers over zones a and b) and the bank."""
    instance, zone, bank = 0.995, 0.999, 0.999
    both_zones = zone**2 * (1 - (1 - instance) ** 2) ** 2
    one_zone = 2 * zone * (1 - zone) * instance**2  # the tiers' instances in the zone left
    return (both_zones + one_zone) * bank


def test_estimate_prints_each_entry_point_with_its_downtime_and_contributors():
    result = run_cli("estimate", SHOP)
    assert result.code == 0, result.err
    expected = shop_by_hand()
    shoppers = next(line for line in result.out.splitlines() if "entry point shoppers" in line)
    assert format_availability(1 - expected, below=99.95) in shoppers
    assert "(below 99.95%)" in shoppers
    assert format_downtime((1 - expected) * MINUTES_PER_YEAR) in shoppers
    assert "bank 93%" in shoppers  # the third party is most of the downtime
    assert "pipeline queue" in result.out and "pipeline mailer" in result.out


def test_estimate_json_has_the_exact_figures():
    result = run_cli("estimate", SHOP, "--format", "json")
    (design,) = json.loads(result.out)
    shoppers = design["availability"]["entry_points"]["shoppers"]
    assert shoppers["percent"] == pytest.approx(100 * shop_by_hand(), abs=1e-9)
    assert shoppers["downtime_minutes_per_year"] == pytest.approx((1 - shop_by_hand()) * MINUTES_PER_YEAR)
    assert shoppers["downtime_minutes_per_month"] == pytest.approx(shoppers["downtime_minutes_per_year"] / 12)
    assert shoppers["contributors"][0]["what"] == "bank"
    assert design["availability"]["flows"] == {}


def test_verbose_names_a_managed_engine_without_a_published_figure():
    result = run_cli("estimate", SHOP, "--verbose")
    assert "shop.yaml: queue: managed, engine 'mystery-mq' has no published figure" in result.err
    assert "the `managed` default 99.95% is used" in result.err


def test_regions_behind_any_of_multiply_their_losses():
    one_region = 0.99 * 0.999 * 0.9995  # the instance, its zone, its region
    expected = 1 - (1 - one_region) ** 2
    (users,) = availability(DesignGraph(load_design(REGIONS).design)).entry_points
    assert users.unavailability == pytest.approx(1 - expected, abs=1e-12)
    # Perfect east_app removes the downtime that needs it: all but west_app's share of the both-down states.
    east = next(c for c in users.contributors if c.what == "east_app")
    assert east.share == pytest.approx(0.01 * 0.999 * 0.9995 * (1 - one_region) / (1 - expected))


def test_rel009_fires_below_the_target_and_names_the_contributors():
    result = run_cli("lint", SHOP, "--select", "REL009")
    assert result.code == 1
    (line,) = result.out.splitlines()
    assert "shop.yaml:10:3: REL009 entry point shoppers is up 99.893% of the time, below the 99.95% target" in line
    assert "most of it from bank (93%)" in line


def test_a_figure_written_on_the_component_moves_the_verdict(tmp_path):
    spec = tmp_path / "shop.yaml"
    spec.write_text(SHOP.read_text().replace("availability: 99.9}", "availability: 99.999}"))
    assert run_cli("lint", spec, "--select", "REL009").code == 0


@needs_dot
def test_the_design_doc_has_an_availability_section(tmp_path):
    result = run_cli("docs", SHOP, "-o", tmp_path)
    assert result.code == 0, result.err
    text = next(tmp_path.rglob("*.md")).read_text()
    section = text[text.index("## Availability") : text.index("## Partitioning")]
    assert "| entry point shoppers | 99.893% (below 99.95%) |" in section
    assert "Target: 99.95%" in section


def test_a_structure_too_large_for_its_budget_is_refused_not_sampled(monkeypatch):
    monkeypatch.setattr(bdd, "BUDGET", 10)
    result = availability(DesignGraph(load_design(SHOP).design))
    assert result.skipped and "too large to compute exactly" in result.skipped
    assert not result.figures


@pytest.mark.parametrize(
    ("unavailability", "below", "text"),
    [
        (0.0, None, "100%"),
        (0.005, None, "99.5%"),
        (0.000288, None, "99.9712%"),
        (0.0000501, 99.995, "99.99499%"),
        (0.00050001, 99.95, "99.949999%"),  # one more digit, so it reads below the target
        (1e-30, None, "≈100%"),
    ],
)
def test_availabilities_show_their_nines(unavailability, below, text):
    assert format_availability(unavailability, below) == text


@needs_dot
def test_the_picture_labels_entry_points_when_asked(tmp_path):
    spec = tmp_path / "labelled.yaml"
    spec.write_text(
        "archgen: 1\nname: Labelled\nlayout: {availability: true}\ncomponents:\n"
        "  users: {kind: client, calls: [api]}\n"
        "  api: {kind: service, replicas: 2, calls: [db]}\n"
        "  db: {kind: database, replicas: 2}\n"
    )
    assert run_cli("render", spec, "-o", tmp_path, "--format", "dot,svg").code == 0
    both_tiers = (1 - 0.005**2) ** 2  # two instances of 99.5% each, twice
    label = f"{format_availability(1 - both_tiers)} up"
    assert label == "99.995% up"
    assert label in (tmp_path / "labelled.dot").read_text()
    assert label in (tmp_path / "labelled.svg").read_text()
    spec.write_text(spec.read_text().replace("layout: {availability: true}\n", ""))
    assert run_cli("render", spec, "-o", tmp_path, "--format", "dot").code == 0
    assert " up" not in (tmp_path / "labelled.dot").read_text()


def test_the_python_front_end_takes_the_figures(tmp_path):
    from archgen import dsl

    with dsl.Design("Sketch", availability={"instance": 99.0}) as design:
        dsl.Client("users") >> dsl.Service("api", replicas=2) >> dsl.External("bank", availability=99.9)
    (users,) = availability(DesignGraph(Design.model_validate(design.to_spec()))).entry_points
    assert users.unavailability == pytest.approx(1 - (1 - 0.01**2) * 0.999, abs=1e-12)
