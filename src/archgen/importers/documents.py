"""The YAML documents of a deployment file, parsed once by libyaml: each node tree (for lines) and its values."""

from __future__ import annotations

from typing import Any

import yaml

from archgen.errors import ArchgenError, Problem, SpecError
from archgen.loader.yaml_spec import Loader  # libyaml, remembering how plain scalars resolve


def documents(shown: str, text: str) -> list[tuple[yaml.Node, Any]]:
    """Return each document's node tree and the values built from it; a syntax error is positioned."""
    try:
        nodes = [node for node in yaml.compose_all(text, Loader=Loader) if node is not None]
        return [(node, yaml.constructor.SafeConstructor().construct_document(node)) for node in nodes]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise SpecError([Problem(shown, line, column, f"not valid YAML: {error.problem}")]) from None
    except (yaml.YAMLError, ValueError, TypeError) as error:
        raise ArchgenError(f"{shown}: not valid YAML: {error}") from None
