"""Shared helpers: fixture paths, the CLI run in-process, and the CLI run as a real process."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from archgen.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SPECS = FIXTURES / "specs"

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")

settings.register_profile("default", max_examples=1000, deadline=None)
settings.register_profile("slow", max_examples=5000, deadline=None)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="Run the property tests with many more examples.")
    parser.addoption(
        "--integration",
        action="store_true",
        help="Also run tests/integration: archgen installed the ways users do (wheel, pre-commit, MkDocs).",
    )


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Leave tests/integration out unless asked: they install packages and take a minute."""
    if collection_path.name == "integration" and not config.getoption("--integration"):
        return True
    return None


#: Whether this run is `pytest --slow`: the property and fuzz tests run many more examples.
SLOW = False


def pytest_configure(config: pytest.Config) -> None:
    # The lint result cache of every test run goes to a folder of its own, not into the checkout.
    if "ARCHGEN_CACHE_DIR" not in os.environ:
        os.environ["ARCHGEN_CACHE_DIR"] = tempfile.mkdtemp(prefix="archgen-test-cache-")
    global SLOW
    SLOW = bool(config.getoption("--slow"))
    settings.load_profile("slow" if SLOW else "default")


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run `archgen` in this process, as the console script would, from `cwd`."""
    overrides = None
    if env is not None:
        # A full environment was given: unset what it leaves out, for the duration of the run.
        overrides = {key: None for key in os.environ if key not in env} | dict(env)
    with contextlib.chdir(cwd or Path.cwd()):
        result = CliRunner().invoke(main, [str(arg) for arg in args], env=overrides, catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def run_process(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run the real `python -m archgen` in a subprocess (for start-up, terminals and the environment)."""
    done = subprocess.run(
        [sys.executable, "-m", "archgen", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env=env,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def designs_folder(tmp_path: Path, specs: list[Path]) -> Path:
    """Copy specs into tmp_path/designs, as a project would hold them."""
    folder = tmp_path / "designs"
    folder.mkdir()
    for spec in specs:
        shutil.copy(spec, folder / spec.name)
    return folder


def build(tmp_path: Path, *args: str) -> Run:
    """Run `archgen build designs -o output` in the project at tmp_path."""
    return run_cli("build", "designs", "-o", "output", *args, cwd=tmp_path)


def unresolved_references(page: str) -> list[str]:
    """Return each `href="#id"` of a page's inline SVGs that does not resolve inside its own picture.

    A browser resolves an id page-wide, to the first element that has it: a reference counts
    as resolved when its id is defined exactly once on the page, and in the same picture.
    """
    import re
    from collections import Counter

    pictures = re.findall(r"<svg\b.*?</svg>", page, re.S)
    defined = Counter(name for picture in pictures for name in re.findall(r'\bid="([^"]+)"', picture))
    wrong = []
    for number, picture in enumerate(pictures):
        own = set(re.findall(r'\bid="([^"]+)"', picture))
        for name in re.findall(r'href="#([^"]+)"', picture):
            if name not in own or defined[name] != 1:
                wrong.append(f"picture {number}: #{name}")
    return wrong
