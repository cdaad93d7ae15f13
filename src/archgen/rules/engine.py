"""Run the rules on a design: selection, severities, skips and waivers."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from archgen.config import Settings
from archgen.errors import ConfigError, Problem, SpecError
from archgen.findings import Finding, Skipped
from archgen.loader import LoadedDesign
from archgen.loader.checks import suggest
from archgen.rules.base import Context, Issue, Rule, all_rules

RELIABILITY_ROOT_CAUSES = ("REL001", "REL002")


@dataclass(frozen=True)
class LintResult:
    """The findings on one design, and the rules that were skipped on it."""

    loaded: LoadedDesign
    findings: list[Finding]
    skipped: list[Skipped] = field(default_factory=list)


def is_selected(code: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """Decide by the longest matching prefix; an empty select selects everything, and ignore wins ties."""
    selected = max((len(prefix) for prefix in select if code.startswith(prefix)), default=-1)
    if not tuple(select):
        selected = max(selected, 0)
    ignored = max((len(prefix) for prefix in ignore if code.startswith(prefix)), default=-1)
    return selected >= 0 and selected > ignored


def check_codes(codes: Iterable[str], where: str) -> None:
    """Refuse rule codes and prefixes that match no rule, suggesting the closest one."""
    known = list(all_rules())
    for code in codes:
        if not any(rule.startswith(code) for rule in known):
            raise ConfigError(f"{where}: no rule matches {code!r}{suggest(code, known)}")


def lint_design(loaded: LoadedDesign, settings: Settings, today: datetime.date | None = None) -> LintResult:
    """Run every selected rule on one design and apply its waivers."""
    today = today or datetime.date.today()
    rules = all_rules()
    design = loaded.design
    _check_waiver_rules(loaded, rules)
    context = Context(design)
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    ran: set[str] = set()
    for code, rule in rules.items():
        if not is_selected(code, settings.select, settings.ignore):
            continue
        reason = rule.skip_reason(design)
        if reason:
            skipped.append(Skipped(code, rule.name, loaded.file, reason))
            continue
        ran.add(code)
        severity = settings.severity.get(code, rule.severity)
        findings.extend(_finding(loaded, rule, severity, issue) for issue in rule.check(context))
    findings = _one_finding_per_root_cause(findings)
    findings = _apply_waivers(loaded, findings, rules, settings, ran, today)
    return LintResult(loaded, sorted(findings, key=Finding.sort_key), skipped)


def _finding(loaded: LoadedDesign, rule: Rule, severity: str, issue: Issue) -> Finding:
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
    )


def _one_finding_per_root_cause(findings: list[Finding]) -> list[Finding]:
    """Drop other reliability findings on components that REL001 already reports."""
    spofs = {finding.component for finding in findings if finding.code == "REL001"}
    return [
        finding
        for finding in findings
        if not (
            finding.code.startswith("REL")
            and finding.code not in RELIABILITY_ROOT_CAUSES
            and finding.component in spofs
        )
    ]


def _check_waiver_rules(loaded: LoadedDesign, rules: dict[str, Rule]) -> None:
    problems = []
    for index, waiver in enumerate(loaded.design.waivers):
        if waiver.rule not in rules:
            position = loaded.position("waivers", index, "rule")
            message = f"waivers.{index}.rule: no rule {waiver.rule!r}{suggest(waiver.rule, rules)}"
            problems.append(Problem(loaded.file, position.line, position.column, message))
    if problems:
        raise SpecError(problems)


def _apply_waivers(
    loaded: LoadedDesign,
    findings: list[Finding],
    rules: dict[str, Rule],
    settings: Settings,
    ran: set[str],
    today: datetime.date,
) -> list[Finding]:
    waivers = loaded.design.waivers
    used = [False] * len(waivers)
    expired = [waiver.expires is not None and waiver.expires < today for waiver in waivers]
    kept = []
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
    for index, waiver in enumerate(waivers):
        target = f" for {waiver.component}" if waiver.component else ""
        if expired[index]:
            code, message = "DOC004", f"the waiver of {waiver.rule}{target} expired on {waiver.expires}"
        elif not used[index] and waiver.rule in ran:
            code, message = "DOC003", f"the waiver of {waiver.rule}{target} silences no finding"
        else:
            continue
        if is_selected(code, settings.select, settings.ignore):
            rule = rules[code]
            issue = Issue(message, where=("waivers", index))
            kept.append(_finding(loaded, rule, settings.severity.get(code, rule.severity), issue))
    return kept
