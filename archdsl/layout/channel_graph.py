"""The channel network's graph, and the budgeted A* that routes over it.

Nodes are points with a direction of travel (see :data:`Node`), numbered in the order
they appear; each node's neighbours sit in a dict from number to :class:`Leg`, in the
order the legs were added (A* breaks ties in that order, so routes do not depend on
hashing). A* is the innermost loop of routing, run over hundreds of thousands of nodes
on large diagrams: integers and slotted records instead of tuples of floats and dicts
of attributes make it about 1.4 times as fast as it was over a networkx graph.

Two things keep A*'s work near the length of the route it finds. An :class:`Express`
leg spans each run of :data:`EXPRESS_SPAN` legs along a line, so a long straight run
costs a few steps instead of one per crossing. And every node has an owner (the
container whose table its line runs in): a search passes only the owners it is given
(see :meth:`ChannelGraph.search`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
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

    __slots__ = ("bend", "cost", "express", "length", "used")

    length: float
    bend: float
    used: int
    """Routes drawn along it so far."""
    cost: float
    """What A* pays to take it: its length (times crowding) or the bend's cost."""
    express: Express | None
    """The express leg that spans this one, if any."""

    def __init__(self, length: float, bend: float, used: int, cost: float) -> None:
        self.length = length
        self.bend = bend
        self.used = used
        self.cost = cost
        self.express = None

    def set_cost(self, length: float, cost: float) -> None:
        """Change the leg's length and cost (and its express leg's by as much)."""
        express = self.express
        if express is not None:
            express.length += length - self.length
            express.cost += cost - self.cost
        self.length = length
        self.cost = cost


class Express(Leg):
    """A leg straight along :data:`EXPRESS_SPAN` legs of one line, as long and as dear as
    they are together (kept so by :meth:`Leg.set_cost`), with no bend on the way.

    A* follows a straight run towards its target express leg by express leg, and takes
    the legs one by one only where it may turn; the route costs what it costs over the
    single legs. Its ``used`` stays 0 (drawn routes are recorded on the legs it spans),
    and :meth:`ChannelGraph.legs` leaves it out.
    """

    __slots__ = ("ends",)

    def __init__(self, ends: tuple[int, int], length: float, cost: float) -> None:
        super().__init__(length, 0.0, 0, cost)
        self.ends = ends
        """The numbers of the two nodes it joins."""


EXPRESS_SPAN = 8
"""Legs an express leg spans. On 4,000 generated services A* took 32 % fewer steps with
express legs over 8 than with none (2 % fewer still over 4, 16 % more over 16; a second
level, over 64, saved nothing: few runs are that long)."""


class ChannelGraph:
    """An undirected graph of :data:`Node` joined by :class:`Leg`; a leg added again
    between the same two nodes takes the new values (as networkx's ``add_edge`` does)."""

    def __init__(self) -> None:
        self._ids: dict[Node, int] = {}
        self._nodes: list[Node] = []
        self._xs: list[float] = []
        self._ys: list[float] = []
        self._owners: list[int] = []
        self._adjacent: list[dict[int, Leg]] = []

    @property
    def adjacency(self) -> list[dict[int, Leg]]:
        """Each node's legs, by node number (see :meth:`add_line`): for loops that look
        legs up by the million. Read only."""
        return self._adjacent

    def __contains__(self, node: Node) -> bool:
        return node in self._ids

    def _number(self, node: Node, owner: int) -> int:
        number = self._ids.get(node)
        if number is None:
            number = self._ids[node] = len(self._nodes)
            self._nodes.append(node)
            self._xs.append(node[0])
            self._ys.append(node[1])
            self._owners.append(owner)
            self._adjacent.append({})
        return number

    def owner(self, node: Node) -> int:
        """Who ``node`` belongs to: the ``owner`` it was first added with."""
        return self._owners[self._ids[node]]

    def add(self, u: Node, v: Node, leg: Leg, owner: int = 0) -> None:
        """Join ``u`` and ``v`` by ``leg``; nodes new to the graph belong to ``owner``."""
        self._join(self._number(u, owner), self._number(v, owner), leg)

    def add_line(self, axis: int, points: list[Point], bend: float, owner: int = 0) -> list[int]:
        """The legs between neighbouring ``points`` of one line of ``axis`` (in order),
        an :class:`Express` leg over each whole run of :data:`EXPRESS_SPAN` of them from
        the first point, then a bend of cost ``bend`` at each point: :meth:`add` for each,
        in that order (a bend already there is left as it is: every bend of a graph costs
        the same). New nodes belong to ``owner``. The numbers of the line's nodes, for
        :attr:`adjacency`."""
        ids, adjacent, number = self._ids, self._adjacent, self._number
        numbers = [number((x, y, axis), owner) for x, y in points]
        for k in range(1, len(numbers)):
            (px, py), (qx, qy) = points[k - 1], points[k]
            length = abs(qx - px) + abs(qy - py)
            self._join(numbers[k - 1], numbers[k], Leg(length, 0.0, 0, length))
        self._add_express(numbers)
        across = 1 - axis
        for own, (x, y) in zip(numbers, points, strict=True):
            crossing = ids.get((x, y, across))
            if crossing is None:
                crossing = number((x, y, across), owner)
            elif crossing in adjacent[own]:
                continue
            leg = Leg(0.0, bend, 0, bend)
            adjacent[own][crossing] = leg
            adjacent[crossing][own] = leg
        return numbers

    def _add_express(self, numbers: list[int]) -> None:
        adjacent = self._adjacent
        for first in range(0, len(numbers) - EXPRESS_SPAN, EXPRESS_SPAN):
            a, b = numbers[first], numbers[first + EXPRESS_SPAN]
            spanned = [
                adjacent[numbers[k]][numbers[k + 1]] for k in range(first, first + EXPRESS_SPAN)
            ]
            if b in adjacent[a] or any(leg.express is not None for leg in spanned):
                continue  # lines that overlap: the first one's express legs serve
            length = sum(leg.length for leg in spanned)
            express = Express((a, b), length, sum(leg.cost for leg in spanned))
            for leg in spanned:
                leg.express = express
            adjacent[a][b] = adjacent[b][a] = express

    def _join(self, a: int, b: int, leg: Leg) -> None:
        old = self._adjacent[a].get(b)
        if old is not None:
            old.bend, old.used = leg.bend, leg.used
            old.set_cost(leg.length, leg.cost)
            return
        self._adjacent[a][b] = leg
        self._adjacent[b][a] = leg

    def leg(self, u: Node, v: Node) -> Leg | None:
        a, b = self._ids.get(u), self._ids.get(v)
        if a is None or b is None:
            return None
        return self._adjacent[a].get(b)

    def remove(self, u: Node, v: Node) -> list[tuple[int, int, Leg]]:
        """Take out the leg between ``u`` and ``v``, and the express leg over it (a way
        past the leg); what was taken, for :meth:`restore`."""
        adjacent = self._adjacent
        a, b = self._ids[u], self._ids[v]
        leg = adjacent[a].pop(b)
        del adjacent[b][a]
        taken = [(a, b, leg)]
        express = leg.express
        if express is not None:
            x, y = express.ends
            if adjacent[x].get(y) is express:
                del adjacent[x][y], adjacent[y][x]
                taken.append((x, y, express))
        return taken

    def restore(self, taken: list[tuple[int, int, Leg]]) -> None:
        """Put back legs that :meth:`remove` took out."""
        for a, b, leg in taken:
            self._adjacent[a][b] = self._adjacent[b][a] = leg

    def discard_if_alone(self, node: Node) -> None:
        """Forget ``node`` if no leg is left on it (its number is not reused)."""
        number = self._ids.get(node)
        if number is not None and not self._adjacent[number]:
            del self._ids[node]

    def legs(self) -> list[tuple[Node, Node, Leg]]:
        """Every leg once (not the express legs, which only repeat others), for tests and
        debugging."""
        found = []
        for node, a in self._ids.items():
            for b, leg in self._adjacent[a].items():
                if a < b and not isinstance(leg, Express):
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

    def search(
        self, source: Node, target: Node, factor: float, passable: Sequence[bool] | None = None
    ) -> Search:
        """A search from ``source`` to ``target`` that :meth:`Search.run` advances, through
        the nodes whose owner is marked in ``passable`` (by owner). None lets it pass
        every node (a list as long as the highest owner, made by looking at every node:
        for tests and tools; the router always says)."""
        if passable is None:
            passable = [True] * (max(self._owners, default=0) + 1)
        return Search(self, self._ids[source], self._ids[target], factor, passable)

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

    def __init__(
        self,
        graph: ChannelGraph,
        start: int,
        goal: int,
        factor: float,
        passable: Sequence[bool],
    ) -> None:
        self.graph = graph
        self.goal = goal
        self.factor = factor
        self.passable = passable
        """By owner: may the search pass nodes of that owner?"""
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
        adjacent, xs, ys, owners = graph._adjacent, graph._xs, graph._ys, graph._owners
        goal, factor, tie, passable = self.goal, self.factor, self._tie, self.passable
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
                    if known.get(neighbour, unseen) <= new_cost or not passable[owners[neighbour]]:
                        continue
                    known[neighbour] = new_cost
                    estimate = factor * (abs(xs[neighbour] - goal_x) + abs(ys[neighbour] - goal_y))
                    heappush(queue, (new_cost + estimate, next(tie), neighbour, new_cost, node))
            return None
        finally:
            self.steps += steps
