"""Links between children of a container that only the edges leaving it imply.

A group's children are placed from the edges among them. Edges to the outside say more:

* ``web:R -- L:pe1`` and ``web:B -- T:pe2``, with ``pe1`` and ``pe2`` alone in a group,
  put ``pe2`` below-left of ``pe1`` (both are placed relative to the same node ``web``);
* ``app1:R -- L:db`` and ``app2:R -- L:cache``, with ``app2`` below ``app1`` in their own
  group, put ``cache`` below ``db`` (the two tiers mirror each other).

These links come after the container's own and never join two children that already
have one, so they only decide what the diagram leaves open.
"""

from __future__ import annotations

import itertools

from archdsl.layout.grid import Cell, Link, pair_offset
from archdsl.layout.tree import Container, Tree
from archdsl.model import Diagram, Side

Contacts = dict[Container, dict[str, list[tuple[str, Cell]]]]
"""Per container, per outside node: the children that edges join to it, and where each
child wants to be relative to it."""


def contacts(diagram: Diagram, tree: Tree) -> Contacts:
    found: Contacts = {}
    for edge in diagram.edges:
        a, b = edge.lhs, edge.rhs
        if a.id not in tree.kinds or b.id not in tree.kinds:
            continue
        _record(found, tree, a.id, b.id, pair_offset(b.side, a.side))
        _record(found, tree, b.id, a.id, pair_offset(a.side, b.side))
    return found


def _record(found: Contacts, tree: Tree, inner: str, outer: str, offset: Cell) -> None:
    """For each container holding ``inner`` but not ``outer``: where its child holding
    ``inner`` wants to be relative to ``outer``."""
    outer_path = set(tree.path(outer))
    child: str = inner
    for container in tree.path(inner):
        if container in outer_path or container is None:
            return
        listed = found.setdefault(container, {}).setdefault(outer, [])
        if not listed or listed[-1][0] != child:
            listed.append((child, offset))
        child = container


def shared_node_links(
    touching: Contacts, own: dict[Container, list[Link]]
) -> dict[Container, list[Link]]:
    """Children placed relative to the same outside node, relative to each other."""
    links: dict[Container, list[Link]] = {}
    for container, by_node in touching.items():
        joined = _joined(own.get(container, []))
        for listed in by_node.values():
            for (one, one_at), (two, two_at) in itertools.pairwise(listed):
                want = (two_at[0] - one_at[0], two_at[1] - one_at[1])
                _add(links, container, joined, one, two, want)
    return links


def mirrored_links(
    touching: Contacts,
    existing: dict[Container, list[Link]],
    tree: Tree,
    cells: dict[Container, dict[str, Cell]],
) -> dict[Container, list[Link]]:
    """Children joined to two outside nodes that are siblings of each other: placed as
    those two are, shifted by where each child wants to be relative to its node."""
    links: dict[Container, list[Link]] = {}
    for container, by_node in touching.items():
        joined = _joined(existing.get(container, []))
        by_parent: dict[Container, list[tuple[Cell, str, Cell]]] = {}
        for node, listed in by_node.items():
            parent = tree.parent.get(node)
            node_cell = cells.get(parent, {}).get(node)
            if node_cell is None:
                continue
            for child, offset in listed:
                by_parent.setdefault(parent, []).append((node_cell, child, offset))
        for entries in by_parent.values():
            for (c1, one, o1), (c2, two, o2) in itertools.pairwise(entries):
                if c1 == c2:
                    continue
                want = (c2[0] - c1[0] + o2[0] - o1[0], c2[1] - c1[1] + o2[1] - o1[1])
                _add(links, container, joined, one, two, want)
    return links


def _joined(links: list[Link]) -> set[frozenset[str]]:
    return {frozenset((link.a, link.b)) for link in links}


def _add(
    links: dict[Container, list[Link]],
    container: Container,
    joined: set[frozenset[str]],
    one: str,
    two: str,
    want: Cell,
) -> None:
    want = (_sign(want[0]), _sign(want[1]))
    pair = frozenset((one, two))
    if one == two or want == (0, 0) or pair in joined:
        return
    joined.add(pair)
    sides: tuple[Side, Side] = ("R", "L") if want[0] else ("B", "T")
    links.setdefault(container, []).append(Link(one, two, *sides, want))


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)
