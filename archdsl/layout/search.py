"""Shortest orthogonal routes round boxes: networkx A* on a grid of lines beside them.

The grid's lines run along each box's sides (at the clearance) and through its middle,
plus the lines through both ends. In a large window that would be too many lines: then
only the boxes near the two ends give lines, plus one line down the middle of every
corridor that no box blocks across the whole window (the gaps between a table's columns
and rows). Grid points inside a box are dropped; each point exists twice (moving across
or along), joined at the cost of a bend. Whether a leg crosses a box, and what it costs
to run on or across earlier edges, is worked out only for the legs the search looks at.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import TYPE_CHECKING

from archdsl.layout.model import Box, Point
from archdsl.layout.obstacles import ObstacleIndex
from archdsl.layout.segments import SegmentLog

if TYPE_CHECKING:
    import networkx as nx

Vector = tuple[int, int]
Node = tuple[int, int, int]

MAX_GRID_POINTS = 2_500
"""Windows with more grid points than this use the sparse lines; past that, no search."""

MAX_STEPS = 2_500
"""A search that has looked at this many grid points gives up (the caller falls back)."""


class _GaveUp(Exception):
    pass


class Budget:
    """Legs the searches of one layout may cost in all (each looks through the edges
    drawn so far, so that is where dense diagrams spend their time). Spent down by every
    search; when it is gone, searches give up and the router takes its fallback."""

    def __init__(self, legs: int) -> None:
        self.left = legs

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _GaveUp


def grid_route(
    area: Box,
    boxes: Sequence[Box],
    a: Point,
    da: Vector,
    b: Point,
    db: Vector,
    *,
    clearance: float,
    bend_cost: float,
    log: SegmentLog,
    index: ObstacleIndex,
    ports: frozenset[str] = frozenset(),
    budget: Budget | None = None,
) -> list[Point] | None:
    """The cheapest route from ``a`` (leaving along ``da``) to ``b`` inside ``area``;
    None when there is none, or the search (or its ``budget``) gives up."""
    inside = [box for box in boxes if box.overlaps(area)]
    xs = _lines((a[0], b[0]), inside, clearance, area, axis=0)
    ys = _lines((a[1], b[1]), inside, clearance, area, axis=1)
    if len(xs) * len(ys) > MAX_GRID_POINTS:
        near_a, near_b = _around(a, clearance * 12), _around(b, clearance * 12)
        local = [box for box in inside if box.overlaps(near_a) or box.overlaps(near_b)]
        xs = sorted(
            set(_lines((a[0], b[0]), local, clearance, area, 0)) | _corridors(inside, area, 0)
        )
        ys = sorted(
            set(_lines((a[1], b[1]), local, clearance, area, 1)) | _corridors(inside, area, 1)
        )
        if len(xs) * len(ys) > MAX_GRID_POINTS:
            return None
    blocked = _blocked_points(inside, xs, ys)
    graph = _graph(xs, ys, blocked, bend_cost)
    source = (xs.index(a[0]), ys.index(a[1]), 0 if da[1] == 0 else 1)
    target = (xs.index(b[0]), ys.index(b[1]), 0 if db[1] == 0 else 1)
    if source not in graph or target not in graph:
        return None
    return _astar(graph, source, target, xs, ys, (log, ports), index, bend_cost, budget)


def _around(p: Point, margin: float) -> Box:
    return Box(p[0] - margin, p[1] - margin, 2 * margin, 2 * margin)


def _corridors(boxes: Sequence[Box], area: Box, axis: int) -> set[float]:
    """The middle of each stretch of ``area`` that no box covers along ``axis``."""
    spans = sorted((b.x, b.right) if axis == 0 else (b.y, b.bottom) for b in boxes)
    lo, hi = (area.x, area.right) if axis == 0 else (area.y, area.bottom)
    found: set[float] = set()
    reach = lo
    for low, high in spans:
        if low > reach:
            found.add((reach + low) / 2)
        reach = max(reach, high)
    if reach < hi:
        found.add((reach + hi) / 2)
    return found


def _lines(
    ends: tuple[float, float], boxes: Sequence[Box], gap: float, area: Box, axis: int
) -> list[float]:
    lo, hi = (area.x, area.right) if axis == 0 else (area.y, area.bottom)
    values = set(ends)
    for box in boxes:
        low, high = (box.x, box.right) if axis == 0 else (box.y, box.bottom)
        values.update((low - gap, high + gap, (max(low, lo) + min(high, hi)) / 2))
    return sorted(v for v in values if lo <= v <= hi or v in ends)


def _blocked_points(boxes: Sequence[Box], xs: list[float], ys: list[float]) -> set[tuple[int, int]]:
    blocked: set[tuple[int, int]] = set()
    for box in boxes:
        columns = range(bisect_right(xs, box.x), bisect_left(xs, box.right))
        rows = range(bisect_right(ys, box.y), bisect_left(ys, box.bottom))
        blocked.update((i, j) for i in columns for j in rows)
    return blocked


def _graph(
    xs: list[float], ys: list[float], blocked: set[tuple[int, int]], bend_cost: float
) -> nx.Graph:
    import networkx as nx

    graph = nx.Graph()
    edges: list[tuple[Node, Node, dict[str, float]]] = []
    for i in range(len(xs)):
        for j in range(len(ys)):
            if (i, j) in blocked:
                continue
            edges.append(((i, j, 0), (i, j, 1), {"bend": bend_cost}))
            if i + 1 < len(xs) and (i + 1, j) not in blocked:
                edges.append(((i, j, 0), (i + 1, j, 0), {"bend": 0.0}))
            if j + 1 < len(ys) and (i, j + 1) not in blocked:
                edges.append(((i, j, 1), (i, j + 1, 1), {"bend": 0.0}))
    graph.add_edges_from(edges)
    return graph


def _astar(
    graph: nx.Graph,
    source: Node,
    target: Node,
    xs: list[float],
    ys: list[float],
    logged: tuple[SegmentLog, frozenset[str]],
    index: ObstacleIndex,
    bend_cost: float,
    budget: Budget | None = None,
) -> list[Point] | None:
    import networkx as nx

    def point(node: Node) -> Point:
        return xs[node[0]], ys[node[1]]

    steps = [0]

    def distance(u: Node, v: Node) -> float:
        steps[0] += 1
        if steps[0] > MAX_STEPS:
            raise _GaveUp
        (ux, uy), (vx, vy) = point(u), point(v)
        return abs(ux - vx) + abs(uy - vy)

    def weight(u: Node, v: Node, data: dict[str, float]) -> float | None:
        if data["bend"]:
            return data["bend"]
        p, q = point(u), point(v)
        if index.hits(p, q):
            return None
        if budget is not None:
            budget.spend()
        return _leg_cost(p, q, logged, bend_cost)

    try:
        path = nx.astar_path(graph, source, target, heuristic=distance, weight=weight)
    except (nx.NetworkXNoPath, _GaveUp):
        return None
    return [point(node) for node in path]


def _leg_cost(
    p: Point, q: Point, logged: tuple[SegmentLog, frozenset[str]], bend_cost: float
) -> float:
    log, ports = logged
    length = abs(p[0] - q[0]) + abs(p[1] - q[1])
    return length + 8 * log.overlap(p, q, ports) + bend_cost / 2 * log.crossings(p, q)
