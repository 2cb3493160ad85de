"""The obvious orthogonal shapes between two stub tips, fewest bends first.

An edge leaves ``a`` along ``da`` and enters ``b`` against ``db`` (``db`` points out of
``b``'s side). With both sides horizontal the shapes are: a straight line, a ``Z`` through
the gap between the ends, a ``U`` round the far end (same sides), or an ``S`` (four bends)
through a channel above or below. With ``b``'s side vertical: an ``L``, or three bends.
Vertical starts are the same shapes with x and y swapped.
"""

from __future__ import annotations

from collections.abc import Iterator

from archdsl.layout.model import Point

Vector = tuple[int, int]


def candidate_routes(
    a: Point, da: Vector, b: Point, db: Vector, step: float, limit: int | None = None
) -> list[list[Point]]:
    """Routes from ``a`` to ``b``, sorted by bends, then length, then a fixed order; only
    the first ``limit`` when given (the router never looks further)."""
    return list(iter_candidate_routes(a, da, b, db, step, limit))


def iter_candidate_routes(
    a: Point, da: Vector, b: Point, db: Vector, step: float, limit: int | None = None
) -> Iterator[list[Point]]:
    """:func:`candidate_routes`, one at a time: the router mostly takes one of the first
    few, and the rest (the S shapes above all) are only worked out if it reads on."""
    if da[1] == 0:
        yield from _sorted_shapes(a, da, b, db, step, limit)
        return
    # Sorted before swapping back: bends and length do not change, and only the routes
    # read need their points swapped (this runs for every edge).
    for route in _sorted_shapes(_swap(a), _swap_v(da), _swap(b), _swap_v(db), step, limit):
        yield [(y, x) for x, y in route]


def _sorted_shapes(
    a: Point, da: Vector, b: Point, db: Vector, step: float, limit: int | None
) -> Iterator[list[Point]]:
    """The shapes of :func:`_shapes_x`, then the S shapes (four bends, so always after
    them), each sorted by bends and length."""
    if db[1] != 0:  # an L, then the three-bend shapes, whose lengths differ
        ordered = sorted(
            _shapes_x(a, da, b, db, step), key=lambda route: (len(route), _length(route))
        )
        yield from ordered if limit is None else ordered[:limit]
        return
    # Two horizontal sides: the straight line, then Zs (all as long as each other, from
    # the middle outwards) or Us (each longer than the last): made in order already, and
    # made only as far as the router reads.
    made = 0
    for route in _shapes_x(a, da, b, db, step):
        if made == limit:
            return
        made += 1
        yield route
    yield from _s_shapes(a, da, b, db, step, None if limit is None else limit - made)


def _shapes_x(a: Point, da: Vector, b: Point, db: Vector, step: float) -> Iterator[list[Point]]:
    """The shapes with up to three bends (for two horizontal sides: up to two)."""
    ax, ay = a
    bx, by = b
    ahead = (bx - ax) * da[0] >= 0
    if db[1] != 0:  # b's side is vertical: L, or three bends
        if ahead and (ay - by) * db[1] >= 0:
            yield [a, (bx, ay), b]
        for x in _firsts(a, da, step):
            for y in (by + db[1] * k * step for k in (0, 1, 2, 4, 8)):
                yield [a, (x, ay), (x, y), (bx, y), b]
        return
    if db[0] == -da[0] and ahead:  # facing each other
        if ay == by:
            yield [a, b]
        for x in _between(ax, bx, step):
            yield [a, (x, ay), (x, by), b]
    elif db[0] == da[0]:  # same sides: U round the far end
        far = max(ax, bx) if da[0] > 0 else min(ax, bx)
        for k in range(6):
            x = far + da[0] * k * step / 2
            yield [a, (x, ay), (x, by), b]


def _s_shapes(
    a: Point, da: Vector, b: Point, db: Vector, step: float, limit: int | None
) -> list[list[Point]]:
    """The S shapes between two horizontal sides (through a channel above, below or
    between), the ``limit`` shortest, in a fixed order among equals.

    Their lengths are worked out from the three corners, in the order :func:`_length`
    adds them up (so equal lengths tie the same way), and only the routes kept are built:
    there are some eighty per edge, and the router looks at a few.
    """
    (ax, ay), (bx, by) = a, b
    lasts = [bx + db[0] * k * step for k in (0, 1, 3)]
    # Each leg's length worked out once, and added up in route order.
    across = [
        (x1, abs(x1 - ax), x2, abs(x2 - x1), abs(bx - x2))
        for x1 in _firsts(a, da, step)
        for x2 in lasts
    ]
    corners = [
        (first + up + middle + down + last, x1, y, x2)
        for y, up, down in ((y, abs(y - ay), abs(by - y)) for y in _channels(ay, by, step))
        for x1, first, x2, middle, last in across
    ]
    corners.sort(key=lambda corner: corner[0])
    kept = corners if limit is None else corners[:limit]
    return [[a, (x1, ay), (x1, y), (x2, y), (x2, by), b] for _, x1, y, x2 in kept]


def _firsts(a: Point, da: Vector, step: float) -> list[float]:
    """Where the first leg, straight out of ``a``, may bend."""
    return [a[0] + da[0] * k * step for k in (0, 1, 3)]


def _channels(ay: float, by: float, step: float) -> list[float]:
    """Heights for the middle leg of an S: between the ends, then above and below both."""
    low, high = min(ay, by), max(ay, by)
    found = [(ay + by) / 2] if high - low > 2 * step else []
    for k in (1, 2, 4, 6):
        found.extend((low - 2 * k * step, high + 2 * k * step))
    return found


def _between(low: float, high: float, step: float) -> list[float]:
    """Positions from the middle of ``low``–``high`` outwards, ``step / 2`` apart."""
    middle = (low + high) / 2
    half = abs(high - low) / 2
    found = [middle]
    k = 1
    while k * step / 2 <= half and len(found) < 12:
        found.extend((middle - k * step / 2, middle + k * step / 2))
        k += 1
    return found


def _length(route: list[Point]) -> float:
    total = 0.0
    (px, py), rest = route[0], route[1:]
    for x, y in rest:  # a plain loop: this runs for every candidate of every edge
        total += abs(x - px) + abs(y - py)
        px, py = x, y
    return total


def _swap(p: Point) -> Point:
    return p[1], p[0]


def _swap_v(v: Vector) -> Vector:
    return v[1], v[0]
