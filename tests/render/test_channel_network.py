"""The channel network as routing uses it: a route between two services keeps to the
channels of the groups that hold them (and of the groups round those), out of every
other group's inside."""

from __future__ import annotations

import itertools

import pytest

from archdsl.api import parse
from archdsl.layout import layout
from archdsl.layout.channels import ChannelNetwork
from archdsl.layout.model import Box, Point
from archdsl.layout.tree import Container
from benchmarks.generate import generate

RouteEnd = tuple[Container, str, Point, tuple[int, int]]


def _inside(box: Box, point: Point) -> bool:
    return box.x < point[0] < box.right and box.y < point[1] < box.bottom


def _passes_through(box: Box, p: Point, q: Point) -> bool:
    """Does the axis-parallel leg ``p``-``q`` run through ``box``'s inside?"""
    (x1, x2), (y1, y2) = sorted((p[0], q[0])), sorted((p[1], q[1]))
    if x1 == x2:
        return box.x < x1 < box.right and max(y1, box.y) < min(y2, box.bottom)
    return box.y < y1 < box.bottom and max(x1, box.x) < min(x2, box.right)


def test_a_leg_through_a_box_is_told_from_one_beside_or_along_it() -> None:
    box = Box(0.0, 0.0, 10.0, 10.0)
    assert _passes_through(box, (-5.0, 5.0), (15.0, 5.0))
    assert _passes_through(box, (5.0, 20.0), (5.0, 8.0))
    assert not _passes_through(box, (-5.0, 0.0), (15.0, 0.0))  # along the frame
    assert not _passes_through(box, (12.0, -5.0), (12.0, 15.0))
    assert not _passes_through(box, (5.0, 10.0), (5.0, 30.0))  # from the frame outwards


def test_channel_routes_keep_out_of_groups_that_hold_neither_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    routes: list[list[Point]] = []
    route = ChannelNetwork.route

    def keep(self: ChannelNetwork, start: RouteEnd, end: RouteEnd) -> list[Point] | None:
        found = route(self, start, end)
        if found is not None:
            routes.append(found)
        return found

    monkeypatch.setattr(ChannelNetwork, "route", keep)
    diagram = parse(generate(300)).diagram
    assert diagram is not None
    frames = [group.box for group in layout(diagram).groups]
    assert len(routes) > 20
    strays = []
    for points in routes:
        ends = points[0], points[-1]
        others = [box for box in frames if not any(_inside(box, end) for end in ends)]
        for p, q in itertools.pairwise(points):
            strays += [(p, q) for box in others if _passes_through(box, p, q)]
    assert strays == []
