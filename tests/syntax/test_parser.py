"""The parser models every diagram exactly as Mermaid 11.17 does.

Each expected value here was settled by running the real Mermaid on the same text
(``scripts/oracle_compare.py``; ``mermaid.parse``, i.e. Langium after Mermaid's own
preprocessing). Where archdsl's grammar accepts on purpose what Mermaid's lexer
rejects by accident (ids starting with L/R/T/B or ``title``, keywords as ids), the
rules report it; those cases are in the rules' tests.
"""

from __future__ import annotations

import gc
import re
import time
from pathlib import Path
from typing import Any

import lark
import pytest

from archdsl import api
from archdsl.model import (
    AccDescr,
    AccTitle,
    Align,
    Diagram,
    Edge,
    EdgeEnd,
    Group,
    Junction,
    Service,
    TitleStatement,
)
from archdsl.syntax.builder import build
from archdsl.syntax.loader import grammar_path

H = "architecture-beta\n"


def diagram_of(text: str) -> Diagram:
    """The model of a text that must parse without syntax findings."""
    document = api.parse(text)
    assert document.diagnostics == (), [d.message for d in document.diagnostics]
    assert document.diagram is not None
    return document.diagram


def shape(diagram: Diagram) -> dict[str, Any]:
    """The model in the shape of Mermaid's AST (as the oracle prints it), empty parts left out."""
    out: dict[str, Any] = {}
    for statement in diagram.statements:
        if isinstance(statement, Group | Service):
            entry: dict[str, Any] = {"id": statement.id}
            if statement.icon is not None:
                entry["icon"] = statement.icon
            if isinstance(statement, Service) and statement.icon_text is not None:
                entry["iconText"] = statement.icon_text
            if statement.title is not None:
                entry["title"] = statement.title.text
            if statement.parent is not None:
                entry["in"] = statement.parent
            out.setdefault(f"{statement.kind}s", []).append(entry)
        elif isinstance(statement, Junction):
            out.setdefault("junctions", []).append({"id": statement.id, "in": statement.parent})
        elif isinstance(statement, Edge):
            out.setdefault("edges", []).append(edge_text(statement))
        elif isinstance(statement, Align):
            out.setdefault("alignments", []).append((statement.axis, *statement.members))
        elif isinstance(statement, TitleStatement):
            out["title"] = statement.text
        elif isinstance(statement, AccTitle):
            out["accTitle"] = statement.text
        elif isinstance(statement, AccDescr):
            out["accDescr"] = statement.text
    return out


def edge_text(edge: Edge) -> str:
    """``a{group}:R <-[t]- L:b`` in a canonical spelling, for compact expectations."""
    lhs = edge.lhs.id + ("{group}" if edge.lhs.group else "") + ":" + edge.lhs.side
    rhs = edge.rhs.side + ":" + edge.rhs.id + ("{group}" if edge.rhs.group else "")
    link = "--" if edge.title is None else f"-[{edge.title.text}]-"
    return f"{lhs} {'<' if edge.lhs.arrow else ''}{link}{'>' if edge.rhs.arrow else ''} {rhs}"


def ids(diagram: Diagram) -> list[str]:
    return [s.id for s in diagram.statements if isinstance(s, Group | Service | Junction)]


# --------------------------------------------------------------------------------------
# The grammar itself
# --------------------------------------------------------------------------------------


def test_grammar_builds_in_strict_mode() -> None:
    """No two terminals of one priority can match the same text (interegular proves it)."""
    lark.Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        maybe_placeholders=True,
        strict=True,
    )


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (
            Group,
            {"id": "g", "parent": None, "kind": "group", "icon": "cloud", "title": None},
        ),
        (
            EdgeEnd,
            {"id": "a", "side": "R", "group": True, "arrow": False},
        ),
    ],
)
def test_fast_build_equals_model_construct(model: type[Any], values: dict[str, Any]) -> None:
    """The builder's shortcut gives the very object ``model_construct`` would."""
    full = {name: values.get(name, field.default) for name, field in model.model_fields.items()}
    fast, slow = build(model, dict(full)), model.model_construct(**full)
    assert fast == slow
    assert fast.model_fields_set == slow.model_fields_set
    assert fast.model_dump() == slow.model_dump()
    assert fast.model_copy(update={"id": "z"}).id == "z"


def test_every_parsed_statement_names_every_field() -> None:
    """``build`` is only correct when the builder passes all fields of each model."""
    text = (
        H + 'group g(cloud)[G]\nservice s(x)[S] in g\nservice t "T"\njunction j in g\n'
        "s:R -[t]-> L:t\nalign row s t\ntitle x\naccTitle: y\naccDescr: z\n"
    )
    for statement in diagram_of(text).statements:
        assert set(statement.__dict__) == set(type(statement).model_fields), statement


# --------------------------------------------------------------------------------------
# Values, converted as Mermaid's value converters do
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "text", "quote"),
    [
        ('["a"b"]', 'a"b', '"'),  # the quotes come off, the inner one stays
        ('[ "x" ]', "x", '"'),  # trimmed first, then unquoted (since 11.17)
        ('["  x y "]', "x y", '"'),  # trimmed again inside the quotes
        ('["x\\\\n\\"y"]', 'x\\\\n"y', '"'),  # only \" and \' are unescaped
        ("['it\\'s \\\"q\\\"']", 'it\'s "q"', "'"),  # both escapes in either quote style
        ('[ " ]', "", '"'),  # a lone quote "starts and ends" with a quote
        ('["a]b[c"]', "a]b[c", '"'),
        ('["x\n  y"]', "x\n  y", '"'),  # quoted titles may span lines
        ('["x %% y"]', "x %% y", '"'),
        (
            "[Hello, wörld! (v2.0) {x} <b> %% 50% 'q' \"d\"]",
            "Hello, wörld! (v2.0) {x} <b> %% 50% 'q' \"d\"",
            None,
        ),
        ("[\u00a0x\u3000]", "x", None),  # JavaScript's trim: Unicode spaces
        ("[x\x85]", "x\x85", None),  # ... but not U+0085, which Python's strip() takes
        ("[ ]", "", None),
        ("[#amp; x]", "#amp; x", None),  # kept as written; Mermaid decodes it when drawing
    ],
)
def test_title_values(title: str, text: str, quote: str | None) -> None:
    (service,) = diagram_of(f"{H}service a{title}\n").services
    assert service.title is not None
    assert (service.title.text, service.title.quote) == (text, quote)


def test_whole_line_comment_inside_a_quoted_title_is_dropped() -> None:
    """mermaid.parse deletes whole-line comments before lexing, even inside quotes."""
    (service,) = diagram_of(H + 'service a["x\n  %% gone "]\nz"]\n').services
    assert service.title is not None and service.title.text == "x\nz"


@pytest.mark.parametrize(
    ("icon", "text"),
    [
        ('"x\\ty\\q\\\\ \\n"', "x\tyq\\ \n"),  # Langium's string escapes; \q is q
        ("'  it\\'s  '", "  it's  "),  # not trimmed
        ('"x\ny"', "x\ny"),  # may span lines
    ],
)
def test_text_icon_values(icon: str, text: str) -> None:
    (service,) = diagram_of(f"{H}service a {icon}\n").services
    assert (service.icon, service.icon_text) == (None, text)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ("title   a    b\t\tc  ", {"title": "a b c"}),  # trimmed, blank runs squeezed
        ("title a\tb", {"title": "a\tb"}),  # a single tab stays
        ("title", {"title": ""}),
        ("title 100%% done", {"title": "100"}),  # a comment ends it
        ("accTitle :  a   b ", {"accTitle": "a b"}),
        ("accDescr: x  y", {"accDescr": "x y"}),
        ("accDescr {\n   line one  \n\n   line   two\n}", {"accDescr": "line one\nline two"}),
        ("accDescr {\n  a\n  %% a } in a comment\n  b\n}", {"accDescr": "a\nb"}),
        ("accDescr\n{\nx\n}", {"accDescr": "x"}),
        ("title a\ntitle b\naccTitle: c\naccTitle: d", {"title": "b", "accTitle": "d"}),
    ],
)
def test_title_and_accessibility_values(lines: str, expected: dict[str, str]) -> None:
    diagram = diagram_of(f"{H}{lines}\n")
    assert shape(diagram) == expected
    last = {"title": diagram.title, "accTitle": diagram.acc_title, "accDescr": diagram.acc_descr}
    assert {k: v for k, v in last.items() if k in expected} == expected


# --------------------------------------------------------------------------------------
# Edges
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a:L <--> R:b", "a:L <--> R:b"),
        ("b:T --> B:c", "b:T --> B:c"),
        ("c:B <-- T:d", "c:B <-- T:d"),
        ("d:R -- L:a", "d:R -- L:a"),
        # Mermaid's ARROW_INTO is `<` or `>` on either end.
        ("a:R >-- L:b", "a:R <-- L:b"),
        ("a:R --< L:b", "a:R --> L:b"),
        ("a {group} : R < -- > L : b {group}", "a{group}:R <--> L:b{group}"),
        ("a{group}:R<-->L:b{group}", "a{group}:R <--> L:b{group}"),
        ('a:R -["uses HTTP/2"]-> L:b', "a:R -[uses HTTP/2]-> L:b"),
        ("a:B - [ plain ] - T:c", "a:B -[plain]- T:c"),
        ("a:R <-[x]-< L:b", "a:R <-[x]-> L:b"),
    ],
)
def test_edges(source: str, expected: str) -> None:
    (edge,) = diagram_of(f"{H}{source}\n").edges
    assert edge_text(edge) == expected


def test_edge_spans_point_at_ids_and_side_letters() -> None:
    (edge,) = diagram_of(H + "api {group} : R < -- > L : db\n").edges
    assert (edge.lhs.span.column, edge.lhs.side_span.column) == (1, 15)
    assert (edge.rhs.side_span.column, edge.rhs.span.column) == (24, 28)
    assert (edge.span.line, edge.span.column, edge.span.end_column) == (2, 1, 29)


# --------------------------------------------------------------------------------------
# Ids and keywords
# --------------------------------------------------------------------------------------


def test_words_that_start_with_a_keyword_are_ids() -> None:
    """`service a inbox` once read as `in box`: keywords give way to longer ids."""
    diagram = diagram_of(
        H + "service inbox\nservice groupware in inbox\nalign row rowboat columnist\n"
    )
    assert shape(diagram) == {
        "services": [{"id": "inbox"}, {"id": "groupware", "in": "inbox"}],
        "alignments": [("row", "rowboat", "columnist")],
    }


def test_accessibility_words_are_ids_where_they_cannot_start_a_statement() -> None:
    diagram = diagram_of(H + "service accTitle\nservice accDescr\na:R -- L:accDescr\n")
    assert ids(diagram) == ["accTitle", "accDescr"]
    assert [edge_text(e) for e in diagram.edges] == ["a:R -- L:accDescr"]


def test_ids_with_digits_and_dashes() -> None:
    assert ids(diagram_of(H + "service 9lives\nservice a-b_c\n")) == ["9lives", "a-b_c"]


def test_no_blank_is_needed_between_icon_title_and_in() -> None:
    diagram = diagram_of(H + 'service a(x)in g\nservice b[T]in g\nservice c"x"in g\n')
    assert shape(diagram)["services"] == [
        {"id": "a", "icon": "x", "in": "g"},
        {"id": "b", "title": "T", "in": "g"},
        {"id": "c", "iconText": "x", "in": "g"},
    ]


# --------------------------------------------------------------------------------------
# The text around the statements
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "architecture-beta service db\n",  # a statement on the header line
        "architecture-beta\r\nservice db\r\n",
        "architecture-beta\rservice db\r",  # lone CR: mermaid.parse reads it as LF
        "\ufeffarchitecture-beta\nservice db\n",
        "\ufeff\ufeff\u00a0architecture-beta\nservice db\n",  # Mermaid trims any blank
        "\n\t\narchitecture-beta\n\n\tservice db\t\n  \n",
        "%% c\narchitecture-beta %% c\n  %% c\nservice db %% c\n%%\n",
        '%%{init: {"theme": "dark"}}%%\narchitecture-beta\nservice db\n',
        "---\nconfig:\n  theme: dark\n---\narchitecture-beta\nservice db\n",
        "\n---\na: 1\n---\narchitecture-beta\nservice db\n",
        "  ---\n  a: 1\n  ---\narchitecture-beta\nservice db\n",  # indented front matter
        "architecture-beta\n%% old: %%{init: {}}%% still a comment\nservice db\n",
        "architecture-beta\nservice db\n%%{init: {\nservice gone\n",  # eats the rest
    ],
)
def test_text_around_the_statements(text: str) -> None:
    assert ids(diagram_of(text)) == ["db"]


@pytest.mark.parametrize(
    "text",
    [
        "architecture-beta\nservice a %%{init: {}}%%\nservice b\n",  # directive deleted
        "architecture-beta\nservice a\n---\nb: 1\n---\nservice b\n",  # a YAML block anywhere
        "architecture-beta\nservice a\n%%{}%%\nservice b\n",
    ],
)
def test_skipped_blocks_between_statements(text: str) -> None:
    assert ids(diagram_of(text)) == ["a", "b"]


@pytest.mark.parametrize(
    "text",
    [
        "architecture-beta\nservice a %%{init: {}}%% [T]\n",
        "architecture-beta\nservice a %%{\ninit: {}\n}%% [T]\n",  # even across lines
    ],
)
def test_directives_are_deleted_even_inside_a_statement(text: str) -> None:
    assert shape(diagram_of(text)) == {"services": [{"id": "a", "title": "T"}]}


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ('service a["x %%{init: {}}%%y"]', {"services": [{"id": "a", "title": "x y"}]}),
        ('service a "p%%{wrap}%%q"', {"services": [{"id": "a", "iconText": "pq"}]}),
        ("title a %%{init: {}}%% b %% c", {"title": "a b"}),
        ("accTitle: t %%{x}%%u", {"accTitle": "t u"}),
        ("accDescr {\n a %%{init: {}}%%\n b\n}", {"accDescr": "a\nb"}),
        # `%%{a b`: Mermaid's regex takes two words only, and never more to suit a title
        ("service a[x %%{init: y]", {"services": [{"id": "a", "title": "x"}]}),
    ],
)
def test_directives_are_deleted_inside_values(lines: str, expected: dict[str, Any]) -> None:
    assert shape(diagram_of(f"{H}{lines}\n")) == expected


def test_html_attribute_quotes_become_single_quotes() -> None:
    """mermaid.parse rewrites ``="x"`` inside ``<tag ...>`` before parsing."""
    (service,) = diagram_of(H + 'service a[<b class="x">t</b>]\n').services
    assert service.title is not None and service.title.text == "<b class='x'>t</b>"


def test_front_matter_config_and_directive_config() -> None:
    text = (
        "---\nconfig:\n  theme: forest\n  architecture:\n    padding: 12\n---\n"
        '%%{init: {"architecture": {"iconSize": 60}}}%%\narchitecture-beta\n'
    )
    diagram = diagram_of(text)
    assert (diagram.theme, diagram.config.padding, diagram.config.icon_size) == ("forest", 12, 60)


def test_front_matter_reads_like_mermaids_yaml() -> None:
    """js-yaml's JSON schema: dates stay text, `<<` is a key, complex keys are fine."""
    text = (
        "---\nconfig:\n  d: 2001-02-30\n  ? {a: 1}\n  : x\n  <<: {b: 1}\n---\narchitecture-beta\n"
    )
    diagram_of(text)


def test_comments_are_kept_with_their_own_spans() -> None:
    text = (
        "architecture-beta\n  %% one\nservice a %% two\n\n\n   %% three\n%%{init: {}}%%\n%%{ }%%\n"
    )
    comments = diagram_of(text).comments
    assert [(c.text, c.span.line, c.span.column, c.span.end_column) for c in comments] == [
        ("%% one", 2, 3, 8),
        ("%% two", 3, 11, 16),
        ("%% three", 6, 4, 11),
        ("%%{init: {}}%%", 7, 1, 14),
        ("%%{ }%%", 8, 1, 7),
    ]
    assert [c.trailing for c in comments] == [False, True, False, False, False]


# --------------------------------------------------------------------------------------
# Recovery: one diagnostic per mistake, everything else still modelled
# --------------------------------------------------------------------------------------


FOUR_MISTAKES = """\
architecture-beta
    group cloud(cloud)[Cloud]
    service api(server)[API] in cloud
    api:R -> L:db
    service db(database)[DB] in cloud
    service web(internet)[Web
    junction hub in cloud
    web:B -- T:hub
    service cache(disk) in cloud; service queue
    align row api db
    db:r -- L:cache
    title Four mistakes
"""


def test_four_independent_mistakes_give_exactly_four_diagnostics() -> None:
    document = api.parse(FOUR_MISTAKES)
    found = [(d.code, d.line, d.column) for d in document.diagnostics]
    assert found == [("AD001", 4, 11), ("AD007", 6, 26), ("AD001", 9, 33), ("AD001", 11, 8)]
    assert document.diagram is not None
    assert ids(document.diagram) == ["cloud", "api", "db", "hub"]
    assert [edge_text(e) for e in document.diagram.edges] == ["web:B -- T:hub"]
    assert shape(document.diagram)["alignments"] == [("row", "api", "db")]
    assert document.diagram.title == "Four mistakes"


def test_an_unterminated_acc_descr_block_is_one_mistake() -> None:
    """Its lines are description text, not a cascade of errors; parsing resumes after."""
    document = api.parse(H + "accDescr {\n  first line\n  second line\nservice after\n")
    assert [(d.code, d.line) for d in document.diagnostics] == [("AD007", 2)]
    assert document.diagram is not None and ids(document.diagram) == ["after"]


def test_recovery_after_an_error_at_a_line_end_keeps_the_next_line() -> None:
    document = api.parse(H + "a:R --\n  service b\n")
    assert [(d.line, d.column) for d in document.diagnostics] == [(2, 7)]
    assert document.diagram is not None and ids(document.diagram) == ["b"]


def test_the_garbage_collector_is_on_again_after_a_parse() -> None:
    assert gc.isenabled()
    api.parse(FOUR_MISTAKES)
    assert gc.isenabled()
    gc.disable()
    try:
        api.parse(FOUR_MISTAKES)
        assert not gc.isenabled()  # a caller's choice is left alone
    finally:
        gc.enable()


@pytest.mark.parametrize(
    "text",
    [
        H + 'service a "x' + "\n" * 60_000 + "y\n",  # a runaway string over blank lines
        H + "\n" * 60_000 + "service a b\n",  # an error after many blank lines
        H + "\n  %% c\n\n" * 20_000 + "service a\n",
        H + "title " + "a%b " * 100_000 + "\n",
    ],
)
def test_pathological_texts_parse_in_linear_time(text: str) -> None:
    """Each of these took seconds to minutes with a quadratic pattern; now well under one."""
    started = time.perf_counter()
    api.parse(text)
    assert time.perf_counter() - started < 10


def test_corpus_diagrams_parse_cleanly() -> None:
    corpus = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "mermaid"
    if not corpus.is_dir():
        pytest.skip("the shared Mermaid corpus is not next to the checkout")
    for path in sorted(corpus.glob("*.mmd")):
        text = path.read_text(encoding="utf-8")
        if "architecture-beta" not in text:
            continue  # statement fragments from the docs, no header
        document = api.parse(text)
        assert not any(d.code.startswith("AD00") for d in document.diagnostics), path.name


def test_models_share_their_fields_set_without_leaking_changes() -> None:
    # The builder gives every model of a class one shared fields set (memory); pydantic
    # copies it before a model_copy changes it, so no other model sees the change.
    from archdsl.api import parse as parse_diagram

    diagram = parse_diagram(
        "architecture-beta\n    service a(server)[A]\n    service b(server)[B]\n"
    ).diagram
    assert diagram is not None
    first, second = diagram.services
    before = set(second.model_fields_set)
    changed = first.model_copy(update={"title": None, "extra_note": 1})
    assert "extra_note" in changed.model_fields_set
    assert second.model_fields_set == before == first.model_fields_set


@pytest.mark.parametrize(
    ("directives", "theme", "icon_size"),
    [
        ('%%{init: {"theme": "dark", "architecture": {"iconSize": 60}}}%%', "dark", 60),
        ("%%{init: {'theme': 'forest'}}%%", "forest", 80),  # quotes become "
        ("%%{initialize: {'theme': 'base'}}%%", "base", 80),
        ("%%{init: {theme: dark}}%%", None, 80),  # not JSON: Mermaid ignores it
        # One directive that is not JSON makes Mermaid drop all of them.
        ('%%{init: {"theme": "dark"}}%%\n%%{init: {x}}%%', None, 80),
        ('%%{wrap}%%\n%%{init: {"theme": "neutral"}}%%', "neutral", 80),
    ],
)
def test_init_directives_read_as_mermaid_reads_them(
    directives: str, theme: str | None, icon_size: float
) -> None:
    from archdsl.api import parse as parse_diagram

    diagram = parse_diagram(directives + "\narchitecture-beta\n").diagram
    assert diagram is not None
    assert (diagram.theme, diagram.config.icon_size) == (theme, icon_size)


JAVASCRIPT_BLANKS = frozenset(
    "\t\n\v\f \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
)
"""JavaScript's ``\\s`` (ECMAScript WhiteSpace and LineTerminator), without CR."""


@pytest.mark.parametrize(
    ("spelling", "blanks"),
    [
        (r"(?:[^\S\r\x1c-\x1f\x85]|\ufeff)", JAVASCRIPT_BLANKS),
        (r"(?:[^\S\n\r\x1c-\x1f\x85]|\ufeff)", JAVASCRIPT_BLANKS - {"\n"}),
    ],
)
def test_the_grammars_blank_classes_are_javascripts_blanks(
    spelling: str, blanks: frozenset[str]
) -> None:
    grammar = grammar_path().read_text(encoding="utf-8")
    assert grammar.count(spelling) >= 2
    pattern = re.compile(spelling)
    matched = {chr(c) for c in range(0x110000) if pattern.fullmatch(chr(c))}
    assert matched == blanks
