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
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from archdsl.diagnostics import Diagnostic, Severity, Span, source_lines

DIAGRAM_SUFFIXES = (".mmd", ".mermaid")
MARKDOWN_SUFFIXES = (".md", ".markdown")
STDIN = "-"

IO_ERROR = "AD900"
"""The file or folder cannot be read (missing, permissions, a loop of links)."""
DECODE_ERROR = "AD901"
"""The file is not UTF-8 text (binary, another encoding)."""

# Possessive quantifiers (`*+`): the info string cannot start with fence characters or
# blanks given back by the run before it, which made a long run of them quadratic.
_FENCE_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}+|~{3,}+)[ \t]*+(?P<info>[^\n`]*)$")
MAX_BYTES = 64 * 1024 * 1024
"""Larger inputs are refused unread: no diagram is this big, and a link to ``/dev/zero``
(or a huge file in a pull request) must not exhaust memory."""


class Source(NamedTuple):
    """One diagram's text and where its positions belong."""

    path: str
    text: str
    line_offset: int = 0
    column_offset: int = 0
    file: Path | None = None
    """The file on disk (``None`` for standard input)."""
    indents: tuple[int, ...] = ()
    """Per line of ``text``: the blanks taken off the containing file's line (a fence's
    indentation, or less on a line that had fewer); ``column_offset`` when absent."""

    @property
    def embedded(self) -> bool:
        return self.line_offset > 0 or self.column_offset > 0

    def to_file_position(self, diagnostic: Diagnostic) -> Diagnostic:
        """``diagnostic`` with positions in the containing file (Markdown fences)."""
        if not self.embedded:
            return diagnostic
        from dataclasses import replace

        related = tuple(replace(r, span=self.file_span(r.span)) for r in diagnostic.related)
        return replace(diagnostic, span=self.file_span(diagnostic.span), related=related)

    def file_span(self, span: Span) -> Span:
        """``span`` (in :attr:`text`) in the containing file's lines and columns."""
        return Span(
            span.line + self.line_offset,
            span.column + self._indent(span.line),
            span.end_line + self.line_offset,
            span.end_column + self._indent(span.end_line),
        )

    def _indent(self, line: int) -> int:
        if 1 <= line <= len(self.indents):
            return self.indents[line - 1]
        return self.column_offset


class Collected(NamedTuple):
    sources: list[Source]
    problems: list[Diagnostic]
    texts: dict[str, str]
    """Every file's whole text by display path (for showing source lines)."""


def _io_problem(path: str, code: str, message: str) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, Span.point(1, 1), path=path)


class NotReadable(OSError):
    """A path that is no diagram file to read: a device, a socket, or far too large."""


def read_text(path: Path, *, allow_pipe: bool = True) -> str:
    """The file as text; raises ``OSError``, ``UnicodeDecodeError`` or ``ValueError`` (NUL).

    Only regular files are read, and pipes when ``allow_pipe`` (``<(cat x)`` on the
    command line); never a device such as ``/dev/zero`` that a link in a checked-out
    pull request may point to. At most :data:`MAX_BYTES` are read.
    """
    kind = os.stat(path).st_mode
    if not (stat.S_ISREG(kind) or (allow_pipe and stat.S_ISFIFO(kind))):
        raise NotReadable(f"not a regular file ({_kind_name(kind)})")
    with open(path, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    return _decode(data)


def decode_stdin() -> str:
    return _decode(sys.stdin.buffer.read(MAX_BYTES + 1))


_OTHER_ENCODINGS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _decode(data: bytes) -> str:
    for mark, encoding in _OTHER_ENCODINGS:
        if data.startswith(mark):
            # Windows tools write these; saying so beats "NUL bytes" or "byte 0xff".
            raise ValueError(
                f"{encoding} text (it starts with a byte order mark): save it as UTF-8"
            )
    if len(data) > MAX_BYTES:
        raise NotReadable(f"larger than {MAX_BYTES // (1024 * 1024)} MiB: not a diagram")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ValueError(
            f"contains NUL bytes (the first at offset {nul}): this looks like a binary file"
        )
    return data.decode("utf-8")


_KINDS: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISFIFO, "a pipe"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind_name(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a file")


def _walk(folder: Path, problems: list[Diagnostic]) -> Iterator[Path]:
    """Diagram and Markdown files below ``folder``, sorted; unreadable folders are problems.

    os.walk does not follow links to folders, so a loop of links cannot hang us.
    """

    def unreadable(error: OSError) -> None:
        where = error.filename or str(folder)
        problems.append(_io_problem(where, IO_ERROR, f"cannot read: {error.strerror or error}"))

    for root, dirs, files in os.walk(folder, onerror=unreadable, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
        for name in sorted(files):
            if name.endswith(DIAGRAM_SUFFIXES + MARKDOWN_SUFFIXES):
                yield Path(root) / name


class Fence(NamedTuple):
    """A ```` ```mermaid ```` block: its body and where that sits in the Markdown file."""

    line_offset: int
    """The 0-based index of the body's first line (the line after the opening fence)."""
    indent: int
    """The opening fence's indentation, taken off every body line (CommonMark)."""
    body: str
    indents: tuple[int, ...]
    """The blanks actually taken off each body line (fewer where the line had fewer)."""


def markdown_blocks(text: str) -> Iterator[Fence]:
    """Each ```mermaid fence, by CommonMark's rules (an unclosed fence runs to the end).

    Lines end at LF, CRLF or a lone CR, in CommonMark as in Mermaid, so that a fence's
    lines and the diagram's lines are counted alike.
    """
    lines = source_lines(text)
    if lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]  # a byte order mark is no indentation (only read as a fence)
    index = 0
    while index < len(lines):
        match = _FENCE_OPEN.match(lines[index])
        if not match or match.group("info").strip().split(" ")[0].lower() != "mermaid":
            index += 1
            continue
        fence, indent = match.group("fence"), len(match.group("indent"))
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = index + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        taken = [min(len(line) - len(line.lstrip(" ")), indent) for line in lines[index + 1 : end]]
        body = [line[cut:] for line, cut in zip(lines[index + 1 : end], taken, strict=True)]
        yield Fence(index + 1, indent, "\n".join(body) + "\n", tuple(taken))
        index = end + 1


def markdown_fences(text: str) -> Iterator[tuple[int, int, str]]:
    """``(line_offset, column_offset, body)`` of each ```mermaid fence (CommonMark rules)."""
    for fence in markdown_blocks(text):
        yield fence.line_offset, fence.indent, fence.body


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
            Source(display, fence.body, fence.line_offset, fence.indent, path, fence.indents)
            for fence in markdown_blocks(text)
            if is_architecture(fence.body)
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
            except OSError as error:
                problems.append(_io_problem("<stdin>", IO_ERROR, f"cannot read: {error}"))
                continue
            texts["<stdin>"] = text
            sources.append(Source("<stdin>", text))
            continue
        path = Path(argument)
        if path.is_dir():
            files = list(_walk(path, problems))
        elif path.exists() or path.is_symlink():
            files = [path]
        else:
            problems.append(_io_problem(argument, IO_ERROR, "no such file or folder"))
            continue
        for file in files:
            display = str(file)
            try:
                # A pipe named on the command line is the user's; one met in a folder
                # (from a checkout) would block the run forever.
                text = read_text(file, allow_pipe=file is path)
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
