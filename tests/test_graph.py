"""DiagramGraph: Mermaid's id resolution, containment, edges, and scale."""

from __future__ import annotations

import random
import sys
import time

import pytest

from archdsl.api import parse
from archdsl.graph import DiagramGraph, Links, order_cycles
from archdsl.model import Diagram, Group, Junction, Service

TEXT = """\
architecture-beta
    group cloud(cloud)
    group app(server) in cloud
    service api(server) in app
    service db(database) in cloud
    junction hub in app
    service lone(disk)
    service x-y(disk)
    group dup
    service dup
    api:R --> L:db
    db:B --> T:hub
    api:T --> B:api
    api:R --> L:db
    web:R --> L:api
    api:B --> T:cloud
"""


@pytest.fixture(scope="module")
def graph() -> DiagramGraph:
    diagram = parse(TEXT).diagram
    assert diagram is not None
    return DiagramGraph(diagram)


def test_ids_resolve_in_mermaids_registration_order(graph: DiagramGraph) -> None:
    assert graph.kind("cloud") == "group"
    assert graph.kind("hub") == "junction"
    assert graph.kind("web") is None
    # `dup` is both a group and a service: Mermaid registers the group first.
    assert graph.kind("dup") == "group"
    assert [e.kind for e in graph.declarations["dup"]] == ["group", "service"]
    assert graph.is_node("api") and not graph.is_node("cloud") and graph.is_group("cloud")
    assert [n.id for n in graph.registered_nodes] == ["api", "db", "lone", "x-y", "hub"]


def test_containment(graph: DiagramGraph) -> None:
    assert graph.parent_group("api") == "app"
    assert graph.parent_group("lone") is None
    assert graph.ancestors("api") == ["app", "cloud"]
    assert graph.children("cloud") == ["app", "db"]
    assert graph.member_nodes("cloud") == ["db", "api", "hub"]
    assert graph.member_nodes("api") == []
    assert graph.group_cycles == []


def test_edges(graph: DiagramGraph) -> None:
    assert graph.degree("api") == 5  # the self edge counts once
    assert graph.degree("lone") == 0
    assert graph.degree("web") == 1  # unknown ids are indexed too
    assert [e.rhs.id for e in graph.edges_of("db")] == ["db", "hub", "db"]
    # The drawable node graph keeps parallel and self edges, not group or unknown ends.
    assert graph.nodes.number_of_edges("api", "db") == 2
    assert graph.nodes.has_edge("api", "api")
    assert not graph.nodes.has_node("cloud") and not graph.nodes.has_node("web")
    assert len(graph.node_edges) == 4
    assert graph.components()[0] == {"api", "db", "hub"}


def test_closest_id(graph: DiagramGraph) -> None:
    assert graph.closest_id("dbb", ("service",)) == "db"
    assert graph.closest_id("API", ("service",)) == "api"
    assert graph.closest_id("zzzz", ("service",)) is None
    assert graph.closest_id("clod", ("group",)) == "cloud"


def test_group_cycles_are_found_once_each() -> None:
    diagram = Diagram(
        statements=(
            Group(id="a", parent="b"),
            Group(id="b", parent="a"),
            Group(id="c", parent="d"),
            Group(id="d", parent="e"),
            Group(id="e", parent="c"),
            Group(id="f", parent="f"),  # self: not a cycle between groups
            Group(id="g", parent="a"),
        )
    )
    graph = DiagramGraph(diagram)
    assert graph.group_cycles == [["a", "b"], ["c", "d", "e"]]
    assert graph.ancestors("g") == ["a", "b"]  # stops before repeating


def test_order_cycles() -> None:
    # a < b < c (x), consistent.
    assert order_cycles([("a", "b", 1), ("b", "c", 2)]) == []
    # a < b < c < a.
    ((items, labels),) = order_cycles([("a", "b", 1), ("b", "c", 2), ("c", "a", 3), ("c", "d", 4)])
    assert items == {"a", "b", "c"} and labels == [1, 2, 3]
    # a < b, but a = x = b through ties: one class with a strict edge inside.
    ((items, labels),) = order_cycles([("a", "b", 1)], [("a", "x", 2), ("x", "b", 3)])
    assert items == {"a", "b", "x"} and labels == [1]
    # Ties alone never contradict.
    assert order_cycles([], [("a", "b", 1), ("b", "a", 2)]) == []


def _reference_order_cycles(
    order: list[tuple[str, str, int]], ties: list[tuple[str, str, int]]
) -> list[tuple[set[str], list[int]]]:
    """``order_cycles`` by definition, with networkx: classes, then cyclic class parts."""
    import networkx as nx

    classes = nx.Graph()
    classes.add_nodes_from(item for a, b, _ in (*order, *ties) for item in (a, b))
    classes.add_edges_from((a, b) for a, b, _ in ties)
    class_of = {
        item: index
        for index, members in enumerate(nx.connected_components(classes))
        for item in members
    }
    arcs = nx.MultiDiGraph()
    arcs.add_edges_from((class_of[a], class_of[b], label) for a, b, label in order)
    found: list[tuple[set[str], list[int]]] = []
    for part in nx.strongly_connected_components(arcs):
        labels = sorted(
            label for a, b, label in order if class_of[a] in part and class_of[b] in part
        )
        if len(part) > 1 or labels:
            found.append(({item for item, c in class_of.items() if c in part}, labels))
    return sorted(found, key=lambda part: part[1][-1])


@pytest.mark.parametrize("seed", range(200))
def test_order_cycles_matches_its_definition(seed: int) -> None:
    rng = random.Random(seed)
    items = [f"n{i}" for i in range(rng.randint(1, 10))]
    labels = list(range(rng.randint(0, 20)))
    rng.shuffle(labels)
    split = rng.randint(0, len(labels))
    order = [(rng.choice(items), rng.choice(items), label) for label in labels[:split]]
    ties = [(rng.choice(items), rng.choice(items), label) for label in labels[split:]]
    assert order_cycles(order, ties) == _reference_order_cycles(order, ties)


def test_links_paths() -> None:
    links = Links([("a", "b", 1), ("b", "c", 2), ("a", "c", 3)])
    assert links.path("a", "c") == [3]
    assert links.path("a", "c", without=3) == [1, 2]
    assert links.path("c", "a") is None
    assert links.path("a", "a") == []


def _big_diagram(services: int, groups: int) -> Diagram:
    nested = [
        Group.model_construct(id=f"g{i}", parent=f"g{i - 1}" if i else None) for i in range(groups)
    ]
    nodes = [Service.model_construct(id=f"s{i}", parent=f"g{i % groups}") for i in range(services)]
    return Diagram.model_construct(statements=(*nested, *nodes, Junction.model_construct(id="j")))


def test_scale_50k_services_3k_nested_groups() -> None:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)  # anything recursive would fail at depth 3,000
    try:
        start = time.process_time()
        graph = DiagramGraph(_big_diagram(50_000, 3_000))
        assert graph.group_cycles == []
        assert len(graph.ancestors("g2999")) == 2_999
        assert len(graph.member_nodes("g0")) == 50_001 - 1
        assert graph.containment.number_of_edges() == 2_999 + 50_000
        assert len(graph.nodes) == 50_001
        assert len(graph.components()) == 50_001
        assert time.process_time() - start < 10
    finally:
        sys.setrecursionlimit(limit)


def test_scale_3k_group_cycle() -> None:
    groups = [Group.model_construct(id=f"g{i}", parent=f"g{(i - 1) % 3000}") for i in range(3000)]
    graph = DiagramGraph(Diagram.model_construct(statements=tuple(groups)))
    (cycle,) = graph.group_cycles
    assert len(cycle) == 3000 and cycle[0] == "g0" and cycle[1] == "g2999"


def test_group_cycles_and_members_match_networkx() -> None:
    """The plain walks that replaced networkx give networkx's answers."""
    import networkx as nx

    text = TEXT + "    group a in b\n    group b in c\n    group c in a\n    service s in a\n"
    graph = DiagramGraph(parse(text).diagram)  # type: ignore[arg-type]
    assert graph.group_cycles == [["a", "b", "c"]]  # a in b in c (in a)
    for group in ("cloud", "app", "a", "b", "c"):
        expected = [
            member
            for member in nx.bfs_tree(graph.containment, group)
            if member != group and graph.is_node(member)
        ]
        assert graph.member_nodes(group) == expected


def test_validate_does_not_import_networkx() -> None:
    """networkx costs a tenth of a second at start-up; the rules use plain walks."""
    import subprocess

    code = (
        "import sys, archdsl.api as api\n"
        "api.validate(open('examples/aws-order-pipeline.mmd').read())\n"
        "print('networkx' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
