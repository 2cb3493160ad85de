"""PNG and layout JSON outputs, the layout's limit and the engine registry."""

from __future__ import annotations

import json

import pytest

from archdsl.emit.layout_json import render_layout_json
from archdsl.emit.png import PngTooLarge, png_size, render_png
from archdsl.layout import (
    Layout,
    LayoutOptions,
    LayoutTooLarge,
    engines,
    layout,
    register_engine,
)
from archdsl.model import Diagram
from tests.render.cases import CASES, diagram


@pytest.mark.parametrize("scale", [1.0, 2.0, 0.5])
def test_png_is_a_png_of_the_layout_size(scale: float) -> None:
    d = diagram(CASES["aws-order-pipeline"])
    placed = layout(d)
    data = render_png(d, scale=scale, geometry=placed)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = png_size(data)
    assert abs(width - placed.width * scale) <= 1
    assert abs(height - placed.height * scale) <= 1


def test_png_is_deterministic_and_rejects_bad_scales() -> None:
    d = diagram(CASES["junctions"])
    assert render_png(d) == render_png(d)
    with pytest.raises(ValueError, match="scale"):
        render_png(d, scale=0)


def test_png_shows_the_labels() -> None:
    # A dark theme PNG of one labelled node: the label must put light pixels below the
    # icon (a machine without fonts would leave that band empty).
    import struct
    import zlib

    d = diagram("architecture-beta\n    service a(server)[WWWWWWWW]\n")
    placed = layout(d)
    data = render_png(d, theme="dark", geometry=placed)
    width, _ = png_size(data)
    raw = b"".join(
        data[i + 8 : i + 8 + struct.unpack(">I", data[i : i + 4])[0]]
        for i in _chunks(data, b"IDAT")
    )
    pixels = zlib.decompress(raw)
    label = placed.nodes[0].label
    assert label is not None
    row_bytes = 1 + width * 4
    rows = range(int(label.box.y), int(label.box.bottom))
    bright = 0
    for y in rows:
        row = pixels[y * row_bytes + 1 : (y + 1) * row_bytes]
        bright += sum(1 for x in range(0, len(row), 4) if row[x] > 150)
    assert bright > 20


def _chunks(data: bytes, kind: bytes) -> list[int]:
    import struct

    found, i = [], 8
    while i < len(data):
        length = struct.unpack(">I", data[i : i + 4])[0]
        if data[i + 4 : i + 8] == kind:
            found.append(i)
        i += 12 + length
    return found


def test_png_refuses_huge_pictures_with_a_scale_that_fits() -> None:
    d = diagram(CASES["aws-order-pipeline"])
    with pytest.raises(PngTooLarge, match=r"--scale 0\.\d\d fits"):
        render_png(d, max_pixels=100_000)


def test_layout_json_has_the_spec_shape() -> None:
    result = json.loads(render_layout_json(diagram(CASES["group-edges"])))
    assert {"width", "height", "nodes", "groups", "edges"} <= set(result)
    for node in result["nodes"]:
        assert {"id", "kind", "x", "y", "width", "height", "group", "label"} <= set(node)
        assert node["kind"] in ("service", "junction")
        if node["label"] is not None:
            assert {"x", "y", "width", "height"} <= set(node["label"])
    for group in result["groups"]:
        assert {"id", "x", "y", "width", "height", "parent"} <= set(group)
    for edge in result["edges"]:
        assert {"source", "target", "source_side", "target_side", "points", "label"} <= set(edge)
        assert all(len(point) == 2 for point in edge["points"])


def test_layout_limit_is_clear_and_overridable() -> None:
    text = "architecture-beta\n" + "".join(f"    service s{i}(server)\n" for i in range(12))
    d = diagram(text)
    with pytest.raises(LayoutTooLarge, match="more than the layout limit of 10"):
        layout(d, options=LayoutOptions(max_nodes=10))
    assert len(layout(d, options=LayoutOptions(max_nodes=None)).nodes) == 12


def test_engines_are_chosen_by_name() -> None:
    d = diagram(CASES["junctions"])
    with pytest.raises(ValueError, match="unknown layout engine"):
        layout(d, engine="nope")

    def empty(diagram: Diagram, options: LayoutOptions) -> Layout:
        return Layout(1, 1, (), (), (), None, "empty")

    register_engine("empty", empty)
    assert "grid" in engines() and "empty" in engines()
    assert layout(d, engine="empty").engine == "empty"
