"""The channel network's graph, and the budgeted A* that routes over it.

Nodes are points with a direction of travel (see :data:`Node`), numbered in the order
they appear; each node's neighbours sit in a dict from number to :class:`Leg`, in the
order the legs were added (A* breaks ties in that order, so routes do not depend on
hashing). A* is the innermost loop of routing, run over hundreds of thousands of nodes
on large diagrams: integers and slotted records instead of tuples of floats and dicts
of attributes make it about 1.4 times as fast as it was over a networkx graph.
"""

from __future__ import annotations

import itertools
import math
from heapq import heappop, heappush
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

Point = tuple[float, float]
Node = tuple[float, float, int]
"""A point and the direction of travel through it (0: horizontal, 1: vertical; 2 and 3:
an edge's own end and where it joins a channel)."""


class Leg:
    """A stretch of channel between two nodes, or a bend (``length`` 0) at one point."""

    __slots__ = ("bend", "cost", "length", "used")

    length: float
    bend: float
    used: int
    """Routes drawn along it so far."""
    cost: float
    """What A* pays to take it: its length (times crowding) or the bend's cost."""

    def __init__(self, length: float, bend: float, used: int, cost: float) -> None:
        self.length = length
        self.bend = bend
        self.used = used
        self.cost = cost


class ChannelGraph:
    """An undirected graph of :data:`Node` joined by :class:`Leg`; a leg added again
    between the same two nodes takes the new values (as networkx's ``add_edge`` does)."""

    def __init__(self) -> None:
        self._ids: dict[Node, int] = {}
        self._nodes: list[Node] = []
        self._xs: list[float] = []
        self._ys: list[float] = []
        self._adjacent: list[dict[int, Leg]] = []

    @property
    def adjacency(self) -> list[dict[int, Leg]]:
        """Each node's legs, by node number (see :meth:`add_line`): for loops that look
        legs up by the million. Read only."""
        return self._adjacent

    def __contains__(self, node: Node) -> bool:
        return node in self._ids

    def _number(self, node: Node) -> int:
        number = self._ids.get(node)
        if number is None:
            number = self._ids[node] = len(self._nodes)
            self._nodes.append(node)
            self._xs.append(node[0])
            self._ys.append(node[1])
            self._adjacent.append({})
        return number

    def add(self, u: Node, v: Node, leg: Leg) -> None:
        self._join(self._number(u), self._number(v), leg)

    def add_line(self, axis: int, points: list[Point], bend: float) -> list[int]:
        """The legs between neighbouring ``points`` of one line of ``axis`` (in order),
        then a bend of cost ``bend`` at each point: :meth:`add` for each, in that order
        (a bend already there is left as it is: every bend of a graph costs the same).
        The numbers of the line's nodes, for :attr:`adjacency`."""
        ids, adjacent, number = self._ids, self._adjacent, self._number
        numbers = [number((x, y, axis)) for x, y in points]
        for k in range(1, len(numbers)):
            (px, py), (qx, qy) = points[k - 1], points[k]
            length = abs(qx - px) + abs(qy - py)
            self._join(numbers[k - 1], numbers[k], Leg(length, 0.0, 0, length))
        across = 1 - axis
        for own, (x, y) in zip(numbers, points, strict=True):
            crossing = ids.get((x, y, across))
            if crossing is None:
                crossing = number((x, y, across))
            elif crossing in adjacent[own]:
                continue
            leg = Leg(0.0, bend, 0, bend)
            adjacent[own][crossing] = leg
            adjacent[crossing][own] = leg
        return numbers

    def _join(self, a: int, b: int, leg: Leg) -> None:
        old = self._adjacent[a].get(b)
        if old is not None:
            old.length, old.bend, old.used, old.cost = leg.length, leg.bend, leg.used, leg.cost
            return
        self._adjacent[a][b] = leg
        self._adjacent[b][a] = leg

    def leg(self, u: Node, v: Node) -> Leg | None:
        a, b = self._ids.get(u), self._ids.get(v)
        if a is None or b is None:
            return None
        return self._adjacent[a].get(b)

    def remove(self, u: Node, v: Node) -> None:
        a, b = self._ids[u], self._ids[v]
        del self._adjacent[a][b]
        del self._adjacent[b][a]

    def discard_if_alone(self, node: Node) -> None:
        """Forget ``node`` if no leg is left on it (its number is not reused)."""
        number = self._ids.get(node)
        if number is not None and not self._adjacent[number]:
            del self._ids[node]

    def legs(self) -> list[tuple[Node, Node, Leg]]:
        """Every leg once, for tests and debugging."""
        found = []
        for node, a in self._ids.items():
            for b, leg in self._adjacent[a].items():
                if a < b:
                    found.append((node, self._nodes[b], leg))
        return found

    def to_networkx(self) -> nx.Graph:
        """The same graph for networkx (each leg's fields as edge attributes)."""
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from(self._ids)
        for u, v, leg in self.legs():
            graph.add_edge(u, v, length=leg.length, bend=leg.bend, used=leg.used, cost=leg.cost)
        return graph

    def search(self, source: Node, target: Node, factor: float) -> Search:
        """A search from ``source`` to ``target`` that :meth:`Search.run` advances."""
        return Search(self, self._ids[source], self._ids[target], factor)

    def _walk_back(self, node: int, parents: dict[int, int]) -> list[Node]:
        path = []
        while node >= 0:
            path.append(node)
            node = parents[node]
        path.reverse()
        return [self._nodes[number] for number in path]


class Search:
    """Weighted A* (the estimate is ``factor`` times the distance) that expands each
    node once and can be run a few steps (nodes taken off the queue) at a time.

    Ties go first-in, first-out, as in networkx's ``astar_path``. Unlike it, a node is
    expanded once: with an estimate above the distance, a node is often reached again a
    little cheaper, and re-expanding it (and all it had reached) was more than half of
    all steps on large diagrams, for routes no better (the distance alone never
    overestimates, so without re-expansion a route still costs at most ``factor`` times
    the cheapest, the same bound as with it).

    The graph must not change while a search is under way.
    """

    def __init__(self, graph: ChannelGraph, start: int, goal: int, factor: float) -> None:
        self.graph = graph
        self.goal = goal
        self.factor = factor
        self.steps = 0
        self.found: list[Node] | None = None
        self._tie = itertools.count()
        self._queue: list[tuple[float, int, int, float, int]] = [
            (0.0, next(self._tie), start, 0.0, -1)
        ]
        # The cheapest cost each node was queued at; -inf once expanded, so that one look-up
        # turns away both expanded nodes and dearer ways to queued ones.
        self._known: dict[int, float] = {}
        self._parents: dict[int, int] = {}

    @property
    def exhausted(self) -> bool:
        """Nothing left to look at: there is no route."""
        return not self._queue and self.found is None

    def run(self, budget: int) -> list[Node] | None:
        """Up to ``budget`` more steps; the route once found (None until then)."""
        if self.found is not None:
            return self.found
        graph = self.graph
        adjacent, xs, ys = graph._adjacent, graph._xs, graph._ys
        goal, factor, tie = self.goal, self.factor, self._tie
        goal_x, goal_y = xs[goal], ys[goal]
        queue, known, parents = self._queue, self._known, self._parents
        expanded, unseen = -math.inf, math.inf
        steps = 0
        try:
            while queue and steps < budget:
                steps += 1
                _, _, node, cost, parent = heappop(queue)
                if node == goal:
                    parents[node] = parent
                    self.found = graph._walk_back(node, parents)
                    return self.found
                if node in parents:
                    continue  # queued again since, at a lower cost: expanded already
                parents[node] = parent
                known[node] = expanded
                for neighbour, leg in adjacent[node].items():
                    new_cost = cost + leg.cost
                    if known.get(neighbour, unseen) <= new_cost:
                        continue
                    known[neighbour] = new_cost
                    estimate = factor * (abs(xs[neighbour] - goal_x) + abs(ys[neighbour] - goal_y))
                    heappush(queue, (new_cost + estimate, next(tie), neighbour, new_cost, node))
            return None
        finally:
            self.steps += steps
