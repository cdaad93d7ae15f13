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
                "code": "REL001",
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
        lambda text: text.encode().replace(b"single", b"\xff\xfe single"),
        lambda text: text.replace('"line": 5', '"line": Infinity', 1),
        lambda text: text.replace('"line": 5', '"line": 1e999', 1),
        lambda text: text[:-1] + ', "deep": ' + "[" * 100_000 + "]" * 100_000 + "}",
        lambda text: text.replace('"REL001"', '"XXX999"'),
        lambda text: json.dumps([json.loads(text)]),
    ],
    ids=[
        "truncated",
        "corrupt",
        "foreign",
        "malformed",
        "other version",
        "not UTF-8",
        "Infinity",
        "huge",
        "deep",
        "unknown rule",
        "not an object",
    ],
)
@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_a_bad_entry_is_ignored_with_a_warning(cache, damage, fmt):
    spec = FIXTURES / "lint" / "spof.yaml"
    cold = run_cli("lint", spec, "--format", fmt)
    (entry,) = entries(cache)
    damaged = damage(entry.read_text())
    assert damaged != entry.read_text()
    entry.write_bytes(damaged if isinstance(damaged, bytes) else damaged.encode())
    warm = run_cli("lint", spec, "--format", fmt)
    assert warm.out == cold.out and warm.code == cold.code, warm.err
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


def test_a_linked_cache_folder_is_not_written_through(tmp_path):
    shutil.copy(FIXTURES / "lint" / "clean.yaml", tmp_path / "clean.yaml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / ".archgen_cache").symlink_to(elsewhere)
    env = {key: value for key, value in os.environ.items() if key != "ARCHGEN_CACHE_DIR"}
    done = run_cli("lint", "clean.yaml", cwd=tmp_path, env=env)
    assert done.code == 0, done.err
    assert f"warning: not writing the lint cache through the symbolic link {tmp_path / '.archgen_cache'}" in done.err
    assert not any(elsewhere.rglob("*")), "nothing was written through the link"


def test_archgen_is_known_by_its_source_not_its_file_times(tmp_path):
    """A same-size edit that keeps the file times is another archgen: its results are not the old ones."""
    package = tmp_path / "archgen"
    shutil.copytree(ROOT / "src" / "archgen", package, ignore=shutil.ignore_patterns("__pycache__"))
    rule = package / "rules" / "rel001_single_point_of_failure.py"
    code = (
        "import sys\nsys.path.insert(0, sys.argv[1])\nfrom archgen.files import source_digest\nprint(source_digest())"
    )

    def digest() -> str:
        done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True)
        return done.stdout.strip()

    before = digest()
    info = rule.stat()
    text = rule.read_text()
    edited = text.replace("single point of failure", "single point of fai1ure", 1)
    assert edited != text and len(edited) == len(text)
    rule.write_text(edited)
    os.utime(rule, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert rule.stat().st_size == info.st_size and rule.stat().st_mtime_ns == info.st_mtime_ns
    assert digest() != before
