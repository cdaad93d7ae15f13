"""A front end like the CLI: `python spec.py` draws beside the script, and notebooks display designs.

A diagrams user runs a script and gets its picture; archgen does the same for a Python spec
run directly (`python designs/uber.py`): `<slug>.png` and `.svg` beside it, the findings on
stdout. Loaded by archgen (lint, build, …) the same file only builds the model. `archgen.dsl`
hands a design over to this module when it ends in a script (an import upwards, named in
tests/test_architecture.py); it reaches the rest of archgen through `archgen.api`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from archgen.errors import ArchgenError
from archgen.files import slugify, write_files

if TYPE_CHECKING:
    from archgen import dsl
    from archgen.loaded import LoadedDesign
    from archgen.rules.engine import LintResult


def svg_of(design: dsl.Design) -> str:
    """Return a design of the Python front-end as SVG, single points of failure outlined."""
    from archgen import api

    return svg_of_result(api.lint_loaded(api.load_model(design, design.made_in or "<memory>")))


def svg_of_result(result: LintResult) -> str:
    """Return a linted design as SVG, its findings marked."""
    from archgen import api

    rendering = api.render_design(result.loaded.design, result.findings, ["svg"], waived=result.waived)
    return rendering.files["svg"].decode()


def svg_of_loaded(loaded: LoadedDesign) -> str:
    """Return a loaded design as SVG, linted with the default settings."""
    from archgen import api

    return svg_of_result(api.lint_loaded(loaded))


def draw_beside_the_script(design: dsl.Design) -> None:
    """Write `<slug>.png` and `.svg` beside the script and print the findings; exit 2 on bad input."""
    from archgen import api

    script = Path(design.made_in)
    try:
        result = api.lint_loaded(api.load_model(design, api.display_path(script)))
        rendering = api.render_design(result.loaded.design, result.findings, ["png", "svg"], waived=result.waived)
        slug = slugify(result.loaded.design.name)
        written = write_files(script.parent, {f"{slug}.{fmt}": data for fmt, data in rendering.files.items()})
    except ArchgenError as error:
        for line in error.lines():
            print(line, file=sys.stderr)
        raise SystemExit(2) from None
    sys.stdout.write(api.format_report("text", result.findings))
    for warning in rendering.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(api.summary(result.findings))
    for path in written:
        print(f"wrote {path}")
