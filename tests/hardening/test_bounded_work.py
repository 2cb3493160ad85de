"""Bounded work: pathological lines get an answer, and no regex backtracks badly.

The pathological lines are 100,000 characters of one repeated piece, placed where each
does most harm (a bare line, a title, an edge, a comment, before the header). No time
is asserted (pytest's own limits apply); the time each takes is printed, and on the
machine this was written on every one answers well within two seconds.

The regex audit runs every compiled pattern in archdsl, and every terminal of the
grammar, the way the code uses it (``match`` or ``search``) on long runs of the
characters that make patterns backtrack. A pattern that is slow there is measured
again on twice the text: time growing by more than three times is quadratic.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import pkgutil
import re
import time
from collections.abc import Callable

import pytest

import archdsl
from archdsl.api import SYNTAX_CODES, FormatError, format, validate
from archdsl.icons import sanitize_svg_body
from archdsl.layout.text import wrap
from archdsl.sources import is_architecture, markdown_fences
from archdsl.suppress import Suppressions
from archdsl.syntax import builder, errors
from archdsl.syntax.parser import MAX_SYNTAX_ERRORS, rewrite_tag_attributes

LENGTH = 100_000
PIECES = (
    "[", "(", "-", '"', "'", "%%{", '["', "['", "{", "}", "<", ">", "\\", "%%", "%", ":",
    " ", "\t", "`", "~", "]", ")", "--", "-[", "<-", "a-", "a:R ", "{group}", " in", "title ",
    "accDescr {", "%%{init: ", "---\n", "\u00a0", "\u2028", "\u200b",
)  # fmt: skip
PLACES: dict[str, Callable[[str], str]] = {
    "line": lambda run: f"architecture-beta\n{run}\n",
    "service": lambda run: f"architecture-beta\n    service a(server){run}\n",
    "title": lambda run: f"architecture-beta\n    service a(server)[{run}\n",
    "edge": lambda run: f"architecture-beta\n    a:R {run} L:b\n",
    "comment": lambda run: f"architecture-beta\n%%{run}\n",
    "accDescr": lambda run: f"architecture-beta\n    accDescr {{x{run}y\n",
    "no header": lambda run: f"{run}\n",
}


def _run(piece: str, length: int = LENGTH) -> str:
    return (piece * (length // len(piece) + 1))[:length]


def _answer(text: str) -> tuple[float, int]:
    start = time.perf_counter()
    findings = len(validate(text).diagnostics)
    with contextlib.suppress(FormatError):
        format(text)
    return time.perf_counter() - start, findings


@pytest.mark.slow
@pytest.mark.parametrize("piece", PIECES)
def test_pathological_lines_get_an_answer(piece: str) -> None:
    timings = []
    for place, build in PLACES.items():
        seconds, findings = _answer(build(_run(piece)))
        assert findings < 200  # one finding per mistake, no cascade
        timings.append(f"{place} {seconds:.2f}s")
    print(f"{piece!r} x {LENGTH}: " + ", ".join(timings))


def test_many_lines_of_each_piece_get_an_answer() -> None:
    # Ten thousand short broken lines: each error is explained and parsing resumes.
    for piece in ("[", '["', "(", "-", '"', "%%{"):
        text = "architecture-beta\n" + (f"    service a{piece}\n" * 10_000)
        document = validate(text)
        syntax = [d for d in document.diagnostics if d.code in SYNTAX_CODES]
        # At most MAX_SYNTAX_ERRORS; `%%{` starts a directive that takes the rest.
        assert len(syntax) <= MAX_SYNTAX_ERRORS
        assert document.diagnostics or piece == "%%{"


def test_suppressions_are_linear() -> None:
    # Each own-line directive used to search forward for its statement: quadratic.
    text = "%% archdsl-ignore AD205\n" * 50_000 + "    service a(server)\n"
    hidden = Suppressions.from_source(text)
    assert set(hidden.by_line) == {50_001}


def test_wrapping_zero_width_text_is_linear() -> None:
    # Zero-width characters never fill a line; measuring each growing line again was
    # quadratic (minutes for a title like this).
    lines = wrap("\u200b" * LENGTH + "x" * 50, 200, 16)
    assert "".join(lines).count("\u200b") == LENGTH


def test_markdown_and_detection_of_long_runs() -> None:
    for piece in ("`", "~", " ", "\n", "%%\n", "---\n"):
        run = _run(piece)
        list(markdown_fences(f"```mermaid {run}\n"))
        list(markdown_fences(f"{run}```mermaid\narchitecture-beta\n"))
        is_architecture(run + "x")


def test_icon_sanitiser_with_long_runs() -> None:
    for piece in ("<g>", "url(", " ", '<g id="a">', "<use href='#a'/>", "\\"):
        sanitize_svg_body(_run(piece, 20_000))


# -- the regex audit ------------------------------------------------------------------------

_PROBE = 5_000
_SEARCH_METHODS = {"search", "sub", "subn", "finditer", "findall", "split"}
_UNITS = (
    "[", "(", "-", '"', "'", "%%{", '["', "{", "<", "\\", " ", "\t", "\n", "%", ":", "a",
    "`", "~", "#", "=", "url(", "--", '<b x="', '\\"', "%%", "}%%", "---\n", " \n", "a-",
    'id="', "@", "\u00a0", "\u2028", "%%{a: ", '"\n', "data:image/png;base64,",
)  # fmt: skip
_SUFFIXES = ("", "!", "\n!", "`")
GUARDED_BY_CALLER = {
    # Mermaid's own regex, kept for the same verdicts; quadratic on its own, so its one
    # caller only searches the text up to the last `>`. The caller is audited instead.
    "archdsl.syntax.parser._TAG": rewrite_tag_attributes,
}


def _patterns() -> dict[str, tuple[re.Pattern[str], str]]:
    """Every module-level compiled pattern, with how its module uses it; and the grammar."""
    found: dict[str, tuple[re.Pattern[str], str]] = {}
    for info in pkgutil.walk_packages(archdsl.__path__, "archdsl."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        source = inspect.getsource(module)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                uses = set(re.findall(rf"\b{re.escape(name)}\.(\w+)\(", source))
                how = "search" if uses & _SEARCH_METHODS else "match"
                found[f"{info.name}.{name}"] = (value, how)
    from archdsl.syntax.loader import tree_parser

    for terminal in tree_parser().terminals:
        # The lexer matches terminals where each token starts.
        found[f"grammar.{terminal.name}"] = (re.compile(terminal.pattern.to_regexp()), "match")
    return found


def _seconds(search: Callable[[str], object], text: str, runs: int = 1) -> float:
    """The fastest of ``runs`` runs, in CPU time of this process: other work on a busy
    machine does not count, and what noise is left only ever adds time."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        search(text)
        best = min(best, time.process_time() - start)
    return best


def _quadratic(search: Callable[[str], object], probe: int = _PROBE) -> str | None:
    """An input on which ``search``'s time grows much faster than its text, if any."""
    for unit in _UNITS:
        for suffix in _SUFFIXES:
            small = _seconds(search, _run(unit, probe) + suffix)
            if small < 0.002:
                continue  # linear patterns take some microseconds here
            small = _seconds(search, _run(unit, probe) + suffix, runs=5)
            large = _seconds(search, _run(unit, 2 * probe) + suffix, runs=5)
            if large < 3 * small:  # linear: twice the time; quadratic: four times
                continue
            # Confirm on four times the text (linear: 4x, quadratic: 16x): a busy
            # machine can slow one measurement, hardly a second, larger one.
            largest = _seconds(search, _run(unit, 4 * probe) + suffix, runs=3)
            if largest > 10 * small:
                return (
                    f"{unit!r}+{suffix!r}: {small:.3f}s, {large:.3f}s, {largest:.3f}s for 1x/2x/4x"
                )
    return None


_ALL_PATTERNS = _patterns()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(_ALL_PATTERNS))
def test_no_regex_backtracks_badly(name: str) -> None:
    pattern, how = _ALL_PATTERNS[name]
    search = GUARDED_BY_CALLER.get(name) or (pattern.search if how == "search" else pattern.match)
    assert _quadratic(search) is None


def test_the_guarded_patterns_exist() -> None:
    # A renamed pattern would silently lose its guard entry and fail the audit above.
    assert set(GUARDED_BY_CALLER) <= set(_ALL_PATTERNS)


@pytest.mark.slow
@pytest.mark.parametrize(
    "cleanup",
    [builder._strip_comment_lines, builder._strip_trailing_blanks, errors._break_swallower],
    ids=lambda cleanup: cleanup.__name__,
)
def test_linear_replacements_of_mermaid_regexes_stay_linear(
    cleanup: Callable[[str], object],
) -> None:
    # Each replaces a Mermaid regex that backtracks (see tests/syntax/test_cleanups.py).
    # Python code takes milliseconds where a regex takes microseconds: a longer probe
    # keeps timer noise out of the ratio.
    assert _quadratic(cleanup, probe=8 * _PROBE) is None
