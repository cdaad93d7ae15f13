"""Run a Python spec and collect the design its `with Design(...)` block builds."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any

from archgen import dsl
from archgen.errors import SpecError
from archgen.loader.source import PathSourceMap


def run_python(source: bytes, path: Path, file: str) -> tuple[dict[str, Any], PathSourceMap]:
    """Execute the spec read from `path`; return its design's values and where each part was made."""
    try:
        code = compile(source, str(path), "exec")
    except SyntaxError as error:
        raise SpecError.at(file, error.lineno or 1, error.offset or 1, f"invalid Python: {error.msg}") from None
    except ValueError as error:
        raise SpecError.at(file, 1, 1, f"invalid Python: {error}") from None
    folder = str(path.parent)
    sys.path.insert(0, folder)
    try:
        with dsl.collecting() as finished:
            exec(code, {"__name__": "__archgen_spec__", "__file__": str(path)})
    except SpecError:
        raise
    except BaseException as error:
        if isinstance(error, KeyboardInterrupt):
            raise
        line = _spec_line(error, str(path))
        raise SpecError.at(file, line, 1, f"the spec raised {type(error).__name__}: {error}") from None
    finally:
        if folder in sys.path:
            sys.path.remove(folder)
    if len(finished) != 1:
        found = "no" if not finished else str(len(finished))
        raise SpecError.at(file, 1, 1, f"a Python spec builds exactly one `with Design(...)` block; found {found}")
    design = finished[0]
    return design.to_spec(), PathSourceMap(design.positions())


def _spec_line(error: BaseException, filename: str) -> int:
    """Return the line of the innermost traceback frame in the spec itself."""
    line = 1
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == filename and frame.lineno:
            line = frame.lineno
    return line
