"""A baseline: the findings a team accepts today, so lint reports only the ones that are new.

As ruff, detekt and checkov keep one: `archgen lint --write-baseline FILE` records the
findings; `--baseline FILE` (or `baseline = "..."` in the config) leaves out every finding
the file records. A finding is matched by its design's file, rule code, subject (the
component, or the zone, region or host it is about) and a fingerprint of its message's
stable parts (numbers and the example path left out) — never by line or column, so moving
or reformatting a spec keeps the baseline valid. Entries count: a baseline holding two
identical findings hides two, and a third is new (a multiset, as qodana matches). Entries
that match nothing any more are reported as fixed, so the baseline can shrink; writing over
an existing baseline keeps only what still exists.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from archgen.errors import ConfigError, SpecError
from archgen.files import read_spec
from archgen.findings import Finding, subject

FORMAT = "archgen-baseline"
VERSION = 1
_PATH = re.compile(r"\s*\(path: [^)]*\)")
_NUMBER = re.compile(r"\d+(\.\d+)?")


class Entry(NamedTuple):
    """What identifies an accepted finding, whatever line it is on."""

    file: str
    code: str
    subject: str
    fingerprint: str

    @property
    def about(self) -> str:
        """Say what the entry is about: `REL001 on db`, or the code alone."""
        return f"{self.code} on {self.subject}" if self.subject else self.code

    @classmethod
    def of(cls, finding: Finding) -> Entry:
        """Identify a finding by its design, rule, subject and the stable parts of its message."""
        stable = _NUMBER.sub("#", _PATH.sub("", finding.message))
        digest = hashlib.sha256(f"{finding.code}\0{subject(finding)}\0{stable}".encode()).hexdigest()[:16]
        return cls(finding.file, finding.code, subject(finding), digest)


class Applied(NamedTuple):
    """A lint's findings against a baseline: those it does not record, and its entries that matched nothing."""

    new: list[Finding]
    fixed: list[Entry]


def read(path: Path) -> Counter[Entry]:
    """Read a baseline file; anything else (not JSON, another tool's, a broken entry) is one ConfigError."""
    try:
        data = json.loads(read_spec(path, str(path)))  # a regular file of at most a spec's size
    except SpecError as error:
        raise ConfigError(f"{path}: cannot read the baseline: {error.problems[0].message}") from None
    except json.JSONDecodeError as error:
        raise ConfigError(f"{path}:{error.lineno}:{error.colno}: not an archgen baseline: {error.msg}") from None
    except (ValueError, RecursionError) as error:
        raise ConfigError(f"{path}: not an archgen baseline: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ConfigError(f'{path}: not an archgen baseline (it has no "format": "{FORMAT}"; another tool\'s?)')
    if data.get("version") != VERSION:
        raise ConfigError(f"{path}: baseline version {data.get('version')!r}; this archgen reads version {VERSION}")
    rows = data.get("findings")
    if not isinstance(rows, list):
        raise ConfigError(f'{path}: not an archgen baseline: "findings" is not a list')
    entries: Counter[Entry] = Counter()
    for index, item in enumerate(rows):
        try:
            entry = Entry(*(str(item[key]) for key in Entry._fields))
            count = item.get("count", 1)
            if isinstance(count, bool) or not isinstance(count, int) or count < 1:
                raise ValueError("count")
        except (TypeError, KeyError, ValueError, AttributeError):
            fields = ", ".join(Entry._fields)
            raise ConfigError(f"{path}: findings[{index}] is not a baseline entry ({fields}, count)") from None
        entries[entry] += count
    return entries


def apply(findings: Iterable[Finding], entries: Counter[Entry], linted: Iterable[str] | None = None) -> Applied:
    """Leave out the findings the baseline records, each entry as often as it counts.

    Entries of specs not linted this time (not named, or not loading) are neither matched nor fixed.
    """
    files = set(linted) if linted is not None else None
    left = Counter({entry: count for entry, count in entries.items() if files is None or entry.file in files})
    new = []
    for finding in findings:
        entry = Entry.of(finding)
        if left[entry] > 0:
            left[entry] -= 1
        else:
            new.append(finding)
    return Applied(new, sorted(left.elements()))


def text(findings: Iterable[Finding], existing: Counter[Entry] | None = None) -> bytes:
    """Return the baseline of these findings; over an existing one, only what it records and still exists."""
    entries: Counter[Entry] = Counter()
    messages: dict[Entry, str] = {}
    for finding in findings:
        entry = Entry.of(finding)
        entries[entry] += 1
        messages.setdefault(entry, finding.message)
    if existing is not None:
        entries &= existing
    rows: list[dict[str, Any]] = [
        {**entry._asdict(), "count": count, "message": messages[entry]} for entry, count in sorted(entries.items())
    ]
    document = {"format": FORMAT, "version": VERSION, "findings": rows}
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def apply_baseline(findings: Iterable[Finding], path: Path, linted: Iterable[str] | None = None) -> Applied:
    """Apply the baseline in `path` to a lint's findings on the specs `linted`."""
    return apply(findings, read(path), linted)


def write_baseline(path: Path, findings: Iterable[Finding]) -> int:
    """Write the baseline of these findings to `path` (over one, only what still exists); return its size."""
    from archgen.files import write_files

    existing = read(path) if path.exists() else None
    data = text(findings, existing)
    write_files(path.parent if str(path.parent) else Path("."), {path.name: data})
    return sum(row["count"] for row in json.loads(data)["findings"])
