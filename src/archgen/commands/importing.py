"""`archgen import`: a spec from deployment files (`import` is a keyword, hence the name)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from archgen.errors import ArchgenError
from archgen.files import write_files
from archgen.importers import read
from archgen.importers.spec_text import spec_text
from archgen.loaded import LoadedDesign
from archgen.loader import load_text


def import_spec(paths: Sequence[Path], name: str | None = None, output: Path | None = None) -> tuple[str, LoadedDesign]:
    """Return the spec read from `paths` as text, and loaded (so it is known to validate); write it to `output`.

    The file is written whole or not at all, and only once the spec loads.
    """
    imported = read(paths, name)
    text = spec_text(imported)
    try:
        loaded = load_text(text, file="<imported>")
    except ArchgenError as error:  # a spec archgen writes must load: say what went wrong, plainly
        raise ArchgenError(f"archgen import wrote a spec that does not load: {error}") from None
    if output is not None:
        write_files(output.parent, {output.name: text.encode()})
    return text, loaded
