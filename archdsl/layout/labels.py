"""Edge titles: on the edge's longest free leg, never over a node, a title or another label."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

from archdsl.layout.model import Box, Point, TextBlock
from archdsl.layout.obstacles import ObstacleIndex
from archdsl.layout.options import Metrics
from archdsl.layout.text import block_size, wrap


class LabelPlacer:
    """Places edge titles one by one; each placed title becomes an obstacle for the next."""

    def __init__(self, obstacles: Sequence[Box], metrics: Metrics) -> None:
        self.metrics = metrics
        self.index = ObstacleIndex(obstacles, cell=metrics.icon_size * 2)
        self.placed = ObstacleIndex((), cell=metrics.icon_size * 2)

    def place(self, text: str, points: Sequence[Point]) -> TextBlock:
        lines = wrap(text, self.metrics.edge_label_wrap, self.metrics.font_size)
        width, height = block_size(lines, self.metrics.font_size)
        width += 4  # room for the halo
        fallback: Box | None = None
        for box in _candidates(points, width, height, self.metrics.font_size / 2):
            if fallback is None:
                fallback = box
            if self._free(box):
                return self._keep(lines, box)
        assert fallback is not None
        return self._keep(lines, fallback)

    def _free(self, box: Box) -> bool:
        return not self.index.overlaps_any(box) and not self.placed.overlaps_any(box)

    def _keep(self, lines: tuple[str, ...], box: Box) -> TextBlock:
        self.placed.add(box)
        return TextBlock(lines, box, self.metrics.line_height)


def _candidates(points: Sequence[Point], width: float, height: float, step: float) -> Iterator[Box]:
    """Boxes beside each leg (longest first), sliding along it, then on it."""
    legs = sorted(
        itertools.pairwise(points),
        key=lambda leg: -(abs(leg[0][0] - leg[1][0]) + abs(leg[0][1] - leg[1][1])),
    )
    if not legs:
        yield Box(points[0][0] - width / 2, points[0][1] - height / 2, width, height)
        return
    for shifts in (_beside, _centred):
        for a, b in legs:
            yield from shifts(a, b, width, height, step)
    yield from _around(legs[0], width, height, step)


def _around(leg: tuple[Point, Point], width: float, height: float, step: float) -> Iterator[Box]:
    """Last resort: ever wider rings of places round the middle of the longest leg."""
    (ax, ay), (bx, by) = leg
    mx, my = (ax + bx) / 2, (ay + by) / 2
    for ring in range(1, 13):
        reach = ring * 2 * step
        for dx, dy in ((0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1)):
            x = mx + dx * (reach + width / 2)
            y = my + dy * (reach + height / 2)
            yield Box(x - width / 2, y - height / 2, width, height)


def _along(a: Point, b: Point, step: float) -> Iterator[Point]:
    """Points of the leg ``a``–``b``, from its middle outwards."""
    length = abs(a[0] - b[0]) + abs(a[1] - b[1])
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    yield mx, my
    if length == 0:
        return
    ux, uy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
    k = 1
    while k * step < length / 2:
        yield mx - ux * k * step, my - uy * k * step
        yield mx + ux * k * step, my + uy * k * step
        k += 1


def _centred(a: Point, b: Point, width: float, height: float, step: float) -> Iterator[Box]:
    for x, y in _along(a, b, step):
        yield Box(x - width / 2, y - height / 2, width, height)


def _beside(a: Point, b: Point, width: float, height: float, step: float) -> Iterator[Box]:
    horizontal = a[1] == b[1]
    for x, y in _along(a, b, step):
        if horizontal:
            yield Box(x - width / 2, y - height - 3, width, height)
            yield Box(x - width / 2, y + 3, width, height)
        else:
            yield Box(x + 5, y - height / 2, width, height)
            yield Box(x - 5 - width, y - height / 2, width, height)
