"""Inline suppressions written as Mermaid comments.

``%% archdsl-ignore AD205`` silences AD205 on its own line or, on a line of its
own, on the next statement; ``%% archdsl-ignore-file AWS401`` silences a code in
the whole file. Several codes may be given, separated by spaces or commas; a
code prefix (``AD2``) silences the family, and no code at all silences everything.

Reading them is one pass over the lines, and asking whether a finding is hidden
looks up the finding's own prefixes, so that a file full of directives (written by
anyone, in a pull request) costs linear time, not directives × lines or findings.
"""

from __future__ import annotations

import re

from archdsl.diagnostics import Diagnostic, source_lines

_DIRECTIVE = re.compile(r"%%\s*archdsl-ignore(?P<file>-file)?\b(?P<codes>[^%\r\n]*)")
_BLANK_OR_COMMENT = re.compile(r"\s*(?:%%.*)?\Z")

ALL = ("",)


def _codes(text: str) -> tuple[str, ...]:
    codes = tuple(code for code in re.split(r"[\s,]+", text.strip()) if code)
    return codes or ALL


class Suppressions:
    __slots__ = ("by_line", "whole_file")

    by_line: dict[int, frozenset[str]]
    """1-based line → the code prefixes silenced there."""
    whole_file: frozenset[str]

    def __init__(
        self,
        by_line: dict[int, frozenset[str]] | None = None,
        whole_file: frozenset[str] = frozenset(),
    ) -> None:
        self.by_line = {} if by_line is None else by_line
        self.whole_file = whole_file

    @classmethod
    def from_source(cls, source: str) -> Suppressions:
        if "archdsl-ignore" not in source:
            return cls()
        by_line: dict[int, set[str]] = {}
        whole_file: set[str] = set()
        # Own-line directives seen since the last statement line: they apply to the
        # next one (or, with none left in the file, to their own line).
        waiting: list[tuple[int, tuple[str, ...]]] = []
        for index, line in enumerate(source_lines(source)):
            if waiting and not _BLANK_OR_COMMENT.match(line):
                for _, codes in waiting:
                    by_line.setdefault(index + 1, set()).update(codes)
                waiting.clear()
            match = _DIRECTIVE.search(line)
            if not match:
                continue
            codes = _codes(match.group("codes"))
            if match.group("file"):
                whole_file.update(codes)
            elif line[: match.start()].strip():
                by_line.setdefault(index + 1, set()).update(codes)
            else:
                waiting.append((index, codes))
        for index, codes in waiting:
            by_line.setdefault(index + 1, set()).update(codes)
        return cls(
            {line: frozenset(codes) for line, codes in by_line.items()}, frozenset(whole_file)
        )

    def hides(self, diagnostic: Diagnostic) -> bool:
        code = diagnostic.code
        here = self.by_line.get(diagnostic.span.line, frozenset())
        # Every prefix of the code, from "" (a bare directive silences all) to the code.
        return any(
            code[:size] in self.whole_file or code[:size] in here for size in range(len(code) + 1)
        )
