"""Run the rules on a design: selection, severities, skips, one finding per root cause, waivers."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from archgen.analysis.failure import Outage
from archgen.config import Settings
from archgen.errors import ArchgenError, ConfigError, Problem, SpecError
from archgen.findings import Finding, Skipped
from archgen.gc_pause import gc_paused
from archgen.loaded import LoadedDesign
from archgen.rules.base import Context, Issue, Rule, WaiverReview, all_rules
from archgen.text import suggest
from archgen.vocabulary import Severity

if TYPE_CHECKING:
    from archgen.analysis.availability import Availability


@dataclass(frozen=True)
class LintResult:
    """The findings on one design, the rules that were skipped on it, and what fails when."""

    loaded: LoadedDesign
    findings: list[Finding]
    skipped: list[Skipped] = field(default_factory=list)
    context: Context | None = field(default=None, compare=False, repr=False)
    #: Findings an unexpired waiver silences: not reported, drawn muted in the picture.
    waived: list[Finding] = field(default_factory=list, compare=False)
    #: Plugin rules that raised on this design: each an error naming the plugin and the rule.
    errors: list[ArchgenError] = field(default_factory=list, compare=False)

    @property
    def file(self) -> str:
        """Return the file the design is shown by."""
        return self.loaded.file

    @property
    def name(self) -> str:
        """Return the design's name."""
        return self.loaded.design.name

    def _repr_svg_(self) -> str:
        """Draw the design in a notebook, its findings marked."""
        from archgen.script import svg_of_result

        return svg_of_result(self)

    @property
    def availability(self) -> Availability:
        """Return the availability of every entry point and flow (DESIGN.md §8), computed once per design."""
        context = self.context or Context(self.loaded.design)
        return context.availability

    @property
    def failure_table(self) -> list[Outage]:
        """Return every failure event of the design and what it breaks (DESIGN.md §7)."""
        context = self.context or Context(self.loaded.design)
        return context.failures.impacts


def is_selected(code: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """Decide by the longest matching prefix; an empty select selects everything, and ignore wins ties."""
    selected = max((len(prefix) for prefix in select if code.startswith(prefix)), default=-1)
    if not tuple(select):
        selected = max(selected, 0)
    ignored = max((len(prefix) for prefix in ignore if code.startswith(prefix)), default=-1)
    return selected >= 0 and selected > ignored


def check_codes(codes: Iterable[str], where: str, plugins: bool = True) -> None:
    """Refuse rule codes and prefixes that match no rule, suggesting the closest one."""
    known = list(all_rules(plugins))
    for code in codes:
        if not any(rule.startswith(code) for rule in known):
            raise ConfigError(f"{where}: no rule matches {code!r}{suggest(code, known)}")


def lint_design(loaded: LoadedDesign, settings: Settings, today: datetime.date | None = None) -> LintResult:
    """Run every selected rule on one design and apply its waivers."""
    with gc_paused():
        return _lint(loaded, settings, today or datetime.date.today())


def _lint(loaded: LoadedDesign, settings: Settings, today: datetime.date) -> LintResult:
    rules = all_rules(settings.plugins)
    check_waiver_rules(loaded, rules)
    selected = [
        rule
        for code, rule in rules.items()
        if is_selected(code, settings.select, settings.ignore) and settings.severity.get(code) != "off"
    ]
    context = Context(loaded.design)
    skipped = []
    runnable = []
    for rule in selected:
        reason = rule.skip_reason(context)
        if reason:
            skipped.append(Skipped(rule.code, rule.name, loaded.file, reason))
        else:
            runnable.append(rule)
    errors: list[ArchgenError] = []
    findings = _run(loaded, context, settings, [rule for rule in runnable if rule.stage == "design"], errors)
    findings, waived, context.review = _apply_waivers(
        loaded, _one_finding_per_root_cause(findings, rules), runnable, today
    )
    # Rules that judge the waivers run last, and their findings cannot be waived.
    findings += _run(loaded, context, settings, [rule for rule in runnable if rule.stage == "waivers"], errors)
    return LintResult(loaded, sorted(findings, key=Finding.sort_key), skipped, context, waived, errors)


def _run(
    loaded: LoadedDesign, context: Context, settings: Settings, rules: list[Rule], errors: list[ArchgenError]
) -> list[Finding]:
    """Run rules on a design; a plugin rule that raises becomes an error naming it, and the others still run."""
    findings = []
    for rule in rules:
        severity = settings.severity.get(rule.code, rule.severity)
        try:
            issues = list(rule.check(context))
            found = [_finding(loaded, rule, issue, severity) for issue in issues]  # type: ignore[arg-type]
        except Exception as error:
            if not rule.origin:
                raise  # archgen's own rules are tested; a bug there must show
            problem = f"{type(error).__name__}: {error}"
            errors.append(ArchgenError(f"{loaded.file}: plugin {rule.origin}: rule {rule.code} failed: {problem}"))
            continue
        findings += found
    return findings


def _finding(loaded: LoadedDesign, rule: Rule, issue: Issue, severity: Severity) -> Finding:
    if issue.where is not None:
        position = loaded.source.position(issue.where, key=True)
    elif issue.component is not None:
        position = loaded.component_position(issue.component)
    else:
        position = loaded.position()
    return Finding(
        rule.code,
        rule.name,
        severity,
        issue.message,
        loaded.file,
        position.line,
        position.column,
        issue.component,
        issue.details,
        issue.marks,
    )


def _one_finding_per_root_cause(findings: list[Finding], rules: dict[str, Rule]) -> list[Finding]:
    """Drop findings a root-cause rule shadows: its family's others on the components it reports."""
    shadowed: dict[str, set[str]] = {}
    for finding in findings:
        family = rules[finding.code].shadows
        if family and finding.component:
            shadowed.setdefault(family, set()).add(finding.component)

    def hidden(finding: Finding) -> bool:
        rule = rules[finding.code]
        return (
            rule.shadows is None
            and rule.shadowable
            and any(
                finding.code.startswith(family) and finding.component in components
                for family, components in shadowed.items()
            )
        )

    return [finding for finding in findings if not hidden(finding)]


def check_waiver_rules(loaded: LoadedDesign, rules: dict[str, Rule] | None = None) -> None:
    """Refuse waivers of rules that do not exist, with their position and a did-you-mean."""
    rules = rules if rules is not None else all_rules()
    problems = []
    for index, waiver in enumerate(loaded.design.waivers):
        if waiver.rule not in rules:
            position = loaded.position("waivers", index, "rule")
            message = f"waivers.{index}.rule: no rule {waiver.rule!r}{suggest(waiver.rule, rules)}"
            problems.append(Problem(loaded.file, position.line, position.column, message))
    if problems:
        raise SpecError(problems)


def _apply_waivers(
    loaded: LoadedDesign, findings: list[Finding], ran: list[Rule], today: datetime.date
) -> tuple[list[Finding], list[Finding], WaiverReview]:
    """Set aside the findings an unexpired waiver silences; say which waivers were used and which expired."""
    waivers = loaded.design.waivers
    expired = tuple(waiver.expires is not None and waiver.expires < today for waiver in waivers)
    used = [False] * len(waivers)
    kept = []
    waived = []
    for finding in findings:
        match = next(
            (
                index
                for index, waiver in enumerate(waivers)
                if waiver.rule == finding.code and waiver.component in (None, finding.component) and not expired[index]
            ),
            None,
        )
        if match is None:
            kept.append(finding)
        else:
            used[match] = True
            waived.append(finding)
    return kept, waived, WaiverReview(waivers, tuple(used), expired, frozenset(rule.code for rule in ran))
