"""The obstacle index answers "does this leg cross a box?" exactly as a walk over every box.

It keeps, per line, the stretches that lie inside boxes (merged where boxes overlap); these
tests hold it to the plain definition on random boxes, including boxes that touch (the
point where they meet stays free) and legs of no length.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from archdsl.layout.model import Box, Point
from archdsl.layout.obstacles import ObstacleIndex

# Small integer coordinates, so that legs often run along box edges and boxes touch.
coordinate = st.integers(min_value=0, max_value=12).map(float)
size = st.integers(min_value=0, max_value=6).map(float)
boxes = st.lists(st.builds(Box, coordinate, coordinate, size, size), max_size=12)


@st.composite
def legs(draw: st.DrawFn) -> tuple[Point, Point]:
    """An axis-parallel leg, either way round, possibly of no length."""
    at, start, end = draw(coordinate), draw(coordinate), draw(coordinate)
    if draw(st.booleans()):
        return (start, at), (end, at)
    return (at, start), (at, end)


def crosses_a_box(boxes: list[Box], a: Point, b: Point) -> bool:
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    return any(
        x0 < box.x + box.width and box.x < x1 and y0 < box.y + box.height and box.y < y1
        for box in boxes
    )


@settings(max_examples=300, deadline=None)
@given(boxes, st.lists(legs(), min_size=1, max_size=20), st.sampled_from([1.0, 3.0, 50.0]))
def test_hits_is_the_walk_over_every_box(
    found: list[Box], asked: list[tuple[Point, Point]], cell: float
) -> None:
    index = ObstacleIndex(found, cell=cell)
    for a, b in asked:
        assert index.hits(a, b) == crosses_a_box(found, a, b), (a, b)


def test_touching_boxes_leave_the_point_between_them_free() -> None:
    index = ObstacleIndex([Box(0, 0, 10, 10), Box(10, 0, 10, 10)], cell=4)
    assert not index.hits((10, 5), (10, 5))  # on the shared border
    assert not index.hits((10, 0), (10, 10))  # along it
    assert index.hits((9, 5), (11, 5))  # through both
    assert index.hits((12, 5), (12, 5))  # a point inside the second


def test_a_box_added_later_counts_on_lines_asked_before() -> None:
    index = ObstacleIndex([Box(0, 0, 10, 10)], cell=4)
    assert not index.hits((20, 5), (30, 5))
    index.add(Box(22, 0, 4, 10))
    assert index.hits((20, 5), (30, 5))


@settings(max_examples=200, deadline=None)
@given(boxes, st.lists(coordinate, min_size=2, max_size=7), st.booleans())
def test_blocks_asks_hits_of_every_leg(
    found: list[Box], turns: list[float], horizontal_first: bool
) -> None:
    # An orthogonal route from alternating coordinates: x, y, x, y, ...
    points: list[Point] = [(turns[0], turns[1])]
    for turn, value in enumerate(turns[2:]):
        x, y = points[-1]
        along_x = (turn % 2 == 0) == horizontal_first
        points.append((value, y) if along_x else (x, value))
    index = ObstacleIndex(found, cell=4.0)
    expected = any(crosses_a_box(found, a, b) for a, b in itertools.pairwise(points))
    assert index.blocks(points) == expected
