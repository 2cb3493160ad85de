"""A bucket grid of boxes for fast "does this segment hit anything?" questions."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

from archdsl.layout.model import Box, Point


class ObstacleIndex:
    """Boxes that orthogonal segments must not cross (their borders may be touched)."""

    def __init__(self, boxes: Iterable[Box], cell: float) -> None:
        self.cell = max(cell, 1.0)
        self.boxes: list[Box] = list(boxes)
        self._buckets: dict[tuple[int, int], list[int]] = {}
        for index, box in enumerate(self.boxes):
            for key in self._keys(box):
                self._buckets.setdefault(key, []).append(index)

    def _span(self, low: float, high: float) -> range:
        return range(math.floor(low / self.cell), math.floor(high / self.cell) + 1)

    def _keys(self, box: Box) -> Iterator[tuple[int, int]]:
        for i in self._span(box.x, box.right):
            for j in self._span(box.y, box.bottom):
                yield i, j

    def near(self, area: Box) -> list[Box]:
        """Boxes whose buckets meet ``area`` (a superset of those that overlap it)."""
        found: set[int] = set()
        for key in self._keys(area):
            found.update(self._buckets.get(key, ()))
        return [self.boxes[i] for i in sorted(found)]

    def hits(self, a: Point, b: Point) -> bool:
        """Does the axis-parallel segment ``a``–``b`` pass through a box's interior?"""
        x0, x1 = (a[0], b[0]) if a[0] <= b[0] else (b[0], a[0])
        y0, y1 = (a[1], b[1]) if a[1] <= b[1] else (b[1], a[1])
        boxes, buckets = self.boxes, self._buckets
        for i in self._span(x0, x1):
            for j in self._span(y0, y1):
                for index in buckets.get((i, j), ()):
                    box = boxes[index]
                    if (
                        x0 < box.x + box.width
                        and box.x < x1
                        and y0 < box.y + box.height
                        and box.y < y1
                    ):
                        return True
        return False

    def covers(self, point: Point) -> bool:
        x, y = point
        key = (math.floor(x / self.cell), math.floor(y / self.cell))
        return any(
            box.x < x < box.right and box.y < y < box.bottom
            for box in (self.boxes[i] for i in self._buckets.get(key, ()))
        )
