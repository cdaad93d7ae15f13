"""Findings as text, JSON, SARIF 2.1.0, GitHub workflow annotations or a Markdown job summary: strings, not files."""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from archgen import __version__
from archgen.findings import Finding, Skipped
from archgen.text import markdown_text, plural
from archgen.vocabulary import RULES_URL, SEVERITIES, ReportFormat

if TYPE_CHECKING:
    from archgen.analysis.failure import Outage


class RuleInfo(Protocol):
    """What a report says of a rule: a registered Rule or the catalogue's RulePage."""

    @property
    def name(self) -> str:
        """The rule's name."""

    @property
    def summary(self) -> str:
        """What the rule checks, in a line."""

    @property
    def page(self) -> str:
        """The rule's docs page."""

    @property
    def severity(self) -> str:
        """The rule's default severity."""


SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def format_report(
    format: ReportFormat,
    findings: Sequence[Finding],
    skipped: Sequence[Skipped] = (),
    *,
    verbose: bool = False,
    rules: Mapping[str, RuleInfo] | None = None,
    failure_tables: Sequence[tuple[str, Sequence[Outage]]] = (),
    designs: Sequence[tuple[str, str]] = (),
    problems: Sequence[str] = (),
    rules_url: str = RULES_URL,
    baseline: Baselined | None = None,
) -> str:
    """Return the findings in the named format; `verbose` adds the skipped rules and what fails when to JSON.

    Markdown also lists `designs` (file, name) without findings, and `problems`: specs that did not
    load; its rule links go to `rules_url`. With a `baseline`, `findings` are the new ones, and
    every format but text also says which baseline entries are fixed (text says it on stderr).
    """
    fixed = baseline.fixed if baseline is not None else ()
    if format == "markdown":
        return as_markdown(findings, designs, problems, rules_url) + _fixed_markdown(fixed)
    if format == "json":
        items = [{"baseline": "fixed", **entry._asdict()} for entry in fixed]
        return as_json(findings, skipped if verbose else (), failure_tables if verbose else (), items)
    if format == "sarif":
        from archgen.rules.catalogue import catalogue

        return as_sarif(findings, rules or catalogue(), baseline)
    if format == "github":
        notices = "".join(
            f"::notice file={_escape(_uri(entry.file), property=True)}::fixed since the baseline: {entry.about}\n"
            for entry in fixed
        )
        return as_github(findings) + notices
    return as_text(findings)


class Baselined(Protocol):
    """What a report needs of a baseline applied: the entries that matched nothing any more."""

    @property
    def fixed(self) -> Sequence[BaselineEntry]:
        """The entries no finding matched."""


class BaselineEntry(Protocol):
    """One baseline entry, as a report names it."""

    file: str
    code: str
    subject: str
    fingerprint: str

    @property
    def about(self) -> str:
        """Say what the entry is about: `REL001 on db`."""

    def _asdict(self) -> dict[str, Any]: ...


def _fixed_markdown(fixed: Sequence[BaselineEntry]) -> str:
    if not fixed:
        return ""
    rows = [f"| `{_cell(entry.file)}` | {entry.code} | {markdown_text(entry.subject)} |" for entry in fixed]
    summary = f"{len(fixed)} baseline {'entry' if len(fixed) == 1 else 'entries'} fixed"
    table = ["| Spec | Rule | About |", "|---|---|---|", *rows]
    return "\n".join(["", f"<details><summary>{summary}</summary>", "", *table, "", "</details>", ""])


def as_text(findings: Iterable[Finding]) -> str:
    """Return one `file:line:col: CODE message` line per finding."""
    return "".join(f"{f.file}:{f.line}:{f.column}: {f.code} {f.message}\n" for f in findings)


def as_markdown(
    findings: Sequence[Finding],
    designs: Sequence[tuple[str, str]],
    problems: Sequence[str],
    rules_url: str = RULES_URL,
) -> str:
    """Return a job summary: the designs with their counts, then each finding with a link to its rule's page.

    Errors are listed open; warnings and infos follow, each folded under a line that counts them.
    """
    counts = {file: Counter(finding.severity for finding in findings if finding.file == file) for file, _ in designs}
    total = Counter(finding.severity for finding in findings)
    lines = [
        f"## archgen: {plural(len(designs), 'design')}, "
        + ", ".join(plural(total[severity], severity) for severity in SEVERITIES),
        "",
        "| Design | Spec | Errors | Warnings | Infos |",
        "|---|---|---:|---:|---:|",
    ]
    for file, name in designs:
        row = " | ".join(str(counts[file][severity]) for severity in SEVERITIES)
        lines.append(f"| {markdown_text(name)} | `{_cell(file)}` | {row} |")
    for severity in SEVERITIES:
        chosen = [finding for finding in findings if finding.severity == severity]
        if not chosen:
            continue
        table = ["| Where | Rule | Message |", "|---|---|---|"]
        for finding in chosen:
            anchor = f"{finding.code}-{finding.name}".lower()
            link = f"[{finding.code}]({rules_url}#{anchor}) {finding.name}"
            where = f"{finding.file}:{finding.line}:{finding.column}"
            table.append(f"| `{_cell(where)}` | {link} | {markdown_text(finding.message)} |")
        if severity == "error":
            lines += ["", "### Errors", "", *table]
        else:
            summary = plural(len(chosen), severity)
            lines += ["", f"<details><summary>{summary}</summary>", "", *table, "", "</details>"]
    if problems:
        lines += ["", "### Specs that did not load", "", *(f"- `{_cell(problem)}`" for problem in problems)]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Keep text inside a code span in one table cell: pipes escaped, line breaks as spaces, backticks softened."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("`", "'")


def summary(findings: Sequence[Finding]) -> str:
    """Return a one-line count of the findings by severity."""
    if not findings:
        return "No findings."
    counts = Counter(finding.severity for finding in findings)
    parts = [plural(counts[severity], severity) for severity in SEVERITIES if counts[severity]]
    return f"Found {plural(len(findings), 'finding')} ({', '.join(parts)})."


def as_json(
    findings: Iterable[Finding],
    skipped: Iterable[Skipped] = (),
    failure_tables: Iterable[tuple[str, Sequence[Outage]]] = (),
    extra: Iterable[dict[str, Any]] = (),
) -> str:
    """Return a JSON list of findings, then any skipped rules (with the reason), failure tables and `extra` items."""
    items: list[dict[str, Any]] = [finding.as_dict() for finding in findings]
    items.extend(extra)
    items.extend({"code": skip.code, "name": skip.name, "file": skip.file, "skipped": skip.reason} for skip in skipped)
    items.extend({"file": file, "failure_table": [row.as_dict() for row in table]} for file, table in failure_tables)
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def _uri(file: str) -> str:
    return file.replace(os.sep, "/")


def _artifact(file: str) -> dict[str, str]:
    """Return a SARIF artifact location: relative to the source root inside it, a file:// URI outside."""
    path = PurePath(file)
    if path.is_absolute():
        return {"uri": path.as_uri()}
    return {"uri": quote(_uri(file)), "uriBaseId": "%SRCROOT%"}


def fingerprint(finding: Finding) -> str:
    """Return a hash that identifies the finding across runs, whatever its line."""
    subject = finding.component or str(finding.details.get("zone") or "") or finding.message
    return hashlib.sha256(f"{finding.code}\0{_uri(finding.file)}\0{subject}".encode()).hexdigest()


def as_sarif(findings: Sequence[Finding], rules: Mapping[str, RuleInfo], baseline: Baselined | None = None) -> str:
    """Return a SARIF 2.1.0 log that GitHub code scanning accepts; against a baseline, with `baselineState`."""
    index = {code: position for position, code in enumerate(rules)}
    driver = {
        "name": "archgen",
        "version": __version__,
        "informationUri": "https://github.com/archgen/archgen",
        "rules": [
            {
                "id": code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.summary},
                "help": {"text": rule.page, "markdown": rule.page},
                "defaultConfiguration": {"level": SARIF_LEVELS[rule.severity]},
                "properties": {"tags": ["architecture", code[:3].lower()]},
            }
            for code, rule in rules.items()
        ],
    }
    results = [
        {
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": SARIF_LEVELS[finding.severity],
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(finding.file),
                        "region": {"startLine": finding.line, "startColumn": finding.column},
                    }
                }
            ],
            "partialFingerprints": {"archgen/v1": fingerprint(finding)},
            **({"baselineState": "new"} if baseline is not None else {}),
        }
        for finding in findings
    ]
    for entry in baseline.fixed if baseline is not None else ():
        results.append(
            {
                "ruleId": entry.code,
                "level": "none",
                "kind": "pass",
                "message": {"text": f"fixed since the baseline: {entry.about}"},
                "locations": [{"physicalLocation": {"artifactLocation": _artifact(entry.file)}}],
                "baselineState": "absent",
            }
        )
    log = {"version": "2.1.0", "$schema": SARIF_SCHEMA, "runs": [{"tool": {"driver": driver}, "results": results}]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _escape(text: str, *, property: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property else text


def as_github(findings: Iterable[Finding]) -> str:
    """Return GitHub Actions workflow commands that annotate the files."""
    levels = {"error": "error", "warning": "warning", "info": "notice"}
    return "".join(
        f"::{levels[f.severity]} file={_escape(_uri(f.file), property=True)},line={f.line},col={f.column},"
        f"title={_escape(f'{f.code} {f.name}', property=True)}::{_escape(f.message)}\n"
        for f in findings
    )
