"""Compaction: children as far left as their rows and links allow, the picture growing
with the diagram, and channel lines that stay clear of every node.

No time is asserted; the properties are geometric.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from archdsl.api import parse
from archdsl.layout import Layout, LayoutOptions, layout
from archdsl.layout.channels import ChannelNetwork
from archdsl.layout.compact import Piece, Spacing, compact
from archdsl.layout.model import Box
from archdsl.layout.obstacles import ObstacleIndex
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


@pytest.mark.parametrize("services", [100, 500])
def test_node_area_ratio_stays_above_a_floor(services: int) -> None:
    # The tables made every column as wide as its widest child: nodes filled 2.0% of a
    # 500-service picture and less the larger it got.
    placed = _layout(services)
    nodes = sum(b.width * b.height for b in _whole(placed))
    assert nodes / (placed.width * placed.height) > 0.022


def test_channel_lines_cross_no_node(monkeypatch: pytest.MonkeyPatch) -> None:
    networks: list[ChannelNetwork] = []
    build = ChannelNetwork.__init__

    def keep(self: ChannelNetwork, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        build(self, *args, **kwargs)
        networks.append(self)

    monkeypatch.setattr(ChannelNetwork, "__init__", keep)
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
