"""Syntax errors: one clear diagnostic per mistake, on the line where Mermaid fails.

Every case here was checked against the real Mermaid (``scripts/oracle_compare.py``):
Mermaid rejects the text and its first error is on the same line (and, unless noted,
the same column). The messages are archdsl's own: what is wrong and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from archdsl import api
from archdsl.diagnostics import Diagnostic

H = "architecture-beta\n"


def only_diagnostic(text: str) -> Diagnostic:
    document = api.parse(text)
    assert len(document.diagnostics) == 1, [
        (d.code, d.line, d.column, d.message) for d in document.diagnostics
    ]
    return document.diagnostics[0]


@dataclass(frozen=True)
class Mistake:
    source: str
    where: str  # "CODE:line:column"
    message: str  # a fragment of the message
    help: str | None = None  # a fragment of the help, when there must be one


MISTAKES = {
    # The common ones.
    "single arrow": Mistake(
        H + "a:R -> L:b\n", "AD001:2:5", "`->` is not a Mermaid edge", "use `-->`"
    ),  # Mermaid points at the `>`, archdsl underlines all of `->`
    "lowercase left side": Mistake(
        H + "a:r -- L:b\n", "AD001:2:3", "sides are uppercase", "Mermaid rejects lowercase"
    ),
    "lowercase right side": Mistake(
        H + "a:R -- l:b\n", "AD001:2:8", "sides are uppercase", "`a:R -- L:b`"
    ),
    "no sides": Mistake(H + "a -- b\n", "AD001:2:3", "edge ends need a side", "`a:R -- L:b`"),
    "no right side": Mistake(
        H + "a:R -- :b\n", "AD001:2:8", "the right end needs a side before `:`", "`a:R -- L:b`"
    ),
    "no left side": Mistake(
        H + "a: -- L:b\n", "AD001:2:4", "the left end needs a side after `:`", "`a:R -- L:b`"
    ),
    "unterminated title": Mistake(
        H + "service a[Title\n", "AD007:2:10", "unterminated title", "close it with `]`"
    ),
    "unterminated quoted title": Mistake(
        H + 'service a["Title\nservice b\n', "AD007:2:10", "unterminated title", "`]`"
    ),
    "spaces in an icon": Mistake(
        H + "service a(my server)\n", "AD001:2:10", "no spaces", "`(logos:aws-lambda)`"
    ),
    "two statements on a line": Mistake(
        H + "service a service b\n",
        "AD006:2:11",
        "a second statement (`service`)",
        "one statement per line",
    ),
    "semicolon": Mistake(
        H + "service a; service b\n",
        "AD001:2:10",
        "`;` is not a statement separator",
        "its own line",
    ),
    # Edges.
    "three dashes": Mistake(H + "a:R --- L:b\n", "AD001:2:7", "exactly two dashes"),
    "title between double dashes": Mistake(
        H + "a:R --[x]-- L:b\n", "AD001:2:7", "between single dashes", "`a:R -[title]-> L:b`"
    ),
    # Declarations.
    "junction with a title": Mistake(
        H + "junction j[T]\n", "AD001:2:11", "a junction has only an id", "make it a `service`"
    ),
    "group with a text icon": Mistake(
        H + 'group g "x"\n', "AD001:2:9", "a group cannot have a text icon", "`(cloud)`"
    ),
    "title before icon": Mistake(
        H + "service a[T](server)\n", "AD001:2:13", "the icon comes before the title"
    ),
    "in not last": Mistake(H + "service a in g [T]\n", "AD001:2:16", "`in group` must come last"),
    "in without parent": Mistake(
        H + "service a in\n", "AD001:2:13", "`in` needs the id of a group"
    ),
    "no id": Mistake(H + "service\n", "AD001:2:8", "a declaration needs an id"),
    "dot in an id": Mistake(H + "service a.b\n", "AD001:2:10", "ids contain only ASCII letters"),
    "empty title": Mistake(H + "service a[]\n", "AD001:2:10", "`[]` is empty", "`[ ]`"),
    "unterminated text icon": Mistake(H + 'service a "text\n', "AD007:2:11", "unterminated string"),
    "unterminated icon": Mistake(H + "service a(server\n", "AD007:2:10", "unterminated icon"),
    "align without axis": Mistake(H + "align a b\n", "AD001:2:7", "`row` or `column`"),
    "align rowboat": Mistake(H + "align rowboat a b\n", "AD001:2:7", "`row` or `column`"),
    "align without members": Mistake(H + "align row\n", "AD001:2:10", "at least two"),
    # Keywords are words, not prefixes: `inbox` is an id, never `in box`.
    "inbox after a declaration": Mistake(
        H + "service a inbox\n", "AD001:2:11", "unexpected `inbox`"
    ),
    "misspelt keyword": Mistake(
        H + "svc a\n", "AD001:2:1", "`svc` starts no statement", "did you mean `service`?"
    ),
    "accTitle without colon": Mistake(
        H + "accTitle x\n", "AD001:2:10", "`accTitle` needs a colon", "`accTitle: text`"
    ),
    "accDescr without colon or block": Mistake(
        H + "accDescr\n", "AD001:2:9", "`accDescr` needs a colon or a block"
    ),
    "unterminated accDescr block": Mistake(
        H + "accDescr {\n  a\n",
        "AD007:2:1",
        "unterminated `accDescr { ... }` block",
        "end the description with `}`",
    ),  # Mermaid's error is at the end of the `accDescr` line
    "accDescr block is never an id": Mistake(
        H + "a:R -- L:accDescr {group}\n", "AD001:2:10", "unexpected `accDescr {group}`"
    ),
    "control character": Mistake(H + "service a\x07\n", "AD001:2:10", "U+0007"),
    "BOM inside the text": Mistake(H + "service a\ufeff\n", "AD001:2:10", "U+FEFF"),
    # Mermaid's preprocessing joins lines; archdsl says so.
    "odd directive takes the line break": Mistake(
        H + "service a %%{}%%\nservice b\n",
        "AD006:3:1",
        "line 2 ends with `%%{}%%`, which Mermaid skips together with the line break",
        "on a line of its own",
    ),
    "YAML block takes the line break": Mistake(
        H + "service a ---\nb: 1\n---\nservice b\n",
        "AD006:5:1",
        "line 4 ends with a `---` block",
    ),
    "comment lines between do not help": Mistake(
        H + "service a ---\nx: 1\n---\n  %% c\nservice b\n",
        "AD006:6:1",
        "line 4 ends with a `---` block",
    ),
    "directive deletes into the next line": Mistake(
        H + "group g %%{B\nservice s in g\n",
        "AD006:3:9",
        "the `%%{` on line 2 starts a directive",
    ),
    "HTML attribute rewrite breaks a string": Mistake(
        H + 'a:R --<T:b\nservice c "k=" [v"]\nd:R --> L:e\n', "AD007:3:11", "unterminated string"
    ),  # mermaid.parse turns `="` between `<T` and `>` into `='`
    "directive in a title takes the rest": Mistake(
        H + "service a[x %%{init: {y]\n", "AD001:2:10", "starts a directive"
    ),
    "unterminated accDescr then a directive": Mistake(
        H + 'accDescr {\n  x\n%%{init: {"theme": "dark"}}%%\n', "AD007:2:1", "unterminated"
    ),  # the `}` inside the directive does not close the block: Mermaid deleted it
    "string closed only inside a directive": Mistake(
        H + 'service a "x\n%%{init: {"theme": "dark"}}%%\n', "AD007:2:11", "unterminated string"
    ),
    # The header and the front matter.
    "no header": Mistake("service a\n", "AD002:1:1", "missing `architecture-beta` header"),
    "bare architecture": Mistake(
        "architecture\nservice a\n", "AD002:1:1", "`architecture` is not a diagram header"
    ),
    "header with a suffix": Mistake(
        "architecture-beta-x\n", "AD002:1:1", "is not a diagram header"
    ),
    "other diagram kind": Mistake(
        "flowchart LR\nA --> B\n", "AD002:1:1", "starts with `flowchart`"
    ),
    "empty text": Mistake("\n%% nothing\n", "AD002:3:1", "empty diagram"),
    "front matter not closed": Mistake(
        "---\na: 1\n--- architecture-beta\n", "AD002:1:1", "starts with `---`"
    ),
    "front matter is not YAML": Mistake(
        "---\nconfig:\n  theme dark\n  architecture:\n---\narchitecture-beta\n",
        "AD001:4:15",
        "the front matter is not valid YAML",
        "Mermaid refuses",
    ),
    "front matter repeats a key": Mistake(
        "---\nconfig:\n  theme: dark\n  theme: light\n---\narchitecture-beta\n",
        "AD001:4:3",
        "duplicated mapping key",
    ),
}


@pytest.mark.parametrize("name", MISTAKES)
def test_mistake_is_one_clear_diagnostic(name: str) -> None:
    mistake = MISTAKES[name]
    diagnostic = only_diagnostic(mistake.source)
    assert f"{diagnostic.code}:{diagnostic.line}:{diagnostic.column}" == mistake.where
    assert mistake.message in diagnostic.message
    if mistake.help is not None:
        assert diagnostic.help is not None and mistake.help in diagnostic.help


def test_single_arrow_underlines_both_characters() -> None:
    span = only_diagnostic(H + "    api:R -> L:db\n").span
    assert (span.line, span.column, span.end_column) == (2, 11, 12)


def test_unterminated_title_underlines_the_rest_of_the_line() -> None:
    span = only_diagnostic(H + "service a[Title  \n").span
    assert (span.column, span.end_column) == (10, 15)


def test_error_at_a_line_end_is_a_point_on_that_line() -> None:
    span = only_diagnostic(H + "a:R --\n  service b\n").span
    assert (span.line, span.column, span.end_line, span.end_column) == (2, 7, 2, 7)


def test_yaml_error_comes_first_and_the_diagram_is_still_checked() -> None:
    text = "---\na: [\n---\narchitecture-beta\nservice a\nservice b c\n"
    document = api.parse(text)
    assert [(d.code, d.line) for d in document.diagnostics] == [("AD001", 2), ("AD001", 6)]
    assert document.diagram is not None and [s.id for s in document.diagram.services] == ["a"]


def test_yaml_error_is_reported_even_without_a_header() -> None:
    document = api.parse("---\na: [\n---\nflowchart\n")
    assert [d.code for d in document.diagnostics] == ["AD001", "AD002"]


@pytest.mark.parametrize(
    "text",
    [
        H + "service a\u2028b c\n",  # U+2028 is no line break for Mermaid or Lark
        H + "service a[x\x85] b\n",
    ],
)
def test_unicode_line_separators_do_not_shift_lines(text: str) -> None:
    assert only_diagnostic(text).line == 2


def test_end_of_file_error_is_on_the_last_line() -> None:
    diagnostic = only_diagnostic(H + "service a[x\u2028y]\na:R --")
    assert (diagnostic.line, diagnostic.column) == (3, 7)
    assert "unexpected end of file" in diagnostic.message


@pytest.mark.parametrize("preamble", ["", "%% a comment\n", "\n\n", "---\ntitle: t\n---\n"])
@pytest.mark.parametrize(
    ("after", "is_header"),
    [("\n", True), (" \n", True), ("\t%% note\n", True), ("%%x\n", True),
     ("x\n", False), ("-x\n", False), ("_\n", False), ("9\n", False),
     ("é\n", True)],  # JavaScript's \w is ASCII: Mermaid reads the keyword, then trips on é
)  # fmt: skip
def test_the_header_is_the_keyword_followed_by_no_word_character(
    preamble: str, after: str, is_header: bool
) -> None:
    # Files that start with the header take a short path; the others go through the
    # preamble patterns: both must agree on what counts as the header.
    document = api.validate(preamble + "architecture-beta" + after)
    codes = [d.code for d in document.diagnostics]
    assert ("AD002" not in codes) is is_header, codes
    if after == "é\n":
        (error,) = [d for d in document.diagnostics if d.code == "AD001"]
        assert error.span.column == len("architecture-beta") + 1
