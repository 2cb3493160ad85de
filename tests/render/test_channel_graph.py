"""The channel network's own graph: its edits behave like networkx's, its express legs
stay true to the legs they span, and its A* finds routes within the promised factor of
the cheapest, through the owners it may pass only."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest

from archdsl.layout.channel_graph import EXPRESS_SPAN, ChannelGraph, Express, Leg, Node
from archdsl.layout.route import simplify


def _grid(size: int, seed: int) -> ChannelGraph:
    """A size x size lattice of horizontal and vertical lines with random leg costs and
    a bend between the two directions at every crossing."""
    rng = random.Random(seed)
    graph = ChannelGraph()
    for i, j in itertools.product(range(size), repeat=2):
        x, y = float(i * 10), float(j * 10)
        graph.add((x, y, 0), (x, y, 1), Leg(0.0, 5.0, 0, 5.0))
        if i + 1 < size:
            graph.add((x, y, 0), (x + 10, y, 0), Leg(10.0, 0.0, 0, 10.0 * rng.uniform(1, 3.9)))
        if j + 1 < size:
            graph.add((x, y, 1), (x, y + 10, 1), Leg(10.0, 0.0, 0, 10.0 * rng.uniform(1, 3.9)))
    return graph


def _astar(
    graph: ChannelGraph, source: Node, target: Node, budget: int
) -> tuple[list[Node] | None, int]:
    """One run of a search: the route (None if the budget ran out) and the steps taken."""
    search = graph.search(source, target, 4.0)
    return search.run(budget), search.steps


def _cost(graph: ChannelGraph, path: list[Node]) -> float:
    total = 0.0
    for u, v in itertools.pairwise(path):
        leg = graph.leg(u, v)
        assert leg is not None, f"{u} and {v} are not joined"
        total += leg.cost
    return total


@pytest.mark.parametrize("seed", range(6))
def test_astar_routes_cost_at_most_the_factor_times_the_cheapest(seed: int) -> None:
    graph = _grid(9, seed)
    reference = graph.to_networkx()
    rng = random.Random(seed)
    for _ in range(10):
        source: Node = (rng.randrange(9) * 10.0, rng.randrange(9) * 10.0, rng.randrange(2))
        target: Node = (rng.randrange(9) * 10.0, rng.randrange(9) * 10.0, rng.randrange(2))
        path, steps = _astar(graph, source, target, 10_000)
        assert path is not None and path[0] == source and path[-1] == target
        cheapest = nx.shortest_path_length(reference, source, target, weight="cost")
        assert _cost(graph, path) <= 4 * cheapest + 1e-9
        assert 0 < steps <= 2 * len(reference)


def _lattice(size: int, seed: int) -> ChannelGraph:
    """Like :func:`_grid`, but built line by line (so with express legs), then with a
    random cost set on every leg along the lines."""
    rng = random.Random(seed)
    graph = ChannelGraph()
    for k in range(size):
        graph.add_line(0, [(i * 10.0, k * 10.0) for i in range(size)], 5.0)
        graph.add_line(1, [(k * 10.0, j * 10.0) for j in range(size)], 5.0)
    for _, _, leg in graph.legs():
        if leg.length:
            leg.set_cost(leg.length, leg.length * rng.uniform(1, 2.5))
    return graph


@pytest.mark.parametrize("seed", range(4))
def test_astar_with_express_legs_keeps_within_the_factor_of_the_cheapest(seed: int) -> None:
    graph = _lattice(2 * EXPRESS_SPAN + 3, seed)
    assert _express_legs(graph)
    reference = graph.to_networkx()  # the plain legs: the same cheapest routes
    rng = random.Random(seed)
    last = (2 * EXPRESS_SPAN + 2) * 10.0
    for _ in range(10):
        source: Node = (0.0, rng.randrange(3) * 10.0, 0)
        target: Node = (last, last - rng.randrange(3) * 10.0, rng.randrange(2))
        path, _ = _astar(graph, source, target, 10_000)
        assert path is not None and path[0] == source and path[-1] == target
        cheapest = nx.shortest_path_length(reference, source, target, weight="cost")
        assert _cost(graph, path) <= 4 * cheapest + 1e-9


def test_astar_gives_up_when_its_budget_runs_out() -> None:
    graph = _grid(9, 0)
    path, steps = _astar(graph, (0.0, 0.0, 0), (80.0, 80.0, 1), 5)
    assert path is None
    assert steps == 5


def test_adding_a_leg_again_takes_the_new_values_in_place() -> None:
    graph = ChannelGraph()
    first = Leg(10.0, 0.0, 3, 25.0)
    graph.add((0.0, 0.0, 0), (10.0, 0.0, 0), first)
    graph.add((10.0, 0.0, 0), (0.0, 0.0, 0), Leg(12.0, 0.0, 0, 12.0))
    assert graph.leg((0.0, 0.0, 0), (10.0, 0.0, 0)) is first
    assert (first.length, first.used, first.cost) == (12.0, 0, 12.0)
    assert len(graph.legs()) == 1


def test_removed_legs_and_lone_nodes_are_gone() -> None:
    graph = ChannelGraph()
    a, b, c = (0.0, 0.0, 0), (10.0, 0.0, 0), (20.0, 0.0, 0)
    graph.add(a, b, Leg(10.0, 0.0, 0, 10.0))
    graph.add(b, c, Leg(10.0, 0.0, 0, 10.0))
    graph.remove(b, c)
    assert graph.leg(b, c) is None and graph.leg(c, b) is None
    graph.discard_if_alone(b)  # still joined to a: kept
    graph.discard_if_alone(c)
    assert b in graph and c not in graph
    assert set(graph.to_networkx().edges) == {(a, b)}
    graph.add(b, c, Leg(10.0, 0.0, 0, 10.0))  # a forgotten node comes back
    assert _astar(graph, a, c, 10)[0] == [a, b, c]


def test_a_search_run_in_pieces_finds_what_one_run_finds() -> None:
    graph = _grid(12, 3)
    source: Node = (0.0, 110.0, 0)
    target: Node = (110.0, 0.0, 1)
    whole, steps = _astar(graph, source, target, 10_000)
    search = graph.search(source, target, 4.0)
    pieces = 0
    while (path := search.run(3)) is None:
        pieces += 1
        assert not search.exhausted
    assert path == whole
    assert search.steps == steps and pieces >= steps // 3 - 1
    assert search.run(3) == whole and search.steps == steps  # found: no more steps


def test_a_search_with_no_way_through_ends_exhausted() -> None:
    graph = _grid(4, 0)
    graph.add((100.0, 100.0, 0), (110.0, 100.0, 0), Leg(10.0, 0.0, 0, 10.0))
    search = graph.search((0.0, 0.0, 0), (110.0, 100.0, 0), 4.0)
    assert search.run(10_000) is None
    assert search.exhausted
    assert search.steps <= 1 + 2 * len(graph.legs())  # one per leg and direction, at most


def test_add_line_is_add_for_each_leg_then_each_bend() -> None:
    """Same legs, same values, each node's legs in the same order (A* breaks ties in that
    order), as the :meth:`ChannelGraph.add` calls that the docstring spells out."""
    lines = [
        (0, [(0.0, 0.0), (10.0, 0.0), (25.0, 0.0)]),
        (1, [(10.0, -5.0), (10.0, 0.0), (10.0, 30.0)]),
        (0, [(10.0, 30.0), (40.0, 30.0)]),
        (1, [(25.0, 0.0), (25.0, 12.5)]),
    ]
    by_line, by_leg = ChannelGraph(), ChannelGraph()
    for axis, points in lines:
        numbers = by_line.add_line(axis, points, 7.0)
        assert [by_line._nodes[n] for n in numbers] == [(x, y, axis) for x, y in points]
        for p, q in itertools.pairwise(points):
            length = abs(q[0] - p[0]) + abs(q[1] - p[1])
            by_leg.add((*p, axis), (*q, axis), Leg(length, 0.0, 0, length))
        for x, y in points:
            pair: tuple[Node, Node] = ((x, y, axis), (x, y, 1 - axis))
            by_leg.add(*(pair if axis == 0 else pair[::-1]), Leg(0.0, 7.0, 0, 7.0))

    def described(graph: ChannelGraph) -> list[tuple[Node, list[tuple[Node, tuple[float, ...]]]]]:
        return [
            (
                node,
                [
                    (graph._nodes[b], (leg.length, leg.bend, leg.used, leg.cost))
                    for b, leg in graph.adjacency[graph._ids[node]].items()
                ],
            )
            for node in graph._ids
        ]

    assert described(by_line) == described(by_leg)
    assert len(by_line.legs()) == 6 + 7  # legs along the lines, a bend at each of 7 points


def _line(count: int, spacing: float = 10.0) -> tuple[ChannelGraph, list[int]]:
    """One horizontal line of ``count`` points, ``spacing`` apart."""
    graph = ChannelGraph()
    numbers = graph.add_line(0, [(k * spacing, 0.0) for k in range(count)], 5.0)
    return graph, numbers


def _express_legs(graph: ChannelGraph) -> list[tuple[int, int, Express]]:
    return [
        (a, b, leg)
        for a, legs in enumerate(graph.adjacency)
        for b, leg in legs.items()
        if a < b and isinstance(leg, Express)
    ]


def test_an_express_leg_spans_each_whole_run_of_legs_along_a_line() -> None:
    graph, numbers = _line(2 * EXPRESS_SPAN + 4)
    express = _express_legs(graph)
    spans = [
        (numbers[0], numbers[EXPRESS_SPAN]),
        (numbers[EXPRESS_SPAN], numbers[2 * EXPRESS_SPAN]),
    ]
    assert [(a, b) for a, b, _ in express] == spans
    for a, b, leg in express:
        assert leg.ends == (a, b)
        assert (leg.length, leg.cost, leg.bend) == (10.0 * EXPRESS_SPAN, 10.0 * EXPRESS_SPAN, 0.0)
    spanned = [graph.adjacency[n][m] for n, m in itertools.pairwise(numbers)]
    assert [leg.express for leg in spanned] == (
        [express[0][2]] * EXPRESS_SPAN + [express[1][2]] * EXPRESS_SPAN + [None] * 3
    )
    assert len(graph.legs()) == len(numbers) - 1 + len(numbers)  # the legs and bends only


def test_an_express_leg_costs_what_its_legs_cost_as_they_change() -> None:
    graph, numbers = _line(EXPRESS_SPAN + 1)
    rng = random.Random(5)
    spanned = [graph.adjacency[n][m] for n, m in itertools.pairwise(numbers)]
    for _ in range(50):
        leg = rng.choice(spanned)
        length = leg.length * rng.choice((1.0, 10.0))
        leg.set_cost(length, length * rng.uniform(1, 2.5))
    express = spanned[0].express
    assert express is not None
    assert express.length == pytest.approx(sum(leg.length for leg in spanned))
    assert express.cost == pytest.approx(sum(leg.cost for leg in spanned))


def test_removing_a_leg_takes_the_express_leg_over_it_until_restored() -> None:
    graph, numbers = _line(EXPRESS_SPAN + 1)
    nodes = [graph._nodes[n] for n in numbers]
    ends = nodes[0], nodes[-1]
    express = graph.leg(*ends)
    taken = graph.remove(nodes[3], nodes[4])
    assert graph.leg(nodes[3], nodes[4]) is None and graph.leg(*ends) is None
    assert graph.search(*ends, 4.0).run(1_000) is None  # no way past the gap
    graph.restore(taken)
    assert graph.leg(*ends) is express
    assert graph.search(*ends, 4.0).run(1_000) == [nodes[0], nodes[-1]]


def test_astar_runs_along_a_long_line_express_leg_by_express_leg() -> None:
    graph, numbers = _line(20 * EXPRESS_SPAN + 1)
    stop = len(numbers) - 3  # not at the end of an express leg: the last few one by one
    source, target = graph._nodes[numbers[0]], graph._nodes[numbers[stop]]
    search = graph.search(source, target, 4.0)
    path = search.run(10_000)
    assert path is not None and path[0] == source and path[-1] == target
    # It may overshoot by an express leg and come back: drawn, that is the straight run.
    assert simplify([(x, y) for x, y, _ in path]) == [source[:2], target[:2]]
    assert _cost(graph, path) <= 10.0 * (stop + 2 * EXPRESS_SPAN)
    assert search.steps < 20 + 2 * EXPRESS_SPAN  # not one per point: 158 points


def test_a_search_passes_only_the_owners_it_may() -> None:
    # From a to b straight through a node of owner 1's, or round by owner 0's.
    graph = ChannelGraph()
    a, middle, b = (0.0, 0.0, 0), (20.0, 0.0, 0), (40.0, 0.0, 0)
    graph.add(middle, (20.0, 0.0, 1), Leg(0.0, 5.0, 0, 5.0), owner=1)
    graph.add(a, middle, Leg(20.0, 0.0, 0, 20.0))
    graph.add(middle, b, Leg(20.0, 0.0, 0, 20.0))
    detour = [a, (0.0, 30.0, 0), (40.0, 30.0, 0), b]
    for u, v in itertools.pairwise(detour):
        length = abs(u[0] - v[0]) + abs(u[1] - v[1])
        graph.add(u, v, Leg(length, 0.0, 0, length))
    assert [graph.owner(node) for node in (a, middle, b)] == [0, 1, 0]  # as first added
    assert graph.search(a, b, 4.0).run(100) == [a, middle, b]
    assert graph.search(a, b, 4.0, [True, True]).run(100) == [a, middle, b]
    assert graph.search(a, b, 4.0, [True, False]).run(100) == detour
