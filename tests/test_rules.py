"""One YAML file of named cases per rule, run by one parametrized test (fixtures/rules/CODE.yaml)."""

import re
from pathlib import Path

import pytest
import yaml

from archgen import api
from archgen.rules.engine import is_selected
from tests.conftest import FIXTURES, ROOT

RULE_FIXTURES = FIXTURES / "rules"
RULES = api.rules()


def cases():
    for path in sorted(RULE_FIXTURES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        for case in data["cases"]:
            yield pytest.param(data["rule"], case, id=f"{data['rule']}: {case['name']}")


def lint_case(design: dict, tmp_path: Path):
    spec = {"archgen": 1, "name": "case", **design}
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return api.lint_loaded(api.load_design(path))


def expected(item) -> tuple[str, str]:
    """Read one expected finding: a component id (found at its key) or {component, at: a spec path}."""
    if isinstance(item, str):
        return item, f"components.{item}"
    return item.get("component") or "", item["at"]


def spec_path(dotted: str) -> tuple[str | int, ...]:
    return tuple(int(step) if step.isdigit() else step for step in dotted.split("."))


@pytest.mark.parametrize(("code", "case"), list(cases()))
def test_rule_case(code, case, tmp_path):
    result = lint_case(case["design"], tmp_path)
    source = result.loaded.source
    found = sorted((f.component or "", f.line, f.column) for f in result.findings if f.code == code)
    wanted = []
    for component, at in map(expected, case["expect"]):
        position = source.position(spec_path(at), key=True)
        wanted.append((component, position.line, position.column))
    assert found == sorted(wanted), [f"{f.line}:{f.column} {f.message}" for f in result.findings]


@pytest.mark.parametrize("code", RULES)
def test_every_rule_has_a_failing_and_a_passing_case(code):
    path = RULE_FIXTURES / f"{code}.yaml"
    assert path.exists(), f"no fixture file for {code}"
    data = yaml.safe_load(path.read_text())
    assert data["rule"] == code
    assert any(case["expect"] for case in data["cases"]), "no failing case"
    assert any(not case["expect"] for case in data["cases"]), "no passing case"


@pytest.mark.parametrize("code", RULES)
def test_every_rule_has_a_complete_page(code):
    rule = RULES[code]
    assert re.fullmatch(r"[A-Z]{3}\d{3}", code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
    assert rule.severity in ("error", "warning", "info")
    assert rule.summary and rule.section
    for heading in ("Why:", "How to fix:", "Bad:", "Good:"):
        assert heading in rule.doc, f"{code} page lacks {heading}"
    if rule.section != "—":
        assert f"§{rule.section.split(',')[0].split(' ')[0]}" in rule.doc or "Q&A" in rule.doc


def test_rule_names_are_unique():
    names = [rule.name for rule in RULES.values()]
    assert len(names) == len(set(names))


def test_docs_availability_md_is_current():
    from archgen.analysis import figures

    assert (ROOT / "docs" / "availability.md").read_text() == figures.page(), (
        "run: python -m archgen.analysis.figures > docs/availability.md"
    )


def test_docs_rules_md_is_current():
    assert (ROOT / "docs" / "rules.md").read_text() == api.catalogue_markdown(), (
        "run: archgen rules --markdown > docs/rules.md"
    )


@pytest.mark.parametrize(
    ("code", "select", "ignore", "expected"),
    [
        ("REL001", (), (), True),
        ("REL001", ("REL",), (), True),
        ("SCL001", ("REL",), (), False),
        ("REL001", (), ("REL",), False),
        ("REL001", ("REL001",), ("REL",), True),
        ("REL002", ("REL001",), ("REL",), False),
        ("REL001", ("REL",), ("REL001",), False),
        ("REL001", ("REL",), ("REL",), False),
        ("DOC003", ("",), ("DOC",), False),
    ],
)
def test_selection_longest_prefix_wins(code, select, ignore, expected):
    assert is_selected(code, select, ignore) is expected


def removals(design: dict):
    """Yield (what, design without it) for each input a rule may read that the design has."""
    for key in design:
        if key != "components":
            yield key, {k: v for k, v in design.items() if k != key}
    capacity = design.get("capacity") or {}
    for key in capacity:
        if key not in ("writes_per_day", "object_size"):
            yield f"capacity.{key}", {**design, "capacity": {k: v for k, v in capacity.items() if k != key}}
    for field in ("memory", "zones", "regions", "region", "backup", "rate_limit", "engine", "eviction", "ttl"):
        stripped = {cid: {k: v for k, v in c.items() if k != field} for cid, c in design["components"].items()}
        if stripped != design["components"]:
            yield f"components.*.{field}", {**design, "components": stripped}


def failing_cases():
    for code, case in (param.values for param in cases()):
        if case["expect"]:
            yield pytest.param(code, case, id=f"{code}: {case['name']}")


#: Removals that change the design so that the finding is rightly gone, not silenced.
CURES = {
    ("DOC003", "components.*.backup"): "without the backup, REL006 fires and the waiver is used",
    ("REL002", "components.*.zones"): "the component is then unplaced, which REL003 reports",
    ("REL007", "components.*.region"): "the component is then unplaced, which REL003 reports",
    ("SCL008", "components.*.eviction"): "without a policy, Redis and Valkey do not evict (noeviction)",
}


@pytest.mark.parametrize(("code", "case"), list(failing_cases()))
def test_a_rule_whose_input_is_removed_runs_or_says_it_was_skipped(code, case, tmp_path):
    """Remove each input a failing case has: the rule still reports, or is skipped with a reason — never silent."""
    for what, design in removals(case["design"]):
        if (code, what) in CURES:
            continue
        try:
            result = lint_case(design, tmp_path)
        except api.SpecError:
            continue  # others point at the input: it cannot go alone
        reported = any(finding.code == code for finding in result.findings)
        skipped = [skip.reason for skip in result.skipped if skip.code == code]
        assert reported or skipped, f"{code} went silent without {what}"


def test_str004_knows_diagrams_catalogue_and_suggests_the_closest_name():
    from archgen.api import lint_text

    spec = (
        "archgen: 1\nname: Engines\ncomponents:\n"
        "  users: {kind: client, calls: [a, b, c, d]}\n"
        "  a: {kind: database, engine: redshfit}\n"
        "  b: {kind: database, engine: Aurora}\n"
        "  c: {kind: service, engine: App Engine}\n"
        "  d: {kind: service, engine: cloud-functions}\n"
    )
    messages = [finding.message for finding in lint_text(spec, "engines.yaml").findings if finding.code == "STR004"]
    assert messages == ["a runs 'redshfit', an engine archgen does not know; did you mean 'redshift'?"]
