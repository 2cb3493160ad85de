"""Compaction: children as far left (and as high) as their rows, columns and links allow,
the picture growing with the diagram, and channel lines that stay clear of every node.

No time is asserted; the properties are geometric.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib

import pytest

from archdsl.api import parse
from archdsl.layout import Layout, LayoutOptions, layout
from archdsl.layout.channels import ChannelNetwork
from archdsl.layout.compact import Piece, Spacing, compact
from archdsl.layout.model import Box
from archdsl.layout.obstacles import ObstacleIndex
from archdsl.layout.place import _stacking
from benchmarks.generate import generate
from tests.render.cases import REPO_ROOT, layout_json


def _piece(key: str, column: int, row: int, width: float = 10.0, **extra: object) -> Piece:
    rigid = str(extra.get("rigid", key))
    offset = float(extra.get("offset", 0.0))  # type: ignore[arg-type]
    post = bool(extra.get("post", False))
    return Piece(key, column, row, width, rigid, offset, 5.0, 5.0, post)


def _layout(services: int) -> Layout:
    diagram = parse(generate(services)).diagram
    assert diagram is not None
    return layout(diagram, options=LayoutOptions(max_nodes=None))


def _whole(layout_: Layout) -> list[Box]:
    return [n.box.union(n.label.box) if n.label else n.box for n in layout_.nodes]


def test_unrelated_rows_do_not_share_column_widths() -> None:
    # A wide child in row 0 no longer pushes row 1's second child right.
    pieces = [
        _piece("wide", 0, 0, width=500.0),
        _piece("next", 1, 0),
        _piece("small", 0, 1),
        _piece("other", 1, 1),
    ]
    x = compact(pieces, [])
    assert x["next"] == 505.0
    assert x["other"] == 15.0


def test_links_keep_their_side_across_rows() -> None:
    pieces = [_piece("a", 0, 0, width=300.0), _piece("b", 1, 1)]
    assert compact(pieces, [])["b"] == 0.0
    assert compact(pieces, [Spacing("a", "b", 20.0)])["b"] == 320.0


def test_rigid_sets_move_together() -> None:
    # a (row 0) and b (row 2) share a vertical line: b sits 7 right of a, whatever pushes a.
    pieces = [
        _piece("p", 0, 0, width=100.0),
        _piece("a", 1, 0, rigid="a"),
        _piece("b", 1, 2, rigid="a", offset=7.0),
        _piece("q", 0, 2, width=10.0),
    ]
    x = compact(pieces, [])
    assert x["a"] == 105.0
    assert x["b"] - x["a"] == 7.0


def test_a_post_keeps_a_straight_line_clear() -> None:
    # The line from a down to b passes row 1, where c (a later column) would slide left.
    line = [
        _piece("a", 1, 0, rigid="a"),
        _piece("b", 1, 2, rigid="a"),
        _piece("post", 1, 1, width=0.0, rigid="a", offset=5.0, post=True),
    ]
    before = [_piece("left", 0, 1, width=200.0), _piece("c", 2, 1)]
    x = compact([*line, *before], [])
    assert x["post"] >= 205.0  # right of the wide child before it in row 1
    assert x["c"] >= x["post"] + 5.0  # and c stays right of the line
    assert x["a"] + 5.0 == x["post"]


def test_posts_crossing_each_other_still_give_an_answer() -> None:
    # Two lines in one column, each passing the other's end: one has to give way.
    pieces = [
        _piece("a", 0, 0, rigid="x"),
        _piece("b", 0, 3, rigid="x"),
        _piece("c", 0, 1, rigid="y"),
        _piece("d", 0, 4, rigid="y"),
        _piece("px", 0, 1, width=0.0, rigid="x", offset=5.0, post=True),
        _piece("py", 0, 3, width=0.0, rigid="y", offset=5.0, post=True),
    ]
    x = compact(pieces, [])
    assert set(x) == {p.key for p in pieces}
    assert x["b"] - x["a"] == 0.0 and x["d"] - x["c"] == 0.0


@pytest.mark.parametrize(("services", "floor"), [(100, 0.04), (500, 0.028), (1000, 0.02)])
def test_node_area_ratio_stays_above_a_floor(services: int, floor: float) -> None:
    # The tables made every column as wide as its widest child: nodes filled 2.0% of a
    # 500-service picture and less the larger it got. With x compacted, rows as tall as
    # their tallest child still left 4.2% (100), 2.6% (500) and 1.8% (1,000).
    placed = _layout(services)
    nodes = sum(b.width * b.height for b in _whole(placed))
    assert nodes / (placed.width * placed.height) > floor


def _row_piece(key: str, row: int, height: float = 10.0, **extra: object) -> Piece:
    """A piece for compaction along y: ``Piece.column`` holds its row."""
    rigid = str(extra.get("rigid", key))
    offset = float(extra.get("offset", 0.0))  # type: ignore[arg-type]
    post = bool(extra.get("post", False))
    return Piece(key, row, zlib.crc32(key.encode()), height, rigid, offset, 5.0, 5.0, post)


def test_a_child_rises_past_a_tall_child_of_another_column() -> None:
    # Row 0 holds a tall child and a short one; row 1's child under the short one only
    # needs to clear that one, not the whole row.
    pieces = [_row_piece("tall", 0, height=300.0), _row_piece("short", 0), _row_piece("b", 1)]
    spans = {"tall": (0.0, 100.0), "short": (150.0, 250.0), "b": (150.0, 250.0)}
    y = compact(pieces, list(_stacking(pieces, spans)))
    assert y["b"] == 15.0


def test_a_rail_keeps_a_straight_row_line_under_a_tall_child() -> None:
    # a and b (row 1) share a horizontal line that passes under the tall child of row 0;
    # the rail along it keeps the pair below that child, though neither overlaps it.
    pieces = [
        _row_piece("tall", 0, height=300.0),
        _row_piece("a", 1, rigid="a"),
        _row_piece("b", 1, rigid="a"),
        _row_piece("rail", 1, height=0.0, rigid="a", offset=5.0, post=True),
    ]
    spans = {"tall": (100.0, 200.0), "a": (0.0, 50.0), "b": (250.0, 300.0), "rail": (50.0, 250.0)}
    y = compact(pieces, list(_stacking(pieces, spans)))
    assert y["rail"] >= 305.0
    assert y["a"] == y["b"] == y["rail"] - 5.0


def test_stacking_asks_only_for_the_nearest_rows() -> None:
    # Row 1 covers the span of row 2's piece: no rule from row 0 to row 2 is needed.
    pieces = [_row_piece("top", 0), _row_piece("middle", 1), _row_piece("low", 2)]
    spans = {"top": (0.0, 100.0), "middle": (0.0, 100.0), "low": (10.0, 90.0)}
    rules = {(rule.left, rule.right) for rule in _stacking(pieces, spans)}
    assert rules == {("top", "middle"), ("middle", "low")}


def test_a_child_below_a_neighbour_of_a_tall_group_sits_beside_the_group() -> None:
    text = """architecture-beta
    group g(cloud)[G]
    service g1(server)[G1] in g
    service g2(server)[G2] in g
    service g3(server)[G3] in g
    service a(server)[A]
    service b(server)[B]
    g1:B -- T:g2
    g2:B -- T:g3
    g1{group}:R -- L:a
    a:B -- T:b
"""
    placed = layout_json(text)
    nodes = {n["id"]: n for n in placed["nodes"]}
    group = placed["groups"][0]
    a, b = nodes["a"], nodes["b"]
    a_bottom = a["label"]["y"] + a["label"]["height"]
    assert b["y"] - a_bottom == pytest.approx(48.0)  # one row gap under a
    assert b["y"] < group["y"] + group["height"]  # not under the group's whole row
    edges = {(e["source"], e["target"]): e for e in placed["edges"]}
    assert len(edges[("g1", "a")]["points"]) == 2  # the R-L line stays straight


def test_channel_lines_cross_no_node(channel_networks: list[ChannelNetwork]) -> None:
    networks = channel_networks
    placed = _layout(250)
    assert networks
    index = ObstacleIndex(_whole(placed), cell=160.0)
    blocked = [
        line
        for line in networks[-1].lines
        if index.hits(line.point(line.low), line.point(line.high))
    ]
    assert blocked == []


def test_compacted_layout_is_deterministic_across_hash_seeds() -> None:
    script = (
        "import json, sys; from benchmarks.generate import generate; "
        "from tests.render.cases import layout_json; "
        "sys.stdout.write(json.dumps(layout_json(generate(120)), sort_keys=True))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1
    assert json.loads(outputs.pop()) == layout_json(generate(120))
