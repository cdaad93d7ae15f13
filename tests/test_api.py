"""archgen.api, the facade: every command as a function returning values, on real files and in memory."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from archgen import api, dsl
from archgen.model import Capacity
from tests.conftest import FIXTURES, SPECS, needs_dot

SPOF = FIXTURES / "lint" / "spof.yaml"
EXAMPLE = SPECS / "valid" / "url-shortener.yaml"


def test_lint_files_returns_findings_with_positions():
    run = api.lint([SPOF])
    assert not run.errors
    spof = next(finding for finding in run.findings if finding.code == "REL001")
    assert (spof.component, spof.line, spof.column) == ("db", 11, 3)
    assert spof.details["path"] == ["users", "lb", "app", "db"]
    assert [finding.code for finding in run.at_or_above("error")] == ["REL002", "REL001"]


def test_lint_collects_spec_errors_instead_of_raising(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("archgen: 1\nname: Broken\ncomponents:\n  a: {kind: servce}\n")
    run = api.lint([broken, SPOF])
    (error,) = run.errors
    assert error.lines()[0].startswith(f"{broken}:4:13: components.a.kind: unknown kind 'servce'")
    assert run.findings, "the good design is still linted"


def test_lint_text_holds_the_spec_in_memory():
    result = api.lint_text(SPOF.read_text(), file="<stdin>")
    spof = next(finding for finding in result.findings if finding.code == "REL001")
    assert (spof.file, spof.line, spof.column) == ("<stdin>", 11, 3)
    with pytest.raises(api.SpecError, match=r"<stdin>:4:13: components\.a\.kind: unknown kind 'servce'"):
        api.lint_text("archgen: 1\nname: Broken\ncomponents:\n  a: {kind: servce}\n", file="<stdin>")


def test_lint_of_a_python_design_built_in_memory():
    with dsl.Design("In memory", zones=["az-a", "az-b"]) as design:
        users = dsl.Client("users")
        with dsl.Group("Edge", zones=["az-a", "az-b"]):
            lb = dsl.LoadBalancer("lb", replicas=2, rate_limit="100/s")
        primary = dsl.Service("primary")
        fallback = dsl.Service("fallback")
        db = dsl.Database("db", replicas=2, zones=["az-a", "az-b"], backup=True)
        cache = dsl.Cache("cache", eviction="lru")
        users >> lb >> dsl.any_of(primary, fallback)
        [primary, fallback] >> db
        [primary] >> cache.optional()
    result = api.lint_loaded(design)
    codes = {(finding.code, finding.component) for finding in result.findings}
    # One single service is not a SPOF when it has an alternative.
    assert not {code for code in codes if code[0] == "REL001"}
    assert result.loaded.design.components["lb"].group == "Edge"
    assert result.loaded.design.components["lb"].zones == ("az-a", "az-b")
    calls = result.loaded.design.components["primary"].calls
    assert [(call.targets, call.optional) for call in calls] == [(("db",), False), (("cache",), True)]
    line = result.loaded.component_position("fallback").line
    assert line == primary_line(Path(__file__)) + 1


def primary_line(path: Path) -> int:
    return next(
        index for index, text in enumerate(path.read_text().splitlines(), 1) if 'dsl.Service("primary")' in text
    )


def test_lint_of_a_model_and_spec_errors_in_a_python_design():
    model = api.load_design(SPOF).design
    assert {finding.code for finding in api.lint_loaded(model).findings} >= {"REL001"}
    with dsl.Design("Bad") as design:
        dsl.Cache("cache", eviction="sometimes")  # type: ignore[typeddict-item]
    with pytest.raises(api.SpecError, match="'sometimes' is not one of lru"):
        api.lint_loaded(design)


def test_the_python_front_end_takes_the_model_classes():
    with dsl.Design("Typed", capacity=Capacity(writes_per_day="1M", object_size="1KB")) as design:
        dsl.Service("app", replicas=2)
    assert api.load_model(design).design.capacity == Capacity(writes_per_day=1_000_000, object_size=1000)


def test_settings_select_rules_and_unknown_codes_are_refused():
    settings = api.Settings().merged(select=("REL001",))
    assert {finding.code for finding in api.lint([SPOF], settings).findings} == {"REL001"}
    with pytest.raises(api.ConfigError, match="no rule matches 'RL001'"):
        api.lint([SPOF], api.Settings(select=("RL001",)))


def test_waivers_are_judged_by_their_own_rules():
    today = datetime.date(2026, 1, 1)
    run = api.lint([FIXTURES / "lint" / "waivers.yaml"], today=today)
    codes = {(finding.code, finding.component) for finding in run.findings}
    assert ("REL001", "db") not in codes and ("DOC003", None) in codes and ("DOC004", None) in codes


def test_validate_estimate_and_schema():
    run = api.validate([SPECS / "valid"])
    assert len(run.designs) == 3 and not run.errors
    estimates = api.estimate_all([FIXTURES / "capacity" / "worked-example.yaml"])
    (item,) = estimates.estimates
    assert item.estimate is not None and item.estimate.servers == 137
    assert item.table[0].quantity == "Write requests"
    assert api.json_schema()["title"].startswith("archgen design spec")


def test_render_without_graphviz_formats_returns_what_it_wrote(tmp_path):
    run = api.render([EXAMPLE], tmp_path, ("dot", "mermaid"))
    assert [path.name for path in run.written] == ["url-shortener.dot", "url-shortener.mmd"]
    assert not run.errors


def test_docs_writes_the_design_document(tmp_path):
    run = api.docs([FIXTURES / "docs" / "shop.yaml"], tmp_path)
    assert (tmp_path / "shop-orders.md").read_text() == (FIXTURES / "docs" / "shop-orders.md").read_text()
    assert run.written == [tmp_path / "shop-orders.md"]


@needs_dot
def test_build_and_check(tmp_path):
    output = tmp_path / "output"
    run = api.build([SPOF], output)
    assert run.built and not run.errors
    assert api.build([SPOF], output, check=True).stale == []
    manifest = json.loads((output / ".archgen-manifest.json").read_text())
    (entry,) = manifest["designs"].values()
    assert entry["slug"] == "single-database" and set(entry["files"]) == {"design.md", "diagram.png", "diagram.svg"}


def test_new_rules_and_explain(tmp_path):
    written = api.new_design("Photo sharing", tmp_path)
    assert [path.name for path in written] == ["photo-sharing.yaml", "archgen.schema.json"]
    assert "REL001" in api.rules()
    assert api.explain("rel001").code == "REL001"
    with pytest.raises(api.ArchgenError, match="no rule 'REL999'"):
        api.explain("REL999")


def test_settings_are_read_from_the_project(tmp_path):
    (tmp_path / "archgen.toml").write_text('fail-on = "error"\ndesigns = ["specs"]\n')
    settings = api.load_settings(tmp_path)
    assert settings.fail_on == "error" and settings.designs == (tmp_path / "specs",)
    assert api.load_settings(tmp_path, tmp_path / "archgen.toml") == settings


def test_a_design_without_an_entry_point_says_why_the_failure_analysis_is_skipped():
    result = api.lint_text(
        "archgen: 1\nname: Cycle\ncomponents:\n  a: {kind: service, calls: [b]}\n  b: {kind: service, calls: [a]}\n"
    )
    reasons = {skip.code: skip.reason for skip in result.skipped}
    assert reasons["REL001"].startswith("the design has no entry point")
    assert "REL001" not in {finding.code for finding in result.findings}
    assert "STR003" in {finding.code for finding in result.findings}, "the cycle itself is a finding"


def test_validate_refuses_a_waiver_of_an_unknown_rule_as_lint_does():
    spec = FIXTURES / "lint" / "bad-waiver-rule.yaml"
    run = api.validate([spec])
    assert not run.designs
    assert "waivers.0.rule: no rule 'REL019'" in run.errors[0].lines()[0]


def test_rules_whose_inputs_are_missing_say_so():
    result = api.lint_text(
        "archgen: 1\nname: Partial\nrequirements: {functional: [Read]}\n"
        "capacity: {writes_per_day: 1M, object_size: 1KB}\n"
        "components:\n  app: {kind: service, replicas: 2, calls: [{cache: {optional: true}}]}\n"
        "  cache: {kind: cache, eviction: lru}\n"
    )
    reasons = {skip.code: skip.reason for skip in result.skipped}
    assert reasons["SCL002"] == "the capacity section has no `server_storage`"
    assert reasons["SCL004"] == "no cache says its `memory`"
    assert reasons["CON001"] == "the requirements say no `consistency`"
