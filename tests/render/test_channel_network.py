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
from tests.render import geometry

RouteEnd = tuple[Container, str, Point, tuple[int, int]]


def _inside(box: Box, point: Point) -> bool:
    return box.x < point[0] < box.right and box.y < point[1] < box.bottom


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
        others = [
            (box.x, box.y, box.width, box.height)
            for box in frames
            if not any(_inside(box, end) for end in ends)
        ]
        for p, q in itertools.pairwise(points):
            strays += [(p, q) for box in others if geometry.overlaps(geometry.leg_box(p, q), box)]
    assert strays == []
