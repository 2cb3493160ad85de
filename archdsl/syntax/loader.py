"""Finds the grammar (checkout or installed wheel) and builds the cached Lark parser.

Two costs of a cold start are avoided here:

* building the LALR tables from the grammar: the built parser is cached by Lark
  in the user's cache folder (:func:`cache_file`), keyed by the grammar text, the
  options and the Lark and Python versions, so a changed grammar is rebuilt and a
  folder that cannot be written only costs the rebuild;
* compiling the contextual lexer's scanners (one big alternation of terminals per
  parser state, ~45 ms for all of them): :class:`_AdaptiveBasicLexer` matches the
  terminals one by one until a state has been used often enough for its combined
  scanner to pay off, so a small diagram never compiles them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, cast

import lark
from lark.lexer import BasicLexer, ContextualLexer, Scanner, TerminalDef

from archdsl.cachedir import cache_path

GRAMMAR_NAME = "architecture.lark"

COMBINE_AFTER = 1024
"""Tokens a lexer state matches terminal by terminal before it compiles its combined
scanner: a combined scanner costs ~4 ms to compile and saves ~2 µs per token."""


def grammar_path() -> Path:
    """``archdsl/grammars/`` inside a wheel, else ``grammars/`` of the checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "grammars", package_dir.parent / "grammars"):
        path = candidate / GRAMMAR_NAME
        if path.is_file():
            return path
    raise FileNotFoundError(f"{GRAMMAR_NAME} is missing from the archdsl installation")


def cache_file(grammar: str, options: dict[str, Any]) -> str | bool:
    """Where Lark caches the parser built from ``grammar``; ``False``: build without a cache.

    The name carries a digest of everything the built parser depends on, so that two
    archdsl versions (or a grammar being edited) never overwrite each other's file;
    Lark checks its own digest inside the file as well and rebuilds on a mismatch,
    on a damaged file, and on a file it cannot read. A folder that cannot be created
    (read-only home, no home) means no cache, not a failure.
    """
    key = repr(sorted((name, repr(value)) for name, value in options.items()))
    versions = f"{lark.__version__} {sys.version_info[:2]}"
    path = cache_path("parser", f"{grammar}\0{key}\0{versions}", ".lark")
    return False if path is None else str(path)


def build_parser(
    transformer: Any = None,
    *,
    strict: bool = False,
    cache: bool = True,
    lexer_callbacks: dict[str, Callable[[lark.Token], lark.Token]] | None = None,
) -> lark.Lark:
    """A LALR parser with the contextual lexer; ``transformer`` runs inline while parsing.

    ``lexer_callbacks`` see every token of their terminals, skipped ones included
    (the parser keeps comments that way).
    """
    grammar = grammar_path().read_text(encoding="utf-8")
    options: dict[str, Any] = {
        "parser": "lalr",
        "lexer": "contextual",
        "maybe_placeholders": True,
        "propagate_positions": False,
        "strict": strict,
    }
    return lark.Lark(
        grammar,
        **options,
        transformer=transformer,
        lexer_callbacks=lexer_callbacks or {},
        cache=cache_file(grammar, options) if cache else False,
        _plugins={"ContextualLexer": _AdaptiveContextualLexer},
    )


@cache
def tree_parser() -> lark.Lark:
    """A parser that returns a plain parse tree (tests and tooling)."""
    return build_parser()


class _AdaptiveScanner:
    """Lark's :class:`~lark.lexer.Scanner`, compiled only once it is worth it.

    Lark's scanner is one alternation of the terminals in priority order: the first
    terminal that matches wins. Trying the terminals one at a time, in the same order,
    gives the same tokens; each terminal's pattern is compiled once for all states
    (``re`` caches it), not once per state inside every alternation.
    """

    def __init__(self, terminals: list[TerminalDef], flags: int) -> None:
        self.terminals = terminals
        self.flags = flags
        self.allowed_types = {terminal.name for terminal in terminals}
        # Compiled on first use: a state often finds its token among the first few
        # terminals, and the long ones (labels, strings) cost milliseconds to compile.
        self._patterns: list[tuple[re.Pattern[str] | None, TerminalDef]] = [
            (None, terminal) for terminal in terminals
        ]
        self._left = COMBINE_AFTER
        self._combined: Scanner | None = None

    def match(self, text: Any, pos: int) -> tuple[str, str] | None:
        if self._combined is not None:
            result: tuple[str, str] | None = self._combined.match(text, pos)
            return result
        self._left -= 1
        if self._left <= 0:
            self._combined = Scanner(self.terminals, self.flags, re, False)  # type: ignore[no-untyped-call]
        # Lark ≥ 1.3 passes a TextSlice (the text and where it ends), 1.2 the string.
        string, end = (text, len(text)) if isinstance(text, str) else (text.text, text.end)
        patterns = self._patterns
        for index, (pattern, terminal) in enumerate(patterns):
            if pattern is None:
                pattern = re.compile(terminal.pattern.to_regexp(), self.flags)
                patterns[index] = (pattern, terminal)
            found = pattern.match(string, pos, end)
            if found:
                return found.group(0), terminal.name
        return None


class _AdaptiveBasicLexer(BasicLexer):
    """A state's lexer whose scanner is an :class:`_AdaptiveScanner` (what Lark's
    ``BasicLexer._build_scanner`` does otherwise, step for step)."""

    def _build_scanner(self) -> Scanner:
        if self.use_bytes or self.re is not re:
            return super()._build_scanner()
        try:
            from lark.lexer import CallChain, _create_unless
        except ImportError:  # a Lark without these internals: its own scanner, as before
            return super()._build_scanner()

        terminals, self.callback = _create_unless(  # type: ignore[no-untyped-call]
            self.terminals, self.g_regex_flags, self.re, self.use_bytes
        )
        for type_, function in self.user_callbacks.items():
            if type_ in self.callback:
                # Already a callback there (Lark's keyword check): run both, as Lark does.
                self.callback[type_] = CallChain(  # type: ignore[no-untyped-call]
                    self.callback[type_], function, lambda t, type_=type_: t.type == type_
                )
            else:
                self.callback[type_] = function
        # Duck-typed: Lark only calls match() and reads allowed_types of its scanner.
        return cast(Scanner, _AdaptiveScanner(terminals, self.g_regex_flags))


class _AdaptiveContextualLexer(ContextualLexer):
    BasicLexer = _AdaptiveBasicLexer
