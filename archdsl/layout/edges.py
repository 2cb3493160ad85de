"""Route every edge of a placed diagram and put its title on it."""

from __future__ import annotations

from collections.abc import Iterable

from archdsl.layout.channels import ChannelNetwork
from archdsl.layout.labels import LabelPlacer
from archdsl.layout.model import Box, EdgeLayout, GroupLayout, NodeLayout, Point
from archdsl.layout.options import Metrics
from archdsl.layout.place import Table
from archdsl.layout.route import OUTWARD, End, Router
from archdsl.layout.tree import Container, Tree
from archdsl.model import Diagram, EdgeEnd


def route_edges(
    diagram: Diagram,
    tree: Tree,
    nodes: dict[str, NodeLayout],
    groups: dict[str, GroupLayout],
    metrics: Metrics,
    tables: dict[Container, Table],
) -> tuple[EdgeLayout, ...]:
    clearance = min(metrics.row_gap, metrics.column_gap) / 2
    margin = clearance / 3
    obstacles = _obstacles(nodes.values())
    headers = _headers(groups.values())
    bend_cost = metrics.icon_size * 2

    def network() -> ChannelNetwork:
        ring = max(metrics.padding / 2, 4.0)
        return ChannelNetwork(tree, tables, ring, bend_cost / 4, headers=headers)

    router = Router(
        (box.inflated(margin) for box in obstacles),
        clearance - margin,
        bend_cost,
        network,
        headers=headers,
    )
    placer = LabelPlacer([*obstacles, *headers], metrics)
    edges: list[EdgeLayout] = []
    for index, edge in enumerate(diagram.edges):
        if edge.lhs.id not in nodes or edge.rhs.id not in nodes:
            continue
        start = _end(edge.lhs, edge.rhs.id, nodes, groups, tree, clearance)
        end = _end(edge.rhs, edge.lhs.id, nodes, groups, tree, clearance)
        points = router.route(start, end)
        label = placer.place(edge.title.text, points) if edge.title else None
        edges.append(
            EdgeLayout(
                index=index,
                source=edge.lhs.id,
                target=edge.rhs.id,
                source_side=edge.lhs.side,
                target_side=edge.rhs.side,
                source_group=_group_of(edge.lhs, tree) is not None,
                target_group=_group_of(edge.rhs, tree) is not None,
                source_arrow=edge.lhs.arrow,
                target_arrow=edge.rhs.arrow,
                points=points,
                label=label,
            )
        )
    return tuple(edges)


def _obstacles(nodes: Iterable[NodeLayout]) -> list[Box]:
    """What edges go around: each node's icon and title together. Group icons and titles
    are not in the way, only avoided where there is a choice: an edge may pass under one
    (they are drawn over the edges), as edges into a group's top-left node from above
    must."""
    return [_whole(node) for node in nodes]


def _whole(node: NodeLayout) -> Box:
    return node.box.union(node.label.box) if node.label is not None else node.box


def _headers(groups: Iterable[GroupLayout]) -> list[Box]:
    """Every group's icon and title."""
    return [box for group in groups for box in _header(group)]


def _header(group: GroupLayout) -> list[Box]:
    """A group's icon and title (what it has of them)."""
    title = group.title.box if group.title is not None else None
    return [box for box in (group.icon_box, title) if box is not None]


def _group_of(end: EdgeEnd, tree: Tree) -> str | None:
    """The group whose frame ``end`` attaches to (``{group}``), if any."""
    return tree.parent.get(end.id) if end.group else None


def _end(
    end: EdgeEnd,
    other: str,
    nodes: dict[str, NodeLayout],
    groups: dict[str, GroupLayout],
    tree: Tree,
    clearance: float,
) -> End:
    node = nodes[end.id]
    ox, oy = OUTWARD[end.side]
    group = _group_of(end, tree)
    if group is not None and group in groups:
        point = groups[group].box.side_midpoint(end.side)
        anchor = (tree.parent[group], group)
        tip = _step(point, ox, oy, clearance)
        return End(point, end.side, (tip,), anchor, f"{group}{{group}}:{end.side}")
    anchor = (tree.parent[node.id], node.id)
    port = f"{node.id}:{end.side}"
    if node.kind == "junction":
        edge_point = node.box.side_midpoint(end.side)
        centre = (node.box.cx, node.box.cy)
        junction_stub = (edge_point, _step(edge_point, ox, oy, clearance))
        return End(centre, end.side, junction_stub, anchor, f"{node.id}:*")
    point = node.box.side_midpoint(end.side)
    # The stub starts from the side of icon and title together (a wide title sticks out
    # beside the icon; a bottom edge starts under the title).
    whole = _whole(node)
    base = {
        "L": (whole.x, point[1]),
        "R": (whole.right, point[1]),
        "T": point,
        "B": (point[0], whole.bottom),
    }[end.side]
    tip = _step(base, ox, oy, clearance)
    if end.side == "T":
        lifted = _over_header(node.id, tip, other, groups, tree, clearance)
        if lifted is not None:
            tip, group = lifted
            anchor = (tree.parent[group], group)
    return End(point, end.side, (tip,), anchor, port)


def _over_header(
    node: str,
    tip: Point,
    other: str,
    groups: dict[str, GroupLayout],
    tree: Tree,
    clearance: float,
) -> tuple[Point, str] | None:
    """Where a top stub ends instead, and the group it leaves, when it would end in its
    group's header band (the service is in the group's top row) and the edge leaves the
    group: straight on up out of the frame, so that the edge turns outside, not under the
    group's icon or title. The edge then routes as if it left the group's top side."""
    group = tree.parent.get(node)
    if group is None or group not in groups or group in tree.path(other):
        return None
    header = _header(groups[group])
    if not header or tip[1] >= max(box.bottom for box in header):
        return None
    return (tip[0], groups[group].box.y - clearance), group


def _step(point: Point, ox: int, oy: int, distance: float) -> Point:
    return point[0] + ox * distance, point[1] + oy * distance
