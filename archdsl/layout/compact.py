"""Compaction along x: each child as far left as its row and its links allow.

A table makes every column as wide as its widest child. With many children of mixed
sizes (nested groups, wide titles) most of that width is empty, and the picture grows
faster than the diagram. Compaction keeps the table's rows (each row a band as tall as its
tallest child) and its column *order*, but places each child on its own:

* in a row, a child starts after the child before it (by column) and a gap;
* a child linked to a child in another row keeps the side of it that their columns give
  (``a:R -- T:b`` keeps ``b`` right of ``a``), a gap apart;
* the two ends of a straight ``T``/``B`` link move as one (they share a vertical line), and
  a *post* on that line in every row in between takes room there like a zero-wide child,
  so that nothing moves into the straight edge's way.

Every such rule points from a lower column to a higher one, so one pass over the rigid
sets in column order (a longest path) places everything as far left as allowed.

The same pass then compacts along y (:meth:`~archdsl.layout.place._Arranger._compact_y`),
rows taking the place of columns: rows are no bands there, so a piece gets a rule from
each piece of an earlier row that it would overlap along x instead of row neighbours;
straight ``L``/``R`` links make the rigid sets, and a *rail* along each such line (a post
as long as the line) keeps children of other rows out of its way.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Sequence
from typing import NamedTuple


class Piece(NamedTuple):
    """Something that takes room in a row: a child, or a post keeping a line clear."""

    key: str
    column: int
    row: int
    width: float
    rigid: str
    """The rigid set it moves with (children joined by straight ``T``/``B`` links)."""
    offset: float
    """Its x inside the rigid set."""
    gap_before: float
    gap_after: float
    post: bool = False


class Spacing(NamedTuple):
    """``right`` must start at least ``gap`` after ``left``'s end."""

    left: str
    right: str
    gap: float


def compact(pieces: Sequence[Piece], links: Iterable[Spacing]) -> dict[str, float]:
    """The leftmost x of every piece (the leftmost child at 0) under the row order and
    ``links``; both must run from lower to higher columns."""
    by_key = {piece.key: piece for piece in pieces}
    rules = [*_row_rules(pieces), *links]
    origin: dict[str, float] = {}
    for rigid, members, incoming in _in_order(pieces, rules, by_key):
        start = -min(by_key[m].offset for m in members)
        for rule in incoming:
            left = by_key[rule.left]
            if left.rigid not in origin:
                continue  # two straight lines crossing each other's posts: one gives way
            end = origin[left.rigid] + left.offset + left.width + rule.gap
            start = max(start, end - by_key[rule.right].offset)
        origin[rigid] = start
    x = {piece.key: origin[piece.rigid] + piece.offset for piece in pieces}
    low = min((x[p.key] for p in pieces if not p.post), default=0.0)
    return {key: value - low for key, value in x.items()}


def row_order(pieces: Iterable[Piece]) -> dict[int, list[Piece]]:
    """Each row's pieces by column; a post after the child sharing its column."""
    rows: dict[int, list[Piece]] = {}
    for piece in pieces:
        rows.setdefault(piece.row, []).append(piece)
    for row in rows.values():
        row.sort(key=lambda p: (p.column, p.post))
    return rows


def _row_rules(pieces: Iterable[Piece]) -> Iterable[Spacing]:
    for row in row_order(pieces).values():
        for left, right in itertools.pairwise(row):
            yield Spacing(left.key, right.key, max(left.gap_after, right.gap_before))


def _in_order(
    pieces: Sequence[Piece], rules: Sequence[Spacing], by_key: dict[str, Piece]
) -> Iterable[tuple[str, list[str], list[Spacing]]]:
    """The rigid sets, each after every set its rules depend on (Kahn's order, ties by
    column, row and appearance), with their members and incoming rules.

    Rules between children always run from a lower column to a higher one; only posts can
    close a cycle (two straight lines in one column, each passing the other's end). Then
    the set that comes first by column and row goes first, and the rule it misses is
    dropped: that line may have to bend.
    """
    members: dict[str, list[str]] = {}
    rank: dict[str, tuple[int, int, int]] = {}
    for index, piece in enumerate(pieces):
        members.setdefault(piece.rigid, []).append(piece.key)
        key = (piece.column, piece.row, index)
        if piece.rigid not in rank or key < rank[piece.rigid]:
            rank[piece.rigid] = key
    incoming: dict[str, list[Spacing]] = {rigid: [] for rigid in members}
    waiting: dict[str, set[str]] = {rigid: set() for rigid in members}
    followers: dict[str, list[str]] = {rigid: [] for rigid in members}
    for rule in rules:
        left, right = by_key[rule.left].rigid, by_key[rule.right].rigid
        incoming[right].append(rule)
        if left != right and left not in waiting[right]:
            waiting[right].add(left)
            followers[left].append(right)
    ready = [(rank[r], r) for r in members if not waiting[r]]
    heapq.heapify(ready)
    left_over = dict.fromkeys(sorted(members, key=rank.__getitem__))
    while left_over:
        # With none ready, a cycle: break it at its first set.
        rigid = heapq.heappop(ready)[1] if ready else next(iter(left_over))
        if rigid not in left_over:
            continue
        del left_over[rigid]
        yield rigid, members[rigid], incoming[rigid]
        for follower in followers[rigid]:
            waiting[follower].discard(rigid)
            if not waiting[follower] and follower in left_over:
                heapq.heappush(ready, (rank[follower], follower))
