"""The diagram as graphs: the one module that imports networkx.

:class:`DiagramGraph` is a read-only view of a :class:`~archdsl.model.Diagram`
built for the rules: which id names what, which group holds what, which edges
touch a node, what is connected to what. Ids resolve the way Mermaid registers
them (groups, then services, then junctions; the first registration of an id
wins), so a rule asking "is ``x`` a group?" gets Mermaid's answer.

Everything is built on first use and kept, and every walk is iterative: a
diagram with 50,000 services or 3,000 nested groups costs linear time and no
recursion. This module is imported lazily (``CheckContext.graph``). networkx
itself is imported only by the views that return networkx graphs (``containment``,
``nodes``, ``components``): the rules use the plain walks below, so ``validate``
does not pay networkx's start-up (a tenth of a second or more).
"""

from __future__ import annotations

import difflib
from collections import defaultdict, deque
from collections.abc import Hashable, Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Generic, Literal, NamedTuple, TypeVar

from archdsl.model import Diagram, Edge, Group, Junction, NodeElement, Service

if TYPE_CHECKING:
    import networkx as nx

Kind = Literal["group", "service", "junction"]
H = TypeVar("H", bound=Hashable)

_SUGGESTION_POOL_LIMIT = 20_000
"""Above this many candidate ids, "did you mean" is skipped (it is quadratic-ish)."""


class EdgeEnds(NamedTuple):
    """An edge's ends as plain values, quick to scan (the model keeps the spans)."""

    lhs: str
    rhs: str
    lhs_side: str
    rhs_side: str
    lhs_group: bool
    rhs_group: bool


class DiagramGraph:
    """Graphs and lookups over one diagram, built lazily and cached."""

    def __init__(self, diagram: Diagram) -> None:
        self.diagram = diagram
        self.elements: dict[str, NodeElement] = diagram.elements
        """Groups, services and junctions by id, as Mermaid registers them."""

    # -- what an id names ---------------------------------------------------------

    def kind(self, element_id: str) -> Kind | None:
        """``"group"``, ``"service"``, ``"junction"`` or ``None`` for an unknown id."""
        element = self.elements.get(element_id)
        return element.kind if element is not None else None

    def is_group(self, element_id: str) -> bool:
        return isinstance(self.elements.get(element_id), Group)

    def is_node(self, element_id: str) -> bool:
        """A service or junction: something an edge may end at."""
        return isinstance(self.elements.get(element_id), Service | Junction)

    @cached_property
    def node_ids(self) -> frozenset[str]:
        """Ids of services and junctions (what edges may end at)."""
        return frozenset(node.id for node in self.registered_nodes)

    @cached_property
    def group_ids(self) -> frozenset[str]:
        return frozenset(group.id for group in self.registered_groups)

    @cached_property
    def registered_nodes(self) -> tuple[Service | Junction, ...]:
        """Services then junctions, each id once: Mermaid's node map, in its order."""
        return tuple(node for node in self.diagram.nodes if self.elements.get(node.id) is node)

    @cached_property
    def registered_groups(self) -> tuple[Group, ...]:
        return tuple(g for g in self.diagram.groups if self.elements.get(g.id) is g)

    @cached_property
    def declarations(self) -> dict[str, list[NodeElement]]:
        """Every declaration of every id, in Mermaid's registration order."""
        found: dict[str, list[NodeElement]] = defaultdict(list)
        for kind in (self.diagram.groups, self.diagram.services, self.diagram.junctions):
            for element in kind:
                found[element.id].append(element)
        return dict(found)

    # -- containment --------------------------------------------------------------

    def parent_group(self, element_id: str) -> str | None:
        """The group an element is declared ``in``, if that id is a group (not itself)."""
        element = self.elements.get(element_id)
        if element is None or element.parent is None or element.parent == element_id:
            return None
        return element.parent if self.is_group(element.parent) else None

    @cached_property
    def containment(self) -> nx.DiGraph:
        """Group → member edges for every registered element whose parent is a group.

        A tree (a forest) for a valid diagram; a nesting cycle shows up as a cycle.
        """
        import networkx as nx

        tree = nx.DiGraph()
        tree.add_nodes_from(self.elements)
        tree.add_edges_from(
            (parent, member) for parent, members in self._children.items() for member in members
        )
        return tree

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        """Each group's direct members in registration order (the containment edges)."""
        found: dict[str, list[str]] = defaultdict(list)
        for element_id in self.elements:
            parent = self.parent_group(element_id)
            if parent is not None:
                found[parent].append(element_id)
        return dict(found)

    def children(self, group_id: str) -> list[str]:
        """Direct members of a group, in declaration order of registration."""
        return list(self._children.get(group_id, ()))

    def ancestors(self, element_id: str) -> list[str]:
        """Enclosing groups, innermost first; stops before repeating (nesting cycles)."""
        found: list[str] = []
        seen = {element_id}
        current = self.parent_group(element_id)
        while current is not None and current not in seen:
            found.append(current)
            seen.add(current)
            current = self.parent_group(current)
        return found

    def member_nodes(self, group_id: str) -> list[str]:
        """Services and junctions inside a group at any depth, breadth first."""
        if group_id not in self.elements:
            return []
        # Breadth first over the registration-ordered children, as networkx's bfs_tree
        # walked the containment graph; ``seen`` stops at a nesting cycle.
        found: list[str] = []
        seen = {group_id}
        queue = deque([group_id])
        while queue:
            for member in self._children.get(queue.popleft(), ()):
                if member not in seen:
                    seen.add(member)
                    queue.append(member)
                    if self.is_node(member):
                        found.append(member)
        return found

    @cached_property
    def group_cycles(self) -> list[list[str]]:
        """Nesting cycles among groups, each in ``in`` order (``a`` in ``b`` in … ``a``).

        Every group has one parent, so following parents from each group either ends
        or runs into a cycle; each cycle of more than one group is listed from its
        first-declared group. Linear: every group is walked once.
        """
        order = {g.id: index for index, g in enumerate(self.registered_groups)}
        walked: dict[str, int] = {}  # group -> the walk that first reached it
        components: list[list[str]] = []
        for walk, first in enumerate(order):
            current: str | None = first
            path: list[str] = []
            while current is not None and current not in walked:
                walked[current] = walk
                path.append(current)
                current = self.parent_group(current)
            if current is not None and walked[current] == walk:
                # This walk closed a loop: the cycle is the path from ``current`` on.
                components.append(path[path.index(current) :])
        cycles: list[list[str]] = []
        for component in components:
            if len(component) < 2:
                continue
            start = min(component, key=order.__getitem__)
            cycle = [start]
            current = self.parent_group(start)
            while current is not None and current != start:
                cycle.append(current)
                current = self.parent_group(current)
            cycles.append(cycle)
        cycles.sort(key=lambda cycle: order[cycle[0]])
        return cycles

    # -- edges --------------------------------------------------------------------

    @cached_property
    def ends(self) -> tuple[EdgeEnds, ...]:
        """Every edge's ends, by index into ``diagram.edges``.

        A declared id is given as the declaration's own string object: the parser
        makes a new string per occurrence, and the rules' dicts and sets compare a
        key by identity before comparing characters, so on a big diagram this
        halves the cost of every walk (fewer objects touched, far fewer cache misses).
        """
        canonical = {element_id: element_id for element_id in self.elements}
        same = canonical.get
        make = tuple.__new__  # EdgeEnds(...) without its Python-level ``__new__``
        found: list[EdgeEnds] = []
        for edge in self.diagram.edges:
            lhs, rhs = edge.lhs, edge.rhs
            lhs_id, rhs_id = lhs.id, rhs.id
            found.append(
                make(
                    EdgeEnds,
                    (
                        same(lhs_id, lhs_id),
                        same(rhs_id, rhs_id),
                        lhs.side,
                        rhs.side,
                        lhs.group,
                        rhs.group,
                    ),
                )
            )
        return tuple(found)

    @cached_property
    def edges_by_id(self) -> dict[str, list[int]]:
        """Indices (into ``diagram.edges``) of the edges naming each id at either end.

        Any id, known or not; a self edge is listed once.
        """
        found: dict[str, list[int]] = defaultdict(list)
        for index, ends in enumerate(self.ends):
            found[ends.lhs].append(index)
            if ends.rhs != ends.lhs:
                found[ends.rhs].append(index)
        return dict(found)

    def edges_of(self, element_id: str) -> list[Edge]:
        """Edges naming ``element_id`` at either end, in declaration order."""
        edges = self.diagram.edges
        return [edges[index] for index in self.edges_by_id.get(element_id, ())]

    def degree(self, element_id: str) -> int:
        return len(self.edges_by_id.get(element_id, ()))

    @cached_property
    def node_edges(self) -> tuple[Edge, ...]:
        """The edges whose both ends are services or junctions (the drawable ones)."""
        return tuple(
            edge
            for edge in self.diagram.edges
            if self.is_node(edge.lhs.id) and self.is_node(edge.rhs.id)
        )

    @cached_property
    def nodes(self) -> nx.MultiDiGraph:
        """Services and junctions, with one graph edge (data ``edge``) per drawable edge.

        Graph edges are keyed by the edge's index in ``diagram.edges``, so parallel
        edges and self edges are all kept.
        """
        import networkx as nx

        graph = nx.MultiDiGraph()
        graph.add_nodes_from(node.id for node in self.registered_nodes)
        graph.add_edges_from(
            (edge.lhs.id, edge.rhs.id, index, {"edge": edge})
            for index, edge in enumerate(self.diagram.edges)
            if self.is_node(edge.lhs.id) and self.is_node(edge.rhs.id)
        )
        return graph

    def components(self) -> list[set[str]]:
        """Connected parts of the node graph (edge direction ignored), largest first."""
        import networkx as nx

        parts = [set(part) for part in nx.weakly_connected_components(self.nodes)]
        parts.sort(key=len, reverse=True)
        return parts

    # -- lookups for messages -------------------------------------------------------

    def closest_id(self, wanted: str, kinds: Iterable[Kind]) -> str | None:
        """The declared id of one of ``kinds`` that looks most like ``wanted``."""
        allowed = set(kinds)
        pool = [i for i, element in self.elements.items() if element.kind in allowed]
        if not pool or len(pool) > _SUGGESTION_POOL_LIMIT:
            return None
        folded = {candidate.lower(): candidate for candidate in pool}
        if wanted.lower() in folded and folded[wanted.lower()] != wanted:
            return folded[wanted.lower()]
        matches = difflib.get_close_matches(wanted, pool, n=1, cutoff=0.75)
        return matches[0] if matches else None


def order_cycles(
    order: Iterable[tuple[H, H, int]], ties: Iterable[tuple[H, H, int]] = ()
) -> list[tuple[set[H], list[int]]]:
    """Contradictions in a system of strict orders ``a < b`` and equalities ``a = b``.

    ``order`` and ``ties`` are ``(a, b, label)`` triples. Items joined by ties form
    classes; the system is unsatisfiable exactly where the order relation between
    classes has a cycle (a strict edge inside one class is a cycle too). Returns,
    per contradictory part, all items of its classes and the labels of the strict
    edges inside it, sorted by their last label. Linear time: the classes are the
    connected components of the ties, classes that cannot lie on a cycle are
    peeled off, and only the rest goes through strongly connected components.
    Items are numbered first, so every walk runs over integer lists.
    """
    number: dict[H, int] = {}
    tie_pairs = [(_number(number, a), _number(number, b)) for a, b, _ in ties]
    strict = [(_number(number, a), _number(number, b), label) for a, b, label in order]
    count = len(number)
    class_of = _tie_classes(count, tie_pairs)
    arcs = [(class_of[a], class_of[b]) for a, b, _ in strict]
    alive = _cyclic_core(count, arcs)
    if not any(alive):
        return []
    part_of = _cyclic_parts(count, arcs, alive)
    parts: dict[int, tuple[set[H], list[int]]] = {}
    for (a, b), (_, _, label), living in zip(arcs, strict, alive, strict=True):
        if living and part_of[a] >= 0 and part_of[a] == part_of[b]:
            parts.setdefault(part_of[a], (set(), []))[1].append(label)
    for item, index in number.items():
        part = parts.get(part_of[class_of[index]])
        if part is not None:
            part[0].add(item)
    found = list(parts.values())
    for _, inside in found:
        inside.sort()
    found.sort(key=lambda part: part[1][-1])
    return found


def _number(number: dict[H, int], item: H) -> int:
    """``item``'s index in ``number``, giving it the next one if it has none."""
    return number.setdefault(item, len(number))


def _tie_classes(count: int, pairs: list[tuple[int, int]]) -> list[int]:
    """Each item's class (connected components of the tie pairs), iteratively."""
    neighbours: list[list[int]] = [[] for _ in range(count)]
    for a, b in pairs:
        neighbours[a].append(b)
        neighbours[b].append(a)
    class_of = [-1] * count
    for start in range(count):
        if class_of[start] >= 0:
            continue
        class_of[start] = start
        stack = [start]
        while stack:
            for following in neighbours[stack.pop()]:
                if class_of[following] < 0:
                    class_of[following] = start
                    stack.append(following)
    return class_of


def _cyclic_core(count: int, arcs: list[tuple[int, int]]) -> bytearray:
    """Which arcs are left after repeatedly dropping items with no way in or no way out."""
    outgoing: list[list[int]] = [[] for _ in range(count)]
    incoming: list[list[int]] = [[] for _ in range(count)]
    for arc, (a, b) in enumerate(arcs):
        outgoing[a].append(arc)
        incoming[b].append(arc)
    out_degree = [len(arcs_out) for arcs_out in outgoing]
    in_degree = [len(arcs_in) for arcs_in in incoming]
    alive = bytearray(b"\x01") * len(arcs)
    stuck = [item for item in range(count) if not out_degree[item] or not in_degree[item]]
    removed = bytearray(count)
    while stuck:
        item = stuck.pop()
        if removed[item]:
            continue
        removed[item] = 1
        # Its arcs out cost their heads an arc in, its arcs in cost their tails one out.
        for its_arcs, end, degree in ((outgoing, 1, in_degree), (incoming, 0, out_degree)):
            for arc in its_arcs[item]:
                if alive[arc]:
                    alive[arc] = 0
                    other = arcs[arc][end]
                    degree[other] -= 1
                    if not degree[other]:
                        stuck.append(other)
    return alive


def _cyclic_parts(count: int, arcs: list[tuple[int, int]], alive: bytearray) -> list[int]:
    """Each item's strongly connected part among the live arcs, ``-1`` if on no cycle.

    Tarjan's algorithm, iteratively; a part of one item counts only with a self arc.
    """
    successors: list[list[int]] = [[] for _ in range(count)]
    looped = bytearray(count)
    for (a, b), living in zip(arcs, alive, strict=True):
        if living:
            successors[a].append(b)
            if a == b:
                looped[a] = 1
    index = [-1] * count
    low = [0] * count
    on_stack = bytearray(count)
    stack: list[int] = []
    part_of = [-1] * count
    parts = 0
    visited = 0
    for root in range(count):
        if index[root] >= 0 or not successors[root]:
            continue
        index[root] = low[root] = visited
        visited += 1
        stack.append(root)
        on_stack[root] = 1
        work = [(root, iter(successors[root]))]
        while work:
            item, following = work[-1]
            for nxt in following:
                if index[nxt] < 0:
                    index[nxt] = low[nxt] = visited
                    visited += 1
                    stack.append(nxt)
                    on_stack[nxt] = 1
                    work.append((nxt, iter(successors[nxt])))
                    break
                if on_stack[nxt]:
                    low[item] = min(low[item], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[item])
                if low[item] == index[item]:
                    members: list[int] = []
                    while True:
                        member = stack.pop()
                        on_stack[member] = 0
                        members.append(member)
                        if member == item:
                            break
                    if len(members) > 1 or looped[item]:
                        for member in members:
                            part_of[member] = parts
                        parts += 1
    return part_of


class Links(Generic[H]):
    """Directed, labelled links with breadth-first shortest paths.

    Built once and queried many times (each query may leave one label out), so
    explaining a contradiction costs a walk over its own part, not a graph build.
    """

    def __init__(self, links: Iterable[tuple[H, H, int]]) -> None:
        self.out: dict[H, list[tuple[H, int]]] = defaultdict(list)
        for a, b, label in links:
            self.out[a].append((b, label))

    def path(self, source: H, target: H, without: int | None = None) -> list[int] | None:
        """Labels along a shortest path from ``source`` to ``target`` (``[]`` if equal)."""
        if source == target:
            return []
        came: dict[H, tuple[H, int]] = {}
        queue = deque([source])
        while queue:
            current = queue.popleft()
            for following, label in self.out.get(current, ()):
                if label == without or following == source or following in came:
                    continue
                came[following] = (current, label)
                if following == target:
                    return _labels_back(came, source, target)
                queue.append(following)
        return None


def _labels_back(came: dict[H, tuple[H, int]], source: H, target: H) -> list[int]:
    labels: list[int] = []
    current = target
    while current != source:
        current, label = came[current]
        labels.append(label)
    return labels[::-1]
