"""Lifting edges to the level where they constrain (the nesting of groups)."""

from __future__ import annotations

from archdsl.layout.tree import Tree
from tests.render.cases import CASES, diagram


def test_lift_finds_the_lowest_common_container() -> None:
    tree = Tree.of(diagram(CASES["nested-groups"]))
    assert tree.lift("a", "b") == ("inner", "deep", "b")
    assert tree.lift("b", "c") == ("outer", "inner", "side")
    assert tree.lift("e", "a") == (None, "e", "outer")
    assert tree.lift("c", "d") == ("outer", "side", "d")


def test_no_lift_when_one_holds_the_other() -> None:
    tree = Tree.of(diagram(CASES["nested-groups"]))
    assert tree.lift("a", "deep") is None
    assert tree.lift("inner", "a") is None
    assert tree.lift("a", "a") is None


def test_bad_parents_fall_back_to_the_top_level() -> None:
    text = (
        "architecture-beta\n    group g1(cloud)[G1] in g2\n    group g2(cloud)[G2] in g1\n"
        "    service a(server)[A] in nowhere\n"
    )
    tree = Tree.of(diagram(text))
    assert tree.parent["a"] is None
    assert tree.path("g1")[-1] is None and tree.path("g2")[-1] is None
