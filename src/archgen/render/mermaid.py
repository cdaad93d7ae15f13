"""Mermaid flowcharts: the same scene as the picture, as text GitHub and docs sites draw."""

from __future__ import annotations

import json
import re

from archgen.render.scene import Scene

ARROWS = {"sync": "-->", "async": "-.->", "optional": "-.->", "replication": "-.-"}
DASHES = {"async": "stroke-dasharray: 6 4", "optional": "stroke-dasharray: 2 3", "replication": "stroke-dasharray: 6 4"}
_SAFE = re.compile(r"[\w .,:/·×+*=~@%'-]", re.UNICODE)
_ID = re.compile(r"[^A-Za-z0-9_]")


def to_mermaid(scene: Scene, highlight: bool = True) -> str:
    """Return the scene as a Mermaid flowchart, identical for identical scenes."""
    ids = _mermaid_ids([box.id for box in scene.boxes])
    lines = ["---", f"title: {json.dumps(scene.title, ensure_ascii=False)}", "---", f"flowchart {scene.direction}"]
    for box in scene.boxes:
        if box.group is None:
            lines.append(f"  {_box(ids[box.id], box.title, box.details)}")
    for index, title in enumerate(scene.groups):
        lines.append(f'  subgraph group{index}["{_text(title)}"]')
        lines += [f"    {_box(ids[box.id], box.title, box.details)}" for box in scene.boxes if box.group == index]
        lines.append("  end")
    styles: list[str] = []
    for number, link in enumerate(scene.links):
        label = f"|{_text(link.label)}|" if link.label else ""
        lines.append(f"  {ids[link.source]} {ARROWS[link.style]}{label} {ids[link.target]}")
        if link.style in DASHES:
            styles.append(f"  linkStyle {number} {DASHES[link.style]}")
    lines += styles
    spofs = [ids[box.id] for box in scene.boxes if box.spof] if highlight else []
    if spofs:
        lines.append("  classDef spof stroke:#D62828,stroke-width:3px,color:#D62828")
        lines.append(f"  class {','.join(spofs)} spof")
    return "\n".join(lines) + "\n"


def _box(mermaid_id: str, title: str, details: tuple[str, ...]) -> str:
    label = "<br/>".join(_text(line) for line in (title, *details))
    return f'{mermaid_id}["{label}"]'


def _text(text: str) -> str:
    """Escape text as Mermaid entity codes, so quotes, brackets and markup stay text; newlines become breaks."""
    return "<br/>".join(
        "".join(char if _SAFE.fullmatch(char) else f"#{ord(char)};" for char in line) for line in text.splitlines()
    )


def _mermaid_ids(component_ids: list[str]) -> dict[str, str]:
    """Map ids to Mermaid-safe ones: `-` is an arrow and `end` a keyword there, so every id gets a prefix."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for component_id in component_ids:
        candidate = "c_" + _ID.sub("_", component_id)
        while candidate in taken:
            candidate += "_"
        ids[component_id] = candidate
        taken.add(candidate)
    return ids
