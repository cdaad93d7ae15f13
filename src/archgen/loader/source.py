"""Source maps: where each part of a spec was written."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import yaml

from archgen.positions import Position

Path = Sequence[str | int]


class SourceMap(Protocol):
    """Finds where a part of the spec, named by its path, was written."""

    def position(self, path: Path, *, key: bool = False) -> Position:
        """Return the position of the value at `path` (of its key when `key`), or of its nearest ancestor."""
        ...


def _mark(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


class YamlSourceMap:
    """A source map over a composed YAML node tree; lookups are lazy and cached."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root
        self._indexes: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = {}

    def position(self, path: Path, *, key: bool = False) -> Position:
        """Return the position of the value at `path` (of its key when `key`), or of its nearest ancestor."""
        node = self.root
        if node is None:
            return Position(1, 1)
        found = _mark(node)
        for depth, step in enumerate(path):
            last = depth == len(path) - 1
            if isinstance(node, yaml.MappingNode):
                pair = self._index(node).get(str(step))
                if pair is None:
                    return found
                key_node, node = pair
                found = _mark(key_node) if key and last else _mark(node)
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
                node = node.value[step]
                found = _mark(node)
            else:
                return found
        return found

    def _index(self, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        index = self._indexes.get(id(node))
        if index is None:
            index = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    index.setdefault(str(key_node.value), (key_node, value_node))
            self._indexes[id(node)] = index
        return index


class PathSourceMap:
    """A source map of known paths; any other path takes its nearest known ancestor's position."""

    def __init__(self, positions: dict[tuple[str | int, ...], Position] | None = None) -> None:
        self.positions = positions if positions is not None else {}

    def position(self, path: Path, *, key: bool = False) -> Position:
        """Return the position of the longest known prefix of `path`."""
        steps = tuple(path)
        for end in range(len(steps), -1, -1):
            found = self.positions.get(steps[:end])
            if found is not None:
                return found
        return Position(1, 1)
