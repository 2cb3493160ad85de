"""The quality floor of SPEC §6, checked on the layout JSON (not on the Python objects).

:func:`problems` returns one sentence per broken promise, so a failing test says what is
wrong and where.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

Box = tuple[float, float, float, float]
"""x, y, width, height"""

EPS = 1e-6


def box(record: dict[str, Any]) -> Box:
    return (record["x"], record["y"], record["width"], record["height"])


def overlaps(a: Box, b: Box) -> bool:
    """Interiors intersect (shared borders do not count)."""
    return (
        a[0] < b[0] + b[2] - EPS
        and b[0] < a[0] + a[2] - EPS
        and a[1] < b[1] + b[3] - EPS
        and b[1] < a[1] + a[3] - EPS
    )


def inside(inner: Box, outer: Box) -> bool:
    return (
        outer[0] <= inner[0] + EPS
        and outer[1] <= inner[1] + EPS
        and inner[0] + inner[2] <= outer[0] + outer[2] + EPS
        and inner[1] + inner[3] <= outer[1] + outer[3] + EPS
    )


def union(a: Box, b: Box) -> Box:
    x, y = min(a[0], b[0]), min(a[1], b[1])
    return (x, y, max(a[0] + a[2], b[0] + b[2]) - x, max(a[1] + a[3], b[1] + b[3]) - y)


def whole(node: dict[str, Any]) -> Box:
    """A node's icon square together with its title."""
    result = box(node)
    return union(result, box(node["label"])) if node["label"] else result


def leg_box(p: tuple[float, float], q: tuple[float, float]) -> Box:
    """An axis-parallel leg as a box with no width (or no height): :func:`overlaps` then
    tells a leg through a box's inside from one along its border or outside it."""
    return (min(p[0], q[0]), min(p[1], q[1]), abs(p[0] - q[0]), abs(p[1] - q[1]))


def midpoint(b: Box, side: str) -> tuple[float, float]:
    x, y, w, h = b
    return {
        "L": (x, y + h / 2),
        "R": (x + w, y + h / 2),
        "T": (x + w / 2, y),
        "B": (x + w / 2, y + h),
    }[side]


OUTWARD = {"L": (-1, 0), "R": (1, 0), "T": (0, -1), "B": (0, 1)}


def problems(layout: dict[str, Any], *, allow_notes: bool = False) -> list[str]:
    """Everything wrong with ``layout``; with ``allow_notes``, placement hints that the
    layout itself lists as not honoured (contradictory diagrams) are not reported."""
    found = [
        *_node_overlaps(layout),
        *_containment(layout),
        *_sibling_groups(layout),
        *_edges(layout),
        *_edge_labels(layout),
    ]
    if allow_notes:
        noted = {note.split(": ")[0] for note in layout["notes"]}
        found = [p for p in found if not (" is not " in p and p.split(": ")[0] in noted)]
    return found


def _pairs(items: list[tuple[str, Box]]) -> Iterator[tuple[str, str]]:
    """Overlapping pairs, by a sweep over x."""
    ordered = sorted(items, key=lambda item: item[1][0])
    active: list[tuple[str, Box]] = []
    for name, b in ordered:
        active = [(n, a) for n, a in active if a[0] + a[2] > b[0] + EPS]
        for other, a in active:
            if overlaps(a, b):
                yield other, name
        active.append((name, b))


def _node_overlaps(layout: dict[str, Any]) -> Iterator[str]:
    for a, b in _pairs([(n["id"], whole(n)) for n in layout["nodes"]]):
        yield f"nodes {a} and {b} overlap"


def _containment(layout: dict[str, Any]) -> Iterator[str]:
    groups = {g["id"]: g for g in layout["groups"]}
    for node in layout["nodes"]:
        group = groups.get(node["group"]) if node["group"] else None
        if node["group"] and group is None:
            yield f"node {node['id']}: its group {node['group']} is not in the layout"
        elif group is not None and not inside(whole(node), box(group)):
            yield f"node {node['id']} sticks out of its group {node['group']}"
    for group in layout["groups"]:
        parent = groups.get(group["parent"]) if group["parent"] else None
        if parent is not None and not inside(box(group), box(parent)):
            yield f"group {group['id']} sticks out of its parent {group['parent']}"


def _sibling_groups(layout: dict[str, Any]) -> Iterator[str]:
    by_parent: dict[str | None, list[tuple[str, Box]]] = {}
    for group in layout["groups"]:
        by_parent.setdefault(group["parent"], []).append((group["id"], box(group)))
    for siblings in by_parent.values():
        for a, b in _pairs(siblings):
            yield f"sibling groups {a} and {b} overlap"


def _end_point(
    layout: dict[str, Any], node: dict[str, Any], side: str, via_group: bool
) -> tuple[float, float]:
    if via_group and node["group"]:
        group = next(g for g in layout["groups"] if g["id"] == node["group"])
        return midpoint(box(group), side)
    if node["kind"] == "junction":
        x, y, w, h = box(node)
        return (x + w / 2, y + h / 2)
    return midpoint(box(node), side)


def _edges(layout: dict[str, Any]) -> Iterator[str]:
    nodes = {n["id"]: n for n in layout["nodes"]}
    for edge in layout["edges"]:
        name = (
            f"edge {edge['source']}:{edge['source_side']} -- {edge['target_side']}:{edge['target']}"
        )
        points = [tuple(p) for p in edge["points"]]
        source, target = nodes[edge["source"]], nodes[edge["target"]]
        yield from _shape(name, points)
        yield from _ends(layout, name, edge, points, source, target)
        yield from _crossings(name, points, layout["nodes"], {source["id"], target["id"]})
        yield from _order(name, edge, source, target)


def _shape(name: str, points: list[tuple[float, float]]) -> Iterator[str]:
    if len(points) < 2:
        yield f"{name} has fewer than two points"
    for p, q in itertools.pairwise(points):
        if abs(p[0] - q[0]) > EPS and abs(p[1] - q[1]) > EPS:
            yield f"{name} has a diagonal leg {p} -> {q}"


def _close(p: tuple[float, float], q: tuple[float, float]) -> bool:
    return abs(p[0] - q[0]) < 0.03 and abs(p[1] - q[1]) < 0.03


def _ends(layout, name, edge, points, source, target) -> Iterator[str]:  # type: ignore[no-untyped-def]
    for label, node, side, via_group, end, nxt in (
        ("starts", source, edge["source_side"], edge["source_group"], points[0], points[1]),
        ("ends", target, edge["target_side"], edge["target_group"], points[-1], points[-2]),
    ):
        wanted = _end_point(layout, node, side, via_group)
        if not _close(end, wanted):
            yield f"{name} {label} at {end}, not at the middle of side {side} {wanted}"
        ox, oy = OUTWARD[side]
        if (nxt[0] - end[0]) * ox + (nxt[1] - end[1]) * oy <= 0:
            yield f"{name} {label} without leaving through side {side}"


def _crossings(name: str, points, nodes, own: set[str]) -> Iterator[str]:  # type: ignore[no-untyped-def]
    for p, q in itertools.pairwise(points):
        segment = leg_box(p, q)
        for node in nodes:
            if node["id"] in own:
                continue
            if _segment_hits(segment, whole(node)):
                yield f"{name} crosses node {node['id']}"


def _segment_hits(segment: Box, b: Box) -> bool:
    """A zero-width or zero-height segment box against a box's interior."""
    return overlaps(segment, b)


def _order(name: str, edge, source, target) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if source["id"] == target["id"]:
        return
    a, b = box(source), box(target)
    pair = edge["source_side"] + edge["target_side"]
    if pair == "RL" and not b[0] >= a[0] + a[2] - EPS:
        yield f"{name}: {target['id']} is not right of {source['id']}"
    if pair == "LR" and not a[0] >= b[0] + b[2] - EPS:
        yield f"{name}: {target['id']} is not left of {source['id']}"
    if pair == "BT" and not b[1] >= a[1] + a[3] - EPS:
        yield f"{name}: {target['id']} is not below {source['id']}"
    if pair == "TB" and not a[1] >= b[1] + b[3] - EPS:
        yield f"{name}: {target['id']} is not above {source['id']}"


def _edge_labels(layout: dict[str, Any]) -> Iterator[str]:
    for edge in layout["edges"]:
        if not edge["label"]:
            continue
        label = box(edge["label"])
        for node in layout["nodes"]:
            if overlaps(label, whole(node)):
                name = f"{edge['source']}-{edge['target']}"
                yield f"the title of edge {name} covers node {node['id']}"
