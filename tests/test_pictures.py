"""The picture check over real layouts: no text over text, no edge through text, no text cut off.

Every gallery design in both directions, and the fixture designs kept for it (synthetic shapes
from tests/fixtures/generate_pictures.py, and the hand-written render, failure and spec fixtures).
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from archgen.api import lint_loaded, load_design
from archgen.render import check_picture
from archgen.render.check import check_layout
from tests.conftest import FIXTURES, ROOT, SPECS, needs_dot, run_cli

SETS = [
    ROOT / "designs",
    FIXTURES / "pictures",
    FIXTURES / "render",
    FIXTURES / "failures",
    FIXTURES / "specs" / "valid",
]
DESIGNS = sorted(path for folder in SETS for path in folder.iterdir() if path.suffix in (".yaml", ".py"))


def test_the_set_is_varied_enough():
    fixtures = [path for path in DESIGNS if ROOT / "designs" not in path.parents]
    assert len(fixtures) >= 30
    sizes = [len(load_design(path, allow_python=True).design.components) for path in fixtures]
    assert min(sizes) == 2 and max(sizes) >= 200


@needs_dot
@pytest.mark.parametrize("direction", ["LR", "TB"])
@pytest.mark.parametrize("path", DESIGNS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_no_text_collides_or_is_cut_off(path, direction):
    loaded = load_design(path, allow_python=True)
    result = lint_loaded(loaded)
    layout = loaded.design.layout.model_copy(update={"direction": direction})
    check = check_picture(loaded.design.model_copy(update={"layout": layout}), result.findings, waived=result.waived)
    assert check.overlaps == []
    assert check.crossings == []
    assert check.clipped == []


@needs_dot
@pytest.mark.parametrize("view", ["flow:read_timeline", "group:Write path"])
def test_views_pass_the_check_too(view):
    loaded = load_design(FIXTURES / "render" / "views.yaml")
    assert check_picture(loaded.design, lint_loaded(loaded).findings, view=view).clean


def pinned(dot: str) -> bytes:
    """Lay out a graph whose nodes are pinned where the test puts them (`neato -n2`)."""
    done = subprocess.run(["neato", "-n2", "-Tjson"], input=dot.encode(), capture_output=True, check=True)
    return done.stdout


@needs_dot
def test_the_check_finds_each_kind_of_problem():
    node = 'shape=box fixedsize=true width=0.6 height=0.4 fontsize=12 label="{}" pos="{},{}"'
    dot = (
        "digraph { "
        + f"a [{node.format('a label far wider than its box', 100, 100)}] "
        + f"b [{node.format('text', 300, 100)}] c [{node.format('text too', 310, 104)}] "
        + f"d [{node.format('d', 200, 300)}] e [{node.format('e', 200, 0)}] "
        + "d -> e }"
    )
    check = check_layout(pinned(dot))
    assert any("'a label far wider than its box' of box 'a' runs outside its box" in line for line in check.clipped)
    assert check.overlaps == ["'text too' of box 'c' and 'text' of box 'b' overlap"]
    assert not check.crossings
    through = 'digraph { a [shape=box label="a" pos="0,0"] b [shape=box label="b" pos="0,300"] '
    through += 'm [shape=plaintext label="in the way" pos="0,150"] a -> b }'
    assert check_layout(pinned(through)).crossings == ["edge a -> b runs through 'in the way' of box 'm'"]


@needs_dot
def test_a_clean_layout_is_clean():
    dot = 'digraph { a [shape=box label="a" pos="0,0"] b [shape=box label="b" pos="0,300"] a -> b }'
    check = check_layout(pinned(dot))
    assert check.clean and check.counts == {"overlaps": 0, "crossings": 0, "clipped": 0}


def test_the_synthetic_fixtures_are_what_the_generator_writes(tmp_path):
    generator = FIXTURES / "generate_pictures.py"
    namespace: dict[str, object] = {"__name__": "generate_pictures", "__file__": str(generator)}
    exec(compile(generator.read_text(), str(generator), "exec"), namespace)
    designs = namespace["DESIGNS"]
    assert isinstance(designs, dict)
    for name, write in designs.items():
        assert (FIXTURES / "pictures" / name).read_text(encoding="utf-8") == write(), name
    assert sorted(path.name for path in (FIXTURES / "pictures").iterdir()) == sorted(designs)
    scale = namespace["SCALE"]
    assert isinstance(scale, dict)
    for name, write in scale.items():
        assert (FIXTURES / "scale" / name).read_text(encoding="utf-8") == write(), name
        load_design(FIXTURES / "scale" / name)  # each a valid spec


def test_every_fixture_is_a_valid_spec():
    for path in DESIGNS:
        assert load_design(Path(path), allow_python=True).design.components


def positions(design) -> dict[str, tuple[float, float]]:
    """Lay a design out with the real `dot` and return where each box's centre is (y grows upwards)."""
    from archgen.render.diagram import run_dot, to_dot
    from archgen.render.scene import build_scene

    graph = json.loads(run_dot(to_dot(build_scene(design)), ("json",)).files["json"])
    return {item["name"]: tuple(map(float, item["pos"].split(","))) for item in graph["objects"] if "pos" in item}


@needs_dot
@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_replicas_are_drawn_in_order(direction):
    checked = 0
    for path in DESIGNS:
        design = load_design(path, allow_python=True).design
        design = design.model_copy(update={"layout": design.layout.model_copy(update={"direction": direction})})
        pairs = [cid for cid, c in design.components.items() if c.group is None]
        placed = positions(design)
        for component_id in pairs:
            first, second = placed.get(f"{component_id}#replica1"), placed.get(f"{component_id}#replica2")
            if first and second:
                checked += 1
                # Graphviz orders a rank left to right in TB and top to bottom in LR.
                assert first[0] < second[0] if direction == "TB" else first[1] > second[1], (path.name, component_id)
    assert checked >= 10


def with_layout(path: Path, **layout: object):
    design = load_design(path).design
    return design.model_copy(update={"layout": design.layout.model_copy(update=layout)})


@needs_dot
def test_explicit_ranks_are_drawn_side_by_side():
    spec = FIXTURES / "pictures" / "pipeline.yaml"
    placed = positions(with_layout(spec, ranks=(("dns", "media", "metrics"),)))
    assert placed["dns"][0] == placed["media"][0] == placed["metrics"][0]
    assert positions(with_layout(spec))["dns"][0] != positions(with_layout(spec))["media"][0]


@needs_dot
def test_spacing_clusters_and_splines_change_the_layout():
    spec = FIXTURES / "render" / "views.yaml"

    def laid(**layout: object) -> dict:
        from archgen.render.diagram import run_dot, to_dot
        from archgen.render.scene import build_scene

        return json.loads(run_dot(to_dot(build_scene(with_layout(spec, **layout))), ("json",)).files["json"])

    def area(graph: dict) -> float:
        _, _, width, height = map(float, graph["bb"].split(","))
        return width * height

    assert area(laid(spacing="compact")) < area(laid()) < area(laid(spacing="roomy"))

    def titles(graph: dict) -> list[str]:
        return sorted(
            op["text"]
            for item in graph["objects"]
            if item.get("name", "").startswith("#title")
            for op in item["_ldraw_"]
            if op.get("op") == "T"
        )

    assert titles(laid()) == ["Read path", "Write path"]
    assert sum("bb" in item for item in laid()["objects"]) == 2
    assert titles(laid(clusters="none")) == [] and not any("bb" in item for item in laid(clusters="none")["objects"])
    assert laid(splines="ortho")["splines"] == "ortho"
    assert check_layout(json.dumps(laid(splines="spline"))).clean


def test_peers_third_parties_and_repeated_names_are_drawn_as_such():
    from archgen.render.scene import build_scene

    spec = FIXTURES / "pictures" / "replicas.yaml"
    scene = build_scene(load_design(spec).design)
    boxes = {box.id: box for box in scene.boxes}
    assert boxes["peers"].details == ("cassandra\n×3 peers",), "no primary and replicas (a line each: near the icon)"
    assert "peers#replica1" not in boxes
    assert boxes["five"].details == ("mysql · primary",) and boxes["five#replica1"].details == ("4 replicas",)
    pipeline = {box.id: box for box in build_scene(load_design(FIXTURES / "pictures" / "pipeline.yaml").design).boxes}
    assert pipeline["pay_a"].details == ("third party",)
    design = load_design(SPECS / "valid" / "every-kind.yaml").design
    named = design.model_copy(
        update={"components": {"route53": design.components["dns"].model_copy(update={"engine": "Route53"})}}
    )
    assert build_scene(named).boxes[0].details == (), "route53 / route53 is said once"


@needs_dot
def test_regions_as_clusters_when_asked():
    from archgen.render.diagram import run_dot, to_dot
    from archgen.render.scene import build_scene

    design = with_layout(FIXTURES / "render" / "real-systems.yaml", clusters="region")
    graph = json.loads(run_dot(to_dot(build_scene(design)), ("json",)).files["json"])
    members = {item["name"]: item for item in graph["objects"]}
    region = next(item for item in graph["objects"] if "bb" in item)
    inside = {
        members_by_id["name"] for members_by_id in graph["objects"] if members_by_id.get("_gvid") in region["nodes"]
    }
    # us holds timeline, sessions, orders_db (with its read replicas) and ranker; eu the copy dr_db.
    assert {"timeline", "sessions", "orders_db", "ranker"} <= inside and "post" not in inside
    assert "Region us" in [op["text"] for op in members["#title0"]["_ldraw_"] if op.get("op") == "T"]


@needs_dot
@pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig is not installed")
def test_a_font_for_chinese_japanese_and_korean_is_installed():
    """The set-up installs fonts-noto-cjk, so such names are drawn as glyphs, not boxes."""
    done = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True, check=True)
    assert "Noto Sans CJK" in done.stdout


WIDE = """\
archgen: 1
name: Wide icons
layout: {direction: DIRECTION}
components:
  users: {kind: client, calls: [api]}
  api: {kind: service, name: An API with a rather long name, replicas: 2, calls: [events, oracle, cache]}
  events: {kind: database, engine: cassandra, replicas: 3, partitioning: {strategy: consistent_hash, key: id}}
  oracle: {kind: database, engine: oracle}
  cache: {kind: cache, engine: redis, name: A cache whose name is much wider than its icon}
"""


def _icons_and_arrowheads(
    svg: str,
) -> tuple[dict[str, tuple[float, float, float, float]], list[tuple[str, float, float]]]:
    """Return each node's icon rectangle (x0, y0, x1, y1) and each edge's head and arrowhead tip, from an SVG."""
    import re

    icons = {}
    for group in re.finditer(r'class="node">\s*<title>([^<]+)</title>(.*?)</g>', svg, re.S):
        use = re.search(r'<use [^>]*x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" height="([\d.]+)"', group[2])
        if use:
            x, y, width, height = map(float, use.groups())
            icons[group[1]] = (x, y, x + width, y + height)
    tips = []
    for group in re.finditer(r'class="edge">\s*<title>([^<]+)</title>(.*?)</g>', svg, re.S):
        head = group[1].replace("&#45;&gt;", "->").split("->")[1].split(":")[0]
        points = [
            tuple(map(float, p.split(","))) for p in re.search(r'<polygon[^>]*points="([^"]+)"', group[2])[1].split()
        ]
        # The tip is the arrowhead's corner farthest from the other two (a triangle, closed by a repeat).
        corners = points[:3]
        tip = max(corners, key=lambda p: sum((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 for q in corners))
        tips.append((head, *tip))
    return icons, tips


@needs_dot
@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_arrowheads_reach_the_icons_however_wide_the_icon_or_the_text(tmp_path, direction):
    spec = tmp_path / "wide.yaml"
    spec.write_text(WIDE.replace("DIRECTION", direction))
    result = run_cli("render", spec, "-o", tmp_path, "--format", "svg")
    assert result.code == 0, result.err
    icons, tips = _icons_and_arrowheads((tmp_path / "wide-icons.svg").read_text())
    assert {head for head, _, _ in tips} == {"api", "events", "oracle", "cache"}
    for head, x, y in tips:
        left, top, right, bottom = icons[head]
        gap = max(left - x, 0, x - right) + max(top - y, 0, y - bottom)
        assert gap <= 5, f"{direction}: the arrow into {head} stops {gap:.1f} pt from its icon"


@needs_dot
def test_icons_are_cut_to_what_they_show():
    import struct

    from archgen.render.diagram import icon_cell, icon_root
    from archgen.render.icon_crop import cropped

    # diagrams' Cassandra eye fills rows 60-195 of a 256 x 256 canvas: the icon drawn is the eye.
    png = cropped(icon_root(), "resources/onprem/database/cassandra.png")
    assert struct.unpack(">II", png[16:24]) == (256, 135)
    assert icon_cell("resources/onprem/database/cassandra.png") == (64, 34)
    # An icon that fills its canvas is drawn as it is.
    whole = (icon_root() / "resources/aws/database/rds.png").read_bytes()
    assert cropped(icon_root(), "resources/aws/database/rds.png") == whole


@needs_dot
def test_the_layout_metrics_count_crossing_calls_and_the_canvas():
    from archgen.render.check import layout_metrics

    box = 'shape=box fixedsize=true width=0.4 height=0.3 label="{}" pos="{},{}"'
    nodes = "".join(
        f"{name} [{box.format(name, x, y)}] "
        for name, x, y in (("a", 0, 0), ("b", 300, 300), ("c", 0, 300), ("d", 300, 0), ("e", 150, 500))
    )
    # a -> b and c -> d cross; c -> e shares c with c -> d, so the two do not count however they run.
    metrics = layout_metrics(pinned(f"digraph {{ {nodes} a -> b c -> d c -> e }}"))
    assert (metrics.calls, metrics.crossings, metrics.through_groups) == (3, 1, [])
    assert metrics.width > 300 and metrics.height > 500 and metrics.aspect < 1
    apart = layout_metrics(pinned(f"digraph {{ {nodes} a -> d c -> b }}"))
    assert apart.crossings == 0


@needs_dot
def test_render_check_prints_each_pictures_metrics_and_writes_nothing(tmp_path):
    result = run_cli(
        "render",
        FIXTURES / "pictures" / "groups-12x3.yaml",
        ROOT / "designs" / "tinyurl.yaml",
        "--check",
        "--direction",
        "LR",
        "-o",
        tmp_path,
    )
    assert result.code == 0, result.err
    lines = [line for line in result.out.splitlines() if not line.startswith("  ")]
    assert len(lines) == 2 and not list(tmp_path.iterdir())
    assert lines[1].startswith("designs/tinyurl.yaml LR: 11 calls, 0 crossing, 0 through other groups, ")
    assert "text: 0 over text, 0 under a call, 0 cut off" in lines[1]
    groups = lines[0]
    assert groups.startswith("tests/fixtures/pictures/groups-12x3.yaml LR: 60 calls, ")
    through = [line for line in result.out.splitlines() if line.startswith("  edge ")]
    assert through and all(" passes through group " in line for line in through)


SCALE = sorted((FIXTURES / "scale").glob("microservices-*.yaml"))


def _laid_scene(path: Path, direction: str) -> dict:
    """Return Graphviz's layout of a design's picture, as `render` draws it, in one direction."""
    from archgen.render.diagram import run_dot, to_dot
    from archgen.render.scene import build_scene

    design = with_layout(path, direction=direction)
    return json.loads(run_dot(to_dot(build_scene(design)), ("json",)).files["json"])


def _groups(graph: dict) -> dict[str, tuple[float, float, float, float]]:
    """Return each group's box (left, bottom, right, top), by its title."""
    names = {item["_gvid"]: item for item in graph["objects"] if "_gvid" in item}
    boxes = {}
    for item in graph["objects"]:
        if "bb" in item and item["name"].startswith("cluster_"):
            title = next(names[node] for node in item["nodes"] if names[node]["name"].startswith("#title"))
            text = next(op["text"] for op in title["_ldraw_"] if op.get("op") == "T")
            boxes[text] = tuple(map(float, item["bb"].split(",")))
    return boxes


@needs_dot
@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_the_groups_of_a_flow_sit_side_by_side_in_its_direction(direction):
    """Edge, then Services, then Workers (through the topic), then Data: each group after the last ends."""
    groups = _groups(_laid_scene(SCALE[0], direction))
    assert set(groups) == {"Edge", "Services", "Workers", "Data"}
    order = ["Edge", "Services", "Workers", "Data"]
    for earlier, later in itertools.pairwise(order):
        (_, bottom, right, _), (left, _, _, top) = groups[earlier], groups[later]
        if direction == "LR":
            assert right < left, f"{earlier} ends at x={right}, {later} starts at x={left}"
        else:  # Graphviz's y grows upwards: a later rank is lower
            assert bottom > top, f"{earlier} ends at y={bottom}, {later} starts at y={top}"


@needs_dot
def test_groups_no_call_orders_keep_the_layout_graphviz_gives_them():
    """Twelve groups of services that call each other's stores are peers, not a flow: nothing is pinned."""
    from archgen.render.diagram import to_dot
    from archgen.render.scene import build_scene

    peers = to_dot(build_scene(load_design(FIXTURES / "pictures" / "groups-12x3.yaml").design))
    flow = to_dot(build_scene(load_design(SCALE[0]).design))
    assert "#tier" not in peers and "#tier0" in flow


@needs_dot
@pytest.mark.parametrize("direction", ["LR", "TB"])
def test_a_hub_many_call_is_drawn_as_a_bus(tmp_path, direction):
    """The shared database's callers meet at a point, one arrow goes on; the topic's subscribers branch off one line."""
    from tests.test_render import laid_out

    result = run_cli("render", SCALE[0], "-o", tmp_path, "--format", "dot", "--direction", direction)
    assert result.code == 0, result.err
    (dot,) = tmp_path.glob("*.dot")
    spec = load_design(SCALE[0]).design
    callers = {
        name for name, component in spec.components.items() for call in component.calls if "shared_db" in call.targets
    }
    subscribers = {target for call in spec.components["events"].calls for target in call.targets}
    assert len(callers) == 8 and len(subscribers) == 4
    picture = laid_out(dot)
    into_hub = [(tail, attrs) for tail, head, attrs in picture.edges if head == "shared_db"]
    assert {tail for tail, _ in into_hub} == callers, "every call is still drawn"
    assert len({attrs["bus"] for _, attrs in into_hub}) == 1, "through one bus"
    out_of_topic = [(head, attrs) for tail, head, attrs in picture.edges if tail == "events"]
    assert {head for head, _ in out_of_topic} == subscribers
    assert {attrs.get("style") for _, attrs in out_of_topic} == {"dashed"}
    assert len({attrs["bus"] for _, attrs in out_of_topic}) == 1
    # In the DOT itself, one line reaches each hub from its bus (drawn once, with the arrowhead).
    raw = dot.read_text()
    assert len(re.findall(r'"#bus\d+" -> shared_db', raw)) == 1
    assert len(re.findall(r'events -> "#bus\d+"', raw)) == 1
    assert check_layout(
        subprocess.run(
            ["dot", "-Tjson", f"-Gimagepath={_icon_path()}"], input=dot.read_bytes(), capture_output=True, check=True
        ).stdout
    ).clean


def _icon_path() -> str:
    from archgen.render.diagram import icon_root

    return str(icon_root())


#: What the generated microservice systems' pictures may not exceed: crossings per call (a bus's line
#: to its hub crossed once) and calls through a group that holds neither end; left to right, a flow
#: with more ranks than boxes a rank is wider than tall.
BUDGETS = {"crossings per call": 1.05, "through groups": 0}


@needs_dot
@pytest.mark.parametrize("direction", ["LR", "TB"])
@pytest.mark.parametrize("path", SCALE, ids=lambda path: path.name)
def test_microservice_systems_meet_the_layout_budgets(path, direction):
    from archgen.render.check import layout_metrics

    layout = _laid_scene(path, direction)
    metrics = layout_metrics(json.dumps(layout))
    assert metrics.crossings <= BUDGETS["crossings per call"] * metrics.calls, metrics.as_dict()
    assert len(metrics.through_groups) <= BUDGETS["through groups"], metrics.through_groups
    if direction == "LR":
        assert metrics.aspect > 1, metrics.as_dict()
    assert check_layout(json.dumps(layout)).clean


@needs_dot
@pytest.mark.parametrize("direction", ["LR", "TB"])
@pytest.mark.parametrize("path", SCALE, ids=lambda path: path.name)
def test_the_overview_and_every_group_view_pass_the_check(path, direction):
    design = with_layout(path, direction=direction)
    result = lint_loaded(load_design(path))
    groups = sorted({component.group for component in design.components.values() if component.group})
    for view in ("overview", *(f"group:{group}" for group in groups)):
        check = check_picture(design, result.findings, waived=result.waived, view=view)
        assert check.clean, (view, check.counts)


def test_the_overview_draws_each_group_as_one_box_with_its_kinds_and_worst_mark(tmp_path):
    from archgen.render.scene import build_scene, marks

    spec = tmp_path / "views.yaml"
    # One instance of the write API: a single point of failure in the Write path group.
    text = (FIXTURES / "render" / "views.yaml").read_text()
    spec.write_text(text.replace("post_api: {kind: service, replicas: 3,", "post_api: {kind: service, replicas: 1,"))
    loaded = load_design(spec)
    result = lint_loaded(loaded)
    whole = build_scene(loaded.design, marks(result.findings, result.waived))
    scene = build_scene(loaded.design, marks(result.findings, result.waived), "overview")
    groups = {box.title: box for box in scene.boxes if box.members}
    assert set(groups) == set(whole.clusters) == {"Read path", "Write path"}
    assert scene.clusters == () and all(box.cluster is None for box in scene.boxes)
    design = loaded.design
    for title, box in groups.items():
        members = [cid for cid, component in design.components.items() if component.group == title]
        assert box.members == len(members)
        marked = [box.component for box in whole.boxes if box.component in members and box.mark]
        assert (box.mark is not None) == bool(marked), title
        if marked:
            assert box.mark.text.startswith(f"SPOF: {marked[0]}")
    assert groups["Write path"].mark.text == "SPOF: post_api" and groups["Read path"].mark is None
    assert groups["Write path"].details == ("1 queue, 1 service,\n1 worker",)
    assert groups["Read path"].details == ("1 cache, 1 service",)
    # Calls between groups merged, one arrow per style, labelled with how many calls it stands for.
    pairs = [(link.source, link.target, link.style) for link in scene.links]
    assert len(pairs) == len(set(pairs))
    ungrouped = {cid for cid, component in design.components.items() if not component.group}
    assert {box.component for box in scene.boxes if not box.members} == ungrouped


@needs_dot
def test_a_topic_published_and_subscribed_both_ways_draws_each_call_once(tmp_path):
    """Services that publish to a topic and take from it: publishers through one bus, subscribers another."""
    from tests.test_render import laid_out

    path = FIXTURES / "pictures" / "pub-sub.yaml"
    assert run_cli("render", path, "-o", tmp_path, "--format", "dot").code == 0
    picture = laid_out(next(tmp_path.glob("*.dot")))
    design = load_design(path).design
    publishers = sorted(
        name for name, component in design.components.items() for call in component.calls if "bus" in call.targets
    )
    subscribers = sorted(target for call in design.components["bus"].calls for target in call.targets)
    assert sorted(tail for tail, head, _ in picture.edges if head == "bus") == publishers
    assert sorted(head for tail, head, _ in picture.edges if tail == "bus") == subscribers
    into = {attrs["bus"] for tail, head, attrs in picture.edges if head == "bus"}
    out = {attrs["bus"] for tail, head, attrs in picture.edges if tail == "bus"}
    assert len(into) == len(out) == 1 and into != out, "one bus on each side"
