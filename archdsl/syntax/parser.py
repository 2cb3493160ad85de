"""Source text → :class:`~archdsl.model.Diagram` plus syntax diagnostics.

The parse runs once over the whole text. On a syntax error the statements
already built are kept, the error is explained (:mod:`archdsl.syntax.errors`)
and parsing resumes on the line after the error, so a file with four
independent mistakes gets four diagnostics and the rules still see everything
that parsed. Each resume parses only the rest of the file: the work stays linear.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

import lark
from lark.exceptions import UnexpectedInput

from archdsl.diagnostics import MISSING_HEADER, Diagnostic, Severity, Span
from archdsl.model import ArchitectureConfig, Comment, Diagram, Statement
from archdsl.syntax.builder import ModelBuilder, token_span
from archdsl.syntax.errors import explain
from archdsl.syntax.loader import build_parser

MAX_SYNTAX_ERRORS = 100
HEADER_KEYWORD = "architecture-beta"

# Mermaid's front matter: only at the very top of the text.
_FRONT_MATTER = re.compile(r"\A(---[\t ]*\r?\n)(.*?)(\r?\n---[\t ]*)(?:\r?\n|\Z)", re.DOTALL)
# Blank lines, spaces, comments and directives that may precede the header.
_PREAMBLE = re.compile(r"(?:[\t ]*(?:%%\{.*?\}%%|%%[^\n\r]*)?[\t ]*\r?\n)*[\t ]*", re.DOTALL)
_FIRST_WORD = re.compile(r"[^\s%]+")


@dataclass(frozen=True)
class ParseResult:
    """The diagram (``None`` when there is no ``architecture-beta`` header) and findings."""

    diagram: Diagram | None
    diagnostics: tuple[Diagnostic, ...]


class _Parser:
    """One Lark parser and its builder, reused across parses (guarded by a lock)."""

    def __init__(self) -> None:
        self.builder = ModelBuilder()
        self.lark: lark.Lark = _build_with_callbacks(self.builder)
        self.lock = threading.Lock()


def _build_with_callbacks(builder: ModelBuilder) -> lark.Lark:
    from archdsl.syntax.loader import grammar_path

    return lark.Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        maybe_placeholders=True,
        transformer=builder,
        lexer_callbacks={"COMMENT": builder.on_comment, "DIRECTIVE": builder.on_comment},
        cache=True,
    )


@cache
def _shared_parser() -> _Parser:
    return _Parser()


def strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def split_front_matter(text: str) -> tuple[str | None, str]:
    """``(front matter body, text with the block blanked)``; line numbers stay the same."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, text
    block = match.group(0)
    blank = "\n" * block.count("\n")
    return match.group(2), blank + text[match.end() :]


def _header_problem(text: str) -> Diagnostic | None:
    """AD002 when the first word is not ``architecture-beta``."""
    start = _PREAMBLE.match(text)
    offset = start.end() if start else 0
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
    word = word_match.group(0)
    if word == HEADER_KEYWORD or word.startswith(HEADER_KEYWORD) and not re.match(
        r"[\w-]", word[len(HEADER_KEYWORD) :]
    ):
        return None
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
        help="write `architecture-beta` on the first line (other Mermaid diagram kinds are not checked)",
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


def _error_last_line(error: UnexpectedInput) -> int:
    """The last line the offending token covers (a newline token ends on its own line)."""
    token = getattr(error, "token", None)
    line = error.line if error.line and error.line > 0 else 1
    end_line = getattr(token, "end_line", None) if token is not None else None
    if end_line and str(token).endswith("\n"):
        end_line -= 1
    return max(line, end_line or 0)


def parse_text(text: str) -> ParseResult:
    """Parse one diagram's text (no Markdown; see :mod:`archdsl.sources`)."""
    text = strip_bom(text)
    front_matter, body = split_front_matter(text)
    header_problem = _header_problem(body)
    if header_problem is not None:
        return ParseResult(None, (header_problem,))

    parser = _shared_parser()
    with parser.lock:
        statements, comments, header_span, diagnostics = _parse_with_recovery(parser, body)
    config, theme = _read_config(front_matter, comments)
    diagram = Diagram.model_construct(
        statements=tuple(statements),
        comments=tuple(_mark_trailing(comments, statements, header_span)),
        front_matter=front_matter,
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
        last_line = _error_last_line(error)
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
    for comment in comments:
        if comment.is_directive:
            loaded = _load_yaml(comment.text[2:-2])
            if isinstance(loaded, dict):
                for key in ("init", "initialize"):
                    if isinstance(loaded.get(key), dict):
                        sources.append(loaded[key])
    for source in sources:
        if isinstance(source.get("architecture"), dict):
            settings.update(source["architecture"])
        if isinstance(source.get("theme"), str):
            theme = source["theme"]
    try:
        return ArchitectureConfig.model_validate(settings), theme
    except ValueError:
        return ArchitectureConfig(), theme


def _load_yaml(text: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None
