"""Canonical Mermaid for a diagram: the formatter behind ``archdsl fmt``.

:func:`format_diagram` writes a :class:`~archdsl.model.Diagram` back as Mermaid text
that archdsl parses to the same model and that Mermaid reads as the same diagram:

- the YAML front matter first, between ``---`` lines; then the comments and
  directives that came before the header; then ``architecture-beta``;
- the statements in declaration order (Mermaid's layout depends on it), one per
  line, indented four spaces, one space between parts::

      service api(logos:aws-lambda)[API] in grp
      api{group}:B <-[calls]-> T:db{group}

- every ``%%`` comment and ``%%{...}%%`` directive where it was: own-line comments
  before the statement that followed them, at that statement's indentation (those
  that shared a line, split by a U+2028, on one line still); trailing comments after
  their statement on its line. (A whole-line comment inside
  a multi-line quoted title or ``accDescr`` block is lost: mermaid.parse deletes it
  before reading, and the model does not record it.);
- one blank line where the author left one or more; LF line endings; no trailing
  whitespace (a multi-line quoted title keeps its own, which is part of its value);
  exactly one final newline;
- titles in the quote style they were written in, quoted only when the text needs
  it, or when ``mermaid_version`` is older than 11.17 and the unquoted form would
  not parse there (AD003's safe fix); text icons in double quotes.

The output is a fixed point: formatting it again changes nothing. Diagrams built
in code (positions :data:`~archdsl.model.NO_SPAN`) come out without blank lines.
A value no Mermaid spelling can carry (a ``title`` statement with a line break, a
title ending in a lone backslash …) can only come from code; it raises
:class:`UnformattableError`.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache

from archdsl import collector
from archdsl.model import (
    ID_PATTERN,
    AccDescr,
    AccTitle,
    Align,
    Comment,
    Diagram,
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

__all__ = ["HEADER", "INDENT", "UnformattableError", "format_diagram"]

HEADER = "architecture-beta"
INDENT = "    "

QUOTED_TITLES_SINCE = (11, 13)
"""Mermaid accepts ``["..."]`` / ``['...']`` titles from this version on."""
ANY_UNQUOTED_TITLE_SINCE = (11, 17)
"""Before this version an unquoted title may hold only ``[A-Za-z0-9_ ]``."""

_PLAIN_TITLE = re.compile(r"[A-Za-z0-9_ ]*")
_ICON = re.compile(r"[A-Za-z0-9_:-]+")
_LINE_BREAK = re.compile(r"\r\n?")
_QUOTES = "\"'"
# JavaScript's `.` does not match these, so in Mermaid's lexer a backslash cannot
# escape them inside a quoted string.
_JS_LINE_TERMINATORS = "\n\r\u2028\u2029"
# What JavaScript's trim() and `\s` remove: Mermaid trims values with these, so a
# value's own edges must not be any of them (Python's idea of whitespace differs).
_JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)

_HEADER_SLOT = -1
"""Key of the header line in :attr:`_Placement.trailing`."""


class UnformattableError(ValueError):
    """A value that no Mermaid spelling can carry (possible only in diagrams built in code)."""


def format_diagram(diagram: Diagram, *, mermaid_version: tuple[int, ...] | None = None) -> str:
    """The canonical Mermaid text of ``diagram`` (LF line endings, one final newline).

    ``mermaid_version`` is the oldest Mermaid the text must work on; when given,
    titles that version cannot read are respelt where that is safe (quoted before
    11.17, unquoted before 11.13 when plain). Raises :class:`UnformattableError`
    for values no spelling can carry.
    """
    with collector.paused():
        spelling = _Spelling(mermaid_version)
        placement = _place_comments(diagram)
        blocks = [
            *_front_matter(diagram.front_matter),
            *_comment_blocks(placement.before_header, indent=""),
            _header_block(diagram, placement),
            *_body(diagram, placement, spelling),
        ]
        return _join(blocks)


# --- layout -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """Output text (possibly several lines) and the source lines it came from (0: unknown)."""

    text: str
    line: int
    end_line: int


def _join(blocks: Iterable[_Block]) -> str:
    """One text; a blank line wherever the author's blocks had a gap of blank lines."""
    lines: list[str] = []
    previous_end = 0
    for block in blocks:
        if lines and previous_end and block.line > previous_end + 1:
            lines.append("")
        lines.append(block.text)
        # A block built in code has no lines of its own: measure from the one before.
        previous_end = block.end_line or previous_end
    return "\n".join(lines) + "\n"


def _front_matter(front_matter: str | None) -> list[_Block]:
    if front_matter is None:
        return []
    body = _lf(front_matter)
    # The parser blanks the block but keeps its lines: `---`, the body, `---`.
    end_line = body.count("\n") + 3
    return [_Block(f"---\n{_strip_yaml_line_ends(body)}\n---", 1, end_line)]


def _strip_yaml_line_ends(body: str) -> str:
    """``body`` without trailing spaces, unless they carry meaning (a literal block)."""
    stripped = "\n".join(line.rstrip() for line in body.split("\n"))
    if stripped == body:
        return body
    import yaml  # only when there is something to strip

    try:
        same = yaml.safe_load(stripped) == yaml.safe_load(body)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        # Not YAML, or YAML PyYAML cannot build (deep nesting overflows its recursive
        # composer; odd tags and keys): leave the block exactly as it was written.
        same = False
    return stripped if same else body


def _header_block(diagram: Diagram, placement: _Placement) -> _Block:
    span = diagram.header_span
    return _with_trailing(HEADER, span.line, span.end_line, placement.trailing.get(_HEADER_SLOT))


def _body(diagram: Diagram, placement: _Placement, spelling: _Spelling) -> Iterator[_Block]:
    """Statements in declaration order, each preceded by the comments written before it."""
    waiting = deque(placement.own_line)
    yield from _comment_blocks(placement.unplaced, INDENT)
    for index, statement in enumerate(diagram.statements):
        span = statement.span
        if span.line:  # a statement built in code has no place among the comments
            # A directive inside the statement (`a%%{init}%%:L -- R:b`) goes before it too:
            # after it, it would change places with the statement's trailing comment.
            before: list[Comment] = []
            while waiting and _position(waiting[0]) < (span.end_line, span.end_column):
                before.append(waiting.popleft())
            yield from _comment_blocks(before, INDENT)
        text = INDENT + _statement_text(statement, spelling)
        yield _with_trailing(text, span.line, span.end_line, placement.trailing.get(index))
    yield from _comment_blocks(waiting, INDENT)


def _with_trailing(
    text: str, line: int, end_line: int, trailing: Sequence[Comment] | None
) -> _Block:
    text, end_line = _followed_by(text, end_line, trailing or (), " ")
    return _Block(text, line, end_line)


def _followed_by(
    text: str, end_line: int, comments: Iterable[Comment], separator: str
) -> tuple[str, int]:
    """``text`` with ``comments`` after it on its last line, and the last source line."""
    for comment in comments:
        written = _comment_text(comment)
        text += separator + written
        end_line = max(end_line, _end_line(comment, written))
        separator = _after(written)
    return text, end_line


def _after(written: str) -> str:
    """What separates a comment from another after it on the same line.

    A comment, or a directive left open, runs to the end of the line: a second comment
    after it on the same line was cut off by a U+2028 (a line break to Mermaid's comment
    patterns, not to its line count), which must stay. A line feed instead would let a
    directive left open run on over the lines after it.
    """
    return " " if written.endswith("}%%") else "\u2028"


def _comment_blocks(comments: Iterable[Comment], indent: str) -> Iterator[_Block]:
    """A block per source line of ``comments`` (in source order): those that shared a line
    stay on one, as they were written."""
    run: list[Comment] = []
    for comment in comments:
        if run and not (comment.span.line and comment.span.line == _last_line(run[-1])):
            yield _comment_line(run, indent)
            run = []
        run.append(comment)
    if run:
        yield _comment_line(run, indent)


def _last_line(comment: Comment) -> int:
    return _end_line(comment, _comment_text(comment))


def _comment_line(comments: Sequence[Comment], indent: str) -> _Block:
    first = comments[0]
    written = _comment_text(first)
    text, end_line = _followed_by(
        indent + written, _end_line(first, written), comments[1:], _after(written)
    )
    return _Block(text, first.span.line, end_line)


def _comment_text(comment: Comment) -> str:
    # A directive may run over several lines; its inner lines keep their own indentation.
    # Some comment tokens end with the line break they swallow (`%%{ }%%` in Mermaid):
    # the line break is the layout's to write.
    text = _lf(comment.text)
    # Mermaid reads a directive with JSON.parse, to which only spaces, tabs and line breaks
    # are blank: a form feed or U+00A0 at a line end is part of it (it can make it invalid).
    blanks = " \t" if text.startswith("%%{") else None
    ends = None if blanks is None else blanks + "\n"
    return "\n".join(line.rstrip(blanks) for line in text.rstrip(ends).split("\n"))


def _end_line(comment: Comment, written: str) -> int:
    """The comment's last source line, not counting a line break its token swallowed."""
    line = comment.span.line
    return line + written.count("\n") if line else 0


# --- comment placement --------------------------------------------------------------


@dataclass
class _Placement:
    """Where each comment goes."""

    before_header: list[Comment] = field(default_factory=list)
    trailing: dict[int, list[Comment]] = field(default_factory=dict)
    """Statement index (or :data:`_HEADER_SLOT`) → comments after it on its last line."""
    own_line: list[Comment] = field(default_factory=list)
    """After the header, in source order."""
    unplaced: list[Comment] = field(default_factory=list)
    """Comments built in code (no position): right after the header."""


def _position(comment: Comment) -> tuple[int, int]:
    return (comment.span.line, comment.span.column)


def _place_comments(diagram: Diagram) -> _Placement:
    header = diagram.header_span
    placement = _Placement()
    ends = _statement_ends(diagram)
    for comment in sorted(diagram.comments, key=_position):
        line = comment.span.line
        if comment.trailing and line in ends:
            placement.trailing.setdefault(ends[line], []).append(comment)
        elif line == 0:
            # Without a position a directive belongs before the header, where
            # Mermaid's documentation puts `%%{init}%%`.
            target = placement.before_header if comment.is_directive else placement.unplaced
            target.append(comment)
        elif _position(comment) < (header.line, header.column):
            placement.before_header.append(comment)
        else:
            placement.own_line.append(comment)
    return placement


def _statement_ends(diagram: Diagram) -> dict[int, int]:
    """Source line → the last statement ending on it (or the header)."""
    ends: dict[int, int] = {}
    for index, statement in enumerate(diagram.statements):
        if statement.span.end_line:
            ends[statement.span.end_line] = index
    if diagram.header_span.line:
        # `architecture-beta service a %% x`: the comment belongs to the statement.
        ends.setdefault(diagram.header_span.end_line, _HEADER_SLOT)
    return ends


# --- statements ---------------------------------------------------------------------


def _statement_text(statement: Statement, spelling: _Spelling) -> str:
    """One statement without indentation (an ``accDescr`` block spans several lines)."""
    if isinstance(statement, Group):
        icon = _icon(statement.icon)
        return _node_text("group", statement, icon, statement.title, spelling)
    if isinstance(statement, Service):
        return _node_text("service", statement, _service_icon(statement), statement.title, spelling)
    if isinstance(statement, Junction):
        return _node_text("junction", statement, "", None, spelling)
    if isinstance(statement, Edge):
        return _edge_text(statement, spelling)
    if isinstance(statement, Align):
        return _align_text(statement)
    if isinstance(statement, TitleStatement):
        text = _line_value(statement.text, "title")
        return f"title {text}" if text else "title"
    if isinstance(statement, AccTitle):
        return _colon_form("accTitle", statement.text)
    return _acc_descr_text(statement)


def _node_text(
    keyword: str,
    node: Group | Service | Junction,
    icon: str,
    title: Title | None,
    spelling: _Spelling,
) -> str:
    text = f"{keyword} {_id(node.id)}{icon}{spelling.title(title) if title else ''}"
    return f"{text} in {_id(node.parent)}" if node.parent is not None else text


def _service_icon(service: Service) -> str:
    if service.icon_text is None:
        return _icon(service.icon)
    if service.icon is not None:
        raise UnformattableError(f"service {service.id!r} has both an icon and a text icon")
    return " " + _string_token(service.icon_text)


def _icon(icon: str | None) -> str:
    if icon is None:
        return ""
    if not _ICON.fullmatch(icon):
        raise UnformattableError(f"{icon!r} is not a Mermaid icon name ([A-Za-z0-9_:-])")
    return f"({icon})"


def _edge_text(edge: Edge, spelling: _Spelling) -> str:
    link = f"-{spelling.title(edge.title)}-" if edge.title else "--"
    arrow = ("<" if edge.lhs.arrow else "") + link + (">" if edge.rhs.arrow else "")
    return f"{_end_text(edge.lhs)}:{edge.lhs.side} {arrow} {edge.rhs.side}:{_end_text(edge.rhs)}"


def _end_text(end: EdgeEnd) -> str:
    return _id(end.id) + ("{group}" if end.group else "")


def _align_text(align: Align) -> str:
    if not align.members:
        raise UnformattableError("an `align` statement needs at least one member")
    return f"align {align.axis} " + " ".join(_id(member) for member in align.members)


def _id(ident: str) -> str:
    if not ID_PATTERN.fullmatch(ident):
        raise UnformattableError(f"{ident!r} is not a Mermaid id")
    return ident


def _colon_form(keyword: str, text: str) -> str:
    value = _line_value(text, keyword)
    return f"{keyword}: {value}" if value else f"{keyword}:"


def _acc_descr_text(statement: AccDescr) -> str:
    lines = _lf(statement.text).split("\n")
    if not (statement.block or len(lines) > 1):
        return _colon_form("accDescr", statement.text)
    if any("}" in line for line in lines) or any(map(_reads_as_comment, lines[1:])):
        # `}` ends the block; mermaid.parse deletes lines that look like comments.
        raise UnformattableError(f"an `accDescr {{...}}` block cannot hold {statement.text!r}")
    # A first line that looks like a comment stays on the brace's line, where it is not
    # at a line start, so mermaid.parse keeps it (as it kept it in the source).
    kept_on_brace = _reads_as_comment(lines[0])
    # The parser trims every line, so the indentation here is free.
    inner = "".join(
        f"\n{INDENT * 2}{_js_strip(line)}" if _js_strip(line) else "\n"
        for line in (lines[1:] if kept_on_brace else lines)
    )
    if kept_on_brace:
        return f"accDescr {{{_js_strip(lines[0])}{inner}\n{INDENT}}}"
    return f"accDescr {{{inner if statement.text else ''}\n{INDENT}}}"


def _reads_as_comment(line: str) -> bool:
    """Whether mermaid.parse deletes ``line`` as a whole-line comment inside a block.

    Its pattern needs a character after the ``%%`` (``[^\\n]+``): a bare ``%%`` line is
    text and survives, so refusing it would make fmt fail on a diagram Mermaid reads.
    """
    stripped = _js_strip(line)
    return stripped.startswith("%%") and len(stripped) > len("%%")


def _line_value(text: str, keyword: str) -> str:
    """The text of a ``title``/``accTitle``/``accDescr:`` line, which runs to ``%%`` or the end.

    Surrounding blanks are dropped: Mermaid trims them anyway.
    """
    if "\n" in text or "\r" in text or "%%" in text:
        raise UnformattableError(f"`{keyword}` text cannot hold line breaks or `%%`: {text!r}")
    return _js_strip(text)


# --- titles and strings -------------------------------------------------------------


@dataclass(frozen=True)
class _Spelling:
    """How to write titles, for the oldest Mermaid the output must work on."""

    mermaid_version: tuple[int, ...] | None = None

    def title(self, title: Title) -> str:
        """``[...]`` whose value is ``title.text``, in its quote style where possible.

        Surrounding blanks are dropped: Mermaid trims every title, so no spelling
        keeps them (only a title built in code can have them).
        """
        text = _js_strip(_lf(title.text))
        version = self.mermaid_version
        # A look-alike quoted title is an unquoted one to the lexer: only where any
        # unquoted title is read (11.17 on).
        look_alikes = version is None or version >= ANY_UNQUOTED_TITLE_SINCE
        for quote in self._quote_order(title.quote, text):
            token = _title_token(text, quote, look_alikes)
            if token is not None:
                return token
        raise UnformattableError(f"no Mermaid title can hold {text!r}")

    def _quote_order(self, quote: QuoteStyle | None, text: str) -> tuple[QuoteStyle | None, ...]:
        preferred = quote
        version = self.mermaid_version
        if version is not None and QUOTED_TITLES_SINCE <= version < ANY_UNQUOTED_TITLE_SINCE:
            if quote is None and not _PLAIN_TITLE.fullmatch(text):
                preferred = '"'
        elif (
            version is not None
            and version < QUOTED_TITLES_SINCE
            and quote is not None
            and _PLAIN_TITLE.fullmatch(text)
        ):
            preferred = None  # that Mermaid cannot read quotes; this text needs none
        # Another quoted form before none at all: it keeps the look of the original.
        styles: tuple[QuoteStyle | None, ...] = ('"', "'", None) if quote else (None, '"', "'")
        return (preferred, *(style for style in styles if style != preferred))


def _title_token(text: str, quote: QuoteStyle | None, look_alikes: bool = True) -> str | None:
    """A ``[...]`` token in ``quote`` style that reads back as exactly ``text``, or None;
    with ``look_alikes``, also an unquoted title that reads as quoted (see
    :func:`_escape_quotes_only`)."""
    if quote is None:
        token = _unquoted_title(text)
        return token if token is not None and _reads_as_title(token, text, quote) else None
    if not _is_trimmed(text):
        return None
    bodies = [_escape_quoted(text, quote)]
    if look_alikes:
        bodies.append(_escape_quotes_only(text, quote))
    for body in bodies:
        if body is None:
            continue
        # A last line such as `%%` would end in `%%']`, a comment that Mermaid deletes; a
        # line break before the closing quote keeps it text (and the title is trimmed).
        for ending in ("", "\n"):
            token = f"[{quote}{body}{ending}{quote}]"
            if _reads_as_title(token, text, quote):
                return token
    return None


def _unquoted_title(text: str) -> str | None:
    if not text:
        return "[ ]"  # `[]` is a lexer error; the space is trimmed away
    if any(char in "[]\r\n" for char in text) or not _is_trimmed(text):
        return None
    if text[0] in _QUOTES:
        # `["x]` would start a quoted title that runs on to the next `"]` in the file;
        # after a space the quoted forms cannot start.
        return f"[ {text}]"
    return f"[{text}]"


def _escape_quoted(text: str, quote: str) -> str | None:
    """The inside of a ``quote``-quoted title whose value is ``text``, or None.

    Inside quotes a backslash pairs with the next character for the lexer, and
    Mermaid's title converter then turns only ``\\"`` and ``\\'`` into quotes; other
    pairs stay as written. So a run of n backslashes is written as is, except before
    a quote character, where it takes one more (the one the converter removes).
    Hence n must be even before the string's own quote (n + 1 escapes it), before a
    line break and at the end (an odd run would escape those): else None.
    """
    out: list[str] = []
    for run, char in _backslash_runs(text):
        if char and char in _QUOTES and (run or char == quote):
            if char == quote and run % 2:
                return None
            out.append("\\" * (run + 1) + char)
        elif (not char or char in _JS_LINE_TERMINATORS) and run % 2:
            return None
        else:
            out.append("\\" * run + char)
    return "".join(out)


def _escape_quotes_only(text: str, quote: str) -> str:
    """:func:`_escape_quoted` without its refusals.

    Where an odd run of backslashes meets the string's own quote, the quoted string
    ends early and the whole label lexes as an unquoted title; one that begins and
    ends with the quote still reads as quoted (``['\\\\'']`` is ``\\'``). The caller
    keeps such a spelling only when it reads back as the same title.
    """
    return "".join(
        "\\" * (run + 1) + char
        if char and char in _QUOTES and (run or char == quote)
        else "\\" * run + char
        for run, char in _backslash_runs(text)
    )


def _backslash_runs(text: str) -> Iterator[tuple[int, str]]:
    """``text`` as (number of backslashes, the character after them; "" after a final run)."""
    run = 0
    for char in text:
        if char == "\\":
            run += 1
            continue
        yield run, char
        run = 0
    if run:
        yield run, ""


def _string_token(text: str) -> str:
    """A text icon ``"..."`` (``'...'`` only if that alone reads back as ``text``)."""
    for quote in _QUOTES:
        token = quote + _escape_string(text, quote) + quote
        if _reads_as_string(token, text):
            return token
    raise UnformattableError(f"no Mermaid string can hold {text!r}")


_STRING_ESCAPES = {
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
    "\v": "\\v",
    "\0": "\\0",
}


def _escape_string(text: str, quote: str) -> str:
    """Langium's string escapes: a text icon is read like a JavaScript string literal.

    Control characters are escaped too, so that a line break in the value does not
    break the statement over two lines.
    """
    escapes = {**_STRING_ESCAPES, quote: "\\" + quote}
    return "".join(escapes.get(char, char) for char in text)


def _reads_as_title(token: str, text: str, quote: QuoteStyle | None) -> bool:
    # Checked against the parser's own lexer pattern and value converter: the
    # formatter's contract is to be the parser's inverse, and this keeps it so
    # whenever the parser's reading of a spelling changes.
    from archdsl.syntax.builder import label_value

    if not _lexes_whole("LABEL", token):
        return False
    value = label_value(token)
    return value.text == text and value.quote == quote


def _reads_as_string(token: str, text: str) -> bool:
    from archdsl.syntax.builder import string_value

    return _lexes_whole("STRING", token) and string_value(token) == text


def _lexes_whole(terminal: str, token: str) -> bool:
    match = _terminal_pattern(terminal).match(token)
    return match is not None and match.end() == len(token)


@cache
def _terminal_pattern(name: str) -> re.Pattern[str]:
    from archdsl.syntax.loader import tree_parser

    return re.compile(tree_parser().get_terminal(name).pattern.to_regexp())


def _js_strip(text: str) -> str:
    return text.strip(_JS_WHITESPACE)


def _is_trimmed(text: str) -> bool:
    return text == _js_strip(text)


def _lf(text: str) -> str:
    # mermaid.parse turns every CR LF and lone CR into LF before reading; so does the output.
    return _LINE_BREAK.sub("\n", text)
