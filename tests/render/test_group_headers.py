"""Edges keep out of group icons and titles where they have a choice.

A group's icon and title sit in its top padding, where its channel ring runs too; they are
drawn over the edges, so an edge through them is half hidden. Channel legs through them
cost more, a leg of a simple shape through one counts as a crossing, and an edge that leaves
a group from the top of a service in its top row goes straight out of the frame first.
"""

from __future__ import annotations

import itertools

import pytest

from archdsl.layout import Layout, channels, layout
from archdsl.layout.channels import HEADER_COST, ChannelNetwork, Node
from archdsl.layout.edges import _end
from archdsl.layout.model import Box, Point
from archdsl.layout.route import End, Router
from archdsl.layout.tree import Tree
from benchmarks.generate import generate
from tests.render.cases import CASES, diagram


def _headers(placed: Layout) -> list[Box]:
    boxes = [group.icon_box for group in placed.groups if group.icon_box is not None]
    return boxes + [group.title.box for group in placed.groups if group.title is not None]


def _through(p: Point | Node, q: Point | Node, box: Box) -> bool:
    """Does the axis-parallel leg ``p``–``q`` pass through ``box``'s interior?"""
    if p[1] == q[1]:
        return box.y < p[1] < box.bottom and min(p[0], q[0]) < box.right and max(p[0], q[0]) > box.x
    return box.x < p[0] < box.right and min(p[1], q[1]) < box.bottom and max(p[1], q[1]) > box.y


def test_channel_legs_through_a_group_header_cost_more(
    channel_networks: list[ChannelNetwork],
) -> None:
    placed = layout(diagram(generate(250)))
    headers = _headers(placed)
    assert channel_networks and headers
    dear = cheap = 0
    for u, v, leg in channel_networks[-1].legs.legs():
        if leg.bend or u[2] > 1 or v[2] > 1:
            continue  # a bend, or an edge end's own leg
        through = any(_through(u, v, box) for box in headers)
        length = abs(u[0] - v[0]) + abs(u[1] - v[1])
        assert leg.length == pytest.approx(length * (HEADER_COST if through else 1.0))
        if through:
            assert leg.length > length  # dearer than its length, not just consistent
        dear += through
        cheap += not through
    assert dear > 10 and cheap > 1000


def _legs_through_headers(placed: Layout) -> int:
    headers = _headers(placed)
    return sum(
        any(_through(p, q, box) for box in headers)
        for edge in placed.edges
        for p, q in itertools.pairwise(edge.points)
    )


def test_fewer_edges_run_through_group_headers_than_when_they_cost_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    generated = diagram(generate(300))
    avoiding = _legs_through_headers(layout(generated))
    monkeypatch.setattr(channels, "HEADER_COST", 1.0)
    monkeypatch.setattr(Router, "_crossings", _crossings_without_headers)
    indifferent = _legs_through_headers(layout(generated))
    assert avoiding * 3 < indifferent * 2  # 15 and 27 legs here


def _crossings_without_headers(self: Router, points: list[Point], enough: int | None) -> int:
    """The router's crossing count before group headers counted (all of them, ``enough``
    ignored: the same choice, see test_routing_scale)."""
    return sum(self.log.crossings(p, q) for p, q in itertools.pairwise(points))


def _route(headers: list[Box]) -> tuple[Point, ...]:
    """From (0, 0) rightwards into (200, 100) from the left, nothing in the way: a Z."""
    router = Router([], clearance=20.0, bend_cost=160.0, headers=headers)
    return router.route(End((0.0, 0.0), "R", ()), End((200.0, 100.0), "L", ()))


def test_a_shape_through_a_group_header_is_passed_over_for_one_beside_it() -> None:
    assert _route([]) == ((0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (200.0, 100.0))
    header = Box(90.0, 40.0, 30.0, 20.0)  # across the Z's middle leg
    points = _route([header])
    assert len(points) == 4  # still a Z, one step aside
    assert not any(_through(p, q, header) for p, q in itertools.pairwise(points))


def test_an_edge_that_must_pass_a_header_still_does() -> None:
    """The only way into ``orders`` from above is through its group's title band."""
    (edge,) = layout(diagram(CASES["into-a-group-corner"])).edges
    assert len(edge.points) == 2  # straight down, as before


def test_a_top_stub_in_a_header_band_goes_on_out_of_the_frame_when_the_edge_leaves() -> None:
    text = CASES["into-a-group-corner"] + "    service cache(database)[Cache] in storage\n"
    parsed = diagram(text)
    placed = layout(parsed)
    nodes = {node.id: node for node in placed.nodes}
    groups = {group.id: group for group in placed.groups}
    frame, title = groups["storage"].box, groups["storage"].title
    orders_top = parsed.edges[0].rhs
    assert title is not None and title.box.y < nodes["orders"].box.y - 24.0 < title.box.bottom

    leaving = _end(orders_top, "worker", nodes, groups, Tree.of(parsed), 24.0)
    assert leaving.point == (nodes["orders"].box.cx, nodes["orders"].box.y)
    assert leaving.stub == ((nodes["orders"].box.cx, frame.y - 24.0),)
    assert leaving.anchor == (None, "storage")  # routed as if it left the group's top

    staying = _end(orders_top, "cache", nodes, groups, Tree.of(parsed), 24.0)
    assert staying.stub == ((nodes["orders"].box.cx, nodes["orders"].box.y - 24.0),)
    assert staying.anchor == ("storage", "orders")
