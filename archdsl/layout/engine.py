"""The ``grid`` engine: side pairs → grid cells → nested tables → routed edges."""

from __future__ import annotations

import itertools

from archdsl.layout import grid, outside
from archdsl.layout.edges import route_edges
from archdsl.layout.grid import Cell, Link
from archdsl.layout.model import Box, GroupLayout, Layout, NodeLayout, TextBlock
from archdsl.layout.options import LayoutOptions, LayoutTooLarge, Metrics
from archdsl.layout.place import Hint, Placement, Port, arrange
from archdsl.layout.sizes import GroupHeader, NodeShape, group_headers, node_shapes
from archdsl.layout.text import block_size, text_width, wrap
from archdsl.layout.tree import Container, Tree
from archdsl.layout.verify import unhonoured
from archdsl.model import Diagram, Side


def grid_layout(diagram: Diagram, options: LayoutOptions) -> Layout:
    count = len(diagram.nodes)
    if options.max_nodes is not None and count > options.max_nodes:
        raise LayoutTooLarge(count, options.max_nodes)
    metrics = Metrics.from_config(diagram.config)
    tree = Tree.of(diagram)
    shapes = node_shapes(diagram, metrics)
    headers = group_headers(diagram, metrics)
    hints = _hints(diagram, tree, metrics)
    cells = _cells(diagram, tree, hints)
    placement = arrange(tree, shapes, headers, metrics, cells, hints)
    title = _title(diagram, metrics)
    width, height, dx, dy = _frame(placement, title, metrics)
    nodes = _nodes(tree, shapes, placement, metrics, dx, dy)
    groups = _groups(tree, headers, placement, metrics, dx, dy)
    tables = {c: t.moved(dx, dy) for c, t in placement.tables.items()}
    edges = route_edges(diagram, tree, nodes, groups, metrics, tables)
    layout = Layout(
        width=width,
        height=height,
        nodes=tuple(nodes.values()),
        groups=tuple(groups.values()),
        edges=edges,
        title=_place_title(title, width, metrics),
        engine="grid",
    )
    notes = unhonoured(layout)
    return layout if not notes else _with_notes(layout, notes)


def _cells(
    diagram: Diagram, tree: Tree, hints: dict[Container, list[Hint]]
) -> dict[Container, dict[str, Cell]]:
    """Grid cells in every container: from the container's own links, then from links
    that the edges leaving it imply (placed twice when those need the first placement)."""
    touching = outside.contacts(diagram, tree)
    own = {c: [h.link for h in hints.get(c, [])] for c in tree.children}
    links = {c: own[c] + found for c, found in outside.shared_node_links(touching, own).items()}
    links = {c: links.get(c, own[c]) for c in tree.children}
    cells = {c: grid.place(children, links[c]) for c, children in tree.children.items()}
    mirrored = outside.mirrored_links(touching, links, tree, cells)
    for container, extra in mirrored.items():
        cells[container] = grid.place(tree.children[container], links[container] + extra)
    return cells


def _with_notes(layout: Layout, notes: tuple[str, ...]) -> Layout:
    return Layout(
        layout.width,
        layout.height,
        layout.nodes,
        layout.groups,
        layout.edges,
        layout.title,
        layout.engine,
        notes,
    )


def _hints(diagram: Diagram, tree: Tree, metrics: Metrics) -> dict[Container, list[Hint]]:
    """Edges, then ``align`` chains, lifted to the container where they constrain."""
    hints: dict[Container, list[Hint]] = {}
    nodes = {n.id for n in diagram.nodes if tree.kinds.get(n.id) in ("service", "junction")}
    for edge in diagram.edges:
        a, b = edge.lhs, edge.rhs
        if a.id not in nodes or b.id not in nodes:
            continue
        label = None
        if edge.title:
            lines = wrap(edge.title.text, metrics.edge_label_wrap, metrics.font_size)
            label = block_size(lines, metrics.font_size)
        _add_hint(hints, tree, (a.id, a.group), (b.id, b.group), (a.side, b.side), label)
    for align in diagram.aligns:
        sides: tuple[Side, Side] = ("R", "L") if align.axis == "row" else ("B", "T")
        members = [m for m in align.members if m in nodes]
        for a_id, b_id in itertools.pairwise(members):
            _add_hint(hints, tree, (a_id, False), (b_id, False), sides, None)
    return hints


def _add_hint(
    hints: dict[Container, list[Hint]],
    tree: Tree,
    a_port: Port,
    b_port: Port,
    sides: tuple[Side, Side],
    label: tuple[float, float] | None,
) -> None:
    lifted = tree.lift(a_port[0], b_port[0])
    if lifted is None:
        return
    container, item_a, item_b = lifted
    link = Link(item_a, item_b, *sides)
    hints.setdefault(container, []).append(Hint(link, a_port, b_port, label))


def _title(diagram: Diagram, metrics: Metrics) -> tuple[tuple[str, ...], float, float] | None:
    text = diagram.title
    if not text or not text.strip():
        return None
    size = metrics.title_font_size
    lines = wrap(text, max(metrics.icon_size * 8, 400.0), size)
    width, height = block_size(lines, size)
    return lines, width, height


def _frame(
    placement: Placement,
    title: tuple[tuple[str, ...], float, float] | None,
    metrics: Metrics,
) -> tuple[float, float, float, float]:
    """Width and height of the picture, and where the content's origin moves to."""
    margin = metrics.padding
    title_w, title_h = (title[1], title[2] + metrics.font_size) if title else (0.0, 0.0)
    inner_w = max(placement.width, title_w)
    width = inner_w + 2 * margin
    height = placement.height + title_h + 2 * margin
    return width, height, margin + (inner_w - placement.width) / 2, margin + title_h


def _place_title(
    title: tuple[tuple[str, ...], float, float] | None, width: float, metrics: Metrics
) -> TextBlock | None:
    if title is None:
        return None
    lines, w, h = title
    box = Box((width - w) / 2, metrics.padding, w, h)
    return TextBlock(lines, box, metrics.title_font_size * 1.2)


def _nodes(
    tree: Tree,
    shapes: dict[str, NodeShape],
    placement: Placement,
    metrics: Metrics,
    dx: float,
    dy: float,
) -> dict[str, NodeLayout]:
    nodes: dict[str, NodeLayout] = {}
    icon = metrics.icon_size
    for node_id, shape in shapes.items():
        whole = placement.boxes[node_id].moved(dx, dy)
        box = Box(whole.x + shape.icon_dx, whole.y, icon, icon)
        label = None
        if shape.lines:
            label_box = Box(
                box.cx - shape.label_width / 2,
                box.bottom + metrics.label_gap,
                shape.label_width,
                shape.label_height,
            )
            label = TextBlock(shape.lines, label_box, metrics.line_height)
        kind = tree.kinds[node_id]
        assert kind in ("service", "junction")
        nodes[node_id] = NodeLayout(node_id, kind, box, tree.parent[node_id], label)
    return nodes


def _groups(
    tree: Tree,
    headers: dict[str, GroupHeader],
    placement: Placement,
    metrics: Metrics,
    dx: float,
    dy: float,
) -> dict[str, GroupLayout]:
    groups: dict[str, GroupLayout] = {}
    inset = metrics.group_inset
    size = metrics.group_icon_size
    for group_id, header in headers.items():
        box = placement.boxes[group_id].moved(dx, dy)
        icon_box = Box(box.x + inset, box.y + inset, size, size) if header.has_icon else None
        title = None
        if header.lines:
            text_x = (icon_box.right if icon_box else box.x) + inset
            text_h = len(header.lines) * metrics.line_height
            top = box.y + inset + (max(size if icon_box else 0.0, text_h) - text_h) / 2
            width = max(text_width(line, metrics.font_size) for line in header.lines)
            title = TextBlock(header.lines, Box(text_x, top, width, text_h), metrics.line_height)
        groups[group_id] = GroupLayout(group_id, box, tree.parent[group_id], icon_box, title)
    return groups
