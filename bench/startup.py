"""How fast small commands start, paired against the imports they cannot avoid.

    python bench/startup.py            # median of 9 runs each
    python bench/startup.py --runs 21

Each archgen command runs right after its baselines, so a busy machine slows both; read
the ratios. Baselines: `python -c "import click"`, `import click, yaml`, and F2 =
`import pydantic, click, yaml`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthetic import synthetic

# Measure archgen as installed tools run: with Python's bytecode cache (a shell may turn it off).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

BASELINES = {
    "import click": "import click",
    "import click, yaml": "import click, yaml",
    "F2 (pydantic, click, yaml)": "import pydantic, click, yaml",
}


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    options = parser.parse_args()
    archgen = str(Path(sys.executable).with_name("archgen"))
    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "thirty.yaml"
        spec.write_text(synthetic(30))
        os.environ["ARCHGEN_CACHE_DIR"] = str(Path(folder) / "cache")
        subprocess.run([archgen, "lint", str(spec)], capture_output=True, check=False)  # fills the cache
        commands = {
            "--version": [archgen, "--version"],
            "--help": [archgen, "--help"],
            "rules": [archgen, "rules"],
            "explain REL001": [archgen, "explain", "REL001"],
            "lint, 30 components, cold": [archgen, "lint", "--no-cache", str(spec)],
            "lint, 30 components, warm": [archgen, "lint", str(spec)],
        }
        times: dict[str, list[float]] = {name: [] for name in [*BASELINES, *commands]}
        for _ in range(options.runs):
            for name, code in BASELINES.items():
                times[name].append(wall([sys.executable, "-c", code]))
            for name, command in commands.items():
                times[name].append(wall(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    click = medians["import click"]
    f2 = medians["F2 (pydantic, click, yaml)"]
    print(f"{'command':<28} {'median':>9} {'× click':>8} {'× F2':>6}")
    for name, value in medians.items():
        print(f"{name:<28} {value * 1000:>6.0f} ms {value / click:>8.2f} {value / f2:>6.2f}")


if __name__ == "__main__":
    main()
