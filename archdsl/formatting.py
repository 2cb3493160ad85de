"""``archdsl fmt`` over files: decide, diff, write atomically, never damage a source.

The formatter itself (:mod:`archdsl.emit.mermaid`) works on one diagram; this
module applies it to whole files: every architecture fence of a Markdown file,
the line-ending style of the original, and the refusal to touch a file with
syntax errors.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from archdsl.api import Document, FormatError, format
from archdsl.sources import (
    MARKDOWN_SUFFIXES,
    STDIN,
    Fence,
    Source,
    collect,
    is_architecture,
    markdown_blocks,
)


@dataclass
class FormatOutcome:
    exit_code: int = 0
    messages: list[str] = field(default_factory=list)
    diff: str = ""
    stdout: str | None = None
    changed: list[str] = field(default_factory=list)


_BOM = "\ufeff"


def _with_line_endings(formatted: str, original: str) -> str:
    """The original's CRLF line endings and byte order mark (Windows editors add both)."""
    if "\r\n" in original:
        formatted = formatted.replace("\n", "\r\n")
    return _BOM + formatted if original.startswith(_BOM) else formatted


def format_text(text: str, version: tuple[int, ...] | None = None) -> str:
    """The whole diagram file formatted; raises :class:`FormatError`."""
    return _with_line_endings(_format(text, version), text)


def _format(text: str, version: tuple[int, ...] | None) -> str:
    """:func:`archdsl.api.format`, with a value no spelling can carry as a refusal too."""
    from archdsl.emit.mermaid import UnformattableError

    try:
        return format(text, mermaid_version=version)
    except UnformattableError as error:
        raise Unformattable(str(error)) from error


class Unformattable(ValueError):
    """The diagram parses, but the formatter cannot write one of its values back."""


def format_markdown(text: str, version: tuple[int, ...] | None = None) -> str:
    """``text`` with every architecture fence formatted and everything else untouched."""
    lines, endings = _lines_and_endings(text)
    replacements: list[tuple[int, int, list[str]]] = []
    for fence in markdown_blocks(text):
        if not is_architecture(fence.body):
            continue
        try:
            formatted = _format(fence.body, version)
        except FormatError as error:
            raise FormatError(_shift(error, fence)) from None
        prefix = " " * fence.indent
        new_lines = [prefix + line if line else line for line in formatted.rstrip("\n").split("\n")]
        count = fence.body.rstrip("\n").count("\n") + 1 if fence.body.strip() else 0
        replacements.append((fence.line_offset, fence.line_offset + count, new_lines))
    # The fence's own line ending (LF, CRLF or CR) for every line written into it.
    for start, end, new_lines in reversed(replacements):
        ending = endings[start - 1] or "\n"
        lines[start:end] = new_lines
        endings[start:end] = [ending] * len(new_lines)
    return "".join(line + ending for line, ending in zip(lines, endings, strict=True))


_LINE_END = re.compile(r"\r\n|\r|\n")


def _lines_and_endings(text: str) -> tuple[list[str], list[str]]:
    """The lines as :func:`archdsl.diagnostics.source_lines` counts them, and the line
    break after each ("" after the last), so that the text can be put back exactly."""
    lines = _LINE_END.split(text)
    endings = [*_LINE_END.findall(text), ""]
    return lines, endings


def _shift(error: FormatError, fence: Fence) -> Document:
    from dataclasses import replace

    document = error.document
    source = Source("", fence.body, fence.line_offset, fence.indent, None, fence.indents)
    shifted = tuple(replace(d, span=source.file_span(d.span)) for d in document.diagnostics)
    return replace(document, diagnostics=shifted)


def _describe_refusal(path: str, error: FormatError) -> str:
    first = next(iter(error.document.diagnostics), None)
    if first is None:
        return f"{path}: cannot format: no architecture-beta diagram"
    return (
        f"{path}:{first.span.line}:{first.span.column}: {first.code} {first.message} "
        "(not formatted: fix the syntax errors first)"
    )


def format_paths(
    arguments: list[str], *, check: bool, version: tuple[int, ...] | None
) -> FormatOutcome:
    """Format each PATH (``-`` = stdin to stdout); ``check`` writes nothing."""
    outcome = FormatOutcome()
    collected = collect(arguments)
    for problem in collected.problems:
        outcome.messages.append(f"{problem.path}: {problem.message}")
        outcome.exit_code = 2
    for path, original in collected.texts.items():
        is_markdown = Path(path).suffix.lower() in MARKDOWN_SUFFIXES
        try:
            formatted = (
                format_markdown(original, version)
                if is_markdown
                else format_text(original, version)
            )
        except FormatError as error:
            outcome.messages.append(_describe_refusal(path, error))
            outcome.exit_code = max(outcome.exit_code, 1)
            continue
        except Unformattable as error:
            outcome.messages.append(f"{path}: cannot format: {error} (left unchanged)")
            outcome.exit_code = max(outcome.exit_code, 1)
            continue
        if path == "<stdin>" and STDIN in arguments and not check:
            outcome.stdout = formatted
            continue
        if formatted == original:
            continue
        outcome.changed.append(path)
        outcome.diff += "".join(
            difflib.unified_diff(
                original.splitlines(keepends=True),
                formatted.splitlines(keepends=True),
                fromfile=f"{path} (original)",
                tofile=f"{path} (formatted)",
            )
        )
        if check:
            outcome.messages.append(f"would reformat {path}")
            outcome.exit_code = max(outcome.exit_code, 1)
        else:
            _write(Path(path), formatted, outcome)
    return outcome


def _write(path: Path, formatted: str, outcome: FormatOutcome) -> None:
    """Replace ``path`` atomically; a failure (read-only folder, disk full) is an exit 2
    message and leaves the file as it was."""
    from archdsl.files import write_atomic

    try:
        write_atomic(path, formatted)
    except OSError as error:
        outcome.messages.append(f"{path}: cannot write: {error.strerror or error}")
        outcome.exit_code = 2
        return
    outcome.messages.append(f"reformatted {path}")
