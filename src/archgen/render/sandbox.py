"""The Jinja2 sandbox user templates run in, with limits on time, size and files.

Jinja2's SandboxedEnvironment stops templates reaching Python internals; it does not stop a
template from running for hours (`range(100000)` nested), from building a 100 MB string
(`'x' * 10**8`), or from reading a file that a symbolic link in the templates folder
points at. This module adds those limits. Time is checked at every call, filter, attribute
and item lookup, step of `range` and chunk of output; size at every `*` and `**`, every
integer argument, every call's result and the output as it grows.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment


class TemplateLimitError(Exception):
    """A template went past its time or size limit."""


class ContainedLoader(jinja2.FileSystemLoader):
    """A file system loader that refuses a template whose real path lies outside its folders."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        """Return a template's source, if its real path is inside one of the folders."""
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        folders = [os.path.realpath(folder) for folder in self.searchpath]
        if not any(real.startswith(folder + os.sep) for folder in folders):
            raise jinja2.TemplateNotFound(f"{template} (a link out of the templates folder)")
        return source, filename, uptodate


class LimitedEnvironment(SandboxedEnvironment):
    """A sandbox whose templates stop at a deadline and a size."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *, seconds: float, max_bytes: int, **options: Any) -> None:
        super().__init__(**options)
        self.seconds = seconds
        self.max_bytes = max_bytes
        self._local = threading.local()  # builds render on several threads, each with its own deadline
        self.globals["range"] = self._range
        self.filters = {name: self._guarded(function) for name, function in self.filters.items()}

    def render(self, template: jinja2.Template, context: dict[str, Any]) -> str:
        """Render `template`, stopping at the deadline or when the output passes the size limit."""
        self._local.deadline = time.monotonic() + self.seconds
        size = 0
        chunks = []
        for chunk in template.generate(context):
            self.tick()
            size += len(chunk)
            if size > self.max_bytes:
                raise TemplateLimitError(f"the output passed {self.max_bytes:,} characters")
            chunks.append(chunk)
        return "".join(chunks)

    def tick(self) -> None:
        """Stop the template when its time is up."""
        deadline = getattr(self._local, "deadline", None)
        if deadline is not None and time.monotonic() > deadline:
            raise TemplateLimitError(f"the template ran past {self.seconds:g} s")

    def _sized(self, value: Any) -> Any:
        if isinstance(value, (str, bytes, list, tuple, dict)) and len(value) > self.max_bytes:
            raise TemplateLimitError(f"a value passed {self.max_bytes:,} items")
        return value

    def _check_arguments(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and abs(value) > self.max_bytes:
                raise TemplateLimitError(f"a number above {self.max_bytes:,} was passed to a call")

    def _range(self, *args: int) -> Iterator[int]:
        self._check_arguments(args, {})
        for step, value in enumerate(range(*args)):
            if step % 1024 == 0:
                self.tick()
            yield value

    def _guarded(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def guarded(*args: Any, **kwargs: Any) -> Any:
            self.tick()
            self._check_arguments(args[1:], kwargs)
            return self._sized(function(*args, **kwargs))

        # Jinja2 passes the context or environment to filters marked for it; keep the marks.
        guarded.__dict__.update(getattr(function, "__dict__", {}))
        return guarded

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Call a function from a template, within the limits."""
        __self.tick()
        __self._check_arguments(args, kwargs)
        return __self._sized(super().call(__context, __obj, *args, **kwargs))

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Look up an attribute, within the time limit."""
        self.tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """Look up an item, within the time limit."""
        self.tick()
        return super().getitem(obj, argument)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Multiply and raise to a power only within the size limit."""
        self.tick()
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise TemplateLimitError("an exponent above 64")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int):
                    if len(sequence) * count > self.max_bytes:
                        raise TemplateLimitError(f"a repetition past {self.max_bytes:,} items")
        return self._sized(super().call_binop(context, operator, left, right))
