"""The organisation of one edition as a networkx graph.

Edges run from parent to child and are added in source order, so networkx's
insertion-ordered adjacency gives children in the order the texts list them.
Secondary links (supports, supervised on behalf of, …) live in a second graph
so that they never disturb the one line of authority.

networkx costs ~0.25 s to import: import this module only where graph queries
are needed (command line, workers), not on the GUI's start-up path.
"""
from __future__ import annotations

from typing import Iterator

import networkx as nx

from iomviewer.core.model import Edition


class OrgGraph:
    """Hierarchy queries over one edition."""

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self.tree = nx.DiGraph()
        self.links = nx.MultiDiGraph()
        for order, unit in enumerate(edition.units):
            self.tree.add_node(unit.id, order=order, kind=unit.kind)
            self.links.add_node(unit.id)
        # Adding edges in source order of the children keeps siblings ordered.
        for unit in edition.units:
            if unit.parent is not None:
                self.tree.add_edge(unit.parent, unit.id)
            for link in unit.links:
                self.links.add_edge(unit.id, link.target, type=link.type)
        self.root = edition.root.id

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self.tree

    def __len__(self) -> int:
        return self.tree.number_of_nodes()

    def parent(self, unit_id: str) -> str | None:
        preds = list(self.tree.predecessors(unit_id))
        return preds[0] if preds else None

    def children(self, unit_id: str) -> list[str]:
        return list(self.tree.successors(unit_id))

    def ancestors(self, unit_id: str) -> list[str]:
        """Ancestors from the root down to the parent (excluding the unit)."""
        return self.path_from_root(unit_id)[:-1]

    def path_from_root(self, unit_id: str) -> list[str]:
        return nx.shortest_path(self.tree, self.root, unit_id)

    def depth(self, unit_id: str) -> int:
        return len(self.path_from_root(unit_id)) - 1

    def descendants(self, unit_id: str) -> list[str]:
        """All descendants in depth-first source order (excluding the unit)."""
        return list(nx.dfs_preorder_nodes(self.tree, unit_id))[1:]

    def subtree(self, root: str | None = None, depth: int | None = None) -> list[str]:
        """The unit and its descendants down to `depth` levels, in source order."""
        start = root or self.root
        if start not in self.tree:
            raise KeyError(start)
        if depth is not None and depth <= 0:
            return [start]
        return list(nx.dfs_preorder_nodes(self.tree, start, depth_limit=depth))

    def leaves(self, unit_id: str | None = None) -> list[str]:
        nodes = self.subtree(unit_id)
        return [n for n in nodes if self.tree.out_degree(n) == 0]

    def secondary_links(self, unit_id: str | None = None) -> Iterator[tuple[str, str, str]]:
        """(source, target, type) of the secondary links, optionally from one unit."""
        edges = self.links.out_edges(unit_id, data="type") if unit_id else self.links.edges(data="type")
        yield from edges

    def incoming_links(self, unit_id: str) -> list[tuple[str, str, str]]:
        return list(self.links.in_edges(unit_id, data="type"))
