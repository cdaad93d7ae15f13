"""Crossings on the generated microservice systems: archgen's pictures beside D2's own layouts (dagre and ELK).

    make exports-tools && python bench/peers.py

archgen is measured as `render --check` measures it (pairs of calls whose lines cross, calls
sharing a box left out, a bus's line to its hub crossed once). D2 lays out archgen's own D2
export of the same design with its WASM build (tests/tools/d2layout.mjs); its connections'
routes are counted by the same rule. Replication lines count as lines on both sides.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import tempfile
from pathlib import Path

from archgen.api import lint_loaded, load_design
from archgen.render import measure_picture, render_design
from archgen.render.check import _cross

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tests" / "tools"


def d2_crossings(d2_text: str, layout: str, folder: Path) -> tuple[int, int]:
    """Return D2's connections and the pairs of them that cross, laid out with `layout`."""
    source, routes = folder / "design.d2", folder / f"{layout}.json"
    source.write_text(d2_text)
    subprocess.run(["node", "d2layout.mjs", str(source), layout, str(routes)], cwd=TOOLS, check=True, timeout=600)
    lines = [
        (
            frozenset(end.split(".")[-1] for end in (item["src"], item["dst"])),
            list(itertools.pairwise((point["x"], point["y"]) for point in item["route"])),
        )
        for item in json.loads(routes.read_text())
    ]
    crossing = sum(
        1
        for (ends, segments), (other_ends, other_segments) in itertools.combinations(lines, 2)
        if not ends & other_ends and any(_cross(s, t) for s in segments for t in other_segments)
    )
    return len(lines), crossing


def main() -> None:
    """Print a row per design: crossings per line for archgen, D2 with dagre and D2 with ELK."""
    print(f"{'design':>18} {'archgen':>14} {'D2 dagre':>14} {'D2 ELK':>14}")
    with tempfile.TemporaryDirectory() as name:
        for path in sorted((ROOT / "tests" / "fixtures" / "scale").glob("microservices-*.yaml")):
            loaded = load_design(path)
            result = lint_loaded(loaded)
            _, metrics = measure_picture(loaded.design, result.findings, waived=result.waived)
            d2_text = render_design(loaded.design, result.findings, ["d2"], waived=result.waived).files["d2"].decode()
            cells = [f"{metrics.crossings}/{metrics.calls} {metrics.crossings / metrics.calls:.2f}"]
            for layout in ("dagre", "elk"):
                lines, crossing = d2_crossings(d2_text, layout, Path(name))
                cells.append(f"{crossing}/{lines} {crossing / lines:.2f}")
            print(f"{path.stem:>18} " + " ".join(f"{cell:>14}" for cell in cells))


if __name__ == "__main__":
    main()
