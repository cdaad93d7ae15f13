"""LikeC4 (`.c4`): the design as a LikeC4 model with a view of the whole and one per design view.

An element kind per component kind (`database`, `queue`, …, and `group` for groups, which hold
their boxes); each box an element with its title, its details as the description, and tag
`spof` when it is a single point of failure; each call a relationship with its label, tagged
with its style (`async`, `optional`, `startup`, `replication`, `anyof`). Names become
identifiers LikeC4 accepts (`api`, `db_replica1`), told apart when two would meet; texts are
single-quoted, quotes and backslashes escaped.
"""

from __future__ import annotations

import re

from archgen.model import Design
from archgen.render.exports import box_lines, link_text
from archgen.render.scene import Box, Scene, build_scene

_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9_]")
TAGS = ("spof", "waived", "async", "optional", "startup", "replication", "anyof")
#: Words LikeC4 reads as its own (a component named `views` must not be taken for the block).
RESERVED = frozenset(
    """specification model views view element tag relationship include exclude style title description
    technology link icon color shape group it this extend dynamic deployment global with where and or not
    metadata navigateto autolayout import from deploymentnode instanceof likec4lib notes notation""".split()
)


def to_likec4(scene: Scene, highlight: bool = True, design: Design | None = None) -> str:
    """Return the scene as a LikeC4 source: specification, model, and views (the whole, then each design view)."""
    names = identifiers([box.id for box in scene.boxes], RESERVED)
    kinds = sorted({box.kind for box in scene.boxes})
    lines = ["specification {"]
    lines += [f"  element {kind}" for kind in kinds]
    if scene.clusters:
        lines.append("  element group")
    lines += [f"  tag {tag}" for tag in TAGS]
    lines += ["}", "", "model {"]
    paths: dict[str, str] = {}
    for box in scene.boxes:
        if box.cluster is None:
            paths[box.id] = names[box.id]
            lines += _element(box, names[box.id], highlight, "  ")
    for index, title in enumerate(scene.clusters):
        group = f"group{index}"
        lines.append(f"  {group} = group {quote(title)} {{")
        for box in scene.boxes:
            if box.cluster == index:
                paths[box.id] = f"{group}.{names[box.id]}"
                lines += _element(box, names[box.id], highlight, "    ")
        lines.append("  }")
    lines += _relations(scene, paths)
    lines += ["}", "", "views {", "  view index {", f"    title {quote(scene.title)}", "    include *"]
    lines += ["    style element.tag = #spof {", "      color red", "    }", "  }"]
    lines += _views(design, paths)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _relations(scene: Scene, paths: dict[str, str]) -> list[str]:
    """Return each call as a relationship, tagged with its style."""
    lines = []
    for link in scene.links:
        tags = [link.style] if link.style != "sync" else []
        tags += ["anyof"] if link.alternative else []
        words = link_text(link)
        relation = f"  {paths[link.source]} -> {paths[link.target]}" + (f" {quote(words)}" if words else "")
        lines.append(relation + (" {" if tags else ""))
        if tags:
            lines += ["    " + " ".join(f"#{tag}" for tag in tags), "  }"]
    return lines


def _views(design: Design | None, paths: dict[str, str]) -> list[str]:
    """Return a view per design view, holding the boxes the view draws."""
    lines = []
    for number, view in enumerate(design.views if design is not None else ()):
        assert design is not None
        members = [paths[box.id] for box in build_scene(design, {}, view).boxes if box.id in paths]
        lines += [f"  view view{number + 1} {{", f"    title {quote(view)}"]
        if members:
            lines.append("    include " + ", ".join(members))
        lines.append("  }")
    return lines


def _element(box: Box, name: str, highlight: bool, indent: str) -> list[str]:
    lines = box_lines(box, highlight)
    title = box.title.replace("\n", " ")
    details = [text for text, role in lines if role != "title"]
    # Tags come first in an element's body, as LikeC4 reads them.
    body = [f"{indent}  #{'waived' if box.mark.waived else 'spof'}"] if highlight and box.mark is not None else []
    if details:
        body.append(f"{indent}  description {quote(chr(10).join(details))}")
    if not body:
        return [f"{indent}{name} = {box.kind} {quote(title)}"]
    return [f"{indent}{name} = {box.kind} {quote(title)} {{", *body, f"{indent}}}"]


def identifiers(ids: list[str], reserved: frozenset[str] = frozenset()) -> dict[str, str]:
    """Return an identifier LikeC4 (and Structurizr) accept for each id: letters, digits and `_`, unique, no keyword."""
    found: dict[str, str] = {}
    taken: set[str] = set(reserved)
    for identifier in ids:
        name = _NOT_IN_NAME.sub("_", identifier)
        if not name[:1].isalpha():
            name = f"c_{name}"
        candidate, number = name, 2
        while candidate.lower() in taken:
            candidate, number = f"{name}_{number}", number + 1
        taken.add(candidate.lower())
        found[identifier] = candidate
    return found


def quote(text: str) -> str:
    """Return a single-quoted LikeC4 string of any text."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
