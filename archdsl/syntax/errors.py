"""Turns Lark's syntax errors into one clear diagnostic each.

Common mistakes are recognised by example (Lark's ``match_examples``: a
malformed snippet per mistake, matched by parser state) or by the shape of
the offending line; everything else gets "unexpected X, expected Y" in words.
Codes: AD001 syntax, AD006 two statements on a line, AD007 unterminated title,
icon or string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from archdsl.diagnostics import (
    SYNTAX_ERROR,
    TWO_STATEMENTS,
    UNTERMINATED,
    Diagnostic,
    Severity,
    Span,
)

# What each terminal is, in words, for "expected ..." lists.
TERMINAL_WORDS = {
    "ID": "an id",
    "ICON": "an icon such as `(server)`",
    "LABEL": "a title such as `[Title]`",
    "STRING": 'a text icon such as `"text"`',
    "SIDE": "a side (`L`, `R`, `T` or `B`)",
    "ARROW_LEFT": "`<`",
    "ARROW_RIGHT": "`>`",
    "GROUP_MODIFIER": "`{group}`",
    "_COLON": "`:`",
    "_DOUBLE_DASH": "`--`",
    "_DASH": "`-`",
    "_NL": "the end of the line",
    "$END": "the end of the file",
    "IN": "`in`",
    "ROW": "`row`",
    "COLUMN": "`column`",
    "HEADER": "`architecture-beta`",
    "GROUP": "`group`",
    "SERVICE": "`service`",
    "JUNCTION": "`junction`",
    "ALIGN": "`align`",
    "TITLE": "`title`",
    "ACC_TITLE": "`accTitle:`",
    "ACC_DESCR": "`accDescr`",
}
STATEMENT_STARTS = {"GROUP", "SERVICE", "JUNCTION", "ALIGN", "TITLE", "ACC_TITLE", "ACC_DESCR"}
EDGE_FORM = "an edge is written `a:R -- L:b` (arrows: `-->`, `<--`, `<-->`; title: `-[label]-`)"

# Labelled malformed examples for Lark's match_examples; the label is the key
# into MISTAKES. Each example is a whole (small) diagram.
EXAMPLES: dict[str, list[str]] = {
    "single-arrow": ["architecture-beta\na:R -> L:b\n", "architecture-beta\na:R ->L:b\n"],
    "missing-side": [
        "architecture-beta\na -- b\n",
        "architecture-beta\na --> b\n",
        "architecture-beta\na:R -- b\n",
        "architecture-beta\na:R -- :b\n",
    ],
    "lowercase-side": ["architecture-beta\na:r -- L:b\n", "architecture-beta\na:R -- l:b\n"],
    "triple-dash": ["architecture-beta\na:R --- L:b\n", "architecture-beta\na:R ---> L:b\n"],
    "junction-extra": ["architecture-beta\njunction j[Title]\n", "architecture-beta\njunction j(server)\n"],
    "group-text-icon": ['architecture-beta\ngroup g "text"\n'],
    "title-before-icon": ["architecture-beta\nservice a[Title](server)\n"],
    "in-not-last": ["architecture-beta\nservice a in g [Title]\n", "architecture-beta\nservice a in g(server)\n"],
    "missing-parent": ["architecture-beta\nservice a in\n", "architecture-beta\ngroup g in\n"],
    "align-axis": ["architecture-beta\nalign a b\n", "architecture-beta\nalign horizontal a b\n"],
    "align-members": ["architecture-beta\nalign row a\n", "architecture-beta\nalign row\n"],
    "missing-id": ["architecture-beta\nservice\n", "architecture-beta\ngroup (cloud)\n"],
}

MISTAKES: dict[str, tuple[str, str]] = {
    "single-arrow": ("`->` is not a Mermaid edge", "use `-->` (or `--`, `<--`, `<-->`)"),
    "missing-side": (
        "edge ends need a side: `id:SIDE` on the left, `SIDE:id` on the right",
        EDGE_FORM,
    ),
    "lowercase-side": (
        "sides are uppercase: `L`, `R`, `T` or `B`",
        "write e.g. `a:R -- L:b`; Mermaid rejects lowercase sides",
    ),
    "triple-dash": ("an edge has exactly two dashes", EDGE_FORM),
    "junction-extra": (
        "a junction has only an id and an optional `in group`",
        "remove the icon or title, or make it a `service`",
    ),
    "group-text-icon": (
        "a group cannot have a text icon",
        "use an icon such as `(cloud)` or remove the text",
    ),
    "title-before-icon": (
        "the icon comes before the title",
        "write `service id(icon)[Title] in group`",
    ),
    "in-not-last": (
        "`in group` must come last",
        "write `service id(icon)[Title] in group`",
    ),
    "missing-parent": ("`in` needs the id of a group", "write `in group_id` or remove `in`"),
    "align-axis": ("`align` needs `row` or `column`", "write `align row a b` or `align column a b`"),
    "align-members": (
        "`align` needs at least two services or junctions",
        "write `align row a b`",
    ),
    "missing-id": ("a declaration needs an id", "write e.g. `service api(server)[API]`"),
}


def _words(names: Iterable[str]) -> str:
    words = sorted({TERMINAL_WORDS.get(name, f"`{name}`") for name in names})
    if not words:
        return "something else"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _line_of(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


@cache
def _example_parser() -> object:
    from archdsl.syntax.loader import build_parser

    return build_parser()


def _match_example(source_line: str) -> str | None:
    """The label of the example whose parser state matches the failing line.

    The line is re-parsed on its own, after a bare header, so that its parser
    state does not depend on how many statements came before it.
    """
    parse = _example_parser().parse  # type: ignore[attr-defined]
    try:
        parse(f"architecture-beta\n{source_line}\n")
    except UnexpectedInput as error:
        try:
            label = error.match_examples(parse, EXAMPLES, use_accepts=True)
        except Exception:  # a malformed example must never hide the real error
            return None
        return label if isinstance(label, str) else None
    return None


def _diag(code: str, message: str, span: Span, help: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, span, help=help)


def explain(error: UnexpectedInput, text: str) -> Diagnostic:
    """The diagnostic for one Lark error, positioned on the offending token."""
    if isinstance(error, UnexpectedCharacters):
        return _explain_characters(error, text)
    if isinstance(error, UnexpectedToken):
        return _explain_token(error, text)
    line, column = max(error.line, 1), max(error.column, 1)
    return _diag(SYNTAX_ERROR, "syntax error", Span.point(line, column))


def _explain_characters(error: UnexpectedCharacters, text: str) -> Diagnostic:
    line, column = error.line, error.column
    source_line = _line_of(text, line)
    rest = source_line[column - 1 :]
    char = error.char
    span = Span.point(line, column)
    closers = {"[": "]", "(": ")", '"': '"', "'": "'", "{": "}"}
    if char in closers and closers[char] not in rest[1:]:
        what = {"[": "title", "(": "icon", '"': "string", "'": "string", "{": "block"}[char]
        return _diag(
            UNTERMINATED,
            f"unterminated {what}: `{char}` has no closing `{closers[char]}` on this line",
            Span(line, column, line, column + len(rest.rstrip()) - 1),
            help=f"close it with `{closers[char]}`",
        )
    if char == "(":
        return _diag(
            SYNTAX_ERROR,
            "invalid icon: icon names contain only letters, digits, `_`, `-` and `:` (no spaces)",
            span,
            help="write e.g. `(logos:aws-lambda)` or `(server)`",
        )
    if char == "[":
        return _diag(
            SYNTAX_ERROR,
            "invalid title: `[]` is empty or contains a bracket",
            span,
            help='write `[Title]`, `[ ]` for an empty title, or quote it: `["a [b]"]`',
        )
    if char == ";":
        return _diag(
            SYNTAX_ERROR,
            "`;` is not a statement separator in Mermaid",
            span,
            help="put each statement on its own line",
        )
    if char == "\x00" or not char.isprintable() and char not in "\t":
        return _diag(
            SYNTAX_ERROR,
            f"unexpected control character U+{ord(char):04X}",
            span,
            help="remove it; diagrams are plain text",
        )
    if re.match(r"[A-Za-z0-9_-]", source_line[column - 2 : column - 1] or "") and not char.isspace():
        return _diag(
            SYNTAX_ERROR,
            f"unexpected character `{char}` in an id: ids contain only ASCII letters, "
            "digits, `_` and inner `-`",
            span,
            help="rename the id (use the title `[...]` for free text)",
        )
    return _diag(
        SYNTAX_ERROR,
        f"unexpected character `{char}`; expected {_words(error.allowed or ())}",
        span,
    )


def _token_span(token: object, line: int, column: int) -> Span:
    end_line = getattr(token, "end_line", None) or line
    end_column = getattr(token, "end_column", None) or column + 1
    return Span(line, column, end_line, max(column, end_column - 1))


def _explain_token(error: UnexpectedToken, text: str) -> Diagnostic:
    token = error.token
    expected = set(error.accepts or error.expected or ())
    if token.type == "$END":
        lines = text.splitlines() or [""]
        line = len(lines)
        column = len(lines[-1]) + 1
        return _diag(
            SYNTAX_ERROR,
            f"unexpected end of file; expected {_words(expected)}",
            Span.point(line, column),
        )
    line, column = token.line or 1, token.column or 1
    span = _token_span(token, line, column)
    shown = str(token).replace("\n", "\\n").replace("\r", "\\r")
    if token.type in STATEMENT_STARTS and "_NL" in expected:
        return _diag(
            TWO_STATEMENTS,
            f"a second statement (`{shown}`) on the same line",
            span,
            help="Mermaid allows one statement per line: move it to a line of its own",
        )
    label = _match_example(_line_of(text, line))
    if label is not None:
        message, help_text = MISTAKES[label]
        return _diag(SYNTAX_ERROR, message, span, help=help_text)
    found = "the end of the line" if token.type == "_NL" else f"`{shown}`"
    return _diag(SYNTAX_ERROR, f"unexpected {found}; expected {_words(expected)}", span)
