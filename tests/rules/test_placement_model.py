"""The placement simulation against a line-by-line transcription of Mermaid.

``_reference`` below is Mermaid 11.17's ``ArchitectureDB.getDataStructures`` and
``flattenAlignments`` (architectureDb.ts / architectureRenderer.ts) written out
literally in Python, slow but obviously faithful. archdsl's simulation is
written for speed; these tests hold the two equal on random diagrams.
"""

from __future__ import annotations

import itertools
import random
from collections import deque

import pytest

from archdsl.model import Diagram, Edge, EdgeEnd, Group, Service
from archdsl.rules.base import CheckContext, CheckOptions
from archdsl.rules.placement import DEFAULT_GROUP, OFFSETS, GridSimulation, _Lines, simulate

SIDES = "LRTB"


def _shift(position: tuple[int, int], pair: str) -> tuple[int, int]:
    """``shiftPositionByArchitectureDirectionPair``, verbatim."""
    x, y = position
    lhs, rhs = pair[0], pair[1]
    if lhs in "LR":
        if rhs in "TB":
            return x + (-1 if lhs == "L" else 1), y + (1 if rhs == "T" else -1)
        return x + (-1 if lhs == "L" else 1), y
    if rhs in "LR":
        return x + (1 if rhs == "L" else -1), y + (1 if lhs == "T" else -1)
    return x, y + (1 if lhs == "T" else -1)


Adjacency = dict[str, dict[str, str]]
SpatialMap = dict[str, tuple[int, int]]
GroupAlignments = dict[tuple[str, str], str]


def _reference(diagram: Diagram) -> tuple[Adjacency, list[SpatialMap], GroupAlignments]:
    """``getDataStructures``: (adjacency, spatial maps, group alignments)."""
    parent = {s.id: s.parent for s in diagram.services}
    node_edges: dict[str, list[Edge]] = {s.id: [] for s in diagram.services}
    for edge in diagram.edges:
        node_edges[edge.lhs.id].append(edge)
        node_edges[edge.rhs.id].append(edge)
    group_alignments: GroupAlignments = {}
    adjacency: Adjacency = {}
    for node_id, edges in node_edges.items():
        direction_map: dict[str, str] = {}
        for edge in edges:
            lhs_group, rhs_group = parent[edge.lhs.id], parent[edge.rhs.id]
            if lhs_group and rhs_group and lhs_group != rhs_group:
                a, b = edge.lhs.side, edge.rhs.side
                if (a in "LR") == (b in "LR"):
                    key = (min(lhs_group, rhs_group), max(lhs_group, rhs_group))
                    group_alignments[key] = "horizontal" if a in "LR" else "vertical"
            if edge.lhs.id == node_id:
                pair, other = edge.lhs.side + edge.rhs.side, edge.rhs.id
            else:
                pair, other = edge.rhs.side + edge.lhs.side, edge.lhs.id
            if pair[0] != pair[1]:
                direction_map[pair] = other
        adjacency[node_id] = direction_map
    visited: set[str] = set()
    not_visited = dict.fromkeys(adjacency)
    spatial_maps: list[SpatialMap] = []
    while not_visited:
        start = next(iter(not_visited))
        spatial = {start: (0, 0)}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            visited.add(current)
            not_visited.pop(current, None)
            for pair, other in adjacency[current].items():
                if other not in visited:
                    spatial[other] = _shift(spatial[current], pair)
                    queue.append(other)
        spatial_maps.append(spatial)
    return adjacency, spatial_maps, group_alignments


def _random_diagram(rng: random.Random) -> Diagram:
    groups = [Group(id=f"g{i}") for i in range(rng.randint(0, 3))]
    ids = [f"n{i}" for i in range(rng.randint(2, 9))]
    services = [
        Service(id=i, parent=rng.choice([g.id for g in groups] + [None]) if groups else None)
        for i in ids
    ]
    edges = []
    for _ in range(rng.randint(1, 2 * len(ids))):
        a, b = rng.choice(ids), rng.choice(ids)
        edges.append(
            Edge(
                lhs=EdgeEnd(id=a, side=rng.choice(SIDES)),
                rhs=EdgeEnd(id=b, side=rng.choice(SIDES)),
            )
        )
    return Diagram(statements=(*groups, *services, *edges))


def _simulated(diagram: Diagram) -> GridSimulation:
    return simulate(CheckContext(diagram, CheckOptions()))


@pytest.mark.parametrize("seed", range(400))
def test_simulation_matches_mermaid_transcription(seed: int) -> None:
    diagram = _random_diagram(random.Random(seed))
    adjacency, spatial_maps, group_alignments = _reference(diagram)
    simulation = _simulated(diagram)
    assert {
        node: {pair: hint.neighbour for pair, hint in hints.items()}
        for node, hints in simulation.adjacency.items()
    } == adjacency
    # Same maps, same insertion order, same cells.
    assert [list(m) for m in spatial_maps] == simulation.grids
    for index, spatial in enumerate(spatial_maps):
        for node, cell in spatial.items():
            placed = simulation.placements[node]
            assert (placed.grid, placed.cell) == (index, cell)
    assert simulation.group_alignments == group_alignments
    assert simulation.exact


def test_offsets_table_is_mermaids() -> None:
    for pair, offset in OFFSETS.items():
        assert _shift((0, 0), pair) == offset
    assert OFFSETS["RL"] == (1, 0) and OFFSETS["TB"] == (0, 1)
    assert OFFSETS["RT"] == (1, 1) and OFFSETS["TR"] == (-1, 1)  # reference §5.2


def _flatten(
    line: list[str], parent: dict[str, str], aligned: dict[tuple[str, str], str], axis: str
) -> list[list[str]]:
    """``flattenAlignments`` for one line, verbatim (pairs of groups, quadratic)."""
    by_group: dict[str, list[str]] = {}
    for node in line:
        by_group.setdefault(parent[node], []).append(node)
    entries = list(by_group.items())
    if len(entries) == 1:
        return [entries[0][1]]
    flattened: dict[str, list[str]] = {}
    count = 0
    for (a_group, a_nodes), (b_group, b_nodes) in itertools.combinations(entries, 2):
        key = (min(a_group, b_group), max(a_group, b_group))
        if aligned.get(key) == axis or DEFAULT_GROUP in (a_group, b_group):
            flattened["dir"] = [*flattened.get("dir", []), *a_nodes, *b_nodes]
        else:
            flattened[f"dir-{count}"] = a_nodes
            flattened[f"dir-{count + 1}"] = b_nodes
            count += 2
    return list(flattened.values())


@pytest.mark.parametrize("seed", range(300))
def test_line_model_matches_flatten_alignments(seed: int) -> None:
    rng = random.Random(seed)
    groups = [DEFAULT_GROUP] + [f"g{i}" for i in range(rng.randint(1, 7))]
    if rng.random() < 0.5:
        groups.remove(DEFAULT_GROUP)
    line = [f"n{i}" for i in range(rng.randint(2, 14))]
    parent = {node: rng.choice(groups) for node in line}
    named = [g for g in groups if g != DEFAULT_GROUP]
    aligned = {
        (min(pair), max(pair)): rng.choice(["horizontal", "vertical"])
        for pair in itertools.combinations(named, 2)
        if rng.random() < 0.3
    }
    declared = {node for node in line if rng.random() < 0.1}
    lists = [
        nodes
        for nodes in _flatten(line, parent, aligned, "horizontal")
        if len(nodes) > 1 and not declared.intersection(nodes)
    ]
    last = {node: index for index, nodes in enumerate(lists) for node in nodes}

    simulation = GridSimulation([], [], [], aligned)  # type: ignore[arg-type]
    model = _Lines(simulation, parent, declared, {"horizontal": {}, "vertical": {}})
    model.pulled["horizontal"] = set()
    fast = model._line(line, "horizontal")
    assert set(fast.last) == set(last)
    for a, b in itertools.combinations(last, 2):
        assert (fast.last[a] == fast.last[b]) == (last[a] == last[b]), (a, b)
        shared = any(a in nodes and b in nodes for nodes in lists)
        fast_shared = fast.last[a] == fast.last[b] or {parent[a], parent[b]} <= fast.merged
        assert fast_shared == shared, (a, b)


def test_walk_revisits_like_mermaid_and_counts_steps() -> None:
    # A 6x6 grid: Mermaid queues each node once per shortest path from the corner.
    services = [Service(id=f"s{i}x{j}") for i in range(6) for j in range(6)]
    edges = [
        Edge(lhs=EdgeEnd(id=f"s{i}x{j}", side="R"), rhs=EdgeEnd(id=f"s{i + 1}x{j}", side="L"))
        for i in range(5)
        for j in range(6)
    ] + [
        Edge(lhs=EdgeEnd(id=f"s{i}x{j}", side="B"), rhs=EdgeEnd(id=f"s{i}x{j + 1}", side="T"))
        for i in range(6)
        for j in range(5)
    ]
    simulation = _simulated(Diagram(statements=(*services, *edges)))
    paths = sum(
        len(list(itertools.combinations(range(i + j), i))) for i in range(6) for j in range(6)
    )
    assert simulation.exact and simulation.steps == paths == simulation.min_steps == 923
