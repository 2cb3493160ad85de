"""The layout: frozen geometry that the SVG, PNG and JSON emitters draw from.

Coordinates are the SVG's: ``y`` grows downwards and every box is given by its
top-left corner. A :class:`Layout` is a finished product; nothing changes it later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from archdsl.model import Side

Point = tuple[float, float]
NodeKind = Literal["service", "junction"]


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2

    def moved(self, dx: float, dy: float) -> Box:
        return Box(self.x + dx, self.y + dy, self.width, self.height)

    def inflated(self, margin: float) -> Box:
        return Box(
            self.x - margin, self.y - margin, self.width + 2 * margin, self.height + 2 * margin
        )

    def overlaps(self, other: Box) -> bool:
        """True when the interiors intersect (touching edges do not count)."""
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )

    def contains(self, other: Box) -> bool:
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.right <= self.right
            and other.bottom <= self.bottom
        )

    def union(self, other: Box) -> Box:
        x, y = min(self.x, other.x), min(self.y, other.y)
        return Box(x, y, max(self.right, other.right) - x, max(self.bottom, other.bottom) - y)

    def side_midpoint(self, side: Side) -> Point:
        return {
            "L": (self.x, self.cy),
            "R": (self.right, self.cy),
            "T": (self.cx, self.y),
            "B": (self.cx, self.bottom),
        }[side]


@dataclass(frozen=True, slots=True)
class TextBlock:
    """Wrapped text and the box it takes; lines are drawn centred unless said otherwise."""

    lines: tuple[str, ...]
    box: Box
    line_height: float


@dataclass(frozen=True, slots=True)
class NodeLayout:
    """A service or junction: ``box`` is the icon square, ``label`` the title under it."""

    id: str
    kind: NodeKind
    box: Box
    group: str | None
    label: TextBlock | None


@dataclass(frozen=True, slots=True)
class GroupLayout:
    """A group frame with its icon (top left) and title beside it."""

    id: str
    box: Box
    parent: str | None
    icon_box: Box | None
    title: TextBlock | None


@dataclass(frozen=True, slots=True)
class EdgeLayout:
    """An orthogonal polyline from the source's side to the target's side."""

    index: int
    """The edge's position among the diagram's edges (declaration order)."""
    source: str
    target: str
    source_side: Side
    target_side: Side
    source_group: bool
    target_group: bool
    source_arrow: bool
    target_arrow: bool
    points: tuple[Point, ...]
    label: TextBlock | None


@dataclass(frozen=True, slots=True)
class Layout:
    """Where everything goes; ``notes`` lists the author's hints that could not be honoured."""

    width: float
    height: float
    nodes: tuple[NodeLayout, ...]
    groups: tuple[GroupLayout, ...]
    edges: tuple[EdgeLayout, ...]
    title: TextBlock | None
    engine: str
    notes: tuple[str, ...] = ()

    def node(self, node_id: str) -> NodeLayout:
        return next(n for n in self.nodes if n.id == node_id)

    def group(self, group_id: str) -> GroupLayout:
        return next(g for g in self.groups if g.id == group_id)
