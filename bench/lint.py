"""Time `archgen lint` against the bare C-YAML parse of the same file, and its start-up.

    python bench/lint.py            # 100, 1,000 and 10,000 components
    python bench/lint.py --sizes 1000 --repeat 3

Targets: at 10,000 components (~30,000 calls) lint ≤ 1.5× the bare parse; a
30-component design's `archgen lint` wall time ≤ 1.6× `python -c "import pydantic, click, yaml"`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import yaml
from synthetic import synthetic

from archgen import api
from archgen.config import Settings


def best(action: Callable[[], object], repeat: int) -> float:
    """Return the fastest of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def wall(command: list[str], repeat: int) -> float:
    """Return the fastest wall time of a command."""
    return best(lambda: subprocess.run(command, capture_output=True, check=False), repeat)


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1_000, 10_000])
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'components':>10} {'calls':>7} {'C-YAML parse':>13} {'archgen lint':>13} {'ratio':>6} {'findings':>9}")
        for size in options.sizes:
            path = Path(folder) / f"synthetic-{size}.yaml"
            text = synthetic(size)
            path.write_text(text)
            spec = yaml.load(text, Loader=loader)
            calls = sum(len(component.get("calls", ())) for component in spec["components"].values())
            parse = best(partial(lambda file: yaml.load(file.read_text(), Loader=loader), path), options.repeat)
            runs: list[api.LintRun] = []
            lint = best(
                partial(lambda file, into: into.append(api.lint([file], Settings())), path, runs), options.repeat
            )
            print(
                f"{size:>10} {calls:>7} {parse * 1000:>10.1f} ms {lint * 1000:>10.1f} ms {lint / parse:>6.2f}"
                f" {len(runs[-1].findings):>9}"
            )
        small = Path(folder) / "small.yaml"
        small.write_text(synthetic(30))
        imports = wall([sys.executable, "-c", "import pydantic, click, yaml"], options.repeat * 2)
        command = wall([sys.executable, "-m", "archgen", "lint", str(small)], options.repeat * 2)
        print(f"\n30-component `archgen lint`: {command * 1000:.0f} ms wall")
        print(f"`python -c 'import pydantic, click, yaml'`: {imports * 1000:.0f} ms wall")
        print(f"ratio: {command / imports:.2f} (target ≤ 1.6)")


if __name__ == "__main__":
    main()
