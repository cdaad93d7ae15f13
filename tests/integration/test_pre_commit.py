"""The pre-commit hooks, run by the real `pre-commit` tool with this checkout as the hook repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent))


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A git repository as a user has it: designs/ with a spec, the schema beside it, a helper, docs."""
    repo = tmp_path / "project"
    designs = repo / "designs" / "payments"
    designs.mkdir(parents=True)
    shutil.copy(FIXTURES / "lint" / "clean.yaml", designs / "clean.yaml")
    shutil.copy(ROOT / "designs" / "archgen.schema.json", repo / "designs" / "archgen.schema.json")
    (repo / "designs" / "_shared.py").write_text("ZONES = ['az-a', 'az-b']\n")
    (repo / "docs").mkdir()
    (repo / "docs" / "notes.yaml").write_text("not: a spec\n")
    git("init", "-q", cwd=repo)
    git("-c", "user.email=a@b", "-c", "user.name=a", "add", ".", cwd=repo)
    return repo


def try_repo(project: Path, hook: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(project.parent / "cache"), "NO_COLOR": "1"}
    command = [PRE_COMMIT or "pre-commit", "try-repo", str(ROOT), hook, "--all-files", "--verbose"]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env=env, timeout=900, check=False)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_hook_lints_specs_only_and_fails_on_a_broken_one(project):
    passed = try_repo(project, "archgen-lint")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "archgen lint" in passed.stdout and "Passed" in passed.stdout
    broken = project / "designs" / "payments" / "broken.yaml"
    broken.write_text("archgen: 1\nname: Broken\ncomponents:\n  a: {kind: servce}\n")
    git("add", ".", cwd=project)
    failed = try_repo(project, "archgen-lint")
    assert failed.returncode == 1
    assert "designs/payments/broken.yaml:4:" in failed.stdout and "did you mean 'service'?" in failed.stdout
    assert "archgen.schema.json" not in failed.stdout and "_shared.py" not in failed.stdout
    assert "notes.yaml" not in failed.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_drift_hook_passes_on_a_matching_design_and_fails_on_drift(tmp_path):
    repo = tmp_path / "shop"
    (repo / "designs").mkdir(parents=True)
    nextcloud = FIXTURES / "import" / "compose" / "nextcloud"
    shutil.copy(nextcloud / "docker-compose.yaml", repo / "docker-compose.yaml")
    design = repo / "designs" / "nextcloud.yaml"
    shutil.copy(nextcloud / "expected.yaml", design)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {ROOT}\n  rev: {head.stdout.strip()}\n  hooks:\n"
        "  - id: archgen-drift\n    args: [--check, designs/nextcloud.yaml, docker-compose.yaml]\n"
    )
    git("init", "-q", cwd=repo)
    git("add", ".", cwd=repo)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    command = [PRE_COMMIT or "pre-commit", "run", "archgen-drift", "--all-files", "--verbose"]

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env, timeout=900, check=False)

    passed = run()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "archgen drift" in passed.stdout and "Passed" in passed.stdout
    design.write_text(design.read_text().replace("calls: [redis, db]", "calls: [redis]"))
    git("add", ".", cwd=repo)
    failed = run()
    assert failed.returncode == 1
    assert "designs/nextcloud.yaml:7:3: drift: nc calls db in the deployment, not in the design" in failed.stdout
