"""Icon packs: Iconify names, loading, alias resolution, node_modules discovery, sanitising."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archdsl.icons import (
    IconName,
    IconPack,
    IconPackError,
    builtin_packs,
    discover_node_modules_packs,
    is_builtin_icon,
    load_pack,
    parse_icon_name,
    resolve_icon,
    sanitize_svg_body,
)
from tests.shared_data import REPO_ROOT


def write_pack(path: Path, data: dict[str, Any] | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


ACME = {
    "prefix": "acme",
    "width": 24,
    "height": 24,
    "icons": {
        "widget": {"body": '<path d="M0 0h24v24H0z"/>'},
        "tall": {"body": '<rect width="10" height="30"/>', "height": 30},
    },
    "aliases": {
        "gadget": {"parent": "widget"},
        "gadget-flipped": {"parent": "gadget", "hFlip": True, "rotate": 1},
        "gadget-flipped-back": {"parent": "gadget-flipped", "hFlip": True, "rotate": 1},
        "wide-tall": {"parent": "tall", "width": 48},
        "loop-a": {"parent": "loop-b"},
        "loop-b": {"parent": "loop-a"},
        "orphan": {"parent": "missing"},
    },
}


# -- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("logos:aws-lambda", IconName("", "logos", "aws-lambda")),
        ("@iconify:logos:aws-lambda", IconName("iconify", "logos", "aws-lambda")),
        ("api:logos:aws-lambda", IconName("api", "logos", "aws-lambda")),
        ("logos-aws-lambda", IconName("", "logos", "aws-lambda")),  # pack-name, no colon
        ("aws-lambda", IconName("", "aws", "lambda")),
        ("@iconify:logos-aws-s3", IconName("iconify", "logos", "aws-s3")),
        ("database", IconName("", "", "database")),
        ("Logos:AWS", IconName("", "Logos", "AWS")),  # no case folding: Iconify has none
    ],
)
def test_parse_icon_name_follows_iconify(text: str, parsed: IconName) -> None:
    assert parse_icon_name(text) == parsed


@pytest.mark.parametrize("text", ["", "a:b:c:d", "@prov", "@prov:x", ":x", "x:", "-x", "x-"])
def test_parse_icon_name_rejects_what_mermaid_rejects(text: str) -> None:
    assert parse_icon_name(text) is None


def test_icon_name_prints_back() -> None:
    assert str(IconName("iconify", "logos", "aws-s3")) == "@iconify:logos:aws-s3"
    assert str(IconName("", "", "cloud")) == "cloud"


@pytest.mark.parametrize(
    ("icon", "builtin"),
    [
        ("cloud", True),
        ("database", True),
        ("blank", True),
        ("mermaid-architecture:server", True),
        ("logos:aws-s3", False),
        ("servers", False),
        ("logos:cloud", False),
    ],
)
def test_is_builtin_icon(icon: str, builtin: bool) -> None:
    assert is_builtin_icon(icon) is builtin


# -- loading -----------------------------------------------------------------------------------


def test_load_pack_reads_prefix_icons_aliases_and_defaults(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path / "acme.json", ACME))
    assert pack.prefix == "acme"
    assert (pack.width, pack.height) == (24.0, 24.0)
    assert "widget" in pack and "gadget" in pack and "nope" not in pack
    assert pack.names >= {"widget", "tall", "gadget", "wide-tall"}
    assert pack.origin == str(tmp_path / "acme.json")


def test_default_size_is_iconify_16(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path / "p.json", {"prefix": "p", "icons": {"i": {"body": ""}}}))
    icon = pack.icon("i")
    assert icon is not None and (icon.width, icon.height) == (16.0, 16.0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON (line 1, column 2"),
        ("[1, 2]", "is a JSON object"),
        ({"icons": {"a": {"body": ""}}}, 'no "prefix"'),
        ({"prefix": "", "icons": {"a": {"body": ""}}}, 'no "prefix"'),
        ({"prefix": "p"}, 'no "icons"'),
        ({"prefix": "p", "icons": {}}, 'no "icons"'),
        ({"prefix": "p", "icons": {"a": {"width": 3}}}, 'icon "a" has no "body"'),
        ({"prefix": "p", "icons": {"a": {"body": ""}}, "aliases": []}, '"aliases" must map'),
        (
            {"prefix": "p", "icons": {"a": {"body": ""}}, "width": "wide"},
            '"width" must be a number',
        ),
    ],
)
def test_load_pack_errors_name_the_file_and_the_problem(
    tmp_path: Path, content: dict[str, Any] | str, message: str
) -> None:
    path = write_pack(tmp_path / "bad.json", content)
    with pytest.raises(IconPackError) as raised:
        load_pack(path)
    assert str(raised.value).startswith(str(path))
    assert message in str(raised.value)


def test_load_pack_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IconPackError, match="cannot read the icon pack"):
        load_pack(tmp_path / "absent.json")


# -- resolving ---------------------------------------------------------------------------------


@pytest.fixture
def acme(tmp_path: Path) -> IconPack:
    return load_pack(write_pack(tmp_path / "acme.json", ACME))


def test_aliases_resolve_with_iconify_merging(acme: IconPack) -> None:
    gadget = acme.icon("gadget")
    assert gadget is not None and gadget.body == '<path d="M0 0h24v24H0z"/>'
    flipped = acme.icon("gadget-flipped")
    assert flipped is not None and (flipped.h_flip, flipped.rotate) == (True, 1)
    back = acme.icon("gadget-flipped-back")  # flips cancel, rotations add up
    assert back is not None and (back.h_flip, back.rotate) == (False, 2)
    wide = acme.icon("wide-tall")  # the nearest record wins for sizes
    assert wide is not None and (wide.width, wide.height) == (48.0, 30.0)


@pytest.mark.parametrize("name", ["loop-a", "orphan", "nope"])
def test_broken_or_unknown_aliases_resolve_to_nothing(acme: IconPack, name: str) -> None:
    assert acme.icon(name) is None


def test_builtin_pack_is_the_65_aws_logos() -> None:
    (logos,) = builtin_packs()
    assert logos.prefix == "logos" and logos.trusted
    assert len(logos.icons) == 65
    assert all(name == "aws" or name.startswith("aws-") for name in logos.names)
    lambda_icon = resolve_icon("logos:aws-lambda", builtin_packs())
    assert lambda_icon is not None and lambda_icon.view_box == "0 0 256 256"
    hidden = resolve_icon("logos:aws-elastic-cache", builtin_packs())
    assert hidden is not None and hidden.hidden and hidden.height == 308


@pytest.mark.parametrize(
    "name", ["logos:aws-s3", "logos-aws-s3", "@iconify:logos:aws-s3", "api:logos:aws-s3"]
)
def test_resolve_icon_accepts_every_iconify_form(name: str) -> None:
    icon = resolve_icon(name, builtin_packs())
    assert icon is not None and icon.body == builtin_packs()[0].icons["aws-s3"]["body"]


@pytest.mark.parametrize("name", ["database", "cloud", "logos:aws-lamda", "acme:widget", "a:b:c:d"])
def test_resolve_icon_none_for_builtins_unknown_packs_and_icons(name: str) -> None:
    assert resolve_icon(name, builtin_packs()) is None


def test_first_pack_with_a_prefix_wins(tmp_path: Path) -> None:
    mine = write_pack(
        tmp_path / "logos.json", {"prefix": "logos", "icons": {"aws-s3": {"body": "<g/>"}}}
    )
    icon = resolve_icon("logos:aws-s3", [load_pack(mine), *builtin_packs()])
    assert icon is not None and icon.body == "<g/>"


# -- node_modules ------------------------------------------------------------------------------


def test_discover_walks_upwards_and_nearest_wins(tmp_path: Path) -> None:
    outer = tmp_path / "node_modules" / "@iconify-json"
    write_pack(outer / "logos" / "icons.json", {"prefix": "logos"})
    write_pack(outer / "mdi" / "icons.json", {"prefix": "mdi"})
    project = tmp_path / "repo" / "docs"
    inner = tmp_path / "repo" / "node_modules" / "@iconify-json"
    write_pack(inner / "mdi" / "icons.json", {"prefix": "mdi"})
    (inner / "not-a-pack").mkdir()
    project.mkdir(parents=True)

    found = discover_node_modules_packs(project)

    assert found == [inner / "mdi" / "icons.json", outer / "logos" / "icons.json"]


def test_discover_finds_nothing_without_node_modules(tmp_path: Path) -> None:
    start = tmp_path / "a" / "b"
    start.mkdir(parents=True)
    # Folders above tmp_path are the machine's business; nothing below it is a pack.
    assert [p for p in discover_node_modules_packs(start) if tmp_path in p.parents] == []


# -- sanitising --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "kept", "removed"),
    [
        ("<g><script>alert(1)</script><path d='M0'/></g>", "<path", "script"),
        ('<path d="M0" onload="alert(1)" fill="red"/>', 'fill="red"', "onload"),
        ('<g ONCLICK="x()"/>', "<g", "ONCLICK"),
        ("<foreignObject><div xmlns='http://www.w3.org/1999/xhtml'>x</div></foreignObject><g/>",
         "<g/>", "foreignObject"),
        ('<use href="https://evil.example/x.svg#a"/>', "<use", "evil"),
        ('<use xlink:href="javascript:alert(1)"/>', "<use", "javascript"),
        ('<a href="#x"><path d="M0"/></a><g/>', "<g/>", "<a"),
        ('<path fill="url(https://evil.example/p)" d="M0"/>', 'd="M0"', "evil"),
        ('<path style="fill:url(//evil.example/p)" d="M0"/>', 'd="M0"', "evil"),
        ("<style>@import url(x.css);</style><g/>", "<g/>", "import"),
        ('<animate attributeName="href" to="javascript:alert(1)"/><g/>', "<g/>", "animate"),
        ('<image href="data:text/html;base64,PHNjcmlwdD4="/>', "<image", "data:"),
        ('<path d="M0" data-x="javascript:alert(1)"/>', 'd="M0"', "javascript"),
    ],
)  # fmt: skip
def test_sanitize_strips_active_content(body: str, kept: str, removed: str) -> None:
    clean = sanitize_svg_body(body)
    assert clean is not None
    assert kept in clean
    assert removed.lower() not in clean.lower()


@pytest.mark.parametrize(
    "body",
    [
        '<defs><linearGradient id="a"><stop offset="0"/></linearGradient></defs>'
        '<path fill="url(#a)" d="M0"/>',
        '<use xlink:href="#a"/><use href="#b"/>',
        '<image href="data:image/png;base64,iVBORw0KGgo="/>',
        '<animateTransform attributeName="transform" type="rotate" dur="1s"/>',
        "<style>.a{fill:red}</style>",
    ],
)
def test_sanitize_keeps_safe_bodies_byte_for_byte(body: str) -> None:
    assert sanitize_svg_body(body) == body


@pytest.mark.parametrize(
    "body",
    [
        '<!DOCTYPE svg [<!ENTITY x "y">]><g/>',
        '<?xml-stylesheet href="x.css"?><g/>',
        "<g>",  # not well-formed
        "<sodipodi:namedview/>",  # undeclared namespace prefix
    ],
)
def test_sanitize_refuses_what_it_cannot_check(body: str) -> None:
    assert sanitize_svg_body(body) is None


def test_every_bundled_body_is_already_safe() -> None:
    (logos,) = builtin_packs()
    for name, record in logos.icons.items():
        assert sanitize_svg_body(record["body"]) == record["body"], name


def test_user_pack_bodies_are_sanitised_and_builtins_trusted(tmp_path: Path) -> None:
    pack = load_pack(
        write_pack(
            tmp_path / "evil.json",
            {
                "prefix": "evil",
                "icons": {
                    "x": {"body": '<g onload="steal()"><path d="M0"/></g>'},
                    "broken": {"body": "<g>"},
                },
            },
        )
    )
    icon = pack.icon("x")
    assert icon is not None and icon.body == '<g><path d="M0"/></g>'
    assert pack.icon("broken") is None  # refused, drawn as a placeholder by the renderer
    assert "broken" in pack.names  # the name exists: not an "unknown icon"


# -- the maintainer script ---------------------------------------------------------------------


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_logos_data", REPO_ROOT / "scripts" / "gen_logos_data.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_keeps_aws_icons_and_their_aliases() -> None:
    generator = load_generator()
    icon_set = {
        "prefix": "logos",
        "width": 256,
        "height": 256,
        "icons": {"aws-s3": {"body": "<g/>"}, "aws": {"body": "<g/>"}, "react": {"body": "<g/>"}},
        "aliases": {
            "s3": {"parent": "aws-s3"},
            "aws-old": {"parent": "aws"},
            "r": {"parent": "react"},
        },
    }
    subset = generator.aws_subset(icon_set, "9.9.9")
    assert sorted(subset["icons"]) == ["aws", "aws-s3"]
    assert sorted(subset["aliases"]) == ["aws-old", "s3"]
    assert subset["info"]["version"] == "9.9.9" and subset["width"] == 256
    assert generator.all_names(icon_set) == ["aws", "aws-old", "aws-s3", "r", "react", "s3"]


def test_shipped_subset_matches_the_npm_package_when_present() -> None:
    icons_json = Path("/tmp/mermaid-oracle/node_modules/@iconify-json/logos/icons.json")
    if not icons_json.is_file():
        pytest.skip("@iconify-json/logos is not installed here")
    generator = load_generator()
    icon_set = json.loads(icons_json.read_text(encoding="utf-8"))
    version = generator.package_version(icons_json)
    shipped = json.loads((REPO_ROOT / "archdsl" / "icons" / "logos-aws.json").read_text())
    assert shipped == generator.aws_subset(icon_set, version)
    names = (REPO_ROOT / "archdsl" / "catalogue" / "logos-names.txt").read_text().split()
    assert names == generator.all_names(icon_set)
    assert version in (REPO_ROOT / "archdsl" / "icons" / "LICENSE-logos.txt").read_text()


@settings(max_examples=300)
@given(st.text(alphabet=list("&<>\"'\n\r\tab ")))
def test_markup_escaping_is_the_standard_librarys(text: str) -> None:
    # archdsl keeps its own copies to spare start-up the import of xml.sax.saxutils.
    from xml.sax.saxutils import escape, quoteattr

    from archdsl.icons.sanitize import _escape, _quote_attribute

    assert _escape(text) == escape(text)
    assert _quote_attribute(text) == quoteattr(text)
