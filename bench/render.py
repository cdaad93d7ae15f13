"""Time `archgen render` (PNG+SVG) against one `dot` run on its own DOT and a plain `diagrams` script.

    python bench/render.py                   # 10, 50, 200 and 1,000 components
    python bench/render.py --sizes 200 --repeat 3

Targets at 200 components: archgen ≤ 1.25× one `dot -Tpng -Tsvg` run on archgen's DOT, and
≤ 0.5× the `diagrams` script (also at 1,000). The script is written the way diagrams' README
teaches: a `with Diagram(..., outformat=["png", "svg"])` block, Clusters, `>>` edges.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from synthetic import synthetic

from archgen.api import lint, load_design
from archgen.icons import ROLE_ICONS
from archgen.render import check_picture
from archgen.render.diagram import DEFAULT_DPI, icon_root

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
    options = parser.parse_args()
    print(
        f"{'components':>10} {'archgen':>10} {'dot only':>10} {'diagrams':>10} {'vs dot':>7} {'vs diagrams':>12}"
        f"  picture check (overlaps, crossings, clipped)"
    )
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for size in options.sizes:
            text = synthetic(size, grouped=True)
            spec_path = folder / f"synthetic-{size}.yaml"
            spec_path.write_text(text)
            archgen_command = [sys.executable, "-m", "archgen", "render", str(spec_path), "-o", str(folder)]
            subprocess.run([*archgen_command, "--format", "dot"], check=True, capture_output=True)
            dot_path = folder / f"synthetic-{size}.dot"
            dot_command = [
                "dot",
                f"-Gimagepath={icon_root()}",
                f"-Gdpi={DEFAULT_DPI}",
                "-Tpng",
                "-o",
                str(folder / "dot.png"),
                "-Tsvg",
                "-o",
                str(folder / "dot.svg"),
                str(dot_path),
            ]
            script = folder / f"plain_{size}.py"
            script.write_text(diagrams_script(yaml.safe_load(text), f"plain-{size}"))
            repeat = options.repeat if size <= 200 else 1
            archgen = wall([*archgen_command, "--format", "png,svg"], repeat, folder)
            dot = wall(dot_command, repeat, folder)
            plain = wall([sys.executable, str(script)], repeat, folder)
            check = check_picture(load_design(spec_path).design, lint([spec_path]).results[0].findings)
            print(
                f"{size:>10} {archgen:>9.2f}s {dot:>9.2f}s {plain:>9.2f}s"
                f" {archgen / dot:>7.2f} {archgen / plain:>12.2f}  {tuple(check.counts.values())}"
            )


if __name__ == "__main__":
    main()
