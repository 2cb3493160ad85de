"""Hypothesis strategies that write valid ``architecture-beta`` diagram TEXT.

"Valid" means Mermaid 11.17 parses and renders it: no syntax error and none of
archdsl's error-level rules (AD1xx/AD2xx errors) fire. Warnings can: same-side
edge pairs (AD206) and placement hints Mermaid drops are part of the language.

- ids avoid Mermaid's lexer traps (no uppercase ``L``/``R``/``T``/``B`` first, no
  ``title``/``acc``/``architecture`` prefix, no keyword) and are unique;
- groups nest, each declared after its parent; services and junctions sit in
  groups or not; edges join distinct services/junctions with every side pair,
  every arrow form, ``{group}`` only where the ends are in different groups, at
  most one edge per ordered pair and no two edges with the same Mermaid edge id;
- titles unquoted (any character but brackets and line breaks), double- or
  single-quoted with escapes and line breaks; text icons; ``align``; ``title``,
  ``accTitle``, ``accDescr`` (line and block);
- and the trimmings: indentation with spaces and tabs, extra spaces between
  tokens, blank and whitespace-only lines, own-line and trailing comments,
  ``%%{init}%%`` directives, YAML front matter, a statement on the header line,
  CRLF line endings, a missing final newline.

    from tests.strategies import diagram_texts

    @given(diagram_texts())
    def test_something(text: str) -> None: ...
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import cache

from hypothesis import strategies as st

__all__ = [
    "ICONS",
    "KEYWORDS",
    "comments",
    "diagram_texts",
    "ids",
    "quoted_titles",
    "text_icons",
    "titles",
    "unquoted_titles",
    "usable_id",
]

KEYWORDS = frozenset(
    {"architecture-beta", "group", "service", "junction", "in", "align", "row", "column"}
)
"""Exact words Mermaid lexes as keywords, never as ids."""

ICONS = (
    "cloud",
    "database",
    "disk",
    "internet",
    "server",
    "logos:aws-lambda",
    "logos:aws-s3",
    "logos:aws-dynamodb",
    "logos:aws-api-gateway",
    "logos:aws-sqs",
)
SIDES = ("L", "R", "T", "B")
_ICONS = st.sampled_from(ICONS)
_SIDES = st.sampled_from(SIDES)

# Title and comment characters: ASCII punctuation, letters, tabs and a few
# non-ASCII ones. Left out: `%`, so that no `%%` (a comment inside a value, which
# mermaid.parse's preprocessing would cut out) or `%%{` appears; and `=`, because
# mermaid.parse rewrites `="x"` to `='x'` between a `<word` and the next `>`
# anywhere in the text (an HTML-attribute fix that would garble titles).
_TEXT_CHARS = string.ascii_letters + string.digits + " \t_.,;:!?-/()&<>@#*+~|^$`{}" + "éüßЖ中文🚀"
_QUOTE_CHARS = "\"'"


@cache
def _choice(*options: str) -> st.SearchStrategy[str]:
    """``st.sampled_from(options)``, built once (building strategies per draw is slow)."""
    return st.sampled_from(options)


def usable_id(ident: str) -> bool:
    """Whether Mermaid's lexer reads ``ident`` as an id wherever an id may stand."""
    return not (
        ident[0] in SIDES or ident.startswith(("title", "acc", "architecture")) or ident in KEYWORDS
    )


@cache
def ids() -> st.SearchStrategy[str]:
    """Mermaid ids: ASCII word characters with inner dashes, without the lexer traps."""
    word = string.ascii_letters + string.digits + "_"
    inner = st.text(st.sampled_from(word + "-"), max_size=7)
    longer = st.tuples(st.sampled_from(word), inner, st.sampled_from(word)).map("".join)
    return st.one_of(st.sampled_from(word), longer).filter(usable_id)


@cache
def _sep() -> st.SearchStrategy[str]:
    """Whitespace between tokens that need some."""
    return _choice(" ", " ", " ", "  ", "\t", " \t ")


@cache
def _gap() -> st.SearchStrategy[str]:
    """Optional whitespace between tokens that need none."""
    return _choice("", "", "", " ", "\t")


@cache
def unquoted_titles() -> st.SearchStrategy[str]:
    """``[text]``: any character but brackets and line breaks (Mermaid 11.17+).

    Includes texts wrapped in quotes after a space (``[ "x" ]``), which Mermaid
    reads as the quoted title ``x``.
    """
    chars = _TEXT_CHARS + _QUOTE_CHARS + "\\"
    text = st.text(st.sampled_from(chars), min_size=1, max_size=14)
    padded = st.tuples(_gap(), text, _gap()).map(_pad).filter(lambda t: t.strip() != "")
    return st.one_of(padded, st.just(" ")).map(lambda t: f"[{t}]")


def _pad(parts: tuple[str, str, str]) -> str:
    left, text, right = parts
    if text[:1] in _QUOTE_CHARS and not left:
        # `["x]` would start a quoted title that runs on to the next `"]` in the file.
        left = " "
    return left + text + right


_ESCAPES = ('\\"', "\\'", "\\\\", "\\n", "\\t", "\\x")
# A whole-line comment inside a multi-line token: mermaid.parse deletes it first.
_INNER_COMMENT = "\n  %% inside\n"


@cache
def _quoted_body(quote: str, *, line_breaks: bool) -> st.SearchStrategy[str]:
    """The inside of a quoted string: characters and escapes (a backslash never ends it)."""
    plain = st.sampled_from(_TEXT_CHARS + _QUOTE_CHARS.replace(quote, "") + "[]")
    pieces = [plain, plain, plain, st.sampled_from(_ESCAPES)]
    if line_breaks:
        pieces.append(_choice("\n", "\n", "\n", _INNER_COMMENT))
    return st.lists(st.one_of(*pieces), max_size=12).map("".join)


@cache
def _quoted(quote: str, *, line_breaks: bool) -> st.SearchStrategy[str]:
    """A whole quoted string: ``quote`` + body + ``quote``."""
    return _quoted_body(quote, line_breaks=line_breaks).map(lambda body: quote + body + quote)


@cache
def quoted_titles() -> st.SearchStrategy[str]:
    """``["..."]`` / ``['...']`` with escapes, brackets and line breaks (Mermaid 11.13+)."""
    quoted = st.one_of([_quoted(q, line_breaks=True) for q in _QUOTE_CHARS])
    return quoted.map(lambda text: f"[{text}]")


@cache
def titles() -> st.SearchStrategy[str]:
    """A title token in any of the three forms."""
    return st.one_of(unquoted_titles(), quoted_titles())


@cache
def text_icons() -> st.SearchStrategy[str]:
    """A text icon ``"..."`` / ``'...'`` with backslash escapes (read as in JavaScript)."""
    return st.one_of([_quoted(q, line_breaks=False) for q in _QUOTE_CHARS])


@cache
def _line_text() -> st.SearchStrategy[str]:
    """The text of a ``title`` / ``accTitle`` line (it runs to ``%%`` or the end of line)."""
    return st.text(st.sampled_from(_TEXT_CHARS + _QUOTE_CHARS + "[]\\"), max_size=16)


@cache
def comments() -> st.SearchStrategy[str]:
    """A ``%%`` comment (never ``%%{``, which would start a directive)."""
    text = st.text(st.sampled_from(_TEXT_CHARS.replace("{", "") + _QUOTE_CHARS), max_size=16)
    return text.map(lambda t: "%%" + t)


_DIRECTIVES = (
    '%%{init: {"theme": "dark"}}%%',
    '%%{init: {"architecture": {"iconSize": 60, "padding": 30}}}%%',
    "%%{init: {\n  'theme': 'forest'\n}}%%",
)
_FRONT_MATTER = (
    "---\ntitle: Demo\n---",
    "---\ntitle: With config\nconfig:\n  theme: neutral\n  architecture:\n    fontSize: 14\n---",
    "---  \nconfig:\n  architecture:\n    randomize: false   \n---",
)


# --- the diagram's structure ----------------------------------------------------------


@dataclass
class _Structure:
    """Ids and relations of a valid diagram, before it is spelt out."""

    groups: list[tuple[str, str | None]] = field(default_factory=list)
    nodes: list[tuple[str, str, str | None]] = field(default_factory=list)
    """(kind, id, parent group)"""
    edges: list[tuple[str, str]] = field(default_factory=list)

    def parent(self, ident: str) -> str | None:
        return next(parent for _, node, parent in self.nodes if node == ident)


@st.composite
def _structures(
    draw: st.DrawFn, max_groups: int, max_services: int, max_junctions: int, max_edges: int
) -> _Structure:
    n_groups = draw(st.integers(0, max_groups))
    n_services = draw(st.integers(1, max_services))
    n_junctions = draw(st.integers(0, max_junctions))
    names = draw(
        st.lists(
            ids(),
            min_size=n_groups + n_services + n_junctions,
            max_size=n_groups + n_services + n_junctions,
            unique=True,
        )
    )
    structure = _Structure()
    group_ids = names[:n_groups]
    for index, ident in enumerate(group_ids):
        # Mermaid registers groups in order: a parent must come first.
        parent = draw(st.none() | st.sampled_from(group_ids[:index])) if index else None
        structure.groups.append((ident, parent))
    in_group = st.none() | st.sampled_from(group_ids) if group_ids else st.none()
    for position, ident in enumerate(names[n_groups:]):
        kind = "service" if position < n_services else "junction"
        structure.nodes.append((kind, ident, draw(in_group)))
    structure.edges = draw(_edge_pairs([i for _, i, _ in structure.nodes], max_edges))
    return structure


@st.composite
def _edge_pairs(draw: st.DrawFn, node_ids: list[str], max_edges: int) -> list[tuple[str, str]]:
    if len(node_ids) < 2:
        return []
    pairs = st.tuples(st.sampled_from(node_ids), st.sampled_from(node_ids))
    drawn = draw(st.lists(pairs, max_size=max_edges))
    kept: list[tuple[str, str]] = []
    edge_ids: set[str] = set()
    for lhs, rhs in drawn:
        # No self edges (AD205); one edge per ordered pair and per Mermaid edge id
        # `lhs-rhs` (AD207, AD208: `a-b`→`c` and `a`→`b-c` collide).
        if lhs == rhs or f"{lhs}-{rhs}" in edge_ids:
            continue
        edge_ids.add(f"{lhs}-{rhs}")
        kept.append((lhs, rhs))
    return kept


# --- spelling the statements ----------------------------------------------------------


@st.composite
def _group_text(draw: st.DrawFn, ident: str, parent: str | None) -> str:
    text = f"group{draw(_sep())}{ident}"
    if draw(st.booleans()):
        text += draw(_gap()) + f"({draw(_ICONS)})"
    if draw(st.booleans()):
        text += draw(_gap()) + draw(titles())
    if parent is not None:
        text += f"{draw(_sep())}in{draw(_sep())}{parent}"
    return text


@st.composite
def _node_text(draw: st.DrawFn, kind: str, ident: str, parent: str | None) -> str:
    text = f"{kind}{draw(_sep())}{ident}"
    if kind == "service":
        icon = draw(_choice("none", "icon", "icon", "text"))
        if icon == "icon":
            text += draw(_gap()) + f"({draw(_ICONS)})"
        elif icon == "text":
            text += draw(_sep()) + draw(text_icons())
        if draw(st.booleans()):
            text += draw(_gap()) + draw(titles())
    if parent is not None:
        text += f"{draw(_sep())}in{draw(_sep())}{parent}"
    return text


@st.composite
def _edge_text(draw: st.DrawFn, lhs: str, rhs: str, structure: _Structure) -> str:
    lhs_group, rhs_group = structure.parent(lhs), structure.parent(rhs)
    # `{group}` needs the node in a group (else AD204) and the ends in different groups (AD203).
    crossing = lhs_group is not None and rhs_group is not None and lhs_group != rhs_group
    g = _gap()

    def end(ident: str, in_group: bool) -> str:
        modifier = draw(g) + "{group}" if crossing and in_group and draw(st.booleans()) else ""
        return ident + modifier

    link = "--"
    if draw(st.booleans()):
        link = f"-{draw(g)}{draw(titles())}{draw(g)}-"
    # Either `<` or `>` is an arrowhead at either end (Mermaid's ARROW_INTO): `>--` is `<--`.
    left_arrow = draw(_choice("", "", "<", "<", ">"))
    right_arrow = draw(_choice("", "", ">", ">", "<"))
    left_arrow += draw(g) if left_arrow else ""
    right_arrow = (draw(g) if right_arrow else "") + right_arrow
    lhs_side, rhs_side = draw(_SIDES), draw(_SIDES)
    return (
        f"{end(lhs, True)}{draw(g)}:{draw(g)}{lhs_side}{draw(g)}{left_arrow}{link}{right_arrow}"
        f"{draw(g)}{rhs_side}{draw(g)}:{draw(g)}{end(rhs, True)}"
    )


@st.composite
def _align_text(draw: st.DrawFn, node_ids: list[str]) -> str:
    members = draw(st.lists(st.sampled_from(node_ids), min_size=2, max_size=4, unique=True))
    axis = draw(_choice("row", "column"))
    return f"align{draw(_sep())}{axis}{draw(_sep())}" + draw(_sep()).join(members)


_BLOCK_LINES = st.lists(
    st.text(
        st.sampled_from(_TEXT_CHARS.replace("{", "").replace("}", "") + _QUOTE_CHARS), max_size=12
    ),
    min_size=1,
    max_size=3,
)


@st.composite
def _meta_text(draw: st.DrawFn) -> str:
    """``title``, ``accTitle`` or ``accDescr`` in one of its forms."""
    text = draw(_line_text())
    form = draw(_choice("title", "accTitle", "accDescr", "block", "block1"))
    if form == "title":
        return f"title{draw(_sep())}{text}"
    if form in ("accTitle", "accDescr"):
        return f"{form}{draw(_gap())}:{draw(_gap())}{text}"
    lines = draw(_BLOCK_LINES)
    if form == "block1":
        return "accDescr" + draw(_gap()) + "{" + " ".join(lines) + "}"
    if draw(st.integers(0, 5)) == 0:
        lines.insert(draw(st.integers(1, len(lines))), _INNER_COMMENT.strip("\n"))
    indent = draw(_choice("", "  ", "\t", "        "))
    body = "\n".join(indent + line for line in lines)
    return f"accDescr{draw(_sep())}{{\n{body}\n{draw(_choice('', '    '))}}}"


@st.composite
def _statements(
    draw: st.DrawFn,
    max_groups: int,
    max_services: int,
    max_junctions: int,
    max_edges: int,
) -> list[str]:
    """Statement texts in an order Mermaid accepts (groups after their parents)."""
    structure = draw(_structures(max_groups, max_services, max_junctions, max_edges))
    groups = [draw(_group_text(i, p)) for i, p in structure.groups]
    others = [draw(_node_text(k, i, p)) for k, i, p in structure.nodes]
    others += [draw(_edge_text(lhs, rhs, structure)) for lhs, rhs in structure.edges]
    node_ids = [i for _, i, _ in structure.nodes]
    if len(node_ids) >= 2:
        others += draw(st.lists(_align_text(node_ids), max_size=1))
    others += draw(st.lists(_meta_text(), max_size=2))
    # Nodes may name groups declared later and edges may come before their nodes,
    # so shuffle everything; then put the groups back in their declared order.
    tagged = [(True, text) for text in groups] + [(False, text) for text in others]
    order = draw(st.permutations(tagged))
    queue = iter(groups)
    return [next(queue) if is_group else text for is_group, text in order]


# --- the whole text -------------------------------------------------------------------


@st.composite
def _blank_lines(draw: st.DrawFn) -> list[str]:
    return draw(st.lists(_choice("", "", "  ", "\t"), max_size=2))


@st.composite
def _comment_lines(draw: st.DrawFn, indent: st.SearchStrategy[str]) -> list[str]:
    lines = draw(st.lists(comments(), max_size=2))
    if draw(st.integers(0, 9)) == 0:
        lines.append(draw(_choice(*_DIRECTIVES)))
    return [draw(indent) + line for line in lines]


@st.composite
def diagram_texts(
    draw: st.DrawFn,
    *,
    max_groups: int = 3,
    max_services: int = 5,
    max_junctions: int = 2,
    max_edges: int = 6,
) -> str:
    """The text of a valid diagram, written the many ways Mermaid allows."""
    statements = draw(_statements(max_groups, max_services, max_junctions, max_edges))
    indent = _choice("    ", "    ", "  ", "\t", "", " \t")
    lines: list[str] = []
    if draw(st.integers(0, 4)) == 0:
        lines.append(draw(_choice(*_FRONT_MATTER)))
    lines += draw(_blank_lines()) + draw(_comment_lines(st.just("")))
    header = draw(_choice("architecture-beta", "architecture-beta  ", "  architecture-beta"))
    if statements and draw(st.integers(0, 5)) == 0:
        header += draw(_sep()) + statements.pop(0)
    lines.append(header + draw(_trailing_comment()))
    for statement in statements:
        lines += draw(_blank_lines()) + draw(_comment_lines(indent))
        lines.append(draw(indent) + statement + draw(_trailing_comment()))
    lines += draw(_blank_lines()) + draw(_comment_lines(indent))
    text = "\n".join(lines) + draw(_choice("\n", "\n", "", "\n\n"))
    if draw(st.integers(0, 4)) == 0:
        text = text.replace("\n", "\r\n")
    return text


@st.composite
def _trailing_comment(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 3)):
        return draw(_choice("", "", " ", "\t"))  # sometimes trailing whitespace
    return draw(_sep()) + draw(comments())
