"""Safe outputs: text from a diagram (or an icon pack) never becomes markup or code.

- SVG: titles, labels, text icons, edge titles, ``title``/``accTitle``/``accDescr``
  full of markup stay text: the SVG parses, holds no script, event attribute or
  foreignObject, and each text element reads exactly the original title.
- Icon packs are data: bodies with scripts, handlers, foreign content, fetching CSS,
  entity tricks or multiplying ``<use>`` chains are sanitised or refused.
- Mermaid written by fmt (and by the CloudFormation importer) quotes and escapes what
  it must: the text parses back to the same values.
- CloudFormation templates stay valid YAML and JSON whatever the titles hold.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archdsl.api import parse, validate
from archdsl.emit.mermaid import UnformattableError, format_diagram
from archdsl.emit.svg import render_svg
from archdsl.icons import load_pack, sanitize_svg_body
from archdsl.icons.sanitize import MAX_USES
from archdsl.model import (
    AccDescr,
    AccTitle,
    Diagram,
    Edge,
    EdgeEnd,
    Group,
    Service,
    Statement,
    TitleStatement,
)
from tests.hardening.helpers import cli, snapshot

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = (
    '<script>alert("x")</script>',
    "]]><script>alert(1)</script><![CDATA[",
    "\"quotes\" 'single' & ampersands &amp; &lt; &#60; &#x3C;",
    '</text><foreignObject><iframe src="javascript:alert(1)"/></foreignObject>',
    '<img src=x onerror="alert(1)"> onload=alert(1)',
    "--><!-- <?xml version='1.0'?> <!DOCTYPE x [<!ENTITY e 'x'>]> &e;",
    "javascript:alert(1) data:text/html,<b>x</b>",
    "{{7*7}} ${7*7} %s %n \\x3cscript\\x3e",
)
_FORBIDDEN_ELEMENTS = {"script", "foreignObject", "iframe", "object", "embed", "a", "handler"}
# Characters XML 1.0 cannot hold; the SVG writer shows them as U+FFFD.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def assert_inert(svg: str) -> ET.Element:
    """The SVG parses, and holds nothing that runs or fetches."""
    root = ET.fromstring(svg)
    for element in root.iter():
        assert _local(element.tag) not in _FORBIDDEN_ELEMENTS, element.tag
        for key, value in element.attrib.items():
            assert not _local(key).lower().startswith("on"), (element.tag, key)
            if _local(key) == "href":
                assert value.startswith("#") or value.startswith("data:image/png"), value
    return root


def _squeeze(text: str) -> str:
    """Without the blanks that line wrapping moves or drops (Python's idea of blanks,
    which includes U+001C..U+001F), and with what XML cannot hold as U+FFFD."""
    return _NOT_XML.sub("\ufffd", "".join(text.split()))


def _text_of(group: ET.Element, css_class: str) -> str:
    found = [t for t in group.iter(f"{SVG}text") if css_class in t.get("class", "").split()]
    assert len(found) == 1, [t.get("class") for t in group.iter(f"{SVG}text")]
    # One <tspan> per wrapped line: joined by a space, as the title's words were.
    return " ".join("".join(span.itertext()) for span in found[0])


def _groups(root: ET.Element, kind: str) -> dict[str, ET.Element]:
    return {g.get("data-id", ""): g for g in root.iter(f"{SVG}g") if g.get("data-kind") == kind}


def _hostile_diagram(texts: tuple[str, ...]) -> Diagram:
    """Every text slot of a diagram filled with ``texts`` (built in code: any characters)."""
    statements: list[Statement] = [
        TitleStatement(text=texts[0]),
        AccTitle(text=texts[1 % len(texts)]),
        AccDescr(text=texts[2 % len(texts)]),
        Group(id="g", icon="cloud", title=texts[3 % len(texts)]),
        Service(id="icon", icon_text=texts[4 % len(texts)][:6] or "x", parent="g"),
    ]
    for index, text in enumerate(texts):
        statements.append(Service(id=f"s{index}", icon="server", title=text, parent="g"))
        if index:
            statements.append(
                Edge(
                    lhs=EdgeEnd(id=f"s{index - 1}", side="R"),
                    rhs=EdgeEnd(id=f"s{index}", side="L", arrow=True),
                    title=text,
                )
            )
    return Diagram(statements=tuple(statements))


def _assert_texts_kept(root: ET.Element, texts: tuple[str, ...]) -> None:
    services = _groups(root, "service")
    edges = _groups(root, "edge")
    for index, text in enumerate(texts):
        if text.strip():
            assert _squeeze(_text_of(services[f"s{index}"], "label")) == _squeeze(text)
        if index and text.strip():
            edge = edges[f"s{index - 1}-s{index}"]
            assert _squeeze(_text_of(edge, "edge-label")) == _squeeze(text)
    # The accessible title is accTitle, else the diagram's title (absent when both are empty).
    expected = texts[1 % len(texts)] or texts[0]
    title = root.find(f"{SVG}title")
    assert (title.text if title is not None else "") == _as_xml_reads(expected)


def _as_xml_reads(text: str) -> str:
    """``text`` as an XML parser hands it back: U+FFFD for what XML cannot hold, and
    line ends normalised to LF (XML 1.0 §2.11)."""
    return _NOT_XML.sub("\ufffd", text).replace("\r\n", "\n").replace("\r", "\n")


def test_hostile_titles_in_every_slot_stay_text() -> None:
    svg = render_svg(_hostile_diagram(HOSTILE))
    root = assert_inert(svg)
    _assert_texts_kept(root, HOSTILE)
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text == HOSTILE[2]
    group = _groups(root, "group-title")["g"]
    assert _squeeze(_text_of(group, "group-title")) == _squeeze(HOSTILE[3])
    assert "<script" not in svg and "]]><" not in svg.replace("]]&gt;", "")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=40), min_size=2, max_size=4).map(tuple))
def test_any_text_in_any_slot_stays_text(texts: tuple[str, ...]) -> None:
    root = assert_inert(render_svg(_hostile_diagram(texts)))
    _assert_texts_kept(root, texts)


def test_hostile_titles_from_source_text_through_the_cli(tmp_path: Path) -> None:
    source = (
        "architecture-beta\n"
        '    title <script>alert("t")</script> & "q" ]]>\n'
        "    accTitle: <b onmouseover=alert(1)>acc</b> & 'x'\n"
        "    accDescr {\n        </desc><script>alert(2)</script>\n    }\n"
        "    group g(cloud)[<foreignObject>]\n"
        "    service a(server)[<img src=x onerror=alert(1)>] in g\n"
        '    service b(server)["</text> & ]]> \\"quoted\\""]\n'
        '    service c "<s>" in g\n'
        "    a:R -[\"<edge> & 'x'\"]-> L:b\n"
    )
    path = tmp_path / "hostile.mmd"
    path.write_text(source)
    code, svg, _ = cli("render", path)
    assert code == 0
    root = assert_inert(svg)
    services = _groups(root, "service")
    # Compared without blanks: wrapping may break a long word over two lines.
    assert _squeeze(_text_of(services["a"], "label")) == _squeeze("<img src=x onerror=alert(1)>")
    assert _squeeze(_text_of(services["b"], "label")) == _squeeze('</text> & ]]> "quoted"')
    assert _text_of(services["c"], "node-icon-text") == "<s>"
    assert _squeeze(_text_of(_groups(root, "edge")["a-b"], "edge-label")) == "<edge>&'x'"
    assert root.find(f"{SVG}desc").text == "</desc><script>alert(2)</script>"  # type: ignore[union-attr]
    # The PNG goes through the same SVG: it renders.
    code, _, _ = cli("render", path, "-o", tmp_path / "hostile.png")
    assert code == 0 and (tmp_path / "hostile.png").read_bytes().startswith(b"\x89PNG")


# -- icon packs --------------------------------------------------------------------------

_CHAIN = "".join(
    f'<g id="l{i}"><use href="#l{i - 1}"/><use href="#l{i - 1}"/></g>' for i in range(1, 30)
)
HOSTILE_ICONS: dict[str, str] = {
    "script": '<script>alert(1)</script><path d="M0 0h8v8z"/>',
    "handler": '<path d="M0 0h8v8z" onload="alert(1)" onclick="alert(2)"/>',
    "foreign": '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>',
    "link": '<a href="https://evil.example"><path d="M0 0h8v8z"/></a>',
    "js-href": '<use href="javascript:alert(1)"/><use xlink:href="java\tscript:alert(1)"/>',
    "external": '<image href="https://evil.example/track.png"/><path fill="url(https://x/y)"/>',
    "svg-data": '<image href="data:image/svg+xml;base64,PHNjcmlwdD4="/>',
    "css-import": "<style>@import url(https://evil.example/x.css);</style><path d='M0'/>",
    "css-escape": "<style>path{fill:\\75 rl(https://evil.example)}</style><path d='M0'/>",
    "css-attr": '<path style="background:image-set(&quot;https://x&quot; 1x)" d="M0"/>',
    "animate-handler": '<set attributeName="onmouseover" to="alert(1)"/><path d="M0"/>',
    "animate-href": '<animate attributeName="xlink:href" to="javascript:alert(1)"/>',
    "entities": '<!DOCTYPE x [<!ENTITY a "aaaa">]><text>&a;</text>',
    "pi": '<?xml-stylesheet href="https://evil.example/x.css"?><path d="M0"/>',
    "xhtml-namespace": '<g xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></g>',
    "use-chain": '<path id="l0" d="M0 0h1v1z"/>' + _CHAIN,
    "cross-icon": '<use href="#archdsl-86f7e437-icon-0"/><use href="#archdsl-1-icon-2-g"/>',
    "deep": "<g>" * 5000 + "</g>" * 5000,
    "broken": "<g><path></g>",
}


def _pack(tmp_path: Path) -> Path:
    pack = tmp_path / "evil.json"
    icons = {name: {"body": body} for name, body in HOSTILE_ICONS.items()}
    pack.write_text(json.dumps({"prefix": "evil", "icons": icons, "width": 8, "height": 8}))
    return pack


def test_hostile_icon_bodies_are_sanitised_or_refused(tmp_path: Path) -> None:
    pack = load_pack(_pack(tmp_path))
    for name in HOSTILE_ICONS:
        icon = pack.icon(name)
        if icon is None:
            continue  # refused: drawn as the "?" placeholder
        body = icon.body
        root = assert_inert(f'<svg xmlns="http://www.w3.org/2000/svg">{body}</svg>')
        lowered = body.lower()
        for word in (
            "script",
            "javascript",
            "https:",
            "@import",
            "\\75",
            "onmouseover",
            "archdsl-",
        ):
            assert word not in lowered, (name, body)
        uses = list(root.iter(f"{SVG}use"))
        assert len(uses) <= MAX_USES, name
    assert pack.icon("deep") is None and pack.icon("broken") is None
    assert pack.icon("entities") is None and pack.icon("pi") is None


def test_use_chains_cannot_multiply() -> None:
    body = sanitize_svg_body(HOSTILE_ICONS["use-chain"])
    assert body is not None
    # l1 may use l0 (a plain path); every higher link pointed at an element holding a <use>.
    assert body.count("<use") == 2


def test_hostile_icon_pack_through_render(tmp_path: Path) -> None:
    pack = _pack(tmp_path)
    lines = [f"    service {name.replace('-', '_')}(evil:{name})" for name in HOSTILE_ICONS]
    path = tmp_path / "icons.mmd"
    path.write_text("architecture-beta\n" + "\n".join(lines) + "\n")
    before = snapshot(tmp_path)
    code, svg, _ = cli("render", path, "--icon-pack", pack)
    assert code == 0
    assert_inert(svg)
    assert "alert" not in svg and "evil.example" not in svg
    assert cli("validate", path, "--icon-pack", pack)[0] == 0
    assert snapshot(tmp_path) == before


def test_a_pack_that_is_a_link_to_a_device_is_refused(tmp_path: Path) -> None:
    pack = tmp_path / "zero.json"
    pack.symlink_to("/dev/zero")
    path = tmp_path / "d.mmd"
    path.write_text("architecture-beta\n    service a(server)\n")
    code, _, err = cli("render", path, "--icon-pack", pack)
    assert code == 2 and "cannot read the icon pack (not a regular file (a device))" in err


# -- Mermaid written by fmt ----------------------------------------------------------------


_TITLE_PIECES = [*"ab []\"'\\%{}()<>:-\t\n", "%%", "%%{", "}%%", "\r\n", "é", "\u2028"]
_TITLE_TEXT = st.lists(st.sampled_from(_TITLE_PIECES), max_size=12).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TITLE_TEXT, min_size=1, max_size=4), _TITLE_TEXT)
def test_fmt_quotes_what_it_must_or_refuses(titles: list[str], icon_text: str) -> None:
    statements: list[Statement] = [
        Service(id=f"s{index}", icon="server", title=title) for index, title in enumerate(titles)
    ]
    statements.append(Service(id="t", icon_text=icon_text))
    statements.append(Group(id="g", title=titles[0]))
    if len(titles) > 1:
        edge = Edge(lhs=EdgeEnd(id="s0", side="R"), rhs=EdgeEnd(id="s1", side="L"), title=titles[1])
        statements.append(edge)
    diagram = Diagram(statements=tuple(statements))
    try:
        text = format_diagram(diagram)
    except UnformattableError:
        return  # a value no Mermaid spelling can carry: refused, never written wrongly
    document = parse(text)
    assert document.syntax_ok, (text, [d.message for d in document.diagnostics])
    assert document.diagram is not None
    read = {s.id: s for s in document.diagram.statements if isinstance(s, Service)}
    for index, title in enumerate(titles):
        written = read[f"s{index}"].title
        assert (written.text if written else "") == _mermaid_trim(title), text
    assert read["t"].icon_text == icon_text
    assert format_diagram(document.diagram) == text


def _mermaid_trim(text: str) -> str:
    """What Mermaid keeps of a title: trimmed, with CR LF and lone CR read as LF."""
    from archdsl.syntax.builder import JS_WHITESPACE

    return text.replace("\r\n", "\n").replace("\r", "\n").strip(JS_WHITESPACE)


# -- CloudFormation ------------------------------------------------------------------------


class _CloudFormationLoader(yaml.SafeLoader):
    """A safe loader that reads CloudFormation's short forms (``!Ref``, ``!GetAtt``...)."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {f"Fn::{suffix}" if suffix != "Ref" else "Ref": value}


yaml.add_multi_constructor("!", _tagged, Loader=_CloudFormationLoader)

_CFN_HOSTILE = (
    "]]> <script>alert(1)</script>",
    "key: value\n- item\n!Ref Evil\rResources:\u2028X: 1\x85# c",
    "\"quoted\" 'single' & *alias &anchor !!python/object:os.system",
    "{{resolve:ssm:/x}} ${AWS::AccountId} # comment",
    "---\n... %YAML 1.2",
)
_CFN_ICONS = (
    "logos:aws-lambda",
    "logos:aws-s3",
    "logos:aws-dynamodb",
    "logos:aws-sqs",
    "logos:aws-sns",
)


def _load_template(text: str, output_format: str) -> Any:
    if output_format == "json":
        return json.loads(text)
    return yaml.load(text, Loader=_CloudFormationLoader)  # a SafeLoader subclass


@pytest.mark.parametrize("output_format", ["yaml", "json"])
def test_cloudformation_of_hostile_titles_stays_valid(output_format: str) -> None:
    cloudformation = pytest.importorskip("archdsl.export.cloudformation")
    statements: list[Statement] = [TitleStatement(text=_CFN_HOSTILE[0])]
    for index, (icon, title) in enumerate(zip(_CFN_ICONS, _CFN_HOSTILE, strict=True)):
        statements.append(Service(id=f"svc_{index}", icon=icon, title=title))
    end = EdgeEnd(id="svc_1", side="L", arrow=True)
    statements.append(Edge(lhs=EdgeEnd(id="svc_0", side="R"), rhs=end))
    # A file name may hold line breaks too, and it is named in the template's header.
    source = "a ]]> b\nResources:\n  Evil: {Type: AWS::EC2::Instance}\r# .mmd"
    result = cloudformation.to_cloudformation(
        Diagram(statements=tuple(statements)), source_path=source, output_format=output_format
    )
    template = _load_template(result.text, output_format)
    resources = template["Resources"]
    assert resources and all(re.fullmatch(r"[A-Za-z0-9]+", name) for name in resources)
    assert "Evil" not in resources
    for resource in resources.values():
        assert resource["Type"].startswith("AWS::")
        assert resource["Metadata"]["archdsl"]["diagram_id"] in {f"svc_{i}" for i in range(5)}
    assert template["Metadata"]["archdsl"]["source"] == source
    assert template["Description"].startswith(_CFN_HOSTILE[0])


def test_imported_mermaid_of_a_hostile_template_parses() -> None:
    importer = pytest.importorskip("archdsl.importers.cloudformation")
    template = {
        "Description": 'Evil ]]> <b>x</b> %% comment %%{init}%% [x] "q"\nsecond line',
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "FunctionName": "a]b[c\"d'e%%f",
                    "Handler": "x",
                    "Runtime": "python3.12",
                    "Code": {"ZipFile": "x"},
                    "Role": "arn:aws:iam::123456789012:role/x",
                },
            },
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "[b]"}},
        },
    }
    result = importer.from_cloudformation(json.dumps(template), "evil.json")
    document = validate(result.mermaid)
    assert document.syntax_ok, [d.message for d in document.diagnostics]
    assert format_diagram(document.diagram) == result.mermaid  # type: ignore[arg-type]
