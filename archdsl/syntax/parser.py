"""Source text → :class:`~archdsl.model.Diagram` plus syntax diagnostics.

The text is first prepared the way ``mermaid.parse`` prepares it, without moving
any position: CRLF and lone CR become LF, ``="x"`` inside ``<tag ...>`` becomes
``='x'``, the front matter is blanked (and must be YAML), blanks before the header
that Mermaid trims become spaces. Directives and whole-line comments, which
Mermaid deletes, are skipped tokens of the grammar.

The parse runs once over the whole text. On a syntax error the statements
already built are kept, the error is explained (:mod:`archdsl.syntax.errors`)
and parsing resumes after the mistake, so a file with four independent mistakes
gets four diagnostics and the rules still see everything that parsed. Each resume
parses only the rest of the file: the work stays linear.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Hashable, Iterable
from functools import cache, cached_property
from typing import Any, NamedTuple, cast

import lark
from lark.exceptions import UnexpectedInput

from archdsl import collector
from archdsl.diagnostics import (
    MISSING_HEADER,
    SYNTAX_ERROR,
    Diagnostic,
    Severity,
    Span,
    position_of,
)
from archdsl.model import ArchitectureConfig, Comment, Diagram, Statement
from archdsl.syntax.builder import JS_WHITESPACE, ModelBuilder, token_span
from archdsl.syntax.errors import explain, resume_after

MAX_SYNTAX_ERRORS = 100
HEADER_KEYWORD = "architecture-beta"

# Mermaid's frontMatterRegex (mermaid.parse takes the block out before parsing; only
# at the very top, indented lines allowed if the closing `---` has the same indent).
_JS_BLANK = "[" + re.escape(JS_WHITESPACE.replace("\n", "").replace("\r", "")) + "]"
_FRONT_MATTER = re.compile(
    rf"\A({_JS_BLANK}*)-{{3}}[{re.escape(JS_WHITESPACE)}]*[\n\r](.*?)[\n\r]\1-{{3}}"
    rf"[{re.escape(JS_WHITESPACE)}]*[\n\r]+",
    re.DOTALL,
)
_FIRST_WORD = re.compile(r"[^\s%]+")
# Terminals that may precede the header: the grammar's skipped tokens and newlines.
# Mermaid's detection reads an odd `%%{...}%%` as a one-line comment, so ODD_DIRECTIVE
# (which may span lines) is not among them.
_PREAMBLE_TERMINALS = ("WHITESPACE", "DIRECTIVE", "COMMENT_LINE", "COMMENT", "_NL")


class ParseResult(NamedTuple):
    """The diagram (``None`` when there is no ``architecture-beta`` header) and findings."""

    diagram: Diagram | None
    diagnostics: tuple[Diagnostic, ...]


class _Parser:
    """One Lark parser and its builder, reused across parses (guarded by a lock)."""

    def __init__(self) -> None:
        self.builder = ModelBuilder()
        self.lark: lark.Lark = _build_with_callbacks(self.builder)
        self.lock = threading.Lock()

    # The two patterns below are only needed for a file that does not start with its
    # header (front matter, comments, blanks first); they take milliseconds to compile.

    @cached_property
    def directive(self) -> re.Pattern[str]:
        return re.compile(self.lark.get_terminal("DIRECTIVE").pattern.to_regexp())

    @cached_property
    def preamble_piece(self) -> re.Pattern[str]:
        """One piece of what may come before the header."""
        pieces = [self.lark.get_terminal(name).pattern.to_regexp() for name in _PREAMBLE_TERMINALS]
        # Not the grammar's YAML token: Mermaid's detection only skips a block that its
        # front matter regex accepts (`--- architecture-beta` is no diagram).
        pieces.append(
            _FRONT_MATTER.pattern.replace(r"\A(", "(?P<indent>").replace(r"\1", "(?P=indent)")
        )
        # Mermaid trims any JavaScript blank before the header (U+FEFF, U+00A0, ...).
        pieces.append(f"(?P<blank>{_JS_BLANK}+)")
        return re.compile("|".join(f"(?:{p})" for p in pieces), re.DOTALL)


def _build_with_callbacks(builder: ModelBuilder) -> lark.Lark:
    from archdsl.syntax.loader import build_parser

    keep = builder.on_comment
    return build_parser(
        builder,
        lexer_callbacks={
            name: keep for name in ("COMMENT", "COMMENT_LINE", "DIRECTIVE", "ODD_DIRECTIVE")
        },
    )


@cache
def _shared_parser() -> _Parser:
    return _Parser()


def strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def normalise_line_breaks(text: str) -> str:
    """CRLF and lone CR become LF, as mermaid.parse does before parsing.

    Only the character at each line end changes, so every line and column stays
    where the user sees it.
    """
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


class FrontMatter(NamedTuple):
    """The YAML between the ``---`` lines at the top, and where it starts."""

    body: str
    line: int
    """The file line of the body's first line."""
    indent: str
    """The indentation Mermaid strips from every line (the opening ``---``'s)."""


_TAG = re.compile(r"<([A-Za-z0-9_]+)([^>]*)>")
_DOUBLE_QUOTED_ATTRIBUTE = re.compile(r'="([^"]*)"')


def rewrite_tag_attributes(text: str) -> str:
    """``<b a="x">`` becomes ``<b a='x'>``, as mermaid.parse does before parsing.

    Mermaid's regex is blind to syntax: the "tag" may run from an arrowhead (`--<T`)
    to the next `>` lines later and turn quotes of titles in between into `'`. archdsl
    must see the same text to give the same verdict. Only quotes change, so every
    position stays.
    """
    if "<" not in text or '="' not in text:
        return text

    def rewrite(match: re.Match[str]) -> str:
        attributes = _DOUBLE_QUOTED_ATTRIBUTE.sub(r"='\1'", match.group(2))
        return f"<{match.group(1)}{attributes}>"

    # No tag can close after the last `>`; searching there would scan to the end of the
    # text again from every `<` (quadratic on a long line of `<b x="`).
    closes = text.rfind(">") + 1
    return _TAG.sub(rewrite, text[:closes]) + text[closes:]


def split_front_matter(text: str) -> tuple[FrontMatter | None, str]:
    """``(front matter, text with the block blanked)``; line numbers stay the same."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, text
    indent, body = match.group(1), match.group(2)
    if indent:
        lines = body.split("\n")
        body = "\n".join(line[len(indent) :] if line.startswith(indent) else line for line in lines)
    line = text.count("\n", 0, match.start(2)) + 1
    blank = "\n" * match.group(0).count("\n")
    return FrontMatter(body, line, indent), blank + text[match.end() :]


def _front_matter_problem(front_matter: FrontMatter) -> Diagnostic | None:
    """AD001 when the front matter is not YAML: Mermaid then refuses the diagram."""
    import yaml

    try:
        yaml.load(front_matter.body, Loader=_mermaid_yaml_loader())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at_line, at_column = position_of(front_matter.body, mark.index if mark else 0)
        line = front_matter.line + at_line - 1
        column = len(front_matter.indent) + at_column
        problem = error.problem or error.context or "invalid YAML"
        return Diagnostic(
            SYNTAX_ERROR,
            Severity.ERROR,
            f"the front matter is not valid YAML: {problem}",
            Span.point(line, column),
            help="Mermaid refuses the whole diagram when its front matter does not parse",
        )
    except yaml.YAMLError:
        return Diagnostic(
            SYNTAX_ERROR,
            Severity.ERROR,
            "the front matter is not valid YAML",
            Span.point(front_matter.line, 1),
        )
    except Exception:  # a value PyYAML cannot build but js-yaml would read as text
        return None
    return None


@cache
def _mermaid_yaml_loader() -> type:
    import yaml

    class Loader(yaml.SafeLoader):
        """A SafeLoader that reads YAML the way Mermaid's js-yaml (JSON schema) does.

        Duplicate keys are errors; timestamps stay strings (PyYAML would build a
        date, and fail on `2001-02-30`).
        """

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            # js-yaml with the JSON schema: no `<<` merging, complex keys become text,
            # a repeated key is an error.
            if not isinstance(node, yaml.MappingNode):
                return super().construct_mapping(node, deep)
            mapping: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=deep)
                if not isinstance(key, Hashable):
                    key = str(key)
                if key in mapping:
                    raise yaml.constructor.ConstructorError(
                        None, None, "duplicated mapping key", key_node.start_mark
                    )
                mapping[key] = self.construct_object(value_node, deep=deep)
            return mapping

    for tag in ("timestamp", "merge", "value"):
        Loader.add_constructor(
            f"tag:yaml.org,2002:{tag}",
            lambda loader, node: loader.construct_scalar(cast(Any, node)),
        )
    return Loader


def _preamble_end(text: str, parser: _Parser) -> int:
    """Where the first real token starts (after blanks, comments, front matter)."""
    offset = 0
    while (match := parser.preamble_piece.match(text, offset)) and match.end() > offset:
        offset = match.end()
    return offset


_ODD_BLANK = re.compile("[^\t\n ]")


def blank_preamble(text: str, parser: _Parser) -> str:
    """Blanks before the header that Mermaid trims but its lexer would reject become spaces.

    Same length, so every position stays; comments keep their text.
    """
    if text.startswith(HEADER_KEYWORD):
        return text
    out: list[str] = []
    offset = 0
    while (match := parser.preamble_piece.match(text, offset)) and match.end() > offset:
        piece = match.group(0)
        out.append(_ODD_BLANK.sub(" ", piece) if match.lastgroup == "blank" else piece)
        offset = match.end()
    return "".join(out) + text[offset:]


def _starts_with_header(text: str, offset: int = 0) -> bool:
    """``architecture-beta`` at ``offset``, followed by anything but a word character
    or ``-`` (so the header's first word is the keyword itself)."""
    rest = offset + len(HEADER_KEYWORD)
    return text.startswith(HEADER_KEYWORD, offset) and not _WORD_CHARACTER.match(
        text, rest, rest + 1
    )


# JavaScript's \w, which Mermaid's lexer uses, is ASCII only: after `architecture-beta`,
# an `é` is a stray character, not part of a longer word.
_WORD_CHARACTER = re.compile(r"[A-Za-z0-9_-]")


def _header_problem(text: str, parser: _Parser) -> Diagnostic | None:
    """AD002 when the first word is not ``architecture-beta``.

    Mermaid deletes directives before it looks for the header, so a front matter
    block whose closing line ends in a directive still counts; blanking them
    (newlines kept) keeps every position.
    """
    if _starts_with_header(text):
        return None
    if "%%{" in text:
        text = parser.directive.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    offset = _preamble_end(text, parser)
    word_match = _FIRST_WORD.match(text, offset)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    if word_match is None:
        return Diagnostic(
            MISSING_HEADER,
            Severity.ERROR,
            "empty diagram: the first line must be `architecture-beta`",
            Span.point(line, column),
            help="start the file with a line `architecture-beta`",
        )
    if _starts_with_header(text, offset):
        return None
    word = word_match.group(0)
    span = Span(line, column, line, column + len(word) - 1)
    if word.lower().startswith("architecture"):
        message = f"`{word}` is not a diagram header: Mermaid only accepts `architecture-beta`"
    else:
        message = f"missing `architecture-beta` header: the diagram starts with `{word}`"
    return Diagnostic(
        MISSING_HEADER,
        Severity.ERROR,
        message,
        span,
        help="write `architecture-beta` on the first line "
        "(other Mermaid diagram kinds are not checked)",
    )


def _resume_text(text: str, after_line: int) -> str:
    """``text`` with lines up to ``after_line`` replaced by a bare header and blank lines."""
    offset = 0
    for _ in range(after_line):
        next_break = text.find("\n", offset)
        if next_break < 0:
            return ""
        offset = next_break + 1
    return HEADER_KEYWORD + "\n" * after_line + text[offset:]


def parse_text(text: str) -> ParseResult:
    """Parse one diagram's text (no Markdown; see :mod:`archdsl.sources`)."""
    text = rewrite_tag_attributes(normalise_line_breaks(strip_bom(text)))
    front_matter, body = split_front_matter(text)
    yaml_problem = _front_matter_problem(front_matter) if front_matter else None
    found = [yaml_problem] if yaml_problem else []
    parser = _shared_parser()
    header_problem = _header_problem(body, parser)
    if header_problem is not None:
        return ParseResult(None, (*found, header_problem))

    body = blank_preamble(body, parser)
    with parser.lock, collector.paused():
        statements, comments, header_span, diagnostics = _parse_with_recovery(parser, body)
    diagnostics[:0] = found
    config, theme = _read_config(front_matter.body if front_matter else None, comments)
    diagram = Diagram.model_construct(
        statements=tuple(statements),
        comments=tuple(_mark_trailing(comments, statements, header_span)),
        front_matter=front_matter.body if front_matter else None,
        config=config,
        theme=theme,
        header_span=header_span,
    )
    return ParseResult(diagram, tuple(diagnostics))


def _parse_with_recovery(
    parser: _Parser, body: str
) -> tuple[list[Statement], list[Comment], Span, list[Diagnostic]]:
    builder = parser.builder
    builder.reset()
    statements: list[Statement] = []
    comments: list[Comment] = []
    diagnostics: list[Diagnostic] = []
    header_span = Span(1, 1, 1, len(HEADER_KEYWORD))
    text = body
    first = True
    while True:
        try:
            parser.lark.parse(text)
            error = None
        except UnexpectedInput as caught:
            error = caught
        if first and builder.header is not None:
            header_span = token_span(builder.header)
        first = False
        statements.extend(builder.statements)
        comments.extend(builder.comments)
        builder.reset()
        if error is None:
            break
        diagnostics.append(explain(error, body))
        last_line = resume_after(error, body)
        if len(diagnostics) >= MAX_SYNTAX_ERRORS:
            break
        text = _resume_text(body, last_line)
        if not text:
            break
    return statements, comments, header_span, diagnostics


def _mark_trailing(
    comments: list[Comment], statements: list[Statement], header_span: Span
) -> list[Comment]:
    """A comment is trailing when a statement ends earlier on its line."""
    ends: dict[int, int] = {header_span.end_line: header_span.end_column}
    for statement in statements:
        span = statement.span
        ends[span.end_line] = max(ends.get(span.end_line, 0), span.end_column)
    marked = []
    for comment in comments:
        end = ends.get(comment.span.line)
        trailing = end is not None and end < comment.span.column
        marked.append(comment.model_copy(update={"trailing": trailing}) if trailing else comment)
    return marked


def _read_config(
    front_matter: str | None, comments: list[Comment]
) -> tuple[ArchitectureConfig, str | None]:
    """Merge ``config.architecture`` from front matter and ``%%{init}%%`` directives."""
    settings: dict[str, Any] = {}
    theme: str | None = None
    sources: list[dict[str, Any]] = []
    if front_matter is not None:
        loaded = _load_yaml(front_matter)
        if isinstance(loaded, dict) and isinstance(loaded.get("config"), dict):
            sources.append(loaded["config"])
    sources += _init_directives(comment.text for comment in comments if comment.is_directive)
    for source in sources:
        if isinstance(source.get("architecture"), dict):
            settings.update(source["architecture"])
        if isinstance(source.get("theme"), str):
            theme = source["theme"]
    if not settings:
        # The defaults need no validation (which would build the validator: a cost of
        # every cold start, for the common diagram that sets nothing).
        return ArchitectureConfig.model_construct(), theme
    try:
        return ArchitectureConfig.model_validate(settings), theme
    except ValueError:
        return ArchitectureConfig.model_construct(), theme


_JS_SPACE = "[" + re.escape(JS_WHITESPACE) + "]"
# Mermaid's directiveRegex (utils.ts), with JavaScript's \s, \w and `.`.
_MERMAID_DIRECTIVE = re.compile(
    rf"%%\{{{_JS_SPACE}*(?:([A-Za-z0-9_]+){_JS_SPACE}*:|([A-Za-z0-9_]+)){_JS_SPACE}*"
    rf"(?:([A-Za-z0-9_]+)|((?:(?!\}}%%)[^\n\r\u2028\u2029]|\r?\n)*))?"
)
_INIT_TYPE = re.compile(r"init\b|initialize\b", re.IGNORECASE)


def _init_directives(texts: Iterable[str]) -> list[dict[str, Any]]:
    """The settings of ``%%{init: ...}%%`` directives, read as Mermaid's detectInit does.

    Mermaid turns every ``'`` into ``"`` and reads the arguments with ``JSON.parse``
    (not YAML); when one of them does not parse, it drops every directive.
    """
    found: list[dict[str, Any]] = []
    for text in texts:
        match = _MERMAID_DIRECTIVE.match(text.replace("'", '"'))
        if match is None or not _INIT_TYPE.search(match.group(1) or match.group(2)):
            continue
        arguments = (match.group(4) or "").strip(JS_WHITESPACE)
        if match.group(3) or not arguments:
            continue
        try:
            value = json.loads(arguments)
        except (ValueError, RecursionError):
            return []
        if isinstance(value, dict):
            found.append(value)
    return found


def _load_yaml(text: str) -> Any:
    """The YAML value, or None when it does not load (config is best effort)."""
    import yaml

    try:
        return yaml.load(text, Loader=_mermaid_yaml_loader())
    except Exception:  # YAMLError, or a value PyYAML cannot build: never a traceback
        return None
