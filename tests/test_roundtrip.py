"""Round trips through the formatter: it keeps the model, and it is a fixed point.

For generated diagram texts (:mod:`tests.strategies`) and Mermaid's own corpus:

- the text parses without syntax errors;
- ``parse(fmt(x))`` is ``parse(x)`` with positions ignored (:func:`model_view`);
- ``fmt(fmt(x)) == fmt(x)``.

``HYPOTHESIS_PROFILE=long`` runs the properties with many more examples.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archdsl.api import format as format_text
from archdsl.api import parse
from archdsl.model import Diagram, Title
from tests.shared_data import corpus_files, require_shared
from tests.strategies import diagram_texts

# At least 150 examples; more when a profile (HYPOTHESIS_PROFILE=long) asks for more.
PROPERTY = settings(max_examples=max(150, settings().max_examples), deadline=None)

_LINE_BREAK = re.compile(r"\r\n?")
_OLD_UNQUOTED = re.compile(r"[A-Za-z0-9_ ]*")


def model_view(diagram: Diagram, *, quotes: bool = True) -> dict[str, Any]:
    """``diagram`` as plain data without positions, for comparing two parses.

    Statements compare field by field without their spans. Comments compare by
    text and by whether they trail a statement, not by where they are. Line breaks
    inside values compare as LF, as mermaid.parse reads them (the formatter writes
    LF); comment and front-matter lines compare without trailing spaces (the
    formatter drops those). ``quotes=False`` also ignores how titles were quoted.
    """
    return {
        "statements": [_plain(statement.model_dump(), quotes) for statement in diagram.statements],
        "comments": [(_rstrip_lines(c.text), c.trailing) for c in diagram.comments],
        "front_matter": (
            None if diagram.front_matter is None else _rstrip_lines(diagram.front_matter)
        ),
        "config": diagram.config.model_dump(),
        "theme": diagram.theme,
    }


def _plain(value: Any, quotes: bool) -> Any:
    if isinstance(value, dict):
        return {
            key: _plain(item, quotes)
            for key, item in value.items()
            if not key.endswith(("span", "spans")) and (quotes or key != "quote")
        }
    if isinstance(value, (list, tuple)):
        return [_plain(item, quotes) for item in value]
    if isinstance(value, str):
        return _LINE_BREAK.sub("\n", value)
    return value


def _rstrip_lines(text: str) -> str:
    return "\n".join(line.rstrip() for line in _LINE_BREAK.sub("\n", text).split("\n"))


def _diagram(text: str) -> Diagram:
    document = parse(text)
    assert document.diagram is not None and document.syntax_ok, [
        f"{d.code}:{d.span.line}:{d.span.column} {d.message}" for d in document.diagnostics
    ]
    return document.diagram


def assert_round_trip(text: str, mermaid_version: tuple[int, ...] | None = None) -> str:
    """Formats ``text`` and checks the model survives and a second pass changes nothing."""
    formatted = format_text(text, mermaid_version=mermaid_version)
    quotes = mermaid_version is None  # an old target may requote titles, nothing else
    assert model_view(_diagram(formatted), quotes=quotes) == model_view(
        _diagram(text), quotes=quotes
    )
    assert format_text(formatted, mermaid_version=mermaid_version) == formatted
    return formatted


@PROPERTY
@given(diagram_texts())
def test_generated_diagrams_parse_and_format_to_a_fixed_point_with_the_same_model(
    text: str,
) -> None:
    formatted = assert_round_trip(text)
    assert formatted.endswith("\n") and not formatted.endswith("\n\n")
    assert "\r" not in formatted


@PROPERTY
@given(diagram_texts(), st.sampled_from([(11, 12), (11, 14), (11, 16, 2), (11, 17)]))
def test_format_for_an_old_mermaid_only_requotes(text: str, version: tuple[int, ...]) -> None:
    formatted = assert_round_trip(text, mermaid_version=version)
    if (11, 13) <= version < (11, 17):
        # AD003's safe fix: every unquoted title is one that version can read, unless
        # no quotes can hold it either.
        unquoted = [title.text for title in _titles(_diagram(formatted)) if title.quote is None]
        left = [t for t in unquoted if not _OLD_UNQUOTED.fullmatch(t) and _quotable(t)]
        assert left == []


def _quotable(text: str) -> bool:
    """Whether a quote style can hold ``text``: an odd backslash run escapes what follows."""

    def odd_run_before(end: str) -> bool:
        return re.search(r"(?<!\\)\\(?:\\\\)*" + end, text) is not None

    return not odd_run_before("$") and not (odd_run_before('"') and odd_run_before("'"))


def _titles(diagram: Diagram) -> list[Title]:
    found = [getattr(statement, "title", None) for statement in diagram.statements]
    return [title for title in found if isinstance(title, Title)]


def test_corpus_formats_to_a_fixed_point_with_the_same_model() -> None:
    require_shared()
    checked, failed = 0, []
    for path in corpus_files():
        text = path.read_text(encoding="utf-8")
        if not parse(text).syntax_ok:
            continue  # fragments without a header; formatting refuses them
        checked += 1
        try:
            assert_round_trip(text)
        except AssertionError as error:
            failed.append(f"{path.name}: {error}")
    assert failed == []
    assert checked >= 50


@pytest.mark.parametrize("name", ["docs-03.mmd", "demo-randomize-01.mmd"])
def test_corpus_directives_survive(name: str) -> None:
    path = require_shared() / "corpus" / "mermaid" / name
    if not Path(path).is_file():
        pytest.skip(f"{name} is not in the corpus")
    formatted = assert_round_trip(path.read_text(encoding="utf-8"))
    assert "%%{" in formatted
