"""SVG output: self-contained, escaped, identifiable, deterministic."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from archdsl.emit.svg import _NOT_XML, PALETTES, clean, render_svg
from archdsl.icons import load_pack
from archdsl.icons.builtin import BUILTIN_BODIES
from archdsl.layout import layout
from archdsl.model import (
    AccDescr,
    AccTitle,
    Diagram,
    Edge,
    EdgeEnd,
    Group,
    Service,
    TitleStatement,
)
from tests.render.cases import CASES, REPO_ROOT, diagram

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = [
    '<script>alert("x")</script>',
    "]]><![CDATA[",
    "\"quotes' and & ampersands &amp; &lt;",
    "</text><foreignObject>",
    "control\x00\x07chars",
]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _texts(root: ET.Element) -> str:
    """All drawn text, without the spaces that line wrapping moves around."""
    return "|".join(_squeeze("".join(e.itertext())) for e in root.iter(f"{SVG}text"))


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _hostile_diagram() -> Diagram:
    statements: list = [  # type: ignore[type-arg]
        TitleStatement(text=HOSTILE[0]),
        AccTitle(text=HOSTILE[1]),
        AccDescr(text=HOSTILE[2]),
        Group(id="g", icon="cloud", title=HOSTILE[3]),
    ]
    for i, text in enumerate(HOSTILE):
        statements.append(Service(id=f"s{i}", icon="server", title=text, parent="g"))
    statements.append(Service(id="t", icon_text=HOSTILE[0]))
    for i in range(len(HOSTILE) - 1):
        statements.append(
            Edge(
                lhs=EdgeEnd(id=f"s{i}", side="R"),
                rhs=EdgeEnd(id=f"s{i + 1}", side="L", arrow=True),
                title=HOSTILE[i],
            )
        )
    return Diagram(statements=tuple(statements))


def test_hostile_text_stays_text() -> None:
    svg = render_svg(_hostile_diagram())
    root = _parse(svg)  # well-formed XML despite everything
    assert not list(root.iter(f"{SVG}script"))
    assert not list(root.iter(f"{SVG}foreignObject"))
    assert "<script" not in svg and "<foreignObject" not in svg and "]]>" not in svg
    texts = _texts(root)
    for text in HOSTILE[:4]:
        assert _squeeze(text) in texts
    assert "control" in texts
    assert root.find(f"{SVG}title").text == HOSTILE[1]  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == HOSTILE[2]  # type: ignore[union-attr]


def test_hostile_titles_from_source_text() -> None:
    text = (
        "architecture-beta\n"
        '    title <script>alert("t")</script> & "q"\n'
        "    accTitle: <b>acc</b> & 'x'\n"
        "    service a(server)[<img src=x onerror=alert(1)>]\n"
        '    service b(server)["</text> & ]]>"]\n'
        "    a:R -[\"<edge> & 'x'\"]-> L:b\n"
    )
    root = _parse(render_svg(diagram(text)))
    texts = _texts(root)
    for text in ('<script>alert("t")</script> & "q"', "<img src=x onerror=alert(1)>"):
        assert _squeeze(text) in texts
    assert _squeeze("</text> & ]]>") in texts and _squeeze("<edge> & 'x'") in texts
    assert not [e for e in root.iter() if e.tag in (f"{SVG}script", f"{SVG}img")]


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_element_is_a_group_with_data_attributes(name: str) -> None:
    d = diagram(CASES[name])
    root = _parse(render_svg(d))
    kinds: dict[str, list[str]] = {}
    for g in root.iter(f"{SVG}g"):
        if "data-kind" in g.attrib:
            kinds.setdefault(g.attrib["data-kind"], []).append(g.attrib["data-id"])
    assert sorted(kinds.get("service", [])) == sorted(s.id for s in d.services)
    assert sorted(kinds.get("junction", [])) == sorted(j.id for j in d.junctions)
    assert sorted(kinds.get("group", [])) == sorted(g.id for g in d.groups)
    assert sorted(kinds.get("group-title", [])) == sorted(g.id for g in d.groups)
    assert len(kinds.get("edge", [])) == len(d.edges)


def test_an_edge_into_a_groups_corner_service_passes_under_the_groups_title() -> None:
    """``worker:B --> T:orders`` enters the top-left service of ``storage`` from above,
    through the band where the group's title is: the title is painted over the edge,
    with a page-coloured halo round its letters, so that it stays legible."""
    d = diagram(CASES["into-a-group-corner"])
    placed = layout(d)
    (title_box,) = [g.title.box for g in placed.groups if g.title is not None]
    (edge,) = placed.edges
    (x, top), (_, bottom) = edge.points[0], edge.points[-1]
    assert title_box.x < x < title_box.right and top < title_box.y < title_box.bottom < bottom

    root = _parse(render_svg(d, geometry=placed))
    order = [
        (g.attrib["data-kind"], g.attrib["data-id"])
        for g in root.iter(f"{SVG}g")
        if "data-kind" in g.attrib
    ]
    assert order.index(("edge", "worker-orders")) < order.index(("group-title", "storage"))
    assert order.index(("group", "storage")) < order.index(("edge", "worker-orders"))
    style = "".join(s.text or "" for s in root.iter(f"{SVG}style"))
    assert re.search(r"\.group-title\{paint-order:stroke;stroke:#ffffff;stroke-width:4px", style)


def test_self_contained_icons_with_unique_ids() -> None:
    svg = render_svg(diagram(CASES["aws-order-pipeline"]))
    root = _parse(svg)
    ids = [e.attrib["id"] for e in root.iter() if "id" in e.attrib]
    assert len(ids) == len(set(ids))
    symbols = list(root.iter(f"{SVG}symbol"))
    assert len(symbols) == 10  # distinct icons, each inlined once
    for href in re.findall(r'href="([^"]*)"', svg):
        assert href.startswith("#") and href[1:] in ids
    for ref in re.findall(r"url\(#([^)]*)\)", svg):
        assert ref in ids
    assert "http://" not in svg.replace("http://www.w3.org/", "")


def test_unknown_icons_are_a_placeholder_and_builtins_are_drawn() -> None:
    svg = render_svg(diagram(CASES["titles-and-icons"]))
    assert BUILTIN_BODIES["unknown"] in svg
    assert BUILTIN_BODIES["blank"] in svg
    svg = render_svg(diagram(CASES["junctions"]))
    assert BUILTIN_BODIES["disk"] in svg and BUILTIN_BODIES["internet"] in svg


def test_text_icons_are_svg_text() -> None:
    root = _parse(render_svg(diagram(CASES["titles-and-icons"])))
    icon_texts = [t for t in root.iter(f"{SVG}text") if t.attrib["class"] == "node-icon-text"]
    assert ["".join(t.itertext()) for t in icon_texts] == ["Text icon"]


def test_icon_packs_are_used_before_the_builtin_ones(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pack = tmp_path / "icons.json"
    body = '<circle cx="8" cy="8" r="7"/>'
    pack.write_text(json.dumps({"prefix": "my", "icons": {"thing": {"body": body}}}))
    d = diagram("architecture-beta\n    service a(my:thing)[A]\n")
    assert "<circle" in render_svg(d, icon_packs=[load_pack(pack)])
    assert BUILTIN_BODIES["unknown"] in render_svg(d)


def test_themes() -> None:
    d = diagram(CASES["junctions"])
    light, dark = render_svg(d), render_svg(d, theme="dark")
    assert PALETTES["light"].background in light and PALETTES["dark"].background in dark
    with pytest.raises(ValueError, match="unknown theme"):
        render_svg(d, theme="sepia")


def test_title_and_accessibility() -> None:
    d = diagram(
        "architecture-beta\n    title Orders\n    accDescr: How orders flow\n"
        "    service a(server)[A]\n"
    )
    root = _parse(render_svg(d))
    headings = [t for t in root.iter(f"{SVG}text") if t.attrib["class"] == "diagram-title"]
    assert ["".join(h.itertext()) for h in headings] == ["Orders"]
    assert root.find(f"{SVG}desc").text == "How orders flow"  # type: ignore[union-attr]
    assert root.attrib["aria-describedby"]


@pytest.mark.parametrize("name", ["aws-order-pipeline", "titles-and-icons", "nested-groups"])
def test_same_input_same_bytes(name: str) -> None:
    assert render_svg(diagram(CASES[name])) == render_svg(diagram(CASES[name]))


def test_same_bytes_across_processes_and_hash_seeds() -> None:
    script = (
        "import hashlib, sys\n"
        "from archdsl.api import parse\n"
        "from archdsl.emit.svg import render_svg\n"
        "from benchmarks.generate import generate\n"
        "svg = render_svg(parse(generate(120)).diagram)\n"
        "print(hashlib.sha256(svg.encode()).hexdigest())\n"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO_ROOT)}
        result = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO_ROOT,
            check=True,
        )
        digests.add(result.stdout.strip())
    assert len(digests) == 1
    assert len(next(iter(digests))) == len(hashlib.sha256().hexdigest())


def test_clean_replaces_exactly_the_characters_xml_does_not_allow() -> None:
    """XML 1.0's Char: tab, LF, CR, U+0020-D7FF, U+E000-FFFD, U+10000-10FFFF."""

    def allowed(code: int) -> bool:
        return (
            code in (0x9, 0xA, 0xD)
            or 0x20 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF
        )

    replaced = {code for code in range(0x110000) if _NOT_XML.fullmatch(chr(code))}
    assert replaced == {code for code in range(0x110000) if not allowed(code)}
    assert clean("a\x00b\ud800c") == "a\ufffdb\ufffdc"
