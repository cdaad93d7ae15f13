"""Time `archgen render` (PNG+SVG) against one `dot` run on its own DOT and a plain `diagrams` script.

    python bench/render.py                   # 10, 50, 200 and 1,000 components, both generators
    python bench/render.py --sizes 200 --repeat 3 --generators replicated

Two generators (bench/synthetic.py): `layered` (grouped layers, the first benchmark) and
`replicated` (long service names, databases with 2 to 5 replicas, read replicas read
through). Each row also gives the PNG pixels of both sides (archgen draws at 72 dpi, the
script at Graphviz's 96) and the picture check's three counts for archgen. Targets: archgen
≤ 0.6× the `diagrams` script at 200 components and ≤ 0.5× at 1,000, on both generators, and
≤ 1.1× one `dot -Tpng -Tsvg` run on archgen's own DOT. The script is written the way diagrams'
README teaches: a `with Diagram(..., outformat=["png", "svg"])` block, Clusters, `>>` edges.
"""

from __future__ import annotations

import argparse
import os
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from synthetic import replicated, synthetic

from archgen.api import lint, load_design
from archgen.icons import ROLE_ICONS
from archgen.render import check_picture, measure_picture
from archgen.render.diagram import DEFAULT_DPI, icon_root

SCALE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "scale"

# Measure archgen as installed tools run: with Python's bytecode cache (a shell may turn it off).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

PLAIN_DIAGRAMS = """
from diagrams import Cluster, Diagram, Edge
{imports}

with Diagram({title!r}, filename={filename!r}, outformat=["png", "svg"], show=False):
    nodes = {{}}
{nodes}
{edges}
"""


def diagrams_script(spec: dict, filename: str) -> str:
    """Write the plain `diagrams` program drawing the same topology."""
    classes = {kind: path.rpartition(".") for kind, path in ROLE_ICONS["generic"].items()}
    imports = "\n".join(sorted({f"from diagrams.{module} import {name}" for module, _, name in classes.values()}))
    groups: dict[str | None, list[str]] = {}
    for component_id, component in spec["components"].items():
        groups.setdefault(component.get("group"), []).append(component_id)
    nodes = []
    for group, members in groups.items():
        indent = "    "
        if group:
            nodes.append(f"    with Cluster({group!r}):")
            indent = "        "
        for component_id in members:
            kind = spec["components"][component_id]["kind"]
            nodes.append(f"{indent}nodes[{component_id!r}] = {classes[kind][2]}({component_id!r})")
    edges = []
    for component_id, component in spec["components"].items():
        for call in component.get("calls", ()):
            targets = call["any_of"] if isinstance(call, dict) and "any_of" in call else [call]
            for target in targets:
                target_id = next(iter(target)) if isinstance(target, dict) else target
                options = target[target_id] if isinstance(target, dict) else {}
                style = "dashed" if options.get("async") else "dotted" if options.get("optional") else ""
                edges.append(f"    nodes[{component_id!r}] >> Edge(style={style!r}) >> nodes[{target_id!r}]")
    return PLAIN_DIAGRAMS.format(
        imports=imports, title=spec["name"], filename=filename, nodes="\n".join(nodes), edges="\n".join(edges)
    )


def wall(command: list[str], repeat: int, cwd: Path) -> float:
    """Return the fastest wall time of a command, failing loudly if it fails."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, cwd=cwd)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 50, 200, 1_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--generators", nargs="*", default=list(GENERATORS), choices=list(GENERATORS))
    parser.add_argument("--layout-only", action="store_true", help="print the layout metrics table alone")
    options = parser.parse_args()
    layout_table()
    if options.layout_only:
        return
    print(
        f"{'design':>16} {'archgen':>9} {'dot only':>9} {'diagrams':>9} {'vs dot':>7} {'vs diagrams':>12}"
        f"  {'PNG pixels: archgen (72 dpi)':>28} {'diagrams (96 dpi)':>18}  check"
    )
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for generator in options.generators:
            for size in options.sizes:
                measure(folder, generator, size, options.repeat if size <= 200 else 1)


def measure(folder: Path, generator: str, size: int, repeat: int) -> None:
    """Time one design three ways and print a row: archgen, one `dot` run on its DOT, the diagrams script."""
    text = GENERATORS[generator](size)
    stem = f"{generator}-{size}"
    spec_path = folder / f"{stem}.yaml"
    spec_path.write_text(text)
    archgen_command = [sys.executable, "-m", "archgen", "render", str(spec_path), "-o", str(folder)]
    subprocess.run([*archgen_command, "--format", "dot"], check=True, capture_output=True)
    slug = load_design(spec_path).design.name.lower().replace(" ", "-")
    dot_command = ["dot", f"-Gimagepath={icon_root()}", f"-Gdpi={DEFAULT_DPI}", "-Tpng", "-o", str(folder / "dot.png")]
    dot_command += ["-Tsvg", "-o", str(folder / "dot.svg"), str(folder / f"{slug}.dot")]
    script = folder / f"plain_{stem}.py"
    script.write_text(diagrams_script(yaml.safe_load(text), f"plain-{stem}"))
    archgen = wall([*archgen_command, "--format", "png,svg"], repeat, folder)
    dot = wall(dot_command, repeat, folder)
    plain = wall([sys.executable, str(script)], repeat, folder)
    check = check_picture(load_design(spec_path).design, lint([spec_path]).results[0].findings)
    ours, theirs = pixels(folder / f"{slug}.png"), pixels(folder / f"plain-{stem}.png")
    print(
        f"{stem:>16} {archgen:>8.2f}s {dot:>8.2f}s {plain:>8.2f}s {archgen / dot:>7.2f} {archgen / plain:>12.2f}"
        f"  {ours:>28} {theirs:>18}  {tuple(check.counts.values())}"
    )


def layout_table() -> None:
    """Print the layout metrics of the generated microservice systems, whole and as an overview, in LR and TB.

    Targets: crossings at most 1 per 10 calls, no call through a group holding neither end, and
    left to right a picture wider than tall.
    """
    header = f"{'microservices':>18} {'dir':>3} {'view':>15} {'calls':>5} {'crossing':>8} {'per call':>8}"
    print(f"{header} {'through':>7}  size")
    for path in sorted(SCALE.glob("microservices-*.yaml")):
        loaded = load_design(path)
        result = lint([path]).results[0]
        for direction in ("LR", "TB"):
            design = loaded.design.model_copy(
                update={"layout": loaded.design.layout.model_copy(update={"direction": direction})}
            )
            groups = sorted({component.group for component in design.components.values() if component.group})
            for view in (None, "overview", *(f"group:{group}" for group in groups)):
                _, metrics = measure_picture(design, result.findings, waived=result.waived, view=view)
                per_call = metrics.crossings / metrics.calls if metrics.calls else 0.0
                print(
                    f"{path.stem:>18} {direction:>3} {view or 'whole':>15} {metrics.calls:>5} {metrics.crossings:>8}"
                    f" {per_call:>8.2f} {len(metrics.through_groups):>7}  {metrics.width:.0f} × {metrics.height:.0f} pt"
                )
    print()


def pixels(png: Path) -> str:
    """Return a PNG's size as `width×height`."""
    width, height = struct.unpack(">II", png.read_bytes()[16:24])
    return f"{width}×{height}"


GENERATORS = {"layered": lambda size: synthetic(size, grouped=True), "replicated": replicated}


if __name__ == "__main__":
    main()
