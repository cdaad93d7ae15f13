"""The YAML documents of a deployment file, parsed once by libyaml: each document's values, and where its parts are.

libyaml's node trees are kept only for their lines, and a node of PyYAML costs several times
the value it holds; so each tree is copied into small slotted `Located` nodes (a line, an
offset and the children) and dropped as soon as its values are built. A manifest of thousands
of documents then takes about the memory of its values.
"""

from __future__ import annotations

from typing import Any

import yaml

from archgen.errors import ArchgenError, Problem, SpecError
from archgen.loader.yaml_spec import Loader  # libyaml, remembering how plain scalars resolve


class Located:
    """Where a part of a document starts (0-based `line`, and `index` into the text), and its children."""

    __slots__ = ("index", "line", "value")

    def __init__(self, line: int, index: int, value: Any) -> None:
        self.line, self.index, self.value = line, index, value

    @property
    def start_mark(self) -> Located:
        """Return the node itself: it has the `line` and `index` libyaml's marks have."""
        return self


class LocatedScalar(Located):
    """A scalar: `value` is its text."""

    __slots__ = ()


class LocatedMapping(Located):
    """A mapping: `value` is its (key, value) pairs, in order."""

    __slots__ = ()


class LocatedSequence(Located):
    """A sequence: `value` is its items, in order."""

    __slots__ = ()


LocatedNode = LocatedScalar | LocatedMapping | LocatedSequence


def documents(shown: str, text: str) -> list[tuple[LocatedNode, Any]]:
    """Return each document's located tree and the values built from it; a syntax error is positioned."""
    try:
        parsed = []
        for node in yaml.compose_all(text, Loader=Loader):
            if node is not None:
                value = yaml.constructor.SafeConstructor().construct_document(node)
                parsed.append((_located(node), value))
        return parsed
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise SpecError([Problem(shown, line, column, f"not valid YAML: {error.problem}")]) from None
    except (yaml.YAMLError, ValueError, TypeError) as error:
        raise ArchgenError(f"{shown}: not valid YAML: {error}") from None


def _located(root: yaml.Node) -> LocatedNode:
    """Copy a node tree into `Located` nodes (iteratively, so deep documents are safe; aliases stay shared)."""
    made: dict[int, LocatedNode] = {}
    order: list[yaml.Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in made:
            continue
        kind: type[LocatedNode] = LocatedScalar
        if isinstance(node, yaml.MappingNode):
            kind = LocatedMapping
        elif isinstance(node, yaml.SequenceNode):
            kind = LocatedSequence
        made[id(node)] = kind(node.start_mark.line, node.start_mark.index, None)
        order.append(node)
        if isinstance(node, yaml.MappingNode):
            stack += [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    for node in order:
        if isinstance(node, yaml.MappingNode):
            made[id(node)].value = [(made[id(key)], made[id(value)]) for key, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            made[id(node)].value = [made[id(item)] for item in node.value]
        else:
            made[id(node)].value = node.value
    return made[id(root)]
