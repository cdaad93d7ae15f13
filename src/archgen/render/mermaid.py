"""Mermaid flowcharts: the same scene as the picture, as text GitHub and docs sites draw."""

from __future__ import annotations

import json
import re

from archgen.render.scene import Box, Scene

ARROWS = {"sync": "-->", "async": "-.->", "optional": "-.->", "startup": "-.->", "replication": "-.-"}
DASHES = {"async": "stroke-dasharray: 6 4", "optional": "stroke-dasharray: 2 3", "replication": "stroke-dasharray: 6 4"}
CLASSES = {
    "spof": "stroke:#D62828,stroke-width:3px,color:#D62828",
    "waived": "stroke:#8A949C,stroke-width:3px,stroke-dasharray:6 4,color:#8A949C",
    "external": "stroke:#8A949C,stroke-dasharray:6 4",
}
_SAFE = re.compile(r"[\w .,:/·×+*=~@%'-]", re.UNICODE)
_ID = re.compile(r"[^A-Za-z0-9_]")


def to_mermaid(scene: Scene, highlight: bool = True) -> str:
    """Return the scene as a Mermaid flowchart, identical for identical scenes."""
    ids = _mermaid_ids([box.id for box in scene.boxes])
    lines = ["---", f"title: {json.dumps(scene.title, ensure_ascii=False)}", "---", f"flowchart {scene.direction}"]
    for box in scene.boxes:
        if box.cluster is None:
            lines.append(f"  {_box(ids[box.id], box, highlight)}")
    for index, title in enumerate(scene.clusters):
        lines.append(f'  subgraph cluster{index}["{_text(title)}"]')
        lines += [f"    {_box(ids[box.id], box, highlight)}" for box in scene.boxes if box.cluster == index]
        lines.append("  end")
    styles: list[str] = []
    for number, link in enumerate(scene.links):
        text = (
            f"one of: {link.label}" if link.alternative and link.label else "one of" if link.alternative else link.label
        )
        label = f"|{_text(text)}|" if text else ""
        lines.append(f"  {ids[link.source]} {ARROWS[link.style]}{label} {ids[link.target]}")
        if link.style in DASHES:
            styles.append(f"  linkStyle {number} {DASHES[link.style]}")
    lines += styles
    for name, members in _classes(scene, highlight).items():
        if members:
            lines.append(f"  classDef {name} {CLASSES[name]}")
            lines.append(f"  class {','.join(ids[box_id] for box_id in members)} {name}")
    return "\n".join(lines) + "\n"


def _classes(scene: Scene, highlight: bool) -> dict[str, list[str]]:
    """Return the boxes of each style class: marked, waived, third parties."""
    classes: dict[str, list[str]] = {name: [] for name in CLASSES}
    for box in scene.boxes:
        if highlight and box.mark:
            classes["waived" if box.mark.waived else "spof"].append(box.id)
        elif box.kind == "external":
            classes["external"].append(box.id)
    return classes


def _box(mermaid_id: str, box: Box, highlight: bool) -> str:
    mark = (box.mark.text,) if highlight and box.mark else ()
    label = "<br/>".join(_text(line) for line in (box.title, *box.details, *mark))
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
