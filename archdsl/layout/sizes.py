"""The size of each node (icon plus the title under it) and each group's header."""

from __future__ import annotations

from typing import NamedTuple

from archdsl.layout.options import Metrics
from archdsl.layout.text import block_size, text_width, wrap
from archdsl.model import Diagram


class NodeShape(NamedTuple):
    """A node's box: the icon square at ``(icon_dx, 0)`` and the title lines centred below."""

    width: float
    height: float
    icon_dx: float
    lines: tuple[str, ...]
    label_width: float
    label_height: float


class GroupHeader(NamedTuple):
    """A group's top band: its icon and title, and the width they need."""

    lines: tuple[str, ...]
    title_width: float
    height: float
    min_width: float
    has_icon: bool


def node_shapes(diagram: Diagram, metrics: Metrics) -> dict[str, NodeShape]:
    shapes: dict[str, NodeShape] = {}
    for node in diagram.nodes:
        if node.id in shapes or diagram.elements.get(node.id) is not node:
            continue
        title = node.title.text if node.kind == "service" and node.title else ""
        shapes[node.id] = _shape(title, metrics)
    return shapes


def _shape(title: str, metrics: Metrics) -> NodeShape:
    icon = metrics.icon_size
    lines = wrap(title, metrics.label_wrap, metrics.font_size) if title.strip() else ()
    label_width, label_height = block_size(lines, metrics.font_size)
    width = max(icon, label_width)
    height = icon + (metrics.label_gap + label_height if lines else 0.0)
    return NodeShape(width, height, (width - icon) / 2, lines, label_width, label_height)


def group_headers(diagram: Diagram, metrics: Metrics) -> dict[str, GroupHeader]:
    headers: dict[str, GroupHeader] = {}
    for group in diagram.groups:
        if group.id in headers or diagram.elements.get(group.id) is not group:
            continue
        headers[group.id] = _header(
            group.title.text if group.title else "", bool(group.icon), metrics
        )
    return headers


def _header(title: str, has_icon: bool, metrics: Metrics) -> GroupHeader:
    inset = metrics.group_inset
    icon_width = metrics.group_icon_size + inset if has_icon else 0.0
    lines = wrap(title, metrics.icon_size * 4, metrics.font_size) if title.strip() else ()
    title_width = max((text_width(line, metrics.font_size) for line in lines), default=0.0)
    text_height = len(lines) * metrics.line_height + 2 * inset
    height = max(
        metrics.padding, metrics.group_icon_size + 2 * inset if has_icon else 0, text_height
    )
    min_width = inset + icon_width + title_width + 2 * inset
    return GroupHeader(lines, title_width, height, min_width, has_icon)
