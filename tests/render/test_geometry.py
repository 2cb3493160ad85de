"""The layout keeps SPEC §6's promises, checked on the layout JSON.

Over every valid corpus diagram, every example, and the hand-made cases: no overlapping
nodes, nodes inside their groups, nested groups inside their parents, sibling groups
apart, orthogonal edges from the declared sides around other nodes, and the author's
left-to-right and top-to-bottom hints.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.generate import generate
from tests.render.cases import (
    CASES,
    CONTRADICTORY,
    SHARED,
    example_files,
    layout_json,
    layout_of,
    valid_corpus_files,
)
from tests.render.geometry import problems


@pytest.mark.parametrize("name", sorted(CASES))
def test_cases_keep_the_quality_floor(name: str) -> None:
    result = layout_json(CASES[name])
    assert problems(result, allow_notes=name in CONTRADICTORY) == []
    if name not in CONTRADICTORY:
        assert result["notes"] == []


@pytest.mark.parametrize("path", valid_corpus_files(), ids=lambda p: p.name)
def test_corpus_keeps_the_quality_floor(path: Path) -> None:
    result = layout_json(path.read_text(encoding="utf-8"))
    assert problems(result) == []
    assert result["notes"] == []


def test_corpus_is_there_or_skipped() -> None:
    if not (SHARED / "corpus" / "mermaid").is_dir():
        pytest.skip(f"{SHARED} not found: the corpus geometry tests did not run")
    assert valid_corpus_files(), "MANIFEST.tsv lists no valid diagram"


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.name)
def test_examples_keep_the_quality_floor(path: Path) -> None:
    assert problems(layout_json(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("services", [60, 250])
def test_generated_diagrams_keep_the_quality_floor(services: int) -> None:
    result = layout_json(generate(services))
    assert problems(result, allow_notes=True) == []


def _centre(result: dict, node_id: str) -> tuple[float, float]:  # type: ignore[type-arg]
    node = next(n for n in result["nodes"] if n["id"] == node_id)
    return node["x"] + node["width"] / 2, node["y"] + node["height"] / 2


def test_example_fans_out_from_the_top_of_lambda_to_two_visible_nodes() -> None:
    result = layout_json(CASES["aws-order-pipeline"])
    lx, ly = _centre(result, "lambda")
    sx, sy = _centre(result, "sns")
    kx, ky = _centre(result, "kinesis")
    assert sx > lx and sy < ly and kx > lx and ky < ly  # both above-right of lambda
    assert (sx, sy) != (kx, ky)
    edges = {(e["source"], e["target"]): e["points"] for e in result["edges"]}
    assert edges[("lambda", "sns")][-1] != edges[("lambda", "kinesis")][-1]


def test_example_rows_are_straight() -> None:
    result = layout_json(CASES["aws-order-pipeline"])
    straight = [e for e in result["edges"] if (e["source_side"], e["target_side"]) == ("R", "L")]
    assert all(len(e["points"]) == 2 for e in straight)


def test_fan_in_does_not_stack_nodes_6120() -> None:
    result = layout_json(CASES["fan-in-6120"])
    hub_x, _ = _centre(result, "hub")
    centres = {_centre(result, n) for n in ("a", "b", "c")}
    assert len(centres) == 3
    assert all(x < hub_x for x, _ in centres)


@pytest.mark.parametrize(
    ("node", "dx", "dy"),
    [
        ("rt", 1, 1),  # c:R -- T:rt: right, then down into rt's top
        ("rb", 1, -1),
        ("lt", -1, 1),
        ("lb", -1, -1),
        ("tl", 1, -1),  # c:T -- L:tl: up, then right into tl's left
        ("tr", -1, -1),
        ("bl", 1, 1),
        ("br", -1, 1),
    ],
)
def test_bent_pairs_go_where_their_single_bend_makes_sense(node: str, dx: int, dy: int) -> None:
    result = layout_json(CASES["bent-pairs"])
    cx, cy = _centre(result, "c")
    x, y = _centre(result, node)
    assert (x - cx) * dx > 0 and (y - cy) * dy > 0


def test_bent_edges_have_a_single_bend() -> None:
    result = layout_json(CASES["bent-pairs"])
    assert all(len(e["points"]) == 3 for e in result["edges"])


def test_align_row_and_column() -> None:
    result = layout_json(CASES["align"])
    rows = {round(_centre(result, n)[1], 2) for n in ("a", "b", "c")}
    columns = {round(_centre(result, n)[0], 2) for n in ("a", "d", "e")}
    assert len(rows) == 1 and len(columns) == 1
    assert _centre(result, "a")[0] < _centre(result, "b")[0] < _centre(result, "c")[0]
    assert _centre(result, "a")[1] < _centre(result, "d")[1] < _centre(result, "e")[1]


def test_cross_group_pair_goes_diagonal_to_honour_both_edges() -> None:
    result = layout_json(CASES["cross-group-pair"])
    assert result["notes"] == []
    wx, wy = _centre(result, "web")
    assert _centre(result, "pe1")[0] > wx and _centre(result, "pe2")[1] > wy


def test_contradictions_are_reported_as_notes() -> None:
    result = layout_json(CASES["contradiction"])
    assert len(result["notes"]) == 1
    assert "is not right of" in result["notes"][0]


def test_config_sizes_are_used() -> None:
    text = (
        "---\nconfig:\n  architecture:\n    iconSize: 40\n    padding: 10\n---\n"
        "architecture-beta\n    group g(cloud)[G]\n    service a(server)[A] in g\n"
    )
    result = layout_json(text)
    node = result["nodes"][0]
    assert (node["width"], node["height"]) == (40, 40)


def test_layout_is_frozen() -> None:
    placed = layout_of(CASES["junctions"])
    with pytest.raises(AttributeError):
        placed.width = 1  # type: ignore[misc]
