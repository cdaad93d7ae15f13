"""A small reduced ordered binary decision diagram (ROBDD), for exact probabilities.

Nodes are ints: 0 is false, 1 is true, every other node tests one variable (its level; 0 is
on top) and has a `low` child (variable false) and a `high` child (variable true). A unique
table keeps one node per (level, low, high), so equal functions are equal ints; a child is
always made before its parent, so node numbers grow from the leaves up, which the passes
below use instead of recursion (a chain of a few thousand variables must not hit Python's
recursion limit). No complemented edges: negation builds a mirror, which keeps every pass a
plain sum over nodes.

The probability passes compute, for independent variables each true with probability
`p[level]`, the probability that a function is false (its unavailability, kept small and
exact rather than as 1 − something near 1), and, per band of consecutive levels, how much
that probability would fall if every variable of the band were true.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

#: The most nodes a diagram may hold before archgen stops rather than run out of memory.
BUDGET = 1_000_000


class TooLarge(Exception):
    """The diagram outgrew its node budget: the exact figure is not affordable."""


class BDD:
    """Boolean functions over `variables` ordered variables, as shared diagram nodes."""

    def __init__(self, variables: int, budget: int | None = None) -> None:
        self.variables = variables
        self.budget = BUDGET if budget is None else budget
        # The terminals sit below every variable.
        self.level = [variables, variables]
        self.low = [0, 1]
        self.high = [0, 1]
        self._unique: dict[tuple[int, int, int], int] = {}
        self._and: dict[tuple[int, int], int] = {}
        self._or: dict[tuple[int, int], int] = {}
        self._not: dict[int, int] = {0: 1, 1: 0}

    def __len__(self) -> int:
        return len(self.level)

    def var(self, level: int) -> int:
        """Return the function that is true when the variable at `level` is."""
        return self._node(level, 0, 1)

    def _node(self, level: int, low: int, high: int) -> int:
        if low == high:
            return low
        key = (level, low, high)
        node = self._unique.get(key)
        if node is None:
            node = len(self.level)
            if node >= self.budget:
                raise TooLarge(f"more than {self.budget:,} decision nodes")
            self.level.append(level)
            self.low.append(low)
            self.high.append(high)
            self._unique[key] = node
        return node

    def conj(self, f: int, g: int) -> int:
        """Return f ∧ g."""
        return self._apply(self._and, 0, 1, f, g)

    def disj(self, f: int, g: int) -> int:
        """Return f ∨ g."""
        return self._apply(self._or, 1, 0, f, g)

    def all(self, functions: Iterable[int]) -> int:
        """Return the conjunction of `functions` (true when there are none)."""
        return self._fold(self.conj, functions, 1, 0)

    def any(self, functions: Iterable[int]) -> int:
        """Return the disjunction of `functions` (false when there are none)."""
        return self._fold(self.disj, functions, 0, 1)

    @staticmethod
    def _fold(combine: Callable[[int, int], int], functions: Iterable[int], identity: int, absorbing: int) -> int:
        """Combine `functions` from `identity`, stopping once the result is `absorbing` (nothing changes it)."""
        result = identity
        for function in functions:
            result = combine(result, function)
            if result == absorbing:
                break
        return result

    def _apply(self, memo: dict[tuple[int, int], int], absorbing: int, identity: int, f: int, g: int) -> int:
        """Combine two functions with ∧ (absorbing 0, identity 1) or ∨ (absorbing 1, identity 0).

        Depth first with an explicit stack: a frame (f, g, -1) asks for f ∘ g; once its two
        cofactors are on the result stack, the frame (f, g, level) makes their node.
        """
        level, low, high = self.level, self.low, self.high
        results: list[int] = []
        stack = [(f, g, -1)]
        while stack:
            f, g, top = stack.pop()
            if top < 0:
                if f == absorbing or g == absorbing:
                    results.append(absorbing)
                    continue
                if f == identity or f == g:
                    results.append(g)
                    continue
                if g == identity:
                    results.append(f)
                    continue
                if f > g:
                    f, g = g, f
                found = memo.get((f, g))
                if found is not None:
                    results.append(found)
                    continue
                level_f, level_g = level[f], level[g]
                top = level_f if level_f < level_g else level_g
                stack.append((f, g, top))
                stack.append((high[f] if level_f == top else f, high[g] if level_g == top else g, -1))
                stack.append((low[f] if level_f == top else f, low[g] if level_g == top else g, -1))
            else:
                on_true = results.pop()
                on_false = results.pop()
                node = self._node(top, on_false, on_true)
                memo[(f, g)] = node
                results.append(node)
        return results[0]

    def neg(self, f: int) -> int:
        """Return ¬f."""
        memo, low, high = self._not, self.low, self.high
        results: list[int] = []
        stack = [(f, False)]
        while stack:
            node, ready = stack.pop()
            if not ready:
                found = memo.get(node)
                if found is not None:
                    results.append(found)
                    continue
                stack += [(node, True), (high[node], False), (low[node], False)]
            else:
                on_true = results.pop()
                on_false = results.pop()
                memo[node] = self._node(self.level[node], on_false, on_true)
                results.append(memo[node])
        return results[0]

    def evaluate(self, f: int, values: Sequence[bool]) -> bool:
        """Return f's value under one assignment of every variable."""
        while f > 1:
            f = self.high[f] if values[self.level[f]] else self.low[f]
        return f == 1

    def reachable(self, roots: Iterable[int]) -> list[int]:
        """Return the inner nodes below `roots` (included), children before parents."""
        seen: set[int] = set()
        stack = [root for root in roots if root > 1]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            for child in (self.low[node], self.high[node]):
                if child > 1 and child not in seen:
                    stack.append(child)
        return sorted(seen)

    def false_probability(self, nodes: Sequence[int], p: Sequence[float]) -> dict[int, float]:
        """Return, for each of `nodes` (children first) and the terminals, the probability it is false."""
        q: dict[int, float] = {0: 1.0, 1: 0.0}
        level, low, high = self.level, self.low, self.high
        for node in nodes:
            up = p[level[node]]
            q[node] = up * q[high[node]] + (1.0 - up) * q[low[node]]
        return q

    def band_gains(self, root: int, p: Sequence[float], band: Sequence[int]) -> tuple[float, dict[int, float]]:
        """Return the probability that `root` is false, and by how much it falls per band made certain.

        `band[level]` numbers consecutive levels that belong together (one component's
        instances). Every path from the root crosses into a band at most once, so the fall is
        Σ over the nodes where paths enter the band of (mass entering there) × (the node's
        probability of false − the same with every variable of the band true).
        """
        nodes = self.reachable([root])
        q = self.false_probability(nodes, p)
        level, low, high = self.level, self.low, self.high
        if root <= 1:
            return q[root], {}
        # Mass reaching each node from the root, parents first.
        reach: dict[int, float] = dict.fromkeys(nodes, 0.0)
        entering: dict[int, float] = dict.fromkeys(nodes, 0.0)
        reach[root] = entering[root] = 1.0
        for node in reversed(nodes):
            mass = reach[node]
            up = p[level[node]]
            mine = band[level[node]]
            for child, weight in ((low[node], 1.0 - up), (high[node], up)):
                if child > 1:
                    reach[child] += mass * weight
                    if band[level[child]] != mine:
                        entering[child] += mass * weight
        # The probability of false from a node when its band's variables are all true.
        certain: dict[int, float] = {}
        for node in nodes:
            child = high[node]
            inside = child > 1 and band[level[child]] == band[level[node]]
            certain[node] = certain[child] if inside else q[child]
        gains: dict[int, float] = {}
        for node in nodes:
            if entering[node]:
                which = band[level[node]]
                gains[which] = gains.get(which, 0.0) + entering[node] * (q[node] - certain[node])
        return q[root], gains
