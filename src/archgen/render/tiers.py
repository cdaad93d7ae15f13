"""Ranks by tier for grouped designs: the groups of a flow side by side, not stacked.

Graphviz ranks each box by its calls alone, and a group (a cluster) takes the ranks its
boxes happen to get. Two groups whose rank ranges overlap cannot sit side by side, so Graphviz
stacks them across the flow and every call between them climbs diagonally across the
picture. Here a group that calls a group of a later tier of kinds (clients, the edge,
services, queues, workers, stores), directly or through boxes in no group, ends before that
group starts: Edge, then Services, then Workers, then Data. Within those bounds each box goes
as early as its calls allow. Groups of one tier, and groups no call orders, share ranks as
Graphviz would give them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

#: Where each kind of component sits in the flow of a request.
KIND_TIERS = {
    "client": 0,
    "dns": 1,
    "cdn": 1,
    "load_balancer": 1,
    "api_gateway": 1,
    "web": 2,
    "service": 2,
    "function": 2,
    "queue": 3,
    "worker": 4,
}
STORE_TIER = 5


def group_order(
    kinds: Mapping[str, str], clusters: Mapping[str, int | None], edges: Iterable[tuple[str, str]]
) -> list[tuple[int, int]]:
    """Return the pairs of groups (earlier, later) where the earlier calls the later, of a later tier of kinds."""
    tier = _kind_tiers(kinds, clusters)
    calls = _group_calls(clusters, edges)
    return sorted(
        (group, target) for group, targets in calls.items() for target in targets if tier[target] > tier[group]
    )


def tier_ranks(
    nodes: Mapping[str, int | None],
    edges: Iterable[tuple[str, str]],
    order: Iterable[tuple[int, int]],
    early: Iterable[str] = (),
) -> list[list[str]]:
    """Return the nodes rank by rank, each group after the groups `order` puts first; or none when Graphviz would.

    `nodes` maps every node drawn to its group (or None); `edges` are the lines drawn. Ranked
    as Graphviz ranks them (each box after what calls it, a box nothing calls just before
    what it calls, unless it is one of the `early` ones: the clients), groups that `order`
    puts one after the other may already be; then nothing is returned and Graphviz ranks the
    picture itself. Otherwise each box goes as early as its calls and its group allow. A line
    from a later group back to an earlier one, or one that closes a cycle, runs against the
    flow and does not push its head further on.
    """
    pairs = set(order)
    members: dict[int, list[str]] = defaultdict(list)
    for node, cluster in nodes.items():
        if cluster is not None:
            members[cluster].append(node)
    calls = _lines(nodes, edges, pairs)
    free = _longest(calls)
    _pull_sources(calls, free, set(nodes) - set(early))
    if all(max(free[node] for node in members[a]) < min(free[node] for node in members[b]) for a, b in pairs):
        return []
    # A gate between each pair: after every box of the earlier group, before every box of the later.
    gated = {node: list(heads) for node, heads in calls.items()}
    for earlier, later in sorted(pairs):
        gate = f"#gate{earlier}-{later}"
        gated[gate] = [(node, 1) for node in members[later]]
        for node in members[earlier]:
            gated[node].append((gate, 0))
    rank = _longest(gated)
    rows: dict[int, list[str]] = defaultdict(list)
    for node in nodes:
        rows[rank[node]].append(node)
    return [rows[index] for index in sorted(rows)]


def longest_ranks(nodes: Mapping[str, int | None], edges: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Return each node's rank as early as the lines into it allow, the lines that close cycles left out."""
    return _longest(_lines(nodes, edges, set()))


def _lines(
    nodes: Mapping[str, int | None], edges: Iterable[tuple[str, str]], pairs: set[tuple[int, int]]
) -> dict[str, list[tuple[str, int]]]:
    """Return the lines that push their heads on: none back from a later group to an earlier one."""
    following: dict[str, list[tuple[str, int]]] = {node: [] for node in nodes}
    for tail, head in edges:
        if tail in nodes and head in nodes and tail != head and (nodes[head], nodes[tail]) not in pairs:
            following[tail].append((head, 1))
    return following


def _longest(following: dict[str, list[tuple[str, int]]]) -> dict[str, int]:
    """Return each node's rank as early as the lines into it allow, dropping (from `following`) those closing cycles."""
    rank = dict.fromkeys(following, 0)
    for node in _topological(following):
        for head, length in following[node]:
            rank[head] = max(rank[head], rank[node] + length)
    return rank


def _pull_sources(following: dict[str, list[tuple[str, int]]], rank: dict[str, int], movable: set[str]) -> None:
    """Move each box nothing calls, with its replicas, as late as its calls allow (as Graphviz ranks it)."""
    preceding: dict[str, int] = defaultdict(int)
    for heads in following.values():
        for head, _ in heads:
            preceding[head] += 1
    for node in sorted(movable, key=lambda node: -rank[node]):
        if preceding[node]:
            continue
        moving = {node} | {head for head, _ in following[node] if preceding[head] == 1 and not following[head]}
        room = [
            rank[head] - length - rank[member]
            for member in moving
            for head, length in following[member]
            if head not in moving
        ]
        if room and min(room) > 0:
            for member in moving:
                rank[member] += min(room)


def _group_calls(clusters: Mapping[str, int | None], edges: Iterable[tuple[str, str]]) -> dict[int, set[int]]:
    """Return the groups each group calls, directly or through boxes in no group."""
    following: dict[str, set[str]] = defaultdict(set)
    for tail, head in edges:
        following[tail].add(head)
    calls: dict[int, set[int]] = {cluster: set() for cluster in clusters.values() if cluster is not None}
    for node, cluster in clusters.items():
        if cluster is None:
            continue
        seen, stack = {node}, [node]
        while stack:
            for head in following[stack.pop()] - seen:
                seen.add(head)
                target = clusters.get(head)
                if target is None:
                    stack.append(head)
                elif target != cluster:
                    calls[cluster].add(target)
    return calls


def _kind_tiers(kinds: Mapping[str, str], clusters: Mapping[str, int | None]) -> dict[int, int]:
    """Return each group's tier of kinds: the tier most of its boxes' kinds imply (the earlier one on a tie)."""
    counts: dict[int, Counter[int]] = defaultdict(Counter)
    for box_id, kind in kinds.items():
        cluster = clusters.get(box_id)
        if cluster is not None:
            counts[cluster][KIND_TIERS.get(kind, STORE_TIER)] += 1
    return {cluster: min(tally, key=lambda tier: (-tally[tier], tier)) for cluster, tally in counts.items()}


def _topological(following: dict[str, list[tuple[str, int]]]) -> list[str]:
    """Return the nodes so that each comes before all it leads to, dropping the edges that close cycles."""
    order: list[str] = []
    finished: dict[str, bool] = {}  # False while on the current path
    for root in following:
        if root in finished:
            continue
        finished[root] = False
        stack = [(root, iter([head for head, _ in following[root]]))]
        while stack:
            node, heads = stack[-1]
            head = next(heads, None)
            if head is None:
                stack.pop()
                finished[node] = True
                order.append(node)
            elif head not in finished:
                finished[head] = False
                stack.append((head, iter([target for target, _ in following[head]])))
            elif not finished[head]:  # closes a cycle
                following[node] = [(target, length) for target, length in following[node] if target != head]
    order.reverse()
    return order
