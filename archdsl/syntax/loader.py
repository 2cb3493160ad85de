"""Finds the grammar (checkout or installed wheel) and builds the cached Lark parser."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import lark

GRAMMAR_NAME = "architecture.lark"


def grammar_path() -> Path:
    """``archdsl/grammars/`` inside a wheel, else ``grammars/`` of the checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "grammars", package_dir.parent / "grammars"):
        path = candidate / GRAMMAR_NAME
        if path.is_file():
            return path
    raise FileNotFoundError(f"{GRAMMAR_NAME} is missing from the archdsl installation")


def build_parser(transformer: Any = None, *, strict: bool = False, cache: bool = True) -> lark.Lark:
    """A LALR parser with the contextual lexer; ``transformer`` runs inline while parsing.

    ``lexer_callbacks`` cannot be bound here because they must see each run's own
    comment list; callers pass them through :func:`parser_with_callbacks`.
    """
    return lark.Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        maybe_placeholders=True,
        propagate_positions=False,
        transformer=transformer,
        strict=strict,
        cache=cache,
    )


@cache
def tree_parser() -> lark.Lark:
    """A parser that returns a plain parse tree (tests and tooling)."""
    return build_parser()
