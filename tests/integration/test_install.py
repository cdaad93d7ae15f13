"""archgen installed the way a user outside this repository installs it: a wheel in a fresh venv.

Run with `pytest --integration tests/integration` (`make integration`, part of `make test`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, needs_dot

UV = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, env=env, timeout=600, check=False
    )
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build archgen's wheel from this checkout, as `pip install <path>` or a VCS URL would."""
    dist = tmp_path_factory.mktemp("dist")
    if UV:
        run(UV, "build", "--wheel", "--out-dir", dist, ROOT, cwd=ROOT)
    else:
        run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", dist, ROOT, cwd=ROOT)
    (built,) = dist.glob("archgen-*.whl")
    return built


@pytest.fixture(scope="session")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Install the wheel into a fresh venv; return its bin folder."""
    venv = tmp_path_factory.mktemp("venv") / "venv"
    if UV:
        run(UV, "venv", "--python", sys.executable, venv, cwd=venv.parent)
        run(UV, "pip", "install", "--python", venv / "bin" / "python", wheel, cwd=venv.parent)
    else:
        run(sys.executable, "-m", "venv", venv, cwd=venv.parent)
        run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel, cwd=venv.parent)
    return venv / "bin"


def first_run_commands() -> list[str]:
    """Return the README's three-command first run, as the README writes it."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Outside this repository", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    commands = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    return [command for command in commands if command.startswith("archgen ")]


@needs_dot
def test_the_readme_first_run_works_in_an_empty_folder(installed, tmp_path):
    commands = first_run_commands()
    assert [command.split()[1] for command in commands] == ["new", "lint", "build"]
    env = {**os.environ, "PATH": f"{installed}{os.pathsep}{os.environ['PATH']}"}
    outputs = [run("sh", "-c", command, cwd=tmp_path, env=env) for command in commands]
    assert (tmp_path / "designs" / "archgen.schema.json").is_file()
    assert "No findings." in outputs[1].stdout + outputs[1].stderr
    assert "1 design published, index at output/index.md" in outputs[2].stderr
    (slug,) = [path for path in (tmp_path / "output").iterdir() if path.is_dir()]
    assert (slug / "diagram.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "output" / "index.md").is_file()


def test_the_installed_package_carries_its_templates_and_icon_catalogue(installed, tmp_path):
    done = run(installed / "archgen", "rules", cwd=tmp_path)
    assert "REL001" in done.stdout
    listed = run(installed / "python", "-c", "import archgen.icon_catalogue as c; print(len(c.ENGINES))", cwd=tmp_path)
    assert int(listed.stdout) > 1000
    page = "from importlib import resources as r; print(r.files('archgen.serve').joinpath('static/app.js').is_file())"
    assert run(installed / "python", "-c", page, cwd=tmp_path).stdout.strip() == "True", "serve's page ships"
    assert run(installed / "archgen", "--version", cwd=tmp_path).stdout.startswith("archgen, version ")


@pytest.fixture(scope="session")
def with_plugin(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Install archgen's wheel and the example plugin project into a fresh venv; return its bin folder."""
    venv = tmp_path_factory.mktemp("plugin-venv") / "venv"
    example = ROOT / "examples" / "archgen-acme-rules"
    if UV:
        run(UV, "venv", "--python", sys.executable, venv, cwd=venv.parent)
        run(UV, "pip", "install", "--python", venv / "bin" / "python", wheel, example, cwd=venv.parent)
    else:
        run(sys.executable, "-m", "venv", venv, cwd=venv.parent)
        run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel, example, cwd=venv.parent)
    return venv / "bin"


def test_the_example_plugin_installed_beside_archgen_runs_through_every_command(with_plugin, tmp_path):
    spec = tmp_path / "events.yaml"
    spec.write_text(
        "archgen: 1\nname: Events\ncomponents:\n"
        "  users: {kind: client, calls: [api]}\n"
        "  api: {kind: service, replicas: 2, calls: [db, {events: {async: true}}]}\n"
        "  db: {kind: database, replicas: 2, backup: true}\n"
        "  events: {kind: queue, engine: kafka, replicas: 3}\n"
    )
    archgen = with_plugin / "archgen"

    def lint(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([archgen, "lint", spec, *args], cwd=tmp_path, capture_output=True, text=True, check=False)

    text = lint()
    assert text.returncode == 1, text.stderr
    assert "events.yaml:6:3: ACME001 db names no owning team" in text.stdout
    assert "events.yaml:7:25: ACME002 events runs its own Kafka" in text.stdout
    sarif = lint("--format", "sarif").stdout
    assert '"id": "ACME002"' in sarif and '"ruleId": "ACME002"' in sarif
    assert "ACME00" not in lint("--no-plugins").stdout
    listed = run(archgen, "rules", cwd=tmp_path).stdout
    assert "ACME002  no-self-run-kafka" in listed and "[archgen-acme-rules 1.0.0]" in listed
    page = run(archgen, "explain", "ACME001", cwd=tmp_path).stdout
    assert "From the plugin archgen-acme-rules 1.0.0." in page and "owner: checkout" in page
    built = subprocess.run(
        [archgen, "build", spec, "-o", tmp_path / "out"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert built.returncode == 0, built.stderr
    assert "ACME002 no-self-run-kafka" in (tmp_path / "out" / "events" / "design.md").read_text()
    run(archgen, "docs", spec, "-o", tmp_path / "docs", cwd=tmp_path)
    assert "ACME001" in (tmp_path / "docs" / "events.md").read_text()
