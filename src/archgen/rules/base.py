"""What a rule is, what it is given, and the registry that finds every rule module."""

from __future__ import annotations

import importlib
import pkgutil
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from archgen.analysis.capacity import Estimate, estimate
from archgen.analysis.failure import FailureAnalysis
from archgen.graph import DesignGraph
from archgen.model import Design

SpecPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Issue:
    """What a rule's check yields: the engine adds the code, severity and position."""

    message: str
    component: str | None = None
    where: SpecPath | None = None
    details: dict[str, Any] = field(default_factory=dict)


class Context:
    """What rules read: the design, its graph and the analyses, each computed once on first use."""

    def __init__(self, design: Design) -> None:
        self.design = design
        self.graph = DesignGraph(design)

    @cached_property
    def failures(self) -> FailureAnalysis:
        """Return the failure analysis (DESIGN.md §3)."""
        return FailureAnalysis(self.graph)

    @cached_property
    def estimate(self) -> Estimate | None:
        """Return the capacity estimate, or None when the design has no capacity section."""
        return estimate(self.design.capacity) if self.design.capacity else None


Check = Callable[[Context], Iterable[Issue]]


@dataclass(frozen=True)
class Rule:
    """A rule: its public code and name, default severity, summary, checklist section and docs page."""

    code: str
    name: str
    severity: str
    summary: str
    section: str
    check: Check
    doc: str
    requires: tuple[str, ...] = ()

    def skip_reason(self, design: Design) -> str | None:
        """Return why the rule cannot run on the design, or None when it can."""
        for need in self.requires:
            if not getattr(design, need):
                return f"the design has no `{need}`"
        return None

    @property
    def page(self) -> str:
        """Return the rule's docs page in Markdown."""
        header = f"# {self.code} {self.name}\n\n{self.summary}\n\nDefault severity: {self.severity}. "
        header += f"Checklist: §{self.section}.\n" if self.section != "—" else "\n"
        return header + "\n" + self.doc.strip() + "\n"


RULE_MODULE = re.compile(r"^[a-z]{3}[0-9]{3}_")
_registry: dict[str, Rule] = {}
_registry_lock = threading.Lock()


def rule(
    code: str, name: str, severity: str, summary: str, *, section: str, requires: tuple[str, ...] = ()
) -> Callable[[Check], Check]:
    """Register the decorated check as a rule; its module's docstring is the rule's page."""

    def register(check: Check) -> Check:
        module = importlib.import_module(check.__module__)
        _registry[code] = Rule(code, name, severity, summary, section, check, module.__doc__ or "", requires)
        return check

    return register


def all_rules() -> dict[str, Rule]:
    """Import every rule module of this package once and return the rules by code, sorted."""
    # Builds lint designs on several threads: none may see the registry half filled.
    with _registry_lock:
        if not _registry:
            package = importlib.import_module("archgen.rules")
            for module in pkgutil.iter_modules(package.__path__):
                if RULE_MODULE.match(module.name):
                    importlib.import_module(f"archgen.rules.{module.name}")
        return dict(sorted(_registry.items()))


def reach(
    graph: DesignGraph, starts: Iterable[str], *, through: Callable[[str], bool], optional: bool = False
) -> dict[str, str | None]:
    """Return the components reachable from `starts` over synchronous calls, with the caller each was reached from.

    Only components for which `through` is true are expanded; `optional` also follows optional calls.
    """
    parents: dict[str, str | None] = {}
    queue: deque[str] = deque()
    for start in starts:
        if start not in parents:
            parents[start] = None
            queue.append(start)
    while queue:
        node = queue.popleft()
        if not through(node):
            continue
        for call in graph.components[node].calls:
            if call.is_async or (call.optional and not optional):
                continue
            for target in call.targets:
                if target not in parents:
                    parents[target] = node
                    queue.append(target)
    return parents


def path_to(parents: dict[str, str | None], node: str) -> list[str]:
    """Return the path from a start to `node` in a `reach` result."""
    path = [node]
    while (parent := parents[path[-1]]) is not None:
        path.append(parent)
    return path[::-1]


def catalogue_markdown() -> str:
    """Return the rule catalogue as one Markdown page: a table, then every rule's page."""
    rules = all_rules()
    lines = [
        "# Rules",
        "",
        "Generated by `archgen rules --markdown`; do not edit by hand.",
        "",
        "| code | name | severity | summary |",
        "|---|---|---|---|",
        *(
            f"| [{code}](#{code.lower()}-{rule.name}) | {rule.name} | {rule.severity} | {rule.summary} |"
            for code, rule in rules.items()
        ),
        "",
    ]
    for rule in rules.values():
        lines.append("#" + rule.page)
    return "\n".join(lines)
