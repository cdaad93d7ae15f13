"""Write a design in Python, with the operators of mingrammer's `diagrams`.

    with Design("URL shortener"):
        users = Client("users")
        lb = LoadBalancer("lb", replicas=2)
        users >> lb >> Service("app", replicas=4) >> [Database("url_db", replicas=3), cache.optional()]

Each component remembers the line of the call that made it, so findings point there.
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any, ClassVar, Union

from archgen.positions import Position

_PACKAGE = str(Path(__file__).resolve().parent)
_current: contextvars.ContextVar[Design | None] = contextvars.ContextVar("archgen_design", default=None)
_finished: contextvars.ContextVar[list[Design] | None] = contextvars.ContextVar("archgen_designs", default=None)


def _caller() -> Position:
    """Return the position of the first frame outside archgen: the user's call."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
    if frame is None:
        return Position(1, 1)
    column = 1
    positions = list(getattr(frame.f_code, "co_positions", lambda: [])())
    index = frame.f_lasti // 2
    if 0 <= index < len(positions) and positions[index][2] is not None:
        column = (positions[index][2] or 0) + 1
    return Position(frame.f_lineno, column)


@contextlib.contextmanager
def collecting() -> Iterator[list[Design]]:
    """Collect the designs whose `with Design(...)` blocks complete inside this block."""
    finished: list[Design] = []
    token = _finished.set(finished)
    try:
        yield finished
    finally:
        _finished.reset(token)


class Design:
    """A design under construction; components made inside its `with` block join it."""

    def __init__(self, name: str, **fields: Any) -> None:
        self.name = name
        self.fields = {key: value for key, value in fields.items() if value is not None}
        self.components: dict[str, Component] = {}
        self.position = _caller()
        self._token: contextvars.Token[Design | None] | None = None

    def __enter__(self) -> Design:
        self._token = _current.set(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            _current.reset(self._token)
        finished = _finished.get()
        if finished is not None and exc_info[0] is None:
            finished.append(self)

    def to_spec(self) -> dict[str, Any]:
        """Return the spec as the plain values a YAML file would hold."""
        return {
            "archgen": 1,
            "name": self.name,
            **self.fields,
            "components": {component.id: component.to_spec() for component in self.components.values()},
        }

    def positions(self) -> dict[tuple[str | int, ...], Position]:
        """Return where the design and each component were made."""
        found: dict[tuple[str | int, ...], Position] = {(): self.position}
        for component in self.components.values():
            found[("components", component.id)] = component.position
        return found


class Edge:
    """A call with options: made by `.optional()`, `.async_()`, `.labelled()` or `any_of()`."""

    def __init__(
        self,
        targets: tuple[Component, ...],
        *,
        optional: bool = False,
        is_async: bool = False,
        label: str | None = None,
    ) -> None:
        self.targets = targets
        self.optional = optional
        self.is_async = is_async
        self.label = label

    def to_spec(self) -> Any:
        """Return the call as a `calls` entry."""
        options: dict[str, Any] = {}
        if self.optional:
            options["optional"] = True
        if self.is_async:
            options["async"] = True
        if self.label is not None:
            options["label"] = self.label
        if len(self.targets) > 1:
            return {"any_of": [target.id for target in self.targets], **options}
        target = self.targets[0].id
        return {target: options} if options else target

    def __rrshift__(self, other: Iterable[Component]) -> Any:
        for source in other:
            source.call(self)
        return _landing(self)


Target = Union["Component", Edge]


def any_of(*targets: Component, optional: bool = False, is_async: bool = False, label: str | None = None) -> Edge:
    """Return a call to alternatives: it fails only when every one of them fails."""
    return Edge(tuple(targets), optional=optional, is_async=is_async, label=label)


class Component:
    """A component of the design in progress; subclasses fix the kind."""

    kind: ClassVar[str] = ""

    def __init__(self, id: str, **fields: Any) -> None:
        design = _current.get()
        if design is None:
            raise RuntimeError(f"create {self.kind} {id!r} inside a `with Design(...)` block")
        if id in design.components:
            raise ValueError(f"component {id!r} is defined twice")
        self.id = id
        self.fields = {key: value for key, value in fields.items() if value is not None}
        self.calls: list[Edge] = []
        self.position = _caller()
        design.components[id] = self

    def to_spec(self) -> dict[str, Any]:
        """Return the component as the plain values a YAML file would hold."""
        spec: dict[str, Any] = {"kind": self.kind, **self.fields}
        if self.calls:
            spec["calls"] = [call.to_spec() for call in self.calls]
        return spec

    def call(self, target: Target) -> None:
        """Add a call from this component."""
        self.calls.append(target if isinstance(target, Edge) else Edge((target,)))

    def optional(self, label: str | None = None) -> Edge:
        """Return a call to this component that degrades instead of failing."""
        return Edge((self,), optional=True, label=label)

    def async_(self, label: str | None = None) -> Edge:
        """Return an asynchronous call to this component: it starts a pipeline of its own."""
        return Edge((self,), is_async=True, label=label)

    def labelled(self, label: str) -> Edge:
        """Return a call to this component with a label on the edge."""
        return Edge((self,), label=label)

    def __rshift__(self, other: Target | Iterable[Target]) -> Any:
        if isinstance(other, (Component, Edge)):
            self.call(other)
            return _landing(other)
        targets = list(other)
        for target in targets:
            self.call(target)
        return [_landing(target) for target in targets]

    def __rrshift__(self, other: Iterable[Component]) -> Component:
        for source in other:
            source.call(self)
        return self


def _landing(target: Target) -> Any:
    """Return what a chain continues from after `>> target`."""
    if isinstance(target, Edge):
        return target.targets[0] if len(target.targets) == 1 else list(target.targets)
    return target


def _kind(name: str, kind: str, doc: str) -> type[Component]:
    return type(name, (Component,), {"kind": kind, "__doc__": doc, "__module__": __name__})


Client = _kind("Client", "client", "A user or device outside the system.")
External = _kind("External", "external", "A third-party system.")
DNS = _kind("DNS", "dns", "The domain name service.")
CDN = _kind("CDN", "cdn", "A content delivery network.")
LoadBalancer = _kind("LoadBalancer", "load_balancer", "A load balancer.")
ApiGateway = _kind("ApiGateway", "api_gateway", "An API gateway.")
Web = _kind("Web", "web", "A web server tier.")
Service = _kind("Service", "service", "An application service.")
Worker = _kind("Worker", "worker", "A background worker.")
Cache = _kind("Cache", "cache", "An in-memory cache.")
Database = _kind("Database", "database", "A database: a primary and its replicas.")
Queue = _kind("Queue", "queue", "A message queue or log.")
ObjectStorage = _kind("ObjectStorage", "object_storage", "A blob or object store.")
Search = _kind("Search", "search", "A search index.")
Monitoring = _kind("Monitoring", "monitoring", "Metrics, logs and alerts.")

__all__ = [
    "CDN",
    "DNS",
    "ApiGateway",
    "Cache",
    "Client",
    "Component",
    "Database",
    "Design",
    "External",
    "LoadBalancer",
    "Monitoring",
    "ObjectStorage",
    "Queue",
    "Search",
    "Service",
    "Web",
    "Worker",
    "any_of",
]
