"""From the reading of a template to a diagram: ids, titles, groups, and sides that lay out.

**Ids** are lower-case snake case (``PlaceOrderFunction`` → ``place_order``), so they never
start with an upper-case ``L``/``R``/``T``/``B`` (mermaid#7022); ids that would be a keyword or
start with ``title`` get a suffix or prefix. A template archdsl exported keeps its diagram ids.

**Layout.** Services are put on a grid that reads left to right: sources in the first column,
each service one column right of the service that feeds it (the same row, or the row just
above or below when that is taken). Each edge then gets the sides that say where its target
is: ``a:R --> L:b`` for the cell to the right, ``a:B --> T:b`` below, ``a:B --> L:b`` below
right... Mermaid builds its grid from those sides, keeping one neighbour per (side, side)
pair of a node, so :func:`_settle` replays Mermaid's placement (reference §5.2) and gives an
edge between services that are not neighbours a side pair another edge of both services
already uses, declared first so that the neighbour's edge wins: it is drawn, but places
nothing. Where possible, no two edges share a side pair at one node.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

from archdsl.importers.cloudformation.reading import ImportedService, Reading
from archdsl.model import ID_PATTERN, Diagram, Edge, EdgeEnd, Group, Service, TitleStatement

Cell = tuple[int, int]
"""(column, row); rows grow downwards."""
Pair = tuple[str, str]

KEYWORDS = frozenset(
    {
        "architecture",
        "group",
        "service",
        "junction",
        "in",
        "align",
        "row",
        "column",
        "accdescr",
        "acctitle",
    }
)

UNIT_SIDES: dict[Cell, Pair] = {
    (1, 0): ("R", "L"),
    (-1, 0): ("L", "R"),
    (0, 1): ("B", "T"),
    (0, -1): ("T", "B"),
    (1, 1): ("B", "L"),
    (1, -1): ("T", "L"),
    (-1, 1): ("B", "R"),
    (-1, -1): ("T", "R"),
}
"""Sides for a neighbour cell, chosen so that Mermaid places it there seen from the source."""

TARGET_FIRST_SIDES: dict[Cell, Pair] = {
    (1, 1): ("R", "T"),
    (1, -1): ("R", "B"),
    (-1, 1): ("L", "T"),
    (-1, -1): ("L", "B"),
}
"""For a diagonal neighbour: the sides that place it right when Mermaid reaches the target
first. Mermaid reads a bent pair consistently from one end only (reference §5.2), so a
diagonal edge gets the variant that suits whichever end its walk reaches first."""

MERMAID_OFFSETS: dict[Pair, Cell] = {
    ("R", "L"): (1, 0),
    ("L", "R"): (-1, 0),
    ("B", "T"): (0, 1),
    ("T", "B"): (0, -1),
    ("T", "L"): (1, -1),
    ("T", "R"): (-1, -1),
    ("B", "L"): (1, 1),
    ("B", "R"): (-1, 1),
    ("L", "T"): (-1, -1),
    ("L", "B"): (-1, 1),
    ("R", "T"): (1, -1),
    ("R", "B"): (1, 1),
}
"""Where Mermaid's spatial map puts the other node for (own side, other side), rows down.

The horizontal-first bent pairs are Mermaid's own inconsistency (reference §5.2), kept here
because the replay must place nodes where Mermaid does.
"""

SUFFIX_WORDS = re.compile(
    r"(Function|Table|Bucket|Queue|Topic|Stream|DeliveryStream|Api|RestApi|HttpApi|StateMachine|"
    r"WorkGroup|Workgroup|Cluster|Instance|Database|Db|LoadBalancer|Alb|Nlb|Distribution|"
    r"Rule|EventBus|Bus|Secret|Key|Repository|Project|Pipeline|Domain|Broker|UserPool|Role|"
    r"Record|RecordSet|WebAcl|Acl|Service|Job|DataSource|Dashboard|Trail|Parameter|Vpc)$"
)


@dataclass
class DrawnEdge:
    source: str
    target: str
    title: str | None
    both: bool
    sides: Pair = ("R", "L")
    shadowed: bool = False
    attempts: int = 0


@dataclass
class _Layout:
    cells: dict[str, Cell] = field(default_factory=dict)
    edges: list[DrawnEdge] = field(default_factory=list)


def draw(reading: Reading, title: str | None) -> Diagram:
    ids, taken = _service_ids(reading)
    groups, parents = _groups(reading, ids, taken)
    edges = _edges(reading, ids)
    layout = _layout([ids[key] for key in reading.services] + _stack_ids(reading, ids), edges)
    services = _services(reading, ids, parents, layout)
    statements: list[object] = []
    if title:
        statements.append(TitleStatement(text=title))
    statements += groups
    statements += services
    statements += [_edge(e) for e in sorted(layout.edges, key=lambda e: not e.shadowed)]
    return Diagram(statements=tuple(statements))


# -- ids and titles -----------------------------------------------------------------------------


def snake_case(text: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", text)
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def humanize(text: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", text)
    words = re.sub(r"[^A-Za-z0-9]+", " ", spaced).split()
    return " ".join(words)


def safe_id(text: str, taken: set[str]) -> str:
    """A Mermaid id every version reads: lower case, not a keyword, not ``title...``."""
    base = snake_case(text) or "node"
    if base.startswith("title"):
        base = f"n_{base}"
    if base in KEYWORDS:
        base = f"{base}_node"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}_{number}"
    assert ID_PATTERN.fullmatch(candidate)
    taken.add(candidate)
    return candidate


def _stem(logical_id: str) -> str:
    """``PlaceOrderFunction`` → ``PlaceOrder``; kept whole when little would remain."""
    stripped = SUFFIX_WORDS.sub("", logical_id)
    return stripped if len(stripped) >= 5 or re.search(r"[a-z0-9][A-Z]", stripped) else logical_id


def _service_ids(reading: Reading) -> tuple[dict[str, str], set[str]]:
    taken: set[str] = set()
    ids: dict[str, str] = {}
    stems = [_stem(s.main.logical_id) for s in reading.services.values() if not s.diagram_id]
    shared = {stem for stem in stems if stems.count(stem) > 1}
    for key, service in reading.services.items():
        wanted = service.diagram_id
        if (
            wanted
            and ID_PATTERN.fullmatch(wanted)
            and wanted not in taken
            and _reads_everywhere(wanted)
        ):
            taken.add(wanted)
            ids[key] = wanted
        else:
            # `OrdersApi` and `OrdersTable` are `orders_api` and `orders_table`, not `orders`.
            stem = _stem(service.main.logical_id)
            ids[key] = safe_id(service.main.logical_id if stem in shared else stem, taken)
    for stack in reading.stacks:
        ids[f"stack:{stack}"] = safe_id(f"{_stem(stack)}_stack", taken)
        ids[f"group:{stack}"] = safe_id(_stem(stack), taken)
    return ids, taken


def _reads_everywhere(node_id: str) -> bool:
    return not (node_id[0] in "LRTB" or node_id.startswith("title") or node_id.lower() in KEYWORDS)


def _title(service: ImportedService, node_id: str) -> str:
    """Words of the diagram id or logical id: ``place_order`` → ``Place Order``."""
    if service.diagram_id:
        words = humanize(service.diagram_id).split()
    else:
        logical = service.main.logical_id
        words = humanize(logical if snake_case(logical) == node_id else _stem(logical)).split()
    text = " ".join(w[:1].upper() + w[1:] for w in words) or service.main.logical_id
    if service.entry.label_words and not any(
        word in text.lower() for word in service.entry.label_words
    ):
        text = f"{text} {service.entry.label_words[0].title()}"
    return text


def _stack_ids(reading: Reading, ids: dict[str, str]) -> list[str]:
    return [ids[f"stack:{stack}"] for stack in reading.stacks]


# -- groups -------------------------------------------------------------------------------------


def _groups(
    reading: Reading, ids: dict[str, str], taken: set[str]
) -> tuple[list[Group], dict[str, str]]:
    """VPC groups (and subnet groups inside), nested stacks; and each service's parent."""
    groups: list[Group] = []
    parents: dict[str, str] = {}
    by_vpc: dict[str, dict[str, frozenset[str]]] = {}
    for key, (vpc, subnets) in reading.networks.items():
        by_vpc.setdefault(vpc or "VpcId", {})[key] = subnets
    for vpc, members in by_vpc.items():
        vpc_id = safe_id(re.sub(r"Id$", "", vpc) or "vpc", taken)
        groups.append(Group(id=vpc_id, icon="logos:aws-vpc", title=_vpc_title(reading, vpc)))
        tiers = sorted({s for s in members.values() if s}, key=lambda s: sorted(s))
        tier_ids: dict[frozenset[str], str] = {}
        if len(tiers) > 1:
            for tier in tiers:
                name = _tier_name(tier)
                tier_ids[tier] = safe_id(name, taken)
                groups.append(Group(id=tier_ids[tier], title=_tier_title(name), parent=vpc_id))
        for key, subnets in members.items():
            parents[key] = tier_ids.get(subnets, vpc_id)
    for stack in reading.stacks:
        group_id = ids[f"group:{stack}"]
        groups.append(
            Group(
                id=group_id,
                icon="logos:aws-cloudformation",
                title=f"{humanize(_stem(stack))} stack",
            )
        )
        parents[f"stack:{stack}"] = group_id
    return groups, parents


def _vpc_title(reading: Reading, vpc: str) -> str:
    resource = reading.template.resources.get(vpc)
    if resource is not None:
        for tag in resource.properties.get("Tags") or []:
            if (
                isinstance(tag, dict)
                and tag.get("Key") == "Name"
                and isinstance(tag.get("Value"), str)
            ):
                return _clean_title(tag["Value"])
    stem = re.sub(r"(Vpc)?Id$", "", vpc)
    return f"{humanize(stem)} VPC".strip() if stem and stem.lower() != "vpc" else "VPC"


def _tier_name(subnets: frozenset[str]) -> str:
    names = sorted(re.sub(r"(Ids?|[0-9]+|[A-Z])$", "", s) for s in subnets)
    common = names[0]
    for name in names[1:]:
        while not name.startswith(common):
            common = common[:-1]
    return common or names[0]


def _tier_title(name: str) -> str:
    words = humanize(name).split()
    if words and words[-1].lower() == "subnet":
        words[-1] = "subnets"
    elif words and words[-1].lower() != "subnets":
        words.append("subnets")
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _clean_title(text: str) -> str:
    return " ".join(re.sub(r"[\[\]]", " ", text).split())[:60] or "VPC"


# -- services and edges -------------------------------------------------------------------------


def _services(
    reading: Reading, ids: dict[str, str], parents: dict[str, str], layout: _Layout
) -> list[Service]:
    found: list[Service] = []
    for key, service in reading.services.items():
        icon = service.entry.icon
        found.append(
            Service(
                id=ids[key],
                icon=icon,
                title=_clean_title(_title(service, ids[key])),
                parent=parents.get(key),
            )
        )
    for stack in reading.stacks:
        key = f"stack:{stack}"
        found.append(
            Service(
                id=ids[key],
                icon="logos:aws-cloudformation",
                title=f"{humanize(_stem(stack))} stack",
                parent=parents.get(key),
            )
        )
    order = {node: (cell[0], cell[1]) for node, cell in layout.cells.items()}
    return sorted(found, key=lambda s: order.get(s.id, (0, 0)))


def _edges(reading: Reading, ids: dict[str, str]) -> list[DrawnEdge]:
    edges: list[DrawnEdge] = []
    seen: dict[frozenset[str], DrawnEdge] = {}
    for (source, target), title in reading.edges.items():
        if source not in ids or target not in ids:
            continue
        pair = frozenset((ids[source], ids[target]))
        if pair in seen:
            seen[pair].both = True
            continue
        edge = DrawnEdge(ids[source], ids[target], _edge_title(title), both=False)
        seen[pair] = edge
        edges.append(edge)
    return edges


def _edge_title(title: str | None) -> str | None:
    if not title:
        return None
    return " ".join(re.sub(r"[\[\]]", " ", title).split()) or None


def _edge(edge: DrawnEdge) -> Edge:
    lhs_side, rhs_side = edge.sides
    return Edge(
        lhs=EdgeEnd(id=edge.source, side=lhs_side, arrow=edge.both),
        rhs=EdgeEnd(id=edge.target, side=rhs_side, arrow=True),
        title=edge.title,
    )


# -- layout -------------------------------------------------------------------------------------


def _layout(nodes: list[str], edges: list[DrawnEdge]) -> _Layout:
    layout = _Layout(_cells(nodes, edges), edges)
    _choose_sides(layout)
    _settle(nodes, layout)
    return layout


def _cells(nodes: list[str], edges: list[DrawnEdge]) -> dict[str, Cell]:
    index = {node: i for i, node in enumerate(nodes)}
    preds: dict[str, list[str]] = {n: [] for n in nodes}
    succs: dict[str, list[str]] = {n: [] for n in nodes}
    for edge in edges:
        succs[edge.source].append(edge.target)
        preds[edge.target].append(edge.source)
    cells: dict[str, Cell] = {}
    taken: set[Cell] = set()
    for component in _components(nodes, preds, succs):
        top = max((y for _, y in taken), default=-2) + 2
        for node in _topological(component, preds, index):
            cell = _best_cell(node, cells, taken, preds, succs, top)
            cells[node] = cell
            taken.add(cell)
    return cells


def _best_cell(
    node: str,
    cells: dict[str, Cell],
    taken: set[Cell],
    preds: dict[str, list[str]],
    succs: dict[str, list[str]],
    top: int,
) -> Cell:
    """The free cell next to most of the node's placed neighbours, right of what feeds it.

    Every neighbour in a cell next to it is an edge Mermaid places right; the others need
    sides that place nothing. Ties go to cells right of the feeding services (the layout
    reads left to right), then to the cell closest to the right of the nearest one.
    """
    placed_preds = [p for p in preds[node] if p in cells]
    placed_succs = [s for s in succs[node] if s in cells]
    if not placed_preds and not placed_succs:
        return next((0, top + k) for k in range(len(cells) + 1) if (0, top + k) not in taken)
    neighbours = [cells[n] for n in placed_preds + placed_succs]
    pool = {
        (x + dx, y + dy) for x, y in neighbours for dx in (-1, 0, 1) for dy in (-1, 0, 1)
    } - taken
    if placed_preds:
        ax, ay = cells[max(placed_preds, key=lambda p: cells[p][0])]
        goal = (ax + 1, ay)
    else:
        sx, sy = cells[placed_succs[0]]
        goal = (sx - 1, sy)
    if not pool:
        column = [(goal[0], goal[1] + d) for k in range(1, 4096) for d in (k, -k)]
        return next(cell for cell in [goal, *column] if cell not in taken)

    def score(cell: Cell) -> tuple[int, int, int, int, int]:
        near = sum(1 for x, y in neighbours if max(abs(x - cell[0]), abs(y - cell[1])) == 1)
        backwards = sum(1 for p in placed_preds if cell[0] <= cells[p][0]) + sum(
            1 for s in placed_succs if cell[0] >= cells[s][0]
        )
        distance = abs(cell[0] - goal[0]) + abs(cell[1] - goal[1])
        return (-near, backwards, distance, cell[1], cell[0])

    return min(pool, key=score)


def _components(
    nodes: list[str], preds: dict[str, list[str]], succs: dict[str, list[str]]
) -> list[list[str]]:
    seen: set[str] = set()
    found: list[list[str]] = []
    for start in nodes:
        if start in seen:
            continue
        part, queue = [], deque([start])
        seen.add(start)
        while queue:
            node = queue.popleft()
            part.append(node)
            for other in preds[node] + succs[node]:
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
        found.append(sorted(part, key=nodes.index))
    return found


def _topological(part: list[str], preds: dict[str, list[str]], index: dict[str, int]) -> list[str]:
    """Sources first; a cycle is broken at its first node in template order."""
    done: list[str] = []
    left = set(part)
    while left:
        ready = [n for n in left if not any(p in left for p in preds[n])]
        node = min(ready or left, key=lambda n: index[n])
        done.append(node)
        left.remove(node)
    return done


def _choose_sides(layout: _Layout) -> None:
    used: dict[str, set[Pair]] = {}
    far: list[DrawnEdge] = []
    for edge in layout.edges:
        delta = _delta(layout, edge)
        if delta in UNIT_SIDES and not _taken(used, edge, UNIT_SIDES[delta]):
            edge.sides = UNIT_SIDES[delta]
            _use(used, edge)
        else:
            far.append(edge)
    for edge in far:
        options = _towards(_delta(layout, edge))
        edge.sides = next((p for p in options if not _taken(used, edge, p)), options[0])
        _use(used, edge)


def _delta(layout: _Layout, edge: DrawnEdge) -> Cell:
    (sx, sy), (tx, ty) = layout.cells[edge.source], layout.cells[edge.target]
    return (tx - sx, ty - sy)


def _towards(delta: Cell) -> list[Pair]:
    """Side pairs that point from the source towards a cell that is not a neighbour.

    Only pairs that agree with the direction: a pair pointing elsewhere would make Mermaid
    line the two services up the wrong way.
    """
    dx, dy = delta
    horizontal = ("R", "L") if dx > 0 else ("L", "R")
    vertical = ("B", "T") if dy > 0 else ("T", "B")
    if not dy:
        return [horizontal]
    if not dx:
        return [vertical]
    # A bent pair adds no alignment (Mermaid aligns only straight neighbours): it cannot
    # contradict the rows and columns the neighbours' edges make.
    return [(vertical[0], horizontal[1]), (horizontal[0], vertical[1])]


def _consistent(pair: Pair, delta: Cell) -> bool:
    """The pair, as drawn, points where the target is (``B``-``L``: below and right)."""
    dx, dy = delta
    sign_x, sign_y = (dx > 0) - (dx < 0), (dy > 0) - (dy < 0)
    source, target = pair
    horizontal = {"R": 1, "L": -1}
    vertical = {"B": 1, "T": -1}
    if source in horizontal and target in horizontal:
        return source != target and sign_x == horizontal[source] and sign_y == 0
    if source in vertical and target in vertical:
        return source != target and sign_y == vertical[source] and sign_x == 0
    if source in vertical:
        return sign_y == vertical[source] and sign_x == -horizontal[target]
    return sign_x == horizontal[source] and sign_y == -vertical[target]


def _taken(used: dict[str, set[Pair]], edge: DrawnEdge, sides: Pair) -> bool:
    a, b = sides
    return (a, b) in used.get(edge.source, set()) or (b, a) in used.get(edge.target, set())


def _use(used: dict[str, set[Pair]], edge: DrawnEdge) -> None:
    a, b = edge.sides
    used.setdefault(edge.source, set()).add((a, b))
    used.setdefault(edge.target, set()).add((b, a))


def _settle(nodes: list[str], layout: _Layout, rounds: int = 32) -> None:
    """Shadow edges that make Mermaid put a service where the layout does not."""
    for _ in range(rounds):
        wrong = _misplacing_edges(nodes, layout)
        if not wrong:
            return
        for edge, discoverer in wrong:
            _shadow(layout, edge, discoverer)


def _misplacing_edges(nodes: list[str], layout: _Layout) -> list[tuple[DrawnEdge, str]]:
    """Edges through which Mermaid's walk puts a service elsewhere than the layout does.

    Mermaid's spatial map (as :mod:`archdsl.rules.placement` replays it): each node keeps one
    neighbour per side pair, the last edge winning, in the order the pairs first appeared; a
    breadth-first walk from the first declared service fixes a node when it leaves the queue,
    at the cell given by the last node that reached it before that.
    """
    order = sorted(nodes, key=lambda n: layout.cells.get(n, (0, 0)))
    adjacency: dict[str, dict[Pair, tuple[str, DrawnEdge]]] = {n: {} for n in nodes}
    for edge in sorted(layout.edges, key=lambda e: not e.shadowed):
        a, b = edge.sides
        if a != b:
            adjacency[edge.source][(a, b)] = (edge.target, edge)
            adjacency[edge.target][(b, a)] = (edge.source, edge)
    reached: dict[str, tuple[str, Pair, DrawnEdge]] = {}
    visited: set[str] = set()
    for root in order:
        queue = deque([root])
        while queue:
            node = queue.popleft()
            if node in visited:
                continue
            visited.add(node)
            for pair, (other, edge) in adjacency[node].items():
                if other not in visited:
                    reached[other] = (node, pair, edge)
                    queue.append(other)
    wrong: list[tuple[DrawnEdge, str]] = []
    for node, (parent, pair, edge) in reached.items():
        (px, py), (x, y) = layout.cells[parent], layout.cells[node]
        if MERMAID_OFFSETS[pair] != (x - px, y - py) and all(w is not edge for w, _ in wrong):
            wrong.append((edge, parent))
    return wrong


def _shadow(layout: _Layout, edge: DrawnEdge, discoverer: str) -> None:
    """Give ``edge`` a side pair that other edges of its services override.

    Best a pair both services already use (declared first, the edge places nothing), else
    one the service that misplaced the other uses; among those, one that points the right
    way, or at least a bent one (which aligns nothing). An edge that still misplaces after
    that gets a same-side pair (``R``-``R``), which Mermaid leaves out of its grid.
    """
    delta = _delta(layout, edge)
    flipped = TARGET_FIRST_SIDES.get(delta) if discoverer == edge.target else UNIT_SIDES.get(delta)
    if (
        flipped is not None
        and (delta[0] and delta[1])
        and edge.sides != flipped
        and not edge.shadowed
    ):
        edge.sides = flipped  # still a neighbour: the other drawing of the same bend
        return
    edge.attempts += 1
    at_source = _pairs_at(layout, edge.source, edge)
    at_target = [(b, a) for a, b in _pairs_at(layout, edge.target, edge)]
    both = [pair for pair in at_source if pair in at_target]
    at_discoverer = at_source if discoverer == edge.source else at_target
    choice: Pair | None = None
    if edge.attempts <= 2:
        ranked = [p for p in both if _consistent(p, delta)] + [
            p for p in at_discoverer if _consistent(p, delta)
        ]
        bent = [p for p in at_discoverer if (p[0] in "LR") != (p[1] in "LR")]
        # Hidden at both ends, a pair places nothing even when it points elsewhere.
        options = ranked or bent or both
        choice = options[0] if options else None
    if choice is None:
        side = edge.sides[0]
        choice = (side, side)
    edge.sides = choice
    edge.shadowed = True


def _pairs_at(layout: _Layout, node: str, skip: DrawnEdge) -> list[Pair]:
    pairs: list[Pair] = []
    for edge in layout.edges:
        if edge is skip or edge.shadowed:
            continue
        if edge.source == node:
            pairs.append(edge.sides)
        elif edge.target == node:
            pairs.append((edge.sides[1], edge.sides[0]))
    return [p for p in pairs if p[0] != p[1]]
