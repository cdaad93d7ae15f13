"""The spec model, version 1: frozen pydantic models, a discriminated union on `kind`."""

from __future__ import annotations

import datetime
import re
import typing
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from archgen.units import Count, Duration, Rate, Size

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_\-]*$"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control_characters(text: str) -> str:
    """Refuse control characters (a NUL breaks every renderer); tabs and line breaks are text."""
    found = _CONTROL.search(text)
    if found:
        raise ValueError(f"control character {found.group()!r} at character {found.start() + 1}")
    return text


class _Prebuilt:
    """A string type whose pydantic schema is built once, not again for every field that uses it.

    Ids, texts and engines annotate hundreds of fields (each kind of component has its own
    copy of the common ones): a prebuilt schema makes building the spec's validator, the first
    time a process validates a spec, about a fifth quicker. The JSON Schema is the same.
    """

    def __init__(self, schema: core_schema.CoreSchema) -> None:
        self.schema = schema

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return self.schema


ComponentId = Annotated[str, _Prebuilt(core_schema.str_schema(pattern=ID_PATTERN, max_length=128))]
Text = Annotated[
    str,
    _Prebuilt(
        core_schema.no_info_after_validator_function(_no_control_characters, core_schema.str_schema(max_length=10_000))
    ),
]
Engine = Annotated[str, _Prebuilt(core_schema.str_schema(max_length=64))]


#: Closed vocabularies of the spec, shared with the Python front-end's typed arguments.
PartitionStrategy = Literal["hash", "consistent_hash", "range", "list", "directory", "round_robin"]
Algorithm = Literal[
    "round_robin",
    "weighted_round_robin",
    "least_connections",
    "least_response_time",
    "least_bandwidth",
    "ip_hash",
    "random",
]
Failover = Literal["none", "manual", "automatic"]
Replication = Literal["sync", "async"]
Eviction = Literal["lru", "lfu", "fifo", "lifo", "mru", "random", "none"]
Mode = Literal["read", "write"]
Role = Literal["cache", "store"]
Promotion = Literal["automatic", "manual"]
CacheStrategy = Literal["cache_aside", "read_through", "write_through", "write_around", "write_back"]
Consistency = Literal["strong", "eventual", "weak"]
Direction = Literal["LR", "TB"]
#: When a caller needs a call: on every request (always) or only to start (config, registries, secrets).
When = Literal["always", "startup"]
Spacing = Literal["compact", "normal", "roomy"]
Splines = Literal["polyline", "spline", "ortho"]
Clusters = Literal["group", "region", "none"]
IconSet = Literal["generic", "aws", "gcp", "azure", "onprem", "k8s"]


def _view(text: str) -> str:
    kind, colon, name = text.partition(":")
    if text != "overview" and (kind not in ("flow", "group") or not colon or not name.strip()):
        raise ValueError(f"a view is `overview`, `flow:NAME` or `group:TITLE`, not {text[:60]!r}")
    return text


View = Annotated[
    str,
    StringConstraints(max_length=300),
    AfterValidator(_no_control_characters),
    AfterValidator(_view),
    Field(
        description=(
            "`flow:NAME` or `group:TITLE`: the part of the design a flow or a group touches; `overview`: each group "
            "as one box, the calls between groups merged."
        )
    ),
]


#: A percentage of time up, (0, 100]; prebuilt, as every kind of component has the field.
Percent = Annotated[float, _Prebuilt(core_schema.float_schema(gt=0, le=100, allow_inf_nan=False, strict=True))]


class Frozen(BaseModel):
    """Base of every spec model: immutable, and unknown keys are errors."""

    # Numbers are finite, and a count is never written as true/false (`replicas: yes`). The
    # validator is built when a spec is first validated, once for the whole Design, rather than
    # class by class at import.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False, defer_build=True)


class Call(Frozen):
    """One `calls` entry: a target, or alternatives of which one working is enough."""

    targets: tuple[ComponentId, ...] = Field(min_length=1)
    optional: bool = False
    is_async: bool = Field(False, alias="async")
    label: Text | None = None
    mode: Mode = "write"
    when: When = "always"

    OPTIONS: ClassVar[tuple[str, ...]] = ("optional", "async", "label", "mode", "when")

    @model_validator(mode="before")
    @classmethod
    def _from_spec(cls, value: Any) -> Any:
        """Accept `id`, `{id: {optional, async, label}}` and `{any_of: [ids], ...}`."""
        if isinstance(value, str):
            return {"targets": (value,)}
        if not isinstance(value, dict) or "targets" in value:
            return value
        if "any_of" in value:
            options = {key: option for key, option in value.items() if key != "any_of"}
            _check_options(options, ())
            members = value["any_of"]
            if not isinstance(members, (list, tuple)) or len(members) < 2:
                raise PydanticCustomError(
                    "archgen_call", "any_of needs a list of at least two component ids", {"subpath": ("any_of",)}
                )
            wrong = next((index for index, member in enumerate(members) if not isinstance(member, str)), None)
            if wrong is not None:
                raise PydanticCustomError(
                    "archgen_call", "a member of any_of is a component id", {"subpath": ("any_of", wrong)}
                )
            return {"targets": tuple(members), **options}
        if len(value) != 1:
            raise PydanticCustomError(
                "archgen_call",
                "a call is an id, {id: {optional, async, label, mode}} or {any_of: [ids]}",
                {"subpath": ()},
            )
        ((target, options),) = value.items()
        if options is None:
            options = {}
        if not isinstance(options, dict):
            raise PydanticCustomError(
                "archgen_call", "call options must be a mapping of optional, async, label, mode", {"subpath": (target,)}
            )
        _check_options(options, (target,))
        return {"targets": (target,), **options}

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        options = {
            "optional": {"type": "boolean", "description": "Degrade, don't fail, when the callee is down."},
            "async": {"type": "boolean", "description": "Fire and forget; the callee starts a pipeline."},
            "label": {"type": "string"},
            "mode": {
                "enum": ["read", "write"],
                "description": "read: the primary or any read replica serves it; write (default): the primary.",
            },
            "when": {
                "enum": ["always", "startup"],
                "description": "startup: needed only to start (config, registry, secrets); a running caller "
                "keeps serving without it.",
            },
        }
        identifier = {"type": "string", "pattern": ID_PATTERN}
        return {
            "anyOf": [
                identifier,
                {
                    "type": "object",
                    "minProperties": 1,
                    "maxProperties": 1,
                    "propertyNames": {"pattern": ID_PATTERN, "not": {"const": "any_of"}},
                    "additionalProperties": {
                        "anyOf": [
                            {"type": "null"},
                            {"type": "object", "properties": options, "additionalProperties": False},
                        ]
                    },
                },
                {
                    "type": "object",
                    "required": ["any_of"],
                    "properties": {"any_of": {"type": "array", "items": identifier, "minItems": 2}, **options},
                    "additionalProperties": False,
                },
            ],
            "description": "A call: an id, {id: {optional, async, label}}, or {any_of: [ids]}.",
        }


def _check_options(options: dict[str, Any], subpath: tuple[str, ...]) -> None:
    for key in options:
        if key not in Call.OPTIONS:
            raise PydanticCustomError(
                "archgen_call_option",
                "unknown call option '{key}'",
                {"key": str(key), "subpath": (*subpath, key), "choices": Call.OPTIONS},
            )


class Backup(Frozen):
    """How often a store is backed up and how long backups are kept."""

    interval: Duration = Field(86400, description="How often a backup is taken.", examples=["1d"])
    retention: Duration = Field(30 * 86400, description="How long backups are kept.", examples=["30d"])


class Partitioning(Frozen):
    """How a store splits its data across shards."""

    strategy: PartitionStrategy = Field(description="How keys map to shards.", examples=["consistent_hash"])
    key: Text | None = Field(None, description="The partition key.", examples=["user_id"])
    shards: int | None = Field(None, ge=1, le=1_000_000, strict=True, description="How many shards.", examples=[64])


class ComponentBase(Frozen):
    """Fields every kind of component has."""

    name: Text | None = Field(None, description="Display name; defaults to the id.", examples=["Order API"])
    description: Text | None = Field(None, description="What the component does.", examples=["Serves the order pages."])
    engine: Engine | None = Field(
        None,
        description="The product it runs (redis, postgresql, kafka, nginx, ...): picks the icon.",
        examples=["postgresql"],
    )
    replicas: int = Field(1, ge=1, le=100_000, strict=True, description="Instances in all.", examples=[3])
    managed: bool = Field(False, description="Run by a provider with its own redundancy.", examples=[True])
    zones: tuple[Text, ...] = Field(
        (), description="Zones the instances are spread over, round-robin.", examples=[["az-a", "az-b"]]
    )
    regions: tuple[Text, ...] = Field(
        (), description="Instead of `zones`: every zone of these regions.", examples=[["us-east-1"]]
    )
    region: Text | None = Field(
        None, description="Instead of `zones`: every zone of this region.", examples=["eu-west-1"]
    )
    group: Text | None = Field(None, description="Drawn as a cluster.", examples=["Write path"])
    host: Text | None = Field(
        None,
        description="The one machine or container a single-instance component shares with others: lost together.",
        examples=["db-server"],
    )
    calls: tuple[Call, ...] = Field(
        (), description="The components it calls.", examples=[["db", {"cache": {"optional": True}}]]
    )
    availability: Percent | None = Field(
        None,
        description=(
            "Percent of time up: of each instance when self-run (or managed with `replicas`), "
            "of the whole service when managed or external."
        ),
        examples=[99.95],
    )

    @model_validator(mode="after")
    def _one_instance_on_a_host(self) -> ComponentBase:
        if self.host is not None and (self.replicas > 1 or self.managed or getattr(self, "autoscale", None)):
            raise ValueError("`host` names the machine of a single-instance component; this one runs more than one")
        return self

    @model_validator(mode="after")
    def _one_placement(self) -> ComponentBase:
        given = [name for name in ("zones", "regions", "region") if name in self.model_fields_set]
        if "zones" in given and len(given) > 1:
            raise ValueError("give `zones` or `regions`/`region`, not both")
        if "regions" in given and "region" in given:
            raise ValueError("give `regions` or `region`, not both")
        return self


class _NeverFails(ComponentBase):
    """Clients and monitoring: they never fail in archgen's model (DESIGN.md §8), so a figure on them means nothing."""

    #: What the kind is called when it is told so.
    never_fails: ClassVar[str] = ""

    @field_validator("availability")
    @classmethod
    def _can_fail(cls, value: float | None) -> float | None:
        if value is not None:
            raise PydanticCustomError(
                "archgen_availability",
                "{what} never fails in archgen's model: `availability` belongs on what it calls",
                {"what": cls.never_fails},
            )
        return value


class Client(_NeverFails):
    """A user or device outside the system."""

    kind: Literal["client"]
    never_fails: ClassVar[str] = "a client"


class External(ComponentBase):
    """A third-party system the design calls or is called by."""

    kind: Literal["external"]


class Dns(ComponentBase):
    """The domain name service."""

    kind: Literal["dns"]


class Cdn(ComponentBase):
    """A content delivery network in front of static or cached content."""

    kind: Literal["cdn"]
    rate_limit: Rate | None = Field(None, description="Requests let through at most.", examples=["5000/s"])


class Autoscale(Frozen):
    """An autoscaling group: redundancy counts `min`, capacity may use `max`."""

    min: int = Field(ge=1, le=100_000, strict=True, description="Instances always running.", examples=[2])
    max: int = Field(ge=1, le=1_000_000, strict=True, description="Instances at most.", examples=[40])

    @model_validator(mode="after")
    def _ordered(self) -> Autoscale:
        if self.max < self.min:
            raise ValueError(f"max ({self.max}) is below min ({self.min})")
        return self


class Scalable(ComponentBase):
    """A component that may run as an autoscaling group instead of a fixed number of instances."""

    autoscale: Autoscale | None = Field(
        None, description="Instead of `replicas`: an autoscaling group.", examples=[{"min": 2, "max": 40}]
    )

    @model_validator(mode="after")
    def _replicas_or_autoscale(self) -> Scalable:
        if self.autoscale is not None and "replicas" in self.model_fields_set:
            raise ValueError("give `replicas` or `autoscale`, not both")
        return self


class LoadBalancer(Scalable):
    """Spreads requests over the instances behind it."""

    kind: Literal["load_balancer"]
    algorithm: Algorithm | None = Field(None, description="How requests are spread.", examples=["least_connections"])
    layer: Literal[4, 7] | None = Field(None, description="OSI layer: 4 (TCP) or 7 (HTTP).", examples=[7])
    rate_limit: Rate | None = Field(None, description="Requests let through at most.", examples=["1000/s"])


class ApiGateway(Scalable):
    """Routes, authenticates and throttles API calls."""

    kind: Literal["api_gateway"]
    rate_limit: Rate | None = Field(None, description="Requests let through at most.", examples=["100/min"])


SCHEDULE_WORDS = ("hourly", "daily", "weekly")
_CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_CRON_PART = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?$")


def _schedule(text: str) -> str:
    """Accept `hourly`, `daily`, `weekly` or a five-field cron expression."""
    if text in SCHEDULE_WORDS:
        return text
    fields = text.split()
    if len(fields) != 5:
        raise ValueError(f"{text!r} is not {', '.join(SCHEDULE_WORDS)} or a cron expression of five fields")
    for field, (low, high) in zip(fields, _CRON_RANGES, strict=True):
        for part in field.split(","):
            if not _CRON_PART.match(part):
                raise ValueError(f"{part!r} is not a cron field (e.g. *, 5, 1-5, */15)")
            numbers = [int(number) for number in re.findall(r"\d+", part.split("/")[0])]
            if any(not low <= number <= high for number in numbers):
                raise ValueError(f"{part!r} is outside {low}-{high}")
    return text


Schedule = Annotated[str, StringConstraints(max_length=100), AfterValidator(_schedule)]


class ComputeBase(Scalable):
    """Fields of the web, service, worker and function tiers."""

    stateless: bool = Field(True, description="false when instances keep sessions.", examples=[False])
    session_store: ComponentId | None = Field(
        None, description="The cache or database holding sessions.", examples=["sessions"]
    )


class Web(ComputeBase):
    """A web server tier."""

    kind: Literal["web"]
    rate_limit: Rate | None = Field(None, description="Requests let through at most.", examples=["50/s"])


class Service(ComputeBase):
    """An application service."""

    kind: Literal["service"]
    rate_limit: Rate | None = Field(None, description="Requests let through at most.", examples=["200/s"])
    schedule: Schedule | None = Field(
        None, description="hourly, daily, weekly or cron: a batch job.", examples=["hourly"]
    )


class Worker(ComputeBase):
    """A background worker, usually fed by a queue."""

    kind: Literal["worker"]
    schedule: Schedule | None = Field(
        None, description="hourly, daily, weekly or cron: a batch job.", examples=["0 3 * * *"]
    )


class Function(ComputeBase):
    """Serverless compute the provider runs (managed, unless `replicas: 1`)."""

    kind: Literal["function"]
    managed: bool = Field(True, description="Always true: the provider runs functions.", examples=[True])

    @model_validator(mode="after")
    def _provider_run(self) -> Function:
        if not self.managed:
            raise ValueError("a function is run by its provider: leave out `managed` (write `replicas: 1` for one)")
        return self


class StoreBase(ComponentBase):
    """Fields every store has."""

    failover: Failover = Field(
        "automatic", description="How a replica takes over from a failed primary.", examples=["automatic"]
    )
    replication: Replication | None = Field(None, description="How replicas follow the primary.", examples=["async"])
    partitioning: Partitioning | None = Field(None, description="How the data is split over shards.")
    backup: bool | Backup | None = Field(
        None, description="true, or how often and how long backups are kept.", examples=[True]
    )
    read_replicas: int = Field(
        0, ge=0, le=100_000, strict=True, description="Read-only copies for `mode: read`.", examples=[3]
    )
    replica_of: ComponentId | None = Field(
        None, description="This store is a copy of that one (not a call).", examples=["orders_db"]
    )
    promotion: Promotion | None = Field(
        None,
        description="How a `replica_of` copy, or a read replica, becomes the primary.",
        examples=["manual"],
    )
    durability: Literal["none"] | None = Field(
        None,
        description="`none`: the data may be lost (throwaway by design); no backup is asked for.",
        examples=["none"],
    )

    @model_validator(mode="after")
    def _promotion_of_a_copy(self) -> StoreBase:
        if self.promotion is not None and self.replica_of is None and not self.read_replicas:
            raise ValueError(
                "`promotion` says how a copy or a read replica is promoted: it needs `replica_of` or `read_replicas`"
            )
        return self


class Cache(StoreBase):
    """An in-memory cache."""

    kind: Literal["cache"]
    role: Role = Field(
        "cache", description="cache (may lose data) or store (the system of record).", examples=["store"]
    )
    memory: Size | None = Field(None, description="Memory in all, over every replica.", examples=["64GB"])
    eviction: Eviction | None = Field(
        None, description="What goes when memory is full; none for a store.", examples=["lru"]
    )
    strategy: CacheStrategy | None = Field(
        None, description="How the cache and the database stay in step.", examples=["cache_aside"]
    )
    ttl: Duration | None = Field(None, description="How long an entry lives.", examples=["24h"])
    persistence: bool | None = Field(None, description="Whether the cache writes to disk.", examples=[True])


class Database(StoreBase):
    """A database: a primary and its replicas."""

    kind: Literal["database"]


class Queue(StoreBase):
    """A message queue or log."""

    kind: Literal["queue"]
    auth: Text | None = Field(
        None, description="How outside callers authenticate (IAM, signed URLs, mTLS).", examples=["signed URLs"]
    )


class ObjectStorage(StoreBase):
    """A blob or object store."""

    kind: Literal["object_storage"]
    auth: Text | None = Field(
        None, description="How outside callers authenticate (IAM, signed URLs, mTLS).", examples=["signed URLs"]
    )


class Search(StoreBase):
    """A search index."""

    kind: Literal["search"]


class Monitoring(_NeverFails):
    """Metrics, logs, alerts."""

    kind: Literal["monitoring"]
    never_fails: ClassVar[str] = "monitoring"


Component = Annotated[
    Union[
        Client,
        External,
        Dns,
        Cdn,
        LoadBalancer,
        ApiGateway,
        Web,
        Service,
        Worker,
        Function,
        Cache,
        Database,
        Queue,
        ObjectStorage,
        Search,
        Monitoring,
    ],
    Field(discriminator="kind"),
]
Store = Cache | Database | Queue | ObjectStorage | Search
#: The component classes, in the order the spec documents their kinds.
COMPONENT_CLASSES: tuple[type[ComponentBase], ...] = typing.get_args(typing.get_args(Component)[0])
KINDS: tuple[str, ...] = tuple(typing.get_args(cls.model_fields["kind"].annotation)[0] for cls in COMPONENT_CLASSES)
STORE_KINDS = frozenset(kind for cls, kind in zip(COMPONENT_CLASSES, KINDS, strict=True) if issubclass(cls, StoreBase))


class NonFunctional(Frozen):
    """Targets the design must meet."""

    availability: Percent | None = Field(None, description="Percent, e.g. 99.99.", examples=[99.99])
    consistency: Consistency | None = Field(None, description="The consistency reads need.", examples=["eventual"])
    cap: Literal["CP", "AP"] | None = Field(
        None, description="What the system keeps under a partition: consistency or availability.", examples=["AP"]
    )
    latency_p99_ms: float | None = Field(
        None, gt=0, le=86_400_000, description="99th-percentile latency target, in milliseconds.", examples=[200]
    )
    durability: Percent | None = Field(None, description="Percent.", examples=[99.999999999])


class AvailabilityDefaults(Frozen):
    """Percent of time up of what a component's figure does not say (DESIGN.md §8)."""

    instance: Percent | None = Field(None, description="One self-run instance (VM, container, pod).", examples=[99.5])
    zone: Percent | None = Field(None, description="One zone.", examples=[99.99])
    region: Percent | None = Field(
        None, description="One region (a unit only when two or more are declared).", examples=[99.995]
    )
    managed: Percent | None = Field(
        None, description="A managed component whose engine has no published figure.", examples=[99.95]
    )
    external: Percent | None = Field(None, description="A third party.", examples=[99.9])


class Requirements(Frozen):
    """What the system does and how well."""

    functional: tuple[Text, ...] = Field((), description="What users can do.", examples=[["Create a short link"]])
    non_functional: NonFunctional = Field(NonFunctional(), description="Targets: availability, consistency, latency.")


class CapacityEntity(Frozen):
    """One kind of thing the system writes: how many a day, how big, kept how long, read how often, and where."""

    writes_per_day: Count | None = Field(None, description="Writes a day.", examples=["2M"])
    per_user_per_day: float | None = Field(
        None,
        gt=0,
        le=1_000_000,
        description="Instead of `writes_per_day`: writes a day per daily active user.",
        examples=[0.5],
    )
    size: Size = Field(description="Bytes one write stores in the databases, caches and indexes.", examples=["2KB"])
    media_size: Size | None = Field(
        None, description="Bytes one write stores in object storage (photos, files, videos).", examples=["2MB"]
    )
    retention: Duration | None = Field(
        None, gt=0, description="How long it is kept (else the design's retention).", examples=["30d"]
    )
    reads_per_write: float | None = Field(
        None, ge=0, le=1_000_000, description="Reads per write (else the design's `read_write_ratio`).", examples=[20]
    )
    stored_in: tuple[ComponentId, ...] = Field(
        (), description="The stores that hold it: databases, caches, object stores, indexes.", examples=[["orders_db"]]
    )
    hot_fraction: float | None = Field(
        None,
        ge=0,
        le=1,
        description="The share of a day's reads worth caching (else the design's `cache_hot_fraction`).",
        examples=[0.2],
    )

    @model_validator(mode="after")
    def _one_rate(self) -> CapacityEntity:
        given = [name for name in ("writes_per_day", "per_user_per_day") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give `writes_per_day` or `per_user_per_day`, exactly one")
        return self


class Capacity(Frozen):
    """Back-of-the-envelope inputs."""

    daily_active_users: Count | None = Field(None, description="Users a day.", examples=["100M"])
    writes_per_day: Count | None = Field(
        None, description="Writes a day (one kind of write; several are `entities`).", examples=["100M"]
    )
    read_write_ratio: float = Field(1, ge=0, le=1_000_000, description="Reads per write.", examples=[100])
    object_size: Size | None = Field(
        None, description="Bytes a write stores in the databases and caches (its metadata).", examples=["500B"]
    )
    entities: dict[ComponentId, CapacityEntity] = Field(
        default_factory=dict,
        description="Instead of `writes_per_day` and `object_size`: each kind of thing written, by name.",
        examples=[{"orders": {"writes_per_day": "1M", "size": "2KB", "stored_in": ["orders_db"]}}],
    )
    media_size: Size | None = Field(
        None, description="Bytes a write stores in object storage, served by the CDN.", examples=["2MB"]
    )
    retention_years: float = Field(5, gt=0, le=1000, description="How long data is kept, in years.", examples=[5])
    retention: Duration | None = Field(
        None, gt=0, description="Instead of `retention_years`: 30d, 18mo, 5y.", examples=["18mo"]
    )
    replication_factor: int = Field(3, ge=1, le=100, strict=True, description="Copies of the data kept.", examples=[3])
    storage_headroom: float = Field(
        0.7, gt=0, le=1, description="Fill storage only up to this fraction.", examples=[0.7]
    )
    server_storage: Size | None = Field(None, description="Storage of one server.", examples=["4TB"])
    cache_hot_fraction: float = Field(
        0.2, ge=0, le=1, description="The share of a day's reads worth caching (80/20: 0.2).", examples=[0.2]
    )
    peak_factor: float = Field(2, ge=1, le=1000, description="Peak traffic over the average.", examples=[2])

    @model_validator(mode="after")
    def _one_retention(self) -> Capacity:
        if self.retention is not None and "retention_years" in self.model_fields_set:
            raise ValueError("give `retention` or `retention_years`, not both")
        return self

    @model_validator(mode="after")
    def _one_way_to_count_writes(self) -> Capacity:
        single = [name for name in ("writes_per_day", "object_size", "media_size") if getattr(self, name) is not None]
        if self.entities and single:
            raise ValueError(f"give `entities` or {', '.join(f'`{name}`' for name in single)}, not both")
        if not self.entities and (self.writes_per_day is None or self.object_size is None):
            raise ValueError("give `writes_per_day` and `object_size` (one kind of write), or `entities`")
        per_user = [name for name, entity in self.entities.items() if entity.per_user_per_day is not None]
        if per_user and self.daily_active_users is None:
            raise ValueError(f"`per_user_per_day` ({', '.join(per_user)}) needs `daily_active_users`")
        return self

    @property
    def retention_days(self) -> float:
        """Return how long data is kept, in days."""
        return self.retention / 86_400 if self.retention is not None else self.retention_years * 365


class Endpoint(Frozen):
    """One API call."""

    name: Text = Field(description="The call's name.", examples=["create_url"])
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "WS", "RPC"] = Field(
        "GET", description="HTTP method, WS or RPC.", examples=["POST"]
    )
    path: Text | None = Field(None, description="The URL path.", examples=["/v1/urls"])
    description: Text | None = Field(None, description="What the call does.", examples=["Shortens a URL."])
    auth: Text | None = Field(
        None, description="How callers authenticate; `none` for a public endpoint.", examples=["api_key"]
    )
    rate_limit: Rate | None = Field(None, description="Calls let through at most.", examples=["100/min"])
    params: dict[str, Text] = Field(
        {}, description="Parameters and their types.", examples=[{"original_url": "string"}]
    )
    returns: Text | None = Field(None, description="What the call returns.", examples=["the short URL"])


class Entity(Frozen):
    """One entity of the data model."""

    entity: Text = Field(description="The entity's name.", examples=["Url"])
    store: ComponentId = Field(description="The store that holds it.", examples=["url_db"])
    primary_key: Text | tuple[Text, ...] = Field(
        description="The key, or the fields of a compound key.", examples=["hash"]
    )
    fields: dict[str, Text] = Field({}, description="Fields and their types.", examples=[{"hash": "varchar(16)"}])
    indexes: tuple[Text, ...] = Field((), description="Indexed fields.", examples=[["created_at"]])
    description: Text | None = Field(None, description="What the entity is.", examples=["A short link."])


class Tradeoff(Frozen):
    """A decision with its reason and the alternatives considered."""

    decision: Text = Field(description="What was decided.", examples=["Cassandra over MySQL"])
    because: Text = Field(description="Why.", examples=["billions of small rows and no joins"])
    alternatives: tuple[Text, ...] = Field((), description="What else was considered.", examples=[["sharded MySQL"]])


class Waiver(Frozen):
    """Silences one rule for one component, or for the design."""

    rule: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}[0-9]{3}$")] = Field(
        description="The rule code silenced.", examples=["OPS001"]
    )
    component: ComponentId | None = Field(
        None, description="The component, or none for the whole design.", examples=["cache"]
    )
    reason: Annotated[str, StringConstraints(min_length=1, strip_whitespace=True, max_length=10_000)] = Field(
        description="Why the finding is acceptable (required).", examples=["metrics go to the company-wide Prometheus"]
    )
    expires: datetime.date | None = Field(
        None, description="The date the waiver stops working.", examples=["2027-06-30"]
    )


class Layout(Frozen):
    """How the diagram is drawn."""

    direction: Direction = Field("LR", description="Left to right or top to bottom.", examples=["TB"])
    ranks: tuple[Annotated[tuple[ComponentId, ...], Field(min_length=1)], ...] = Field(
        (),
        description="Explicit tiers: each list of component ids is drawn side by side, in one rank.",
        examples=[[["web", "api"], ["users_db", "cache"]]],
    )
    spacing: Spacing = Field("normal", description="Room between boxes and between ranks.", examples=["compact"])
    splines: Splines = Field(
        "polyline",
        description="How edges are drawn: straight segments, curves or right angles.",
        examples=["spline"],
    )
    clusters: Clusters = Field(
        "group",
        description="What boxes are drawn together in: their `group`, their `region`, or nothing.",
        examples=["region"],
    )
    icons: IconSet = Field(
        "generic",
        description=(
            "Whose icons draw components without an `engine`: generic ones (no vendor's look), or a provider's. "
            "An engine always picks its own icon."
        ),
        examples=["aws"],
    )
    availability: bool = Field(
        False, description="Label each entry point with its availability in nines.", examples=[True]
    )


class Flow(Frozen):
    """A named user journey: a chain of calls, and whether it reads or writes."""

    mode: Mode = Field("write", description="read flows are the read paths of the read-path rules.", examples=["read"])
    path: tuple[ComponentId, ...] = Field(
        min_length=2, description="Components in order; each calls the next.", examples=[["users", "lb", "timeline"]]
    )

    @model_validator(mode="before")
    @classmethod
    def _mapping(cls, value: Any) -> Any:
        """Say what a flow is when it is written as something else (often its path alone)."""
        if not isinstance(value, (dict, Flow)):
            raise PydanticCustomError("archgen_flow", "a flow is a mapping: {path: [ids], mode: read or write}")
        return value


class Design(Frozen):
    """A whole system design, as written in a spec file."""

    archgen: Literal[1] = Field(description="Spec version.", examples=[1])
    name: Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_no_control_characters)] = (
        Field(description="The design's name; its slug names the output files.", examples=["URL shortener"])
    )
    description: Text | None = Field(
        None,
        description="What the system does, in a sentence or two.",
        examples=["Shortens URLs and redirects short links."],
    )
    requirements: Requirements | None = Field(None, description="What the system must do, and how well.")
    capacity: Capacity | None = Field(None, description="Back-of-the-envelope inputs for the estimate.")
    api: tuple[Endpoint, ...] = Field((), description="The main API calls.")
    data: tuple[Entity, ...] = Field((), description="The entities of the data model and where they are stored.")
    zones: tuple[Text, ...] = Field((), description="Failure domains.", examples=[["az-a", "az-b", "az-c"]])
    regions: dict[Text, Annotated[tuple[Text, ...], Field(min_length=1)]] = Field(
        default_factory=dict,
        description="Failure domains above zones: each region and its zones.",
        examples=[{"us-east-1": ["use1-az1", "use1-az2"], "eu-west-1": ["euw1-az1"]}],
    )
    availability: AvailabilityDefaults = Field(
        AvailabilityDefaults(), description="Percent of time up of instances, zones, regions, managed and externals."
    )
    flows: dict[ComponentId, Flow] = Field(
        default_factory=dict,
        description="Named user journeys.",
        examples=[{"read_timeline": {"mode": "read", "path": ["users", "lb", "timeline"]}}],
    )
    components: dict[ComponentId, Component] = Field(description="The parts of the system, by id.")
    tradeoffs: tuple[Tradeoff, ...] = Field((), description="Decisions, why, and what else was considered.")
    waivers: tuple[Waiver, ...] = Field((), description="Rules silenced on purpose, each with its reason.")
    layout: Layout = Field(Layout(), description="How the diagram is laid out.")
    views: tuple[View, ...] = Field(
        (),
        description=(
            "Parts of the design `build` draws beside the whole picture, linked from the design doc: "
            "`flow:NAME`, `group:TITLE` or `overview`. Past 25 components `build` adds the overview and a view "
            "per group and per flow."
        ),
        examples=[["flow:read_timeline", "group:Write path"]],
    )


def availability_target(design: Design) -> float | None:
    """Return the availability the design's requirements ask for (`non_functional.availability`), or None."""
    return design.requirements.non_functional.availability if design.requirements else None


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema of the spec (draft 2020-12)."""
    schema = Design.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://archgen.dev/schema/v1.json"
    schema["title"] = "archgen design spec, version 1"
    return schema
