"""Orthogonal edge routes that leave and enter at the declared sides and go around boxes.

Each end gets a short stub straight out of its side (out of the title for a ``B`` side,
out of the frame for ``{group}``, from the centre for a junction). Between the stubs the
router tries the obvious shapes first (:mod:`~archdsl.layout.route_shapes`), fewest
bends first, preferring those that neither share nor cross earlier edges. Only when none
is clear does it search (:mod:`~archdsl.layout.search`), in a window round the two ends
that grows until a route is found.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from archdsl.layout.channels import ChannelNetwork
from archdsl.layout.model import Box, Point
from archdsl.layout.obstacles import ObstacleIndex
from archdsl.layout.route_shapes import candidate_routes, iter_candidate_routes
from archdsl.layout.search import Budget, grid_route
from archdsl.layout.segments import SegmentLog
from archdsl.layout.tree import Container
from archdsl.model import Side

Vector = tuple[int, int]
OUTWARD: dict[Side, Vector] = {"L": (-1, 0), "R": (1, 0), "T": (0, -1), "B": (0, 1)}

SEARCH_LEGS = 400_000
"""Legs all grid searches of one layout may cost (see :class:`~archdsl.layout.search.Budget`):
some ten seconds. Small diagrams use a fraction of it; a dense one with thousands of edges
draws its last edges with the simple shapes instead of searching for each."""

_ENOUGH_CLEAR = 4
_MAX_TRIES = 40
_CROWDED = 24
_CROWDED_TRIES = 16


class End(NamedTuple):
    """One end of an edge: the drawn end point, then the points out to the stub's tip."""

    point: Point
    side: Side
    stub: tuple[Point, ...]
    anchor: tuple[Container, str] | None = None
    """The container and its child that the stub leaves (for the channel network)."""
    port: str = ""
    """Names the node (or group) and side; edges from one port may share legs."""

    @property
    def tip(self) -> Point:
        return self.stub[-1] if self.stub else self.point

    @property
    def outward(self) -> Vector:
        return OUTWARD[self.side]


class Router:
    """Routes edges one by one around ``obstacles`` (already inflated by the caller)."""

    def __init__(
        self,
        obstacles: Iterable[Box],
        clearance: float,
        bend_cost: float,
        network: Callable[[], ChannelNetwork] | None = None,
        headers: Iterable[Box] = (),
    ) -> None:
        boxes = list(obstacles)
        self._make_network = network
        self.network: ChannelNetwork | None = None
        self.index = ObstacleIndex(boxes, cell=10 * max(clearance, 10.0))
        self.headers = ObstacleIndex(headers, cell=10 * max(clearance, 10.0))
        """Group icons and titles: a leg through one counts as a crossing."""
        self.clearance = clearance
        self.bend_cost = bend_cost
        self.log = SegmentLog()
        self.bounds = _bounds(boxes)
        self._ports: frozenset[str] = frozenset()
        self._drawn: list[list[Point]] = []
        self._overlap_seen: dict[tuple[Point, Point], float] = {}
        self._crossings_seen: dict[tuple[Point, Point], int] = {}
        """Legs of the edge being routed that were checked against the edges drawn before
        (its shapes share many legs: all start out of the same stub)."""
        self.budget = Budget(SEARCH_LEGS)

    def route(self, start: End, end: End) -> tuple[Point, ...]:
        self._ports = frozenset((start.port, end.port))
        middle = self._middle(start, end)
        points = simplify([start.point, *start.stub, *middle, *reversed(end.stub), end.point])
        self.log.add(points, self._ports)
        self._drawn.append(points)
        if self.network is not None:
            self.network.record(points)
        return tuple(points)

    def _middle(self, start: End, end: End) -> list[Point]:
        a, b = start.tip, end.tip
        self._overlap_seen = {}
        self._crossings_seen = {}
        shapes = (a, start.outward, b, end.outward, self.clearance, _MAX_TRIES)
        # Between far-apart ends with much in between, the shapes rarely get through:
        # try the few simplest, then go to the channels.
        crowded = self.index.count_near(_around(a, b, 0.0)) > _CROWDED
        tries = _CROWDED_TRIES if crowded else _MAX_TRIES
        chosen = self._best_clear(itertools.islice(iter_candidate_routes(*shapes), tries))
        if chosen is not None:
            return chosen
        found = None
        if self.network is None and self._make_network is not None:
            self.network = self._make_network()  # only built when an edge needs it
            for points in self._drawn:
                self.network.record(points)
        if self.network and start.anchor and end.anchor:
            found = self.network.route(
                (*start.anchor, a, start.outward), (*end.anchor, b, end.outward)
            )
        if found is None and self.budget.left > 0:
            found = self._search(a, start.outward, b, end.outward)
        if found is not None:
            return found
        candidates = candidate_routes(*shapes)
        if candidates:
            return min(candidates, key=self._hit_count)
        return [a, (b[0], a[1]), b]

    def _best_clear(self, candidates: Iterable[list[Point]]) -> list[Point] | None:
        """The best of the first few clear shapes: one that shares and crosses nothing
        wins at once; otherwise least sharing, fewest crossings (of drawn legs, and of
        group icons and titles), fewest bends.

        Counting crossings is the dear part, so a shape's are counted only as far as
        they could still make it the best (the choice is the same as counting them all).
        """
        best: tuple[tuple[bool, int, int, float, int], list[Point]] | None = None
        clear = 0
        bends = 0
        for order, route in enumerate(candidates):
            if self._blocked(route):
                continue
            clear += 1
            overlap = self._overlap(route)
            if best is None:
                bends = len(route)
                crossings = self._crossings(route, None)
            elif overlap > 0 and not best[0][0]:
                crossings = -1  # shares legs; the best so far shares none
            elif overlap == 0 and best[0][0]:
                crossings = self._crossings(route, None)  # the first that shares none
            else:
                crossings = self._crossings(route, best[0][1] + 1)
            if crossings >= 0:
                if overlap == 0 and crossings == 0 and len(route) <= bends:
                    return route
                key = (overlap > 0, crossings, len(route), overlap, order)
                if best is None or key < best[0]:
                    best = (key, route)
            if clear >= _ENOUGH_CLEAR:
                break
        return best[1] if best is not None else None

    def _blocked(self, points: Sequence[Point]) -> bool:
        return self.index.blocks(points)

    def _hit_count(self, points: Sequence[Point]) -> int:
        return sum(self.index.hits(p, q) for p, q in itertools.pairwise(points))

    def _overlap(self, points: Sequence[Point]) -> float:
        """How far ``points`` run on legs of other edges drawn before."""
        total = 0.0
        known, log, ports = self._overlap_seen, self.log, self._ports
        for leg in itertools.pairwise(points):
            found = known.get(leg)
            if found is None:
                found = known[leg] = log.overlap(*leg, ports)
            total += found
        return total

    def _crossings(self, points: Sequence[Point], enough: int | None) -> int:
        """How many drawn legs ``points`` cross, and group icons or titles they pass
        through; counted up to ``enough`` at most."""
        total = 0
        known, log, headers = self._crossings_seen, self.log, self.headers
        for leg in itertools.pairwise(points):
            found = known.get(leg)
            if found is None:
                found = known[leg] = log.crossings(*leg) + headers.hits(*leg)
            total += found
            if enough is not None and total >= enough:
                break
        return total

    def _search(self, a: Point, da: Vector, b: Point, db: Vector) -> list[Point] | None:
        reach = 4 * self.clearance
        for area in (_around(a, b, reach * 2),):
            path = grid_route(
                area,
                self.index.near(area),
                a,
                da,
                b,
                db,
                clearance=self.clearance,
                bend_cost=self.bend_cost / 4,
                log=self.log,
                index=self.index,
                ports=self._ports,
                budget=self.budget,
            )
            if path is not None:
                return simplify(path)
        return None


def _bounds(boxes: Sequence[Box]) -> Box:
    if not boxes:
        return Box(0.0, 0.0, 0.0, 0.0)
    result = boxes[0]
    for box in boxes[1:]:
        result = result.union(box)
    return result


def _around(a: Point, b: Point, margin: float) -> Box:
    x, y = min(a[0], b[0]), min(a[1], b[1])
    return Box(x, y, abs(a[0] - b[0]), abs(a[1] - b[1])).inflated(margin)


def simplify(points: Sequence[Point]) -> list[Point]:
    """Drop repeated points and points in the middle of straight runs (coordinates within
    ``1e-6`` count as equal)."""
    # Written out: channel routes come with a point at every crossing they pass.
    result: list[Point] = []
    for point in points:
        x, y = point
        if result:
            qx, qy = result[-1]
            if abs(qx - x) < 1e-6 and abs(qy - y) < 1e-6:
                continue
            if len(result) >= 2:
                px, py = result[-2]
                same_x = abs(px - qx) < 1e-6 and abs(qx - x) < 1e-6
                if same_x or (abs(py - qy) < 1e-6 and abs(qy - y) < 1e-6):
                    result[-1] = point
                    continue
        result.append(point)
    return result
