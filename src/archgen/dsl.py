"""Write a design in Python, with the operators of mingrammer's `diagrams`.

    with Design("URL shortener"):
        users = Client("users")
        lb = LoadBalancer("lb", replicas=2)
        with Group("Application tier", zones=["az-a", "az-b"]):
            app = Service("app", replicas=4)
        cache = Cache("cache", eviction="lru")
        users >> lb >> app >> [Database("url_db", replicas=3), cache.optional()]

Each kind is a class whose keyword arguments are typed, so editors complete them and
mypy checks them. Each component remembers the line of the call that made it, so
findings point there.
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypedDict, Union

from archgen.positions import Position

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Unpack

    from archgen.model import (
        Algorithm,
        Autoscale,
        AvailabilityDefaults,
        Backup,
        CacheStrategy,
        Capacity,
        Endpoint,
        Entity,
        Eviction,
        Failover,
        Layout,
        Mode,
        Partitioning,
        Promotion,
        Replication,
        Requirements,
        Role,
        Tradeoff,
        Waiver,
        When,
    )

_PACKAGE = str(Path(__file__).resolve().parent)
_current: contextvars.ContextVar[Design | None] = contextvars.ContextVar("archgen_design", default=None)
_finished: contextvars.ContextVar[list[Design] | None] = contextvars.ContextVar("archgen_designs", default=None)
_group: contextvars.ContextVar[Group | None] = contextvars.ContextVar("archgen_group", default=None)


def _caller() -> Position:
    """Return the position of the first frame outside archgen: the user's call."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
    if frame is None:
        return Position(1, 1)
    # The column: `co_positions()` gives (line, end line, column, end column) per bytecode
    # instruction, 0-based, and `f_lasti` is the byte offset of the instruction running now
    # (the call), two bytes an instruction. A chained call (`Service(...) >> db`) thus gets
    # the column of its own call, not of the statement.
    column = 1
    positions = list(frame.f_code.co_positions())
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


class DesignFields(TypedDict, total=False):
    """The design's sections; each takes plain values or the model's own classes."""

    description: str
    requirements: Requirements | Mapping[str, Any]
    capacity: Capacity | Mapping[str, Any]
    api: Sequence[Endpoint | Mapping[str, Any]]
    data: Sequence[Entity | Mapping[str, Any]]
    zones: Sequence[str]
    regions: Mapping[str, Sequence[str]]
    availability: AvailabilityDefaults | Mapping[str, float]
    flows: Mapping[str, Mapping[str, Any]]
    tradeoffs: Sequence[Tradeoff | Mapping[str, Any]]
    waivers: Sequence[Waiver | Mapping[str, Any]]
    layout: Layout | Mapping[str, Any]
    views: Sequence[str]


class Design:
    """A design under construction; components made inside its `with` block join it."""

    def __init__(self, name: str, **fields: Unpack[DesignFields]) -> None:
        self.name = name
        self.fields = {key: _plain(value) for key, value in fields.items() if value is not None}
        self.components: dict[str, Component] = {}
        self.flow_positions: dict[str, Position] = {}
        self.position = _caller()
        self.made_in = _caller_file()
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
        elif finished is None and exc_info[0] is None and _run_as_a_script(self.made_in):
            from archgen.script import draw_beside_the_script

            draw_beside_the_script(self)

    def _repr_svg_(self) -> str:
        """Draw the design in a notebook, single points of failure outlined."""
        from archgen.script import svg_of

        return svg_of(self)

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
        for name, position in self.flow_positions.items():
            found[("flows", name)] = position
        return found


def _run_as_a_script(made_in: str) -> bool:
    """Tell whether the design was made by the script Python runs (`python spec.py`), not in a notebook."""
    script = getattr(sys.modules.get("__main__"), "__file__", None)
    in_notebook = "ipykernel" in sys.modules
    return bool(script) and not in_notebook and Path(str(script)).resolve() == Path(made_in).resolve()


def _caller_file() -> str:
    """Return the file of the first frame outside archgen: where the user's code runs."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
    return frame.f_code.co_filename if frame is not None else ""


class Edge:
    """A call with options: made by `.optional()`, `.async_()`, `.labelled()` or `any_of()`."""

    def __init__(
        self,
        targets: tuple[Component, ...],
        *,
        optional: bool = False,
        is_async: bool = False,
        label: str | None = None,
        mode: Mode | None = None,
        when: When | None = None,
    ) -> None:
        self.targets = targets
        self.optional = optional
        self.is_async = is_async
        self.label = label
        self.mode = mode
        self.when = when

    def to_spec(self) -> Any:
        """Return the call as a `calls` entry."""
        options: dict[str, Any] = {}
        if self.optional:
            options["optional"] = True
        if self.is_async:
            options["async"] = True
        if self.label is not None:
            options["label"] = self.label
        if self.mode is not None:
            options["mode"] = self.mode
        if self.when is not None:
            options["when"] = self.when
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
        group = _group.get()
        if group is not None:
            fields = {**group.defaults, **fields}
        self.id = id
        self.fields = {key: _plain(value) for key, value in fields.items() if value is not None}
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

    def reads(self, label: str | None = None) -> Edge:
        """Return a read call to this store: its primary or any read replica serves it."""
        return Edge((self,), label=label, mode="read")

    def writes(self, label: str | None = None) -> Edge:
        """Return a write call to this store: it needs the primary (the default)."""
        return Edge((self,), label=label, mode="write")

    def at_startup(self, label: str | None = None) -> Edge:
        """Return a call needed only to start (config, registry, secrets): a running caller keeps serving."""
        return Edge((self,), label=label, when="startup")

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


def _plain(value: Any) -> Any:
    """Return a value as a YAML file would hold it: models of the spec become mappings."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def Flow(name: str, *path: Component, mode: Mode = "write") -> None:
    """Declare a named journey through the design: each component calls the next."""
    design = _current.get()
    if design is None:
        raise RuntimeError(f"declare flow {name!r} inside a `with Design(...)` block")
    flows = design.fields.setdefault("flows", {})
    if name in flows:
        raise ValueError(f"flow {name!r} is declared twice")
    flows[name] = {"mode": mode, "path": [component.id for component in path]}
    design.flow_positions[name] = _caller()


class Group:
    """Components made inside `with Group("Write path"):` are drawn together, as diagrams' `Cluster`.

    Keyword arguments (`zones=[...]`) are defaults for those components; their own arguments win.
    """

    def __init__(self, title: str, *, zones: Sequence[str] | None = None) -> None:
        self.title = title
        self.defaults: dict[str, Any] = {"group": title}
        if zones is not None:
            self.defaults["zones"] = list(zones)
        self._token: contextvars.Token[Group | None] | None = None

    def __enter__(self) -> Group:
        self._token = _group.set(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            _group.reset(self._token)


class Fields(TypedDict, total=False):
    """What every kind of component takes."""

    name: str
    description: str
    engine: str
    replicas: int
    managed: bool
    zones: Sequence[str]
    regions: Sequence[str]
    region: str
    group: str
    host: str
    availability: float


class EdgeFields(Fields, total=False):
    """Components that can limit the request rate."""

    rate_limit: str


class ScalableEdgeFields(EdgeFields, total=False):
    """Load balancers and gateways, which may run as an autoscaling group."""

    autoscale: Autoscale | Mapping[str, int]


class LoadBalancerFields(ScalableEdgeFields, total=False):
    """A load balancer's own fields."""

    algorithm: Algorithm
    layer: Literal[4, 7]


class ComputeFields(Fields, total=False):
    """The web, service, worker and function tiers."""

    stateless: bool
    session_store: str
    autoscale: Autoscale | Mapping[str, int]


class ServerFields(ComputeFields, total=False):
    """The web and service tiers, which can limit the request rate."""

    rate_limit: str


class ServiceFields(ServerFields, total=False):
    """A service, which may also run on a schedule."""

    schedule: str


class WorkerFields(ComputeFields, total=False):
    """A worker, which may run on a schedule (`hourly`, `daily`, `weekly` or cron)."""

    schedule: str


class StoreFields(Fields, total=False):
    """What every store takes."""

    failover: Failover
    replication: Replication
    partitioning: Partitioning | Mapping[str, Any]
    backup: bool | Backup | Mapping[str, Any]
    read_replicas: int
    replica_of: str
    promotion: Promotion


class CacheFields(StoreFields, total=False):
    """A cache's own fields."""

    role: Role
    memory: str | int
    eviction: Eviction
    strategy: CacheStrategy
    ttl: str | int
    persistence: bool


class Client(Component):
    """A user or device outside the system."""

    kind = "client"

    def __init__(self, id: str, **fields: Unpack[Fields]) -> None:
        super().__init__(id, **fields)


class External(Component):
    """A third-party system."""

    kind = "external"

    def __init__(self, id: str, **fields: Unpack[Fields]) -> None:
        super().__init__(id, **fields)


class DNS(Component):
    """The domain name service."""

    kind = "dns"

    def __init__(self, id: str, **fields: Unpack[Fields]) -> None:
        super().__init__(id, **fields)


class CDN(Component):
    """A content delivery network."""

    kind = "cdn"

    def __init__(self, id: str, **fields: Unpack[EdgeFields]) -> None:
        super().__init__(id, **fields)


class LoadBalancer(Component):
    """A load balancer."""

    kind = "load_balancer"

    def __init__(self, id: str, **fields: Unpack[LoadBalancerFields]) -> None:
        super().__init__(id, **fields)


class ApiGateway(Component):
    """An API gateway."""

    kind = "api_gateway"

    def __init__(self, id: str, **fields: Unpack[ScalableEdgeFields]) -> None:
        super().__init__(id, **fields)


class Web(Component):
    """A web server tier."""

    kind = "web"

    def __init__(self, id: str, **fields: Unpack[ServerFields]) -> None:
        super().__init__(id, **fields)


class Service(Component):
    """An application service."""

    kind = "service"

    def __init__(self, id: str, **fields: Unpack[ServiceFields]) -> None:
        super().__init__(id, **fields)


class Worker(Component):
    """A background worker."""

    kind = "worker"

    def __init__(self, id: str, **fields: Unpack[WorkerFields]) -> None:
        super().__init__(id, **fields)


class Function(Component):
    """Serverless compute the provider runs."""

    kind = "function"

    def __init__(self, id: str, **fields: Unpack[ComputeFields]) -> None:
        super().__init__(id, **fields)


class Cache(Component):
    """An in-memory cache."""

    kind = "cache"

    def __init__(self, id: str, **fields: Unpack[CacheFields]) -> None:
        super().__init__(id, **fields)


class Database(Component):
    """A database: a primary and its replicas."""

    kind = "database"

    def __init__(self, id: str, **fields: Unpack[StoreFields]) -> None:
        super().__init__(id, **fields)


class Queue(Component):
    """A message queue or log."""

    kind = "queue"

    def __init__(self, id: str, **fields: Unpack[StoreFields]) -> None:
        super().__init__(id, **fields)


class ObjectStorage(Component):
    """A blob or object store."""

    kind = "object_storage"

    def __init__(self, id: str, **fields: Unpack[StoreFields]) -> None:
        super().__init__(id, **fields)


class Search(Component):
    """A search index."""

    kind = "search"

    def __init__(self, id: str, **fields: Unpack[StoreFields]) -> None:
        super().__init__(id, **fields)


class Monitoring(Component):
    """Metrics, logs and alerts."""

    kind = "monitoring"

    def __init__(self, id: str, **fields: Unpack[Fields]) -> None:
        super().__init__(id, **fields)


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
    "Flow",
    "Function",
    "Group",
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
