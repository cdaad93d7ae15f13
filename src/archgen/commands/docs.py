"""`archgen docs`: each design's Markdown document, its diagram inline as Mermaid."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from archgen.commands.render import WriteRun, publish
from archgen.config import Settings
from archgen.loaded import LoadedDesign
from archgen.rules.engine import LintResult


def docs(paths: Iterable[Path], output: Path, settings: Settings | None = None) -> WriteRun:
    """Write each design's Markdown document as `output/<slug>.md` (templates from `settings.templates`)."""
    from archgen.render.docs import Diagram, templates_for
    from archgen.render.mermaid import to_mermaid
    from archgen.render.scene import build_scene, marks

    settings = settings or Settings()
    compiled = templates_for(settings)

    def document(loaded: LoadedDesign, result: LintResult) -> tuple[dict[str, bytes], list[str]]:
        scene = build_scene(loaded.design, marks(result.findings, result.waived))
        return {
            ".md": compiled.design_doc(
                loaded, result.findings, Diagram(mermaid=to_mermaid(scene)), result.failure_table, result.availability
            )
        }, []

    return publish(paths, settings, output, document)
