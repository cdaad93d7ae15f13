import re
from pathlib import Path

import pydantic
import pytest

from archgen.api import load_design
from archgen.errors import SpecError
from archgen.model import KINDS, STORE_KINDS, Cache, Database, Design, LoadBalancer
from tests.conftest import FIXTURES, SPECS

VALID = sorted((SPECS / "valid").glob("*.*"))
INVALID = sorted((SPECS / "invalid").glob("*.*"))
EXPECT = re.compile(r"^# expect: (\d+):(\d+) (.*)$", re.MULTILINE)


@pytest.mark.parametrize("path", VALID, ids=lambda path: path.name)
def test_valid_specs_load(path):
    loaded = load_design(path)
    assert loaded.design.components


@pytest.mark.parametrize("path", INVALID, ids=lambda path: path.name)
def test_invalid_specs_report_every_problem_at_its_position(path):
    expected = [(int(line), int(column), text) for line, column, text in EXPECT.findall(path.read_text("latin-1"))]
    assert expected, f"{path.name} states no `# expect:` lines"
    with pytest.raises(SpecError) as caught:
        load_design(path)
    problems = caught.value.problems
    assert [(problem.line, problem.column) for problem in problems] == [(line, col) for line, col, _ in expected]
    for problem, (_, _, text) in zip(problems, expected, strict=True):
        assert text in problem.message
        assert problem.file == str(path)


def test_every_kind_and_field_appears_in_the_every_kind_fixture():
    design = load_design(SPECS / "valid" / "every-kind.yaml").design
    assert sorted({component.kind for component in design.components.values()}) == sorted(KINDS)
    used_fields = set().union(*(component.model_fields_set for component in design.components.values()))
    every_field = set().union(*(type(component).model_fields for component in design.components.values()))
    assert every_field - used_fields == set()
    assert design.model_fields_set == set(Design.model_fields)


def test_every_kind_fixture_parses_units_and_kind_fields():
    design = load_design(SPECS / "valid" / "every-kind.yaml").design
    sessions = design.components["sessions"]
    assert isinstance(sessions, Cache)
    assert sessions.memory == 8 * 10**9 and sessions.ttl == 1800 and sessions.eviction == "lfu"
    photos = design.components["photos"]
    assert isinstance(photos, Database)
    assert photos.partitioning is not None and photos.partitioning.shards == 8
    assert photos.backup is not None and not isinstance(photos.backup, bool) and photos.backup.retention == 30 * 86400
    gateway = design.components["gw"]
    assert gateway.rate_limit == pytest.approx(100 / 60)  # type: ignore[union-attr]
    lb = design.components["lb"]
    assert isinstance(lb, LoadBalancer) and lb.layer == 7
    assert design.capacity is not None
    assert design.capacity.daily_active_users == 1_500_000_000
    assert design.capacity.object_size == 2 * 2**20
    assert design.capacity.server_storage == 16 * 2**40
    calls = design.components["api"].calls
    assert [call.targets for call in calls] == [("sessions",), ("photos", "photos_replica"), ("jobs",), ("index",)]
    assert [(call.optional, call.is_async) for call in calls] == [
        (False, False),
        (False, False),
        (False, True),
        (True, False),
    ]
    assert {c.kind for c in design.components.values()} >= STORE_KINDS


def test_yaml_and_python_twins_build_equal_models():
    from_yaml = load_design(SPECS / "valid" / "url-shortener.yaml")
    from_python = load_design(SPECS / "valid" / "url-shortener.py")
    assert from_yaml.design == from_python.design


def test_positions_point_at_the_component():
    from_yaml = load_design(SPECS / "valid" / "url-shortener.yaml")
    from_python = load_design(SPECS / "valid" / "url-shortener.py")
    yaml_lines = (SPECS / "valid" / "url-shortener.yaml").read_text().splitlines()
    python_lines = (SPECS / "valid" / "url-shortener.py").read_text().splitlines()
    for component in from_yaml.design.components:
        position = from_yaml.component_position(component)
        assert yaml_lines[position.line - 1][position.column - 1 :].startswith(component + ":")
        position = from_python.component_position(component)
        call = "\n".join(python_lines[position.line - 1 : position.line + 2])[position.column - 1 :]
        assert re.match(rf'[A-Z][A-Za-z]+\(\s*"{component}"', call)


def test_python_tags_are_never_executed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SpecError):
        load_design(SPECS / "invalid" / "python-tag.yaml")
    assert not (tmp_path / "pwned").exists()


def test_oversized_files_are_refused_without_parsing(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("archgen: 1\nname: Big\ncomponents: {}\ndescription: " + "x" * (17 * 1024 * 1024) + "\n")
    with pytest.raises(SpecError) as caught:
        load_design(big)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (1, 1)
    assert "limited to" in problem.message and len(problem.message) < 200


def test_python_specs_can_be_refused(tmp_path):
    marker = tmp_path / "ran"
    spec = tmp_path / "spec.py"
    spec.write_text(f"open({str(marker)!r}, 'w').close()\n")
    with pytest.raises(SpecError) as caught:
        load_design(spec, allow_python=False)
    assert "disabled" in caught.value.problems[0].message
    assert not marker.exists()


def test_missing_file_is_a_spec_error():
    with pytest.raises(SpecError) as caught:
        load_design(Path("no/such/spec.yaml"))
    assert "cannot read" in caught.value.problems[0].message


def test_models_are_frozen():
    design = load_design(SPECS / "valid" / "url-shortener.yaml").design
    with pytest.raises(pydantic.ValidationError):
        design.name = "other"  # type: ignore[misc]


def test_the_words_for_real_systems_load_the_same_from_yaml_and_python():
    twins = FIXTURES / "twins"
    from_yaml = load_design(twins / "real-systems.yaml")
    from_python = load_design(twins / "real-systems.py")
    assert from_python.design == from_yaml.design
    assert from_python.position("flows", "post").line > from_python.position("components", "ranker").line
