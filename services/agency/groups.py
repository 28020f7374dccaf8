"""Groups of related legal persons: the connected components of the declared relations.

An agency, its parent, its subsidiaries and anyone under the same control form one group,
transitively: two agencies that never declared each other are in one group when both are
subsidiaries of the same parent. Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable


class UnionFind:
    """Disjoint sets of credit codes (path halving, union by size)."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._size: dict[str, int] = {}

    def find(self, node: str) -> str:
        parent = self._parent.setdefault(node, node)
        self._size.setdefault(node, 1)
        while parent != node:
            grand = self._parent[parent]
            self._parent[node] = grand
            node, parent = parent, self._parent[grand]
        return node

    def nodes(self) -> list[str]:
        return list(self._parent)

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self._size[ra] < self._size[rb]:
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._size[ra] += self._size[rb]


def component(node: str, edges: Iterable[tuple[str, str]]) -> set[str]:
    """Every code connected to `node` by `edges` (undirected), `node` included."""
    sets = UnionFind()
    sets.find(node)
    for a, b in edges:
        sets.union(a, b)
    root = sets.find(node)
    return {n for n in sets.nodes() if sets.find(n) == root}
