"""`archgen docs`, `archgen build` and `archgen new` on real files with the real CLI."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from archgen.render.docs import markdown_text
from tests.conftest import FIXTURES, ROOT, build, designs_folder, run_cli

DOCS = FIXTURES / "docs"
GOOD = [
    FIXTURES / "specs" / "valid" / "url-shortener.yaml",
    FIXTURES / "lint" / "spof.yaml",
    FIXTURES / "render" / "groups.yaml",
]
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")


def test_design_doc_matches_the_golden_file(tmp_path):
    """Regenerate with: python -m archgen docs tests/fixtures/docs/shop.yaml -o tests/fixtures/docs"""
    result = run_cli("docs", "tests/fixtures/docs/shop.yaml", "-o", tmp_path, cwd=ROOT)
    assert result.code == 0, result.err
    assert (tmp_path / "shop-orders.md").read_text() == (DOCS / "shop-orders.md").read_text()


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_names_with_pipes_and_newlines_cannot_break_a_table():
    text = (DOCS / "shop-orders.md").read_text()
    tables = [block.splitlines() for block in re.findall(r"(?:^\|.*\n)+", text, re.MULTILINE)]
    assert len(tables) >= 8
    for table in tables:
        assert len({unescaped_pipes(line) for line in table}) == 1, table
    assert "<b>" not in text.split("```")[0]


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("a | b", "a \\| b"),
        ("two\nlines", "two<br>lines"),
        ("<script>x</script>", "&lt;script&gt;x&lt;/script&gt;"),
        ("*bold* _it_ [link](x) `code` #1", "\\*bold\\* \\_it\\_ \\[link\\](x) \\`code\\` \\#1"),
        ("back\\slash & ampersand", "back\\\\slash &amp; ampersand"),
        ("ünïcödé 日本", "ünïcödé 日本"),
    ],
)
def test_markdown_escaping(text, markdown):
    assert markdown_text(text) == markdown


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ name.__class__.__mro__ }}", "unsafe"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "unsafe"),
        ("{% include '/etc/passwd' %}", "template not found: /etc/passwd"),
        ("{% include '../../../etc/passwd' %}", "template not found"),
        ("{{ no_such_field }}", "'no_such_field' is undefined"),
        ("{% for x in %}", "design.md.j2:1: Expected an expression"),
    ],
)
def test_user_templates_run_sandboxed_and_fail_cleanly(tmp_path, template, message):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "design.md.j2").write_text(template)
    result = run_cli("docs", DOCS / "shop.yaml", "-o", tmp_path / "out", "--templates", folder)
    assert result.code == 2, result.out
    assert message in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "out" / "shop-orders.md").exists()


def test_a_user_template_overrides_the_default(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "design.md.j2").write_text("# {{ name }}\n{% for c in components %}- {{ c.name }}\n{% endfor %}")
    result = run_cli("docs", DOCS / "shop.yaml", "-o", tmp_path, "--templates", folder)
    assert result.code == 0, result.err
    assert (
        (tmp_path / "shop-orders.md").read_text().startswith("# Shop \\| orders\n- users\n- lb\n- Order API<br>(v2)\n")
    )


@needs_dot
def test_build_publishes_every_design_and_an_index(tmp_path):
    designs_folder(tmp_path, GOOD)
    result = build(tmp_path)
    assert result.code == 0, result.err
    assert "built 3, unchanged 0" in result.err
    output = tmp_path / "output"
    for slug in ("url-shortener", "single-database", "two-groups"):
        assert (output / slug / "diagram.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert (output / slug / "diagram.svg").read_text().startswith("<?xml")
        assert "![" in (output / slug / "design.md").read_text()
    index = (output / "index.md").read_text()
    assert index.index("Single database") < index.index("Two groups") < index.index("URL shortener")
    assert '<img src="url-shortener/diagram.png"' in index
    assert "Shortens URLs and redirects short links." in index
    assert re.search(r"\[Single database\]\(single-database/design.md\)\*\*<br> \| 2 \| 0 \| 0 \|", index)
    assert "`designs/url-shortener.yaml`" in (output / "url-shortener" / "design.md").read_text()


@needs_dot
def test_build_says_what_it_published_and_the_findings_and_can_fail_on_them(tmp_path):
    designs_folder(tmp_path, GOOD)
    lint = run_cli("lint", "designs", "--format", "json", "--fail-on", "info", cwd=tmp_path)
    counts = {severity: 0 for severity in ("error", "warning", "info")}
    for finding in json.loads(lint.out):
        counts[finding["severity"]] += 1
    assert counts["error"] > 0, "a design with a single point of failure"
    result = build(tmp_path)
    assert result.code == 0, "publishing does not fail on findings unless asked"
    assert result.err.splitlines() == [
        "built 3, unchanged 0 → output: 3 designs published, index at output/index.md",
        f"findings in 3 designs: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} infos",
    ]
    failing = build(tmp_path, "--fail-on", "error")
    assert failing.code == 1, "unchanged designs count too: their findings are in the manifest"
    assert "built 0, unchanged 3" in failing.err
    assert failing.err.splitlines()[2:] == [
        "designs/spof.yaml: findings at error or above",
        "designs/url-shortener.yaml: findings at error or above",  # REL009: below its 99.99% target
    ]
    assert build(tmp_path, "--fail-on", "nonsense").code == 2


@needs_dot
def test_rebuild_touches_only_what_changed_and_check_says_when_stale(tmp_path):
    designs = designs_folder(tmp_path, GOOD)
    assert build(tmp_path).code == 0
    output = tmp_path / "output"
    stamps = {path: path.stat().st_mtime_ns for path in output.rglob("*") if path.is_file()}

    again = build(tmp_path)
    assert again.code == 0 and "built 0, unchanged 3" in again.err
    assert {path: path.stat().st_mtime_ns for path in output.rglob("*") if path.is_file()} == stamps
    assert build(tmp_path, "--check").code == 0

    spec = designs / "groups.yaml"
    spec.write_text(spec.read_text().replace("name: Two groups", "name: Two groups\ndescription: Changed."))
    check = build(tmp_path, "--check")
    assert check.code == 1 and check.out.strip() == "stale: designs/groups.yaml"
    assert output.joinpath("two-groups", "design.md").stat().st_mtime_ns == stamps[output / "two-groups" / "design.md"]

    rebuilt = build(tmp_path, "--jobs", "1")
    assert rebuilt.code == 0 and "built 1, unchanged 2" in rebuilt.err
    assert "Changed." in (output / "index.md").read_text()
    assert (
        output.joinpath("url-shortener", "diagram.png").stat().st_mtime_ns
        == stamps[output / "url-shortener" / "diagram.png"]
    )

    (output / "url-shortener" / "diagram.svg").unlink()
    assert build(tmp_path, "--check").code == 1
    assert "built 1, unchanged 2" in build(tmp_path).err

    (designs / "spof.yaml").unlink()
    assert build(tmp_path, "--check").code == 1
    assert build(tmp_path).code == 0
    assert not (output / "single-database").exists()
    assert "Single database" not in (output / "index.md").read_text()
    assert build(tmp_path, "--check").code == 0


@needs_dot
def test_a_template_change_rebuilds_every_design(tmp_path):
    designs_folder(tmp_path, GOOD[:2])
    assert build(tmp_path).code == 0
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "design.md.j2").write_text("# {{ name }}\n")
    assert build(tmp_path, "--templates", "templates", "--check").code == 1
    result = build(tmp_path, "--templates", "templates")
    assert "built 2, unchanged 0" in result.err
    assert (tmp_path / "output" / "url-shortener" / "design.md").read_text() == "# URL shortener\n"


@needs_dot
def test_one_broken_design_is_reported_and_the_others_build(tmp_path):
    designs = designs_folder(tmp_path, GOOD[:2])
    (designs / "broken.yaml").write_text("archgen: 1\nname: Broken\ncomponents:\n  a: {kind: servce}\n")
    result = build(tmp_path)
    assert result.code == 2
    assert "designs/broken.yaml:4:" in result.err and "did you mean 'service'" in result.err
    assert "built 2, unchanged 0, 1 failed" in result.err
    assert (tmp_path / "output" / "url-shortener" / "design.md").exists()
    assert "Broken" not in (tmp_path / "output" / "index.md").read_text()
    assert build(tmp_path, "--check").code == 1


@needs_dot
def test_two_designs_of_one_name_do_not_overwrite_each_other(tmp_path):
    designs = designs_folder(tmp_path, GOOD[:1])
    shutil.copy(GOOD[0], designs / "copy.yaml")
    result = build(tmp_path)
    assert result.code == 2
    assert "designs/url-shortener.yaml:3:7: name: 'url-shortener' already names the outputs of designs/copy.yaml" in (
        result.err
    )
    manifest = json.loads((tmp_path / "output" / ".archgen-manifest.json").read_text())
    assert list(manifest["designs"]) == ["designs/copy.yaml"]


def test_new_writes_a_blank_design_that_lints_clean(tmp_path):
    result = run_cli("new", "Photo | sharing", cwd=tmp_path)
    assert result.code == 0, result.err
    spec = tmp_path / "designs" / "photo-sharing.yaml"
    text = spec.read_text()
    assert text.startswith("# yaml-language-server: $schema=archgen.schema.json\n")
    assert 'name: "Photo | sharing"' in text
    schema = json.loads((tmp_path / "designs" / "archgen.schema.json").read_text())
    assert schema["properties"]["archgen"]
    lint = run_cli("lint", spec, cwd=tmp_path)
    assert lint.code == 0, lint.out
    again = run_cli("new", "Photo | sharing", cwd=tmp_path)
    assert again.code == 2 and "already exists" in again.err


def test_new_from_the_gallery(tmp_path):
    result = run_cli("new", "My shortener", "--example", "tinyurl", "-o", tmp_path, cwd=tmp_path)
    assert result.code == 0, result.err
    text = (tmp_path / "my-shortener.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=archgen.schema.json\n")
    assert text.count("yaml-language-server") == 1
    assert 'name: "My shortener"' in text and "url_db" in text
    assert run_cli("lint", tmp_path / "my-shortener.yaml").code == 0
    unknown = run_cli("new", "X", "--example", "tinyurll", "-o", tmp_path)
    assert unknown.code == 2 and "did you mean 'tinyurl'" in unknown.err


def test_build_without_graphviz_fails_cleanly(tmp_path):
    designs_folder(tmp_path, GOOD[:1])
    env = {**os.environ, "PATH": str(tmp_path)}
    result = run_cli("build", "designs", "-o", "output", cwd=tmp_path, env=env)
    assert result.code == 2
    assert "Graphviz's `dot` was not found" in result.err and "Traceback" not in result.err


@needs_dot
def test_build_shows_a_progress_bar_on_a_terminal_only(tmp_path):
    import pty
    import subprocess
    import sys

    designs_folder(tmp_path, GOOD[:2])
    leader, follower = pty.openpty()
    done = subprocess.run(
        [sys.executable, "-m", "archgen", "build", "designs", "-o", "output"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=follower,
        timeout=120,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert done.returncode == 0
    assert b"Building" in shown and b"100%" in shown, shown
    quiet = run_cli("build", "designs", "-o", "other", cwd=tmp_path)
    assert "Building" not in quiet.err
    assert quiet.err.splitlines()[0] == "built 2, unchanged 0 → other: 2 designs published, index at other/index.md"


def user_template(tmp_path: Path, text: str, config: str = "") -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "design.md.j2").write_text(text)
    (tmp_path / "archgen.toml").write_text(f'templates = "templates"\n{config}')
    shutil.copy(DOCS / "shop.yaml", tmp_path / "shop.yaml")
    return folder


@pytest.mark.parametrize(
    ("template", "config", "message"),
    [
        ("{{ 'x' * 10**8 }}", "", "templates/design.md.j2:1: template failed: a repetition past 10,000,000 items"),
        ("{{ 'x' | center(10**9) }}", "", "a number above 10,000,000 was passed to a call"),
        ("{{ 2 ** 10000 }}", "", "an exponent above 64"),
        ("{% for i in range(20) %}{{ 'x' * 100 }}{% endfor %}", "template-max-bytes = 1000\n", "passed 1,000"),
        (
            "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
            "template-seconds = 0.3\n",
            "the template ran past 0.3 s",
        ),
    ],
)
def test_user_templates_stop_at_their_time_and_size_limits(tmp_path, template, config, message):
    user_template(tmp_path, template, config)
    result = run_cli("docs", "shop.yaml", "-o", "out", cwd=tmp_path)
    assert result.code == 2, result.out
    assert message in result.err and "Traceback" not in result.err
    assert not (tmp_path / "out").exists()


def test_a_link_out_of_the_templates_folder_is_not_followed(tmp_path):
    folder = user_template(tmp_path, "{% include 'secret.j2' %}")
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0")
    (folder / "secret.j2").symlink_to(secret)
    result = run_cli("docs", "shop.yaml", "-o", "out", cwd=tmp_path)
    assert result.code == 2 and "template not found: secret.j2 (a link out of the templates folder)" in result.err
    assert not (tmp_path / "out").exists()


def test_a_templates_folder_that_does_not_exist_is_a_config_error(tmp_path):
    shutil.copy(DOCS / "shop.yaml", tmp_path / "shop.yaml")
    (tmp_path / "archgen.toml").write_text('templates = "/nonexistent"\n')
    for command in ("docs", "build"):
        result = run_cli(command, "shop.yaml", "-o", "out", cwd=tmp_path)
        assert result.code == 2 and "archgen.toml: templates: /nonexistent is not a folder" in result.err


@needs_dot
def test_a_large_design_is_published_as_an_overview_and_views_with_the_whole_picture_as_svg(tmp_path):
    """Past 25 components: the overview and a view per group and per flow as PNG (each under ~4 Mpx) and SVG,
    the whole design as SVG only; the doc shows the overview, the gallery its thumbnail. Small designs are as before.
    """
    import struct

    designs = designs_folder(tmp_path, [ROOT / "designs" / "tinyurl.yaml"])
    large = (FIXTURES / "scale" / "microservices-40.yaml").read_text()
    # A flow, so the design gets a view of it too.
    large = large.replace(
        "components:\n", "flows:\n  checkout: {path: [users, gateway, checkout_svc3]}\ncomponents:\n", 1
    )
    (designs / "large.yaml").write_text(large)
    result = run_cli("build", designs, "-o", tmp_path / "out")
    assert result.code in (0, 1), result.err
    folder = tmp_path / "out" / "microservices-40-components"
    names = sorted(path.name for path in folder.iterdir())
    pictures = [
        "diagram--overview",
        "diagram--group-data",
        "diagram--group-edge",
        "diagram--group-services",
        "diagram--group-workers",
        "diagram--flow-checkout",
    ]
    assert names == sorted(["design.md", "diagram.svg", *(f"{p}.{ext}" for p in pictures for ext in ("png", "svg"))])
    for picture in pictures:
        png = (folder / f"{picture}.png").read_bytes()
        width, height = struct.unpack(">II", png[16:24])
        assert width * height <= 4_000_000, (picture, width, height)
    doc = (folder / "design.md").read_text()
    assert "![Microservices, 40 components: overview](diagram--overview.png)" in doc
    assert "The whole design: [SVG](diagram.svg)" in doc and "- [flow:checkout](diagram--flow-checkout.svg)" in doc
    assert "diagram.png" not in doc
    index = (tmp_path / "out" / "index.md").read_text()
    assert 'src="microservices-40-components/diagram--overview.png"' in index
    assert 'src="tinyurl/diagram.png"' in index
    assert sorted(path.name for path in (tmp_path / "out" / "tinyurl").iterdir()) == [
        "design.md",
        "diagram.png",
        "diagram.svg",
    ]
    overview = (folder / "diagram--overview.svg").read_text()
    assert "Services" in overview and "16 services" in overview and "16 calls" in overview


@needs_dot
def test_a_large_designs_views_are_small_enough_or_drawn_again_smaller(tmp_path):
    """The 60-component fixture's services group is wide: its PNG is drawn at the resolution that fits 4 Mpx."""
    import struct

    from archgen.api import lint_loaded, load_design
    from archgen.render import render_design

    loaded = load_design(FIXTURES / "scale" / "microservices-60.yaml")
    result = lint_loaded(loaded)
    whole = render_design(loaded.design, result.findings, ["png"], view="group:Services")
    width, height = struct.unpack(">II", whole.files["png"][16:24])
    limit = width * height // 2
    fitted = render_design(loaded.design, result.findings, ["png"], view="group:Services", max_pixels=limit)
    new_width, new_height = struct.unpack(">II", fitted.files["png"][16:24])
    assert new_width * new_height <= limit and new_width >= width * 0.6


@needs_dot
def test_a_large_design_without_groups_keeps_its_whole_picture_and_a_small_one_may_ask_for_an_overview(tmp_path):
    """No group, no overview (it would be the whole picture again); `views: [overview]` on a small design is a view."""
    designs = designs_folder(tmp_path, [])
    large = (FIXTURES / "scale" / "microservices-25.yaml").read_text()
    (designs / "flat.yaml").write_text(re.sub(r", group: [A-Za-z]+", "", large).replace("28 components", "flat"))
    small = (ROOT / "designs" / "tinyurl.yaml").read_text() + "views: [overview]\n"
    (designs / "small.yaml").write_text(small)
    result = run_cli("build", designs, "-o", tmp_path / "out")
    assert result.code in (0, 1), result.err
    flat = tmp_path / "out" / "microservices-flat"
    assert sorted(path.name for path in flat.iterdir()) == ["design.md", "diagram.png", "diagram.svg"]
    assert "[PNG](diagram.png)" in (flat / "design.md").read_text()
    tiny = tmp_path / "out" / "tinyurl"
    assert {"diagram.png", "diagram--overview.png", "diagram--overview.svg"} <= {path.name for path in tiny.iterdir()}
    doc = (tiny / "design.md").read_text()
    assert "![TinyURL](diagram.svg)" in doc and "- [overview](diagram--overview.svg)" in doc
