"""Time `archgen build` of the gallery: cold with 1 and 2 jobs, then a no-op rebuild.

    python bench/build.py                 # designs/ of this repository
    python bench/build.py --designs path/to/designs --repeat 3

Targets: the no-op rebuild ≤ 0.35× the cold build and under a second for twenty designs;
the cold build scales with cores (1 vs 2 jobs).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Measure archgen as installed tools run: with Python's bytecode cache (a shell may turn it off).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], cwd: Path) -> float:
    """Run a command, failing loudly, and return its wall time."""
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--designs", type=Path, default=ROOT / "designs")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    count = sum(1 for path in options.designs.iterdir() if path.suffix in (".yaml", ".yml", ".py"))
    archgen = [sys.executable, "-m", "archgen", "build", "designs", "-o", "output"]
    cold: dict[int, float] = {}
    noop: list[float] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        shutil.copytree(options.designs, folder / "designs")
        for jobs in (1, 2):
            times = []
            for _ in range(options.repeat):
                shutil.rmtree(folder / "output", ignore_errors=True)
                times.append(timed([*archgen, "--jobs", str(jobs)], folder))
            cold[jobs] = min(times)
        noop = [timed(archgen, folder) for _ in range(options.repeat)]
    print(f"{count} designs")
    print(f"cold build, 1 job:  {cold[1]:.2f} s")
    print(f"cold build, 2 jobs: {cold[2]:.2f} s  (speed-up {cold[1] / cold[2]:.2f}×)")
    print(f"no-op rebuild:      {min(noop):.2f} s  ({min(noop) / cold[2]:.2f}× the cold build; target ≤ 0.35)")


if __name__ == "__main__":
    main()
