"""The nesting of groups, services and junctions, and lifting edges to a common level.

Every group, and the diagram itself (container ``None``), is laid out as a block of its
direct children. An edge between ``a`` and ``b`` constrains, at the level of their lowest
common container, the two children that hold them: :meth:`Tree.lift`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from archdsl.model import Diagram, Group, NodeElement

ElementKind = Literal["group", "service", "junction"]
Container = str | None


class Tree:
    """Read-only once made. A slotted class rather than a ``NamedTuple`` (see
    :mod:`archdsl.diagnostics`): placement and routing look ``parent`` and ``kinds`` up in
    their loops, and on Python 3.11 a slot reads faster than a named tuple's field."""

    __slots__ = ("children", "kinds", "parent")

    kinds: dict[str, ElementKind]
    parent: dict[str, str | None]
    children: dict[Container, tuple[str, ...]]
    """Each container's direct children, in declaration order."""

    def __init__(
        self,
        kinds: dict[str, ElementKind],
        parent: dict[str, str | None],
        children: dict[Container, tuple[str, ...]],
    ) -> None:
        self.kinds = kinds
        self.parent = parent
        self.children = children

    @classmethod
    def of(cls, diagram: Diagram) -> Tree:
        elements = diagram.elements
        kinds: dict[str, ElementKind] = {eid: e.kind for eid, e in elements.items()}
        parent = {eid: _valid_parent(eid, elements, kinds) for eid in elements}
        order = _declaration_order(diagram)
        children: dict[Container, list[str]] = {None: []}
        for gid in (eid for eid in order if kinds[eid] == "group"):
            children[gid] = []
        for eid in order:
            children[parent[eid]].append(eid)
        return cls(kinds, parent, {c: tuple(ids) for c, ids in children.items()})

    def is_group(self, element_id: str) -> bool:
        return self.kinds.get(element_id) == "group"

    def path(self, element_id: str) -> list[Container]:
        """The containers from ``element_id``'s parent up to the diagram (``None``)."""
        chain: list[Container] = []
        current = self.parent[element_id]
        while current is not None:
            chain.append(current)
            current = self.parent[current]
        chain.append(None)
        return chain

    def lift(self, a: str, b: str) -> tuple[Container, str, str] | None:
        """The lowest container holding both, and its children that hold ``a`` and ``b``.

        ``None`` when one holds the other (or ``a == b``): no constraint at any level.
        """
        a_holders: list[str] = [a]  # a, then the groups holding it, innermost first
        b_holders: list[str] = [b]
        b_above = {b: 0}
        for depth, container in enumerate(self.path(b), start=1):
            if container is not None:
                b_above[container] = depth
                b_holders.append(container)
        for container in self.path(a):
            if container is None or container in b_above:
                if container is not None and b_above[container] == 0:
                    return None  # b holds a
                item_b = b_holders[b_above[container] - 1] if container else b_holders[-1]
                item_a = a_holders[-1]
                return (container, item_a, item_b) if item_a != item_b else None
            a_holders.append(container)
        return None


def _declaration_order(diagram: Diagram) -> list[str]:
    elements = diagram.elements
    seen: set[str] = set()
    order: list[str] = []
    for statement in diagram.statements:
        if isinstance(statement, Group) or statement.kind in ("service", "junction"):
            element_id = getattr(statement, "id", None)
            if element_id is None or element_id in seen or elements.get(element_id) is None:
                continue
            if elements[element_id] is not statement:
                continue
            seen.add(element_id)
            order.append(element_id)
    return order


def _valid_parent(
    element_id: str, elements: Mapping[str, NodeElement], kinds: dict[str, ElementKind]
) -> str | None:
    """The element's parent group, or ``None`` for a missing, non-group or cyclic parent."""
    parent = elements[element_id].parent
    if parent is None or kinds.get(parent) != "group":
        return None
    seen = {element_id}
    current: str | None = parent
    while current is not None:
        if current in seen:
            return None
        seen.add(current)
        nxt = elements[current].parent
        current = nxt if nxt is not None and kinds.get(nxt) == "group" else None
    return parent
