"""Turn raw spec values into a Design, reporting every problem with its position."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from typing import Any, Union

import pydantic
from pydantic import BaseModel

from archgen.errors import Problem, SpecError
from archgen.loader.references import Loc, reference_problems
from archgen.loader.source import SourceMap
from archgen.model import KINDS, Design
from archgen.text import shorten, suggest


def build_design(raw: Any, source: SourceMap, file: str) -> Design:
    """Validate raw values into a Design, or raise a SpecError listing every problem."""
    problems: dict[Loc, Problem] = {}

    def report(loc: Loc, message: str, *, key: bool = False) -> None:
        if loc not in problems:
            position = source.position(loc, key=key)
            where = ".".join(str(step) for step in loc)
            text = f"{where}: {message}" if where else message
            problems[loc] = Problem(file, position.line, position.column, text)

    if not isinstance(raw, dict):
        report((), "a spec is a mapping that starts with `archgen: 1`")
        raise SpecError(list(problems.values()))
    version = raw.get("archgen")
    if "archgen" in raw and version != 1:
        report(("archgen",), f"unsupported spec version {shorten(repr(version))}; this archgen reads `archgen: 1`")
        raise SpecError(list(problems.values()))

    design: Design | None = None
    try:
        design = Design.model_validate(raw)
    except pydantic.ValidationError as error:
        explained = [_explain(detail, raw) for detail in error.errors()]
        # A list whose items are all wrong is also too short "after validation": the items say why.
        wrong_items = {loc[:-1] for loc, _, _ in explained if loc and isinstance(loc[-1], int)}
        for loc, message, key in explained:
            if not (loc in wrong_items and "after validation" in message):
                report(loc, message, key=key)
    for loc, message, key in reference_problems(raw):
        report(loc, message, key=key)
    if problems or design is None:
        raise SpecError(list(problems.values()))
    return design


def _explain(detail: Mapping[str, Any], raw: Any) -> tuple[Loc, str, bool]:
    """Return the data path, the message and whether the key (not the value) is at fault."""
    full_loc: Loc = tuple(detail["loc"])
    loc = _data_path(full_loc, raw)
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    value = detail.get("input")
    if kind == "extra_forbidden":
        key = str(full_loc[-1])
        fields = _fields_at(full_loc[:-1])
        hint = suggest(key, fields) or (f" (allowed: {', '.join(fields)})" if fields else "")
        return loc, f"unknown key {shorten(key)!r}{hint}", True
    if kind == "missing":
        return loc, "required key is missing", False
    if kind == "union_tag_invalid":
        tag = str(ctx.get("tag"))
        return (*loc, "kind"), f"unknown kind {shorten(tag)!r}{suggest(tag, KINDS)} (kinds: {', '.join(KINDS)})", False
    if kind == "union_tag_not_found":
        return loc, f"a component needs a `kind`: one of {', '.join(KINDS)}", False
    if kind in ("archgen_call", "archgen_call_option"):
        subpath = tuple(ctx.get("subpath", ()))
        message = detail["msg"]
        if kind == "archgen_call_option":
            message += suggest(ctx["key"], ctx["choices"])
        return (*loc, *subpath), message, bool(subpath)
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'|(\d+)", str(ctx.get("expected", "")))
        names = [quoted or number for quoted, number in choices]
        shown = shorten(repr(value)) if not isinstance(value, (dict, list)) else type(value).__name__
        return loc, f"{shown} is not one of {', '.join(names)}{suggest(str(value), names)}", False
    if kind == "string_pattern_mismatch" and full_loc[-1] == "[key]":
        return loc, f"{shorten(repr(value))} is not a valid id: letters, digits, _ and -, starting with a letter", True
    message = str(detail["msg"])
    message = message.removeprefix("Value error, ")
    message = message[:1].lower() + message[1:]
    if not isinstance(value, (dict, list)) and kind not in ("value_error",):
        message += f" (got {shorten(repr(value))})"
    return loc, message, False


def _data_path(loc: Loc, raw: Any) -> Loc:
    """Drop the union tags pydantic puts into error locations, keeping the steps that are in the data."""
    path: list[str | int] = []
    node = raw
    for index, step in enumerate(loc):
        if step == "[key]":
            continue
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        elif index < len(loc) - 1 or (isinstance(node, dict) and node.get("kind") == step):
            continue  # a union tag: a kind's name, also when a model's own check ends the location
        path.append(step)
    return tuple(path)


def _fields_at(loc: Loc) -> list[str]:
    """Return the keys allowed at a model location (walking pydantic's error location)."""
    current: Any = Design
    for step in loc:
        current = _step(current, step)
        if current is None:
            return []
    model = _unwrap(current)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [field.alias or name for name, field in model.model_fields.items()]
    return []


def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _members(annotation: Any) -> tuple[Any, ...]:
    annotation = _unwrap(annotation)
    origin = typing.get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        return tuple(_unwrap(member) for member in typing.get_args(annotation))
    return (annotation,)


def _step(annotation: Any, step: str | int) -> Any:
    for member in _members(annotation):
        if isinstance(member, type) and issubclass(member, BaseModel):
            if member.__name__ == step:
                return member
            for name, field in member.model_fields.items():
                if step in (name, field.alias):
                    return field.annotation
            kind = member.model_fields.get("kind")
            if kind is not None and step in typing.get_args(kind.annotation):
                return member
        origin = typing.get_origin(member)
        if origin in (dict, Mapping):
            return typing.get_args(member)[1]
        if origin in (list, tuple) and isinstance(step, int):
            return typing.get_args(member)[0]
    return None
