"""Time each export against the SVG of the same design (the same process, after a warm-up run).

    python bench/exports.py                 # 200 and 1,000 components
    python bench/exports.py --sizes 1000 --repeat 3

Target (the exports' issue): an export of a design of 1,000 components within 2× the SVG's
time. draw.io and Excalidraw lay the design out once with Graphviz (`dot -Tjson`), as the SVG
does with `-Tsvg`; D2, LikeC4 and Structurizr are text from the model alone.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from synthetic import synthetic

from archgen.api import lint_loaded, load_design
from archgen.render import render_design

os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
FORMATS = ("svg", "drawio", "excalidraw", "d2", "likec4", "structurizr", "mermaid")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "design.yaml"
            path.write_text(synthetic(size))
            loaded = load_design(path)
            result = lint_loaded(loaded)
            render_design(loaded.design, result.findings, ("svg",))  # warm up: icons read, caches filled
            times = {}
            for fmt in FORMATS:
                best = float("inf")
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    render_design(loaded.design, result.findings, (fmt,))
                    best = min(best, time.perf_counter() - start)
                times[fmt] = best
        print(f"{size} components:")
        for fmt in FORMATS:
            print(f"  {fmt:<12} {times[fmt]:7.3f} s  {times[fmt] / times['svg']:5.2f}× the SVG")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
