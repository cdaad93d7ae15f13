import json

import jsonschema
import pytest
import yaml

from tests.conftest import SPECS, run_cli

VALID_YAML = sorted((SPECS / "valid").glob("*.yaml"))


@pytest.fixture(scope="module")
def schema():
    result = run_cli("schema")
    assert result.code == 0
    return json.loads(result.out)


def test_schema_is_a_valid_json_schema(schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"].endswith("2020-12/schema")


@pytest.mark.parametrize("path", VALID_YAML, ids=lambda path: path.name)
def test_schema_accepts_every_valid_spec(schema, path):
    spec = yaml.safe_load(path.read_text())
    spec = json.loads(json.dumps(spec, default=str))  # dates become strings, as editors see them
    jsonschema.Draft202012Validator(schema).validate(spec)


@pytest.mark.parametrize(
    ("name", "spec"),
    [
        ("unknown top-level key", {"archgen": 1, "name": "x", "components": {}, "capcity": {}}),
        ("unknown kind", {"archgen": 1, "name": "x", "components": {"a": {"kind": "databse"}}}),
        (
            "cache field on a database",
            {"archgen": 1, "name": "x", "components": {"a": {"kind": "database", "eviction": "lru"}}},
        ),
        (
            "bad call option",
            {"archgen": 1, "name": "x", "components": {"a": {"kind": "service", "calls": [{"b": {"optinal": True}}]}}},
        ),
        ("bad size", {"archgen": 1, "name": "x", "components": {"a": {"kind": "cache", "memory": "lots"}}}),
        ("version 2", {"archgen": 2, "name": "x", "components": {}}),
    ],
)
def test_schema_rejects_invalid_specs(schema, name, spec):
    assert not jsonschema.Draft202012Validator(schema).is_valid(spec), name


def test_docs_spec_md_is_current_and_every_field_has_a_meaning_and_an_example():
    from archgen import api
    from tests.conftest import ROOT

    text = api.spec_reference()
    assert (ROOT / "docs" / "spec.md").read_text() == text, "run: make regen"
    reference = text.split("## Limits")[0]
    rows = [line for line in reference.splitlines() if line.startswith("| `")]
    assert len(rows) > 100
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split(" | ")]
        assert cells[3] and cells[4], f"a field without a meaning or an example: {row}"
    for kind in ("function", "cache", "database"):
        assert f"### kind: {kind}" in text
    assert "## Limits" in text and "16 MiB" in text
