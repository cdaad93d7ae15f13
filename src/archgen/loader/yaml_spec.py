"""Read a YAML spec safely: bounded, duplicate keys refused, no tags that run code."""

from __future__ import annotations

from typing import Any

import yaml

from archgen.errors import ArchgenError, Problem, SpecError
from archgen.files import MAX_SPEC_BYTES
from archgen.gc_pause import gc_paused
from archgen.loader.source import YamlSourceMap
from archgen.text import shorten

# libyaml, not PyYAML's pure-Python parser: it is fast, it bounds nesting (1,000 levels)
# instead of overflowing Python's stack, and archgen is tested against its grammar only.
_CLoader: type | None = getattr(yaml, "CSafeLoader", None)
NO_LIBYAML = "archgen needs PyYAML built with libyaml (`pip install --force-reinstall --no-binary=:none: PyYAML`)"


class Loader(_CLoader or yaml.SafeLoader):  # type: ignore[misc]
    """The safe loader, remembering how each plain scalar resolved: specs repeat `kind: service` a lot."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._resolved: dict[tuple[str, tuple[bool, bool]], str] = {}

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        """Return the tag of a node, from memory for plain scalars seen before."""
        if kind is not yaml.ScalarNode:
            return str(super().resolve(kind, value, implicit))
        key = (value, implicit)
        tag = self._resolved.get(key)
        if tag is None:
            tag = self._resolved[key] = super().resolve(kind, value, implicit)
        return tag


MAX_BYTES = MAX_SPEC_BYTES
MAX_VALUES = 1_000_000
MAX_DEPTH = 64
# A value takes at least two bytes ("1,"), so a smaller document cannot hold too many; a
# larger one is counted by a cheap pass over its events before its node tree is built.
COUNT_FIRST_BYTES = 2 * MAX_VALUES

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_SCALAR_NAMES = {
    "tag:yaml.org,2002:int": "integer",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:bool": "boolean",
    "tag:yaml.org,2002:timestamp": "date",
}
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"


def parse_yaml(data: bytes, file: str) -> tuple[Any, YamlSourceMap]:
    """Parse one YAML document into plain Python values and a source map."""
    if len(data) > MAX_BYTES:
        raise SpecError.at(file, 1, 1, f"file is {len(data):,} bytes; specs are limited to {MAX_BYTES:,} bytes")
    if _CLoader is None:
        raise ArchgenError(NO_LIBYAML)
    text = _decode(data, file)
    if len(data) > COUNT_FIRST_BYTES:
        _count_values(text, file)
    try:
        with gc_paused():
            loader = Loader(text)
            try:
                node = loader.get_single_node()
            finally:
                loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(part for part in (error.context, error.problem) if part)
        raise SpecError.at(file, line, column, f"invalid YAML: {message}") from None
    except yaml.reader.ReaderError as error:
        line, column = _line_column(text, error.position)
        code = ord(error.character) if isinstance(error.character, str) else error.character
        raise SpecError.at(file, line, column, f"invalid YAML: character #x{code:04x}: {error.reason}") from None
    except yaml.YAMLError as error:
        raise SpecError.at(file, 1, 1, f"invalid YAML: {' '.join(str(error).split())}") from None
    if node is None:
        raise SpecError.at(file, 1, 1, "the file is empty; a spec starts with `archgen: 1`")
    _lighten(node)
    return _Builder(file).build(node), YamlSourceMap(node)


class _Mark:
    """Where a node starts: all archgen reads of libyaml's marks, in a tenth of their memory."""

    __slots__ = ("column", "line")

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return f"line {self.line + 1}, column {self.column + 1}"


def _lighten(root: yaml.Node) -> None:
    """Replace each node's marks by its start line and column, before the values are built beside the tree.

    The tree stays for the source map; its marks (name, index, buffer and pointer, at both ends)
    were most of its weight, and with them the peak memory of loading a large spec.
    """
    stack = [root]
    while stack:
        node = stack.pop()
        start = node.start_mark
        if isinstance(start, _Mark):
            continue  # an alias: the same node again
        node.start_mark = _Mark(start.line, start.column) if start is not None else _Mark(0, 0)
        node.end_mark = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


def _count_values(text: str, file: str) -> None:
    """Refuse a document of more than MAX_VALUES values without building its tree (which would take minutes)."""
    values = 0
    try:
        for event in yaml.parse(text, Loader=Loader):
            if isinstance(event, (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                values += 1
                if values > MAX_VALUES:
                    line, column = (
                        (event.start_mark.line + 1, event.start_mark.column + 1) if event.start_mark else (1, 1)
                    )
                    raise SpecError.at(file, line, column, f"the document has more than {MAX_VALUES:,} values")
    except yaml.YAMLError:
        return  # the parse proper reports it, with its position


def _line_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _decode(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise SpecError.at(file, line, column, "the file is not UTF-8 text") from None


class _Builder:
    """Turns a composed node tree into values, refusing what a spec must not contain."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.values = 0
        self.problems: list[Problem] = []
        self.scalars = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node) -> Any:
        value = self._build(node, 0)
        if self.problems:
            raise SpecError(self.problems)
        return value

    def _fail(self, node: yaml.Node, message: str) -> SpecError:
        mark = node.start_mark
        return SpecError([*self.problems, Problem(self.file, mark.line + 1, mark.column + 1, message)])

    def _build(self, node: yaml.Node, depth: int) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            raise self._fail(node, f"the document expands to more than {MAX_VALUES:,} values (too many aliases?)")
        if depth > MAX_DEPTH:
            raise self._fail(node, f"values are nested more than {MAX_DEPTH} levels deep")
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            if tag == _STR:
                return node.value
            if tag in _SCALAR_TAGS:
                return self._scalar(node)
        elif isinstance(node, yaml.SequenceNode) and tag == _SEQ:
            return [self._build(item, depth + 1) for item in node.value]
        elif isinstance(node, yaml.MappingNode) and tag == _MAP:
            return self._mapping(node, depth)
        self.problems.append(
            Problem(
                self.file,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                f"unsupported YAML tag {tag.replace('tag:yaml.org,2002:', '!!')!r}",
            )
        )
        return None

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        """Construct a plain value; one YAML cannot construct (`2027-13-45`, `!!float x`, `!!timestamp x`) is a problem.

        PyYAML's constructors fail in many ways on a value their tag does not fit (ValueError,
        OverflowError, AttributeError, TypeError, …): each is the same positioned problem.
        """
        try:
            return self.scalars.construct_object(node)
        except Exception:  # noqa: BLE001 - whatever a constructor raises, the value does not fit its tag
            self.scalars.recursive_objects.pop(node, None)
            what = _SCALAR_NAMES.get(node.tag, "value")
            mark = node.start_mark
            message = f"{shorten(repr(node.value))} is not a valid {what}"
            self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, message))
            return None

    def _mapping(self, node: yaml.MappingNode, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged = {**self._merge(value_node, depth), **merged}
                continue
            key = self._build(key_node, depth + 1)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                mark = key_node.start_mark
                self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, "a key must be a plain value"))
                continue
            if key in result:
                mark = key_node.start_mark
                self.problems.append(
                    Problem(self.file, mark.line + 1, mark.column + 1, f"duplicate key {shorten(str(key))!r}")
                )
                continue
            result[key] = self._build(value_node, depth + 1)
        for key, value in merged.items():
            result.setdefault(key, value)
        return result

    def _merge(self, node: yaml.Node, depth: int) -> dict[Any, Any]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged: dict[Any, Any] = {}
        for source in sources:
            value = self._build(source, depth + 1)
            if not isinstance(value, dict):
                raise self._fail(source, "`<<` merges only mappings")
            merged = {**value, **merged}
        return merged
