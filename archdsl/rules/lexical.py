"""Lexical rules (AD003–AD005): tokens archdsl parses but Mermaid's lexer refuses.

archdsl's grammar deliberately accepts ids that Mermaid's lexer cannot read
(ids starting with an uppercase side letter, ids starting with ``title``,
keywords as ids) and any title form, so that these rules can explain each case
at its own token instead of a bare "unexpected token".

This module also holds the small source helpers the other rule modules share:
finding a token the model has no span for (an edge title, a ``{group}``
modifier) and comparing against the targeted Mermaid version.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from archdsl.diagnostics import Severity, Span
from archdsl.model import NO_SPAN, Align, Diagram, Edge, EdgeEnd, Group, Junction, Service, Title
from archdsl.rules.base import CheckContext, Problem, rule

NEWEST = (11, 17)
"""The Mermaid version archdsl's language follows when no version is targeted."""

KEYWORDS = frozenset(
    {"architecture-beta", "group", "service", "junction", "in", "align", "row", "column"}
)
"""Words Mermaid's lexer always reads as keywords, never as ids."""

SIDE_LETTERS = frozenset("LRTB")
_OLD_TITLE_CHARACTER = re.compile(r"[A-Za-z0-9_ ]")


# -- shared helpers ------------------------------------------------------------------


def targets_before(context: CheckContext, version: tuple[int, ...]) -> bool:
    """True when a Mermaid version older than ``version`` is targeted."""
    target = context.options.mermaid_version
    if target is None:
        return False
    width = max(len(target), len(version))
    return tuple(target) + (0,) * (width - len(target)) < version + (0,) * (width - len(version))


def version_text(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


class SourceMap(NamedTuple):
    """Line/column ↔ offset conversions over the checked source text."""

    text: str
    line_starts: tuple[int, ...]

    @classmethod
    def of(cls, context: CheckContext) -> SourceMap:
        cached = context.cache.get("lexical.source_map")
        if isinstance(cached, SourceMap):
            return cached
        starts = [0] + [match.end() for match in re.finditer("\n", context.source)]
        made = cls(context.source, tuple(starts))
        context.cache["lexical.source_map"] = made
        return made

    def offset(self, line: int, column: int) -> int:
        return self.line_starts[line - 1] + column - 1

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def covers(self, span: Span) -> bool:
        return span != NO_SPAN and 0 < span.line <= span.end_line <= len(self.line_starts)

    def text_of(self, span: Span) -> str | None:
        """The source text of ``span`` (``None`` for code-built elements)."""
        if not self.covers(span):
            return None
        return self.text[
            self.offset(span.line, span.column) : self.offset(span.end_line, span.end_column) + 1
        ]

    def span_of(self, start: int, end: int) -> Span:
        """The span of ``text[start:end]`` (``end`` exclusive)."""
        line, column = self.position(start)
        end_line, end_column = self.position(end - 1)
        return Span(line, column, end_line, end_column)


def edge_title_span(context: CheckContext, edge: Edge) -> Span:
    """Where an edge's ``[title]`` is (the model keeps no span for it)."""
    source = SourceMap.of(context)
    if edge.title is None or not (
        source.covers(edge.lhs.side_span) and source.covers(edge.rhs.side_span)
    ):
        return edge.span
    start = source.offset(edge.lhs.side_span.end_line, edge.lhs.side_span.end_column)
    end = source.offset(edge.rhs.side_span.line, edge.rhs.side_span.column)
    opening = source.text.find("[", start, end)
    closing = source.text.rfind("]", start, end)
    if opening < 0 or closing < opening:
        return edge.span
    return source.span_of(opening, closing + 1)


def group_modifier_span(context: CheckContext, edge: Edge, end: EdgeEnd) -> Span:
    """Where an end's ``{group}`` is (the model keeps no span for it)."""
    source = SourceMap.of(context)
    if not (source.covers(end.span) and source.covers(edge.span)):
        return end.span
    start = source.offset(end.span.end_line, end.span.end_column) + 1
    limit = source.offset(edge.span.end_line, edge.span.end_column) + 1
    if end is edge.lhs and source.covers(end.side_span):
        limit = source.offset(end.side_span.line, end.side_span.column)
    found = source.text.find("{group}", start, limit)
    return end.span if found < 0 else source.span_of(found, found + len("{group}"))


class IdToken(NamedTuple):
    """One place an id is written: a declaration, an ``in`` target, an edge end, an align member."""

    id: str
    span: Span


def id_tokens(diagram: Diagram) -> Iterator[IdToken]:
    """Every id token of the diagram, in statement order."""
    for statement in diagram.statements:
        if isinstance(statement, Group | Service | Junction):
            yield IdToken(statement.id, statement.id_span)
            if statement.parent is not None:
                yield IdToken(statement.parent, statement.parent_span)
        elif isinstance(statement, Edge):
            yield IdToken(statement.lhs.id, statement.lhs.span)
            yield IdToken(statement.rhs.id, statement.rhs.span)
        elif isinstance(statement, Align):
            for member, span in zip(statement.members, member_spans(statement), strict=True):
                yield IdToken(member, span)


def id_tokens_where(context: CheckContext, bad: Callable[[str], bool]) -> Iterator[IdToken]:
    """The id tokens whose id is ``bad`` (checked once per distinct id)."""
    ids = context.cache.get("lexical.ids")
    if not isinstance(ids, set):
        ids = _all_ids(context.diagram)
        context.cache["lexical.ids"] = ids
    offending = {i for i in ids if bad(i)}
    if offending:
        yield from (token for token in id_tokens(context.diagram) if token.id in offending)


def _all_ids(diagram: Diagram) -> set[str]:
    found = {element.id for element in (*diagram.groups, *diagram.services, *diagram.junctions)}
    found.update(
        e.parent for e in (*diagram.groups, *diagram.services, *diagram.junctions) if e.parent
    )
    for edge in diagram.edges:
        found.add(edge.lhs.id)
        found.add(edge.rhs.id)
    for align in diagram.aligns:
        found.update(align.members)
    return found


def member_spans(align: Align) -> tuple[Span, ...]:
    """The span of each align member (``NO_SPAN`` each for code-built statements)."""
    spans = align.member_spans
    return spans if len(spans) == len(align.members) else (NO_SPAN,) * len(align.members)


def free_name(diagram: Diagram, candidates: list[str]) -> str:
    """The first candidate id not already declared (or the first with a number)."""
    taken = diagram.elements
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    base = candidates[0]
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


# -- AD003 ---------------------------------------------------------------------------


class _TitleUse(NamedTuple):
    title: Title
    span: Span
    owner: str


def _titles(context: CheckContext) -> Iterator[_TitleUse]:
    diagram = context.diagram
    titled: tuple[Group | Service, ...] = (*diagram.groups, *diagram.services)
    for element in titled:
        if element.title is not None:
            yield _TitleUse(element.title, element.title_span, f"`{element.id}`")
    for edge in diagram.edges:
        if edge.title is not None:
            owner = f"the edge `{edge.lhs.id}` – `{edge.rhs.id}`"
            yield _TitleUse(edge.title, edge_title_span(context, edge), owner)


def _raw_title(context: CheckContext, use: _TitleUse) -> str:
    """The title as written between the brackets (trimmed values lose tabs)."""
    raw = SourceMap.of(context).text_of(use.span)
    if raw and raw.startswith("[") and raw.endswith("]"):
        return raw[1:-1]
    return use.title.text


def _describe_characters(text: str) -> str:
    bad: list[str] = []
    for character in text:
        if not _OLD_TITLE_CHARACTER.match(character) and character not in bad:
            bad.append(character)
    named = ["a tab" if c == "\t" else f"`{c}`" if c.isprintable() else repr(c) for c in bad[:3]]
    more = " …" if len(bad) > 3 else ""
    return ", ".join(named) + more


def _plain_title(text: str) -> str:
    """``text`` reduced to what every Mermaid version accepts unquoted."""
    plain = " ".join(re.sub(r"[^A-Za-z0-9_ ]+", " ", text).split())
    return plain or "Title"


def _quoted(text: str) -> str:
    if '"' in text and "'" not in text:
        return f"['{text}']"
    return '["' + text.replace('"', '\\"') + '"]'


@rule("AD003", "title-form", Severity.ERROR)
def title_form(context: CheckContext) -> Iterator[Problem]:
    """Title form not accepted by the targeted Mermaid version.

    Only checked when a Mermaid version is targeted (`mermaid-version` in the
    configuration, or `--mermaid-version`): many hosts (GitHub, wikis) render
    with an older Mermaid than the newest, 11.17. Titles changed twice:

    - before 11.17, an unquoted title takes only ASCII letters, digits, `_` and
      spaces: a dot, dash, slash, tab or any non-ASCII letter is a parse error;
    - before 11.13, quoted titles (`["…"]`, `['…']`) do not exist at all.

    This applies to group, service and edge titles alike.

    Bad (targeting 11.12):   service api(server)[api.example.com]
    Good (11.13 to 11.16):   service api(server)["api.example.com"]
    Good (any version):      service api(server)[api example com]

    `archdsl fmt` quotes such titles for you.
    """
    if not targets_before(context, NEWEST):
        return
    quotes_known = not targets_before(context, (11, 13))
    target = version_text(context.options.mermaid_version or NEWEST)
    for use in _titles(context):
        raw = _raw_title(context, use)
        if use.title.quote is not None:
            if not quotes_known:
                yield _quoted_too_early(use, raw, target)
            continue
        if all(_OLD_TITLE_CHARACTER.match(character) for character in raw):
            continue
        characters = _describe_characters(raw)
        fix = (
            f"quote it: `{_quoted(use.title.text)}`"
            if quotes_known
            else "use only letters, digits, `_` and spaces, e.g. "
            f"`[{_plain_title(use.title.text)}]` (quoted titles need Mermaid 11.13)"
        )
        yield Problem(
            use.span,
            f"the title of {use.owner} contains {characters}: Mermaid before 11.17 accepts "
            f"only letters, digits, `_` and spaces in an unquoted title (targeting {target})",
            help=fix,
        )


def _quoted_too_early(use: _TitleUse, raw: str, target: str) -> Problem:
    text = use.title.text
    if all(_OLD_TITLE_CHARACTER.match(character) for character in text):
        fix = f"write it without quotes: `[{text}]`"
    else:
        fix = f"use only letters, digits, `_` and spaces, unquoted: `[{_plain_title(text)}]`"
    return Problem(
        use.span,
        f"the title of {use.owner} is quoted ({raw[:1]}…{raw[-1:]}): quoted titles need "
        f"Mermaid 11.13 (targeting {target})",
        help=fix,
    )


# -- AD004 ---------------------------------------------------------------------------


@rule("AD004", "side-letter-id", Severity.ERROR)
def side_letter_id(context: CheckContext) -> Iterator[Problem]:
    """Id starts with an uppercase `L`, `R`, `T` or `B`.

    Mermaid's lexer tries the side token (`L`, `R`, `T`, `B`, used in edges such
    as `a:R -- L:b`) before the id token and takes the first match, not the
    longest. So `Redis` is read as the side `R` followed by `edis`, and the
    diagram fails with "Expecting token of type 'ID' but found `R`"
    (mermaid#7022). Every place the id is written fails: its declaration, edge
    ends, `in` targets and `align` members; each is reported.

    Lowercase (`redis`) and other capitals (`Api`, `DB`) are fine.

    Bad:   service Redis(database)
    Good:  service redis(database)[Redis]

    Fix: rename the id everywhere; keep the capitalised name as the title.
    """
    diagram = context.diagram
    suggestions: dict[str, str] = {}
    for token in id_tokens_where(context, lambda found: found[:1] in SIDE_LETTERS):
        if token.id not in suggestions:
            lowered = token.id[0].lower() + token.id[1:]
            suggestions[token.id] = free_name(diagram, [lowered, f"_{token.id}"])
        yield Problem(
            token.span,
            f"`{token.id}` starts with `{token.id[0]}`, which Mermaid's lexer reads as a side: "
            "Mermaid cannot parse this id (mermaid#7022)",
            help=f"rename it everywhere, e.g. `{suggestions[token.id]}`"
            f" (keep `[{token.id}]` as its title)",
        )


# -- AD005 ---------------------------------------------------------------------------


def _keyword_like(found: str) -> bool:
    return found in KEYWORDS or found.startswith("title")


@rule("AD005", "keyword-id", Severity.ERROR)
def keyword_id(context: CheckContext) -> Iterator[Problem]:
    """Id is a keyword or starts with `title`.

    Mermaid's lexer reads `group`, `service`, `junction`, `in`, `align`, `row`,
    `column` and `architecture-beta` as keywords wherever they appear, so they
    cannot be ids. It also reads `title` followed by anything as a diagram
    title line, so no id may start with `title` (`titleSvc` fails too). Ids that
    merely contain a keyword are fine: `inbox`, `groupware`, `rows`, `subtitle`.
    Every place the id is written is reported: declarations, edge ends, `in`
    targets and `align` members.

    Bad:   service row(server)
    Bad:   service titleService(server)
    Good:  service row_node(server)[row]

    Fix: rename the id everywhere.
    """
    diagram = context.diagram
    for token in id_tokens_where(context, _keyword_like):
        if token.id in KEYWORDS:
            why = f"`{token.id}` is a keyword"
        elif token.id == "title":
            why = "`title` starts a title line"
        elif token.id.startswith("title"):
            why = f"`{token.id}` starts with `title`, which starts a title line"
        else:
            continue
        better = free_name(diagram, [f"{token.id}_node", f"_{token.id}"])
        if token.id.startswith("title"):
            better = free_name(diagram, [f"the_{token.id}"])
        yield Problem(
            token.span,
            f"{why}: Mermaid cannot use it as an id",
            help=f"rename it everywhere, e.g. `{better}`",
        )
