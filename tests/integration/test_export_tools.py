"""The exports read back by the real tools: D2's WASM build, the LikeC4 CLI, mermaid-cli driving Debian's chromium.

The tools are pinned in tests/tools/package.json and installed by `make exports-tools` (which
`make integration` runs). Every gallery design and a design of hostile names go through each.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from tests.test_exports import HOSTILE

TOOLS = ROOT / "tests" / "tools"
BIN = TOOLS / "node_modules" / ".bin"


#: The fixture designs the picture check draws: replicas, regions, views, unicode, long names, 200 components.
FIXTURE_SETS = ("specs/valid", "render", "failures", "pictures")


@pytest.fixture(scope="module")
def fixtures_exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every fixture design the picture check draws, as D2 and LikeC4."""
    folder = tmp_path_factory.mktemp("fixtures-exported")
    for name in FIXTURE_SETS:
        for spec in sorted((ROOT / "tests" / "fixtures" / name).glob("*.yaml")):
            result = run_cli("render", spec, "-o", folder / name / spec.stem, "--format", "d2,likec4")
            assert result.code == 0, result.err
    return folder


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The gallery and the hostile design as D2, LikeC4 and Mermaid, written by the real CLI."""
    if not (TOOLS / "node_modules" / ".installed").exists():
        pytest.fail("the export tools are not installed: run `make exports-tools`")
    folder = tmp_path_factory.mktemp("exported")
    hostile = folder / "hostile.yaml"
    hostile.write_text(HOSTILE)
    for source in (ROOT / "designs", hostile):
        result = run_cli("render", source, "-o", folder / "out", "--format", "d2,likec4,mermaid", "--python")
        assert result.code == 0, result.err
    return folder / "out"


def run(command: list[str], **extra: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, **extra)  # type: ignore[call-overload]


def test_d2_compiles_and_renders_every_export(exported):
    files = sorted(str(path) for path in exported.glob("*.d2"))
    assert len(files) == 18
    done = run(["node", str(TOOLS / "d2check.mjs"), *files], cwd=TOOLS)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": ok,") == 18


def test_d2_and_likec4_read_every_fixture_design(fixtures_exported, tmp_path):
    drawn = sorted(str(path) for path in fixtures_exported.rglob("*.d2"))
    assert len(drawn) >= 40
    done = run(["node", str(TOOLS / "d2check.mjs"), *drawn], cwd=TOOLS)
    assert done.returncode == 0, done.stdout
    for file in fixtures_exported.rglob("*.c4"):
        project = tmp_path / f"{file.parent.parent.name}-{file.parent.name}"
        project.mkdir()
        shutil.copy(file, project / file.name)
        (project / "likec4.config.json").write_text(json.dumps({"name": project.name}))
    report = _likec4(tmp_path)
    assert report["valid"] is True and report["errors"] == [], report


def _likec4(folder: Path) -> dict[str, object]:
    done = run([str(BIN / "likec4"), "validate", "--no-layout", "--json", str(folder)])
    report: dict[str, object] = json.loads(done.stdout[done.stdout.index("{") :])
    return report


def test_likec4_validates_every_export(exported, tmp_path):
    # One LikeC4 project per design: two designs may name a component alike.
    for file in exported.glob("*.c4"):
        project = tmp_path / "workspace" / file.stem
        project.mkdir(parents=True)
        shutil.copy(file, project / file.name)
        (project / "likec4.config.json").write_text(json.dumps({"name": file.stem}))
    report = _likec4(tmp_path / "workspace")
    assert report["valid"] is True and report["errors"] == [], report
    assert report["stats"] == {"totalFiles": 18, "totalErrors": 0, "filteredFiles": 18, "filteredErrors": 0}
    # The check can fail: a reference LikeC4 cannot resolve is reported.
    broken = next((tmp_path / "workspace").iterdir())
    (broken / "broken.c4").write_text("model {\n  a = nosuchkind 'A'\n}\n")
    assert _likec4(tmp_path / "workspace")["valid"] is False


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is installed by `make browser`")
def test_mermaid_cli_draws_every_export(exported, tmp_path):
    blocks = []
    for file in sorted(exported.glob("*.mmd")):
        blocks += [f"## {file.stem}", "", "```mermaid", file.read_text().rstrip(), "```", ""]
    page = tmp_path / "all.md"
    page.write_text("\n".join(blocks))
    settings = tmp_path / "puppeteer.json"
    settings.write_text(json.dumps({"args": ["--no-sandbox", "--disable-gpu"], "headless": "shell"}))
    environment = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": shutil.which("chromium") or "chromium"}
    command = [str(BIN / "mmdc"), "-q", "-i", str(page), "-o", str(tmp_path / "out.md"), "-p", str(settings)]
    done = run(command, env=environment)
    assert done.returncode == 0, done.stdout + done.stderr
    pictures = sorted(tmp_path.glob("out-*.svg"))
    assert len(pictures) == 18
    assert all(b"<svg" in picture.read_bytes()[:2000] for picture in pictures)
