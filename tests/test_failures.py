"""One design per construct of DESIGN.md §7, with the exact single points of failure it has.

Each fixture states its expectations in comments: `# REL001: a, b` (the components, zones or
regions a code reports; REL001, REL002 and REL007 are always checked, empty when not stated),
`# breaks X: ...` (what the loss of X breaks) and `# flows X: ...` (the flows it breaks).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from archgen import api
from tests.conftest import FIXTURES

FAILURES = sorted((FIXTURES / "failures").glob("*.yaml"))
ALWAYS = ("REL001", "REL002", "REL007")


def expectations(path: Path) -> dict[str, dict[str, list[str]]]:
    found: dict[str, dict[str, list[str]]] = {"codes": {}, "breaks": {}, "flows": {}}
    pattern = r"^# ([A-Z]{3}\d{3}|breaks|flows) ?(\S*): (.*)$"
    for kind, subject, values in re.findall(pattern, path.read_text(), re.MULTILINE):
        items = [value.strip() for value in values.split(",") if value.strip()]
        if kind in ("breaks", "flows"):
            found[kind][subject] = items
        else:
            found["codes"][kind] = items
    return found


def subject(finding: api.Finding) -> str:
    return finding.component or finding.details.get("zone") or finding.details.get("region") or ""


@pytest.mark.parametrize("path", FAILURES, ids=[path.stem for path in FAILURES])
def test_each_construct_has_exactly_its_single_points_of_failure(path):
    expected = expectations(path)
    result = api.lint_loaded(api.load_design(path))
    for code in {*ALWAYS, *expected["codes"]}:
        found = sorted(subject(finding) for finding in result.findings if finding.code == code)
        assert found == sorted(expected["codes"].get(code, [])), (code, [f.message for f in result.findings])
    by_subject = {subject(f): f for f in result.findings if f.code in ALWAYS}
    for name, breaks in expected["breaks"].items():
        assert by_subject[name].details["breaks"] == breaks
    for name, flows in expected["flows"].items():
        assert by_subject[name].details["flows"] == flows


def test_every_fixture_states_what_it_expects():
    for path in FAILURES:
        assert expectations(path)["codes"] or "keeps" in path.read_text(), path.name


V1 = FIXTURES / "gallery-v1"
V1_FINDINGS = json.loads((V1 / "findings.json").read_text())
#: The rules of archgen 0.1.0; rules added since report new things and are left out of the comparison.
V1_RULES = {*(f"STR00{n}" for n in (1, 2, 3)), *(f"REL00{n}" for n in range(1, 7)), *(f"SCL00{n}" for n in range(1, 7))}
V1_RULES |= {"SEC001", "SEC002", "SEC003", "OPS001", "CON001", "DOC001", "DOC002", "DOC003", "DOC004"}
# Rules RULES.md changed on purpose ("Changes for real systems") report differently by design.
V1_RULES -= {"REL006", "SCL001", "SCL006", "SEC001", "SEC002"}


@pytest.mark.parametrize("name", sorted(V1_FINDINGS))
def test_designs_in_the_first_vocabulary_keep_their_findings(name):
    """The gallery and lint fixtures as they stood before §7, with the findings they had then."""
    result = api.lint_loaded(api.load_design(V1 / name))
    found = [
        {key: value for key, value in finding.as_dict().items() if key != "file"}
        for finding in result.findings
        if finding.code in V1_RULES
    ]
    assert found == V1_FINDINGS[name]


def test_a_single_managed_instance_sits_in_the_first_of_its_zones():
    from archgen.graph import DesignGraph

    design = api.load_text(
        "archgen: 1\nname: X\nzones: [a, b]\ncomponents:\n"
        "  one: {kind: database, managed: true, replicas: 1, zones: [b, a]}\n"
        "  many: {kind: database, managed: true, zones: [b, a]}\n"
        "  loose: {kind: database, managed: true}\n"
    ).design
    graph = DesignGraph(design)
    assert graph.used_zones("one") == {"b"} and not graph.is_redundant("one")
    assert graph.used_zones("many") == {"a", "b"} and graph.is_redundant("many")
    assert graph.used_zones("loose") == set(), "a managed component without placement never fails with a zone"


def test_a_zone_or_region_outlines_only_what_it_takes_down_on_the_way_to_what_it_breaks():
    """Marks follow breaks: an `any_of` alternative another region covers is held there, but not marked."""
    loaded = api.load_text(
        """
archgen: 1
name: Marks follow breaks
regions: {us: [us-a, us-b], eu: [eu-a, eu-b]}
components:
  users: {kind: client, calls: [api]}
  api: {kind: service, replicas: 2, regions: [us, eu], calls: [db, {any_of: [search_us, search_eu]}]}
  db: {kind: database, replicas: 2, region: us, backup: true}
  search_us: {kind: search, replicas: 2, region: us}
  search_eu: {kind: search, replicas: 2, region: eu}
""",
        file="marks.yaml",
    )
    (finding,) = [finding for finding in api.lint_loaded(loaded).findings if finding.code == "REL007"]
    assert finding.details["lost"] == ["db", "search_us"], "the region holds both"
    assert finding.marks == ("db",), "but only the database is on the way to what breaks"
    svg = api.render_design(loaded.design, [finding], ["svg"]).files["svg"].decode()
    boxes = dict(re.findall(r"<title>([^<]+)</title>(.*?)</g>", svg, re.S))
    assert "SPOF: region us" in boxes["db"] and "SPOF" not in boxes["search_us"] and "SPOF" not in boxes["api"]


def test_a_shared_host_is_one_event_drawn_and_documented_by_its_name():
    loaded = api.load_text(
        """
archgen: 1
name: Shared host
components:
  users: {kind: client, calls: [shop]}
  shop: {kind: service, replicas: 2, calls: [orders_db, users_db]}
  orders_db: {kind: database, host: db-server, backup: true}
  users_db: {kind: database, host: db-server, backup: true}
""",
        file="host.yaml",
    )
    result = api.lint_loaded(loaded)
    (finding,) = [finding for finding in result.findings if finding.code == "REL001"]
    assert (finding.line, finding.column) == (7, 31) and finding.details["host"] == "db-server"
    assert [row.event.name for row in result.failure_table] == ["db-server"]
    assert result.failure_table[0].as_dict()["kind"] == "host"
    svg = api.render_design(loaded.design, result.findings, ["svg"]).files["svg"].decode()
    assert svg.count("SPOF: host db&#45;server") == 2
