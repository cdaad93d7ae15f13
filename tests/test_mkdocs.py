"""The MkDocs plugin, through a real `mkdocs build` of a site in a temporary folder."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, needs_dot, unresolved_references

DESIGNS = [FIXTURES / "lint" / "clean.yaml", FIXTURES / "lint" / "spof.yaml", FIXTURES / "render" / "views.yaml"]
INDEX = """# Home

The feed, from its file:

```archgen
designs/views.yaml
```

A sketch:

```archgen
archgen: 1
name: Sketch
components:
  users: {kind: client, calls: [app]}
  app: {kind: service, calls: [db]}
  db: {kind: database}
```
"""
BROKEN = """
```archgen
archgen: 1
name: Broken
components:
  a: {kind: servce}
```
"""


def site(tmp_path: Path, index: str = INDEX, nav: str = "") -> Path:
    """Write a project: mkdocs.yml with the plugin, docs/index.md, designs/."""
    (tmp_path / "designs").mkdir()
    for spec in DESIGNS:
        shutil.copy(spec, tmp_path / "designs" / spec.name)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(index)
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: Our systems\n{nav}plugins:\n  - archgen:\n      designs: [designs]\n      section: Architecture\n"
    )
    return tmp_path


def mkdocs_build(project: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *options], cwd=project, capture_output=True, text=True, check=False
    )


@needs_dot
def test_a_site_gets_a_page_per_design_with_its_picture_and_findings(tmp_path):
    project = site(tmp_path)
    done = mkdocs_build(project, "--strict")
    assert done.returncode == 0, done.stderr
    built = project / "site"
    section = (built / "architecture" / "index.html").read_text()
    for slug, name in (
        ("clean", "Clean"),
        ("single-database", "Single database"),
        ("feed-with-views", "Feed with views"),
    ):
        page = (built / "architecture" / slug / "index.html").read_text()
        assert "from <code>designs/" in page, "specs are named from the project"
        assert page.count("<svg") == 1, f"{slug}: the picture is inline"
        assert f'<a href="{slug}/">{name}</a>' in section
    spof = (built / "architecture" / "single-database" / "index.html").read_text()
    assert re.search(
        r'class="admonition danger archgen-findings".*?<strong>REL001</strong> single-point-of', spof, re.S
    )
    assert "db is a single point of failure" in spof
    assert (
        'class="admonition success archgen-findings"' in (built / "architecture" / "clean" / "index.html").read_text()
    )
    feed = (built / "architecture" / "feed-with-views" / "index.html").read_text()
    links = re.findall(r'href="(diagram[^"]*)"', feed)
    assert {"diagram.png", "diagram.svg", "diagram--flow-read-timeline.svg", "diagram--group-write-path.svg"} <= set(
        links
    )
    for link in links:
        assert (built / "architecture" / "feed-with-views" / link).is_file(), link
    home = (built / "index.html").read_text()
    assert home.count("<svg") == 2, "both blocks are drawn inline"
    assert "REL001" in home, "the sketch's database is a single point of failure"
    assert sorted(path.name for path in (project / "docs").iterdir()) == ["index.md"], "nothing written into docs/"


@needs_dot
def test_a_bad_block_names_the_page_and_the_spec_position(tmp_path):
    project = site(tmp_path, INDEX + BROKEN)
    strict = mkdocs_build(project, "--strict")
    assert strict.returncode != 0
    line = (INDEX + BROKEN).splitlines().index("  a: {kind: servce}") + 1
    expected = f"archgen block in index.md: docs/index.md:{line}:13: components.a.kind: unknown kind 'servce'"
    assert expected in strict.stderr
    relaxed = mkdocs_build(project)
    assert relaxed.returncode == 0, relaxed.stderr
    assert "WARNING" in relaxed.stderr and expected in relaxed.stderr
    assert "This spec has errors" in (project / "site" / "index.html").read_text()


@needs_dot
def test_an_explicit_nav_gets_the_section_and_a_rebuild_reuses_the_pictures(tmp_path):
    project = site(tmp_path, nav="nav:\n  - Home: index.md\n")
    assert mkdocs_build(project, "--strict").returncode == 0
    home = (project / "site" / "index.html").read_text()
    assert 'href="architecture/"' in home or 'href="architecture/index.html"' in home
    picture = project / ".archgen_cache" / "mkdocs" / "site" / "clean" / "diagram.png"
    before = picture.stat().st_mtime_ns
    assert mkdocs_build(project, "--strict").returncode == 0
    assert picture.stat().st_mtime_ns == before, "an unchanged design is not drawn again"


def test_serve_watches_the_designs(tmp_path):
    from mkdocs.config import load_config

    from archgen.mkdocs_plugin import ArchgenPlugin

    project = site(tmp_path)
    config = load_config(str(project / "mkdocs.yml"))
    plugin = config.plugins["archgen"]
    assert isinstance(plugin, ArchgenPlugin)
    plugin.root = project

    class Server:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    server = plugin.on_serve(Server(), config=config, builder=None)
    assert server.watched == [str(project / "designs")]


HOSTILE = """archgen: 1
name: "Shop](javascript:alert(1))"
components:
  users: {kind: client, calls: [app]}
  app: {kind: service, replicas: 2, calls: [db]}
  db: {kind: database, engine: "x](javascript:alert(2)) <img src=x onerror=alert(3)>"}
"""


@needs_dot
def test_names_and_messages_cannot_become_links_or_tags_on_the_site(tmp_path):
    project = site(tmp_path, index=f"# Home\n\n```archgen\n{HOSTILE}```\n")
    (project / "designs" / "hostile.yaml").write_text(HOSTILE)
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    pages = [path.read_text() for path in (project / "site").rglob("*.html")]
    assert len(pages) > 4
    for page in pages:
        assert "javascript:" not in re.sub(r"<svg.*?</svg>", "", page, flags=re.S).replace("(javascript:", ""), page
        assert not re.search(r"""href=["']?javascript""", page)
        assert "<img src=x" not in page
    section = (project / "site" / "architecture" / "index.html").read_text()
    assert "Shop](javascript:alert(1))</a>" in section, "the name is shown as it was written"
    home = (project / "site" / "index.html").read_text()
    assert "x](javascript:alert(2)) &lt;img src=x onerror=alert(3)&gt;" in home, "the engine is quoted as text"


@needs_dot
def test_a_block_names_specs_inside_the_project_only(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text((FIXTURES / "lint" / "clean.yaml").read_text())
    project = tmp_path / "project"
    project.mkdir()
    index = f"# Home\n\n```archgen\n../outside/secret.yaml\n```\n\n```archgen\n{outside / 'secret.yaml'}\n```\n"
    site(project, index=index)
    (project / "designs" / "link.yaml").symlink_to(outside / "secret.yaml")
    (project / "link.yaml").symlink_to(outside / "secret.yaml")
    (project / "docs" / "more.md").write_text("# More\n\n```archgen\nlink.yaml\n```\n")
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    for shown in ("docs/index.md:4:1: ../outside/secret.yaml", f"docs/index.md:8:1: {outside / 'secret.yaml'}"):
        assert f"{shown}: a block names specs inside the MkDocs project only" in done.stderr
    assert "docs/more.md:4:1: link.yaml: a block names specs inside the MkDocs project only" in done.stderr
    assert "<svg" not in (project / "site" / "index.html").read_text()


@needs_dot
def test_a_design_named_index_gets_its_own_page_beside_the_section_index(tmp_path):
    project = site(tmp_path)
    spec = (FIXTURES / "lint" / "clean.yaml").read_text().replace("Clean", "Index")
    (project / "designs" / "index.yaml").write_text(spec)
    done = mkdocs_build(project, "--strict")
    assert done.returncode == 0, done.stderr
    section = (project / "site" / "architecture" / "index.html").read_text()
    assert '<a href="index-design/">Index</a>' in section and '<a href="clean/">Clean</a>' in section
    page = (project / "site" / "architecture" / "index-design" / "index.html").read_text()
    assert page.count("<svg") == 1 and '<h1 id="index">Index</h1>' in page


@needs_dot
def test_two_pictures_on_one_page_each_show_their_own_icons(tmp_path):
    two = INDEX + "\nAnother:\n\n```archgen\ndesigns/spof.yaml\n```\n"
    project = site(tmp_path, index=two)
    done = mkdocs_build(project, "--strict")
    assert done.returncode == 0, done.stderr
    page = (project / "site" / "index.html").read_text()
    assert page.count("<svg") == 3
    assert unresolved_references(page) == []
    assert len(re.findall(r'href="#', page)) >= 10


@needs_dot
def test_a_design_page_shows_its_picture_first_legibly_and_its_findings_as_one_summary(tmp_path):
    project = site(tmp_path)
    (project / "designs" / "regions.yaml").write_text((FIXTURES / "failures" / "regions.yaml").read_text())
    done = mkdocs_build(project, "--strict")
    assert done.returncode == 0, done.stderr
    built = project / "site" / "architecture"
    page = (built / "single-database" / "index.html").read_text()
    title, picture, summary, requirements = (
        page.index('<h1 id="single-database">'),
        page.index('<div class="archgen-diagram"><a href="diagram.svg"'),
        page.index("archgen-findings"),
        page.index('<h2 id="requirements">'),
    )
    assert title < picture < summary < requirements, "the picture first, then one summary, then the document"
    assert page.count("archgen-findings") == 1 and "<details><summary>Show the findings</summary>" in page
    assert (built / "single-database" / "diagram.svg").is_file()
    width = float(re.search(r'viewBox="0\.00 0\.00 ([0-9.]+)', page).group(1))
    assert f"width: 100%; min-width: {math.ceil(width * 1.1)}px" in page, "never shrunk below 1.1 px a point"
    assert page.count('<table class="archgen-table">') >= 4 and "<table>" not in page
    assert 'href="../archgen.css"' in page and (built / "archgen.css").is_file()
    regions = (built / "two-regions" / "index.html").read_text()
    assert "<td>regions us, eu</td>" in regions and "<td>region us</td>" in regions
    availability = page[page.index('<h2 id="availability">') : page.index('<h2 id="partitioning-and-replication">')]
    assert "<td>entry point users</td>" in availability and "<td>99.428%</td>" in availability


def test_the_designs_option_takes_one_folder_as_a_string(tmp_path):
    project = site(tmp_path)
    mkdocs_yml = project / "mkdocs.yml"
    mkdocs_yml.write_text(mkdocs_yml.read_text().replace("designs: [designs]", "designs: designs"))
    done = mkdocs_build(project)
    assert done.returncode == 0, done.stderr
    assert (project / "site" / "architecture" / "clean" / "index.html").is_file()
    mkdocs_yml.write_text(mkdocs_yml.read_text().replace("designs: designs", "designs: 3"))
    done = mkdocs_build(project)
    assert done.returncode != 0 and "expected a folder or file, or a list of them" in done.stderr


@needs_dot
def test_a_large_designs_page_shows_its_overview_and_links_the_whole_picture(tmp_path):
    project = site(tmp_path)
    shutil.copy(FIXTURES / "scale" / "microservices-40.yaml", project / "designs" / "large.yaml")
    done = mkdocs_build(project, "--strict")
    assert done.returncode == 0, done.stderr
    folder = project / "site" / "architecture" / "microservices-40-components"
    page = (folder / "index.html").read_text()
    assert page.count("<svg") == 1 and "Microservices, 40 components: overview" in page, "the overview, inline"
    assert "diagram--overview.png" not in page, "not drawn twice"
    links = set(re.findall(r'href="(diagram[^"]*)"', page))
    assert {"diagram.svg", "diagram--overview.svg", "diagram--group-services.svg"} <= links
    for link in links:
        assert (folder / link).is_file(), link
