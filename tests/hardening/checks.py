"""The hardening properties as plain functions, shared by the tests and scripts/fuzz_long.py.

Each ``check_*`` function takes one input, runs one stage and raises ``AssertionError``
(or lets the stage's own exception through) when a promise is broken. None of them
needs pytest, so the long fuzz run can call them in a loop.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from typer.testing import CliRunner

from archdsl.api import FormatError, format, parse, validate
from archdsl.diagnostics import Diagnostic, Severity, Span
from tests.hardening.mutations import line_positions

__all__ = [
    "EXIT_CODES",
    "assert_span_inside",
    "check_cli_on_bytes",
    "check_format_if_accepted",
    "check_markdown",
    "check_render",
    "check_validate",
    "run_cli",
]

EXIT_CODES = frozenset({0, 1, 2})


def assert_span_inside(span: Span, lengths: list[int], what: str) -> None:
    """``span`` names characters of the text: 1-based lines, columns up to length + 1."""
    assert 1 <= span.line <= len(lengths), f"{what}: line {span.line} of {len(lengths)}"
    assert 1 <= span.end_line <= len(lengths), f"{what}: end line {span.end_line}"
    assert span.line <= span.end_line, f"{what}: ends before it starts"
    assert 1 <= span.column <= lengths[span.line - 1] + 1, (
        f"{what}: column {span.column} on a line of {lengths[span.line - 1]}"
    )
    assert 1 <= span.end_column <= lengths[span.end_line - 1] + 1, (
        f"{what}: end column {span.end_column} on a line of {lengths[span.end_line - 1]}"
    )
    if span.line == span.end_line:
        assert span.column <= span.end_column, f"{what}: end column before start"


def assert_diagnostics_inside(diagnostics: Iterable[Diagnostic], text: str) -> None:
    lengths = line_positions(text)
    for diagnostic in diagnostics:
        where = f"{diagnostic.code} {diagnostic.message!r}"
        assert_span_inside(diagnostic.span, lengths, where)
        for related in diagnostic.related:
            assert_span_inside(related.span, lengths, f"{where} related {related.message!r}")
        assert diagnostic.message.strip(), f"{diagnostic.code} has an empty message"


def check_validate(text: str) -> None:
    """``validate`` never raises and every position lies inside ``text``."""
    document = validate(text, path="fuzz.mmd")
    assert_diagnostics_inside(document.diagnostics, text)
    for diagnostic in document.diagnostics:
        assert diagnostic.severity in Severity


def check_format_if_accepted(text: str) -> str | None:
    """When fmt accepts ``text``: same model, and formatting again changes nothing."""
    from tests.test_roundtrip import model_view

    try:
        formatted = format(text)
    except FormatError:
        return None
    original, again = parse(text).diagram, parse(formatted)
    assert original is not None and again.diagram is not None
    assert again.syntax_ok, [f"{d.code} {d.message}" for d in again.diagnostics]
    assert model_view(again.diagram) == model_view(original)
    assert format(formatted) == formatted
    return formatted


def check_render(text: str) -> None:
    """A diagram without errors renders to well-formed SVG and to layout JSON."""
    import xml.etree.ElementTree as ET

    from archdsl.rendering import RenderRequest, render

    document = validate(text)
    if not document.ok or document.diagram is None:
        return
    svg = render(document.diagram, RenderRequest(output_format="svg"))
    assert isinstance(svg, str)
    ET.fromstring(svg)
    layout = render(document.diagram, RenderRequest(output_format="json"))
    assert isinstance(layout, str)
    json.loads(layout)


_RUNNER = CliRunner()


def run_cli(*args: str, stdin: bytes | str | None = None) -> tuple[int, str, str]:
    """``archdsl ARGS`` in-process; fails on any exception that is not a clean exit."""
    from archdsl.cli import app

    result = _RUNNER.invoke(app, list(args), input=stdin)
    error = result.exception
    if error is not None and not isinstance(error, SystemExit):
        raise AssertionError(
            f"archdsl {' '.join(args)} raised {type(error).__name__}: {error}"
        ) from error
    assert result.exit_code in EXIT_CODES, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def check_cli_on_bytes(data: bytes, suffix: str = ".mmd") -> None:
    """validate (every format), fmt --check, fmt of stdin and render on a file of
    ``data``: no exception, exit codes in {0, 1, 2}, the file unchanged."""
    with tempfile.TemporaryDirectory(prefix="archdsl-fuzz-") as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        for output in ("text", "json"):
            _, out, _ = run_cli("validate", "--format", output, str(path))
            if output == "json":
                json.loads(out)
        run_cli("fmt", "--check", str(path))
        run_cli("fmt", "-", stdin=data)
        run_cli("render", str(path), "--format", "json")
        assert path.read_bytes() == data, "a read-only command changed its input"
        assert os.listdir(folder) == [path.name], "a command left a file behind"


def check_markdown(document: str) -> None:
    """A Markdown file: JSON diagnostics point inside the Markdown file's own lines, and
    ``fmt`` leaves a file that it then finds formatted (and says so with exit 0)."""
    with tempfile.TemporaryDirectory(prefix="archdsl-fuzz-") as folder:
        path = Path(folder) / "notes.md"
        path.write_text(document, encoding="utf-8", newline="")
        code, out, _ = run_cli("validate", "--format", "json", str(path))
        lengths = line_positions(document)
        for diagnostic in json.loads(out)["diagnostics"]:
            span = Span(
                diagnostic["line"],
                diagnostic["column"],
                diagnostic["end_line"],
                diagnostic["end_column"],
            )
            assert_span_inside(span, lengths, f"{diagnostic['code']} {diagnostic['message']!r}")
        code, _, _ = run_cli("fmt", str(path))
        if code == 0:
            assert run_cli("fmt", "--check", str(path))[0] == 0, path.read_text(encoding="utf-8")
