"""Diagnostics → text for people and machines: ``text``, ``json``, ``sarif``, ``github``.

Only this module turns findings into output. Each formatter takes the sorted
diagnostics, the number of files read, and the files' texts (to show the
offending source line) and returns a string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from archdsl.diagnostics import Diagnostic, count_by_severity, source_lines

JSON_VERSION = 1
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/archdsl/archdsl"


class ReportInput(NamedTuple):
    diagnostics: Sequence[Diagnostic]
    files: int
    texts: dict[str, str]


def _summary_line(report: ReportInput) -> str:
    counts = count_by_severity(report.diagnostics)
    noun = "file" if report.files == 1 else "files"
    parts = [f"{counts[level]} {level}{'s' if counts[level] != 1 else ''}" for level in counts]
    return f"{report.files} {noun} checked: " + ", ".join(parts)


Segment = tuple[str, str]
"""A piece of a report line and its rich style ("" for none)."""

_SEVERITY_STYLES = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}


def format_text(report: ReportInput, *, color: bool = False) -> str:
    """Compiler-style: ``path:line:col: CODE severity: message``, source line, caret, help.

    Text from the input (paths, messages quoting the source, the source line) is made
    printable first: a diagram must not be able to send escape sequences to a terminal
    or a CI log, or break the one-line-per-finding shape with a line break.
    """
    lines = _text_lines(report)
    if color or any("\t" in text for line in lines for text, _style in line):
        # rich styles the lines, and expands tabs by display cells as it always did.
        return _render_with_rich(lines, color)
    # Plain text is what rich prints without colour (it is not imported: ~15 ms of a
    # cold start, the whole cost of a short report).
    return "".join("".join(text for text, _style in line) + "\n" for line in lines)


def _text_lines(report: ReportInput) -> list[list[Segment]]:
    lines: list[list[Segment]] = []
    for diagnostic in report.diagnostics:
        path = printable(diagnostic.path or "<input>")
        severity = diagnostic.severity.value
        lines.append(
            [
                (f"{path}:{diagnostic.line}:{diagnostic.column}: ", "bold"),
                (f"{diagnostic.code} {severity}", _SEVERITY_STYLES[severity]),
                (f": {printable(diagnostic.message)}", ""),
            ]
        )
        lines.extend([excerpt] for excerpt in _source_excerpt(diagnostic, report.texts))
        if diagnostic.help:
            lines.append([(f"  = help: {printable(diagnostic.help)}", "green")])
        for related in diagnostic.related:
            where = f"{related.path or diagnostic.path}:{related.span.line}:{related.span.column}"
            note = f"  = note: {printable(related.message)} ({printable(where)})"
            lines.append([(note, "dim")])
    lines.append([(_summary_line(report), "bold")])
    return lines


def _render_with_rich(lines: list[list[Segment]], color: bool) -> str:
    from io import StringIO

    from rich.console import Console
    from rich.text import Text

    buffer = StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        width=10_000,
        highlight=False,
        soft_wrap=True,
    )
    for line in lines:
        console.print(Text.assemble(*line))
    return buffer.getvalue()


# C0 and C1 controls, DEL, and the bidirectional overrides and isolates that can make a
# line read differently from what it contains ("Trojan Source", CVE-2021-42574).
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r"}


def printable(text: str) -> str:
    """``text`` with control characters written as escapes (``\\n``, ``\\u001b``)."""
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(lambda m: _NAMED.get(m.group(0)) or f"\\u{ord(m.group(0)):04x}", text)


EXCERPT_WIDTH = 120
"""Longer source lines are shown as a window around the finding, not in full (a
one-megabyte line would otherwise print two megabytes per finding)."""
_EXCERPT_CONTEXT = 40


def _source_excerpt(diagnostic: Diagnostic, texts: dict[str, str]) -> list[tuple[str, str]]:
    text = texts.get(diagnostic.path or "")
    if text is None or diagnostic.line < 1:
        return []
    lines = source_lines(text)
    if diagnostic.line > len(lines):
        return []
    # One character for one: the caret below stays under the right column.
    source = _UNPRINTABLE.sub("\ufffd", lines[diagnostic.line - 1].replace("\t", " "))
    gutter = f"{diagnostic.line:>4} | "
    start = max(diagnostic.column, 1)
    end = diagnostic.span.end_column if diagnostic.span.end_line == diagnostic.line else len(source)
    width = max(1, min(end, max(len(source), start)) - start + 1)
    shown, start, width = _window(source, start, width)
    marker = " " * (len(gutter) + start - 1) + "^" + "~" * (width - 1)
    return [(gutter + shown, ""), (marker, "bold red")]


def _window(source: str, start: int, width: int) -> tuple[str, int, int]:
    """At most :data:`EXCERPT_WIDTH` characters of ``source`` around column ``start``,
    ``…`` where cut; with the caret's column and width within what is shown."""
    if len(source) <= EXCERPT_WIDTH:
        return source, start, width
    first = max(0, min(start - 1 - _EXCERPT_CONTEXT, len(source) - EXCERPT_WIDTH))
    last = first + EXCERPT_WIDTH
    head = "…" if first > 0 else ""
    tail = "…" if last < len(source) else ""
    start = start - first + len(head)
    width = max(1, min(width, len(head) + EXCERPT_WIDTH - start + 1))
    return head + source[first:last] + tail, start, width


def _diagnostic_json(diagnostic: Diagnostic) -> dict[str, object]:
    data: dict[str, object] = {
        "code": diagnostic.code,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "path": diagnostic.path,
        "line": diagnostic.span.line,
        "column": diagnostic.span.column,
        "end_line": diagnostic.span.end_line,
        "end_column": diagnostic.span.end_column,
    }
    if diagnostic.help:
        data["help"] = diagnostic.help
    if diagnostic.related:
        data["related"] = [
            {
                "message": r.message,
                "path": r.path or diagnostic.path,
                "line": r.span.line,
                "column": r.span.column,
                "end_line": r.span.end_line,
                "end_column": r.span.end_column,
            }
            for r in diagnostic.related
        ]
    return data


def format_json(report: ReportInput) -> str:
    payload = {
        "version": JSON_VERSION,
        "files": report.files,
        "diagnostics": [_diagnostic_json(d) for d in report.diagnostics],
        "summary": count_by_severity(report.diagnostics),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def format_sarif(report: ReportInput) -> str:
    """SARIF 2.1.0 with one rule per code, described by the rule's documentation."""
    from archdsl.explain import describe

    codes = sorted({d.code for d in report.diagnostics})
    rules = []
    for code in codes:
        summary, full = describe(code)
        rules.append(
            {
                "id": code,
                "shortDescription": {"text": summary},
                "fullDescription": {"text": full or summary},
                "help": {"text": full or summary},
            }
        )
    index = {code: i for i, code in enumerate(codes)}
    results = [
        {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _SARIF_LEVEL[d.severity.value],
            "message": {"text": d.message + (f" ({d.help})" if d.help else "")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": (d.path or "<input>").replace("\\", "/")},
                        "region": {
                            "startLine": max(d.span.line, 1),
                            "startColumn": max(d.span.column, 1),
                            "endLine": max(d.span.end_line, 1),
                            "endColumn": max(d.span.end_column, 1) + 1,
                        },
                    }
                }
            ],
        }
        for d in report.diagnostics
    ]
    from archdsl import __version__

    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "archdsl",
                        "version": __version__,
                        "informationUri": INFO_URI,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _github_escape(value: str, *, property_value: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    # The workflow log shows annotations as they are: no escape sequences from a diagram.
    value = printable(value)
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


_GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def format_github(report: ReportInput) -> str:
    """GitHub Actions workflow commands (``::error file=…,line=…``)."""
    lines = []
    for d in report.diagnostics:
        props = ",".join(
            [
                f"file={_github_escape(d.path or '<input>', property_value=True)}",
                f"line={d.span.line}",
                f"col={d.span.column}",
                f"endLine={d.span.end_line}",
                f"endColumn={d.span.end_column}",
                f"title={_github_escape(d.code, property_value=True)}",
            ]
        )
        message = d.message + (f" ({d.help})" if d.help else "")
        lines.append(f"::{_GITHUB_COMMAND[d.severity.value]} {props}::{_github_escape(message)}")
    return "".join(line + "\n" for line in lines)


FORMATS: dict[str, Callable[[ReportInput], str]] = {
    "json": format_json,
    "sarif": format_sarif,
    "github": format_github,
}
