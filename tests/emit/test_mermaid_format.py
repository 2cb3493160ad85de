"""The Mermaid formatter (:mod:`archdsl.emit.mermaid`): golden files and edge cases.

Golden files live in ``tests/emit/golden/``: each input ``NAME.mmd`` has its expected
output ``NAME.formatted.mmd``. An input named ``NAME@11.14.mmd`` is formatted for
that Mermaid version (``mermaid_version=(11, 14)``).

After an intended change to the formatter, rewrite the expected files and review
the diff::

    ARCHDSL_ACCEPT=1 pytest tests/emit
    git diff tests/emit/golden

To add a case, drop a new ``NAME.mmd`` into ``golden/`` and run the same command.
Every golden input must also parse to the same model after formatting and format
to itself again (checked here), and Mermaid must read both the same way (checked
by hand with the oracle: ``node parse.mjs NAME.mmd NAME.formatted.mmd``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from archdsl.api import parse
from archdsl.emit.mermaid import UnformattableError, format_diagram
from archdsl.model import (
    AccDescr,
    AccTitle,
    Comment,
    Diagram,
    Edge,
    EdgeEnd,
    Group,
    Junction,
    Service,
    Title,
    TitleStatement,
)
from tests.test_roundtrip import assert_round_trip

GOLDEN = Path(__file__).parent / "golden"
ACCEPT = os.environ.get("ARCHDSL_ACCEPT") == "1"
EXPECTED_SUFFIX = ".formatted.mmd"
_VERSION = re.compile(r"@(\d+(?:\.\d+)*)$")


def _inputs() -> list[Path]:
    return sorted(p for p in GOLDEN.glob("*.mmd") if not p.name.endswith(EXPECTED_SUFFIX))


def _version(path: Path) -> tuple[int, ...] | None:
    match = _VERSION.search(path.stem)
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # keeps CRLF and tabs exactly


def _format(text: str, version: tuple[int, ...] | None = None) -> str:
    document = parse(text)
    assert document.diagram is not None and document.syntax_ok, document.diagnostics
    return format_diagram(document.diagram, mermaid_version=version)


def _code_built(*statements: object, comments: tuple[Comment, ...] = ()) -> str:
    return format_diagram(Diagram(statements=statements, comments=comments))


# --- golden files ---------------------------------------------------------------------


@pytest.mark.parametrize("source", _inputs(), ids=lambda p: p.stem)
def test_golden(source: Path) -> None:
    version = _version(source)
    formatted = _format(_read(source), version)
    expected = source.with_name(source.stem + EXPECTED_SUFFIX)
    if ACCEPT:
        expected.write_bytes(formatted.encode("utf-8"))
    assert expected.is_file(), f"no {expected.name}: run `ARCHDSL_ACCEPT=1 pytest tests/emit`"
    assert formatted == _read(expected)
    assert_round_trip(_read(source), mermaid_version=version)


@pytest.mark.parametrize("source", _inputs(), ids=lambda p: p.stem)
def test_golden_with_crlf_line_endings_formats_the_same(source: Path) -> None:
    text = _read(source)
    crlf = text.replace("\r\n", "\n").replace("\n", "\r\n")
    assert _format(crlf, _version(source)) == _format(text, _version(source))


def test_every_golden_input_has_its_expected_output() -> None:
    expected = {p.name for p in GOLDEN.glob(f"*{EXPECTED_SUFFIX}")}
    inputs = {p.stem + EXPECTED_SUFFIX for p in _inputs()}
    assert expected == inputs
    assert len(inputs) >= 10


def test_golden_outputs_have_no_trailing_whitespace() -> None:
    for path in GOLDEN.glob(f"*{EXPECTED_SUFFIX}"):
        text = _read(path)
        assert "\r" not in text, path.name
        assert text.endswith("\n") and not text.endswith("\n\n"), path.name
        assert [line for line in text.split("\n") if line != line.rstrip()] == [], path.name


# --- layout ---------------------------------------------------------------------------


def test_code_built_diagram_formats_without_blank_lines() -> None:
    text = _code_built(
        Group(id="cloud", icon="cloud", title="Cloud"),
        Service(id="api", icon="logos:aws-lambda", title="API", parent="cloud"),
        Service(id="db", icon="database"),
        Junction(id="j", parent="cloud"),
        Edge(lhs=EdgeEnd(id="api", side="R"), rhs=EdgeEnd(id="db", side="L", arrow=True)),
        Edge(
            lhs=EdgeEnd(id="api", side="B", group=True, arrow=True),
            rhs=EdgeEnd(id="j", side="T"),
            title="uses",
        ),
    )
    assert text == (
        "architecture-beta\n"
        "    group cloud(cloud)[Cloud]\n"
        "    service api(logos:aws-lambda)[API] in cloud\n"
        "    service db(database)\n"
        "    junction j in cloud\n"
        "    api:R --> L:db\n"
        "    api{group}:B <-[uses]- T:j\n"
    )


def test_code_built_comments_directives_before_the_header_others_after_it() -> None:
    text = _code_built(
        Service(id="a"),
        comments=(Comment(text="%% generated"), Comment(text='%%{init: {"theme": "dark"}}%%')),
    )
    assert text == (
        '%%{init: {"theme": "dark"}}%%\narchitecture-beta\n    %% generated\n    service a\n'
    )


def test_statement_added_in_code_follows_its_predecessor() -> None:
    diagram = parse("architecture-beta\n\n    service a %% note\n\n    %% last\n").diagram
    assert diagram is not None
    grown = diagram.model_copy(update={"statements": (*diagram.statements, Service(id="b"))})
    assert format_diagram(grown) == (
        "architecture-beta\n\n    service a %% note\n    service b\n\n    %% last\n"
    )


def test_comment_after_the_last_statement_stays_at_the_end() -> None:
    text = "architecture-beta\n    service a\n%% one\n\n\n  %% two"
    assert _format(text) == "architecture-beta\n    service a\n    %% one\n\n    %% two\n"


def test_multi_line_title_keeps_its_inner_spacing() -> None:
    # Inside quotes, indentation and trailing blanks are part of the title's value.
    text = 'architecture-beta\n  service a["one   \n      two"]\n'
    assert _format(text) == 'architecture-beta\n    service a["one   \n      two"]\n'


def test_front_matter_keeps_trailing_spaces_only_where_yaml_needs_them() -> None:
    plain = "---\ntitle: x   \n---\narchitecture-beta\n"
    assert _format(plain) == "---\ntitle: x\n---\narchitecture-beta\n"
    literal = "---\ntitle: |\n  kept   \n---\narchitecture-beta\n"
    assert _format(literal) == literal


# --- titles and strings ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "written"),
    [
        (Title(text="Plain"), "[Plain]"),
        (Title(text=""), "[ ]"),
        (Title(text="a]b"), '["a]b"]'),
        (Title(text="two\nlines"), '["two\nlines"]'),
        (Title(text='"wrapped"'), '["\\"wrapped\\""]'),
        (Title(text='"half'), '[ "half]'),
        (Title(text="  padded  "), "[padded]"),
        (Title(text="x", quote="'"), "['x']"),
        (Title(text="it's", quote="'"), "['it\\'s']"),
        (Title(text='say "hi"', quote='"'), '["say \\"hi\\""]'),
        # A quoted string cannot hold it in double quotes, but a look-alike can (below).
        (Title(text='a\\"b', quote='"'), '["a\\\\"b"]'),
        (Title(text="back\\\\slash", quote='"'), '["back\\\\slash"]'),
    ],
)
def test_title_spelling(title: Title, written: str) -> None:
    text = _code_built(Service(id="a", title=title))
    assert text == f"architecture-beta\n    service a{written}\n"
    reparsed = parse(text).diagram
    assert reparsed is not None
    assert reparsed.statements[0].title.text == title.text.strip()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("icon_text", "written"),
    [
        ("Text", '"Text"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("tab\there", '"tab\\there"'),
        ("two\nlines", '"two\\nlines"'),
        ("back\\slash", '"back\\\\slash"'),
        ("", '""'),
    ],
)
def test_text_icon_spelling(icon_text: str, written: str) -> None:
    text = _code_built(Service(id="a", icon_text=icon_text))
    assert text == f"architecture-beta\n    service a {written}\n"
    reparsed = parse(text).diagram
    assert reparsed is not None
    assert reparsed.statements[0].icon_text == icon_text  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("version", "written"),
    [(None, '["a\\\\"b"]'), ((11, 17), '["a\\\\"b"]'), ((11, 16), "['a\\\\\"b']")],
)
def test_look_alike_quoted_titles_only_where_any_unquoted_title_reads(
    version: tuple[int, ...] | None, written: str
) -> None:
    # `["a\\"b"]` lexes as an unquoted title (the string ends at `\\"`) that reads as
    # double-quoted `a\"b`: before 11.17 Mermaid reads no such title, so the quote
    # style gives way to a real single-quoted string.
    diagram = Diagram(statements=(Service(id="a", title=Title(text='a\\"b', quote='"')),))
    assert format_diagram(diagram, mermaid_version=version) == (
        f"architecture-beta\n    service a{written}\n"
    )


@pytest.mark.parametrize(
    ("version", "written"),
    [
        (None, "[a.b]"),
        ((11, 17), "[a.b]"),
        ((11, 16, 3), '["a.b"]'),
        ((11, 13), '["a.b"]'),
        ((11, 12), "[a.b]"),  # no spelling works there; AD003 says so
    ],
)
def test_unquoted_title_is_quoted_for_mermaid_before_11_17(
    version: tuple[int, ...] | None, written: str
) -> None:
    diagram = Diagram(statements=(Service(id="a", title="a.b"),))
    assert format_diagram(diagram, mermaid_version=version) == (
        f"architecture-beta\n    service a{written}\n"
    )


def test_plain_quoted_title_is_unquoted_for_mermaid_before_11_13() -> None:
    diagram = Diagram(statements=(Service(id="a", title=Title(text="Plain 1", quote='"')),))
    assert format_diagram(diagram, mermaid_version=(11, 12)) == (
        "architecture-beta\n    service a[Plain 1]\n"
    )
    assert format_diagram(diagram, mermaid_version=(11, 13)) == (
        'architecture-beta\n    service a["Plain 1"]\n'
    )


def test_title_and_accessibility_statements() -> None:
    text = _code_built(
        TitleStatement(text="  My title "),
        AccTitle(text=""),
        AccDescr(text="one line"),
        AccDescr(text="first\nsecond", block=False),
        AccDescr(text="", block=True),
    )
    assert text == (
        "architecture-beta\n"
        "    title My title\n"
        "    accTitle:\n"
        "    accDescr: one line\n"
        "    accDescr {\n        first\n        second\n    }\n"
        "    accDescr {\n    }\n"
    )


@pytest.mark.parametrize(
    "statement",
    [
        Service(id="a", title="bracket ] and lone backslash at the end \\"),
        TitleStatement(text="two\nlines"),
        AccTitle(text="100%% sure"),
        AccDescr(text="a }\nb", block=True),
        Service(id="a", icon="not an icon"),
        Service(id="a", icon="server", icon_text="and text"),
        Edge(lhs=EdgeEnd(id="not an id", side="L"), rhs=EdgeEnd(id="b", side="R")),
    ],
    ids=["title", "title-statement", "acc-title", "acc-descr", "icon", "two-icons", "edge-id"],
)
def test_values_no_spelling_can_carry_are_refused(statement: object) -> None:
    with pytest.raises(UnformattableError):
        _code_built(statement)
