"""Placement rules (AD209, AD210, AD213, AD215): where Mermaid puts the nodes.

Mermaid does not lay out an architecture diagram from the edges directly. It
first builds a "spatial map" (mermaid ``ArchitectureDB.getDataStructures``):

1. For every node, an adjacency map keyed by the side pair *as seen from that
   node* (its own side, then the other end's side) holding ONE neighbour per
   pair: a later edge with the same pair replaces the earlier one. Same-side
   pairs (``LL``, ``RR``, ``TT``, ``BB``) are skipped.
2. A breadth-first walk over those maps from the first registered node
   (services, then junctions, in text order) puts every node on an integer
   grid: the neighbour under pair ``RL`` goes one cell right, ``TB`` one cell
   up, ``RT`` one right and one up, and so on. Each part not reached yet gets
   its own grid, rooted at its first node. A node is only fixed when it leaves
   the queue, so a node queued twice is re-placed by the later discovery.
3. Nodes on one grid row / column are aligned by the layout engine (fcose);
   rows and columns are split by group unless the groups are aligned by a
   straight edge between them, or one side is ungrouped.

:func:`simulate` reproduces steps 1–3 exactly and is shared by the rules of one
run through ``context.cache``. Mermaid's walk queues a node once per shortest
path that reaches it, which grows exponentially on grid-shaped diagrams; the
simulation follows it step by step up to a budget and then stops re-processing
duplicate queue entries (AD215 says when Mermaid itself would hang).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Literal, NamedTuple

from archdsl.diagnostics import Related, Severity, Span
from archdsl.model import Align, Edge
from archdsl.rules.base import CheckContext, Problem, rule
from archdsl.rules.edges import edge_text

if TYPE_CHECKING:
    from archdsl.graph import EdgeEnds, Links

Cell = tuple[int, int]
Axis = Literal["horizontal", "vertical"]

DEFAULT_GROUP = "default"
"""The name Mermaid gives the 'group' of ungrouped nodes when splitting rows."""

STEP_BUDGET_PER_ITEM = 16
"""Literal queue steps simulated per node and edge before duplicates are skipped."""

HANG_STEPS = 100_000
"""Measured with mermaid 11.17.2 in chromium: a 9×9 grid (48,619 steps) renders in about
a second, 10×10 (184,755 steps) in 28 s, 11×11 (705,431 steps) in 125 s."""

_CAP = 10**15


def _offset(pair: str) -> Cell:
    """Mermaid's ``shiftPositionByArchitectureDirectionPair`` (``+y`` is up)."""
    own, other = pair[0], pair[1]
    if own in "LR":
        dx = -1 if own == "L" else 1
        if other in "TB":
            return dx, 1 if other == "T" else -1
        return dx, 0
    dy = 1 if own == "T" else -1
    if other in "LR":
        return (1 if other == "L" else -1), dy
    return 0, dy


OFFSETS: dict[str, Cell] = {a + b: _offset(a + b) for a in "LRTB" for b in "LRTB" if a != b}


class Hint(NamedTuple):
    """One adjacency entry: the neighbour a side pair points to, through which edge."""

    neighbour: str
    edge: int
    """Index into ``diagram.edges``."""


class Override(NamedTuple):
    """An edge whose hint Mermaid drops at ``node``: ``kept`` holds that pair instead."""

    node: str
    pair: str
    lost: int
    kept: int


class Placement(NamedTuple):
    """Where Mermaid's grid puts a node, and which hint put it there last."""

    grid: int
    cell: Cell
    by: tuple[str, int] | None
    """``(placing node, edge index)``; ``None`` for the node a grid starts from."""
    layer: int


NodeHints = dict[str, tuple[int, int]]
"""One node's adjacency map: side pair → (neighbour's node index, edge index)."""


class GridSimulation:
    """Mermaid's adjacency maps, grids and group alignments for one diagram.

    Nodes are numbered by their position in Mermaid's node map (``order``): the
    walk runs over integer indices and flat lists, and the id-keyed views
    (``adjacency``, ``placements``, ``grids``) are built only when asked for.
    """

    # A plain class (no ``__slots__``): the cached properties below live in ``__dict__``.
    order: list[str]
    """Node ids by index: services then junctions, as Mermaid registers them."""
    hints: list[NodeHints]
    """Each node's adjacency map, in JS ``Map`` order (first insertion of a pair)."""
    overrides: list[Override]
    group_alignments: dict[tuple[str, str], Axis]
    grid_nodes: list[list[int]]
    """Each grid's node indices in Mermaid's map order (first placement)."""
    grid_of: list[int]
    xs: list[int]
    ys: list[int]
    placer: list[int]
    """The node index whose hint placed each node last; ``-1`` for a grid's first node."""
    via: list[int]
    """The edge index of that hint; ``-1`` for a grid's first node."""
    layer: list[int]
    steps: int
    """Queue entries processed (re-processing included, up to the budget)."""
    exact: bool
    """False when the budget ran out and duplicate queue entries were skipped."""
    min_steps: int
    """A lower bound of the queue entries Mermaid processes (shortest-path count)."""

    def __init__(
        self,
        order: list[str],
        hints: list[NodeHints],
        overrides: list[Override],
        group_alignments: dict[tuple[str, str], Axis],
    ) -> None:
        self.order = order
        self.hints = hints
        self.overrides = overrides
        self.group_alignments = group_alignments
        self.grid_nodes = []
        self.grid_of = []
        self.xs = []
        self.ys = []
        self.placer = []
        self.via = []
        self.layer = []
        self.steps = 0
        self.exact = True
        self.min_steps = 0

    @cached_property
    def rank(self) -> dict[str, int]:
        """Each node id's index."""
        return {node: index for index, node in enumerate(self.order)}

    @cached_property
    def adjacency(self) -> dict[str, dict[str, Hint]]:
        """Mermaid's adjacency maps by node id."""
        order = self.order
        return {
            order[index]: {pair: Hint(order[other], edge) for pair, (other, edge) in hints.items()}
            for index, hints in enumerate(self.hints)
        }

    @cached_property
    def grids(self) -> list[list[str]]:
        """Each grid's nodes in Mermaid's map order (first placement)."""
        order = self.order
        return [[order[index] for index in grid] for grid in self.grid_nodes]

    @cached_property
    def placements(self) -> dict[str, Placement]:
        """Every node's placement, grid by grid in map order."""
        return {
            self.order[index]: self.placement(index) for grid in self.grid_nodes for index in grid
        }

    def placement(self, index: int) -> Placement:
        """Where node ``index`` is placed."""
        placer = self.placer[index]
        by = None if placer < 0 else (self.order[placer], self.via[index])
        cell = (self.xs[index], self.ys[index])
        return Placement(self.grid_of[index], cell, by, self.layer[index])


def simulate(context: CheckContext) -> GridSimulation:
    """The grid simulation of ``context.diagram``, computed once per run."""
    cached = context.cache.get("placement.grid")
    if isinstance(cached, GridSimulation):
        return cached
    graph = context.graph
    order = [node.id for node in graph.registered_nodes]
    parents = {node.id: node.parent for node in graph.registered_nodes}
    simulation = _adjacency(order, parents, graph.ends)
    budget = STEP_BUDGET_PER_ITEM * (len(order) + len(context.diagram.edges)) + 4096
    _walk(simulation, budget)
    # An exact walk counted every step; otherwise count the shortest paths instead.
    simulation.min_steps = (
        simulation.steps if simulation.exact else _shortest_path_count(simulation)
    )
    context.cache["placement.grid"] = simulation
    return simulation


def _alignment(lhs: str, rhs: str) -> Axis | None:
    """Mermaid's ``getArchitectureDirectionAlignment``; ``None`` for a bend."""
    if (lhs in "LR") != (rhs in "LR"):
        return None
    return "horizontal" if lhs in "LR" else "vertical"


def _group_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _adjacency(
    order: list[str], parents: dict[str, str | None], edges: tuple[EdgeEnds, ...]
) -> GridSimulation:
    """Step 1: one neighbour per (own side, other side) pair, the last edge winning.

    Mermaid pushes each edge to both ends' lists (a self edge twice) and then fills
    each node's map from its list in order. Each node's list is in edge order, so
    one pass over the edges fills every map the same way; each end sees the pair
    from its own side, and same-side pairs are skipped.
    """
    rank = {node: position for position, node in enumerate(order)}
    hints: list[NodeHints] = [{} for _ in order]  # dict order = JS Map order
    replaced: dict[int, list[tuple[str, tuple[int, int]]]] = {}
    for index, (lhs, rhs, lhs_side, rhs_side, _, _) in enumerate(edges):
        if lhs_side == rhs_side:
            continue
        lhs_at, rhs_at = rank.get(lhs), rank.get(rhs)
        if lhs_at is None or rhs_at is None:
            continue
        lhs_pair = lhs_side + rhs_side
        lhs_hints = hints[lhs_at]
        if lhs_pair in lhs_hints:
            replaced.setdefault(lhs_at, []).append((lhs_pair, lhs_hints[lhs_pair]))
        lhs_hints[lhs_pair] = (rhs_at, index)
        # A self edge is seen from its left end both times.
        rhs_pair = lhs_pair if rhs_at == lhs_at else rhs_side + lhs_side
        rhs_hints = hints[rhs_at]
        if rhs_pair in rhs_hints:
            replaced.setdefault(rhs_at, []).append((rhs_pair, rhs_hints[rhs_pair]))
        rhs_hints[rhs_pair] = (lhs_at, index)
    overrides: list[Override] = []
    for node in sorted(replaced):
        overrides.extend(_overrides(order[node], hints[node], replaced[node]))
    alignments = _group_alignments(edges, parents, rank)
    return GridSimulation(order, hints, overrides, alignments)


def _group_alignments(
    edges: tuple[EdgeEnds, ...], parents: dict[str, str | None], rank: dict[str, int]
) -> dict[tuple[str, str], Axis]:
    """Mermaid's ``groupAlignments``: per pair of groups, the axis of a straight edge.

    Mermaid records it while visiting each node's edges (nodes in order, edges in
    order), so an edge is seen from both ends and the last visit wins: the edge
    whose later end comes last, and among those the later edge.
    """
    latest: dict[tuple[str, str], tuple[tuple[int, int], Axis | None]] = {}
    for index, (lhs, rhs, lhs_side, rhs_side, _, _) in enumerate(edges):
        lhs_rank, rhs_rank = rank.get(lhs), rank.get(rhs)
        if lhs_rank is None or rhs_rank is None:
            continue
        lhs_group, rhs_group = parents[lhs], parents[rhs]
        if not (lhs_group and rhs_group and lhs_group != rhs_group):
            continue
        axis = _alignment(lhs_side, rhs_side)
        if axis is None:
            continue
        key = _group_key(lhs_group, rhs_group)
        visit = (max(lhs_rank, rhs_rank), index)
        previous = latest.get(key)
        if previous is None or previous[0] < visit:
            latest[key] = (visit, axis)
    return {key: axis for key, (_, axis) in latest.items() if axis is not None}


def _overrides(
    node: str, kept: NodeHints, replaced: list[tuple[str, tuple[int, int]]]
) -> Iterator[Override]:
    """Replaced hints that pointed elsewhere than the hint Mermaid finally keeps."""
    seen: set[tuple[str, int]] = set()
    for pair, (lost_other, lost_edge) in replaced:
        kept_other, kept_edge = kept[pair]
        if lost_other != kept_other and (pair, lost_edge) not in seen:
            seen.add((pair, lost_edge))
            yield Override(node, pair, lost_edge, kept_edge)


def _walk(simulation: GridSimulation, budget: int) -> None:
    """Step 2: Mermaid's breadth-first walk, one grid per part, literally."""
    hints = simulation.hints
    count = len(hints)
    visited = bytearray(count)
    grid_of = [-1] * count
    xs, ys = [0] * count, [0] * count
    placer, via, layer = [-1] * count, [-1] * count, [0] * count
    grid_nodes: list[list[int]] = []
    offsets = OFFSETS
    steps = 0
    exact = True
    for root in range(count):
        if visited[root]:
            continue
        # A queued node's cell may still change (Mermaid re-places it when another
        # node reaches it first); it is fixed when it first leaves the queue.
        grid = len(grid_nodes)
        members = [root]
        grid_of[root] = grid
        queue: deque[tuple[int, int]] = deque([(root, 0)])
        while queue:
            node, depth = queue.popleft()
            if not visited[node]:
                visited[node] = 1
                layer[node] = depth
            elif not exact:
                continue  # over budget: skip Mermaid's repeated visits
            steps += 1
            if steps > budget:
                exact = False
            x, y = xs[node], ys[node]
            for pair, (neighbour, edge) in hints[node].items():
                if not visited[neighbour]:
                    if grid_of[neighbour] != grid:
                        grid_of[neighbour] = grid
                        members.append(neighbour)
                    dx, dy = offsets[pair]
                    xs[neighbour] = x + dx
                    ys[neighbour] = y + dy
                    placer[neighbour] = node
                    via[neighbour] = edge
                    queue.append((neighbour, depth + 1))
        grid_nodes.append(members)
    simulation.grid_nodes = grid_nodes
    simulation.grid_of, simulation.xs, simulation.ys = grid_of, xs, ys
    simulation.placer, simulation.via, simulation.layer = placer, via, layer
    simulation.steps = steps
    simulation.exact = exact


def _shortest_path_count(simulation: GridSimulation) -> int:
    """Queue entries Mermaid processes, at least: one per shortest path to each node."""
    grid_of, layer = simulation.grid_of, simulation.layer
    paths = [0] * len(simulation.order)
    for grid in simulation.grid_nodes:
        by_layer = sorted(grid, key=layer.__getitem__)
        paths[by_layer[0]] = 1
        for node in by_layer:
            count, depth = paths[node], layer[node] + 1
            for other, _ in simulation.hints[node].values():
                if grid_of[other] == grid_of[node] and layer[other] == depth:
                    paths[other] = min(paths[other] + count, _CAP)
    return min(sum(paths), _CAP)


# -- shared lines (step 3) -----------------------------------------------------------


class _Lines:
    """Whether fcose keeps two nodes of one grid row (column) on one line.

    Mermaid splits every grid row and column by group (``flattenAlignments``):
    groups merge into one list when a straight edge aligned them along that axis
    or when one side is ungrouped, so a node may sit in several lists. Lists of
    one node and lists holding an ``align`` member are dropped, and the
    ``align`` hints are appended. fcose then stands each node's *last* list in
    for it (``nodeToDummyFor…Alignment``). Two nodes are kept on one line when
    they share that last list, or share some list while no relative placement
    constraint pulls either last list away. Checked against Mermaid 11.17's
    renders of 1,062 random diagrams: 613 overlaps found, 2 false alarms, 27
    missed (about one in twenty-five, nearly all in diagrams mixing nested
    groups and `{group}` edges, where fcose's forces decide).
    """

    __slots__ = (
        "declared",
        "hint_lists",
        "line_cache",
        "members",
        "parents",
        "partners",
        "pulled",
        "simulation",
    )

    simulation: GridSimulation
    parents: dict[str, str]
    declared: set[str]
    hint_lists: dict[Axis, dict[str, int]]
    """Each ``align`` member's last hint list (negative ids: after every grid list)."""
    members: dict[tuple[int, Axis, int], list[str]]
    pulled: dict[Axis, set[str]]
    partners: dict[Axis, dict[str, set[str]]]
    line_cache: dict[tuple[int, Axis, int], _Line]

    def __init__(
        self,
        simulation: GridSimulation,
        parents: dict[str, str],
        declared: set[str],
        hint_lists: dict[Axis, dict[str, int]],
    ) -> None:
        self.simulation = simulation
        self.parents = parents
        self.declared = declared
        self.hint_lists = hint_lists
        self.members = {}
        self.pulled = {}
        self.partners = {}
        self.line_cache = {}

    @classmethod
    def of(cls, context: CheckContext, simulation: GridSimulation) -> _Lines:
        graph = context.graph
        parents = {node.id: node.parent or DEFAULT_GROUP for node in graph.registered_nodes}
        valid = [a for a in context.diagram.aligns if _valid_align(a, graph.is_node)]
        hints: dict[Axis, dict[str, int]] = {"horizontal": {}, "vertical": {}}
        for index, align in enumerate(valid):
            axis: Axis = "horizontal" if align.axis == "row" else "vertical"
            hints[axis].update((member, -1 - index) for member in align.members)
        declared = {member for align in valid for member in align.members}
        lines = cls(simulation, parents, declared, hints)
        order, xs, ys = simulation.order, simulation.xs, simulation.ys
        members = lines.members
        for grid, nodes in enumerate(simulation.grid_nodes):
            for index in nodes:
                node = order[index]
                members.setdefault((grid, "horizontal", ys[index]), []).append(node)
                members.setdefault((grid, "vertical", xs[index]), []).append(node)
        return lines

    def together(self, a: str, b: str, axis: Axis) -> bool:
        """Does fcose keep ``a`` and ``b`` on one line along ``axis``?"""
        simulation = self.simulation
        index = simulation.rank[a]
        coordinate = (simulation.ys if axis == "horizontal" else simulation.xs)[index]
        key = (simulation.grid_of[index], axis, coordinate)
        if key not in self.line_cache:
            self.line_cache[key] = self._line(self.members[key], axis)
        line = self.line_cache[key]
        hint = self.hint_lists[axis]
        last_a = hint.get(a, line.last.get(a))
        last_b = hint.get(b, line.last.get(b))
        if last_a is None or last_b is None:
            return False
        if last_a == last_b:
            return True
        if a in hint or b in hint or not {self.parents[a], self.parents[b]} <= line.merged:
            return False
        # fcose's averaging keeps a shared list aligned unless a relative placement
        # constraint moves one of the two last lists (through any node it stands for).
        return last_a not in line.moved and last_b not in line.moved

    def constrained(self, axis: Axis) -> set[str]:
        """Nodes in a relative placement constraint that moves them across ``axis`` lines.

        Mermaid's ``getRelativeConstraints`` walks the occupied cells of each grid
        (the last node placed on a cell stands for it) from ``(0, 0)`` and adds
        left/right constraints between row neighbours, top/bottom between column
        neighbours. Top/bottom constraints move whole rows (horizontal lists);
        left/right ones move whole columns (vertical lists).
        """
        if axis not in self.pulled:
            for each_axis, nodes in _constrained(self.simulation).items():
                self.pulled.setdefault(each_axis, nodes)
        return self.pulled[axis]

    def _line(self, line: list[str], axis: Axis) -> _Line:
        """Mermaid's ``flattenAlignments`` for one row or column, without building it.

        Mermaid lists, for each pair of groups on the line (in first-seen order),
        both groups' nodes in one shared list when the pair is aligned, else each
        group's nodes in a list of its own; then drops lists of one node and lists
        with an ``align`` member. Only two things matter for fcose: which groups
        end up in the shared list, and which list each node is in *last*. Both
        follow from each group's few aligned partners, so a line with many groups
        costs no more than its partner count (Mermaid's own loop is quadratic).
        """
        by_group: dict[str, list[str]] = {}
        for node in line:
            by_group.setdefault(self.parents[node], []).append(node)
        groups = list(by_group)
        blocked = (
            {g for g, nodes in by_group.items() if not self.declared.isdisjoint(nodes)}
            if self.declared
            else set()
        )
        if len(groups) == 1:
            kept = len(line) > 1 and not blocked
            return self._finish({node: 0 for node in line} if kept else {}, frozenset(), axis)
        partners = self._partners(groups, axis)
        shared_list = _SharedList.of(partners, {g: len(by_group[g]) for g in groups})
        shared_kept = (
            shared_list.exists and shared_list.size > 1 and not (shared_list.groups & blocked)
        )
        last: dict[str, int] = {}
        for index, group in enumerate(groups):
            own = len(by_group[group]) > 1 and group not in blocked
            separate = own and shared_list.separate_list(index, len(groups), partners[index])
            in_shared = shared_kept and group in shared_list.groups
            if separate == "after" or (separate == "before" and not in_shared):
                list_id = index + 1
            elif in_shared:
                list_id = 0
            else:
                continue
            for node in by_group[group]:
                last[node] = list_id
        return self._finish(last, shared_list.groups if shared_kept else frozenset(), axis)

    def _finish(self, last: dict[str, int], merged: frozenset[str], axis: Axis) -> _Line:
        pulled = self.constrained(axis)
        moved = frozenset({last_list for node, last_list in last.items() if node in pulled})
        return _Line(last, merged, moved)

    def _partners(self, groups: list[str], axis: Axis) -> list[set[int]]:
        """For each group of a line, the indices of the groups it is aligned with."""
        index = {group: i for i, group in enumerate(groups)}
        everyone = set(range(len(groups)))
        default = index.get(DEFAULT_GROUP)
        adjacency = self._alignment_partners(axis)
        partners: list[set[int]] = []
        for i, group in enumerate(groups):
            if i == default:
                partners.append(everyone - {i})
                continue
            aligned = adjacency.get(group)
            # ``keys() & set`` walks the smaller of the two (in C): a group aligned with
            # many costs only this line's few groups, and the other way round.
            found = {index[other] for other in index.keys() & aligned} if aligned else set()
            if default is not None:
                found.add(default)
            found.discard(i)
            partners.append(found)
        return partners

    def _alignment_partners(self, axis: Axis) -> dict[str, set[str]]:
        if axis not in self.partners:
            adjacency: dict[str, set[str]] = defaultdict(set)
            for (first, second), aligned in self.simulation.group_alignments.items():
                if aligned == axis:
                    adjacency[first].add(second)
                    adjacency[second].add(first)
            self.partners[axis] = adjacency
        return self.partners[axis]


class _Line(NamedTuple):
    last: dict[str, int]
    """Each node's last kept list on the line: 0 the shared list, ``i + 1`` group i's own."""
    merged: frozenset[str]
    """Groups whose nodes are in the kept shared list."""
    moved: frozenset[int]
    """Lists that a relative placement constraint moves (through a node they stand for)."""


class _SharedList(NamedTuple):
    """The shared list of a line: its groups, its length and its first pair."""

    groups: frozenset[str]
    size: int
    first_pair: tuple[int, int]
    names: tuple[str, ...]

    @property
    def exists(self) -> bool:
        return bool(self.groups)

    @classmethod
    def of(cls, partners: list[set[int]], sizes: dict[str, int]) -> _SharedList:
        names = tuple(sizes)
        first = next(
            (
                (i, min(p for p in found if p > i))
                for i, found in enumerate(partners)
                if any(p > i for p in found)
            ),
            (len(names), len(names)),
        )
        groups = frozenset(names[i] for i, found in enumerate(partners) if found)
        # Mermaid appends both groups' nodes once per aligned pair (duplicates count).
        size = sum(sizes[names[i]] * len(found) for i, found in enumerate(partners))
        return cls(groups, size, first, names)

    def separate_list(self, t: int, count: int, partners: set[int]) -> str | None:
        """Whether group ``t`` gets lists of its own: ``None``, or all ``"before"``
        the shared list's first pair, or some ``"after"`` it (in Mermaid's pair order)."""
        if len(partners) >= count - 1:
            return None  # aligned with every other group: no list of its own
        i0, j0 = self.first_pair
        after = 0
        if t > i0:  # pairs (t, j), j > t, all come after (i0, j0)
            after += (count - 1 - t) - sum(1 for p in partners if p > t)
        elif t == i0:
            after += (count - 1 - j0) - sum(1 for p in partners if p > j0)
        if t > i0 + 1:  # pairs (i, t) with i0 < i < t
            after += (t - i0 - 1) - sum(1 for p in partners if i0 < p < t)
        if i0 < t and t > j0 and i0 not in partners:  # the pair (i0, t)
            after += 1
        return "after" if after > 0 else "before"


def _constrained(simulation: GridSimulation) -> dict[Axis, set[str]]:
    """:meth:`_Lines.constrained` for both axes, in one walk over the cells of each grid.

    A step up or down is a top/bottom constraint (horizontal lists), a step left or
    right a left/right one (vertical lists).
    """
    horizontal: set[str] = set()
    vertical: set[str] = set()
    steps = ((-1, 0, vertical), (1, 0, vertical), (0, 1, horizontal), (0, -1, horizontal))
    order, xs, ys = simulation.order, simulation.xs, simulation.ys
    for grid in simulation.grid_nodes:
        if len(grid) == 1:
            continue  # a lone node has no neighbour cell
        cells = {(xs[index], ys[index]): order[index] for index in grid}
        reached = {(0, 0)}
        queue = deque([(0, 0)])
        while queue:
            x, y = queue.popleft()
            here = cells[x, y]
            for dx, dy, found in steps:
                cell = (x + dx, y + dy)
                there = cells.get(cell)
                if there is None:
                    continue
                found.add(here)
                found.add(there)
                if cell not in reached:
                    reached.add(cell)
                    queue.append(cell)
    return {"horizontal": horizontal, "vertical": vertical}


def _valid_align(align: Align, is_node: Callable[[str], bool]) -> bool:
    members = align.members
    return len(members) >= 2 and len(set(members)) == len(members) and all(map(is_node, members))


# -- messages ------------------------------------------------------------------------


def _edge_text(edge: Edge) -> str:
    return f"`{edge_text(edge)}`"


def _line(span: Span) -> str:
    return f"line {span.line}" if span.line else "declared in code"


def _lines(spans: Iterable[Span]) -> str:
    """``the edge on line 4 puts`` / ``the edges on lines 4, 5 put`` (subject and verb)."""
    numbers = sorted({span.line for span in spans if span.line})
    if len(numbers) == 1:
        return f"the edge on line {numbers[0]} puts"
    if not numbers:
        return "other edges put"
    return f"the edges on lines {', '.join(str(number) for number in numbers)} put"


def _how_placed(context: CheckContext, node: str, placed: Placement) -> str:
    if placed.by is None:
        return f"`{node}` is where the grid starts"
    edge = context.diagram.edges[placed.by[1]]
    return f"`{node}` through {_edge_text(edge)} ({_line(edge.span)})"


# -- AD209 ---------------------------------------------------------------------------


@rule("AD209", "same-grid-cell", Severity.WARNING)
def same_grid_cell(context: CheckContext) -> Iterator[Problem]:
    """Mermaid would draw two nodes on the same spot (mermaid#6120).

    Mermaid places nodes on an integer grid before its layout engine runs:
    every node keeps ONE neighbour per pair of sides (its own side, the other
    end's side), a later edge replacing an earlier one, and a breadth-first walk
    from the first declared service puts each neighbour one cell away (`R`–`L`:
    one cell right, `T`–`B`: one up, a bent pair diagonally). When two nodes
    end up on the same cell and Mermaid aligns them on both that row and that
    column, they are drawn exactly on top of each other. archdsl simulates
    Mermaid's grid to know.

    The classic case: two services on the same side of a hub.

    Bad:   service a(server)
           service b(server)
           service hub(server)
           a:R --> L:hub
           b:R --> L:hub         ← `hub` keeps only `b` on its left: `b` lands on `a`
    Good:  a:R --> L:hub
           b:T --> B:hub         (another side of `hub`)
           or: a:R -- L:j, b:T -- B:j, j:R --> L:hub with a junction `j`

    Reported at the edge that placed the second node, naming both nodes and the
    edges that put them there.
    """
    simulation = simulate(context)
    collisions = _collisions(simulation)
    if not collisions:
        return
    lines = _Lines.of(context, simulation)
    for first, second in collisions:
        if lines.together(first, second, "horizontal") and lines.together(
            first, second, "vertical"
        ):
            yield _collision_problem(context, simulation, first, second)


def _collisions(simulation: GridSimulation) -> list[tuple[str, str]]:
    """``(earlier, later)`` pairs of nodes that share a grid cell, in map order."""
    found: list[tuple[str, str]] = []
    order, xs, ys = simulation.order, simulation.xs, simulation.ys
    for grid in simulation.grid_nodes:
        occupants: dict[Cell, int] = {}
        for index in grid:
            first = occupants.setdefault((xs[index], ys[index]), index)
            if first != index:
                found.append((order[first], order[index]))
    return found


def _collision_problem(
    context: CheckContext, simulation: GridSimulation, first: str, second: str
) -> Problem:
    placed_first = simulation.placement(simulation.rank[first])
    placed_second = simulation.placement(simulation.rank[second])
    assert placed_second.by is not None  # only a grid's first node has no placing edge
    edge = context.diagram.edges[placed_second.by[1]]
    elements = context.diagram.elements
    if placed_first.by is None:
        first_related = Related(
            f"`{first}` is where Mermaid's grid starts", elements[first].id_span
        )
    else:
        first_related = Related(
            f"this edge puts `{first}` on that cell",
            context.diagram.edges[placed_first.by[1]].span,
        )
    hub = placed_second.by[0]
    return Problem(
        edge.span,
        f"Mermaid would draw `{second}` on top of `{first}`: its grid puts both on one cell "
        f"({_how_placed(context, first, placed_first)}; "
        f"{_how_placed(context, second, placed_second)})",
        help=f"connect `{second}` to another side of `{hub}`, or join `{first}` and "
        f"`{second}` through a junction (mermaid#6120)",
        related=(first_related, Related(f"`{second}` is declared here", elements[second].id_span)),
    )


# -- AD213 ---------------------------------------------------------------------------


@rule("AD213", "ignored-placement-hint", Severity.INFO)
def ignored_placement_hint(context: CheckContext) -> Iterator[Problem]:
    """Mermaid ignores this edge's placement hint at one of its nodes.

    Mermaid's grid keeps ONE neighbour per pair of sides at each node (the
    node's own side and the other end's side). When two edges of a node use the
    same pair, say `a:R -- L:hub` and `b:R -- L:hub` at `hub`, only the last one
    places anything; the earlier one's hint is silently dropped there (it may
    still count at its other end). The edge is drawn, just not used for placing.
    archdsl's own renderer honours every hint. See AD209 for when this makes
    two nodes overlap.

    Example:  a:R --> L:hub
              b:R --> L:hub      ← `hub` keeps `b` on its left; `a`'s hint is ignored

    Fix, if the placement matters: use another side pair for one of the edges,
    or join the neighbours through a junction.
    """
    simulation = simulate(context)
    edges = context.diagram.edges
    for override in simulation.overrides:
        lost, kept = edges[override.lost], edges[override.kept]
        end = lost.lhs if lost.lhs.id == override.node else lost.rhs
        other = lost.rhs.id if end is lost.lhs else lost.lhs.id
        yield Problem(
            end.side_span,
            f"Mermaid ignores this edge's placement at `{override.node}`: its side pair "
            f"({override.pair[0]}, {override.pair[1]}) there is taken by {_edge_text(kept)} "
            f"({_line(kept.span)}), and its grid keeps one neighbour per pair, so `{other}` "
            f"is not placed by this edge",
            help=f"use another side of `{override.node}` if the placement matters; "
            "archdsl's renderer still honours it",
            related=(Related("the edge Mermaid keeps", kept.span),),
        )


# -- AD210 ---------------------------------------------------------------------------

_AXIS_WORDS = {
    "x": ("left of", "right of", "in the same column as"),
    "y": ("below", "above", "on the same row as"),
}


class _Constraints(NamedTuple):
    """Strict orders (``a`` before ``b``) and ties per axis, labelled by edge index."""

    order: dict[str, list[tuple[str, str, int]]]
    ties: dict[str, list[tuple[str, str, int]]]


def _side_rule(first: str, second: str, sides: str) -> bool | None:
    """Along the axis of ``sides``: is the second end after the first (right of, above)?

    ``None`` when neither side is on that axis: a straight edge keeps both ends on
    one row (or column).
    """
    if first in sides:
        return first in "RT"
    if second in sides:
        return second in "LB"
    return None


SIDE_RULES: dict[tuple[str, str], tuple[bool | None, bool | None]] = {
    (a, b): (_side_rule(a, b, "LR"), _side_rule(a, b, "TB")) for a in "LRTB" for b in "LRTB"
}
"""Per side pair: (x rule, y rule), see :func:`_side_rule`."""


def _constraints(context: CheckContext) -> _Constraints:
    """What the sides of each edge say about where its ends are (see AD210)."""
    nodes = context.graph.node_ids
    order: dict[str, list[tuple[str, str, int]]] = {"x": [], "y": []}
    ties: dict[str, list[tuple[str, str, int]]] = {"x": [], "y": []}
    lists = ((order["x"], ties["x"]), (order["y"], ties["y"]))
    seen_pairs: set[tuple[str, str]] = set()
    for index, (a, b, a_side, b_side, a_group, b_group) in enumerate(context.graph.ends):
        pair = (a, b)
        pair_seen = pair in seen_pairs
        seen_pairs.add(pair)
        if a == b or a_side == b_side or pair_seen or a not in nodes or b not in nodes:
            continue  # self edges, same sides, AD207 duplicates, broken ends: other codes
        for (axis_order, axis_ties), after in zip(lists, SIDE_RULES[a_side, b_side], strict=True):
            if after is None:
                if not (a_group or b_group):  # a {group} end leaves from the border
                    axis_ties.append((a, b, index))
            else:
                axis_order.append((a, b, index) if after else (b, a, index))
    return _Constraints(order, ties)


@rule("AD210", "contradictory-placement", Severity.WARNING)
def contradictory_placement(context: CheckContext) -> Iterator[Problem]:
    """Contradictory placement: no drawing can honour all of these sides.

    The sides of an edge say where its ends sit: `a:R -- L:b` puts `b` right of
    `a` on the same row, `a:B -- T:b` puts `b` below `a` in the same column, and
    a bent edge `a:R -- T:b` puts `b` right of and below `a`. archdsl collects
    these as orders and ties on each axis and reports only genuine
    contradictions: a cycle such as `a` left of `b` left of `c` left of `a`, or
    two nodes that must share a row and yet be one above the other. Distances
    never count (a node two cells away is still "right of"), so a diagram that
    some drawing satisfies is never reported, even when Mermaid's grid
    misplaces it (that is AD209/AD213).

    Ignored here: self edges (AD205), same-side pairs (AD206), second edges
    between one ordered pair (AD207), edges to unknown ids or groups; an end
    with `{group}` keeps its order but not the shared row/column (the line runs
    from the group's border).

    Bad:   a:R --> L:b
           b:R --> L:c
           c:R --> L:a          ← `a` would be right of `c` and left of it
    Good:  a:R --> L:b
           b:B --> T:c
           c:L --> B:a          (a triangle: the edge back bends up into `a`)

    Reported once per contradiction, at the last edge declared in it, with the
    other edges of the cycle as related positions.
    """
    from archdsl.graph import order_cycles

    constraints = _constraints(context)
    reported: set[int] = set()
    for axis in ("x", "y"):
        parts = order_cycles(constraints.order[axis], constraints.ties[axis])
        for links, labels in zip(_Links.split(constraints, axis, parts), parts, strict=True):
            last = labels[1][-1]
            # One cycle through the last strict edge; blame its last-declared edge, so
            # that the same contradiction seen on both axes is reported once.
            culprit = max([last, *links.path_around(last)])
            if culprit in reported:
                continue
            reported.add(culprit)
            problem = links.problem(context, culprit) or links.problem(context, last)
            if problem is not None:
                yield problem


class _Links(NamedTuple):
    """The orders and ties of one contradictory part, as directed links."""

    axis: str
    order: dict[int, tuple[str, str]]
    ties: dict[int, tuple[str, str]]
    walk: Links[str]
    """Each order ``a`` before ``b`` as a link a → b; each tie both ways."""

    @classmethod
    def split(
        cls, constraints: _Constraints, axis: str, parts: list[tuple[set[str], list[int]]]
    ) -> list[_Links]:
        """The links of each contradictory part, in one pass over the constraints."""
        from archdsl.graph import Links

        part_of = {item: index for index, (items, _) in enumerate(parts) for item in items}
        order: list[dict[int, tuple[str, str]]] = [{} for _ in parts]
        ties: list[dict[int, tuple[str, str]]] = [{} for _ in parts]
        for found, into in ((constraints.order[axis], order), (constraints.ties[axis], ties)):
            for a, b, label in found:
                index = part_of.get(a)
                if index is not None and part_of.get(b) == index:
                    into[index][label] = (a, b)
        split: list[_Links] = []
        for part_order, part_ties in zip(order, ties, strict=True):
            links = [(a, b, label) for label, (a, b) in part_order.items()]
            for label, (a, b) in part_ties.items():
                links += [(a, b, label), (b, a, label)]
            split.append(cls(axis, part_order, part_ties, Links(links)))
        return split

    def path(self, source: str, target: str, without: int) -> list[int] | None:
        """Labels leading from ``source`` to ``target`` (each step: not before it)."""
        return self.walk.path(source, target, without)

    def path_around(self, label: int) -> list[int]:
        before, after = self.order[label]
        return self.path(after, before, label) or []

    def problem(self, context: CheckContext, culprit: int) -> Problem | None:
        """AD210 at ``culprit``, explained by the rest of its cycle."""
        lower, upper, same = _AXIS_WORDS[self.axis]
        if culprit in self.order:
            before, after = self.order[culprit]
            path = self.path(after, before, culprit) or []
            strict = any(label in self.order for label in path)
            claim = f"`{after}` {upper} `{before}`"
            counter = f"`{after}` {lower if strict else same} `{before}`"
        else:
            a, b = self.ties[culprit]
            claim = f"`{b}` {same} `{a}`"
            path = self.path(a, b, culprit) or []
            counter = f"`{b}` {upper} `{a}`"
            if not any(label in self.order for label in path):
                path = self.path(b, a, culprit) or []
                counter = f"`{b}` {lower} `{a}`"
            if not any(label in self.order for label in path):
                return None
        edges = context.diagram.edges
        return Problem(
            edges[culprit].span,
            f"contradictory placement: this edge puts {claim}, but "
            f"{_lines(edges[label].span for label in path)} {counter}",
            help="change the sides of one of these edges: no drawing can honour all of them",
            related=tuple(Related(_edge_text(edges[label]), edges[label].span) for label in path),
        )


# -- AD215 ---------------------------------------------------------------------------


@rule("AD215", "placement-walk-explodes", Severity.WARNING)
def placement_walk_explodes(context: CheckContext) -> Iterator[Problem]:
    """Mermaid's placement walk would take too many steps: rendering may hang.

    Mermaid's breadth-first walk over its grid (see AD209) marks a node as
    visited only when it leaves the queue, so a node is queued once for every
    shortest path that reaches it, and each of those entries queues its own
    neighbours again. On grid-shaped diagrams the number of shortest paths grows
    exponentially. Measured with Mermaid 11.17 (services joined `R`–`L` and
    `B`–`T` in a square grid): 9×9 renders in about a second, 10×10 takes 28
    seconds, 11×11 two minutes, and larger grids hang the browser tab. archdsl
    counts a lower bound of those steps and warns above 100,000.

    Example:  a 10×10 grid, every service joined to its right and lower neighbour.

    Fix: break up the grid. Every closed rectangle of edges doubles the paths
    behind it, so drop edges that only repeat what the layout already shows,
    join a row or column through one junction instead of pairwise edges, or
    split the diagram in two.
    """
    simulation = simulate(context)
    steps = max(simulation.steps, simulation.min_steps)
    if steps < HANG_STEPS:
        return
    yield Problem(
        context.diagram.header_span,
        f"Mermaid's placement walk would take at least {steps:,} steps on this diagram "
        "(it queues a node once per shortest path to it): rendering may hang",
        help="break up the grid: fewer closed rectangles of edges (e.g. a junction per row), "
        "or split the diagram",
    )
