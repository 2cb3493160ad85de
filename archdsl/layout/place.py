"""From grid cells to coordinates: every container becomes a table of its children.

Containers are laid out inside out. A group is a block: its children's table, framed by
``padding`` on three sides and its header band on top. The grid gives each child a row and
a column, but no row is as tall, nor any column as wide, as its largest child: the
children are compacted (:mod:`~archdsl.layout.compact`), first along x, each as far left
as the children before it in its row, its side-by-side links and its straight ``T``/``B``
edges allow; then along y, each as high as the children above it that it would overlap
(of any column), its links one above the other and its straight ``L``/``R`` edges allow.
The two ends of a straight edge move as one (the edge is then a straight line, even
between nodes in different groups). So the picture grows with the diagram, not faster.
Each table records its children's boxes, for the channel router.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from archdsl.layout.compact import Piece, Spacing, compact
from archdsl.layout.grid import Cell, Link
from archdsl.layout.model import Box
from archdsl.layout.options import Metrics
from archdsl.layout.sizes import GroupHeader, NodeShape
from archdsl.layout.tree import Container, Tree

Port = tuple[str, bool]
"""An edge end: the node, and whether it attaches to the node's group (``{group}``)."""


class Hint(NamedTuple):
    """A link between two children of a container, and the nodes that it really joins."""

    link: Link
    a_port: Port
    b_port: Port
    label_size: tuple[float, float] | None = None


class Table(NamedTuple):
    """A container's table: its frame and each child's box, for the channel router.

    ``clear`` is how far from a child's box the free lines round it run: half the
    column gap beside it, half the row gap above and below (compaction keeps every other
    child at least a whole gap away, see :mod:`~archdsl.layout.compact`).
    """

    frame: Box
    boxes: dict[str, Box]
    clear: tuple[float, float]

    def moved(self, dx: float, dy: float) -> Table:
        return Table(
            self.frame.moved(dx, dy),
            {item: box.moved(dx, dy) for item, box in self.boxes.items()},
            self.clear,
        )


class Placement(NamedTuple):
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

    # -- one container -------------------------------------------------------------------

    def block(self, container: Container, cells: dict[str, Cell], hints: list[Hint]) -> None:
        items = list(cells)
        x = self._compact_x(items, cells, hints)
        y = self._compact_y(items, cells, hints, x)
        size_of = self.item_size
        content_w = max((x[i] + size_of(i)[0] for i in items), default=0.0)
        content_h = max((y[i] + size_of(i)[1] for i in items), default=0.0)
        origin_x, origin_y, size = self._frame(container, content_w, content_h)
        for item in items:
            self.offset[item] = (origin_x + x[item], origin_y + y[item])
        self.size[container] = size
        boxes = {item: Box(*self.offset[item], *size_of(item)) for item in items}
        clear = (self.metrics.column_gap / 2, self.metrics.row_gap / 2)
        self.tables[container] = Table(Box(0.0, 0.0, *size), boxes, clear)

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

    def _compact_y(
        self, items: list[str], cells: dict[str, Cell], hints: list[Hint], x: dict[str, float]
    ) -> dict[str, float]:
        """Each child's y: as high as the children above it (those it would overlap
        along x, a column gap apart) and its links allow; the two ends of a straight
        ``L``/``R`` link move as one, and a post along that line keeps it clear (see
        :mod:`~archdsl.layout.compact`, here with rows for columns)."""
        aligned = self._aligned(cells, hints, axis=1)
        gap = self.metrics.row_gap
        below = self._label_room(cells, hints, axis=1)
        pieces = [
            Piece(
                item,
                cells[item][1],
                index,
                self.item_size(item)[1],
                aligned.root(item),
                aligned.value(item),
                gap,
                max(gap, below.get(item, 0.0)),
            )
            for index, item in enumerate(items)
        ]
        spans = {item: (x[item], x[item] + self.item_size(item)[0]) for item in items}
        for rail, span in self._rails(cells, hints, aligned, spans, len(pieces)):
            pieces.append(rail)
            spans[rail.key] = span
        half = self.metrics.column_gap / 2
        wide = {key: (left - half, right + half) for key, (left, right) in spans.items()}
        links = [*_stacking(pieces, wide)]
        links += [
            _spacing(h.link, cells, gap, axis=1) for h in hints if _keeps_side(h.link, cells, 1)
        ]
        y = compact(pieces, links)
        return {item: y[item] for item in items}

    def _rails(
        self,
        cells: dict[str, Cell],
        hints: list[Hint],
        aligned: _Offsets,
        spans: dict[str, tuple[float, float]],
        first: int,
    ) -> list[tuple[Piece, tuple[float, float]]]:
        """A zero-high post along each straight horizontal link from the one end to the
        other (with its x extent), so that no child of another row moves into the line."""
        rails: list[tuple[Piece, tuple[float, float]]] = []
        half = self.metrics.row_gap / 2
        for hint in hints:
            a, b = hint.link.a, hint.link.b
            if not _straight_in_lane(hint, cells, axis=1) or aligned.root(a) != aligned.root(b):
                continue
            left, right = (a, b) if spans[a][0] <= spans[b][0] else (b, a)
            if spans[right][0] <= spans[left][1]:
                continue
            line = aligned.value(a) + self.anchor(a, hint.a_port, 1)
            key = f"{len(rails)}\0rail"
            row, rigid = cells[a][1], aligned.root(a)
            rail = Piece(key, row, first + len(rails), 0.0, rigid, line, half, half, True)
            rails.append((rail, (spans[left][1], spans[right][0])))
        return rails

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

    def _label_room(
        self, cells: dict[str, Cell], hints: list[Hint], axis: int = 0
    ) -> dict[str, float]:
        """Room a child needs after it in its row (axis 0: to its right) or column
        (axis 1: below it) for the title of a link along that row or column."""
        room: dict[str, float] = {}
        margin = 2 * self.metrics.arrow_size + self.metrics.font_size
        for hint in hints:
            a, b = cells.get(hint.link.a), cells.get(hint.link.b)
            if hint.label_size is None or a is None or b is None:
                continue
            if a[1 - axis] != b[1 - axis] or a == b:
                continue
            first = hint.link.a if a[axis] < b[axis] else hint.link.b
            room[first] = max(room.get(first, 0.0), hint.label_size[axis] + margin)
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


def _keeps_side(link: Link, cells: dict[str, Cell], axis: int = 0) -> bool:
    """Does ``link`` ask for its ends side by side (axis 0: left and right; axis 1: one
    above the other), and do their cells honour that? Then compaction keeps them apart;
    a link that asks for a column (a row), or whose wish the grid could not grant, leaves
    that coordinate free."""
    a, b = cells.get(link.a), cells.get(link.b)
    wanted = link.offset[axis]
    return a is not None and b is not None and wanted != 0 and (b[axis] - a[axis]) * wanted > 0


def _spacing(link: Link, cells: dict[str, Cell], gap: float, axis: int = 0) -> Spacing:
    """``link``'s ends ``gap`` apart, the one in the lower column (axis 1: row) first."""
    a, b = link.a, link.b
    return Spacing(a, b, gap) if cells[a][axis] < cells[b][axis] else Spacing(b, a, gap)


def _stacking(pieces: Sequence[Piece], spans: dict[str, tuple[float, float]]) -> Iterable[Spacing]:
    """Along y, each piece below the pieces of earlier rows (``Piece.column``) whose x
    ``spans`` overlap its own.

    Only the nearest ones matter: walking up the rows, the part of a piece's span that an
    earlier row already covers needs nothing from the rows above that one (that row's
    pieces are below them). So the rules stay few even in tall tables.
    """
    rows: dict[int, list[Piece]] = {}
    for piece in pieces:
        rows.setdefault(piece.column, []).append(piece)
    order = sorted(rows)
    for number, row in enumerate(order):
        for piece in rows[row]:
            uncovered = [spans[piece.key]]
            for earlier in reversed(order[:number]):
                if not uncovered:
                    break
                for other in rows[earlier]:
                    span = spans[other.key]
                    if any(_overlap(span, part) for part in uncovered):
                        yield Spacing(other.key, piece.key, max(other.gap_after, piece.gap_before))
                uncovered = _uncovered(uncovered, [spans[o.key] for o in rows[earlier]])


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] - 1e-6 and b[0] < a[1] - 1e-6


def _uncovered(
    spans: list[tuple[float, float]], covers: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    """The parts of ``spans`` that no span of ``covers`` overlaps."""
    left = spans
    for low, high in covers:
        cut: list[tuple[float, float]] = []
        for a, b in left:
            if high <= a or b <= low:
                cut.append((a, b))
                continue
            if a < low - 1e-6:
                cut.append((a, low))
            if high < b - 1e-6:
                cut.append((high, b))
        left = cut
    return left


def _straight_in_lane(hint: Hint, cells: dict[str, Cell], axis: int) -> bool:
    """Is ``hint`` a straight vertical (axis 0) or horizontal (axis 1) link whose ends
    share a column (axis 0) or row (axis 1)?"""
    a, b = cells.get(hint.link.a), cells.get(hint.link.b)
    offset = hint.link.offset[axis]
    return offset == 0 and a is not None and b is not None and a[axis] == b[axis]


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
