"""The layout as JSON (SPEC §6): what ``archdsl render --format json`` prints.

Coordinates are the SVG's (``y`` grows downwards, boxes by their top-left corner); node
boxes are the icon squares; ``points`` run from the source's side to the target's side.
"""

from __future__ import annotations

import json
from typing import Any

from archdsl.layout import Layout, LayoutOptions, layout
from archdsl.layout.model import Box, EdgeLayout, GroupLayout, NodeLayout, TextBlock
from archdsl.model import Diagram


def render_layout_json(
    diagram: Diagram,
    *,
    geometry: Layout | None = None,
    engine: str = "grid",
    options: LayoutOptions | None = None,
    indent: int | None = 2,
) -> str:
    """The layout of ``diagram`` as a JSON document (ends with a newline)."""
    placed = geometry or layout(diagram, engine=engine, options=options)
    return json.dumps(layout_to_dict(placed), indent=indent, ensure_ascii=False) + "\n"


def layout_to_dict(placed: Layout) -> dict[str, Any]:
    return {
        "width": _n(placed.width),
        "height": _n(placed.height),
        "engine": placed.engine,
        "title": _label(placed.title),
        "nodes": [_node(n) for n in placed.nodes],
        "groups": [_group(g) for g in placed.groups],
        "edges": [_edge(e) for e in placed.edges],
        "notes": list(placed.notes),
    }


def _n(value: float) -> float | int:
    rounded = round(value, 2)
    return int(rounded) if rounded.is_integer() else rounded


def _box(box: Box) -> dict[str, float | int]:
    return {"x": _n(box.x), "y": _n(box.y), "width": _n(box.width), "height": _n(box.height)}


def _label(block: TextBlock | None) -> dict[str, Any] | None:
    if block is None:
        return None
    return {**_box(block.box), "lines": list(block.lines)}


def _node(node: NodeLayout) -> dict[str, Any]:
    return {
        "id": node.id,
        "kind": node.kind,
        **_box(node.box),
        "group": node.group,
        "label": _label(node.label),
    }


def _group(group: GroupLayout) -> dict[str, Any]:
    return {
        "id": group.id,
        **_box(group.box),
        "parent": group.parent,
        "title": _label(group.title),
    }


def _edge(edge: EdgeLayout) -> dict[str, Any]:
    return {
        "source": edge.source,
        "target": edge.target,
        "source_side": edge.source_side,
        "target_side": edge.target_side,
        "source_group": edge.source_group,
        "target_group": edge.target_group,
        "source_arrow": edge.source_arrow,
        "target_arrow": edge.target_arrow,
        "points": [[_n(x), _n(y)] for x, y in edge.points],
        "label": _label(edge.label),
    }
