"""`archgen estimate`: the worked example of DESIGN.md §5, in text and JSON."""

from __future__ import annotations

import json

import pytest

from archgen import api
from tests.conftest import FIXTURES, run_cli

WORKED = FIXTURES / "capacity" / "worked-example.yaml"


def test_worked_example_numbers_in_json():
    result = run_cli("estimate", WORKED, "--format", "json")
    assert result.code == 0, result.err
    [item] = json.loads(result.out)
    numbers = item["estimate"]
    assert numbers["storage_per_day"] == pytest.approx(120e9)
    assert numbers["storage_retained"] == pytest.approx(219e12)
    assert numbers["storage_with_headroom"] == pytest.approx(273.75e12)
    assert numbers["storage_replicated"] == pytest.approx(547.5e12)
    assert numbers["servers"] == 137
    assert numbers["write_qps"] == pytest.approx(400e6 / 86_400)
    assert numbers["peak_read_qps"] == pytest.approx(400e6 * 5 / 86_400 * 2)
    assert numbers["cache_memory"] == pytest.approx(400e6 * 5 * 300 * 0.2)
    assert item["inputs"]["object_size"] == 300


def test_worked_example_table_in_human_units():
    result = run_cli("estimate", WORKED)
    assert result.code == 0, result.err
    lines = {line.split("  ")[1].strip(): line for line in result.out.splitlines() if line.startswith("  ")}
    assert "120 GB" in lines["Storage per day"]
    assert "219 TB" in lines["Storage retained"]
    assert "274 TB" in lines["With headroom"]
    assert "548 TB" in lines["Replicated"]
    assert "137" in lines["Storage servers"] and "÷ 4 TB a server" in lines["Storage servers"]
    assert "4,630/s average, 9,259/s peak" in lines["Write requests"]


def test_a_design_without_capacity_says_so_and_bad_specs_exit_2(tmp_path):
    result = run_cli("estimate", FIXTURES / "render" / "groups.yaml")
    assert result.code == 0 and "no capacity section" in result.out
    broken = tmp_path / "broken.yaml"
    broken.write_text("archgen: 1\nname: B\ncapacity: {writes_per_day: lots, object_size: 1KB}\ncomponents: {}\n")
    result = run_cli("estimate", broken)
    assert result.code == 2 and "broken.yaml:3:" in result.err and "Traceback" not in result.err


def test_media_bytes_retention_as_a_duration_and_rates_per_second(tmp_path):
    spec = tmp_path / "media.yaml"
    spec.write_text(
        "archgen: 1\nname: Media\n"
        "capacity: {writes_per_day: 60B, read_write_ratio: 0.5, object_size: 1KB, media_size: 2MB,"
        " retention: 18mo, peak_factor: 3}\n"
        "components:\n  app: {kind: service}\n"
    )
    (item,) = api.estimate_all([spec]).estimates
    rows = {row.quantity: row for row in item.table}
    assert rows["Write requests"].value == "694,444/s average, 2,083,333/s peak", "per second, never per minute"
    assert rows["Storage retained"].value == "32.4 PB" and rows["Storage retained"].working == "kept 18 months"
    assert rows["Media per day"].value == "120 PB" and rows["Media per day"].working == "writes × 2 MB"
    assert rows["Media retained"].value == "64.8 EB"
    assert rows["Media egress"].value == "694 GB/s"
    with pytest.raises(api.SpecError, match="give `retention` or `retention_years`, not both"):
        api.lint_text(
            "archgen: 1\nname: X\ncapacity: {writes_per_day: 1, object_size: 1B, retention: 1y,"
            " retention_years: 1}\ncomponents: {}\n"
        )


def test_one_read_one_copy_one_year_are_singular(tmp_path):
    spec = tmp_path / "one.yaml"
    spec.write_text(
        "archgen: 1\nname: One\ncapacity: {writes_per_day: 1M, read_write_ratio: 1, object_size: 1KB,"
        " retention_years: 1, replication_factor: 1}\ncomponents:\n  app: {kind: service}\n"
    )
    (item,) = api.estimate_all([spec]).estimates
    workings = {row.quantity: row.working for row in item.table}
    assert workings["Read requests"].startswith("1 read per write")
    assert workings["Storage retained"] == "× 365 days × 1 year"
    assert workings["Replicated"] == "× 1 copy"
