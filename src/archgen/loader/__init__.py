"""Load specs from YAML or Python files into Designs with source maps."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from archgen.errors import SpecError
from archgen.files import SPEC_SUFFIXES, discover, display_path, read_spec
from archgen.gc_pause import gc_paused
from archgen.loaded import LoadedDesign
from archgen.loader.checks import build_design
from archgen.loader.source import PathSourceMap
from archgen.loader.yaml_spec import parse_yaml
from archgen.model import Design

if TYPE_CHECKING:
    from archgen import dsl


def load_design(path: Path, *, allow_python: bool = True, file: str | None = None) -> LoadedDesign:
    """Load and validate one spec file; raise SpecError with every problem found."""
    with gc_paused():
        return _load_design(path, allow_python, file if file is not None else str(path))


def _load_design(path: Path, allow_python: bool, file: str) -> LoadedDesign:
    if path.suffix not in SPEC_SUFFIXES:
        raise SpecError.at(file, 1, 1, f"not a spec: expected one of {', '.join(SPEC_SUFFIXES)}")
    if path.suffix == ".py" and not allow_python:
        raise SpecError.at(file, 1, 1, "Python specs run code and are disabled here (--no-python)")
    data = read_spec(path, file)
    digest = hashlib.sha256(data).hexdigest()
    if path.suffix == ".py":
        from archgen.loader.python_spec import run_python

        raw_python, python_source = run_python(data, path, file)
        return LoadedDesign(build_design(raw_python, python_source, file), python_source, file, digest)
    raw, source = parse_yaml(data, file)
    return LoadedDesign(build_design(raw, source, file), source, file, digest)


def load_text(text: str | bytes, file: str = "<text>") -> LoadedDesign:
    """Load and validate a YAML spec held in memory; positions refer to `file`."""
    data = text.encode() if isinstance(text, str) else text
    raw, source = parse_yaml(data, file)
    return LoadedDesign(build_design(raw, source, file), source, file, hashlib.sha256(data).hexdigest())


def load_model(design: Design | dsl.Design, file: str = "<memory>") -> LoadedDesign:
    """Wrap a design built in memory, as a model or with the Python front-end (validated on the way)."""
    if isinstance(design, Design):
        data = design.model_dump_json(by_alias=True).encode()
        return LoadedDesign(design, PathSourceMap(), file, hashlib.sha256(data).hexdigest())
    raw, positions = design.to_spec(), PathSourceMap(design.positions())
    data = repr(raw).encode()
    return LoadedDesign(build_design(raw, positions, file), positions, file, hashlib.sha256(data).hexdigest())


def load_all(paths: Iterable[Path], *, allow_python: bool = True) -> Iterator[LoadedDesign | SpecError]:
    """Load every spec under `paths`; yield each design, or the error that stopped it."""
    for path in discover(paths):
        try:
            yield load_design(path, allow_python=allow_python, file=display_path(path))
        except SpecError as error:
            yield error
