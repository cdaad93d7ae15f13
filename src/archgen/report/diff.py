"""A diff's report: text, Markdown (a pull-request comment) or JSON, as strings.

The headline comes first — what the change introduces and resolves, then what it touches —
as terraform's "Plan: …" line does; "No changes" is its own state.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from archgen.analysis.compare import AvailabilityChange, Change, FieldChange
from archgen.commands.diff import DesignChange, DiffRun
from archgen.findings import Finding
from archgen.text import markdown_text, plural
from archgen.units import format_availability
from archgen.vocabulary import RULES_URL, SEVERITIES

WORDS = {"+": "added", "-": "removed", "~": "changed"}


def format_diff(run: DiffRun, format: str, rules_url: str = RULES_URL) -> str:
    """Return the diff in the named format: text, markdown or json."""
    if format == "json":
        return json.dumps([_design_json(design) for design in run.designs], indent=2, ensure_ascii=False) + "\n"
    if format == "markdown":  # a pull-request comment: only the designs the change touches
        touched = [design for design in run.designs if _touched(design)]
        if not touched:
            return "No changes to the designs.\n"
        return "\n".join(_design_markdown(design, rules_url) for design in touched)
    return "".join(_design_text(design) for design in run.designs)


def _touched(design: DesignChange) -> bool:
    changed = design.diff is None or not design.diff.empty
    return changed or bool(design.introduced) or bool(design.resolved) or bool(design.availability)


def _figure(unavailability: float | None) -> str:
    return "—" if unavailability is None else format_availability(unavailability)


def _availability_text(change: AvailabilityChange) -> str:
    kind = "flow" if change.kind == "flow" else "entry point"
    return f"availability of {kind} {change.name} {_figure(change.before)} → {_figure(change.after)}"


def headline(design: DesignChange) -> str:
    """Say in one sentence what the change does to a design."""
    if design.old is None:
        return f"{design.name}: a new design ({_counts(design.introduced)})."
    if design.new is None:
        return f"{design.name}: the design is deleted."
    parts = []
    if design.introduced:
        worst = design.introduced[0]
        parts.append(f"introduces {_counts(design.introduced)}, among them {worst.code} on {_about(worst)}")
    if design.resolved:
        parts.append(f"resolves {_counts(design.resolved)}")
    worse = [figure for figure in design.availability if figure.worse]
    if worse:  # the largest rise in downtime
        lowest = max(worse, key=lambda figure: (figure.after or 0) - (figure.before or 0))
        parts.append("lowers the " + _availability_text(lowest))
    changes = design.diff.changes if design.diff else ()
    touched = {kind: sum(1 for change in changes if change.kind == kind) for kind in ("component", "call", "flow")}
    summary = ", ".join(plural(count, kind) for kind, count in touched.items() if count)
    if summary:
        parts.append(f"changes {summary}")
    return f"{design.name}: " + ("; ".join(parts) if parts else "no changes") + "."


def _counts(findings: Sequence[Finding]) -> str:
    if not findings:
        return "no findings"
    counts = {severity: sum(1 for f in findings if f.severity == severity) for severity in SEVERITIES}
    return ", ".join(plural(count, severity) for severity, count in counts.items() if count)


def _about(finding: Finding) -> str:
    return finding.component or str(finding.details.get("zone") or finding.details.get("region") or "the design")


def _value(value: Any) -> str:
    if value is None:
        return "—"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)


def _field_text(field: FieldChange) -> str:
    return f"{field.path} {_value(field.before)} → {_value(field.after)}"


def _change_text(change: Change) -> str:
    fields = ", ".join(_field_text(field) for field in change.fields) if change.action == "~" else ""
    return f"  {change.action} {change.kind} {change.name}" + (f": {fields}" if fields else "") + "\n"


def _design_text(design: DesignChange) -> str:
    lines = [headline(design) + "\n"]
    if design.diff is not None:
        lines += [_change_text(change) for change in design.diff.changes]
        lines += [f"  ({came} may be {gone} renamed: same fields)\n" for gone, came in design.diff.renames]
    lines += [f"  ~ {_availability_text(change)}\n" for change in design.availability]
    lines += [f"  + {f.severity} {f.code} {f.message} ({f.file}:{f.line}:{f.column})\n" for f in design.introduced]
    lines += [f"  - resolved {f.code} {f.message}\n" for f in design.resolved]
    return "".join(lines)


def _design_markdown(design: DesignChange, rules_url: str) -> str:
    lines = [f"### {markdown_text(design.name)}", "", markdown_text(headline(design)), ""]

    def link(finding: Finding) -> str:
        return f"[{finding.code}]({rules_url}#{finding.code.lower()}-{finding.name})"

    rows = [(f"introduced {f.severity}", f) for f in design.introduced] + [("resolved", f) for f in design.resolved]
    if rows:
        lines += ["| | Rule | About | Finding |", "|---|---|---|---|"]
        lines += [
            f"| {what} | {link(f)} | {markdown_text(_about(f))} | {markdown_text(f.message)} |" for what, f in rows
        ]
        lines.append("")
    if design.availability:
        lines += ["| Availability | Before | After |", "|---|---|---|"]
        for figure in design.availability:
            kind = "flow" if figure.kind == "flow" else "entry point"
            what = markdown_text(f"{kind} {figure.name}")
            lines.append(f"| {what} | {_figure(figure.before)} | {_figure(figure.after)} |")
        lines.append("")
    changes = design.diff.changes if design.diff else ()
    if changes:
        lines += ["<details><summary>What changed</summary>", "", "| | What | Fields |", "|---|---|---|"]
        for change in changes:
            fields = (
                "<br>".join(markdown_text(_field_text(field)) for field in change.fields)
                if change.action == "~"
                else ""
            )
            lines.append(f"| {WORDS[change.action]} | {change.kind} {markdown_text(change.name)} | {fields} |")
        lines += ["", "</details>", ""]
    return "\n".join(lines)


def _design_json(design: DesignChange) -> dict[str, Any]:
    changes = design.diff.changes if design.diff else ()
    return {
        "design": design.name,
        "old": design.old,
        "new": design.new,
        "headline": headline(design),
        "changes": [
            {
                "action": WORDS[change.action],
                "kind": change.kind,
                "name": change.name,
                "fields": [field._asdict() for field in change.fields],
            }
            for change in changes
        ],
        "renames": [list(pair) for pair in (design.diff.renames if design.diff else ())],
        "availability": [
            {
                "kind": change.kind,
                "name": change.name,
                "before": None if change.before is None else 100 * (1 - change.before),
                "after": None if change.after is None else 100 * (1 - change.after),
            }
            for change in design.availability
        ],
        "introduced": [finding.as_dict() for finding in design.introduced],
        "resolved": [finding.as_dict() for finding in design.resolved],
    }
