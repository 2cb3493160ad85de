"""Diagrams for the render tests, and helpers to lay them out."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from archdsl.api import parse
from archdsl.emit.layout_json import layout_to_dict
from archdsl.layout import Layout, LayoutOptions, layout
from archdsl.model import Diagram

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "mermaid"
EXAMPLES = REPO_ROOT / "examples"

AWS_ORDER_PIPELINE = (EXAMPLES / "aws-order-pipeline.mmd").read_text(encoding="utf-8")

CASES: dict[str, str] = {
    "aws-order-pipeline": AWS_ORDER_PIPELINE,
    "fan-in-6120": """\
architecture-beta
    service a(server)[A]
    service b(server)[B]
    service c(server)[C]
    service hub(database)[Hub]
    a:R -- L:hub
    b:R -- L:hub
    c:R -- L:hub
""",
    "fan-out-same-side": """\
architecture-beta
    service src(internet)[Source]
    service x(server)[X]
    service y(server)[Y]
    service z(server)[Z]
    src:B --> T:x
    src:B --> T:y
    src:B --> T:z
""",
    "bent-pairs": """\
architecture-beta
    service c(server)[Centre]
    service rt(disk)[RT]
    service rb(disk)[RB]
    service lt(disk)[LT]
    service lb(disk)[LB]
    service tl(disk)[TL]
    service tr(disk)[TR]
    service bl(disk)[BL]
    service br(disk)[BR]
    c:R -- T:rt
    c:R -- B:rb
    c:L -- T:lt
    c:L -- B:lb
    c:T -- L:tl
    c:T -- R:tr
    c:B -- L:bl
    c:B -- R:br
""",
    "same-sides": """\
architecture-beta
    service a(server)[A]
    service b(server)[B]
    service c(server)[C]
    service d(server)[D]
    a:R -- R:b
    a:T -- T:c
    c:L -- L:d
""",
    "align": """\
architecture-beta
    service a(server)[A]
    service b(server)[B]
    service c(server)[C]
    service d(server)[D]
    service e(server)[E]
    align row a b c
    align column a d e
""",
    "nested-groups": """\
architecture-beta
    group outer(cloud)[Outer]
    group inner(cloud)[Inner] in outer
    group deep(cloud)[Deep] in inner
    group side(cloud)[Side] in outer
    service a(server)[A] in deep
    service b(server)[B] in inner
    service c(server)[C] in side
    service d(database)[D] in outer
    service e(internet)[E]
    a:R -- L:b
    b:B -- T:c
    c:R -- L:d
    e:R -- L:a
""",
    "group-edges": """\
architecture-beta
    group left(cloud)[Left]
    group right(cloud)[Right]
    group down(cloud)[Down]
    service l1(server)[L1] in left
    service l2(server)[L2] in left
    service r1(server)[R1] in right
    service d1(server)[D1] in down
    l1:B -- T:l2
    l1{group}:R --> L:r1{group}
    l2{group}:B --> T:d1{group}
""",
    "junctions": """\
architecture-beta
    service left_disk(disk)[Disk]
    service top_disk(disk)[Disk]
    service bottom_disk(disk)[Disk]
    service top_gateway(internet)[Gateway]
    service bottom_gateway(internet)[Gateway]
    junction junctionCenter
    junction junctionRight
    left_disk:R -- L:junctionCenter
    top_disk:B -- T:junctionCenter
    bottom_disk:T -- B:junctionCenter
    junctionCenter:R -- L:junctionRight
    top_gateway:B -- T:junctionRight
    bottom_gateway:T -- B:junctionRight
""",
    "titles-and-icons": """\
architecture-beta
    title Edge titles, text icons and unknown icons
    group g(logos:aws-vpc)[A rather long group title for a small group]
    service a(logos:aws-lambda)[A function with a very long title that wraps] in g
    service b "Text icon"[B]
    service c(no-such:icon)[Unknown icon]
    service d[No icon]
    a:R -[calls with a long label]-> L:b
    b:B -[writes]-> T:c
    c:R <-[reads]- L:d
""",
    "disconnected": """\
architecture-beta
    group g1(cloud)[One]
    group g2(cloud)[Two]
    service a(server)[A] in g1
    service b(server)[B] in g1
    service c(server)[C] in g2
    service d(server)[D]
    service e(server)[E]
    service f(server)[F]
    junction j
    a:R -- L:b
    e:B -- T:f
""",
    "contradiction": """\
architecture-beta
    service a(server)[A]
    service b(server)[B]
    a:R -- L:b
    b:R -- L:a
""",
    "self-loop": """\
architecture-beta
    service a(server)[A]
    service b(server)[B]
    a:R -- L:a
    a:B -- T:b
""",
    "cross-group-pair": """\
architecture-beta
    group one(cloud)[One]
    group two(cloud)[Two]
    service web(server)[Web] in one
    service pe1(server)[PE1] in two
    service pe2(server)[PE2] in two
    web:R --> L:pe1
    web:B --> T:pe2
""",
    "into-a-group-corner": """\
architecture-beta
    group storage(database)[Storage]
    service worker(server)[Worker]
    service orders(database)[Orders] in storage
    worker:B --> T:orders
""",
    "empty": "architecture-beta\n",
    "empty-group": "architecture-beta\n    group lonely(cloud)[Lonely]\n",
}
"""Hand-made diagrams: each exercises one placement or drawing rule."""

CONTRADICTORY = frozenset({"contradiction"})
"""Cases whose hints cannot all be honoured (the layout lists the misses as notes)."""


def diagram(text: str) -> Diagram:
    document = parse(text)
    assert document.diagram is not None, document.diagnostics
    return document.diagram


def layout_of(text: str, options: LayoutOptions | None = None) -> Layout:
    return layout(diagram(text), options=options)


def layout_json(text: str) -> dict[str, Any]:
    return layout_to_dict(layout_of(text))


def valid_corpus_files() -> list[Path]:
    """The corpus diagrams MANIFEST.tsv marks valid (empty without ../shared)."""
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    with manifest.open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [CORPUS / row["file"] for row in rows if row["expectation"] == "valid"]


def example_files() -> list[Path]:
    return sorted(EXAMPLES.glob("*.mmd"))
