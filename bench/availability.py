"""Time the exact availability of every entry point and flow on synthetic designs with zones and read replicas.

    python bench/availability.py                    # 200 and 1,000 components, both generators of synthetic.py
    python bench/availability.py --sizes 2000 5000  # where exactness stops being affordable

Targets (issue: availability in nines): all entry points and flows of a 200-component design
with zones and read replicas in ≤ 1 s; 1,000 components in ≤ 5 s. The figure is exact or
absent: a diagram that outgrows archgen.analysis.bdd.BUDGET nodes gives no figure (and says
so), never a sampled one.
"""

from __future__ import annotations

import argparse
import time

from synthetic import replicated, synthetic

from archgen.analysis import availability as module
from archgen.analysis.bdd import BDD
from archgen.graph import DesignGraph
from archgen.loader import load_text

GENERATORS = {"layered": synthetic, "replicated": replicated}


def measure(text: str, repeat: int) -> tuple[float, int, int, int, str | None]:
    """Return the best time of `repeat` runs, the units, the diagram's nodes, the figures, and why none (if so)."""
    graph = DesignGraph(load_text(text.encode(), file="<bench>").design)
    nodes = 0
    original = BDD.__init__

    def counting(self: BDD, variables: int, budget: int | None = None) -> None:
        original(self, variables, budget)
        made.append(self)

    made: list[BDD] = []
    BDD.__init__ = counting  # type: ignore[method-assign]
    try:
        times = []
        for _ in range(repeat):
            made.clear()
            start = time.perf_counter()
            result = module.availability(graph)
            times.append(time.perf_counter() - start)
        nodes = len(made[-1]) if made else 0
    finally:
        BDD.__init__ = original  # type: ignore[method-assign]
    units = len(module.Structure(graph).units)
    return min(times), units, nodes, len(result.figures), result.skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'design':<22} {'units':>6} {'figures':>8} {'nodes':>10} {'seconds':>8}")
    for size in args.sizes:
        for name, generate in GENERATORS.items():
            seconds, units, nodes, figures, skipped = measure(generate(size), args.repeat)
            note = f"  ({skipped})" if skipped else ""
            print(f"{name + ' ' + str(size):<22} {units:>6} {figures:>8} {nodes:>10,} {seconds:>8.3f}{note}")


if __name__ == "__main__":
    main()
