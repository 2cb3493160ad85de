"""Builds the model while Lark parses (an inline LALR transformer).

Each statement callback appends a finished model element to the builder, so
when the parser stops at a syntax error everything before it is kept and the
parse can resume at the next line (see :mod:`archdsl.syntax.parser`).

Values are converted exactly as Mermaid's value converters do (checked against
the real Mermaid by ``scripts/oracle_compare.py``):

* ``[title]``: brackets dropped, JavaScript-trimmed; if the rest starts and ends
  with the same quote, the quotes are dropped, ``\\"`` and ``\\'`` unescaped and
  the result trimmed again (so ``[ "x" ]`` is ``x`` and ``["a"b"]`` is ``a"b``).
  Other backslashes stay.
* text icon ``"text"``: Langium's string converter: quotes dropped, ``\\n``,
  ``\\t``, ``\\r``, ``\\b``, ``\\f``, ``\\v``, ``\\0`` decoded, any other
  ``\\c`` becomes ``c``; no trimming.
* ``title``, ``accTitle:``, ``accDescr:``: trimmed, runs of two or more blanks
  become one space.
* ``accDescr { ... }``: each line trimmed, blank lines dropped, runs of blanks
  collapsed.
* every value loses the ``%%{...}%%`` directives and the whole-line ``%%``
  comments inside it, which ``mermaid.parse`` deletes before lexing.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, TypeVar

from lark import Token, Transformer
from pydantic import BaseModel

from archdsl.diagnostics import Span
from archdsl.model import (
    AccDescr,
    AccTitle,
    Align,
    Comment,
    Edge,
    EdgeEnd,
    Group,
    Junction,
    QuoteStyle,
    Service,
    Statement,
    Title,
    TitleStatement,
)

# JavaScript's whitespace (``\s`` and ``String.prototype.trim``); Python's differs
# (it has U+001C..U+001F and U+0085, lacks U+FEFF).
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_JS_CLASS = "[" + re.escape(JS_WHITESPACE) + "]"
_LINE_START = r"(?<![^\n\r\u2028\u2029])"  # JavaScript's ^ with the m flag

_LINE_BREAK_CHARS = "\n\r\u2028\u2029"  # where JavaScript's ^ and $ match with the m flag
# A comment's start, as in mermaid.parse's cleanupComments (/^\s*%%(?!{)[^\n]+\n?/gm);
# the rest of that regex is done by _strip_comment_lines without its backtracking.
_COMMENT_START = re.compile(r"%%(?=[^\n{])")
_BLANK_RUN = re.compile(r"[\t ]{2,}")
_LEADING_BLANKS = re.compile(_LINE_START + _JS_CLASS + "*")
_WHITESPACE_RUN = re.compile(_JS_CLASS + "+")
_LINE_BREAKS = re.compile(r"[\n\r]{2,}")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "0": "\0"}
_ACC_TITLE = re.compile(r"accTitle[\t ]*:([^\n\r]*)")
_ACC_DESCR = re.compile(r"accDescr(?:[\t ]*:([^\n\r]*)|" + _JS_CLASS + r"*\{([^}]*)\})")


def js_trim(text: str) -> str:
    """JavaScript's ``trim()``."""
    return text.strip(JS_WHITESPACE)


@cache
def _directive() -> re.Pattern[str]:
    """The grammar's own DIRECTIVE pattern (a port of Mermaid's directiveRegex)."""
    from archdsl.syntax.loader import tree_parser

    return re.compile(tree_parser().get_terminal("DIRECTIVE").pattern.to_regexp())


def _mermaid_text(raw: str) -> str:
    """A token's text as Mermaid's lexer sees it.

    mermaid.parse first deletes ``%%{word...}%%`` directives, then whole-line
    comments, everywhere in the text: inside titles and blocks too.
    """
    if "%%" not in raw:
        return raw
    if "%%{" in raw:
        raw = _directive().sub("", raw)
    return _strip_comment_lines(raw) if "\n" in raw else raw


def _strip_comment_lines(text: str) -> str:
    """``text.replace(/^\\s*%%(?!{)[^\n]+\n?/gm, "")`` in linear time.

    The regex itself, run by a backtracking engine, tries every line start of a long
    blank run again (quadratic). Here each ``%%`` looks back once over the blanks before
    it: a match begins at the first line start among them and ends after its line break.
    """
    kept: list[str] = []
    done = 0  # everything before this index is decided
    for found in _COMMENT_START.finditer(text):
        start = found.start()
        if start < done:
            continue
        begin = _first_line_start_before(text, start, done)
        if begin is None:
            continue
        line_end = text.find("\n", start)
        end = len(text) if line_end < 0 else line_end + 1
        kept.append(text[done:begin])
        done = end
    kept.append(text[done:])
    return "".join(kept)


def _first_line_start_before(text: str, index: int, floor: int) -> int | None:
    """The first line start in the run of whitespace that ends at ``index`` (not before
    ``floor``), or ``None`` when the run holds none."""
    run_start = index
    while run_start > floor and text[run_start - 1] in JS_WHITESPACE:
        run_start -= 1
    if run_start == 0 or text[run_start - 1] in _LINE_BREAK_CHARS:
        return run_start
    breaks = [text.find(c, run_start, index) for c in _LINE_BREAK_CHARS]
    first_break = min((b for b in breaks if b >= 0), default=-1)
    return first_break + 1 if first_break >= 0 else None


def _strip_trailing_blanks(text: str) -> str:
    r"""``text.replace(/\s+$/gm, "")`` in linear time.

    A whitespace run followed by the end loses everything; one followed by more text
    keeps its last line break and what comes after it (that is where ``\s+$`` stops).
    """

    def trim(run: re.Match[str]) -> str:
        blanks = run.group()
        if run.end() == len(text):
            return ""
        last_break = max(blanks.rfind(c) for c in _LINE_BREAK_CHARS)
        return blanks[max(last_break, 0) :]

    return _WHITESPACE_RUN.sub(trim, text)


def _collapse(text: str) -> str:
    """Mermaid's common converter for one-line values: trim, squeeze blank runs."""
    return _BLANK_RUN.sub(" ", js_trim(text))


def label_value(raw: str) -> Title:
    """``[ Title ]`` → ``Title``; ``["a \\" b"]`` → ``a " b`` (quote style kept)."""
    inner = js_trim(_mermaid_text(raw)[1:-1])
    quote: QuoteStyle | None = '"' if inner[:1] == '"' else "'" if inner[:1] == "'" else None
    if quote is not None and inner.endswith(quote):
        text = inner[1:-1].replace('\\"', '"').replace("\\'", "'")
        return build(Title, {"text": js_trim(text), "quote": quote})
    return build(Title, {"text": inner, "quote": None})


def string_value(raw: str) -> str:
    """A text icon ``"a\\tb"`` → ``a<TAB>b`` (Langium's string converter)."""
    body = _mermaid_text(raw)[1:-1]
    if "\\" not in body:
        return body
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def icon_value(raw: str) -> str:
    return raw[1:-1]


def title_value(raw: str) -> str:
    """``title  a   b`` → ``a b``."""
    return _collapse(_mermaid_text(raw)[len("title") :])


def acc_title_value(raw: str) -> str:
    match = _ACC_TITLE.match(_mermaid_text(raw))
    return _collapse(match.group(1)) if match else ""


def acc_descr_value(raw: str) -> tuple[str, bool]:
    """The text of ``accDescr: x`` or ``accDescr { ... }`` and whether it was a block."""
    match = _ACC_DESCR.match(_mermaid_text(raw))
    if match is None:
        return "", False
    if match.group(2) is None:
        return _collapse(match.group(1)), False
    text = _LEADING_BLANKS.sub("", match.group(2))
    text = _strip_trailing_blanks(text)
    return _LINE_BREAKS.sub("\n", _BLANK_RUN.sub(" ", text)), True


def token_span(first: Token, last: Token | None = None) -> Span:
    """The inclusive 1-based span from ``first`` to ``last`` (default: ``first``)."""
    # Tokens from the lexer always carry positions; this runs for every token kept.
    if last is None:
        last = first
    return Span(first.line, first.column, last.end_line, last.end_column - 1)  # type: ignore[arg-type, operator]


M = TypeVar("M", bound=BaseModel)
_FIELDS: dict[type[BaseModel], set[str]] = {}


def build(cls: type[M], values: dict[str, Any]) -> M:
    """``cls.model_construct(**values)`` for trusted values that name every field.

    ``model_construct`` looks up aliases and defaults field by field; the builder
    always passes every field, so setting the instance dict directly gives the same
    object four times faster (a 25,000-line diagram builds about 70,000 of them).
    """
    instance = cls.__new__(cls)
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = set(cls.model_fields)
    object.__setattr__(instance, "__dict__", values)
    # One set per class, shared: the models are frozen, and pydantic copies the set
    # before changing it (``model_copy``), so no instance ever changes it. A set per
    # instance cost ~0.5 KB each: a third of the model's memory on 50,000 services.
    object.__setattr__(instance, "__pydantic_fields_set__", fields)
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance


class ModelBuilder(Transformer[Token, None]):
    """Collects statements and comments of one parse; reset with :meth:`reset`."""

    def __init__(self) -> None:
        super().__init__(visit_tokens=False)
        self.statements: list[Statement] = []
        self.comments: list[Comment] = []
        self.header: Token | None = None

    def reset(self) -> None:
        self.statements = []
        self.comments = []
        self.header = None

    # Lexer callback: comments and directives are ignored tokens we still keep.
    def on_comment(self, token: Token) -> Token:
        raw = str(token)
        # A whole-line comment token also holds the blank lines before it and the line
        # break after it (Mermaid deletes them together), an odd directive the break, and
        # an unclosed directive the rest of the file: blanks at either end mean nothing.
        text = raw.strip(JS_WHITESPACE)
        if len(text) == len(raw):
            span = token_span(token)
        else:
            span = _sub_span(token, raw.index(text), text)
        self.comments.append(Comment.model_construct(text=text, span=span))
        return token

    def start(self, children: list[Any]) -> None:
        header = children[0] if children else None
        if isinstance(header, Token) and header.type == "HEADER":
            self.header = header

    def group(self, children: list[Any]) -> None:
        keyword, ident, icon, label, *in_part = children
        id_span = token_span(ident)
        parent, parent_span, last = _parent(in_part)
        last = last or label or icon or ident
        self.statements.append(
            build(
                Group,
                {
                    "id": str(ident),
                    "parent": parent,
                    "span": token_span(keyword, last),
                    "id_span": id_span,
                    "parent_span": parent_span or id_span,
                    "kind": "group",
                    "icon": icon_value(icon) if icon else None,
                    "title": label_value(label) if label else None,
                    "icon_span": token_span(icon) if icon else id_span,
                    "title_span": token_span(label) if label else id_span,
                },
            )
        )

    def service(self, children: list[Any]) -> None:
        keyword, ident, icon, label, *in_part = children
        is_text = icon is not None and icon.type == "STRING"
        id_span = token_span(ident)
        parent, parent_span, last = _parent(in_part)
        last = last or label or icon or ident
        self.statements.append(
            build(
                Service,
                {
                    "id": str(ident),
                    "parent": parent,
                    "span": token_span(keyword, last),
                    "id_span": id_span,
                    "parent_span": parent_span or id_span,
                    "kind": "service",
                    "icon": icon_value(icon) if icon and not is_text else None,
                    "icon_text": string_value(icon) if is_text else None,
                    "title": label_value(label) if label else None,
                    "icon_span": token_span(icon) if icon else id_span,
                    "title_span": token_span(label) if label else id_span,
                },
            )
        )

    def junction(self, children: list[Any]) -> None:
        keyword, ident, *in_part = children
        id_span = token_span(ident)
        parent, parent_span, last = _parent(in_part)
        self.statements.append(
            build(
                Junction,
                {
                    "id": str(ident),
                    "parent": parent,
                    "span": token_span(keyword, last or ident),
                    "id_span": id_span,
                    "parent_span": parent_span or id_span,
                    "kind": "junction",
                },
            )
        )

    def edge(self, children: list[Any]) -> None:
        # (LHS | ID [{group}] LPORT) (LINK | [ARROW] - LABEL - [ARROW]) (RHS | RPORT ID)
        # [{group}]; absent optional tokens are None (maybe_placeholders).
        first, rhs_group = children[0], children[-1]
        if first.type == "LHS":
            lhs, lhs_group, start = _fused_left(first), None, 1
        else:
            lhs, lhs_group, start = _split_left(first, children[2]), children[1], 3
        if children[-2].type == "RHS":
            rhs, stop = _fused_right(children[-2]), -2
        else:
            rhs, stop = _split_right(children[-3], children[-2]), -3
        link = children[start:stop]
        if len(link) == 1:
            text = link[0].strip(" \t")
            left, right, label = text[0] in "<>", text[-1] in "<>", None
        else:
            left, right, label = link[0] is not None, link[2] is not None, link[1]
        last = rhs_group or children[-2]
        self.statements.append(
            build(
                Edge,
                {
                    "kind": "edge",
                    "lhs": _edge_end(lhs, lhs_group, left),
                    "rhs": _edge_end(rhs, rhs_group, right),
                    "title": label_value(label) if label else None,
                    "span": token_span(first, last),
                },
            )
        )

    def align(self, children: list[Any]) -> None:
        keyword, axis, *members = children
        self.statements.append(
            Align.model_construct(
                kind="align",
                axis="row" if axis.startswith("row") else "column",
                members=tuple(str(m) for m in members),
                member_spans=tuple(token_span(m) for m in members),
                span=token_span(keyword, members[-1]),
            )
        )

    def title(self, children: list[Any]) -> None:
        (token,) = children
        self.statements.append(
            TitleStatement.model_construct(
                kind="title", text=title_value(str(token)), span=token_span(token)
            )
        )

    def acc_title(self, children: list[Any]) -> None:
        (token,) = children
        self.statements.append(
            AccTitle.model_construct(
                kind="acc_title", text=acc_title_value(str(token)), span=token_span(token)
            )
        )

    def acc_descr(self, children: list[Any]) -> None:
        (token,) = children
        text, block = acc_descr_value(str(token))
        self.statements.append(
            AccDescr.model_construct(
                kind="acc_descr", text=text, block=block, span=token_span(token)
            )
        )


# An edge end as the tokens give it: (id, id span, side, side span).
_End = tuple[str, Span, str, Span]
_ID_PREFIX = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?")


def _point(line: int, column: int) -> Span:
    return Span(line, column, line, column)


def _fused_left(token: Token) -> _End:
    """`a : R` as one LHS token."""
    match = _ID_PREFIX.match(token)
    assert match is not None
    name = match.group(0)
    line, column = token.line, token.column
    id_span = Span(line, column, line, column + len(name) - 1)  # type: ignore[arg-type, operator]
    return name, id_span, token[-1], _point(line, token.end_column - 1)  # type: ignore[arg-type, operator]


def _split_left(ident: Token, port: Token) -> _End:
    """`a` and `:R` (with `{group}` between them)."""
    return str(ident), token_span(ident), port[-1], _point(port.line, port.end_column - 1)  # type: ignore[arg-type, operator]


def _fused_right(token: Token) -> _End:
    """`L : b` as one RHS token."""
    name = token[token.index(":") + 1 :].lstrip(" \t")
    line, end = token.line, token.end_column
    id_span = Span(line, end - len(name), line, end - 1)  # type: ignore[arg-type, operator]
    return name, id_span, token[0], _point(line, token.column)  # type: ignore[arg-type]


def _split_right(port: Token, ident: Token) -> _End:
    """`L:` and an id that did not fit the fused form."""
    return str(ident), token_span(ident), port[0], _point(port.line, port.column)  # type: ignore[arg-type]


def _parent(in_part: list[Token]) -> tuple[str | None, Span | None, Token | None]:
    """`in g` as one PARENT token or as `in` and an id: (id, its span, the last token)."""
    if not in_part:
        return None, None, None
    last = in_part[-1]
    if last.type == "PARENT":
        name = last.split()[-1]
        end = last.end_column
        span = Span(last.line, end - len(name), last.line, end - 1)  # type: ignore[arg-type, operator]
        return name, span, last
    return str(last), token_span(last), last


def _edge_end(end: _End, group: Token | None, arrow: bool) -> EdgeEnd:
    name, id_span, side, side_span = end
    return build(
        EdgeEnd,
        {
            "id": name,
            "side": side,
            "group": group is not None,
            "arrow": arrow,
            "span": id_span,
            "side_span": side_span,
        },
    )


def _sub_span(token: Token, offset: int, text: str) -> Span:
    """The span of ``text``, found ``offset`` characters into a (multi-line) token."""
    before = str(token)[:offset]
    line = (token.line or 0) + before.count("\n")
    column = len(before) - before.rfind("\n") if "\n" in before else (token.column or 0) + offset
    last_line = line + text.count("\n")
    last = text.rfind("\n")
    end_column = len(text) - last - 1 if last >= 0 else column + len(text) - 1
    return Span(line, column, last_line, end_column)
