"""Time `archgen lint` against the bare C-YAML parse of the same file, and its start-up.

    python bench/lint.py            # 100, 1,000 and 10,000 components, both generators of synthetic.py
    python bench/lint.py --sizes 1000 --repeat 3
    python bench/lint.py --counts   # findings per rule on the 1,000-component design

Targets: at 10,000 components (~30,000 calls) lint ≤ 1.2× the bare parse in time and in peak
memory (each measured in a process of its own); a 30-component design's cold `archgen lint`
(bench/startup.py has the warm one) ≤ 2.5× `python -c "import pydantic, click, yaml"`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

import yaml
from synthetic import replicated, synthetic

from archgen import api
from archgen.config import Settings

# Measure archgen as installed tools run: with Python's bytecode cache (a shell may turn it off).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

# Each measured in a process of its own, which prints its peak resident size in kB: VmHWM of
# its own memory (ru_maxrss would carry the parent's peak over fork and exec).
PEAK = "print(next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM')))"
PARSE = "import yaml; yaml.load(open({path!r}).read(), Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader)); " + PEAK
LINT = "from pathlib import Path; from archgen import api; api.lint([Path({path!r})]); " + PEAK


GENERATORS = {"layered": synthetic, "replicated": replicated}


def peak(code: str) -> float:
    """Return the peak memory of a Python process running `code`, in MB."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1]) / 1024


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
    parser.add_argument("--generators", nargs="*", default=list(GENERATORS), choices=list(GENERATORS))
    parser.add_argument("--counts", action="store_true", help="Print findings per rule at 1,000 components instead.")
    options = parser.parse_args()
    if options.counts:
        counts()
        return
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with tempfile.TemporaryDirectory() as folder:
        print(
            f"{'generator':>10} {'components':>10} {'calls':>7} {'C-YAML parse':>13} {'archgen lint':>13}"
            f" {'ratio':>6} {'findings':>9}"
            f" {'peak memory: parse':>19} {'lint':>8} {'ratio':>6}"
        )
        for generator, size in [(generator, size) for generator in options.generators for size in options.sizes]:
            path = Path(folder) / f"{generator}-{size}.yaml"
            text = GENERATORS[generator](size)
            path.write_text(text)
            spec = yaml.load(text, Loader=loader)
            calls = sum(len(component.get("calls", ())) for component in spec["components"].values())
            parse = best(partial(lambda file: yaml.load(file.read_text(), Loader=loader), path), options.repeat)
            runs: list[api.LintRun] = []
            lint = best(
                partial(lambda file, into: into.append(api.lint([file], Settings())), path, runs), options.repeat
            )
            parse_peak = peak(PARSE.format(path=str(path)))
            lint_peak = peak(LINT.format(path=str(path)))
            print(
                f"{generator:>10} {size:>10} {calls:>7} {parse * 1000:>10.1f} ms {lint * 1000:>10.1f} ms"
                f" {lint / parse:>6.2f}"
                f" {len(runs[-1].findings):>9} {parse_peak:>16.0f} MB {lint_peak:>5.0f} MB"
                f" {lint_peak / parse_peak:>6.2f}"
            )
        small = Path(folder) / "small.yaml"
        small.write_text(synthetic(30))
        imports = wall([sys.executable, "-c", "import pydantic, click, yaml"], options.repeat * 2)
        command = wall([sys.executable, "-m", "archgen", "lint", "--no-cache", str(small)], options.repeat * 2)
        print(f"\n30-component `archgen lint`: {command * 1000:.0f} ms wall")
        print(f"`python -c 'import pydantic, click, yaml'`: {imports * 1000:.0f} ms wall")
        print(f"ratio: {command / imports:.2f} (target ≤ 2.5)")


def counts(size: int = 1_000) -> None:
    """Print how many findings each rule gives on the synthetic design, and the most on one component."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"synthetic-{size}.yaml"
        path.write_text(synthetic(size))
        findings = api.lint([path], Settings()).findings
    per_rule = Counter(finding.code for finding in findings)
    per_component = Counter((finding.code, finding.component) for finding in findings if finding.component)
    print(f"{size:,} components, {len(findings):,} findings")
    for code, count in sorted(per_rule.items()):
        most = max((n for (rule, _), n in per_component.items() if rule == code), default=0)
        print(f"  {code}  {count:>5}  (at most {most} on one component)")


if __name__ == "__main__":
    main()
