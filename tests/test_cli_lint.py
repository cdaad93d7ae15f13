import json
import shutil

import pytest

from tests.conftest import FIXTURES, ROOT, run_cli

LINT = "tests/fixtures/lint"


def lint(*args, cwd=ROOT):
    return run_cli("lint", *args, cwd=cwd)


def test_text_output_names_position_code_and_message():
    result = lint(f"{LINT}/spof.yaml")
    assert result.code == 1
    lines = result.out.splitlines()
    assert (
        f"{LINT}/spof.yaml:11:3: REL001 db is a single point of failure: losing it fails users "
        "(path: users → lb → app → db)"
    ) in lines
    assert "Found" in result.err


def test_json_findings_carry_breaks_path_and_zone():
    result = lint(f"{LINT}/spof.yaml", "--format", "json")
    assert result.code == 1
    findings = json.loads(result.out)
    by_code = {(f["code"], f["component"]): f for f in findings}
    spof = by_code[("REL001", "db")]
    assert spof["severity"] == "error"
    assert spof["breaks"] == ["users"]
    assert spof["path"] == ["users", "lb", "app", "db"]
    assert (spof["file"], spof["line"], spof["column"]) == (f"{LINT}/spof.yaml", 11, 3)
    zone = by_code[("REL002", None)]
    assert zone["zone"] == "az-a" and zone["breaks"] == ["users"] and zone["path"] == ["users", "lb", "app"]
    assert (zone["line"], zone["column"]) == (5, 9)
    assert ("REL001", "cache") not in by_code, "an optional single cache is no SPOF"
    for finding in findings:
        assert set(finding) >= {"code", "name", "severity", "message", "file", "line", "column", "component"}


def test_clean_design_exits_0():
    result = lint(f"{LINT}/clean.yaml")
    assert result.code == 0, result.out
    assert result.out == ""


def test_fail_on_error_ignores_warnings(tmp_path):
    shutil.copy(FIXTURES / "lint" / "clean.yaml", tmp_path / "a.yaml")
    text = (tmp_path / "a.yaml").read_text().replace("backup: true", "backup: false")
    (tmp_path / "a.yaml").write_text(text)
    assert lint(tmp_path / "a.yaml").code == 1
    assert lint(tmp_path / "a.yaml", "--fail-on", "error").code == 0


def test_select_and_ignore_by_prefix():
    codes = lambda result: {f["code"] for f in json.loads(result.out)}  # noqa: E731
    assert codes(lint(f"{LINT}/spof.yaml", "--format", "json", "--select", "REL")) == {"REL001", "REL002"}
    assert codes(lint(f"{LINT}/spof.yaml", "--format", "json", "--select", "REL", "--ignore", "REL002")) == {"REL001"}
    assert codes(lint(f"{LINT}/spof.yaml", "--format", "json", "--select", "REL001", "--ignore", "REL")) == {"REL001"}


def test_unknown_rule_code_in_flags_is_a_usage_error():
    result = lint(f"{LINT}/clean.yaml", "--select", "RL001")
    assert result.code == 2
    assert "no rule matches 'RL001'" in result.err


def test_waivers_silence_and_expired_waivers_come_back():
    result = lint(f"{LINT}/waivers.yaml", "--format", "json")
    findings = {(f["code"], f["component"]) for f in json.loads(result.out)}
    assert ("REL001", "db") not in findings
    assert ("DOC004", None) in findings and ("OPS001", None) in findings
    assert ("DOC003", None) in findings  # the SCL003 waiver silences nothing


def test_waiver_of_an_unknown_rule_is_a_spec_error():
    result = lint(f"{LINT}/bad-waiver-rule.yaml")
    assert result.code == 2
    assert f"{LINT}/bad-waiver-rule.yaml:6:12: waivers.0.rule: no rule 'REL019'; did you mean" in result.err


def test_invalid_spec_exits_2_without_traceback():
    result = lint("tests/fixtures/specs/invalid/unknown-keys.yaml")
    assert result.code == 2
    assert "unknown key 'algoritm'" in result.err
    assert "Traceback" not in result.err


def test_config_is_found_by_walking_up_and_flags_override_it(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.archgen]\nignore = ["REL"]\nfail-on = "error"\n')
    (tmp_path / "designs").mkdir()
    shutil.copy(FIXTURES / "lint" / "spof.yaml", tmp_path / "designs" / "spof.yaml")
    assert run_cli("lint", "designs/spof.yaml", cwd=tmp_path).code == 0
    assert run_cli("lint", cwd=tmp_path).code == 0  # designs/ by default
    assert run_cli("lint", "designs/spof.yaml", "--select", "REL001", cwd=tmp_path).code == 1


def test_per_rule_severity_from_config(tmp_path):
    (tmp_path / "archgen.toml").write_text('select = ["REL001"]\nfail-on = "error"\n[severity]\nREL001 = "info"\n')
    shutil.copy(FIXTURES / "lint" / "spof.yaml", tmp_path / "spof.yaml")
    result = run_cli("lint", "spof.yaml", "--format", "json", cwd=tmp_path)
    assert result.code == 0
    assert {f["severity"] for f in json.loads(result.out)} == {"info"}


def test_verbose_says_which_rules_were_skipped(tmp_path):
    (tmp_path / "a.yaml").write_text("archgen: 1\nname: A\ncomponents:\n  app: {kind: service, replicas: 2}\n")
    result = run_cli("lint", "a.yaml", "--verbose", cwd=tmp_path)
    assert "SCL001 skipped: the design has no `capacity`" in result.err
    assert "REL002 skipped: the design has no `zones`" in result.err
    items = json.loads(run_cli("lint", "a.yaml", "--format", "json", "--verbose", cwd=tmp_path).out)
    assert {
        "code": "SCL001",
        "name": "read-heavy-without-cache",
        "file": "a.yaml",
        "skipped": "the design has no `capacity`",
    } in items


def test_sarif_has_what_github_code_scanning_needs():
    first = lint(f"{LINT}/spof.yaml", "--format", "sarif")
    second = lint(f"{LINT}/spof.yaml", "--format", "sarif")
    assert first.code == 1
    log = json.loads(first.out)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "archgen"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert "REL001" in rule_ids
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["help"]["text"]
    assert run["results"]
    for result in run["results"]:
        assert result["ruleId"] in rule_ids
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == f"{LINT}/spof.yaml"
        assert not location["artifactLocation"]["uri"].startswith("/")
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1
        assert result["partialFingerprints"]
    fingerprints = [r["partialFingerprints"] for r in run["results"]]
    assert fingerprints == [r["partialFingerprints"] for r in json.loads(second.out)["runs"][0]["results"]]
    assert len({json.dumps(f) for f in fingerprints}) == len(fingerprints)


def test_sarif_validates_against_the_sarif_schema_subset():
    jsonschema = pytest.importorskip("jsonschema")
    schema = {
        "type": "object",
        "required": ["version", "runs"],
        "properties": {
            "runs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["tool", "results"],
                    "properties": {"tool": {"required": ["driver"], "properties": {"driver": {"required": ["name"]}}}},
                },
            }
        },
    }
    jsonschema.validate(json.loads(lint(f"{LINT}/spof.yaml", "--format", "sarif").out), schema)


def test_github_annotations():
    result = lint(f"{LINT}/spof.yaml", "--format", "github")
    line = next(line for line in result.out.splitlines() if "REL001" in line)
    assert line.startswith(f"::error file={LINT}/spof.yaml,line=11,col=3,title=REL001 single-point-of-failure::")


def test_rules_and_explain():
    listing = run_cli("rules")
    assert listing.code == 0 and "REL001  single-point-of-failure" in listing.out
    page = run_cli("explain", "rel001")
    assert page.code == 0 and "Why:" in page.out and "How to fix:" in page.out
    unknown = run_cli("explain", "REL999")
    assert unknown.code == 2 and "no rule 'REL999'" in unknown.err


def test_sarif_locations_inside_and_outside_the_working_folder(tmp_path):
    outside = tmp_path / "my designs" / "spof.yaml"
    outside.parent.mkdir()
    shutil.copy(FIXTURES / "lint" / "spof.yaml", outside)
    log = json.loads(lint(f"{LINT}/spof.yaml", outside, "--format", "sarif").out)
    locations = {
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: result["locations"][0][
            "physicalLocation"
        ]["artifactLocation"]
        for result in log["runs"][0]["results"]
    }
    assert locations[f"{LINT}/spof.yaml"] == {"uri": f"{LINT}/spof.yaml", "uriBaseId": "%SRCROOT%"}
    uri = outside.as_uri()
    assert uri.startswith("file:///") and "%20" in uri
    assert locations[uri] == {"uri": uri}, "outside the source root: an absolute file URI, no base id"


def test_the_readme_example_spec_lints_clean(tmp_path):
    import re

    readme = (ROOT / "README.md").read_text()
    spec = re.search(r"## A spec\n.*?```yaml\n(.*?)```", readme, re.DOTALL)
    assert spec
    path = tmp_path / "url-shortener.yaml"
    path.write_text(spec.group(1))
    result = run_cli("lint", path, "--fail-on", "info")
    assert result.code == 0, result.out + result.err


def test_a_command_run_in_process_leaves_the_garbage_collector_as_it_found_it():
    import gc

    assert gc.isenabled()
    assert run_cli("lint", FIXTURES / "lint" / "clean.yaml").code == 0
    assert gc.isenabled(), "the CLI pauses the cyclic collector for its command only"
    gc.disable()
    try:
        run_cli("lint", FIXTURES / "lint" / "clean.yaml")
        assert not gc.isenabled(), "and does not turn on a collector its caller turned off"
    finally:
        gc.enable()


def test_every_option_of_every_command_says_what_it_does():
    import click

    from archgen.cli import main

    silent = [
        f"{name} {option.opts[0]}"
        for name, command in main.commands.items()
        for option in command.params
        if isinstance(option, click.Option) and not option.help
    ]
    assert silent == []
    assert all(command.help for command in main.commands.values())


@pytest.mark.parametrize(
    "table",
    ['[tool.archgen]\nignore = ["REL"]\n', '[tool]\narchgen = {ignore = ["REL"]}\n', 'tool.archgen.ignore = ["REL"]\n'],
    ids=["table", "inline table", "dotted key"],
)
def test_a_pyproject_config_is_found_however_toml_writes_it(tmp_path, table):
    shutil.copy(FIXTURES / "lint" / "spof.yaml", tmp_path / "spof.yaml")
    (tmp_path / "pyproject.toml").write_text(table + '\n[project]\nname = "shop"\n')
    done = run_cli("lint", "spof.yaml", "--format", "json", cwd=tmp_path)
    assert not [finding for finding in json.loads(done.out) if finding["code"].startswith("REL")], table
