"""Where diagrams come from: files, folders, Markdown fences and standard input.

:func:`collect` turns the command line's PATH arguments into :class:`Source`
values (one per diagram) plus I/O diagnostics for what could not be read. A
Markdown file yields one source per `````mermaid`` fence whose diagram is
``architecture-beta``; its ``line_offset``/``column_offset`` map positions back
to the Markdown file's own lines.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archdsl.diagnostics import Diagnostic, Severity, Span, source_lines

DIAGRAM_SUFFIXES = (".mmd", ".mermaid")
MARKDOWN_SUFFIXES = (".md", ".markdown")
STDIN = "-"

IO_ERROR = "AD900"
"""The file or folder cannot be read (missing, permissions, a loop of links)."""
DECODE_ERROR = "AD901"
"""The file is not UTF-8 text (binary, another encoding)."""

_FENCE_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$")


@dataclass(frozen=True)
class Source:
    """One diagram's text and where its positions belong."""

    path: str
    text: str
    line_offset: int = 0
    column_offset: int = 0
    file: Path | None = None
    """The file on disk (``None`` for standard input)."""

    @property
    def embedded(self) -> bool:
        return self.line_offset > 0 or self.column_offset > 0

    def to_file_position(self, diagnostic: Diagnostic) -> Diagnostic:
        """``diagnostic`` with positions in the containing file (Markdown fences)."""
        if not self.embedded:
            return diagnostic
        from dataclasses import replace

        related = tuple(
            replace(r, span=r.span.shifted(self.line_offset, self.column_offset))
            for r in diagnostic.related
        )
        return replace(
            diagnostic,
            span=diagnostic.span.shifted(self.line_offset, self.column_offset),
            related=related,
        )


@dataclass(frozen=True)
class Collected:
    sources: list[Source]
    problems: list[Diagnostic]
    texts: dict[str, str]
    """Every file's whole text by display path (for showing source lines)."""


def _io_problem(path: str, code: str, message: str) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, Span.point(1, 1), path=path)


def read_text(path: Path) -> str:
    """The file as text; raises ``OSError``, ``UnicodeDecodeError`` or ``ValueError`` (NUL)."""
    data = path.read_bytes()
    if b"\x00" in data:
        raise ValueError("contains NUL bytes: this looks like a binary file")
    return data.decode("utf-8")


def decode_stdin() -> str:
    data = sys.stdin.buffer.read()
    if b"\x00" in data:
        raise ValueError("contains NUL bytes: this looks like a binary file")
    return data.decode("utf-8")


def _walk(folder: Path) -> Iterator[Path]:
    # os.walk does not follow links to folders, so a loop of links cannot hang us.
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
        for name in sorted(files):
            if name.endswith(DIAGRAM_SUFFIXES + MARKDOWN_SUFFIXES):
                yield Path(root) / name


def markdown_fences(text: str) -> Iterator[tuple[int, int, str]]:
    """``(line_offset, column_offset, body)`` of each ```mermaid fence (CommonMark rules)."""
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        match = _FENCE_OPEN.match(lines[index].rstrip("\r"))
        if not match or match.group("info").strip().split(" ")[0].lower() != "mermaid":
            index += 1
            continue
        fence, indent = match.group("fence"), len(match.group("indent"))
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        body_start = index + 1
        end = body_start
        while end < len(lines) and not closing.match(lines[end].rstrip("\r")):
            end += 1
        body = [_dedent(line, indent) for line in lines[body_start:end]]
        yield body_start, indent, "\n".join(body) + "\n"
        index = end + 1


def _dedent(line: str, indent: int) -> str:
    stripped = len(line) - len(line.lstrip(" "))
    return line[min(stripped, indent) :]


def is_architecture(text: str) -> bool:
    """Whether the first word after front matter, blank and ``%%`` lines is ``architecture…``.

    Line by line rather than one regex: nested optional whitespace in a pattern
    backtracks badly on long runs of blank lines.
    """
    lines = iter(source_lines(text))
    in_front_matter = False
    for number, line in enumerate(lines):
        stripped = line.strip()
        if number == 0 and stripped == "---":
            in_front_matter = True
            continue
        if in_front_matter:
            in_front_matter = stripped != "---"
            continue
        if not stripped or stripped.startswith("%%"):
            continue
        return stripped.startswith("architecture")
    return False


def _sources_of_file(path: Path, display: str, text: str) -> list[Source]:
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        return [
            Source(display, body, line_offset, column_offset, path)
            for line_offset, column_offset, body in markdown_fences(text)
            if is_architecture(body)
        ]
    return [Source(display, text, 0, 0, path)]


def collect(arguments: list[str]) -> Collected:
    """Read every PATH argument; unreadable ones become AD900/AD901 problems."""
    sources: list[Source] = []
    problems: list[Diagnostic] = []
    texts: dict[str, str] = {}
    for argument in arguments:
        if argument == STDIN:
            try:
                text = decode_stdin()
            except (UnicodeDecodeError, ValueError) as error:
                problems.append(_io_problem("<stdin>", DECODE_ERROR, _decode_message(error)))
                continue
            texts["<stdin>"] = text
            sources.append(Source("<stdin>", text))
            continue
        path = Path(argument)
        if path.is_dir():
            files = list(_walk(path))
        elif path.exists() or path.is_symlink():
            files = [path]
        else:
            problems.append(_io_problem(argument, IO_ERROR, "no such file or folder"))
            continue
        for file in files:
            display = str(file)
            try:
                text = read_text(file)
            except (UnicodeDecodeError, ValueError) as error:
                problems.append(_io_problem(display, DECODE_ERROR, _decode_message(error)))
                continue
            except OSError as error:
                problems.append(
                    _io_problem(display, IO_ERROR, f"cannot read: {error.strerror or error}")
                )
                continue
            texts[display] = text
            sources.extend(_sources_of_file(file, display, text))
    return Collected(sources, problems, texts)


def _decode_message(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return (
            f"not UTF-8 text (byte 0x{error.object[error.start]:02x} at offset {error.start})"
            if isinstance(error.object, bytes)
            else "not UTF-8 text"
        )
    return str(error)
