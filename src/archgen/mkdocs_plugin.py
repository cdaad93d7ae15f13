"""The MkDocs plugin: each design a page of the site, and ```` ```archgen ```` blocks drawn inline.

    plugins:
      - archgen:
          designs: designs/        # spec files or folders, relative to mkdocs.yml
          section: Architecture    # the nav section holding one page per design

Pages are made in memory (nothing is written into docs/). Pictures come from `archgen build`
into `.archgen_cache/mkdocs/` beside mkdocs.yml, whose manifest keeps every design that did
not change, so a site rebuilds in about the time of an unchanged `archgen build`. A fenced
block holds a spec path or an inline YAML spec; a bad spec in a block is a warning naming the
page and the spec's line:col, which fails `mkdocs build --strict`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import logging
import math
import os
import re
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import BaseConfigOption, Config, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from archgen import __version__
from archgen.errors import ArchgenError, SpecError
from archgen.files import slugify
from archgen.findings import Finding
from archgen.report import summary
from archgen.text import markdown_text
from archgen.vocabulary import SEVERITIES

log = logging.getLogger("mkdocs.plugins.archgen")

ADMONITIONS = {"error": "danger", "warning": "warning", "info": "note"}
STYLESHEET = "archgen.css"
_FRAME = '<div class="archgen-diagram">'
#: Pictures that scroll sideways rather than shrink past legibility; tables with room in every theme.
CSS = """.archgen-diagram { overflow-x: auto; margin: 0 0 1em; }
.archgen-diagram svg { display: block; }
table.archgen-table { border-collapse: collapse; margin: 0 0 1.2em; }
table.archgen-table th, table.archgen-table td {
  padding: 0.3em 0.7em; border: 1px solid rgba(127, 127, 127, 0.35); vertical-align: top; text-align: left;
}
table.archgen-table th { background: rgba(127, 127, 127, 0.1); }
.archgen-findings details summary { cursor: pointer; }
.archgen-findings ul { margin: 0.4em 0 0.2em; }
"""
_BLOCK = re.compile(r"^(?P<fence>```+|~~~+)[ \t]*archgen[ \t]*\n(?P<body>.*?)^(?P=fence)[ \t]*$", re.M | re.S)
_PLACEHOLDER = re.compile(r'<div class="archgen-diagram" data-archgen="([0-9a-f]{16})"></div>')
_PROLOGUE = re.compile(r"\A(<\?xml[^>]*>\s*)?(<!DOCTYPE[^>]*>\s*)?(<!--.*?-->\s*)*", re.S)


class _Folders(BaseConfigOption[list[str]]):
    """Spec files or folders: a list, or one path as a string (`designs: designs`)."""

    def __init__(self, default: list[str]) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> list[str]:
        """Accept one path or a non-empty list of paths."""
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values or not all(isinstance(item, str) for item in values):
            raise ValidationError("expected a folder or file, or a list of them")
        return list(values)


class ArchgenConfig(Config):
    """The plugin's options in mkdocs.yml."""

    designs = _Folders(default=["designs"])
    section = config_options.Type(str, default="Architecture")
    python = config_options.Type(bool, default=False)


@dataclasses.dataclass(frozen=True)
class _Design:
    """One published design: where its page goes and what the rules found."""

    source: str
    slug: str
    name: str
    findings: tuple[Finding, ...]
    #: The page's name in the section: the slug, except that `index` is the section's own page.
    page: str = ""


class ArchgenPlugin(BasePlugin[ArchgenConfig]):
    """Adds a page per design and draws ```` ```archgen ```` blocks."""

    def __init__(self) -> None:
        self.root = Path.cwd()
        self.cache = self.root / ".archgen_cache" / "mkdocs"
        self.docs = self.root / "docs"
        self.designs: list[_Design] = []
        self.blocks: dict[str, str] = {}
        # Pictures go into a page after its Markdown is converted: parsing a large SVG as Markdown is slow.
        self.pictures: dict[str, tuple[str, str | None]] = {}

    @property
    def folder(self) -> str:
        """Return the folder of the site the design pages live in (`architecture/`)."""
        return slugify(self.config.section)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Build the designs into the cache, add admonitions, and put the section into an explicit nav."""
        from archgen import api

        self.root = Path(config.config_file_path).resolve().parent
        self.cache = self.root / ".archgen_cache" / "mkdocs"
        self.docs = Path(config.docs_dir).resolve()
        if "admonition" not in config.markdown_extensions:
            config.markdown_extensions.append("admonition")
        config.extra_css.append(f"{self.folder}/{STYLESHEET}")
        settings = api.Settings(python=self.config.python)
        # Relative to where mkdocs runs, as the docs name each design's spec.
        paths = [Path(os.path.relpath(self.root / path)) for path in self.config.designs]
        built = api.build(paths, self.cache / "site", settings, root=self.root)
        linted = api.lint(paths, settings)
        for error in [*built.errors, *linted.errors]:
            for line in error.lines():
                log.warning("archgen: %s", line)
        self.designs = sorted(
            (
                _Design(
                    result.loaded.file,
                    slugify(result.loaded.design.name),
                    result.loaded.design.name,
                    tuple(result.findings),
                )
                for result in linted.results
                if (self.cache / "site" / slugify(result.loaded.design.name) / "design.md").is_file()
            ),
            key=lambda design: design.name.lower(),
        )
        self.designs = _named_pages(self.designs)
        if config.nav is not None:
            pages = [f"{self.folder}/index.md", *(f"{self.folder}/{design.page}.md" for design in self.designs)]
            config.nav.append({self.config.section: pages})
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Add the section's index, a page per design, and the pictures its page links."""
        files.append(File.generated(config, f"{self.folder}/index.md", content=self._index()))
        files.append(File.generated(config, f"{self.folder}/{STYLESHEET}", content=CSS))
        for design in self.designs:
            folder = self.cache / "site" / design.slug
            page = f"{self.folder}/{design.page}.md"
            files.append(File.generated(config, page, content=self._page(design, folder)))
            for picture in sorted(folder.glob("diagram*.*")):
                if picture.suffix in (".png", ".svg"):
                    uri = f"{self.folder}/{design.slug}/{picture.name}"
                    files.append(File.generated(config, uri, abs_src_path=str(picture)))
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Draw each ```` ```archgen ```` block: the picture inline, the findings under it."""
        return _BLOCK.sub(lambda match: self._block(match, markdown, page), markdown)

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Put each picture where its placeholder stands (a design's links to itself, alone); give tables room."""

        def picture(match: re.Match[str]) -> str:
            svg, alone = self.pictures.get(match.group(1), (match.group(0), None))
            if alone is None:
                return svg
            link = get_relative_url(alone, page.url)
            opened = f'<a href="{link}" title="Open the picture alone (zoom with the browser)">'
            return svg.replace(_FRAME, _FRAME + opened, 1).removesuffix("</div>") + "</a></div>"

        content = _PLACEHOLDER.sub(picture, html)
        if page.file.src_uri.startswith(f"{self.folder}/"):
            content = content.replace("<table>", '<table class="archgen-table">')
        return content

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        """Rebuild the site when a design changes."""
        for path in self.config.designs:
            if (self.root / path).exists():
                server.watch(str(self.root / path))
        return server

    def _index(self) -> str:
        lines = [f"# {self.config.section}", ""]
        for design in self.designs:
            lines.append(f"- [{_text(design.name)}]({design.page}.md) — {summary(design.findings)}")
        return "\n".join(lines) + "\n"

    def _page(self, design: _Design, folder: Path) -> str:
        """Return a design's doc: the title, its picture, one summary of its findings, then the rest of the doc."""
        document = (folder / "design.md").read_text(encoding="utf-8")
        # A large design's page shows its overview; the whole picture is a link away.
        main = next(name for name in ("diagram--overview.svg", "diagram.svg") if (folder / name).exists())
        alone = f"{self.folder}/{design.slug}/{main}"
        svg = self._picture((folder / main).read_text(encoding="utf-8"), alone)
        document = re.sub(r"^!\[[^\n]*\]\(diagram(?:--overview\.png|\.svg)\)\n+", "", document, count=1, flags=re.M)
        # The page is <section>/<slug>.md, its pictures in <section>/<slug>/: MkDocs maps the links to URLs.
        document = document.replace("](diagram", f"]({design.slug}/diagram")
        title, _, rest = document.partition("\n")
        return f"{title}\n\n{svg}\n{findings_summary(design.findings)}{rest}"

    def _block(self, match: re.Match[str], markdown: str, page: Page) -> str:
        """Return the Markdown replacing one block, or a warning naming the page and the spec's position."""
        body = match.group("body")
        line = markdown.count("\n", 0, match.start()) + 2  # the block's first line of spec
        key = hashlib.sha256(f"{__version__}\0{page.file.src_uri}\0{body}".encode()).hexdigest()
        if key not in self.blocks:
            try:
                self.blocks[key] = self._draw(body, line, page)
            except ArchgenError as error:
                for problem in error.lines():
                    log.warning("archgen block in %s: %s", page.file.src_uri, problem)
                return '!!! failure "archgen"\n    This spec has errors: see the build log.\n'
        return self.blocks[key]

    def _draw(self, body: str, line: int, page: Page) -> str:
        """Draw a block: a spec file named on its one line, or the spec itself, positions as lines of the page."""
        from archgen import api
        from archgen.render import render_design

        named = body.strip()
        page_path = self.docs / page.file.src_uri
        shown = (page_path.relative_to(self.root) if page_path.is_relative_to(self.root) else page_path).as_posix()
        if "\n" not in named and re.fullmatch(r"\S+\.(ya?ml|py)", named):
            loaded = api.load_design(self._confined(named, shown, line), allow_python=self.config.python, file=named)
        else:
            loaded = api.load_text("\n" * (line - 1) + body, file=shown)
        result = api.lint_loaded(loaded)
        svg = render_design(loaded.design, result.findings, ["svg"], waived=result.waived).files["svg"].decode()
        return f"{self._picture(svg)}\n{findings_summary(tuple(result.findings))}"

    def _confined(self, named: str, page: str, line: int) -> Path:
        """Return the spec a block names, refusing one outside the MkDocs project (absolute, `..`, a link out)."""
        path = (self.root / named).resolve()
        if Path(named).is_absolute() or not path.is_relative_to(self.root):
            raise SpecError.at(page, line, 1, f"{named}: a block names specs inside the MkDocs project only")
        return path

    def _picture(self, svg: str, alone: str | None = None) -> str:
        """Keep an SVG (and the site path of its own file, if published) for `on_page_content`; return a placeholder."""
        key = hashlib.sha256(svg.encode() + (alone or "").encode()).hexdigest()[:16]
        self.pictures[key] = (_inline_svg(svg), alone)
        return f'<div class="archgen-diagram" data-archgen="{key}"></div>\n'


def _named_pages(designs: list[_Design]) -> list[_Design]:
    """Give each design its page name: its slug, but never `index`, the section's own page."""
    taken = {design.slug for design in designs}
    named = []
    for design in designs:
        page, number = design.slug, 1
        while page == "index" or (page != design.slug and page in taken):
            number += 1
            page = "index-design" if number == 2 else f"index-design-{number - 1}"
        taken.add(page)
        named.append(dataclasses.replace(design, page=page))
    return named


def _inline_svg(svg: str) -> str:
    """Return an SVG as HTML as wide as the page, but never so small that its text is under 11 px.

    Graphviz sizes the picture in points; its smallest text (the legend) is 10 pt, so at 1.1 px
    a point every text is at least 11 px tall. A wider picture scrolls sideways in its frame.
    """
    body = _PROLOGUE.sub("", svg).strip()
    size = re.match(r'<svg width="([0-9.]+)pt" height="[0-9.]+pt"', body)
    width = float(size.group(1)) if size else 0.0
    # Rounded up: a minimum rounded down would put the smallest text a hair under 11 px.
    style = f"width: 100%; min-width: {math.ceil(width * 1.1)}px; max-width: {width * 2:.0f}px; height: auto"
    body = re.sub(r'<svg width="[^"]*" height="[^"]*"', f'<svg style="{style}"', body, count=1)
    return f"{_FRAME}{body}</div>"


def findings_summary(findings: tuple[Finding, ...]) -> str:
    """Return the findings as one admonition: the counts, then the list folded under them (raw HTML, escaped)."""
    if not findings:
        title = '<p class="admonition-title">archgen: no findings</p>'
        return f'<div class="admonition success archgen-findings">{title}</div>\n\n'
    worst = min(findings, key=lambda finding: SEVERITIES.index(finding.severity)).severity
    items = "".join(
        f"<li><strong>{html.escape(finding.code)}</strong> {html.escape(finding.name)}: "
        f"{html.escape(finding.message)} <code>{html.escape(f'{finding.file}:{finding.line}:{finding.column}')}</code>"
        "</li>"
        for finding in findings
    )
    return (
        f'<div class="admonition {ADMONITIONS[worst]} archgen-findings">'
        f'<p class="admonition-title">archgen: {html.escape(summary(list(findings)))}</p>'
        f"<details><summary>Show the findings</summary><ul>{items}</ul></details></div>\n\n"
    )


def _text(text: str) -> str:
    """Escape text for Markdown and HTML on one line: no markup, link, tag or entity can come through."""
    return markdown_text(text.replace("\n", " ").replace("\r", " "))
