"""The lint result cache: it never changes a result, ignores bad entries, and a hit loads no model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, run_cli

SETS = [ROOT / "designs", FIXTURES / "lint", FIXTURES / "failures", FIXTURES / "pictures", FIXTURES / "render"]
YAML = sorted(path for folder in SETS for path in folder.glob("*.yaml"))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ARCHGEN_CACHE_DIR", str(folder))
    return folder


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "lint").rglob("*.json")) if (cache / "lint").exists() else []


def test_warm_lint_gives_the_cold_lint_byte_for_byte(cache):
    fresh = run_cli("lint", *YAML, "--format", "json", "--fail-on", "info", "--no-cache")
    assert not entries(cache), "--no-cache writes nothing"
    cold = run_cli("lint", *YAML, "--format", "json", "--fail-on", "info")
    assert len(entries(cache)) == len(YAML) - 1, "every spec that loads is kept (bad-waiver-rule.yaml does not load)"
    warm = run_cli("lint", *YAML, "--format", "json", "--fail-on", "info")
    assert fresh.out == cold.out == warm.out and fresh.code == cold.code == warm.code
    assert fresh.err == cold.err == warm.err
    for fmt in ("text", "sarif", "github", "markdown"):
        assert (
            run_cli("lint", *YAML[:20], "--format", fmt).out
            == run_cli("lint", *YAML[:20], "--format", fmt, "--no-cache").out
        ), fmt


def test_each_design_is_answered_from_the_cache_alone(cache, tmp_path):
    designs = tmp_path / "designs"
    shutil.copytree(ROOT / "designs", designs, ignore=shutil.ignore_patterns("*.py", "*.json"))
    cold = run_cli("lint", designs, "--format", "json")
    for entry in entries(cache):
        data = json.loads(entry.read_text())
        data["findings"] = [
            {
                "code": "XXX999",
                "name": "planted",
                "severity": "error",
                "message": "from the cache",
                "file": data["file"],
                "line": 1,
                "column": 1,
                "component": None,
                "details": {},
                "marks": [],
            }
        ]
        entry.write_text(json.dumps(data))
    warm = run_cli("lint", designs, "--format", "json")
    assert json.loads(warm.out)[0]["message"] == "from the cache", "the warm run read the cache"
    assert json.loads(cold.out) == [] and warm.code == 1


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],
        lambda text: "not json at all",
        lambda text: json.dumps({**json.loads(text), "key": "0" * 64}),
        lambda text: json.dumps({**json.loads(text), "findings": [{"code": "REL001"}]}),
        lambda text: json.dumps({**json.loads(text), "archgen": "0.0.0"}),
    ],
    ids=["truncated", "corrupt", "foreign", "malformed", "other version"],
)
def test_a_bad_entry_is_ignored_with_a_warning(cache, damage):
    spec = FIXTURES / "lint" / "spof.yaml"
    cold = run_cli("lint", spec, "--format", "json")
    (entry,) = entries(cache)
    entry.write_text(damage(entry.read_text()))
    warm = run_cli("lint", spec, "--format", "json")
    assert warm.out == cold.out and warm.code == cold.code
    assert f"warning: ignoring the cache entry {entry}:" in warm.err
    assert json.loads(entry.read_text())["findings"], "the full lint wrote the entry again"


def test_a_changed_spec_or_setting_is_a_miss(cache, tmp_path):
    spec = tmp_path / "spof.yaml"
    shutil.copy(FIXTURES / "lint" / "spof.yaml", spec)
    assert {f["code"] for f in json.loads(run_cli("lint", spec, "--format", "json").out)} == {"REL001", "REL002"}
    only = run_cli("lint", spec, "--format", "json", "--select", "REL002")
    assert {f["code"] for f in json.loads(only.out)} == {"REL002"}
    spec.write_text(spec.read_text().replace("zones: [az-b], backup", "replicas: 2, zones: [az-a, az-b], backup"))
    assert {f["code"] for f in json.loads(run_cli("lint", spec, "--format", "json").out)} == {"REL002"}


def test_python_specs_are_not_cached(cache):
    run = run_cli("lint", ROOT / "designs" / "uber.py", "--format", "json")
    assert run.code == 0, run.err
    assert not entries(cache)


def test_the_cache_sits_beside_the_config_unless_told_otherwise(tmp_path):
    shutil.copy(FIXTURES / "lint" / "clean.yaml", tmp_path / "clean.yaml")
    (tmp_path / "archgen.toml").write_text("fail_on = 'error'\n")
    env = {key: value for key, value in os.environ.items() if key != "ARCHGEN_CACHE_DIR"}
    nested = tmp_path / "sub"
    nested.mkdir()
    assert run_cli("lint", tmp_path / "clean.yaml", cwd=nested, env=env).code == 0
    assert list((tmp_path / ".archgen_cache" / "lint").rglob("*.json"))
    assert not (nested / ".archgen_cache").exists()


def test_a_warm_hit_imports_neither_pydantic_nor_yaml(cache):
    spec = str(FIXTURES / "lint" / "spof.yaml")
    code = (
        "import sys\nfrom archgen.cli import main\n"
        f"try:\n    main(['lint', {spec!r}])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    env = {**os.environ, "ARCHGEN_CACHE_DIR": str(cache)}

    def modules() -> set[str]:
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
        return set(done.stdout.split())

    cold = modules()
    assert "pydantic" in cold and "yaml" in cold
    warm = modules()
    assert "archgen.lint_cache" in warm
    assert not {name for name in warm if name.split(".")[0] in ("pydantic", "yaml", "jinja2", "diagrams")}
    assert "archgen.model" not in warm
