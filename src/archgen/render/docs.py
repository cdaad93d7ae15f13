"""Markdown design documents and the gallery index, from Jinja2 templates run in the sandbox.

Templates only loop and branch: the context is built here, as plain text, and every
`{{ value }}` is escaped as Markdown on the way out (Jinja2's `finalize`), so a `|` or a
newline in a name cannot break a table. `| safe` opts a value out.
"""

from __future__ import annotations

import html
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from archgen import __version__
from archgen.analysis.availability import Availability, availability
from archgen.analysis.capacity import estimate_design
from archgen.analysis.failure import Outage
from archgen.config import Settings
from archgen.errors import RenderError
from archgen.files import bundled
from archgen.findings import Finding
from archgen.graph import DesignGraph
from archgen.loaded import LoadedDesign
from archgen.model import Cache, Call, Component, Endpoint, Entity, Store, StoreBase, Waiver, availability_target
from archgen.render.availability import AvailabilityRow, availability_rows, target_of
from archgen.render.capacity import Row, table
from archgen.text import markdown_text, plural
from archgen.units import format_count, format_duration, format_rate, format_size
from archgen.vocabulary import SEVERITIES, SEVERITY_RANK

#: Limits of one rendering of a template (the config's `template-seconds`, `template-max-bytes`).
TEMPLATE_SECONDS = 10.0
TEMPLATE_MAX_BYTES = 10_000_000
DESIGN_TEMPLATE = "design.md.j2"
INDEX_TEMPLATE = "index.md.j2"


def default_templates() -> Path:
    """Return the folder of the default templates: inside the wheel, or the checkout's templates/."""
    return bundled("templates", "templates")


@dataclass(frozen=True)
class Diagram:
    """Where the doc finds its diagram: image files beside it, or Mermaid text inline; and its views."""

    svg: str = ""
    png: str = ""
    mermaid: str = ""
    views: tuple[View, ...] = ()
    #: A large design's overview (each group as one box), shown in place of the whole picture.
    overview: str = ""


@dataclass(frozen=True)
class View:
    """A picture of the part of the design a flow or a group touches (`flow:NAME`, `group:TITLE`), or the overview."""

    name: str
    svg: str


@dataclass(frozen=True)
class Target:
    """A non-functional requirement: its name and the target, as text."""

    name: str
    value: str


@dataclass(frozen=True)
class EndpointRow:
    """One API call, as the design doc's API table shows it."""

    name: str
    method: str
    path: str
    auth: str
    rate_limit: str
    params: str
    returns: str

    @classmethod
    def of(cls, endpoint: Endpoint) -> EndpointRow:
        """Describe an endpoint."""
        return cls(
            name=endpoint.name,
            method=endpoint.method,
            path=endpoint.path or "",
            auth=endpoint.auth or "",
            rate_limit=format_rate(endpoint.rate_limit) if endpoint.rate_limit else "",
            params=", ".join(f"{key}: {value}" for key, value in endpoint.params.items()),
            returns=endpoint.returns or "",
        )


@dataclass(frozen=True)
class EntityRow:
    """One entity of the data model."""

    name: str
    store: str
    primary_key: str
    indexes: str
    fields: str

    @classmethod
    def of(cls, entity: Entity) -> EntityRow:
        """Describe an entity."""
        key = entity.primary_key
        return cls(
            name=entity.entity,
            store=entity.store,
            primary_key=key if isinstance(key, str) else ", ".join(key),
            indexes=", ".join(entity.indexes),
            fields=", ".join(f"{name} {kind}" for name, kind in entity.fields.items()),
        )


@dataclass(frozen=True)
class ComponentRow:
    """One component, as the components table shows it."""

    name: str
    kind: str
    engine: str
    instances: str
    zones: str
    group: str
    calls: str

    @classmethod
    def of(cls, component_id: str, component: Component) -> ComponentRow:
        """Describe a component."""
        return cls(
            name=component.name or component_id,
            kind=component.kind.replace("_", " "),
            engine=component.engine or "",
            instances="managed" if component.managed else str(component.replicas),
            zones=_placement(component),
            group=component.group or "",
            calls=", ".join(_call_text(call) for call in component.calls),
        )


def _placement(component: Component) -> str:
    """Say where a component runs: its zones, or the regions it is placed in by name."""
    if component.zones:
        return ", ".join(component.zones)
    regions = component.regions or ((component.region,) if component.region else ())
    return f"{'region' if len(regions) == 1 else 'regions'} {', '.join(regions)}" if regions else ""


@dataclass(frozen=True)
class StoreRow:
    """One store: replication, failover, partitioning and backup."""

    name: str
    kind: str
    instances: str
    replication: str
    failover: str
    partitioning: str
    backup: str

    @classmethod
    def of(cls, component_id: str, store: Store) -> StoreRow:
        """Describe a store."""
        partitioning = store.partitioning
        partition_text = ""
        if partitioning:
            partition_text = partitioning.strategy.replace("_", " ")
            partition_text += f" on {partitioning.key}" if partitioning.key else ""
            partition_text += f", {partitioning.shards} shards" if partitioning.shards else ""
        return cls(
            name=component_id,
            kind=store.kind.replace("_", " "),
            instances="managed" if store.managed else str(store.replicas),
            replication=store.replication or ("" if store.replicas == 1 else "unspecified"),
            failover=store.failover,
            partitioning=partition_text or "none",
            backup="yes" if store.backup else "no",
        )


@dataclass(frozen=True)
class CacheRow:
    """One cache: memory, eviction, strategy, time to live, persistence."""

    name: str
    engine: str
    memory: str
    eviction: str
    strategy: str
    ttl: str
    persistence: str

    @classmethod
    def of(cls, component_id: str, cache: Cache) -> CacheRow:
        """Describe a cache."""
        return cls(
            name=component_id,
            engine=cache.engine or "",
            memory=format_size(cache.memory) if cache.memory else "",
            eviction=cache.eviction or "",
            strategy=(cache.strategy or "").replace("_", " "),
            ttl=format_duration(cache.ttl) if cache.ttl else "",
            persistence="" if cache.persistence is None else "yes" if cache.persistence else "no",
        )


@dataclass(frozen=True)
class TradeoffRow:
    """One decision, its reason and the alternatives considered."""

    decision: str
    because: str
    alternatives: str


@dataclass(frozen=True)
class WaiverRow:
    """One waiver: what it silences, why, and until when."""

    rule: str
    component: str
    reason: str
    expires: str


@dataclass(frozen=True)
class FailureRow:
    """One failure event: what it takes down, the entry points and flows it breaks ("nothing" when none)."""

    event: str
    lost: str
    breaks: str
    flows: str

    @classmethod
    def of(cls, impact: Outage) -> FailureRow:
        """Describe a failure event."""
        event = impact.event
        name = event.component or f"{event.kind} {event.name}"
        return cls(
            event=name,
            lost=", ".join(impact.lost),
            breaks=", ".join(impact.breaks) or "nothing",
            flows=", ".join(impact.flows) or "none",
        )


@dataclass(frozen=True)
class FindingRow:
    """One finding, with where it is written."""

    severity: str
    code: str
    name: str
    component: str
    message: str
    where: str


@dataclass
class DocContext:
    """Everything design.md.j2 reads, as text."""

    name: str
    description: str
    source: str
    version: str
    counts: dict[str, int]
    findings_summary: str
    functional: list[str]
    non_functional: list[Target]
    capacity: list[Row]
    capacity_inputs: str
    endpoints: list[EndpointRow]
    entities: list[EntityRow]
    diagram: Diagram
    components: list[ComponentRow]
    failures: list[FailureRow]
    has_flows: bool
    availability: list[AvailabilityRow]
    availability_target: str
    #: Why there are no figures (the design is too large to compute them exactly), or "".
    availability_skipped: str
    stores: list[StoreRow]
    caches: list[CacheRow]
    cache_summary: str
    rate_limits: str
    authenticated: str
    monitoring: str
    tradeoffs: list[TradeoffRow]
    waivers: list[WaiverRow]
    findings: list[FindingRow]


@dataclass
class IndexEntry:
    """One design in the gallery index."""

    slug: str
    name: str
    description: str
    counts: dict[str, int]
    #: The picture the gallery shows, beside the design doc.
    picture: str = "diagram.png"


@dataclass
class IndexContext:
    """Everything index.md.j2 reads."""

    designs: list[IndexEntry]
    total: int
    version: str = __version__


def count_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    """Count findings per severity, every severity present."""
    counts: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def doc_context(
    loaded: LoadedDesign,
    findings: Sequence[Finding],
    diagram: Diagram,
    failures: Sequence[Outage] = (),
    figures: Availability | None = None,
) -> DocContext:
    """Build the design doc's context from a loaded design, its findings, what fails when and how often."""
    design = loaded.design
    figures = figures or availability(DesignGraph(design))
    target = availability_target(design)
    components = design.components
    capacity = design.capacity
    result = estimate_design(design)
    caches = [(cid, c) for cid, c in components.items() if isinstance(c, Cache)]
    counts = count_by_severity(findings)
    return DocContext(
        name=design.name,
        description=design.description or "",
        source=loaded.file,
        version=__version__,
        counts=counts,
        findings_summary=", ".join(plural(counts[severity], severity) for severity in SEVERITIES),
        functional=list(design.requirements.functional) if design.requirements else [],
        non_functional=_non_functional(loaded),
        capacity=table(capacity, result) if capacity and result else [],
        capacity_inputs=_capacity_inputs(loaded),
        endpoints=[EndpointRow.of(endpoint) for endpoint in design.api],
        entities=[EntityRow.of(entity) for entity in design.data],
        diagram=diagram,
        components=[ComponentRow.of(cid, component) for cid, component in components.items()],
        failures=[FailureRow.of(impact) for impact in failures],
        has_flows=bool(design.flows),
        availability=availability_rows(figures, target),
        availability_target=target_of(target),
        availability_skipped=figures.skipped or "",
        stores=[StoreRow.of(cid, c) for cid, c in components.items() if isinstance(c, StoreBase)],
        caches=[CacheRow.of(cid, cache) for cid, cache in caches],
        cache_summary=_cache_summary([cache for _, cache in caches], result.cache_memory if result else None),
        rate_limits=", ".join(
            f"{cid} {format_rate(limit)}" for cid, c in components.items() if (limit := getattr(c, "rate_limit", None))
        ),
        authenticated=", ".join(f"{endpoint.name} ({endpoint.auth})" for endpoint in design.api if endpoint.auth),
        monitoring=", ".join(
            f"{cid} ({c.engine})" if c.engine else cid for cid, c in components.items() if c.kind == "monitoring"
        ),
        tradeoffs=[TradeoffRow(t.decision, t.because, ", ".join(t.alternatives)) for t in design.tradeoffs],
        waivers=[_waiver_row(waiver) for waiver in design.waivers],
        findings=[_finding_row(finding) for finding in _most_severe_first(findings)],
    )


def _waiver_row(waiver: Waiver) -> WaiverRow:
    return WaiverRow(
        rule=waiver.rule,
        component=waiver.component or "the whole design",
        reason=waiver.reason,
        expires=waiver.expires.isoformat() if waiver.expires else "never",
    )


def _most_severe_first(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda finding: (-SEVERITY_RANK[finding.severity], finding.sort_key()))


def _finding_row(finding: Finding) -> FindingRow:
    return FindingRow(
        severity=finding.severity,
        code=finding.code,
        name=finding.name,
        component=finding.component or "",
        message=finding.message,
        where=f"{Path(finding.file).name}:{finding.line}:{finding.column}",
    )


def _non_functional(loaded: LoadedDesign) -> list[Target]:
    requirements = loaded.design.requirements
    if requirements is None:
        return []
    targets = requirements.non_functional
    cap = {"CP": "CP: consistent under a partition, may refuse requests", "AP": "AP: available under a partition"}
    rows = [
        ("Availability", f"{targets.availability:.10g} %" if targets.availability else ""),
        ("Consistency", targets.consistency or ""),
        ("CAP", cap[targets.cap] if targets.cap else ""),
        ("Latency p99", f"{targets.latency_p99_ms:g} ms" if targets.latency_p99_ms else ""),
        ("Durability", f"{targets.durability:.10g} %" if targets.durability else ""),
    ]
    return [Target(name, value) for name, value in rows if value]


def _capacity_inputs(loaded: LoadedDesign) -> str:
    capacity = loaded.design.capacity
    if capacity is None:
        return ""
    parts = [
        f"{format_count(capacity.daily_active_users)} daily active users" if capacity.daily_active_users else "",
        f"entities {', '.join(capacity.entities)}"
        if capacity.entities
        else f"{format_count(capacity.writes_per_day or 0)} writes a day",
        f"{capacity.read_write_ratio:g} read{'' if capacity.read_write_ratio == 1 else 's'} per write",
        "" if capacity.entities else f"{format_size(capacity.object_size or 0)} per object",
        f"kept {format_duration(capacity.retention)}"
        if capacity.retention
        else f"kept {capacity.retention_years:g} year{'' if capacity.retention_years == 1 else 's'}",
    ]
    return ", ".join(part for part in parts if part)


def _call_text(call: Call) -> str:
    target = " or ".join(call.targets) if len(call.targets) > 1 else call.targets[0]
    options = [name for name, on in (("async", call.is_async), ("optional", call.optional)) if on]
    return f"{target} ({', '.join(options)})" if options else target


def _cache_summary(caches: list[Cache], hot_set: float | None) -> str:
    if not caches:
        return "The design has no cache." + (
            f" The hot set of a day's reads is about {format_size(hot_set)}." if hot_set else ""
        )
    if hot_set is None:
        return "Without a capacity section, the caches cannot be sized against the hot set."
    memory = sum(cache.memory or 0 for cache in caches)
    verdict = "holds" if memory >= hot_set else "falls short of"
    return f"Cache memory in all, {format_size(memory)}, {verdict} the estimated hot set of {format_size(hot_set)}."


class Templates:
    """The design and index templates, compiled once: user templates first, then the defaults."""

    def __init__(
        self, folder: Path | None = None, *, seconds: float = TEMPLATE_SECONDS, max_bytes: int = TEMPLATE_MAX_BYTES
    ) -> None:
        import jinja2
        from markupsafe import Markup

        from archgen.render.sandbox import ContainedLoader, LimitedEnvironment

        self.folders = [folder, default_templates()] if folder else [default_templates()]
        self.environment = LimitedEnvironment(
            seconds=seconds,
            max_bytes=max_bytes,
            loader=ContainedLoader([str(path) for path in self.folders]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,
            finalize=lambda value: value if isinstance(value, Markup) else markdown_text(value),
        )
        self.environment.filters["attribute"] = lambda value: Markup(html.escape(str(value), quote=True))

    def digest(self) -> str:
        """Return a hash of the template files in use, so a template change rebuilds the docs."""
        from archgen.build_state import templates_digest

        return templates_digest(self.folders)

    def design_doc(
        self,
        loaded: LoadedDesign,
        findings: Sequence[Finding],
        diagram: Diagram,
        failures: Sequence[Outage] = (),
        figures: Availability | None = None,
    ) -> bytes:
        """Return a design's Markdown document."""
        return self.render(DESIGN_TEMPLATE, doc_context(loaded, findings, diagram, failures, figures)).encode()

    def render(self, name: str, context: object) -> str:
        """Render one template with the context's fields; any template failure is one RenderError."""
        try:
            text = self.environment.render(self.environment.get_template(name), vars(context))
        except Exception as error:  # noqa: BLE001 - any template failure becomes one message
            raise RenderError(_template_error(error)) from None
        return text


def templates_for(settings: Settings) -> Templates:
    """Return the templates the settings name, with their limits."""
    return Templates(settings.templates, seconds=settings.template_seconds, max_bytes=settings.template_max_bytes)


def _template_error(error: Exception) -> str:
    """Say which template and line failed, and why, in one line."""
    import jinja2

    if isinstance(error, jinja2.TemplateSyntaxError):
        return f"{error.filename or error.name}:{error.lineno}: {error.message}"
    if isinstance(error, jinja2.TemplateNotFound):
        return f"template not found: {error.name}"
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename.endswith(".j2")]
    where = f"{frames[-1].filename}:{frames[-1].lineno}: " if frames else ""
    return f"{where}template failed: {error}"
