"""A baseline through the real CLI: it hides what it records, survives moves and reformatting, and shrinks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_cli

SPOF = FIXTURES / "lint" / "spof.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(SPOF, tmp_path / "spof.yaml")
    return tmp_path


def test_a_baseline_hides_what_it_records_and_reports_what_is_new(project):
    wrote = run_cli("lint", "spof.yaml", "--write-baseline", "baseline.json", cwd=project)
    assert wrote.code == 0 and "baseline.json: 2 findings recorded" in wrote.err
    data = json.loads((project / "baseline.json").read_text())
    assert data["format"] == "archgen-baseline" and {row["code"] for row in data["findings"]} == {"REL001", "REL002"}
    quiet = run_cli("lint", "spof.yaml", "--baseline", "baseline.json", cwd=project)
    assert quiet.code == 0 and quiet.out == "" and "No findings." in quiet.err
    spec = project / "spof.yaml"
    archive = "  archive: {kind: search, replicas: 2, zones: [az-a, az-b]}\n"
    spec.write_text(spec.read_text().replace("  db: {", archive + "  db: {"))
    new = run_cli("lint", "spof.yaml", "--baseline", "baseline.json", "--format", "json", cwd=project)
    assert [(finding["code"], finding["component"]) for finding in json.loads(new.out)] == [("STR001", "archive")]
    spec.write_text("archgen: 1\nname: [broken\n")
    broken = run_cli("lint", "spof.yaml", "--baseline", "baseline.json", "--format", "json", cwd=project)
    assert broken.code == 2 and json.loads(broken.out) == [], "a spec that does not load fixes nothing"


def test_the_baseline_survives_moving_and_reformatting_the_spec(project):
    assert run_cli("lint", "spof.yaml", "--write-baseline", "baseline.json", cwd=project).code == 0
    spec = project / "spof.yaml"
    lines = spec.read_text().splitlines()
    components = lines.index("components:")
    # Block style instead of flow style, comments, blank lines and the components in another order.
    reformatted = ["# moved and reformatted", "", *lines[:components], "components:"]
    for line in reversed(lines[components + 1 :]):
        if line.startswith("  "):
            name, _, body = line.strip().partition(": ")
            reformatted += [f"  {name}:", *(f"    {field.strip()}" for field in _fields(body)), ""]
    spec.write_text("\n".join(reformatted) + "\n")
    assert run_cli("validate", "spof.yaml", cwd=project).code == 0
    moved = run_cli("lint", "spof.yaml", "--baseline", "baseline.json", "--format", "json", cwd=project)
    assert moved.code == 0 and json.loads(moved.out) == []


def _fields(body: str) -> list[str]:
    """Split a flow mapping `{a: 1, b: [x, y]}` into its `key: value` fields."""
    inner, fields, depth, current = body.strip()[1:-1], [], 0, ""
    for char in inner:
        depth += 1 if char in "[{" else -1 if char in "]}" else 0
        if char == "," and depth == 0:
            fields.append(current)
            current = ""
        else:
            current += char
    return [*fields, current]


def test_fixed_entries_are_reported_and_writing_again_shrinks_the_baseline(project):
    assert run_cli("lint", "spof.yaml", "--write-baseline", "baseline.json", cwd=project).code == 0
    spec = project / "spof.yaml"
    spec.write_text(spec.read_text().replace("zones: [az-b], backup", "replicas: 2, zones: [az-a, az-b], backup"))
    text = run_cli("lint", "spof.yaml", "--baseline", "baseline.json", cwd=project)
    assert text.code == 0 and "spof.yaml: REL001 on db: fixed since the baseline" in text.err

    def report(fmt: str) -> str:
        return run_cli("lint", "spof.yaml", "--baseline", "baseline.json", "--format", fmt, cwd=project).out

    sarif = json.loads(report("sarif"))
    states = {(result["ruleId"], result["baselineState"]) for result in sarif["runs"][0]["results"]}
    assert states == {("REL001", "absent")}
    assert [item["code"] for item in json.loads(report("json")) if item.get("baseline") == "fixed"] == ["REL001"]
    assert "<details><summary>1 baseline entry fixed</summary>" in report("markdown")
    github = report("github")
    assert "::notice file=spof.yaml::fixed since the baseline: REL001 on db" in github
    assert run_cli("lint", "spof.yaml", "--write-baseline", "baseline.json", cwd=project).code == 0
    rows = json.loads((project / "baseline.json").read_text())["findings"]
    assert [row["code"] for row in rows] == ["REL002"], "only what still exists is kept"


def test_a_baseline_counts_each_finding_it_records(project):
    """Two identical findings recorded hide two; a third is new (a multiset, not a set)."""
    spec = project / "twins.yaml"
    spec.write_text(
        "archgen: 1\nname: Twins\ncomponents:\n  users: {kind: client, calls: [app]}\n"
        "  app: {kind: service, replicas: 2}\n  a: {kind: cache}\n  b: {kind: cache}\n"
    )
    assert run_cli("lint", "twins.yaml", "--write-baseline", "baseline.json", cwd=project).code == 0
    spec.write_text(spec.read_text() + "  c: {kind: cache}\n")
    found = run_cli("lint", "twins.yaml", "--baseline", "baseline.json", "--format", "json", cwd=project)
    assert [(item["code"], item["component"]) for item in json.loads(found.out) if item["code"] == "STR001"] == [
        ("STR001", "c")
    ]


def test_the_config_names_the_baseline(project):
    assert run_cli("lint", "spof.yaml", "--write-baseline", "accepted.json", cwd=project).code == 0
    (project / "archgen.toml").write_text('baseline = "accepted.json"\n')
    assert run_cli("lint", "spof.yaml", cwd=project).code == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "baseline.json:1:2: not an archgen baseline: Expecting property name"),
        ('{"version": "2.1.0", "runs": []}', 'not an archgen baseline (it has no "format": "archgen-baseline"'),
        ('{"format": "archgen-baseline", "version": 9, "findings": []}', "baseline version 9; this archgen reads"),
        ('{"format": "archgen-baseline", "version": 1, "findings": [{"code": 1}]}', "findings[0] is not a baseline"),
        ('{"format": "archgen-baseline", "version": 1, "findings": {}}', '"findings" is not a list'),
    ],
    ids=["not JSON", "another tool's", "another version", "a broken entry", "no list"],
)
def test_a_file_that_is_not_a_baseline_is_one_clear_error(project, content, message):
    (project / "baseline.json").write_text(content)
    done = run_cli("lint", "spof.yaml", "--baseline", "baseline.json", cwd=project)
    assert done.code == 2 and message in done.err and "Traceback" not in done.err
    wrote = run_cli("lint", "spof.yaml", "--write-baseline", "baseline.json", cwd=project)
    assert wrote.code == 2 and message in wrote.err, "an existing file that is not a baseline is not overwritten"
    assert (project / "baseline.json").read_text() == content


def test_a_baseline_that_is_too_large_or_not_a_file_is_refused_before_it_is_read(project):
    huge = project / "huge.json"
    with huge.open("wb") as stream:
        stream.truncate(64 * 1024**2)
    done = run_cli("lint", "spof.yaml", "--baseline", "huge.json", cwd=project)
    assert done.code == 2 and "cannot read the baseline: file is 67,108,864 bytes" in done.err
    (project / "folder.json").mkdir()
    folder = run_cli("lint", "spof.yaml", "--baseline", "folder.json", cwd=project)
    assert folder.code == 2 and "folder.json" in folder.err and "Traceback" not in folder.err
