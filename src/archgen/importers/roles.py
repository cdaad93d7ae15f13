"""One store, not two: a primary and its replicas deployed as two workloads become one store (DESIGN.md §9).

Workloads of one store kind and engine named `<base>-master`/`-primary`/`-leader` and
`<base>-replica`/`-replicas`/`-slave`/`-secondary`/`-follower`/`-read` (or with `_`) are one
store named `<base>` (the primary's name without its role, unless another component has it),
with the replicas' count as `read_replicas`. A replica whose image says nothing (a custom build,
`gb-redisslave`) beside a primary store of its name is that store's replica too. Calls to the
replicas become calls to the store; a caller that called only the replicas reads (`mode: read`).
"""

from __future__ import annotations

import re

from archgen.importers.evidence import Imported, ImportedCall, ImportedComponent

_PRIMARY = re.compile(r"^(?P<base>.+?)[-_](master|primary|leader)$")
_REPLICA = re.compile(r"^(?P<base>.+?)[-_](replicas?|slaves?|secondar(y|ies)|followers?|read)$")
STORE_KINDS = frozenset({"database", "cache", "search"})


def merge_replicas(imported: Imported) -> None:
    """Merge each primary/replica pair of workloads into one store with read replicas, in place."""
    components = imported.components
    primaries = {
        match.group("base"): component_id
        for component_id, component in components.items()
        if component.kind in STORE_KINDS and (match := _PRIMARY.match(component_id))
    }
    renamed: dict[str, str] = {}
    for replica_id, replica in list(components.items()):
        match = _REPLICA.match(replica_id)
        primary_id = primaries.get(match.group("base")) if match else None
        if primary_id is None or not _same_store(replica, components[primary_id]):
            continue
        base = match.group("base") if match else primary_id
        name = base if base not in components or base in (primary_id, replica_id) else primary_id
        primary = components.pop(primary_id)
        del components[replica_id]
        primary.id = name
        primary.read_replicas = replica.replicas
        components[name] = primary
        renamed[primary_id] = renamed[replica_id] = name
        imported.notes.append(
            f"{primary_id} and {replica_id} are one store, {name}, with {replica.replicas} read "
            f"replica{'s' if replica.replicas != 1 else ''} ({replica.evidence})"
        )
        _retarget(imported, renamed, {replica_id})


def _same_store(replica: ImportedComponent, primary: ImportedComponent) -> bool:
    """Tell whether a replica workload is the primary's store: same kind and engine, or an image that says nothing."""
    said_nothing = replica.kind == "service" and replica.engine is None
    return said_nothing or (replica.kind, replica.engine) == (primary.kind, primary.engine)


def _retarget(imported: Imported, renamed: dict[str, str], reads: set[str]) -> None:
    """Point calls at the merged stores; a caller that reached only the replicas reads."""
    merged: dict[tuple[str, str], ImportedCall] = {}
    for call in imported.calls:
        source = renamed.get(call.source, call.source)
        target = renamed.get(call.target, call.target)
        if source == target:
            continue  # a replica following its primary: replication, inside the store
        read = call.target in reads
        found = merged.get((source, target))
        if found is None:
            merged[(source, target)] = ImportedCall(
                source, target, list(call.evidence), "read" if read else None, call.asynchronous
            )
        else:
            found.evidence += call.evidence
            if not read:
                found.mode = None  # it writes too
    imported.by_pair = merged
