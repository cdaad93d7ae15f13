"""Shared helpers: fixture paths and running the real CLI."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SPECS = FIXTURES / "specs"


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str | Path, cwd: Path | None = None, timeout: float = 120, env: dict[str, str] | None = None) -> Run:
    """Run the real `archgen` command in a subprocess."""
    done = subprocess.run(
        [sys.executable, "-m", "archgen", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env=env,
    )
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def cli():
    return run_cli
