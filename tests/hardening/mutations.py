"""Hypothesis strategies for hostile text: valid diagrams, broken in every way.

:func:`mutated_texts` starts from a valid diagram (:func:`tests.strategies.diagram_texts`)
and applies a few mutations: lines deleted, duplicated or shuffled, tokens of the
language injected where they do not belong, random Unicode (control characters,
NUL, line and paragraph separators, surrogate-free astral characters), and
truncation at any byte of the UTF-8 encoding. :func:`hostile_bytes` gives the
same as bytes for the command line, including cuts inside a multi-byte character.
"""

from __future__ import annotations

import re

from hypothesis import strategies as st

from tests.strategies import diagram_texts

__all__ = ["INJECTED_TOKENS", "hostile_bytes", "line_positions", "mutated_texts", "split_lines"]

INJECTED_TOKENS = (
    "architecture-beta", "group", "service", "junction", " in ", "align row", "align column",
    "title", "accTitle:", "accDescr:", "accDescr {", "{", "}", "[", "]", '["', '"]', "['", "']",
    "(", ")", "(logos:aws-lambda)", "(server)", ":L", ":R", "T:", "B:", "--", "-->", "<--",
    "<-->", "-[", "]-", "]->", "{group}", "%%", "%%{", "}%%", '%%{init: {"theme": "dark"}}%%',
    "---", "\n---\n", "\n---\nconfig:\n  theme: dark\n---\n", '"', "'", "\\", "\\\\", "\r",
    "\r\n", "\n", "\x00", "\ufeff", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\t",
    '<b x="y">', "<", ">", "%% archdsl-ignore", "%% archdsl-ignore-file", "AD101", "L", "Rx",
    "title x", "accX", "&", "&amp;", "<script>", "]]>", "🚀", "é", "\u200b", "\U0010ffff",
    "\ud7ff", "```", "```mermaid", "  ", "in in", "service service", ":", "-", "--x",
)  # fmt: skip
"""Pieces of the language (and of its surroundings) that break a diagram when misplaced."""

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """``text``'s lines as the parser counts them (LF, CRLF and lone CR end a line)."""
    return _LINE_BREAK.split(text)


def line_positions(text: str) -> list[int]:
    """Each line's length, indexed from 0 (for checking diagnostic positions)."""
    return [len(line) for line in split_lines(text)]


@st.composite
def _delete_line(draw: st.DrawFn, lines: list[str]) -> list[str]:
    if lines:
        del lines[draw(st.integers(0, len(lines) - 1))]
    return lines


@st.composite
def _duplicate_line(draw: st.DrawFn, lines: list[str]) -> list[str]:
    if lines:
        index = draw(st.integers(0, len(lines) - 1))
        lines.insert(draw(st.integers(0, len(lines))), lines[index])
    return lines


@st.composite
def _shuffle_lines(draw: st.DrawFn, lines: list[str]) -> list[str]:
    return list(draw(st.permutations(lines)))


def _in_text(edit: st.SearchStrategy[str]) -> st.SearchStrategy[object]:
    """A mutation that edits the text at a random offset (not line by line)."""
    return st.tuples(st.just("insert"), edit, st.floats(0, 1))


_RANDOM_UNICODE = st.text(
    st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Z", "C")), max_size=8
)
# C0 and C1 controls, NUL included.
_CONTROLS = st.text(
    st.sampled_from([chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))]), min_size=1, max_size=3
)


@st.composite
def _text_mutation(draw: st.DrawFn, text: str) -> str:
    """One edit at one offset: inject a token, random Unicode or control characters; cut."""
    at = draw(st.integers(0, len(text)))
    kind = draw(st.sampled_from(("token", "token", "unicode", "control", "delete", "cut")))
    if kind == "cut":
        return text[:at]
    if kind == "delete":
        return text[:at] + text[at + draw(st.integers(1, 5)) :]
    piece = {
        "token": st.sampled_from(INJECTED_TOKENS),
        "unicode": _RANDOM_UNICODE,
        "control": _CONTROLS,
    }[kind]
    return text[:at] + draw(piece) + text[at:]


@st.composite
def _line_mutation(draw: st.DrawFn, text: str) -> str:
    lines = text.split("\n")
    mutate = draw(st.sampled_from((_delete_line, _duplicate_line, _shuffle_lines)))
    return "\n".join(draw(mutate(lines)))


@st.composite
def mutated_texts(draw: st.DrawFn, *, max_mutations: int = 4) -> str:
    """A valid diagram with 1 to ``max_mutations`` edits: probably not valid any more."""
    text = draw(diagram_texts())
    for _ in range(draw(st.integers(1, max_mutations))):
        mutation = draw(st.sampled_from((_text_mutation, _text_mutation, _line_mutation)))
        text = draw(mutation(text))
    return text


@st.composite
def _truncated_utf8(draw: st.DrawFn) -> bytes:
    data = draw(mutated_texts()).encode("utf-8")
    return data[: draw(st.integers(0, len(data)))]


@st.composite
def _spliced_bytes(draw: st.DrawFn) -> bytes:
    data = draw(diagram_texts()).encode("utf-8")
    at = draw(st.integers(0, len(data)))
    return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]


def hostile_bytes() -> st.SearchStrategy[bytes]:
    """File contents: mutated diagrams cut at any byte, random bytes spliced in, BOMs."""
    with_bom = mutated_texts().map(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"))
    return st.one_of(_truncated_utf8(), _spliced_bytes(), with_bom, st.binary(max_size=64))
