"""The legs of edges already routed, so that later edges avoid running on or across them."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from archdsl.layout.model import Point


class SegmentLog:
    """Orthogonal legs, indexed by line (for overlaps) and by bucket (for crossings)."""

    def __init__(self, cell: float = 512.0, near: float = 6.0) -> None:
        self.cell = cell
        self.near = near
        """Parallel legs closer than this count as running on top of each other."""
        self._lines: dict[tuple[int, int], list[tuple[float, float, float, frozenset[str]]]] = {}
        self._across: tuple[dict[tuple[int, int], list[Cut]], dict[tuple[int, int], list[Cut]]]
        self._across = ({}, {})
        """Horizontal (0) and vertical (1) legs by bucket, each once however often drawn."""
        self._drawn: set[tuple[Point, Point]] = set()

    def add(self, points: Sequence[Point], ports: frozenset[str] = frozenset()) -> None:
        """Log a route; ``ports`` names its ends, so that edges sharing an end may share
        the legs next to it (a fan) without counting as running on top of each other."""
        for a, b in itertools.pairwise(points):
            axis, at, low, high = line_of(a, b)
            entry = (at, low, high, ports)
            self._lines.setdefault((axis, int(at // self.near)), []).append(entry)
            if (a, b) in self._drawn:
                continue  # crossings count each leg once, however many edges draw it
            self._drawn.add((a, b))
            cut = (at, low, high)
            buckets = self._across[axis]
            for bucket in self._keys(a, b):
                buckets.setdefault(bucket, []).append(cut)

    def _keys(self, a: Point, b: Point) -> list[tuple[int, int]]:
        cell = self.cell
        columns = range(int(min(a[0], b[0]) // cell), int(max(a[0], b[0]) // cell) + 1)
        rows = range(int(min(a[1], b[1]) // cell), int(max(a[1], b[1]) // cell) + 1)
        return [(i, j) for i in columns for j in rows]

    def overlap(self, a: Point, b: Point, ports: frozenset[str] = frozenset()) -> float:
        """How long ``a``–``b`` runs on top of (or right beside) logged legs of edges that
        share no end with ``ports``."""
        axis, at, low, high = line_of(a, b)
        near = self.near
        slot = int(at // near)
        lines = self._lines
        total = 0.0
        for key in ((axis, slot - 1), (axis, slot), (axis, slot + 1)):
            for other, lo, hi, owners in lines.get(key, ()):
                # Legs that do not overlap along add nothing: the cheap tests first.
                if lo < high and low < hi and abs(other - at) < near and owners.isdisjoint(ports):
                    total += min(high, hi) - max(low, lo)
        return total

    def crossings(self, a: Point, b: Point) -> int:
        """How many logged legs ``a``–``b`` crosses at a right angle.

        A horizontal leg's buckets are all in one row, a vertical one's in one column: two
        legs that cross meet in one bucket only, so none is counted twice.
        """
        # :func:`line_of` and :meth:`_keys` written out: this runs for every leg of every
        # shape the router weighs.
        cell = self.cell
        if a[1] == b[1]:
            at, low, high = a[1], min(a[0], b[0]), max(a[0], b[0])
            buckets, row = self._across[1], int(at // cell)
            keys = [(i, row) for i in range(int(low // cell), int(high // cell) + 1)]
        else:
            at, low, high = a[0], min(a[1], b[1]), max(a[1], b[1])
            buckets, column = self._across[0], int(at // cell)
            keys = [(column, j) for j in range(int(low // cell), int(high // cell) + 1)]
        count = 0
        for key in keys:
            for other, lo, hi in buckets.get(key, ()):
                if low < other < high and lo < at < hi:
                    count += 1
        return count


Cut = tuple[float, float, float]
"""A logged leg: its position across, and its extent along."""


def line_of(a: Point, b: Point) -> tuple[int, float, float, float]:
    """Orientation (0: horizontal), position across, and extent along a leg."""
    if a[1] == b[1]:
        return 0, a[1], min(a[0], b[0]), max(a[0], b[0])
    return 1, a[0], min(a[1], b[1]), max(a[1], b[1])
