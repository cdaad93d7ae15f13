"""`archgen render` with the real `dot`: PNG, portable SVG, DOT and Mermaid, highlight, escaping, atomic writes."""

from __future__ import annotations

import os
import re
import shutil
import struct
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

import pytest

from archgen.api import load_design
from archgen.errors import RenderError
from archgen.files import slugify, write_files
from archgen.icons import ALIASES, ROLE_ICONS
from archgen.render.diagram import icon_root
from archgen.render.mermaid import to_mermaid
from archgen.render.scene import build_scene
from tests.conftest import FIXTURES, SPECS, build, designs_folder, needs_dot, run_cli, run_process

EXAMPLE = SPECS / "valid" / "url-shortener.yaml"
RENDER = FIXTURES / "render"
SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def render(spec: Path, out: Path, *options: str):
    result = run_cli("render", spec, "-o", out, "--format", "png,svg,dot,mermaid", *options)
    assert result.code == 0, result.err
    return result


def svg_text(path: Path) -> str:
    """Return every piece of text drawn in an SVG, one per line."""
    root = ElementTree.parse(path).getroot()
    return "\n".join(element.text or "" for element in root.iter(f"{SVG}text"))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@needs_dot
def test_renders_the_design_example_in_every_format(tmp_path):
    result = render(EXAMPLE, tmp_path)
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == ["url-shortener.dot", "url-shortener.mmd", "url-shortener.png", "url-shortener.svg"]
    assert result.out.split() == [
        str(tmp_path / name)
        for name in ("url-shortener.png", "url-shortener.svg", "url-shortener.dot", "url-shortener.mmd")
    ]
    width, height = png_size(tmp_path / "url-shortener.png")
    assert 600 < width < 4000 and 300 < height < 3000
    text = svg_text(tmp_path / "url-shortener.svg")
    design = load_design(EXAMPLE).design
    for component_id in design.components:
        assert component_id in text
    for drawn in (
        "URL shortener",
        "Application tier",
        "haproxy · ×2",
        "consistent_hash\non hash",  # lines about as narrow as the icon
        "64 shards\n× 3 peers",
        "Legend",
    ):
        assert drawn in text


@needs_dot
def test_svg_is_self_contained_with_each_icon_once(tmp_path):
    render(EXAMPLE, tmp_path)
    svg = (tmp_path / "url-shortener.svg").read_text()
    root = ElementTree.fromstring(svg)
    links = [element.get("{http://www.w3.org/1999/xlink}href") for element in root.iter()]
    links = [link for link in links if link]
    assert links, "the SVG links its icons"
    assert all(link.startswith(("#url-shortener-icon", "data:image/png;base64,")) for link in links)
    symbols = root.findall(f"{SVG}defs/{SVG}symbol")
    uses = list(root.iter(f"{SVG}use"))
    # users, dns, lb, app, cache, url_db, clicks, counter: 8 boxes (url_db is sharded, one box)
    # of 7 icons: the service app and the worker counter share the generic one.
    assert len(symbols) == 7
    assert len(uses) == 8
    assert str(icon_root()) not in svg and "resources/" not in svg
    assert len(svg) < 400_000


@needs_dot
def test_identical_input_gives_identical_svg_dot_and_mermaid(tmp_path):
    render(EXAMPLE, tmp_path / "one")
    render(EXAMPLE, tmp_path / "two")
    for name in ("url-shortener.svg", "url-shortener.dot", "url-shortener.mmd"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


@dataclass
class Picture:
    """A design as Graphviz laid it out: what each box says, its icon, and the arrows between boxes."""

    lines: dict[str, list[str]]
    icons: dict[str, str]
    outlines: dict[str, str]
    edges: list[tuple[str, str, dict[str, str]]]

    def edge(self, source: str, target: str) -> dict[str, str]:
        found = [attrs for tail, head, attrs in self.edges if (tail, head) == (source, target)]
        assert len(found) == 1, f"{source} -> {target}: {len(found)} edges"
        return found[0]


def laid_out(dot_path: Path) -> Picture:
    """Run the real `dot -Tjson` on a DOT file; join each labelled edge's two halves, and each bus's branch and
    line to the hub, into one arrow."""
    import json
    import subprocess

    done = subprocess.run(["dot", f"-Gimagepath={icon_root()}", "-Tjson", str(dot_path)], capture_output=True)
    assert done.returncode == 0, done.stderr
    graph = json.loads(done.stdout)
    nodes = {item["_gvid"]: item for item in graph["objects"] if "_gvid" in item and "nodes" not in item}
    lines = {
        node["name"]: [op["text"] for op in node.get("_ldraw_", ()) if op.get("op") == "T"] for node in nodes.values()
    }
    icons = {
        node["name"]: found.group(1) for node in nodes.values() if (found := re.search(r'SRC="([^"]+)"', node["label"]))
    }
    outlines = {
        node["name"]: found.group(1)
        for node in nodes.values()
        if (found := re.match(r'<TABLE BORDER="[1-9]" COLOR="([^"]+)"', node["label"]))
    }
    drawn = [
        (nodes[edge["tail"]]["name"], nodes[edge["head"]]["name"], edge)
        for edge in graph["edges"]
        if edge.get("style") != "invis"  # the tiers' spine
    ]
    halves = {tail: edge for tail, _, edge in drawn if tail.startswith("#label")}
    # A bus: branches meet at a point, one line joins it and the hub (into the hub, or out of it).
    into_bus = {
        head: [tail for tail, other, _ in drawn if other == head] for _, head, _ in drawn if head.startswith("#bus")
    }
    out_of_bus = {
        tail: [head for other, head, _ in drawn if other == tail] for tail, _, _ in drawn if tail.startswith("#bus")
    }
    edges = []
    for tail, head, edge in drawn:
        if tail.startswith("#label"):
            continue
        attrs = {key: value for key, value in edge.items() if not key.startswith("_") and isinstance(value, str)}
        if head.startswith("#label"):
            attrs["label"] = "\n".join(lines[head])
            attrs["arrowhead"] = halves[head].get("arrowhead", "normal")
            head = nodes[halves[head]["head"]]["name"]
        if head.startswith("#bus") and len(out_of_bus[head]) == 1:  # a branch into a hub
            continue
        if tail.startswith("#bus"):
            inward = len(out_of_bus[tail]) == 1
            attrs["bus"] = tail
            if inward:
                edges += [(caller, head, attrs) for caller in into_bus[tail]]
            else:
                edges.append((into_bus[tail][0], head, attrs))
            continue
        if head.startswith("#bus"):  # the hub's line into an outward bus
            continue
        edges.append((tail, head, attrs))
    return Picture(lines, icons, outlines, edges)


@needs_dot
def test_dot_output_is_portable_and_lays_out(tmp_path):
    render(EXAMPLE, tmp_path)
    dot = (tmp_path / "url-shortener.dot").read_text()
    assert str(icon_root()) not in dot
    picture = laid_out(tmp_path / "url-shortener.dot")
    assert picture.icons["cache"] == "resources/onprem/inmemory/redis.png"
    assert picture.icons["clicks"] == "resources/onprem/queue/kafka.png"
    assert picture.icons["app"] == "resources/generic/compute/rack.png", "no vendor's look without an engine"


def run_dot_on(path: Path) -> str:
    import subprocess

    done = subprocess.run(["dot", f"-Gimagepath={icon_root()}", "-Tsvg", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@needs_dot
def test_single_points_of_failure_are_outlined_unless_asked_not_to(tmp_path):
    spec = FIXTURES / "lint" / "spof.yaml"
    render(spec, tmp_path / "on")
    picture = laid_out(tmp_path / "on" / "single-database.dot")
    # db is REL001; zone az-a holds every instance of app and cache (REL002), and losing app loses users.
    assert picture.outlines == {"db": "#D62828", "app": "#D62828"}
    assert picture.lines["db"][-1] == "SPOF"
    assert picture.lines["app"][-1] == "SPOF: zone az-a", "the zone that makes it one is named"
    assert "single point of failure" in svg_text(tmp_path / "on" / "single-database.svg")
    mermaid = (tmp_path / "on" / "single-database.mmd").read_text()
    assert "classDef spof" in mermaid and re.search(r"class (c_app,c_db|c_db,c_app) spof", mermaid)

    render(spec, tmp_path / "off", "--no-highlight")
    assert "SPOF" not in (tmp_path / "off" / "single-database.dot").read_text()
    assert "spof" not in (tmp_path / "off" / "single-database.mmd").read_text()


@needs_dot
def test_a_waived_single_point_of_failure_is_drawn_muted(tmp_path):
    spec = tmp_path / "waived.yaml"
    spec.write_text(
        (FIXTURES / "lint" / "spof.yaml").read_text()
        + "waivers:\n  - {rule: REL001, component: db, reason: a managed database with its own failover}\n"
    )
    render(spec, tmp_path)
    picture = laid_out(tmp_path / "single-database.dot")
    assert picture.outlines == {"db": "#8A949C", "app": "#D62828"}
    assert picture.lines["db"][-1] == "SPOF (waived)"
    assert "single point of failure, waived" in svg_text(tmp_path / "single-database.svg")
    assert re.search(r"class c_db waived", (tmp_path / "single-database.mmd").read_text())


@needs_dot
def test_groups_edge_styles_and_replicas(tmp_path):
    render(RENDER / "groups.yaml", tmp_path, "--format", "dot,mermaid")
    dot = (tmp_path / "two-groups.dot").read_text()
    assert "rankdir=TB" in dot
    assert "db#replica" not in dot, "a sharded store is one box: its replicas are copies of each shard"
    picture = laid_out(tmp_path / "two-groups.dot")
    assert {picture.lines["#title0"][0], picture.lines["#title1"][0]} == {"Data", "data"}
    assert picture.lines["db"][-3:] == ["range on user_id", "8 shards", "× 5 copies"], "as narrow as the icon"
    assert picture.edge("users", "web_a")["arrowhead"] == "empty", "both members of the any_of are alternatives"
    assert picture.edge("users", "web_b")["arrowhead"] == "empty"
    assert picture.edge("web_b", "db")["label"] == "reads"
    mermaid = (tmp_path / "two-groups.mmd").read_text()
    assert mermaid.count("subgraph cluster") == 2


@needs_dot
def test_hostile_labels_stay_text_in_every_format(tmp_path):
    result = render(RENDER / "hostile.yaml", tmp_path)
    stems = {Path(line).stem for line in result.out.split()}
    assert stems == {"hostile-b-bold-b-quotes-back-x-y-pipe-unicode"}
    svg_path = next(tmp_path.glob("*.svg"))
    text = svg_text(svg_path)
    for expected in (
        'Hostile <b>bold</b> & "quotes" \\ back [x] {y} | pipe — ünïcödé 日本',
        "Users",
        "<script>alert(1)</script>",
        'HTTPS "/v1" <&> \\n',
        "LB",
        "second line",
        "Tier <1>",
        "end",
    ):
        assert expected in text
    assert "<script" not in svg_path.read_text()
    run_dot_on(next(tmp_path.glob("*.dot")))
    mermaid = next(tmp_path.glob("*.mmd")).read_text()
    assert "<script" not in mermaid and "<b>" not in mermaid.split("---")[2]
    assert '["Users<br/>#60;script#62;alert#40;1#41;#60;/script#62;"]' in mermaid
    assert 'subgraph cluster1["end"]' in mermaid


def test_mermaid_ids_never_clash_with_keywords_or_arrows():
    design = load_design(RENDER / "groups.yaml").design
    scene = build_scene(design)
    text = to_mermaid(scene)
    assert text.startswith('---\ntitle: "Two groups"\n---\nflowchart TB\n')
    assert re.search(r"^\s+c_users -->\|one of\| c_web_a$", text, re.MULTILINE), "any_of is kept"


@needs_dot
def test_a_failed_render_leaves_earlier_outputs_as_they_were(tmp_path):
    render(EXAMPLE, tmp_path)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "dot").write_text("#!/bin/sh\necho 'Error: out of memory' >&2\nexit 1\n")
    (fake / "dot").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    result = run_cli("render", EXAMPLE, "-o", tmp_path, "--format", "png,svg,dot,mermaid", env=env)
    assert result.code == 2
    assert "url-shortener.yaml:3:7: Graphviz failed: Error: out of memory" in result.err, "the design is named"
    assert "Traceback" not in result.err
    after = {path.name: path.read_bytes() for path in tmp_path.iterdir() if path.is_file()}
    assert after == before


def test_a_missing_dot_is_one_clear_error(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}
    result = run_process("render", EXAMPLE, "-o", tmp_path / "out", env=env)
    assert result.code == 2
    assert result.err.strip().endswith("brew install graphviz or choco install graphviz)")
    assert "Traceback" not in result.err and not (tmp_path / "out").exists()


def test_mermaid_and_dot_need_no_graphviz(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}
    result = run_cli("render", EXAMPLE, "-o", tmp_path, "--format", "dot,mermaid", env=env)
    assert result.code == 0, result.err
    assert sorted(path.suffix for path in tmp_path.glob("url-shortener.*")) == [".dot", ".mmd"]


def test_bad_formats_and_bad_specs_exit_2(tmp_path):
    result = run_cli("render", EXAMPLE, "-o", tmp_path, "--format", "png,jpeg")
    assert result.code == 2 and "jpeg: choose from png, svg, dot, mermaid" in result.err
    broken = tmp_path / "broken.yaml"
    broken.write_text("archgen: 1\nname: Broken\ncomponents:\n  a: {kind: servce}\n")
    result = run_cli("render", broken, "-o", tmp_path)
    assert result.code == 2 and "broken.yaml:4:" in result.err
    assert not list(tmp_path.glob("broken*.png"))


@needs_dot
def test_png_past_the_bitmap_limit_is_a_warning_with_a_way_out(tmp_path):
    spec = tmp_path / "tall.yaml"
    lines = ["archgen: 1", "name: Tall", "components:"]
    lines += [f"  c{index}: {{kind: client}}" for index in range(450)]
    spec.write_text("\n".join(lines) + "\n")
    result = run_cli("render", spec, "-o", tmp_path, "--format", "png")
    assert result.code == 0, result.err
    assert "32,767-pixel bitmap limit" in result.err
    dpi = int(re.search(r"use --dpi (\d+)", result.err).group(1))
    assert 1 <= dpi < 72
    assert max(png_size(tmp_path / "tall.png")) <= 32_767


def test_two_designs_of_one_name_are_refused(tmp_path):
    copy = tmp_path / "copy.yaml"
    copy.write_text(EXAMPLE.read_text())
    result = run_cli("render", EXAMPLE, copy, "-o", tmp_path / "out", "--format", "dot")
    assert result.code == 2
    assert "copy.yaml:3:7: name: 'url-shortener' already names the outputs of" in result.err


@pytest.mark.parametrize(
    "icon", sorted(set(ALIASES.values()) | {icon for icons in ROLE_ICONS.values() for icon in icons.values()})
)
def test_every_icon_exists_in_the_diagrams_catalogue(icon):
    import importlib

    module, _, name = icon.rpartition(".")
    node_class = getattr(importlib.import_module(f"diagrams.{module}"), name)
    assert (icon_root() / node_class._icon_dir / node_class._icon).is_file()


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("URL shortener", "url-shortener"),
        ("../../etc/passwd", "etc-passwd"),
        ("日本", "design"),
        ("Ünïcödé Feed", "unicode-feed"),
        ("a" * 100, "a" * 64),
    ],
)
def test_slugs_are_safe_file_names(name, slug):
    assert slugify(name) == slug


def test_writes_never_leave_the_output_folder(tmp_path):
    with pytest.raises(RenderError, match="refusing to write outside"):
        write_files(tmp_path, {"../escape.txt": b"x"})
    assert not (tmp_path.parent / "escape.txt").exists()
    write_files(tmp_path, {"sub/ok.txt": b"ok"})
    assert (tmp_path / "sub" / "ok.txt").read_bytes() == b"ok"
    assert [path.name for path in (tmp_path / "sub").iterdir()] == ["ok.txt"]


def test_python_twin_renders_the_same_dot(tmp_path):
    twin = SPECS / "valid" / "url-shortener.py"
    assert run_cli("render", EXAMPLE, "-o", tmp_path / "yaml", "--format", "dot").code == 0
    run = run_cli("render", twin, "-o", tmp_path / "python", "--format", "dot")
    assert run.code == 0, run.err
    assert (tmp_path / "yaml" / "url-shortener.dot").read_bytes() == (
        tmp_path / "python" / "url-shortener.dot"
    ).read_bytes()


@needs_dot
def test_graphviz_environment_overrides_are_ignored(tmp_path):
    # With SERVER_NAME set, Graphviz refuses to read images outside GV_FILE_PATH and silently draws none.
    env = {**os.environ, "SERVER_NAME": "example.org", "GV_FILE_PATH": str(tmp_path)}
    result = run_cli("render", EXAMPLE, "-o", tmp_path, "--format", "svg", env=env)
    assert result.code == 0, result.err
    root = ElementTree.parse(tmp_path / "url-shortener.svg").getroot()
    assert len(list(root.iter(f"{SVG}use"))) == 8


@needs_dot
def test_the_words_for_real_systems_are_drawn(tmp_path):
    run = run_cli("render", RENDER / "real-systems.yaml", "-o", tmp_path, "--format", "dot,mermaid")
    assert run.code == 0, run.err
    picture = laid_out(tmp_path / "real-systems.dot")
    assert picture.lines["orders_db#reads"][-2:] == ["3 read replicas", "SPOF: region us"]
    replication = picture.edge("orders_db", "orders_db#reads")
    assert "label" not in replication and replication["style"] == "dashed", "the legend names the dashed arrow"
    assert {tail for tail, head, _ in picture.edges if head == "orders_db#reads"} == {
        "orders_db",
        "timeline",
        "ranker",
    }, "reads go to the read replicas"
    assert picture.edge("post", "orders_db").get("style", "solid") == "solid", "writes go to the primary"
    assert picture.edge("orders_db", "dr_db")["label"] == "async", "a copy is joined by its replication"
    assert "2–40, autoscaled" in picture.lines["timeline"] and "runs hourly" in picture.lines["ranker"]
    assert picture.icons["thumbs"] == "resources/aws/compute/lambda.png"
    mermaid = (tmp_path / "real-systems.mmd").read_text()
    assert "c_orders_db_reads" in mermaid


VIEWS = RENDER / "views.yaml"


@needs_dot
def test_a_view_draws_what_its_flow_or_group_touches_and_its_neighbours(tmp_path):
    run = run_cli(
        "render",
        VIEWS,
        "-o",
        tmp_path,
        "--format",
        "dot,svg",
        "--view",
        "flow:read_timeline",
        "--view",
        "group:Write path",
    )
    assert run.code == 0, run.err
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "feed-with-views--flow-read-timeline.dot",
        "feed-with-views--flow-read-timeline.svg",
        "feed-with-views--group-write-path.dot",
        "feed-with-views--group-write-path.svg",
    ]
    flow = laid_out(tmp_path / "feed-with-views--flow-read-timeline.dot")
    drawn = {name.split("#")[0] for name in flow.icons}
    # The flow's hops, what they call (cdn, post_api, posts_db) and who calls them (fanout_workers).
    assert drawn == {"users", "cdn", "lb", "timeline", "timeline_cache", "post_api", "posts_db", "fanout_workers"}
    assert "Feed with views: flow read_timeline" in svg_text(tmp_path / "feed-with-views--flow-read-timeline.svg")
    group = laid_out(tmp_path / "feed-with-views--group-write-path.dot")
    assert {name.split("#")[0] for name in group.icons} == {
        "lb",
        "post_api",
        "fanout",
        "fanout_workers",
        "posts_db",
        "media",
        "timeline_cache",
    }
    assert all(tail.split("#")[0] in group.icons or tail in group.icons for tail, _, _ in group.edges)


def test_an_unknown_view_is_one_error_with_a_suggestion(tmp_path):
    run = run_cli("render", VIEWS, "-o", tmp_path, "--view", "flow:pots")
    assert run.code == 2
    assert run.err.strip().endswith("views.yaml:2:7: no flow 'pots' in 'Feed with views'; did you mean 'post'?")
    assert len(run.err.splitlines()) == 1
    assert not list(tmp_path.iterdir())


@needs_dot
def test_build_publishes_the_views_a_spec_lists_and_links_them(tmp_path):
    designs_folder(tmp_path, [VIEWS])
    assert build(tmp_path).code == 0
    folder = tmp_path / "output" / "feed-with-views"
    assert sorted(path.name for path in folder.iterdir()) == [
        "design.md",
        "diagram--flow-read-timeline.png",
        "diagram--flow-read-timeline.svg",
        "diagram--group-write-path.png",
        "diagram--group-write-path.svg",
        "diagram.png",
        "diagram.svg",
    ]
    doc = (folder / "design.md").read_text()
    assert "- [flow:read\\_timeline](diagram--flow-read-timeline.svg)" in doc
    assert "- [group:Write path](diagram--group-write-path.svg)" in doc
    again = build(tmp_path)
    assert again.code == 0 and "unchanged 1" in again.out + again.err, "the manifest accepts the view files"


@needs_dot
def test_graphviz_warnings_become_warnings_naming_the_design(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    real = shutil.which("dot")
    (fake / "dot").write_text(f'#!/bin/sh\necho "Warning: something Graphviz noticed" >&2\nexec {real} "$@"\n')
    (fake / "dot").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    run = run_cli("render", EXAMPLE, "-o", tmp_path / "out", "--format", "svg", env=env)
    assert run.code == 0, run.err
    assert run.err.strip().endswith("url-shortener.yaml: Graphviz: something Graphviz noticed")


@needs_dot
@pytest.mark.parametrize("icons", ["aws", "gcp", "azure", "onprem", "k8s"])
def test_an_icon_set_draws_the_kinds_without_an_engine(tmp_path, icons):
    spec = tmp_path / "icons.yaml"
    spec.write_text(EXAMPLE.read_text().replace("layout: {direction: LR}", f"layout: {{icons: {icons}}}"))
    assert run_cli("render", spec, "-o", tmp_path, "--format", "dot").code == 0
    picture = laid_out(tmp_path / "url-shortener.dot")
    module, _, name = ROLE_ICONS[icons]["service"].rpartition(".")
    import importlib

    node_class = getattr(importlib.import_module(f"diagrams.{module}"), name)
    assert picture.icons["app"] == f"{node_class._icon_dir}/{node_class._icon}"
    assert picture.icons["cache"] == "resources/onprem/inmemory/redis.png", "an engine keeps its own icon"


def test_engines_come_from_the_diagrams_catalogue():
    from archgen.icon_catalogue import ENGINES
    from archgen.icons import catalogue_from_diagrams, icon_of

    assert catalogue_from_diagrams() == ENGINES, "run `python -m archgen.icons` after upgrading diagrams"
    for engine, icon in {
        "elb": "aws.network.ElasticLoadBalancing",
        "ALB": "aws.network.ElbApplicationLoadBalancer",
        "rds": "aws.database.RDS",
        "Aurora": "aws.database.Aurora",
        "redshift": "aws.analytics.Redshift",
        "ec2": "aws.compute.EC2",
        "ecs": "aws.compute.ElasticContainerService",
        "eks": "aws.compute.ElasticKubernetesService",
        "lambda": "aws.compute.Lambda",
        "efs": "aws.storage.ElasticFileSystemEFS",
        "bigquery": "gcp.analytics.Bigquery",
        "bigtable": "gcp.database.Bigtable",
        "dataflow": "gcp.analytics.Dataflow",
        "app engine": "gcp.compute.AppEngine",
        "cloud_functions": "gcp.compute.Functions",
        "iot-core": "aws.iot.IotCore",
    }.items():
        assert icon_of("service", engine) == icon, engine
    assert icon_of("service", "iot_core", "gcp") == "gcp.iot.IotCore", "the icon set's provider wins a shared name"


def test_replica_boxes_never_collide_with_a_component_id(tmp_path):
    from archgen.api import load_text

    design = load_text(
        "archgen: 1\nname: Names\ncomponents:\n"
        "  users: {kind: client, calls: [db, db__replica1, db_reads]}\n"
        "  db: {kind: database, replicas: 2, read_replicas: 2}\n"
        "  db__replica1: {kind: cache}\n"
        "  db_reads: {kind: cache}\n"
    ).design
    scene = build_scene(design)
    ids = [box.id for box in scene.boxes]
    assert len(ids) == len(set(ids)) and {"db#replica1", "db#reads", "db__replica1", "db_reads"} <= set(ids)
    mermaid = to_mermaid(scene)
    assert len({line.split("[")[0].strip() for line in mermaid.splitlines() if '["' in line}) == len(ids) == 6


@needs_dot
def test_a_replica_box_says_how_it_is_replicated_and_its_arrow_carries_no_label(tmp_path):
    spec = tmp_path / "replicated.yaml"
    spec.write_text(
        "archgen: 1\nname: Replicated\ncomponents:\n"
        "  api: {kind: service, replicas: 2, calls: [db]}\n"
        "  db: {kind: database, replicas: 2, read_replicas: 2, replication: sync, failover: automatic}\n"
    )
    assert run_cli("render", spec, "-o", tmp_path, "--format", "dot").code == 0
    picture = laid_out(tmp_path / "replicated.dot")
    assert picture.lines["db#replica1"][-2:] == ["replica 1", "sync replication"]
    assert picture.lines["db#reads"][-2:] == ["2 read replicas", "sync replication"]
    assert "label" not in picture.edge("db", "db#replica1") and "label" not in picture.edge("db", "db#reads")


def test_crossing_reduction_takes_one_round_on_pictures_too_large_to_follow_an_edge_in(tmp_path):
    from archgen.render.diagram import LARGE

    for count, rounds in ((LARGE, "4"), (LARGE + 1, "1")):
        lines = [f"  s{index}: {{kind: service, calls: [s{index + 1}]}}" for index in range(count - 1)]
        spec = tmp_path / f"chain-{count}.yaml"
        spec.write_text(
            f"archgen: 1\nname: Chain {count}\ncomponents:\n"
            + "\n".join(lines)
            + f"\n  s{count - 1}: {{kind: service}}\n"
        )
        assert run_cli("render", spec, "-o", tmp_path, "--format", "dot").code == 0
        assert f"mclimit={rounds}" in (tmp_path / f"chain-{count}.dot").read_text()


@needs_dot
def test_names_graphviz_reads_as_syntax_are_drawn_as_text(tmp_path):
    spec = tmp_path / "brackets.yaml"
    spec.write_text(
        'archgen: 1\nname: "]"\ncomponents:\n'
        '  users: {kind: client, calls: [app], group: "]]"}\n'
        '  app: {kind: service, replicas: 2, group: "]]>", name: "]"}\n'
    )
    done = run_cli("render", spec, "-o", tmp_path, "--format", "svg")
    assert done.code == 0, done.err
    svg = (tmp_path / "design.svg").read_text()
    assert ">]</text>" in svg and ">]]</text>" in svg and ">]]&gt;</text>" in svg


@needs_dot
def test_direction_overrides_the_layout_and_both_directions_name_their_files(tmp_path):
    one = run_cli("render", EXAMPLE, "-o", tmp_path / "one", "--format", "dot", "--direction", "tb")
    assert one.code == 0, one.err
    assert "rankdir=TB" in (tmp_path / "one" / "url-shortener.dot").read_text()
    both = run_cli(
        "render", EXAMPLE, "-o", tmp_path / "both", "--format", "dot,svg", "--direction", "TB", "--direction", "LR"
    )
    assert both.code == 0, both.err
    assert sorted(path.name for path in (tmp_path / "both").iterdir()) == [
        "url-shortener--lr.dot", "url-shortener--lr.svg", "url-shortener--tb.dot", "url-shortener--tb.svg"
    ]  # fmt: skip
    assert "rankdir=LR" in (tmp_path / "both" / "url-shortener--lr.dot").read_text()
    assert "rankdir=TB" in (tmp_path / "both" / "url-shortener--tb.dot").read_text()
    wrong = run_cli("render", EXAMPLE, "-o", tmp_path, "--direction", "up")
    assert wrong.code == 2 and "'up' is not one of 'lr', 'tb'" in wrong.err


def test_a_call_needed_only_to_start_is_drawn_as_one_and_the_legend_says_so(tmp_path):
    spec = tmp_path / "startup.yaml"
    spec.write_text(
        "archgen: 1\nname: Start-up\ncomponents:\n"
        "  users: {kind: client, calls: [api]}\n"
        "  api: {kind: service, replicas: 2, calls: [{config: {when: startup}}]}\n"
        "  config: {kind: service, replicas: 2}\n"
    )
    done = run_cli("render", spec, "-o", tmp_path, "--format", "dot,mermaid")
    assert done.code == 0, done.err
    dot = (tmp_path / "start-up.dot").read_text()
    assert re.search(r"api -> config \[[^]]*arrowhead=odot[^]]*style=dashed", dot), dot
    assert "needed to start only" in dot
    assert "c_api -.-> c_config" in (tmp_path / "start-up.mmd").read_text()


def test_the_python_front_end_says_a_call_is_needed_to_start_only():
    from archgen import dsl
    from archgen.api import lint_loaded, load_model

    with dsl.Design("Start-up") as design:
        users, api, config = dsl.Client("users"), dsl.Service("api", replicas=2), dsl.Service("config")
        users >> api >> config.at_startup()
    result = lint_loaded(load_model(design))
    assert [call.when for call in result.loaded.design.components["api"].calls] == ["startup"]
    assert [finding.code for finding in result.findings if finding.component == "config"] == ["REL010"]


@needs_dot
def test_components_named_like_the_pictures_own_nodes_are_drawn_and_exported(tmp_path):
    """Labels, buses, group titles and the tiers' spine are named with `#`, which no component id can hold."""
    spec = tmp_path / "names.yaml"
    spec.write_text(
        "archgen: 1\nname: Names\ncomponents:\n"
        "  users: {kind: client, calls: [label_0]}\n"
        "  label_0: {kind: service, group: cluster_title_0, calls: [{bus_1: {label: reads}}, tier_0]}\n"
        "  bus_1: {kind: database, group: Data}\n"
        "  tier_0: {kind: cache, group: Data}\n"
    )
    result = run_cli("render", spec, "-o", tmp_path, "--format", "svg,dot,drawio,excalidraw", "--view", "overview")
    assert result.code == 0, result.err
    result = run_cli("render", spec, "-o", tmp_path, "--format", "svg,dot,drawio,excalidraw")
    assert result.code == 0, result.err
    picture = laid_out(tmp_path / "names.dot")
    assert {(tail, head) for tail, head, _ in picture.edges} == {
        ("users", "label_0"),
        ("label_0", "bus_1"),
        ("label_0", "tier_0"),
    }
    assert picture.edge("label_0", "bus_1")["label"] == "reads"
    cells = (tmp_path / "names.drawio").read_text()
    assert cells.count('edge="1"') == 3
    assert sorted(path.name for path in tmp_path.glob("names--overview.*")) == [
        "names--overview.dot",
        "names--overview.drawio",
        "names--overview.excalidraw",
        "names--overview.svg",
    ]
