"""Integer grid positions for the children of one container, from the edges' side pairs.

Like Mermaid's spatial map, a breadth-first walk from the first child puts each neighbour
in the cell its side pair asks for, but consistently for every pair:

* ``a:R -- L:b``: ``b`` one column right of ``a`` (``L``/``R`` likewise, ``T``/``B`` in a
  column);
* a bent pair goes diagonal, on the side its single bend needs: ``a:R -- T:b`` leaves ``a``
  to the right and turns down into ``b``'s top, so ``b`` is below-right; ``a:T -- L:b`` goes
  up and turns right, so ``b`` is above-right;
* a same-side pair (``a:R -- R:b``) makes a U: ``b`` below ``a`` (beside it for ``T``/``B``).

A taken cell does not stack two nodes (mermaid#6120): the nearest free cell that keeps the
pair's direction is used instead, preferring cells that also honour the new child's other,
already placed neighbours. Parts that no edge connects are packed side by side in rows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import NamedTuple

from archdsl.model import Side

Cell = tuple[int, int]
"""``(column, row)``; rows grow downwards."""

_SEARCH_RADIUS = 48
_NEAR = 14
"""Offsets costing at most this are sorted first: at least 80 in every direction, more than
:func:`_free_cell` looks at (the rest are sorted only if a search ever gets past them)."""


class Link(NamedTuple):
    """An edge (or ``align``) between two children of one container, seen from ``a``."""

    a: str
    b: str
    a_side: Side
    b_side: Side
    want: Cell | None = None
    """An offset that overrides the side pair's (for several links merged into one)."""

    @property
    def offset(self) -> Cell:
        """Where ``b`` wants to be relative to ``a``."""
        return self.want if self.want is not None else pair_offset(self.a_side, self.b_side)

    def reversed(self) -> Link:
        want = (-self.want[0], -self.want[1]) if self.want is not None else None
        return Link(self.b, self.a, self.b_side, self.a_side, want)


def pair_offset(a_side: Side, b_side: Side) -> tuple[int, int]:
    """Where ``b`` goes relative to ``a`` for the edge ``a:a_side -- b_side:b``."""
    return _PAIR_OFFSETS[a_side, b_side]


def _work_out_offset(a_side: Side, b_side: Side) -> tuple[int, int]:
    if a_side == b_side:
        return (0, 1) if a_side in "LR" else (1, 0)
    dx = {"R": 1, "L": -1}.get(a_side, 0) or {"L": 1, "R": -1}.get(b_side, 0)
    dy = {"B": 1, "T": -1}.get(a_side, 0) or {"T": 1, "B": -1}.get(b_side, 0)
    return dx, dy


_SIDES: tuple[Side, ...] = ("L", "R", "T", "B")
_PAIR_OFFSETS: dict[tuple[str, str], tuple[int, int]] = {
    (a, b): _work_out_offset(a, b) for a in _SIDES for b in _SIDES
}
"""Placement asks this for every link at every candidate cell: worked out once."""


def place(items: Sequence[str], links: Sequence[Link]) -> dict[str, Cell]:
    """Cells for ``items`` (declaration order); every item gets a distinct cell."""
    neighbours: dict[str, list[Link]] = {item: [] for item in items}
    for link in merge(links):
        if link.a in neighbours and link.b in neighbours and link.a != link.b:
            neighbours[link.a].append(link)
            neighbours[link.b].append(link.reversed())
    parts: list[dict[str, Cell]] = []
    placed: set[str] = set()
    for item in items:
        if item not in placed:
            part = _place_part(item, neighbours)
            placed.update(part)
            parts.append(part)
    return _pack(parts)


def merge(links: Sequence[Link]) -> list[Link]:
    """One link per pair of items, wanting a cell that keeps every link's direction.

    Two groups joined by ``a:R -- L:b`` and ``c:B -- T:d`` (``b``, ``d`` in one group, ``a``,
    ``c`` in the other) can honour both only on the diagonal: right of and below.
    Contradicting wishes (one right, one left) keep the first link's.
    """
    by_pair: dict[frozenset[str], list[Link]] = {}
    for link in links:
        by_pair.setdefault(frozenset((link.a, link.b)), []).append(link)
    merged: list[Link] = []
    for group in by_pair.values():
        first = group[0]
        wants = [_towards(link, first.a) for link in group]
        if len(group) == 1 or all(w == wants[0] for w in wants):
            merged.append(first)
            continue
        combined = (_combine([w[0] for w in wants]), _combine([w[1] for w in wants]))
        merged.append(Link(first.a, first.b, first.a_side, first.b_side, combined))
    return merged


def _towards(link: Link, a: str) -> Cell:
    """``link``'s wish, seen from ``a``."""
    return link.offset if link.a == a else link.reversed().offset


def _combine(values: list[int]) -> int:
    signs = {v for v in values if v != 0}
    if len(signs) == 1:
        return signs.pop()
    return values[0]


def _place_part(start: str, neighbours: dict[str, list[Link]]) -> dict[str, Cell]:
    cells: dict[str, Cell] = {start: (0, 0)}
    taken: set[Cell] = {(0, 0)}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        for link in neighbours[current]:
            if link.b in cells:
                continue
            cell = _free_cell(link, cells, taken, neighbours[link.b])
            cells[link.b] = cell
            taken.add(cell)
            queue.append(link.b)
    return cells


def _free_cell(link: Link, cells: dict[str, Cell], taken: set[Cell], others: list[Link]) -> Cell:
    """The best free cell for ``link.b``, near where ``link`` wants it: the first that
    keeps the direction of every link from ``link.b`` to a node already placed, else the
    one that breaks fewest."""
    ax, ay = cells[link.a]
    # Each placed neighbour as (wanted dx, wanted dy, its cell). A link is honoured when
    # the neighbour lies the wanted way on each axis (same row or column for a 0): tested
    # inline, as this runs for every candidate cell of every node.
    wishes = [(*o.offset, *cells[o.b]) for o in others if o.b in cells and o.b != link.a]
    dx, dy = link.offset
    best: tuple[int, int, Cell] | None = None
    for rank, (ox, oy) in enumerate(_candidates(dx, dy, link.a_side in "TB")):
        cell = (ax + ox, ay + oy)
        if cell in taken:
            continue
        misses = 0
        for wanted_x, wanted_y, x, y in wishes:
            along_x, along_y = x - cell[0], y - cell[1]
            if not (along_x == 0 if wanted_x == 0 else along_x * wanted_x > 0) or not (
                along_y == 0 if wanted_y == 0 else along_y * wanted_y > 0
            ):
                misses += 1
        if misses == 0:
            return cell
        if best is None or misses < best[0]:
            best = (misses, rank, cell)
        if rank > 64:
            break
    if best is not None:
        return best[2]
    return _far_cell(taken)


def _far_cell(taken: set[Cell]) -> Cell:
    column = max(c for c, _ in taken) + 1
    return column, 0


def _candidates(dx: int, dy: int, vertical_first: bool) -> Iterator[Cell]:
    """Offsets around ``(dx, dy)`` that keep its direction, nearest first (by :func:`_cost`).

    The near ones come from a small window, and the rest are only sorted if a crowded
    grid gets that far: every cost is at least the distance from ``(dx, dy)`` (each axis
    weighs 1 or more), so the offsets that cost no more than the window's radius all lie
    inside it and come first in the full order.
    """
    yield from _sorted_offsets(dx, dy, vertical_first, near=True)
    yield from _sorted_offsets(dx, dy, vertical_first, near=False)


@lru_cache(maxsize=64)
def _sorted_offsets(dx: int, dy: int, vertical_first: bool, near: bool) -> tuple[Cell, ...]:
    """The offsets costing at most :data:`_NEAR` (``near``), or more, sorted."""
    reach = _NEAR if near else 4 * _SEARCH_RADIUS
    costed = [(_cost(o, dx, dy, vertical_first), o) for o in _offsets(dx, dy, reach)]
    return tuple(o for cost, o in sorted(costed) if (cost[0] <= _NEAR) == near)


def _offsets(dx: int, dy: int, reach: int) -> Iterator[Cell]:
    """The offsets in ``(dx, dy)``'s direction, within :data:`_SEARCH_RADIUS` on each
    axis, at most ``reach`` from it (steps along x plus steps along y)."""
    r = _SEARCH_RADIUS
    xs = range(1, r + 1) if dx > 0 else range(-r, 0) if dx < 0 else range(-r, r + 1)
    ys = range(1, r + 1) if dy > 0 else range(-r, 0) if dy < 0 else range(-r, r + 1)
    for x in range(max(xs.start, dx - reach), min(xs.stop, dx + reach + 1)):
        left = reach - abs(x - dx)  # steps along y still within reach
        for y in range(max(ys.start, dy - left), min(ys.stop, dy + left + 1)):
            if (x, y) != (0, 0):
                yield x, y


def _cost(offset: Cell, dx: int, dy: int, vertical_first: bool) -> tuple[float, int, int]:
    x, y = offset
    if dy == 0:  # a row: give way across it, not along it
        wx, wy = 3.0, 1.0
    elif dx == 0:
        wx, wy = 1.0, 3.0
    else:  # diagonal: give way along the axis the edge leaves on
        wx, wy = (1.5, 1.0) if vertical_first else (1.0, 1.5)
    cost = wx * abs(x - dx) + wy * abs(y - dy)
    # Ties: below before above, right before left, then a fixed order.
    return cost, -_sign(y - dy) * 2 - _sign(x - dx), abs(x) * 1000 + abs(y)


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def _pack(parts: list[dict[str, Cell]]) -> dict[str, Cell]:
    """Put separate parts side by side, wrapping into shelves to keep the whole roughly square."""
    if len(parts) <= 1:
        return _normalised(parts[0]) if parts else {}
    normalised = [_normalised(p) for p in parts]
    sizes = [
        (max(c for c, _ in p.values()) + 1, max(r for _, r in p.values()) + 1) for p in normalised
    ]
    area = sum(w * h for w, h in sizes)
    shelf_width = max(max(w for w, _ in sizes), round(area**0.5 * 1.5))
    result: dict[str, Cell] = {}
    x = y = shelf_height = 0
    for part, (w, h) in zip(normalised, sizes, strict=True):
        if x and x + w > shelf_width:
            x, y, shelf_height = 0, y + shelf_height, 0
        for item, (c, r) in part.items():
            result[item] = (c + x, r + y)
        x += w
        shelf_height = max(shelf_height, h)
    return result


def _normalised(cells: dict[str, Cell]) -> dict[str, Cell]:
    """Shift to start at (0, 0) and close up empty columns and rows."""
    columns = {c: i for i, c in enumerate(sorted({c for c, _ in cells.values()}))}
    rows = {r: i for i, r in enumerate(sorted({r for _, r in cells.values()}))}
    return {item: (columns[c], rows[r]) for item, (c, r) in cells.items()}
