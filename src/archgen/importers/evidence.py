"""What an importer found, and where: the neutral form every deployment format is read into."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Evidence(NamedTuple):
    """Where something was read: the file, the line, and what says so (`depends_on`, `env DB_HOST=db`)."""

    file: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"from {self.file}:{self.line} {self.what}"


@dataclass
class ImportedComponent:
    """A component read from a deployment: its kind and engine, how many run, where, and why."""

    id: str
    kind: str
    evidence: Evidence
    engine: str | None = None
    replicas: int = 1
    zones: tuple[str, ...] = ()
    name: str | None = None
    schedule: str | None = None
    read_replicas: int = 0
    #: Run by a provider (a Terraform resource of a managed service).
    managed: bool = False


@dataclass
class ImportedCall:
    """A call read from a deployment, with every piece of evidence for it (the strongest first)."""

    source: str
    target: str
    evidence: list[Evidence] = field(default_factory=list)
    #: "read" when the caller reaches only a store's read replicas.
    mode: str | None = None
    #: A queue or topic handing work on (or being handed it): the caller does not wait.
    asynchronous: bool = False


@dataclass
class Imported:
    """A deployment read: its components and calls, the design-wide zones, and notes on what was left out."""

    name: str
    components: dict[str, ImportedComponent] = field(default_factory=dict)
    zones: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
    #: The calls by caller and callee, in the order they were first found.
    by_pair: dict[tuple[str, str], ImportedCall] = field(default_factory=dict)

    @property
    def calls(self) -> list[ImportedCall]:
        """Return every call, in the order first found."""
        return list(self.by_pair.values())

    def call(self, source: str, target: str, evidence: Evidence) -> None:
        """Record a call (once per pair), adding the evidence to one already found."""
        found = self.by_pair.get((source, target))
        if found is None:
            self.by_pair[(source, target)] = ImportedCall(source, target, [evidence])
        elif evidence.what not in {known.what for known in found.evidence}:
            found.evidence.append(evidence)

    def users_call(self, entries: list[tuple[str, Evidence]], what: str) -> None:
        """Add a `users` client (`clients` when a component has that name) first, calling each entry point."""
        client = "users" if "users" not in self.components else "clients"
        first = entries[0][1]
        users = ImportedComponent(client, "client", Evidence(first.file, first.line, what))
        self.components = {client: users, **self.components}
        for component_id, evidence in entries:
            self.call(client, component_id, evidence)
