"""From grid cells to coordinates: every container becomes a table of its children.

Containers are laid out inside out. A group is a block: its children's table, framed by
``padding`` on three sides and its header band on top. A container's rows keep the grid's
rows, each as tall as its tallest child; within a row, children slide up or down so that
the two ends of each straight ``L``/``R`` edge line up (the edge is then a straight line,
even between nodes in different groups). Along x the children are compacted
(:mod:`~archdsl.layout.compact`): each as far left as the children before it in its row,
its side-by-side links and its straight ``T``/``B`` edges allow, instead of every column
being as wide as its widest child; so the picture grows with the diagram, not faster.
Each row records the free vertical lines between its children, for the channel router.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from archdsl.layout.compact import Piece, Spacing, compact
from archdsl.layout.grid import Cell, Link
from archdsl.layout.model import Box
from archdsl.layout.options import Metrics
from archdsl.layout.sizes import GroupHeader, NodeShape
from archdsl.layout.tree import Container, Tree

Port = tuple[str, bool]
"""An edge end: the node, and whether it attaches to the node's group (``{group}``)."""


@dataclass(frozen=True, slots=True)
class Hint:
    """A link between two children of a container, and the nodes that it really joins."""

    link: Link
    a_port: Port
    b_port: Port
    label_size: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A container's table: its frame, its rows as ``(start, size)``, and in each row the
    free vertical lines between its children (where channels may run).

    ``spans`` gives each child's row and its left and right x.
    """

    frame: Box
    rows: tuple[tuple[float, float], ...]
    cuts: tuple[tuple[float, ...], ...]
    spans: dict[str, tuple[int, float, float]]

    def moved(self, dx: float, dy: float) -> Table:
        return Table(
            self.frame.moved(dx, dy),
            tuple((y + dy, h) for y, h in self.rows),
            tuple(tuple(x + dx for x in row) for row in self.cuts),
            {item: (row, x + dx, right + dx) for item, (row, x, right) in self.spans.items()},
        )


@dataclass(frozen=True, slots=True)
class Placement:
    """Absolute boxes: each node's whole box (icon and title) and each group's frame,
    and each container's table."""

    boxes: dict[str, Box]
    tables: dict[Container, Table]
    width: float
    height: float


def arrange(
    tree: Tree,
    shapes: dict[str, NodeShape],
    headers: dict[str, GroupHeader],
    metrics: Metrics,
    cells: dict[Container, dict[str, Cell]],
    hints: dict[Container, list[Hint]],
) -> Placement:
    arranger = _Arranger(tree, shapes, headers, metrics)
    for container in reversed(_top_down(tree)):
        arranger.block(container, cells.get(container, {}), hints.get(container, []))
    return arranger.placement()


def _top_down(tree: Tree) -> list[Container]:
    order: list[Container] = [None]
    for container in order:
        order.extend(c for c in tree.children.get(container, ()) if tree.is_group(c))
    return order


class _Arranger:
    def __init__(
        self,
        tree: Tree,
        shapes: dict[str, NodeShape],
        headers: dict[str, GroupHeader],
        metrics: Metrics,
    ) -> None:
        self.tree = tree
        self.shapes = shapes
        self.headers = headers
        self.metrics = metrics
        self.size: dict[Container, tuple[float, float]] = {}
        self.offset: dict[str, tuple[float, float]] = {}
        self.tables: dict[Container, Table] = {}

    # -- sizes and anchors -------------------------------------------------------------

    def item_size(self, item: str) -> tuple[float, float]:
        if self.tree.is_group(item):
            return self.size[item]
        shape = self.shapes[item]
        return shape.width, shape.height

    def relative(self, element: str, item: str) -> tuple[float, float]:
        """Top-left of ``element``'s box inside ``item``'s box (``element`` lies in ``item``)."""
        x = y = 0.0
        current: str | None = element
        while current is not None and current != item:
            dx, dy = self.offset[current]
            x, y = x + dx, y + dy
            current = self.tree.parent[current]
        return x, y

    def anchor(self, item: str, port: Port, axis: int) -> float:
        """Where an edge end sits along ``axis`` (0: x, 1: y) inside ``item``'s box."""
        node, via_group = port
        group = self.tree.parent[node] if via_group else None
        if group is not None and (group == item or item in self.tree.path(group)):
            width, height = self.size[group]
            return self.relative(group, item)[axis] + (width, height)[axis] / 2
        shape = self.shapes[node]
        centre = (shape.icon_dx + self.metrics.icon_size / 2, self.metrics.icon_size / 2)
        return self.relative(node, item)[axis] + centre[axis]

    def default_anchor(self, item: str, axis: int) -> float:
        if self.tree.is_group(item):
            return self.size[item][axis] / 2
        return self.anchor(item, (item, False), axis)

    # -- one container -------------------------------------------------------------------

    def block(self, container: Container, cells: dict[str, Cell], hints: list[Hint]) -> None:
        items = list(cells)
        y_in_row = self._slide(items, cells, hints, axis=1)
        heights = _spans(items, cells, y_in_row, self.item_size, axis=1)
        row_gaps = self._gaps(len(heights), cells, hints, axis=1)
        row_y = _starts(heights, row_gaps)
        x = self._compact_x(items, cells, hints)
        content_w = max((x[i] + self.item_size(i)[0] for i in items), default=0.0)
        content_h = row_y[-1] + heights[-1] if heights else 0.0
        origin_x, origin_y, size = self._frame(container, content_w, content_h)
        for item in items:
            row = cells[item][1]
            self.offset[item] = (origin_x + x[item], origin_y + row_y[row] + y_in_row[item])
        self.size[container] = size
        spans = {
            item: (cells[item][1], origin_x + x[item], origin_x + x[item] + self.item_size(item)[0])
            for item in items
        }
        self.tables[container] = Table(
            Box(0.0, 0.0, *size),
            tuple((origin_y + y, h) for y, h in zip(row_y, heights, strict=True)),
            _cuts(spans, len(heights), self.metrics.column_gap / 2),
            spans,
        )

    def _compact_x(
        self, items: list[str], cells: dict[str, Cell], hints: list[Hint]
    ) -> dict[str, float]:
        """Each child's x: as far left as its row and its links allow (see
        :mod:`~archdsl.layout.compact`)."""
        aligned = self._aligned(cells, hints, axis=0)
        gap = self.metrics.column_gap
        after = self._label_room(cells, hints)
        pieces = [
            Piece(
                item,
                *cells[item],
                self.item_size(item)[0],
                aligned.root(item),
                aligned.value(item),
                gap,
                max(gap, after.get(item, 0.0)),
            )
            for item in items
        ]
        pieces += self._posts(cells, hints, aligned)
        links = [_spacing(h.link, cells, gap) for h in hints if _keeps_side(h.link, cells)]
        x = compact(pieces, links)
        return {item: x[item] for item in items}

    def _posts(self, cells: dict[str, Cell], hints: list[Hint], aligned: _Offsets) -> list[Piece]:
        """A post on each straight vertical link's line in every row it passes through an
        empty cell, so that no child of another column moves into its way there.

        Where a child of the same column sits in between, the table would centre it on
        the line, and the edge goes round it in either case.
        """
        taken = set(cells.values())
        posts: list[Piece] = []
        half = self.metrics.column_gap / 2
        for hint in hints:
            a, b = hint.link.a, hint.link.b
            if not _straight_in_lane(hint, cells, axis=0) or aligned.root(a) != aligned.root(b):
                continue
            column, a_row = cells[a]
            line = aligned.value(a) + self.anchor(a, hint.a_port, 0)
            for row in range(min(a_row, cells[b][1]) + 1, max(a_row, cells[b][1])):
                if (column, row) in taken:
                    continue
                key = f"{len(posts)}\0post"
                posts.append(Piece(key, column, row, 0.0, aligned.root(a), line, half, half, True))
        return posts

    def _label_room(self, cells: dict[str, Cell], hints: list[Hint]) -> dict[str, float]:
        """Room a child needs after it in its row for the title of a link along the row."""
        room: dict[str, float] = {}
        margin = 2 * self.metrics.arrow_size + self.metrics.font_size
        for hint in hints:
            a, b = cells.get(hint.link.a), cells.get(hint.link.b)
            if hint.label_size is None or a is None or b is None or a[1] != b[1] or a == b:
                continue
            left = hint.link.a if a[0] < b[0] else hint.link.b
            room[left] = max(room.get(left, 0.0), hint.label_size[0] + margin)
        return room

    def _frame(
        self, container: Container, content_w: float, content_h: float
    ) -> tuple[float, float, tuple[float, float]]:
        """Where the content starts inside the block, and the block's size."""
        if container is None:
            return 0.0, 0.0, (content_w, content_h)
        pad = self.metrics.padding
        header = self.headers[container]
        width = max(content_w + 2 * pad, header.min_width, self.metrics.icon_size)
        height = header.height + max(content_h, self.metrics.font_size) + pad
        return (width - content_w) / 2, header.height, (width, height)

    def _aligned(self, cells: dict[str, Cell], hints: list[Hint], axis: int) -> _Offsets:
        """Children joined by straight links in one column (axis 0) or row (axis 1), with
        the offsets that put both ends of each link on one line."""
        offsets = _Offsets()
        for hint in hints:
            if _straight_in_lane(hint, cells, axis):
                a, b = hint.link.a, hint.link.b
                wanted = self.anchor(a, hint.a_port, axis) - self.anchor(b, hint.b_port, axis)
                offsets.join(a, b, wanted)
        return offsets

    def _slide(
        self, items: list[str], cells: dict[str, Cell], hints: list[Hint], axis: int
    ) -> dict[str, float]:
        """Offsets inside each column (axis 0) or row (axis 1) that line up straight edges;
        children not joined by one are centred on the lane's first."""
        lane_of = {item: cells[item][axis] for item in items}
        offsets = self._aligned(cells, hints, axis)
        by_lane: dict[int, list[str]] = {}
        for item in sorted(items, key=lambda i: cells[i][1 - axis]):
            by_lane.setdefault(lane_of[item], []).append(item)
        result: dict[str, float] = {}
        for lane_items in by_lane.values():
            first = lane_items[0]
            for item in lane_items[1:]:
                if offsets.root(item) != offsets.root(first):
                    wanted = self.default_anchor(first, axis) - self.default_anchor(item, axis)
                    offsets.join(first, item, wanted)
            values = {item: offsets.value(item) for item in lane_items}
            low = min(values.values())
            result.update({item: v - low for item, v in values.items()})
        return result

    def _gaps(
        self, count: int, cells: dict[str, Cell], hints: list[Hint], axis: int
    ) -> list[float]:
        """The gap after each column (axis 0) or row (axis 1): wider where a link's title
        goes between two neighbours."""
        base = self.metrics.column_gap if axis == 0 else self.metrics.row_gap
        gaps = [base] * max(0, count - 1)
        margin = 2 * self.metrics.arrow_size + self.metrics.font_size
        for hint in hints:
            if hint.label_size is None:
                continue
            a, b = cells.get(hint.link.a), cells.get(hint.link.b)
            if a is None or b is None or a[1 - axis] != b[1 - axis] or a[axis] == b[axis]:
                continue
            low = min(a[axis], b[axis])
            need = hint.label_size[axis] + margin
            gaps[low] = max(gaps[low], need)
        return gaps

    # -- result --------------------------------------------------------------------------

    def placement(self) -> Placement:
        boxes: dict[str, Box] = {}
        tables: dict[Container, Table] = {}
        origin: dict[Container, tuple[float, float]] = {None: (0.0, 0.0)}
        for container in _top_down(self.tree):
            ox, oy = origin[container]
            if container in self.tables:
                tables[container] = self.tables[container].moved(ox, oy)
            for child in self.tree.children.get(container, ()):
                if child not in self.offset:
                    continue
                dx, dy = self.offset[child]
                origin[child] = (ox + dx, oy + dy)
                width, height = self.item_size(child)
                boxes[child] = Box(ox + dx, oy + dy, width, height)
        width, height = self.size.get(None, (0.0, 0.0))
        return Placement(boxes, tables, width, height)


def _spans(
    items: Iterable[str],
    cells: dict[str, Cell],
    shift: dict[str, float],
    size_of: Callable[[str], tuple[float, float]],
    axis: int,
) -> list[float]:
    """The extent of each column (axis 0) or row (axis 1)."""
    count = max((cells[i][axis] for i in items), default=-1) + 1
    spans = [0.0] * count
    for item in items:
        index = cells[item][axis]
        spans[index] = max(spans[index], shift[item] + size_of(item)[axis])
    return spans


def _keeps_side(link: Link, cells: dict[str, Cell]) -> bool:
    """Does ``link`` ask for its ends side by side (left and right), and do their columns
    honour that? Then compaction keeps them apart; a link that asks for a column, or
    whose wish the grid could not grant, leaves their x free."""
    a, b = cells.get(link.a), cells.get(link.b)
    wanted = link.offset[0]
    return a is not None and b is not None and wanted != 0 and (b[0] - a[0]) * wanted > 0


def _spacing(link: Link, cells: dict[str, Cell], gap: float) -> Spacing:
    """``link``'s ends ``gap`` apart, the one in the lower column first."""
    a, b = link.a, link.b
    return Spacing(a, b, gap) if cells[a][0] < cells[b][0] else Spacing(b, a, gap)


def _straight_in_lane(hint: Hint, cells: dict[str, Cell], axis: int) -> bool:
    """Is ``hint`` a straight vertical (axis 0) or horizontal (axis 1) link whose ends
    share a column (axis 0) or row (axis 1)?"""
    a, b = cells.get(hint.link.a), cells.get(hint.link.b)
    offset = hint.link.offset[axis]
    return offset == 0 and a is not None and b is not None and a[axis] == b[axis]


def _cuts(
    spans: dict[str, tuple[int, float, float]], rows: int, clear: float
) -> tuple[tuple[float, ...], ...]:
    """In each row, vertical lines where channels may run: the middle of the gap between
    each two neighbouring children, and the other rows' such lines wherever they pass
    this row at least ``clear`` from its children (so that, as in a table, a route that
    runs along a row gap finds a way up or down near where it needs one)."""
    by_row: list[list[tuple[float, float]]] = [[] for _ in range(rows)]
    for row, left, right in spans.values():
        by_row[row].append((left, right))
    own: list[list[float]] = []
    for boxes in by_row:
        boxes.sort()
        own.append([(a[1] + b[0]) / 2 for a, b in itertools.pairwise(boxes)])
    shared = _thinned(sorted({x for xs in own for x in xs}), clear)
    cuts: list[tuple[float, ...]] = []
    for boxes, xs in zip(by_row, own, strict=True):
        free = [x for x in shared if _free_at(x, boxes, clear)]
        cuts.append(tuple(sorted({*xs, *free})))
    return tuple(cuts)


def _thinned(values: list[float], spacing: float) -> list[float]:
    """``values`` (sorted) without those closer than ``spacing`` to the last one kept."""
    kept: list[float] = []
    for value in values:
        if not kept or value - kept[-1] >= spacing:
            kept.append(value)
    return kept


def _free_at(x: float, boxes: list[tuple[float, float]], clear: float) -> bool:
    """Is ``x`` at least ``clear`` from every box (sorted ``(left, right)`` spans)?"""
    i = bisect.bisect_right(boxes, (x + clear, math.inf))
    return i == 0 or boxes[i - 1][1] + clear <= x


def _starts(spans: Sequence[float], gaps: Sequence[float]) -> list[float]:
    starts: list[float] = []
    position = 0.0
    for i, span in enumerate(spans):
        starts.append(position)
        position += span + (gaps[i] if i < len(gaps) else 0.0)
    return starts


class _Offsets:
    """Union-find that keeps each member's offset from its root: ``value(b) - value(a)``."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._delta: dict[str, float] = {}

    def root(self, item: str) -> str:
        path: list[str] = []
        current = item
        while self._parent.get(current, current) != current:
            path.append(current)
            current = self._parent[current]
        total = 0.0
        for member in reversed(path):  # compress, nearest to the root first
            total += self._delta[member]
            self._delta[member] = total
            self._parent[member] = current
        return current

    def value(self, item: str) -> float:
        self.root(item)
        return self._delta.get(item, 0.0)

    def join(self, a: str, b: str, wanted: float) -> bool:
        """Ask for ``value(b) - value(a) == wanted``; False if it contradicts earlier asks."""
        root_a, root_b = self.root(a), self.root(b)
        if root_a == root_b:
            return abs(self.value(b) - self.value(a) - wanted) < 1e-6
        # value(b) = value(a) + wanted; shift b's whole tree.
        delta = self.value(a) + wanted - self.value(b)
        self._parent[root_b] = root_a
        self._delta[root_b] = delta
        return True
