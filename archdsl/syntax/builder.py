"""Builds the model while Lark parses (an inline LALR transformer).

Each statement callback appends a finished model element to the builder, so
when the parser stops at a syntax error everything before it is kept and the
parse can resume at the next line (see :mod:`archdsl.syntax.parser`). Values
follow Mermaid's value converter: titles are trimmed, quoted titles lose their
quotes and unescape only ``\\"`` and ``\\'``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from lark import Token, Transformer

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
    Service,
    Statement,
    Title,
    TitleStatement,
)

_QUOTED = re.compile(r"""\A(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\Z""", re.DOTALL)


def token_span(first: Token, last: Token | None = None) -> Span:
    """The inclusive 1-based span from ``first`` to ``last`` (default: ``first``)."""
    last = last or first
    return Span(first.line or 0, first.column or 0, last.end_line or 0, (last.end_column or 1) - 1)


def _span_of(children: Sequence[Any]) -> Span:
    tokens = [child for child in children if isinstance(child, Token)]
    return token_span(tokens[0], tokens[-1])


def _unescape_quotes(text: str) -> str:
    return text.replace('\\"', '"').replace("\\'", "'")


def label_value(raw: str) -> Title:
    """``[ Title ]`` → ``Title``; ``["a \\" b"]`` → ``a " b`` (quote style kept)."""
    inner = raw[1:-1]
    if _QUOTED.match(inner):
        return Title.model_construct(
            text=_unescape_quotes(inner[1:-1].strip()), quote=inner[0]
        )
    return Title.model_construct(text=inner.strip(), quote=None)


def string_value(raw: str) -> str:
    """A text icon ``"text"`` → ``text`` with ``\\"`` / ``\\'`` unescaped."""
    return _unescape_quotes(raw[1:-1])


def icon_value(raw: str) -> str:
    return raw[1:-1]


def _after_colon(raw: str) -> str:
    return raw.split(":", 1)[1].strip()


def acc_descr_value(raw: str) -> tuple[str, bool]:
    """The text of ``accDescr: x`` or ``accDescr { ... }`` and whether it was a block."""
    rest = raw[len("accDescr") :].lstrip()
    if rest.startswith("{"):
        lines = rest[1:-1].strip().splitlines()
        return "\n".join(line.strip() for line in lines), True
    return _after_colon(rest), False


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
        self.comments.append(Comment.model_construct(text=str(token), span=token_span(token)))
        return token

    def start(self, children: list[Any]) -> None:
        header = children[0] if children else None
        if isinstance(header, Token) and header.type == "HEADER":
            self.header = header

    def group(self, children: list[Any]) -> None:
        _, ident, icon, label, _in, parent = children
        self.statements.append(
            Group.model_construct(
                kind="group",
                id=str(ident),
                icon=icon_value(icon) if icon else None,
                title=label_value(label) if label else None,
                parent=str(parent) if parent else None,
                span=_span_of(children),
                id_span=token_span(ident),
                parent_span=token_span(parent) if parent else token_span(ident),
                icon_span=token_span(icon) if icon else token_span(ident),
                title_span=token_span(label) if label else token_span(ident),
            )
        )

    def service(self, children: list[Any]) -> None:
        _, ident, icon, label, _in, parent = children
        is_text = icon is not None and icon.type == "STRING"
        self.statements.append(
            Service.model_construct(
                kind="service",
                id=str(ident),
                icon=icon_value(icon) if icon and not is_text else None,
                icon_text=string_value(icon) if is_text else None,
                title=label_value(label) if label else None,
                parent=str(parent) if parent else None,
                span=_span_of(children),
                id_span=token_span(ident),
                parent_span=token_span(parent) if parent else token_span(ident),
                icon_span=token_span(icon) if icon else token_span(ident),
                title_span=token_span(label) if label else token_span(ident),
            )
        )

    def junction(self, children: list[Any]) -> None:
        _, ident, _in, parent = children
        self.statements.append(
            Junction.model_construct(
                kind="junction",
                id=str(ident),
                parent=str(parent) if parent else None,
                span=_span_of(children),
                id_span=token_span(ident),
                parent_span=token_span(parent) if parent else token_span(ident),
            )
        )

    def edge(self, children: list[Any]) -> None:
        tokens: list[Token | None] = list(children)
        label = next((t for t in tokens if t is not None and t.type == "LABEL"), None)
        if label is not None:
            tokens.remove(label)
        lhs_id, lhs_group, lhs_side, arrow_left, arrow_right, rhs_side, rhs_id, rhs_group = tokens
        assert lhs_id is not None and rhs_id is not None
        assert lhs_side is not None and rhs_side is not None
        self.statements.append(
            Edge.model_construct(
                kind="edge",
                lhs=EdgeEnd.model_construct(
                    id=str(lhs_id),
                    side=str(lhs_side),
                    group=lhs_group is not None,
                    arrow=arrow_left is not None,
                    span=token_span(lhs_id),
                    side_span=token_span(lhs_side),
                ),
                rhs=EdgeEnd.model_construct(
                    id=str(rhs_id),
                    side=str(rhs_side),
                    group=rhs_group is not None,
                    arrow=arrow_right is not None,
                    span=token_span(rhs_id),
                    side_span=token_span(rhs_side),
                ),
                title=label_value(label) if label else None,
                span=_span_of(children),
            )
        )

    def align(self, children: list[Any]) -> None:
        _, axis, *members = children
        self.statements.append(
            Align.model_construct(
                kind="align",
                axis=str(axis),
                members=tuple(str(m) for m in members),
                member_spans=tuple(token_span(m) for m in members),
                span=_span_of(children),
            )
        )

    def title(self, children: list[Any]) -> None:
        (token,) = children
        self.statements.append(
            TitleStatement.model_construct(
                kind="title", text=str(token)[len("title") :].strip(), span=token_span(token)
            )
        )

    def acc_title(self, children: list[Any]) -> None:
        (token,) = children
        self.statements.append(
            AccTitle.model_construct(
                kind="acc_title", text=_after_colon(str(token)), span=token_span(token)
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
