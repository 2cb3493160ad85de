"""The routing stays near-linear: bounded channel searches, and look-ups that do not scan.

No time is asserted (timings belong to ``benchmarks/``); the work is counted instead: the
A* steps the channel network spends on a generated diagram, which grew quadratically
when crowded channels made the greedy search flood the network.
"""

from __future__ import annotations

import itertools
import math
import random

import pytest

from archdsl.api import parse
from archdsl.layout import Layout, channels, layout
from archdsl.layout.channel_graph import Search
from archdsl.layout.channels import ChannelNetwork, Node, crowding
from archdsl.layout.model import Box, Point
from archdsl.layout.obstacles import ObstacleIndex
from archdsl.layout.route import OUTWARD, Router
from archdsl.layout.route_shapes import candidate_routes
from archdsl.layout.segments import SegmentLog, line_of
from benchmarks.generate import generate
from tests.render.cases import layout_json
from tests.render.geometry import problems


def _layout(services: int) -> Layout:
    diagram = parse(generate(services)).diagram
    assert diagram is not None
    return layout(diagram)


def _random_boxes(count: int, seed: int = 3) -> list[Box]:
    rng = random.Random(seed)
    return [
        Box(
            rng.uniform(-500, 3000),
            rng.uniform(-500, 2000),
            rng.uniform(5, 300),
            rng.uniform(5, 90),
        )
        for _ in range(count)
    ]


def test_crowding_grows_with_use_but_stays_well_below_the_heuristic() -> None:
    costs = [crowding(used) for used in range(40)]
    assert costs[0] == 1.0
    assert all(a < b for a, b in itertools.pairwise(costs[:20]))
    assert max(costs) <= channels.CROWDING_LIMIT <= channels._HEURISTIC_FACTOR - 1


def test_channel_search_work_stays_bounded(channel_networks: list[ChannelNetwork]) -> None:
    networks = channel_networks
    _layout(500)
    assert networks
    spent = channels.LAYOUT_STEPS - networks[-1].steps_left
    # About 7,700 steps. 14,000 before express legs, searches kept out of unrelated groups
    # and crowding limited to 2.5; 24,000 when A* also expanded nodes again on cheaper ways
    # to them, and over 200,000 with the unbounded crowding penalty.
    assert spent < 10_000


def test_routes_found_from_the_far_end_keep_the_quality_floor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Tiny first budgets make many routes come from the search that starts at the target.
    monkeypatch.setattr(channels, "FIRST_TRY_STEPS", 4)
    targets: list[Node] = []
    from_far_end: list[bool] = []
    race, advance = ChannelNetwork._race, ChannelNetwork._advance

    def spy_race(
        self: ChannelNetwork, source: Node, target: Node, passable: list[bool]
    ) -> list[Node] | None:
        targets.append(target)
        return race(self, source, target, passable)

    def spy_advance(self: ChannelNetwork, search: Search, steps: int) -> list[Node] | None:
        path = advance(self, search, steps)
        if path is not None:
            from_far_end.append(path[0] == targets[-1])
        return path

    monkeypatch.setattr(ChannelNetwork, "_race", spy_race)
    monkeypatch.setattr(ChannelNetwork, "_advance", spy_advance)
    text = generate(120)
    first = layout_json(text)
    assert problems(first, allow_notes=True) == []
    assert layout_json(text) == first
    assert any(from_far_end) and not all(from_far_end)


def test_a_larger_generated_diagram_keeps_the_quality_floor() -> None:
    result = layout_json(generate(400))
    assert problems(result, allow_notes=True) == []


def test_count_near_counts_box_centres_in_the_buckets_met() -> None:
    boxes = _random_boxes(300)
    index = ObstacleIndex(boxes, cell=160.0)
    for area in [*_random_boxes(60, seed=9), Box(-10_000, -10_000, 30_000, 30_000)]:
        columns = range(math.floor(area.x / 160), math.floor(area.right / 160) + 1)
        rows = range(math.floor(area.y / 160), math.floor(area.bottom / 160) + 1)
        expected = sum(
            math.floor(b.cx / 160) in columns and math.floor(b.cy / 160) in rows for b in boxes
        )
        assert index.count_near(area) == expected


def test_count_near_follows_added_boxes() -> None:
    index = ObstacleIndex([], cell=100.0)
    area = Box(0, 0, 1000, 1000)
    assert index.count_near(area) == 0
    index.add(Box(10, 10, 20, 20))
    assert index.count_near(area) == 1


def test_overlaps_any_agrees_with_a_scan() -> None:
    boxes = _random_boxes(200)
    index = ObstacleIndex(boxes, cell=160.0)
    for area in _random_boxes(200, seed=11):
        assert index.overlaps_any(area) == any(area.overlaps(b) for b in boxes)


def _random_legs(rng: random.Random, count: int) -> list[tuple[Point, Point]]:
    legs: list[tuple[Point, Point]] = []
    for _ in range(count):
        x, y = rng.choice((0.0, 128.0, 300.0, rng.uniform(-400, 900))), rng.uniform(-400, 900)
        length = rng.choice((0.0, rng.uniform(1, 80), rng.uniform(100, 1200)))
        end = (x + length, y) if rng.random() < 0.5 else (x, y + length)
        legs.append(((x, y), end) if rng.random() < 0.5 else (end, (x, y)))
    return legs


def _crosses(a: Point, b: Point, c: Point, d: Point) -> bool:
    (axis, at, low, high), (other_axis, other, lo, hi) = line_of(a, b), line_of(c, d)
    return axis != other_axis and low < other < high and lo < at < hi


def test_crossings_count_each_distinct_leg_crossed_once() -> None:
    # Crossings are counted in the bucket of the crossing point, with no set of legs seen.
    rng = random.Random(5)
    log = SegmentLog()
    drawn = _random_legs(rng, 300)
    drawn += drawn[:40]  # edges drawn twice over the same legs count once
    for leg in drawn:
        log.add(leg)
    logged = set(drawn)
    for a, b in _random_legs(rng, 300):
        assert log.crossings(a, b) == sum(_crosses(a, b, c, d) for c, d in logged)


def test_candidate_routes_cut_short_are_the_start_of_the_whole_sorted_list() -> None:
    rng = random.Random(8)
    sides = ((1, 0), (-1, 0), (0, 1), (0, -1))
    for _ in range(500):
        a = (rng.uniform(-300, 300), rng.choice((0.0, rng.uniform(-300, 300))))
        b = (rng.choice((a[0], rng.uniform(-300, 300))), rng.choice((a[1], 40.0, -40.0)))
        da, db = rng.choice(sides), rng.choice(sides)
        every = candidate_routes(a, da, b, db, 40.0)
        keys = [(len(route), _length(route)) for route in every]
        for (bends, length), (next_bends, next_length) in itertools.pairwise(keys):
            assert bends < next_bends or (bends == next_bends and length <= next_length + 1e-9)
        for limit in (1, 16, 40):
            assert candidate_routes(a, da, b, db, 40.0, limit) == every[:limit]


def _length(route: list[Point]) -> float:
    return sum(abs(p[0] - q[0]) + abs(p[1] - q[1]) for p, q in itertools.pairwise(route))


def _full_count_choice(router: Router, shapes: list[list[Point]]) -> list[Point] | None:
    """The router's rule with every overlap and crossing counted in full."""
    clear: list[tuple[tuple[bool, int, int, float, int], list[Point]]] = []
    for order, route in enumerate(shapes):
        if any(router.index.hits(p, q) for p, q in itertools.pairwise(route)):
            continue
        legs = list(itertools.pairwise(route))
        overlap = sum(router.log.overlap(p, q, router._ports) for p, q in legs)
        crossings = sum(router.log.crossings(p, q) for p, q in legs)
        if overlap == 0 and crossings == 0 and (not clear or len(route) <= len(clear[0][1])):
            return route
        clear.append(((overlap > 0, crossings, len(route), overlap, order), route))
        if len(clear) >= 4:
            break
    return min(clear, key=lambda item: item[0])[1] if clear else None


def test_the_best_clear_shape_is_the_one_a_full_count_picks() -> None:
    rng = random.Random(11)
    boxes = _random_boxes(40, seed=5)
    router = Router(boxes, clearance=20.0, bend_cost=160.0)
    picked_differently = 0
    for _ in range(300):
        a = (rng.uniform(-500, 3000), rng.uniform(-500, 2000))
        b = (rng.uniform(-500, 3000), rng.uniform(-500, 2000))
        da, db = rng.choice(list(OUTWARD.values())), rng.choice(list(OUTWARD.values()))
        shapes = candidate_routes(a, da, b, db, 20.0, 40)
        router._overlap_seen, router._crossings_seen = {}, {}
        expected = _full_count_choice(router, shapes)
        assert router._best_clear(shapes) == expected
        picked_differently += expected is not None and expected != shapes[0]
        if expected is not None:
            router.log.add(expected)  # later shapes meet more drawn legs
    assert picked_differently > 30  # the choice is often not simply the first shape
