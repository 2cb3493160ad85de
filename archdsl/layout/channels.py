"""Routing along the free channels of the nested tables, for edges that go far.

Every container is a table whose children compaction keeps at least a gap apart (see
:mod:`~archdsl.layout.compact`). So round every child, half a gap out, run free lines:
two vertical ones beside it and two horizontal ones above and below, each continued
along its axis for as long as it stays clear of every other child (so a line at a child's
side also crosses the gaps next to it, up to the next child in its way). With a ring round
each container (half-way into a group's padding; round the whole picture, half-way into
the margin) they form a network of legs that cross no box. A group's lines continue out
through its frame to the lines round it in the table it sits in. An edge end reaches the
network by going straight out of its side to the line beside it. A* (weighted, expanding
each node once, with a budget of steps per route and per layout, tried from both ends) then
finds the route with the fewest bends and the least sharing with edges already drawn (each
route is recorded on the legs it uses, and makes them dearer by :func:`crowding`). A route
keeps to the channels of the tables its two ends sit in and of the groups round them: it
goes round other groups, not through them (see :meth:`ChannelNetwork._passable`).
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from archdsl.layout.channel_graph import ChannelGraph, Leg, Node, Search
from archdsl.layout.model import Box, Point
from archdsl.layout.place import Table
from archdsl.layout.tree import Container, Tree

if TYPE_CHECKING:
    import networkx as nx

Vector = tuple[int, int]
__all__ = ["ChannelNetwork", "Node", "crowding"]

ROUTE_STEPS = 200_000
"""A* steps (nodes taken off the queue) each of a channel route's two searches may take
before the route gives up."""
FIRST_TRY_STEPS = 2_000
"""A* steps of a channel route's first try (then as many from each end in turn)."""
LAYOUT_STEPS = 2_000_000
"""A* steps for all channel routes of one layout (about ten seconds): past this, the
remaining edges take the router's cheaper fallbacks. Only diagrams with hundreds of
nested groups and edges between them get near it; the work stays bounded."""


class _Line:
    __slots__ = ("at", "axis", "high", "low", "nodes", "owner", "stops")

    axis: int
    """0: horizontal (``at`` is y), 1: vertical (``at`` is x)."""
    at: float
    low: float
    high: float
    stops: list[float]

    def __init__(
        self, axis: int, at: float, low: float, high: float, stops: list[float] | None = None
    ) -> None:
        self.axis = axis
        self.at = at
        self.low = low
        self.high = high
        self.stops = [] if stops is None else stops
        """Where the line meets others, in order (each once, once the network is built)."""
        self.nodes: list[int] = []
        """The graph's numbers of the nodes at :attr:`stops`, once the network is built."""
        self.owner = 0
        """The number of the container whose table the line runs in (see
        :attr:`ChannelNetwork.containers`); a line out through a group's frame is the
        group's."""

    def point(self, along: float) -> Point:
        return (along, self.at) if self.axis == 0 else (self.at, along)


class _Grid(NamedTuple):
    """One table's lines: its ring and the free lines round its children."""

    table: Table
    left: _Line
    right: _Line
    top: _Line
    bottom: _Line
    lines: tuple[_Line, ...]
    """Every line, the ring's included."""
    at: dict[tuple[int, float], list[_Line]]
    """The lines by axis and position (rounded)."""

    def line_at(self, axis: int, at: float, along: float) -> _Line | None:
        """The line of ``axis`` at ``at`` that reaches ``along``, if there is one."""
        for line in self.at.get((axis, round(at, 2)), ()):
            if line.low - 1e-6 <= along <= line.high + 1e-6:
                return line
        return None

    def beside(self, item: str, outward: Vector) -> tuple[int, float] | None:
        """The axis and position of the line just out of ``item``'s side towards
        ``outward`` (the ring where the child comes closer to it than that)."""
        box = self.table.boxes.get(item)
        if box is None:
            return None
        clear_x, clear_y = self.table.clear
        if outward[0]:
            x = box.right + clear_x if outward[0] > 0 else box.x - clear_x
            return 1, min(max(x, self.left.at), self.right.at)
        y = box.bottom + clear_y if outward[1] > 0 else box.y - clear_y
        return 0, min(max(y, self.top.at), self.bottom.at)


class ChannelNetwork:
    """The channel lines of a whole layout, as a :class:`ChannelGraph` (built once)."""

    def __init__(
        self,
        tree: Tree,
        tables: dict[Container, Table],
        ring: float,
        bend_cost: float,
        headers: Sequence[Box] = (),
    ) -> None:
        self.tree = tree
        self.bend_cost = bend_cost
        self.grids = {c: _grid(t, ring, c is None) for c, t in tables.items()}
        self.containers = {container: number for number, container in enumerate(self.grids)}
        """Each container's number: the owner of its lines' nodes in :attr:`legs`."""
        for container, grid in self.grids.items():
            for line in grid.lines:
                line.owner = self.containers[container]
        self.lines: list[_Line] = [line for g in self.grids.values() for line in g.lines]
        for container, grid in self.grids.items():
            if container is not None:
                self._join_to_parent(container, grid)
        self.legs = ChannelGraph()
        self.steps_left = LAYOUT_STEPS
        self._by_position: dict[tuple[int, float], list[_Line]] = {}
        for line in self.lines:
            self._add_line(line)
        self._make_dear(headers)

    # -- building ----------------------------------------------------------------------------

    def _join_to_parent(self, group: str, grid: _Grid) -> None:
        """Continue the lines that end on a group's ring out through its frame to the
        lines round the group in its parent's table."""
        outer = self.grids.get(self.tree.parent[group])
        if outer is None or group not in outer.table.boxes:
            return
        for outward, ring in (
            ((0, -1), grid.top),
            ((0, 1), grid.bottom),
            ((-1, 0), grid.left),
            ((1, 0), grid.right),
        ):
            beside = outer.beside(group, outward)
            assert beside is not None  # the group is a child of ``outer``
            axis, at = beside
            for line in _ending_on(grid.lines, axis, ring.at):
                meets = outer.line_at(axis, at, line.at)
                if meets is not None:
                    self._extension(1 - axis, line.at, meets.at, ring.at, meets, ring.owner)

    def _extension(
        self, axis: int, at: float, start: float, end: float, meets: _Line, owner: int
    ) -> None:
        """A leg from a group's ring (its lines belong to ``owner``) out to ``meets``, a
        line of the table around it."""
        low, high = min(start, end), max(start, end)
        line = _Line(axis, at, low, high, [low, high])
        line.owner = owner
        self.lines.append(line)
        insort(meets.stops, at)

    def _add_line(self, line: _Line) -> None:
        line.stops = sorted(set(line.stops))
        points = [line.point(s) for s in line.stops]
        line.nodes = self.legs.add_line(line.axis, points, self.bend_cost, line.owner)
        self._by_position.setdefault((line.axis, round(line.at, 2)), []).append(line)

    def _make_dear(self, headers: Sequence[Box]) -> None:
        """Legs through a group's icon or title cost :data:`HEADER_COST` times their
        length (crowding multiplies that): a group's ring runs half-way into its top
        padding, where they are, and routes should pass there only when they must (into
        the group's top-left service from above)."""
        positions = tuple(sorted(at for axis, at in self._by_position if axis == a) for a in (0, 1))
        dear: set[int] = set()
        for box in headers:
            for axis, across, along in (
                (0, (box.y, box.bottom), (box.x, box.right)),
                (1, (box.x, box.right), (box.y, box.bottom)),
            ):
                for leg in self._legs_inside(axis, positions[axis], across, along):
                    if id(leg) not in dear:
                        dear.add(id(leg))
                        length = leg.length * HEADER_COST
                        leg.set_cost(length, length * crowding(leg.used))

    def _legs_inside(
        self,
        axis: int,
        positions: list[float],
        across: tuple[float, float],
        along: tuple[float, float],
    ) -> Iterator[Leg]:
        """The legs of the lines of ``axis`` strictly between ``across`` (``positions``:
        where lines of that axis run, sorted) that overlap ``along``."""
        legs_from = self.legs.adjacency
        start, end = along
        for at in positions[bisect_right(positions, across[0]) : bisect_left(positions, across[1])]:
            for line in self._by_position[axis, at]:
                stops, nodes = line.stops, line.nodes
                for k in range(max(bisect_right(stops, start) - 1, 0), len(stops) - 1):
                    if stops[k] >= end:
                        break
                    leg = legs_from[nodes[k]].get(nodes[k + 1])
                    if leg is not None and stops[k + 1] > start:
                        yield leg

    @property
    def graph(self) -> nx.Graph:
        """The network as it stands, for networkx (tests and debugging; built anew)."""
        return self.legs.to_networkx()

    # -- routing -------------------------------------------------------------------------------

    def entry(self, container: Container, item: str, tip: Point, outward: Vector) -> Point | None:
        """Where a stub leaving ``item`` (a child of ``container``) meets the network."""
        grid = self.grids.get(container)
        beside = grid.beside(item, outward) if grid is not None else None
        if grid is None or beside is None:
            return None
        axis, at = beside
        line = grid.line_at(axis, at, tip[axis])
        if line is None:
            return None
        return (line.at, tip[1]) if axis == 1 else (tip[0], line.at)

    def route(
        self,
        start: tuple[Container, str, Point, Vector],
        end: tuple[Container, str, Point, Vector],
    ) -> list[Point] | None:
        a_entry = self.entry(*start)
        b_entry = self.entry(*end)
        if a_entry is None or b_entry is None:
            return None
        added: list[tuple[Node, Node]] = []
        removed = self._close_stub(start[1], a_entry, start[3])
        removed += self._close_stub(end[1], b_entry, end[3])
        a_node = self._attach(a_entry, start[0], 0 if start[3][1] == 0 else 1, added)
        b_node = self._attach(b_entry, end[0], 0 if end[3][1] == 0 else 1, added)
        try:
            if a_node is None or b_node is None or self.steps_left <= 0:
                return None
            path = self._race(a_node, b_node, self._passable(start[0], end[0]))
        finally:
            self._detach(added)
            self.legs.restore(removed)
        if path is None:
            return None
        return [start[2], *((x, y) for x, y, _ in path), end[2]]

    def _passable(self, *ends: Container) -> list[bool]:
        """Which containers' channels a route between children of ``ends`` may use: those
        of the two containers and of the groups round them (the whole diagram's too), not
        those inside other groups. A route through an unrelated group runs between its
        children, over its frame twice; and a greedy search that wanders into one floods
        its inside before it turns back (on 4,000 generated services two fifths of all
        A* steps were in groups that held neither end)."""
        passable = [False] * len(self.containers)
        for container in ends:
            for around in [container, *self.tree.path(container)] if container else [None]:
                passable[self.containers[around]] = True
        return passable

    def _race(self, source: Node, target: Node, passable: list[bool]) -> list[Node] | None:
        """A* from ``source``; if that takes long, from either end in turn, a few steps
        at a time, until one of them gets through.

        A greedy search that heads into a pocket (an end deep in nested groups whose way
        out faces away from the other end) floods the pocket's whole surroundings before
        it turns back, while the search from the other end walks straight in. Most routes
        are found within the first try; the others cost at most about twice the cheaper
        of the two searches (each search goes on where it stopped).
        """
        forward = self.legs.search(source, target, _HEURISTIC_FACTOR, passable)
        path = self._advance(forward, FIRST_TRY_STEPS)
        if path is not None:
            return path
        backward = self.legs.search(target, source, _HEURISTIC_FACTOR, passable)
        searches = ((backward, True), (forward, False))
        while self.steps_left > 0:
            going = [(s, back) for s, back in searches if not s.exhausted and s.steps < ROUTE_STEPS]
            if not going:
                return None
            for search, back in going:
                path = self._advance(search, min(FIRST_TRY_STEPS, ROUTE_STEPS - search.steps))
                if path is not None:
                    return path[::-1] if back else path
        return None

    def _advance(self, search: Search, steps: int) -> list[Node] | None:
        """Run ``search`` up to ``steps`` more steps (no more than the layout has left),
        charged to :attr:`steps_left`; the route once found."""
        before = search.steps
        path = search.run(min(steps, self.steps_left))
        self.steps_left -= search.steps - before
        return path

    def _close_stub(self, item: str, entry: Point, outward: Vector) -> list[tuple[int, int, Leg]]:
        """Take out, for one route, the legs on the line of a group end's own stub.

        A group's own channels continue its stub's line through the frame; a route along
        them would come back over the stub and enter the frame from inside.
        """
        grid = self.grids.get(item)
        if grid is None:
            return []
        axis = 0 if outward[1] == 0 else 1
        along = entry[0] if axis == 0 else entry[1]
        rings = (grid.left.at, grid.right.at) if axis == 0 else (grid.top.at, grid.bottom.at)
        far = rings[-1] if (outward[0] or outward[1]) < 0 else rings[0]
        low, high = min(along, far), max(along, far)
        at = entry[1] if axis == 0 else entry[0]
        removed: list[tuple[int, int, Leg]] = []
        for line in self._by_position.get((axis, round(at, 2)), ()):
            for a, b in itertools.pairwise(line.stops):
                if not (low - 1e-6 <= a and b <= high + 1e-6):
                    continue
                u, v = (*line.point(a), axis), (*line.point(b), axis)
                if self.legs.leg(u, v) is not None:
                    removed += self.legs.remove(u, v)
        return removed

    def record(self, points: list[Point]) -> None:
        """Note a drawn route: later routes pay more for the channel legs it uses."""
        # This runs for every leg of every edge, over every stop the leg passes.
        legs_from = self.legs.adjacency
        for p, q in itertools.pairwise(points):
            axis = 0 if p[1] == q[1] else 1
            at, low, high = (p[1], p[0], q[0]) if axis == 0 else (p[0], p[1], q[1])
            low, high = min(low, high), max(low, high)
            for line in self._by_position.get((axis, round(at, 2)), ()):
                stops, nodes = line.stops, line.nodes
                first, last = bisect_left(stops, low), bisect_right(stops, high)
                for k in range(first, last - 1):
                    leg = legs_from[nodes[k]].get(nodes[k + 1])
                    if leg is not None:
                        leg.used += 1
                        leg.set_cost(leg.length, leg.length * crowding(leg.used))

    def _attach(
        self, point: Point, container: Container, arriving: int, added: list[tuple[Node, Node]]
    ) -> Node | None:
        """Join ``point`` to the line of ``container``'s grid it lies on (new edges go to
        ``added``); the node to start from (or end at) travels along ``arriving``."""
        grid = self.grids[container]
        line = grid.line_at(0, point[1], point[0]) or grid.line_at(1, point[0], point[1])
        if line is None:
            return None
        along = point[0] if line.axis == 0 else point[1]
        # The end joins the channel through private nodes, so that it cannot turn back
        # over its own stub where the channel crosses another line.
        own: Node = (*point, 3)
        i = bisect_left(line.stops, along)
        after = i + 1 if i < len(line.stops) and line.stops[i] == along else i
        for k in (i - 1, after):
            if 0 <= k < len(line.stops):
                stop = (*line.point(line.stops[k]), line.axis)
                self._add_temporary(own, stop, 0.0, line.owner, added)
        start: Node = (*point, 2)
        bend = self.bend_cost if arriving != line.axis else 0.0
        self._add_temporary(start, own, bend, line.owner, added)
        return start

    def _add_temporary(
        self, u: Node, v: Node, bend: float, owner: int, added: list[tuple[Node, Node]]
    ) -> None:
        if self.legs.leg(u, v) is None:
            length = abs(u[0] - v[0]) + abs(u[1] - v[1])
            self.legs.add(u, v, Leg(length, bend, 0, bend or length), owner)
            added.append((u, v))

    def _detach(self, added: list[tuple[Node, Node]]) -> None:
        for u, v in added:
            self.legs.remove(u, v)
        for u, v in added:
            self.legs.discard_if_alone(u)
            self.legs.discard_if_alone(v)


HEADER_COST = 10.0
"""How many times its length a channel leg costs where it passes through a group's icon or
title (see :meth:`ChannelNetwork._make_dear`)."""

_HEURISTIC_FACTOR = 4
"""A*'s estimate is this many times the straight (x plus y) distance to the target: a
greedier search, which is plenty for channels."""


CROWDING_LIMIT = 2.5
"""What a leg costs per unit of length, at most, however many routes run on it."""


def crowding(used: int) -> float:
    """What a leg costs per unit of length when ``used`` routes already run on it.

    Grows with every route (1, 1.75, 2.12, 2.31, ...) so that routes spread out, but stays
    below :data:`CROWDING_LIMIT`, well under :data:`_HEURISTIC_FACTOR`: a step along even
    the busiest leg towards the target lowers A*'s estimate by at least 1.5 per unit of
    length, so the greedy search keeps going instead of flooding the network to look for a
    quieter way (which made dense layouts quadratic). Where the search must turn back,
    it goes back over as much of its way as its estimate rose: with the limit at 3.9 (a
    step lowering the estimate by 0.1) that was most of a crowded corridor. 4,000
    generated services took 1.8 times the A* steps they take now, and their routes
    crossed 3 % more often, for 2 % less length shared with other routes.
    """
    return 1 + (CROWDING_LIMIT - 1) * (1 - 0.5**used)


def _grid(table: Table, ring: float, outermost: bool) -> _Grid:
    """The channel lines of one table: a ring, and the free lines round its children."""
    frame = table.frame
    if outermost:
        left, right = frame.x - ring, frame.right + ring
        top, bottom = frame.y - ring, frame.bottom + ring
    else:
        content_top = min((box.y for box in table.boxes.values()), default=frame.y + ring * 2)
        left, right = frame.x + ring, frame.right - ring
        top, bottom = (frame.y + content_top) / 2, frame.bottom - ring
    sides = (_Line(1, left, top, bottom), _Line(1, right, top, bottom))
    ends = (_Line(0, top, left, right), _Line(0, bottom, left, right))
    free = _free_lines(table, (left, right), (top, bottom))
    lines = (*sides, *ends, *free)
    by_position: dict[tuple[int, float], list[_Line]] = {}
    for line in lines:
        by_position.setdefault((line.axis, round(line.at, 2)), []).append(line)
    grid = _Grid(table, *sides, *ends, lines, by_position)
    _cross(grid)
    return grid


def _free_lines(table: Table, xs: tuple[float, float], ys: tuple[float, float]) -> list[_Line]:
    """The lines half a gap round each child, inside the ring (``xs``, ``ys``), each as
    long as it stays clear of every child, merged where they meet along one line."""
    clear_x, clear_y = table.clear
    clear = min(clear_x, clear_y) - 1e-6
    index = _Bands(table.boxes.values(), clear)
    found: dict[tuple[int, float], list[tuple[float, float]]] = {}
    exact: dict[tuple[int, float], float] = {}
    for box in table.boxes.values():
        across = (box.x - clear_x, box.right + clear_x)
        down = (box.y - clear_y, box.bottom + clear_y)
        for axis, at, seed, bounds, span in (
            (0, down[0], across, xs, ys),
            (0, down[1], across, xs, ys),
            (1, across[0], down, ys, xs),
            (1, across[1], down, ys, xs),
        ):
            if not span[0] + 1e-6 < at < span[1] - 1e-6:
                continue  # on or beyond the ring, which runs there anyway
            for low, high in index.free(axis, at, bounds):
                if low < seed[1] and seed[0] < high:
                    key = (axis, round(at, 2))
                    exact.setdefault(key, at)  # lines that coincide meet at one point
                    found.setdefault(key, []).append((low, high))
    lines: list[_Line] = []
    for key, spans in sorted(found.items()):
        lines.extend(_Line(key[0], exact[key], low, high) for low, high in _merged(spans))
    return lines


def _merged(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for low, high in sorted(spans):
        if merged and low <= merged[-1][1] + 1e-6:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


class _Bands:
    """The children of a table in bands along x and along y, for "where along this line
    is it clear of them?" questions."""

    def __init__(self, boxes: Iterable[Box], clear: float) -> None:
        self.clear = clear
        self.boxes = list(boxes)
        sizes = sorted(max(b.width, b.height) for b in self.boxes) or [1.0]
        self.size = max(sizes[len(sizes) // 2], 1.0)
        self.bands: tuple[dict[int, list[Box]], dict[int, list[Box]]] = ({}, {})
        for box in self.boxes:
            for axis, (low, high) in ((0, (box.y, box.bottom)), (1, (box.x, box.right))):
                for key in self._keys(low - clear, high + clear):
                    self.bands[axis].setdefault(key, []).append(box)

    def _keys(self, low: float, high: float) -> range:
        return range(math.floor(low / self.size), math.floor(high / self.size) + 1)

    def free(self, axis: int, at: float, bounds: tuple[float, float]) -> list[tuple[float, float]]:
        """The stretches of the line of ``axis`` at ``at`` within ``bounds`` that pass
        every child at least ``clear`` away."""
        blocked: list[tuple[float, float]] = []
        for box in self.bands[axis].get(math.floor(at / self.size), ()):
            near, far = (box.y, box.bottom) if axis == 0 else (box.x, box.right)
            if near - self.clear < at < far + self.clear:
                low, high = (box.x, box.right) if axis == 0 else (box.y, box.bottom)
                blocked.append((low - self.clear, high + self.clear))
        free: list[tuple[float, float]] = []
        start = bounds[0]
        for low, high in _merged(blocked):
            if low > start:
                free.append((start, min(low, bounds[1])))
            start = max(start, high)
        if start < bounds[1]:
            free.append((start, bounds[1]))
        return [(a, b) for a, b in free if b > a]


def _ending_on(lines: Iterable[_Line], ring_axis: int, at: float) -> list[_Line]:
    """The lines across the ring line of ``ring_axis`` at ``at`` that end on it (those
    that reach the group's frame from inside)."""
    return [
        line
        for line in lines
        if line.axis != ring_axis and (abs(line.low - at) < 1e-6 or abs(line.high - at) < 1e-6)
    ]


def _cross(grid: _Grid) -> None:
    """Stops where the lines of one table meet (ends included)."""
    horizontal = sorted((line for line in grid.lines if line.axis == 0), key=lambda h: h.at)
    heights = [line.at for line in horizontal]
    for v in (line for line in grid.lines if line.axis == 1):
        start = bisect_left(heights, v.low - 1e-6)
        stop = bisect_right(heights, v.high + 1e-6)
        for h in horizontal[start:stop]:
            if h.low - 1e-6 <= v.at <= h.high + 1e-6:
                insort(v.stops, h.at)
                insort(h.stops, v.at)
