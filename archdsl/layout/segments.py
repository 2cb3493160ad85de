"""The legs of edges already routed, so that later edges avoid running on or across them."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from archdsl.layout.model import Point


class SegmentLog:
    """Orthogonal legs, indexed by line (for overlaps) and by bucket (for crossings)."""

    def __init__(self, cell: float = 128.0, near: float = 6.0) -> None:
        self.cell = cell
        self.near = near
        """Parallel legs closer than this count as running on top of each other."""
        self._lines: dict[tuple[int, int], list[tuple[float, float, float, frozenset[str]]]] = {}
        self._buckets: dict[tuple[int, int], list[tuple[Point, Point]]] = {}

    def add(self, points: Sequence[Point], ports: frozenset[str] = frozenset()) -> None:
        """Log a route; ``ports`` names its ends, so that edges sharing an end may share
        the legs next to it (a fan) without counting as running on top of each other."""
        for a, b in itertools.pairwise(points):
            axis, at, low, high = line_of(a, b)
            entry = (at, low, high, ports)
            self._lines.setdefault((axis, int(at // self.near)), []).append(entry)
            for bucket in self._keys(a, b):
                self._buckets.setdefault(bucket, []).append((a, b))

    def _keys(self, a: Point, b: Point) -> list[tuple[int, int]]:
        cell = self.cell
        columns = range(int(min(a[0], b[0]) // cell), int(max(a[0], b[0]) // cell) + 1)
        rows = range(int(min(a[1], b[1]) // cell), int(max(a[1], b[1]) // cell) + 1)
        return [(i, j) for i in columns for j in rows]

    def overlap(self, a: Point, b: Point, ports: frozenset[str] = frozenset()) -> float:
        """How long ``a``–``b`` runs on top of (or right beside) logged legs of edges that
        share no end with ``ports``."""
        axis, at, low, high = line_of(a, b)
        slot = int(at // self.near)
        total = 0.0
        for key in ((axis, slot - 1), (axis, slot), (axis, slot + 1)):
            for other, lo, hi, owners in self._lines.get(key, ()):
                if abs(other - at) < self.near and not (owners & ports):
                    total += max(0.0, min(high, hi) - max(low, lo))
        return total

    def crossings(self, a: Point, b: Point) -> int:
        """How many logged legs ``a``–``b`` crosses at a right angle."""
        seen: set[tuple[Point, Point]] = set()
        count = 0
        for bucket in self._keys(a, b):
            for leg in self._buckets.get(bucket, ()):
                if leg not in seen:
                    seen.add(leg)
                    count += crosses(a, b, *leg)
        return count


def line_of(a: Point, b: Point) -> tuple[int, float, float, float]:
    """Orientation (0: horizontal), position across, and extent along a leg."""
    if a[1] == b[1]:
        return 0, a[1], min(a[0], b[0]), max(a[0], b[0])
    return 1, a[0], min(a[1], b[1]), max(a[1], b[1])


def crosses(a: Point, b: Point, c: Point, d: Point) -> bool:
    """Do the perpendicular legs a–b and c–d cross inside both?"""
    if (a[1] == b[1]) == (c[1] == d[1]):
        return False
    if a[1] != b[1]:
        a, b, c, d = c, d, a, b
    return min(a[0], b[0]) < c[0] < max(a[0], b[0]) and min(c[1], d[1]) < a[1] < max(c[1], d[1])
