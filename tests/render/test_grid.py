"""Grid placement's search for a free cell: the candidate order it relies on."""

from __future__ import annotations

import itertools

import pytest

from archdsl.layout import grid

DIRECTIONS = [(dx, dy) for dx, dy in itertools.product((-1, 0, 1), repeat=2) if (dx, dy) != (0, 0)]


def _every_offset_sorted(dx: int, dy: int, vertical_first: bool) -> list[grid.Cell]:
    """The whole order, worked out the plain way: every offset in the direction, sorted."""
    r = grid._SEARCH_RADIUS
    xs = range(1, r + 1) if dx > 0 else range(-r, 0) if dx < 0 else range(-r, r + 1)
    ys = range(1, r + 1) if dy > 0 else range(-r, 0) if dy < 0 else range(-r, r + 1)
    offsets = [(x, y) for x in xs for y in ys if (x, y) != (0, 0)]
    return sorted(offsets, key=lambda o: grid._cost(o, dx, dy, vertical_first))


@pytest.mark.parametrize("vertical_first", [True, False])
@pytest.mark.parametrize(("dx", "dy"), DIRECTIONS)
def test_candidates_come_in_the_full_order(dx: int, dy: int, vertical_first: bool) -> None:
    expected = _every_offset_sorted(dx, dy, vertical_first)
    assert list(grid._candidates(dx, dy, vertical_first)) == expected


@pytest.mark.parametrize(("dx", "dy"), DIRECTIONS)
def test_the_near_window_holds_more_than_a_search_looks_at(dx: int, dy: int) -> None:
    # A free cell is looked for among the first 66 candidates (then the least bad one is
    # taken): the cheap window alone should serve every uncrowded search.
    assert len(grid._sorted_offsets(dx, dy, False, near=True)) > 66
