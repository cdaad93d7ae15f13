"""The editable and interoperable exports: draw.io and Excalidraw at archgen's own layout, D2, LikeC4, Structurizr.

Structure is checked here on the whole gallery (every edge's ends exist, every binding is
mutual, boxes sit where Graphviz put them); the real tools read the files back in
tests/integration/test_export_tools.py.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from archgen.api import lint_loaded, load_design
from archgen.files import slugify
from archgen.render.diagram import buses
from archgen.render.placement import place
from archgen.render.scene import build_scene, marks
from tests.conftest import FIXTURES, ROOT, needs_dot, run_cli

EXPORTS = ("drawio", "excalidraw", "d2", "likec4", "structurizr")
SUFFIXES = {"drawio": "drawio", "excalidraw": "excalidraw", "d2": "d2", "likec4": "c4", "structurizr": "dsl"}
GALLERY = sorted(path for path in (ROOT / "designs").iterdir() if path.suffix in (".yaml", ".py"))

HOSTILE = """\
archgen: 1
name: "Q\\"uote's {brace} -> ] ü 日本"
components:
  users: {kind: client, name: "Users \\"quoted\\" 'single' {x} -> y", calls: [{api: {label: "a -> b \\"c\\" {d}"}}]}
  api: {kind: service, name: "back\\\\slash ] ]] <b>bold</b> & amp", calls: [db, {views: {async: true}}]}
  db: {kind: database, engine: postgresql, name: "line\\nbreak ; semi # hash"}
  views: {kind: queue, engine: sqs, managed: true, name: "a queue named views"}
"""


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every gallery design in every export format, written by the real CLI."""
    folder = tmp_path_factory.mktemp("exports")
    result = run_cli("render", ROOT / "designs", "-o", folder, "--format", ",".join(EXPORTS), "--python")
    assert result.code == 0, result.err
    return folder


def _drawio(path: Path) -> tuple[dict[str, ET.Element], list[ET.Element]]:
    root = ET.parse(path).getroot()
    cells = {cell.get("id", ""): cell for cell in root.iter("mxCell")}
    edges = [cell for cell in cells.values() if cell.get("edge") == "1"]
    return cells, edges


@needs_dot
def test_every_gallery_design_is_exported_in_every_format(gallery):
    for path in GALLERY:
        slug = load_design(path, allow_python=True).design.name.lower()
        produced = {file.suffix.lstrip(".") for file in gallery.iterdir() if file.stem.startswith(slug.split()[0][:4])}
        assert set(SUFFIXES.values()) <= produced, (path.name, produced)


@needs_dot
def test_drawio_files_are_mxgraph_with_every_edge_between_existing_vertices(gallery):
    for path in sorted(gallery.glob("*.drawio")):
        cells, edges = _drawio(path)
        vertices = {key for key, cell in cells.items() if cell.get("vertex") == "1"}
        assert edges, path.name
        for edge in edges:
            assert edge.get("source") in vertices and edge.get("target") in vertices, (path.name, edge.attrib)
            assert edge.find("mxGeometry") is not None
        for key in vertices:
            geometry = cells[key].find("mxGeometry")
            assert geometry is not None and float(geometry.get("width", "0")) > 0, (path.name, key)
            parent = cells[key].get("parent")
            assert parent == "1" or parent in vertices, (path.name, key, parent)


@needs_dot
def test_excalidraw_scenes_bind_both_ways(gallery):
    for path in sorted(gallery.glob("*.excalidraw")):
        scene = json.loads(path.read_text())
        assert scene["type"] == "excalidraw" and scene["version"] == 2
        elements = {element["id"]: element for element in scene["elements"]}
        assert len(elements) == len(scene["elements"]), "ids are unique"
        for element in scene["elements"]:
            if element.get("frameId"):
                assert elements[element["frameId"]]["type"] == "frame"
            if element["type"] == "text" and element["containerId"]:
                container = elements[element["containerId"]]
                assert {"type": "text", "id": element["id"]} in container["boundElements"]
            if element["type"] == "arrow":
                for end in ("startBinding", "endBinding"):
                    bound = elements[element[end]["elementId"]]
                    assert {"type": "arrow", "id": element["id"]} in bound["boundElements"], (path.name, element["id"])
                assert element["points"][0] == [0, 0] and len(element["points"]) >= 2
            if element["type"] == "image":
                assert element["fileId"] in scene["files"]
                assert scene["files"][element["fileId"]]["dataURL"].startswith("data:image/png;base64,")


@needs_dot
@pytest.mark.parametrize("name", ["tinyurl.yaml", "youtube.yaml", "hostile.yaml"])
def test_drawio_and_excalidraw_keep_archgens_layout_and_marks(gallery, tmp_path, name):
    path = ROOT / "designs" / name
    if name == "hostile.yaml":  # a design with single points of failure
        path = tmp_path / name
        path.write_text(HOSTILE)
        assert run_cli("render", path, "-o", gallery, "--format", "drawio,excalidraw").code == 0
    loaded = load_design(path)
    result = lint_loaded(loaded)
    scene = build_scene(loaded.design, marks(result.findings, result.waived))
    placed = place(scene)
    slug = slugify(loaded.design.name)
    cells, _ = _drawio(gallery / f"{slug}.drawio")
    elements = {
        element["id"]: element for element in json.loads((gallery / f"{slug}.excalidraw").read_text())["elements"]
    }
    for number, box in enumerate(scene.boxes):
        rect = placed.boxes[box.id]
        geometry = cells[f"box-{number}"].find("mxGeometry")
        assert geometry is not None
        x, y = float(geometry.get("x", "0")), float(geometry.get("y", "0"))
        if box.cluster is not None:
            x, y = x + placed.clusters[box.cluster].x, y + placed.clusters[box.cluster].y
        assert (round(x, 1), round(y, 1)) == (round(rect.x, 1), round(rect.y, 1)), box.id
        rectangle = elements[f"box-{number}"]
        assert (round(rectangle["x"], 1), round(rectangle["y"], 1)) == (round(rect.x, 1), round(rect.y, 1))
        marked = box.mark is not None and not box.mark.waived
        assert ("strokeColor=#D62828" in cells[f"box-{number}"].get("style", "")) == marked, box.id
        assert (rectangle["strokeColor"] == "#D62828") == marked, box.id
    assert any(box.mark for box in scene.boxes) == (name == "hostile.yaml")


@needs_dot
def test_exports_are_the_same_bytes_every_time(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        assert (
            run_cli("render", ROOT / "designs" / "tinyurl.yaml", "-o", folder, "--format", ",".join(EXPORTS)).code == 0
        )
    for file in first.iterdir():
        assert file.read_bytes() == (second / file.name).read_bytes(), file.name


@needs_dot
def test_hostile_names_stay_text_in_every_format(tmp_path):
    spec = tmp_path / "hostile.yaml"
    spec.write_text(HOSTILE)
    result = run_cli("render", spec, "-o", tmp_path, "--format", ",".join(EXPORTS))
    assert result.code == 0, result.err
    (drawio,) = tmp_path.glob("*.drawio")
    cells, edges = _drawio(drawio)
    # A label's own markup (line breaks, spans) removed, then its text unescaped: what draw.io shows.
    values = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell.get("value", ""))).split()) for cell in cells.values()
    ]
    assert any("Users \"quoted\" 'single' {x} -> y" in value for value in values)
    assert any("back\\slash ] ]] <b>bold</b> & amp" in value for value in values)
    assert 'a -> b "c" {d}' in [html.unescape(edge.get("value", "")) for edge in edges]
    (excalidraw,) = tmp_path.glob("*.excalidraw")
    texts = [element.get("text", "") for element in json.loads(excalidraw.read_text())["elements"]]
    assert any(text.startswith("line\nbreak ; semi # hash") for text in texts)
    (d2,) = tmp_path.glob("*.d2")
    assert '"Users \\"quoted\\" \'single\'\\n{x} -> y' in d2.read_text()
    (likec4,) = tmp_path.glob("*.c4")
    source = likec4.read_text()
    assert "'Users \"quoted\" \\'single\\' {x} -> y'" in source, "a title on one line"
    assert "views_2 = queue 'a queue named views'" in source, "a component named like a keyword gets another identifier"
    (structurizr,) = tmp_path.glob("*.dsl")
    assert '"line break ; semi # hash"' in structurizr.read_text()


def test_a_mistyped_format_gets_a_did_you_mean(tmp_path):
    result = run_cli("render", ROOT / "designs" / "tinyurl.yaml", "-o", tmp_path, "--format", "png,drawoi")
    assert result.code == 2
    assert "drawoi: choose from" in result.err and "did you mean 'drawio'?" in result.err
    config = tmp_path / "archgen.toml"
    config.write_text('exports = ["exalidraw"]\n')
    result = run_cli("lint", ROOT / "designs" / "tinyurl.yaml", "--config", config)
    assert result.code == 2 and "exports: 'exalidraw' is not one of" in result.err
    assert "did you mean 'excalidraw'?" in result.err


@needs_dot
def test_build_publishes_the_exports_the_config_asks_for(tmp_path):
    designs = tmp_path / "designs"
    designs.mkdir()
    (designs / "tinyurl.yaml").write_bytes((ROOT / "designs" / "tinyurl.yaml").read_bytes())
    (tmp_path / "archgen.toml").write_text('exports = ["drawio", "likec4"]\n')
    result = run_cli("build", cwd=tmp_path)
    assert result.code == 0, result.err
    published = {path.name for path in (tmp_path / "output" / "tinyurl").iterdir()}
    assert {"diagram.png", "diagram.svg", "diagram.drawio", "diagram.c4", "design.md"} <= published
    assert "diagram.excalidraw" not in published


@needs_dot
def test_calls_drawn_through_a_bus_keep_a_path_from_their_caller_to_their_hub(tmp_path):
    """A hub's calls share a line in the picture; each export still draws every call, along the bus."""
    path = FIXTURES / "scale" / "microservices-25.yaml"
    scene = build_scene(load_design(path).design)
    placed = place(scene)
    bused = {number for bus in buses(scene) for number in bus.links}
    assert len(bused) >= 12, "the shared database's and the topic's calls"
    for number, link in enumerate(scene.links):
        points = placed.links[number]
        source, target = placed.boxes[link.source], placed.boxes[link.target]
        (first_x, first_y), (last_x, last_y) = points[0], points[-1]
        # Each path leaves its caller's box and arrives at its target's box (a few points' slack for the arrowhead).
        assert source.x - 12 <= first_x <= source.x + source.width + 12, (link, points[0], source)
        assert target.y - 12 <= last_y <= target.y + target.height + 12, (link, points[-1], target)
        assert source.y - 12 <= first_y <= source.y + source.height + 12 and target.x - 12 <= last_x, link
    assert run_cli("render", path, "-o", tmp_path, "--format", "drawio").code == 0
    _, edges = _drawio(next(tmp_path.glob("*.drawio")))
    assert len(edges) == len(scene.links)
