"""What a rule is, what it is given, and the registry that finds every rule module.

A rule module registers itself with `@rule(code=..., name=..., ...)`; its docstring is the
rule's page. The registry checks that a code is registered once, by the module named after
it (`rel001_*.py` registers REL001), so adding a rule touches no list.

Thresholds (SCL001's read/write ratio of 5, ...) are module constants, not options: they are
the checklist's numbers, and a team that disagrees changes the rule's severity or waives it.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from archgen.analysis.capacity import Estimate, estimate_design
from archgen.analysis.failure import FailureAnalysis, Outage
from archgen.graph import DesignGraph
from archgen.model import Design, Waiver
from archgen.rules import plugins
from archgen.rules.catalogue import page_text
from archgen.vocabulary import SEVERITIES, Severity

if TYPE_CHECKING:
    from archgen.analysis.availability import Availability

SpecPath = tuple[str | int, ...]
#: When a rule runs: on the design, or after the waivers have been applied (to judge them).
Stage = Literal["design", "waivers"]


@dataclass(frozen=True)
class Issue:
    """What a rule's check yields: the engine adds the code, severity and position."""

    message: str
    component: str | None = None
    where: SpecPath | None = None
    details: dict[str, Any] = field(default_factory=dict)
    #: Components the picture marks for this issue.
    marks: tuple[str, ...] = ()


class WaiverReview(NamedTuple):
    """How a design's waivers fared: which silenced a finding, which expired, which rules ran."""

    waivers: tuple[Waiver, ...]
    used: tuple[bool, ...]
    expired: tuple[bool, ...]
    ran: frozenset[str]


class Context:
    """What rules read: the design, its graph and the analyses, each computed once on first use."""

    def __init__(self, design: Design) -> None:
        self.design = design
        self.graph = DesignGraph(design)
        self.review: WaiverReview | None = None

    @cached_property
    def failures(self) -> FailureAnalysis:
        """Return the failure analysis (DESIGN.md §3)."""
        return FailureAnalysis(self.graph)

    @cached_property
    def availability(self) -> Availability:
        """Return the availability of every entry point and flow (DESIGN.md §8)."""
        from archgen.analysis.availability import availability  # only designs with a target need it

        return availability(self.graph)

    @cached_property
    def estimate(self) -> Estimate | None:
        """Return the capacity estimate, or None when the design has no capacity section."""
        return estimate_design(self.design)

    @property
    def waivers(self) -> WaiverReview:
        """Return how the waivers fared; only rules of the `waivers` stage may ask."""
        if self.review is None:
            raise RuntimeError("the waiver review exists only for rules of the `waivers` stage")
        return self.review


Check = Callable[[Context], Iterable[Issue]]


def broken(context: Context, outage: Outage) -> str:
    """Say what an outage breaks, naming scheduled jobs as such ("the hourly job ranker")."""
    names = []
    for name in outage.breaks:
        schedule = getattr(context.design.components.get(name), "schedule", None)
        if schedule in ("hourly", "daily", "weekly"):
            names.append(f"the {schedule} job {name}")
        elif schedule:
            names.append(f"the scheduled job {name}")
        else:
            names.append(name)
    return ", ".join(names)


def area_issue(context: Context, outage: Outage, area: str, name: str, where: SpecPath) -> Issue:
    """Describe a zone's or region's loss: what it holds, what it fails, one path (REL002, REL007)."""
    return Issue(
        f"{area} {name} is a single point of failure: it holds every instance of {', '.join(outage.lost)}; "
        f"losing it fails {broken(context, outage)} (path: {' → '.join(outage.path)})",
        where=where,
        details={area: name, **outage_details(context, outage), "lost": list(outage.lost)},
        marks=outage.culprits or outage.lost,
    )


def outage_details(context: Context, outage: Outage) -> dict[str, Any]:
    """Return what a reliability finding adds to the JSON report: what breaks, one path, and flows broken."""
    details: dict[str, Any] = {"breaks": list(outage.breaks), "path": list(outage.path)}
    if context.design.flows:
        details["flows"] = list(outage.flows)
    return details


def has_zones(context: Context) -> str | None:
    """Say why a design without zones (listed, or declared by its regions) has no zone analysis."""
    return None if context.graph.declared_zones else "the design has no `zones`"


def has_entry_point(context: Context) -> str | None:
    """Say why a design with components but no entry point cannot be analysed for failures."""
    if context.design.components and not context.graph.pipelines:
        return "the design has no entry point: every component is called by another (a cycle of calls?)"
    return None


class Rule(NamedTuple):
    """A rule: its public code and name, default severity, summary, checklist section and docs page."""

    code: str
    name: str
    severity: Severity
    summary: str
    section: str
    check: Check
    doc: str
    requires: tuple[str, ...] = ()
    #: A code prefix: findings of other rules of that family on a component this rule reports are
    #: dropped (one root cause, one finding).
    shadows: str | None = None
    stage: Stage = "design"
    precondition: Callable[[Context], str | None] | None = None
    #: False for a rule about another concern than the root cause (durability beside availability).
    shadowable: bool = True
    #: The distribution and version a plugin rule comes from (`acme-rules 1.0`); empty for archgen's own.
    origin: str = ""

    def skip_reason(self, context: Context) -> str | None:
        """Return why the rule cannot run on the design, or None when it can."""
        for need in self.requires:
            if not getattr(context.design, need):
                return f"the design has no `{need}`"
        return self.precondition(context) if self.precondition else None

    @property
    def page(self) -> str:
        """Return the rule's docs page in Markdown."""
        return page_text(self.code, self.name, self.severity, self.summary, self.section, self.doc)


RULE_MODULE = re.compile(r"^[a-z]{3}[0-9]{3}_")
RULE_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_registry: dict[str, Rule] = {}
#: Rules of installed plugins, by code: kept apart, so `--no-plugins` sees archgen's own only.
_plugin_rules: dict[str, Rule] = {}
_registry_lock = threading.RLock()


def rule(
    *,
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    section: str,
    requires: tuple[str, ...] = (),
    shadows: str | None = None,
    stage: Stage = "design",
    precondition: Callable[[Context], str | None] | None = None,
    shadowable: bool = True,
) -> Callable[[Check], Check]:
    """Register the decorated check as a rule; its module's docstring is the rule's page."""
    if severity not in SEVERITIES:
        raise ValueError(f"rule {code}: severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    if not RULE_NAME.match(name):
        raise ValueError(f"rule {code}: name {name!r} is not kebab-case (lower-case words joined by -)")
    if stage not in ("design", "waivers"):
        raise ValueError(f"rule {code}: stage {stage!r} is not design or waivers")

    def decorate(check: Check) -> Check:
        module = importlib.import_module(check.__module__)
        doc = module.__doc__ or ""
        new = Rule(
            code, name, severity, summary, section, check, doc, requires, shadows, stage, precondition, shadowable
        )
        register(new, check.__module__)
        return check

    return decorate


def register(new: Rule, module: str) -> None:
    """Add a rule to the registry; refuse a second rule of one code, or a module not named after its code.

    A rule registered while a plugin loads is that plugin's: its code must look like one
    (ACME001) and clash with no other rule, archgen's or another plugin's.
    """
    plugin = plugins.loading.get()
    if plugin is not None:
        _register_plugin_rule(new, plugin)
        return
    file = module.rsplit(".", 1)[-1]
    if not file.startswith(f"{new.code.lower()}_"):
        raise ValueError(f"rule {new.code} is registered by {module}; its module must be named {new.code.lower()}_*.py")
    if new.code in _registry:
        raise ValueError(f"rule {new.code} is registered twice: by {_registry[new.code].check.__module__} and {module}")
    _registry[new.code] = new


def _register_plugin_rule(new: Rule, plugin: plugins.Plugin) -> None:
    if not plugins.CODE.match(new.code):
        raise plugins.PluginError(
            f"plugin {plugin.label}: rule code {new.code!r} is not 2 to 10 capitals and 3 digits (ACME001)"
        )
    if new.code in _registry:
        own = _registry[new.code].name
        raise plugins.PluginError(f"plugin {plugin.label}: rule {new.code} is archgen's own ({own})")
    other = _plugin_rules.get(new.code)
    if other is not None and other.origin != plugin.origin:
        raise plugins.PluginError(f"rule {new.code} comes from two plugins: {other.origin} and {plugin.origin}")
    _plugin_rules[new.code] = new._replace(origin=plugin.origin)


def all_rules(plugins: bool = True) -> dict[str, Rule]:
    """Import every rule module of this package once (and of the installed plugins) and return the rules by code.

    A plugin that cannot be used raises a PluginError naming it; `plugins=False` leaves them out.
    """
    # Builds lint designs on several threads: none may see the registry half filled.
    with _registry_lock:
        _import_rule_modules()
        if not plugins:
            return dict(sorted(_registry.items()))
        _load_plugins()
        return dict(sorted({**_registry, **_plugin_rules}.items()))


def _load_plugins() -> None:
    """Load the installed plugins once per process; a failure is raised again on every call."""
    global _plugins_loaded
    if _plugins_loaded is None:
        try:
            plugins.load(plugins.installed())
            _plugins_loaded = True
        except plugins.PluginError as error:
            _plugins_loaded = error
    if isinstance(_plugins_loaded, plugins.PluginError):
        raise _plugins_loaded


_plugins_loaded: bool | plugins.PluginError | None = None


@functools.cache
def _import_rule_modules() -> None:
    package = importlib.import_module("archgen.rules")
    for module in pkgutil.iter_modules(package.__path__):
        if RULE_MODULE.match(module.name):
            importlib.import_module(f"archgen.rules.{module.name}")
