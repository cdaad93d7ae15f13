"""Structurizr DSL (`.dsl`): the design as a workspace — one software system holding a container per box.

Clients and third parties are people and external software systems outside it; groups are
`group` blocks; each call a relationship with its label and its style as a tag; single points of
failure tagged `SPOF` and styled red; a container view of the whole and a dynamic-free filtered
view per design view. Identifiers are letters, digits and `_` (told apart when two would
meet); texts are double-quoted, quotes and backslashes escaped, line breaks as spaces.
"""

from __future__ import annotations

from archgen.model import Design
from archgen.render.diagram import SPOF_COLOR
from archgen.render.exports import box_lines, link_text
from archgen.render.likec4 import identifiers
from archgen.render.scene import Box, Scene, build_scene

OUTSIDE = {"client": "person", "external": "softwareSystem"}
#: Words the DSL reads as its own, in any case, and the system's own identifier.
RESERVED = frozenset(
    """workspace model views person softwaresystem container component group styles element relationship
    include exclude autolayout this tags description properties perspectives deploymentenvironment
    deploymentnode infrastructurenode softwaresysteminstance containerinstance healthcheck url enterprise
    branding terminology configuration users theme themes animation title filtered dynamic deployment
    systemlandscape systemcontext custom image system""".split()
)
STYLE_TAGS = {"async": "Async", "optional": "Optional", "startup": "Startup", "replication": "Replication"}


def to_structurizr(scene: Scene, highlight: bool = True, design: Design | None = None) -> str:
    """Return the scene as a Structurizr DSL workspace."""
    names = identifiers([box.id for box in scene.boxes], RESERVED)
    lines = [f"workspace {quote(scene.title)} {{", "  model {"]
    for box in scene.boxes:
        if box.kind in OUTSIDE:
            lines.append(f"    {names[box.id]} = {OUTSIDE[box.kind]} {quote(box.title)} {_description(box, highlight)}")
    lines.append(f"    system = softwareSystem {quote(scene.title)} {{")
    for box in scene.boxes:
        if box.cluster is None and box.kind not in OUTSIDE:
            lines += _container(box, names[box.id], highlight, "      ")
    for index, title in enumerate(scene.clusters):
        lines.append(f"      group {quote(title)} {{")
        for box in scene.boxes:
            if box.cluster == index and box.kind not in OUTSIDE:
                lines += _container(box, names[box.id], highlight, "        ")
        lines.append("      }")
    lines.append("    }")
    for link in scene.links:
        tags = [STYLE_TAGS[link.style]] if link.style in STYLE_TAGS else []
        tags += ["AnyOf"] if link.alternative else []
        words = link_text(link) or "calls"
        relation = f"    {names[link.source]} -> {names[link.target]} {quote(words)}"
        lines.append(relation + (f' "" {quote(",".join(tags))}' if tags else ""))
    lines += [
        "  }",
        "  views {",
        '    container system "all" {',
        "      include *",
        f"      autoLayout {scene.direction.lower()}",
        "    }",
    ]
    for number, view in enumerate(design.views if design is not None else ()):
        part = build_scene(design, {}, view) if design is not None else scene
        members = [names[box.id] for box in part.boxes if box.id in names]
        lines += [f'    container system "view{number + 1}" {quote(view)} {{']
        lines += [
            f"      include {' '.join(members)}" if members else "      include *",
            f"      autoLayout {scene.direction.lower()}",
            "    }",
        ]
    lines += [
        "    styles {",
        '      element "SPOF" {',
        f"        stroke {SPOF_COLOR}",
        "        strokeWidth 6",
        "      }",
    ]
    lines += ['      relationship "Async" {', "        style dashed", "      }"]
    lines += ['      relationship "Optional" {', "        style dotted", "      }", "    }", "  }", "}"]
    return "\n".join(lines) + "\n"


def _description(box: Box, highlight: bool) -> str:
    details = [text for text, role in box_lines(box, highlight) if role != "title"]
    tags = ["SPOF"] if highlight and box.mark is not None and not box.mark.waived else []
    return f"{quote(' · '.join(details))}" + (f" {quote(','.join(tags))}" if tags else "")


def _container(box: Box, name: str, highlight: bool, indent: str) -> list[str]:
    technology = box.engine or box.kind
    details = [text for text, role in box_lines(box, highlight) if role != "title"]
    tags = ["SPOF"] if highlight and box.mark is not None and not box.mark.waived else []
    line = f"{indent}{name} = container {quote(box.title)} {quote(' · '.join(details))} {quote(technology)}"
    return [line + (f" {quote(','.join([box.kind, *tags]))}")]


def quote(text: str) -> str:
    """Return a Structurizr DSL string of any text (one line: line breaks become spaces)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ") + '"'
