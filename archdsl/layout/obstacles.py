"""A bucket grid of boxes for fast "does this segment hit anything?" questions."""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence

from archdsl.layout.model import Box, Point


class ObstacleIndex:
    """Boxes that orthogonal segments must not cross (their borders may be touched)."""

    def __init__(self, boxes: Iterable[Box], cell: float) -> None:
        self.cell = max(cell, 1.0)
        self.boxes: list[Box] = []
        self._buckets: dict[tuple[int, int], list[int]] = {}
        self._census: _Census | None = None
        self._bands: tuple[dict[int, list[int]], ...] | None = None
        self._lines: dict[tuple[int, float], tuple[list[float], list[float]]] = {}
        for box in boxes:
            self.add(box)

    def add(self, box: Box) -> None:
        """One more box (labels are added as they are placed)."""
        index = len(self.boxes)
        self.boxes.append(box)
        for key in self._keys(box):
            self._buckets.setdefault(key, []).append(index)
        self._census = None
        self._bands = None
        self._lines.clear()

    def _span(self, low: float, high: float) -> range:
        return range(math.floor(low / self.cell), math.floor(high / self.cell) + 1)

    def _keys(self, box: Box) -> Iterator[tuple[int, int]]:
        for i in self._span(box.x, box.right):
            for j in self._span(box.y, box.bottom):
                yield i, j

    def near(self, area: Box) -> list[Box]:
        """Boxes whose buckets meet ``area`` (a superset of those that overlap it).

        Costs a look at every bucket of ``area``: for small areas; :meth:`count_near`
        answers "how many" for large ones.
        """
        found: set[int] = set()
        for key in self._keys(area):
            found.update(self._buckets.get(key, ()))
        return [self.boxes[i] for i in sorted(found)]

    def overlaps_any(self, area: Box) -> bool:
        """Does a box overlap ``area``'s interior?"""
        boxes = self.boxes
        for key in self._keys(area):
            for index in self._buckets.get(key, ()):
                if area.overlaps(boxes[index]):
                    return True
        return False

    def count_near(self, area: Box) -> int:
        """How many boxes have their centre in a bucket that meets ``area``, at the
        same cost for any area (a summed-area table, built on first use)."""
        if self._census is None:
            self._census = _Census(self.boxes, self.cell)
        return self._census.count(self._span(area.x, area.right), self._span(area.y, area.bottom))

    def hits(self, a: Point, b: Point) -> bool:
        """Does the axis-parallel segment ``a``–``b`` pass through a box's interior?"""
        return self.blocks((a, b))

    def blocks(self, points: Sequence[Point]) -> bool:
        """Does a leg of the orthogonal route ``points`` pass through a box's interior?

        Each leg is looked up in the stretches of its line (:meth:`_stretches`): the first
        stretch that ends past the leg's start is the only one that can meet it, as the
        later ones start later still.
        """
        lines = self._lines
        for (ax, ay), (bx, by) in itertools.pairwise(points):
            if ay == by:
                line = (0, ay)
                low, high = (ax, bx) if ax <= bx else (bx, ax)
            else:
                line = (1, ax)
                low, high = (ay, by) if ay <= by else (by, ay)
            starts, ends = lines.get(line) or self._stretches(*line)
            first = bisect_right(ends, low)
            if first < len(starts) and starts[first] < high:
                return True
        return False

    def _stretches(self, axis: int, at: float) -> tuple[list[float], list[float]]:
        """The stretches of the line of ``axis`` (0: horizontal) at ``at`` that lie inside
        boxes, as sorted starts and ends; worked out once per line.

        Routing asks about thousands of legs but on far fewer lines (the legs of an
        edge's shapes, and of different edges, run along the same rows and columns): one
        search in a line's stretches replaces a walk through every bucket along a leg.
        Only boxes that overlap each other are merged, so that a point where two boxes
        touch stays free, as it is for each box alone.
        """
        spans = []
        for index in self._band(axis, math.floor(at / self.cell)):
            box = self.boxes[index]
            if axis == 0 and box.y < at < box.y + box.height:
                spans.append((box.x, box.x + box.width))
            elif axis == 1 and box.x < at < box.x + box.width:
                spans.append((box.y, box.y + box.height))
        spans.sort()
        starts: list[float] = []
        ends: list[float] = []
        for start, end in spans:
            if ends and start < ends[-1]:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        found = self._lines[axis, at] = (starts, ends)
        return found

    def _band(self, axis: int, number: int) -> list[int]:
        """The boxes in bucket row (axis 0) or column (axis 1) ``number``, each once."""
        if self._bands is None:
            bands: tuple[dict[int, set[int]], dict[int, set[int]]] = ({}, {})
            for (i, j), indices in self._buckets.items():
                bands[0].setdefault(j, set()).update(indices)
                bands[1].setdefault(i, set()).update(indices)
            self._bands = tuple({k: sorted(v) for k, v in band.items()} for band in bands)
        return self._bands[axis].get(number, [])

    def covers(self, point: Point) -> bool:
        x, y = point
        key = (math.floor(x / self.cell), math.floor(y / self.cell))
        return any(
            box.x < x < box.right and box.y < y < box.bottom
            for box in (self.boxes[i] for i in self._buckets.get(key, ()))
        )


class _Census:
    """Box centres counted per bucket, summed so that any rectangle of buckets is counted
    in four look-ups."""

    def __init__(self, boxes: list[Box], cell: float) -> None:
        keys = [(math.floor(b.cx / cell), math.floor(b.cy / cell)) for b in boxes]
        self.left = min((i for i, _ in keys), default=0)
        self.top = min((j for _, j in keys), default=0)
        width = max((i for i, _ in keys), default=0) - self.left + 1
        height = max((j for _, j in keys), default=0) - self.top + 1
        counts = [[0] * width for _ in range(height)]
        for i, j in keys:
            counts[j - self.top][i - self.left] += 1
        # sums[j][i]: boxes in bucket rows < j and columns < i.
        self.sums = [[0] * (width + 1)]
        for row in counts:
            running = list(itertools.accumulate(row, initial=0))
            above = self.sums[-1]
            self.sums.append([a + r for a, r in zip(above, running, strict=True)])

    def count(self, columns: range, rows: range) -> int:
        width, height = len(self.sums[0]) - 1, len(self.sums) - 1
        i0 = min(max(columns.start - self.left, 0), width)
        i1 = min(max(columns.stop - self.left, 0), width)
        j0 = min(max(rows.start - self.top, 0), height)
        j1 = min(max(rows.stop - self.top, 0), height)
        sums = self.sums
        return sums[j1][i1] - sums[j0][i1] - sums[j1][i0] + sums[j0][i0]
