"""Turns Lark's syntax errors into one clear diagnostic each.

Common mistakes are recognised by example (Lark's ``match_examples``: a
malformed snippet per mistake, matched by parser state) or by the shape of
the offending line; everything else gets "unexpected X, expected Y" in words.
Where Mermaid's own preprocessing joins two lines (a ``%%{...}%%`` or ``---``
block that takes the line break after it), the message says so. Positions are
those where Mermaid fails too (``scripts/oracle_compare.py`` checks the line).
Codes: AD001 syntax, AD006 two statements on a line, AD007 unterminated title,
icon, string or ``accDescr`` block. :func:`resume_after` tells the parser where
the mistake ends, so that parsing resumes without a cascade.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import NamedTuple

from lark import Token
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
    "LPORT": "`:` and a side (`:R`)",
    "RPORT": "a side and `:` (`L:`)",
    # The fused forms read like their parts, so that the lists do not repeat.
    "LHS": "an id",
    "RHS": "a side and `:` (`L:`)",
    "PARENT": "`in`",
    "LINK": "`--` (or `-->`, `<--`, `<-->`)",
    "ARROW": "an arrowhead (`<` or `>`)",
    "GROUP_MODIFIER": "`{group}`",
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
    "title-dashes": [
        "architecture-beta\na:R --[x]-- L:b\n",
        "architecture-beta\na:R -[x]-- L:b\n",
    ],
    "junction-extra": [
        "architecture-beta\njunction j[Title]\n",
        "architecture-beta\njunction j(server)\n",
    ],
    "group-text-icon": ['architecture-beta\ngroup g "text"\n'],
    "title-before-icon": ["architecture-beta\nservice a[Title](server)\n"],
    "in-not-last": [
        "architecture-beta\nservice a in g [Title]\n",
        "architecture-beta\nservice a in g(server)\n",
    ],
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
    "title-dashes": (
        "an edge title goes between single dashes: `-[title]-`",
        "write e.g. `a:R -[title]-> L:b`",
    ),
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
    "align-axis": (
        "`align` needs `row` or `column`",
        "write `align row a b` or `align column a b`",
    ),
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
    # Not splitlines(): it also breaks at U+2028, U+0085 and others, which Lark and
    # Mermaid count as ordinary characters.
    lines = text.split("\n")
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


class _At(NamedTuple):
    """Where a lexer error happened: the offending character and the rest of its line."""

    line: int
    column: int
    char: str
    source_line: str
    text: str
    allowed: frozenset[str]

    @property
    def rest(self) -> str:
        return self.source_line[self.column - 1 :]

    @property
    def span(self) -> Span:
        return Span.point(self.line, self.column)


_CLOSERS = {"[": "]", "(": ")", '"': '"', "'": "'", "{": "}"}
_WHAT = {"[": "title", "(": "icon", '"': "string", "'": "string", "{": "block"}


def _unterminated(at: _At) -> Diagnostic | None:
    closer = _CLOSERS.get(at.char)
    if closer is None or closer in at.rest[1:]:
        return None
    return _diag(
        UNTERMINATED,
        f"unterminated {_WHAT[at.char]}: `{at.char}` has no closing `{closer}` on this line",
        Span(at.line, at.column, at.line, at.column + len(at.rest.rstrip()) - 1),
        help=f"close it with `{closer}`",
    )


def _unterminated_acc_descr(at: _At) -> Diagnostic | None:
    # `accDescr {` that never closes: no token matches here at all.
    if not at.rest.startswith("accDescr"):
        return None
    return _diag(
        UNTERMINATED,
        "unterminated `accDescr { ... }` block: no closing `}`",
        Span(at.line, at.column, at.line, at.column + len("accDescr") - 1),
        help="end the description with `}` (or use the one-line form `accDescr: text`)",
    )


def _invalid_icon(at: _At) -> Diagnostic | None:
    if at.char != "(":
        return None
    return _diag(
        SYNTAX_ERROR,
        "invalid icon: icon names contain only letters, digits, `_`, `-` and `:` (no spaces)",
        at.span,
        help="write e.g. `(logos:aws-lambda)` or `(server)`",
    )


def _invalid_title(at: _At) -> Diagnostic | None:
    if at.char != "[":
        return None
    if "%%{" in at.rest:
        return _diag(
            SYNTAX_ERROR,
            "the `%%{` in this title starts a directive, which Mermaid deletes before "
            "parsing (up to its `}%%`, or to the end of the text)",
            at.span,
            help="write `%` and `{` apart, or quote the title differently",
        )
    return _diag(
        SYNTAX_ERROR,
        "invalid title: `[]` is empty or contains a bracket",
        at.span,
        help='write `[Title]`, `[ ]` for an empty title, or quote it: `["a [b]"]`',
    )


def _semicolon(at: _At) -> Diagnostic | None:
    if at.char != ";":
        return None
    return _diag(
        SYNTAX_ERROR,
        "`;` is not a statement separator in Mermaid",
        at.span,
        help="put each statement on its own line",
    )


def _control(at: _At) -> Diagnostic | None:
    if at.char.isprintable() or at.char == "\t":
        return None
    return _diag(
        SYNTAX_ERROR,
        f"unexpected control character U+{ord(at.char):04X}",
        at.span,
        help="remove it; diagrams are plain text",
    )


def _inside_id(at: _At) -> Diagnostic | None:
    before = at.source_line[at.column - 2 : at.column - 1]
    if not re.match(r"[A-Za-z0-9_-]", before) or at.char.isspace():
        return None
    return _diag(
        SYNTAX_ERROR,
        f"unexpected character `{at.char}` in an id: ids contain only ASCII letters, "
        "digits, `_` and inner `-`",
        at.span,
        help="rename the id (use the title `[...]` for free text)",
    )


_PORT = re.compile(r":([\t ]*)([^\t ]?)")


def _bad_port(at: _At) -> Diagnostic | None:
    """`a:r -- L:b`, `a: -- L:b`, `a:R -- :b`: the side next to a `:` is wrong or missing."""
    if at.char != ":" or not at.allowed & {"LPORT", "RPORT"}:
        return None
    if "RPORT" in at.allowed:
        return _diag(
            SYNTAX_ERROR,
            "the right end needs a side before `:`: `L:b`",
            at.span,
            help=EDGE_FORM,
        )
    match = _PORT.match(at.rest)
    assert match is not None
    column = at.column + 1 + len(match.group(1))
    span = Span.point(at.line, column)
    if match.group(2) in ("l", "r", "t", "b"):
        message, help_text = MISTAKES["lowercase-side"]
        return _diag(SYNTAX_ERROR, message, span, help=help_text)
    return _diag(
        SYNTAX_ERROR,
        "the left end needs a side after `:`: `L`, `R`, `T` or `B`",
        span,
        help=EDGE_FORM,
    )


_CHARACTER_CHECKS = (
    _bad_port,
    _unterminated,
    _unterminated_acc_descr,
    _invalid_icon,
    _invalid_title,
    _semicolon,
    _control,
    _inside_id,
)


def _explain_characters(error: UnexpectedCharacters, text: str) -> Diagnostic:
    at = _At(
        error.line,
        error.column,
        error.char,
        _line_of(text, error.line),
        text,
        frozenset(error.allowed or ()),
    )
    for check in _CHARACTER_CHECKS:
        found = check(at)
        if found is not None:
            return found
    return _diag(
        SYNTAX_ERROR,
        f"unexpected character `{at.char}`; expected {_words(error.allowed or ())}",
        at.span,
    )


def _token_span(token: Token) -> Span:
    """Where the token is, without the blanks some tokens take along (`\tin `, `--> `)."""
    text = str(token)
    line, column = token.line or 1, token.column or 1
    if "\n" in text:
        return _multi_line_span(text, line, column)
    end_column = (token.end_column or column + 1) - 1
    column += len(text) - len(text.lstrip(" \t"))
    end_column -= len(text) - len(text.rstrip(" \t"))
    return Span(line, column, line, max(column, end_column))


def _multi_line_span(text: str, line: int, column: int) -> Span:
    """A token over several lines ends on its last character, not on the line break
    after it (where the lexer's end position points)."""
    body = text.rstrip("\n") or text[:1]
    breaks = body.count("\n")
    if breaks == 0:
        return Span(line, column, line, column + len(body) - 1)
    return Span(line, column, line + breaks, max(1, len(body) - body.rfind("\n") - 1))


def _break_swallower(line: str) -> str | None:
    """The token at the end of ``line`` that Mermaid skips together with the line break
    after it: a ``---`` line or a ``%%{...}%%`` directive (from its first ``%%{``)."""
    content = line.rstrip("\t ")
    if content == "---":
        return "---"
    opened = content.find("%%{")
    if opened >= 0 and content.endswith("}%%") and len(content) - opened >= len("%%{}%%"):
        return content[opened:]
    return None


def _explain_token(error: UnexpectedToken, text: str) -> Diagnostic:
    token = error.token
    expected = set(error.accepts or error.expected or ())
    if token.type == "$END":
        lines = text.split("\n")
        return _diag(
            SYNTAX_ERROR,
            f"unexpected end of file; expected {_words(expected)}",
            Span.point(len(lines), len(lines[-1]) + 1),
        )
    span = Span.point(token.line or 1, token.column or 1)
    if token.type != "_NL":
        span = _token_span(token)
    line, column = span.line, span.column
    shown = str(token).strip(" \t").replace("\n", "\\n").replace("\r", "\\r")
    swallowed = _swallowed_break(text, line, column)
    if swallowed is not None and "_NL" in expected:
        return _diag(TWO_STATEMENTS, swallowed, span, help=_SWALLOW_HELP)
    if token.type in STATEMENT_STARTS and "_NL" in expected:
        return _diag(
            TWO_STATEMENTS,
            f"a second statement (`{shown}`) on the same line",
            span,
            help="Mermaid allows one statement per line: move it to a line of its own",
        )
    source_line = _line_of(text, line)
    keyword = _accessibility_keyword(source_line)
    if keyword is not None:
        message, help_text = ACCESSIBILITY_FORMS[keyword]
        return _diag(SYNTAX_ERROR, message, span, help=help_text)
    unknown = _unknown_keyword(source_line, token)
    if unknown is not None:
        start, end = unknown[2]
        return _diag(SYNTAX_ERROR, unknown[0], Span(line, start, line, end), help=unknown[1])
    label = _match_example(source_line)
    if label is not None:
        message, help_text = MISTAKES[label]
        if label == "single-arrow" and source_line[column - 2 : column - 1] == "-":
            span = Span(line, column - 1, span.end_line, span.end_column)  # all of `->`
        return _diag(SYNTAX_ERROR, message, span, help=help_text)
    found = "the end of the line" if token.type == "_NL" else f"`{shown}`"
    return _diag(SYNTAX_ERROR, f"unexpected {found}; expected {_words(expected)}", span)


_SWALLOW_HELP = "put it on a line of its own with nothing after it, or remove it"


def _swallowed_break(text: str, line: int, column: int) -> str | None:
    """Why a statement at the start of ``line`` counts as part of an earlier line.

    Mermaid skips an odd ``%%{...}%%`` or a ``---`` block together with the line
    break after it, deletes a directive up to its ``}%%`` (line breaks included), and
    deletes whole-line comments with their line breaks, so the lines join.
    """
    if line < 2:
        return None
    lines = text.split("\n")  # once: the walk below may pass many lines
    earlier = line - 1
    while earlier > 1 and _COMMENT_OR_BLANK.match(lines[earlier - 1]):
        earlier -= 1
    previous = lines[earlier - 1]
    opened = previous.rfind("%%{")
    if opened >= 0 and "}%%" not in previous[opened:]:
        return (
            f"the `%%{{` on line {earlier} starts a directive, which Mermaid deletes up to "
            f"its `}}%%`, line breaks included: what is left of this line joins line {earlier}"
        )
    if lines[line - 1][: column - 1].strip():
        return None
    swallower = _break_swallower(previous)
    if swallower is None:
        return None
    what = "a `---` block" if swallower == "---" else f"`{swallower}`"
    return (
        f"line {earlier} ends with {what}, which Mermaid skips together with the line "
        f"break after it: this line continues line {earlier} as a second statement"
    )


_COMMENT_OR_BLANK = re.compile(r"[\t ]*(?:%%(?!\{).*)?$")


# `accTitle` / `accDescr` that did not lex as such: the line starts with the word.
ACCESSIBILITY_FORMS = {
    "accTitle": ("`accTitle` needs a colon: `accTitle: text`", "write `accTitle: text`"),
    "accDescr": (
        "`accDescr` needs a colon or a block: `accDescr: text` or `accDescr { ... }`",
        "write `accDescr: text` or `accDescr {` … `}`",
    ),
}


STATEMENT_KEYWORDS = ("group", "service", "junction", "align", "title", "accTitle", "accDescr")
_TWO_WORDS = re.compile(r"[\t ]*([A-Za-z0-9_][A-Za-z0-9_-]*)[\t ]+[A-Za-z0-9_]")


def _unknown_keyword(
    source_line: str, token: object
) -> tuple[str, str | None, tuple[int, int]] | None:
    """``svc a``: the line starts with a word that is neither a keyword nor an edge.

    The message, a hint, and the first and last column of that first word.
    """
    match = _TWO_WORDS.match(source_line)
    if match is None or getattr(token, "column", 0) != match.end():
        return None
    word = match.group(1)
    if word in STATEMENT_KEYWORDS:
        return None
    import difflib  # only for a misspelt keyword

    close = difflib.get_close_matches(word, STATEMENT_KEYWORDS, n=1)
    hint = f"did you mean `{close[0]}`?" if close else None
    start = match.start(1) + 1
    return (
        f"`{word}` starts no statement: a line is `group`, `service`, `junction`, `align`, "
        "`title`, `accTitle`, `accDescr` or an edge such as `a:R -- L:b`",
        hint,
        (start, start + len(word) - 1),
    )


def _accessibility_keyword(source_line: str) -> str | None:
    word = source_line.lstrip(" \t").split(maxsplit=1)[0] if source_line.strip() else ""
    return word if word in ACCESSIBILITY_FORMS else None


# A line that plainly starts a statement: where an unterminated block most likely ends.
_STATEMENT_LINE = re.compile(
    r"[\t ]*(?:(?:group|service|junction|align|title|accTitle|accDescr)\b"
    r"|[A-Za-z0-9_][A-Za-z0-9_-]*[\t ]*(?:\{group\}[\t ]*)?:[\t ]*[LRTB]\b)"
)


def resume_after(error: UnexpectedInput, text: str) -> int:
    """The last line that belongs to this mistake; parsing resumes on the next one.

    Usually the line of the offending token (its last line if it spans lines). An
    `accDescr {` without `}` takes the lines up to the next one that starts a
    statement, which are its text: otherwise every one of them would be an error.
    """
    token = getattr(error, "token", None)
    line = error.line if error.line and error.line > 0 else 1
    end_line = getattr(token, "end_line", None) if token is not None else None
    if getattr(token, "type", None) == "_NL":
        end_line = line  # a line break token ends on the next line
    last = max(line, end_line or 0)
    if isinstance(error, UnexpectedCharacters) and _line_of(text, line)[
        error.column - 1 :
    ].startswith("accDescr"):
        lines = text.split("\n")
        while last < len(lines) and not _STATEMENT_LINE.match(lines[last]):
            last += 1
    return last
