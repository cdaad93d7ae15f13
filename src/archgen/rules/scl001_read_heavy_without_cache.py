"""Why: in a read-heavy system the database serves most reads unless something answers
them first (checklist §2.1 read/write ratio, §2.4 caching).

Read paths are requests that read. A call to a store is a write unless it says
`mode: read` (the documented default), so the read paths are the `read` flows when the
design declares flows, else the `mode: read` calls reached synchronously from where
requests arrive (components nobody calls). A `read` flow that ends at a service reads what
that service reads: the rule follows the last hop's calls, all but those that say
`mode: write`. Scheduled jobs, workers and async pipelines are not read paths (a worker
taking work from its queue reads nothing for a user). A read counts as cached only when it
is served through a cache: the component that calls the database or search store also calls
a cache (cache-aside, even through an `optional` call), or the caller is itself a
(read-through) cache. A client's call to a CDN for static assets does not make the API's
reads cached.

How to fix: put a cache beside the database on the read path (cache-aside) or in front of
it (read-through), or lower `read_write_ratio` if reads are not that frequent.

Bad:

    capacity: {writes_per_day: 1M, read_write_ratio: 100, object_size: 1KB}
    components:
      users: {kind: client, calls: [cdn, app]}
      cdn: {kind: cdn, managed: true}
      app: {kind: service, replicas: 2, calls: [{db: {mode: read}}]}
      db: {kind: database, replicas: 2}

Good:

    capacity: {writes_per_day: 1M, read_write_ratio: 100, object_size: 1KB}
    components:
      users: {kind: client, calls: [cdn, app]}
      cdn: {kind: cdn, managed: true}
      app: {kind: service, replicas: 2, calls: [{cache: {optional: true}}, {db: {mode: read}}]}
      cache: {kind: cache, replicas: 2, eviction: lru}
      db: {kind: database, replicas: 2}
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from archgen.graph import DesignGraph, path_to
from archgen.model import STORE_KINDS
from archgen.rules.base import Context, Issue, rule

READ_HEAVY = 5
READ_STORES = ("database", "search")


@rule(
    code="SCL001",
    name="read-heavy-without-cache",
    severity="warning",
    summary="read/write ratio ≥ 5 and a read path reaches a database or search store without a cache serving it",
    section="2.1, 2.4",
    requires=("capacity",),
    precondition=lambda context: _missing(context),
)
def check(context: Context) -> Iterator[Issue]:
    """Report stores that read paths reach without a cache in a read-heavy design."""
    capacity = context.design.capacity
    if capacity is None or capacity.read_write_ratio < READ_HEAVY:
        return
    graph = context.graph
    reported: set[str] = set()
    for store, path in _uncached_reads(graph):
        if store not in reported:
            reported.add(store)
            yield Issue(
                f"reads reach {store} through {' → '.join(path)} without a cache serving them "
                f"(read/write ratio {capacity.read_write_ratio:g})",
                store,
            )


def _missing(context: Context) -> str | None:
    """Say what the rule lacks to run: a read/write ratio, and a read path to follow."""
    design = context.design
    if design.capacity is not None and "read_write_ratio" not in design.capacity.model_fields_set:
        return "the capacity section gives no `read_write_ratio`"
    if design.capacity is None or design.capacity.read_write_ratio < READ_HEAVY:
        return None  # not read-heavy: the rule runs and finds nothing, whatever the reads
    reads_flow = any(flow.mode == "read" for flow in design.flows.values())
    reads_call = any(call.mode == "read" for component in design.components.values() for call in component.calls)
    if not reads_flow and not reads_call:
        return "no read paths: no `read` flow and no call that says `mode: read` (calls to stores are writes)"
    return None


def _uncached_reads(graph: DesignGraph) -> Iterator[tuple[str, list[str]]]:
    """Yield each store a read path reaches uncached, with the path."""
    if graph.design.flows:
        yield from _uncached_flows(graph)
    else:
        yield from _uncached_requests(graph)


def _uncached_flows(graph: DesignGraph) -> Iterator[tuple[str, list[str]]]:
    for flow in graph.design.flows.values():
        if flow.mode != "read":
            continue
        for index in range(1, len(flow.path)):
            caller, store = flow.path[index - 1], flow.path[index]
            if graph.kind(store) in READ_STORES and not _served_by_cache(graph, caller):
                yield store, list(flow.path[: index + 1])
        last = flow.path[-1]
        if graph.kind(last) not in READ_STORES:
            # The flow reads what its last hop reads: follow its calls, all but the writes.
            yield from _walk(graph, {last: None}, list(flow.path[:-1]), explicit=False)


def _uncached_requests(graph: DesignGraph) -> Iterator[tuple[str, list[str]]]:
    """Walk the synchronous reads from where requests arrive (not jobs, workers or async pipelines)."""
    roots = [
        entry
        for entry in graph.entry_points
        if not graph.callers[entry]
        and graph.kind(entry) != "worker"
        and not getattr(graph.components[entry], "schedule", None)
    ]
    yield from _walk(graph, dict.fromkeys(roots), [], explicit=True)


def _walk(
    graph: DesignGraph, parents: dict[str, str | None], before: list[str], *, explicit: bool
) -> Iterator[tuple[str, list[str]]]:
    """Yield each store read uncached on the synchronous calls from `parents`, with its path (after `before`).

    With `explicit`, a call to a store reads only when it says `mode: read`; without, every
    call but one that says `mode: write` does (the walk continues a `read` flow).
    """
    queue = deque(parents)
    while queue:
        node = queue.popleft()
        for target in _read_targets(graph, node, explicit):
            if graph.kind(target) in READ_STORES and not _served_by_cache(graph, node):
                yield target, [*before, *path_to(parents, node), target]
            if target not in parents:
                parents[target] = node
                queue.append(target)


def _read_targets(graph: DesignGraph, node: str, explicit: bool) -> Iterator[str]:
    """Yield what `node` may read from: its synchronous calls to services, and its reads of stores."""
    for call in graph.components[node].calls:
        if call.is_async:
            continue
        for target in call.targets:
            if graph.kind(target) not in STORE_KINDS:
                yield target
            elif call.mode == "read" if explicit else not ("mode" in call.model_fields_set and call.mode == "write"):
                yield target


def _served_by_cache(graph: DesignGraph, caller: str) -> bool:
    """Tell whether reads made by `caller` are served through a cache: it is one, or it consults one."""
    if graph.kind(caller) == "cache":
        return True
    return any(graph.kind(target) == "cache" for call in graph.components[caller].calls for target in call.targets)
