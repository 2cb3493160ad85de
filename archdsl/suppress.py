"""Inline suppressions written as Mermaid comments.

``%% archdsl-ignore AD205`` silences AD205 on its own line or, on a line of its
own, on the next statement; ``%% archdsl-ignore-file AWS401`` silences a code in
the whole file. Several codes may be given, separated by spaces or commas; a
code prefix (``AD2``) silences the family, and no code at all silences everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archdsl.diagnostics import Diagnostic, source_lines

_DIRECTIVE = re.compile(r"%%\s*archdsl-ignore(?P<file>-file)?\b(?P<codes>[^%\r\n]*)")
_BLANK_OR_COMMENT = re.compile(r"\s*(?:%%.*)?\Z")

ALL = ("",)


def _codes(text: str) -> tuple[str, ...]:
    codes = tuple(code for code in re.split(r"[\s,]+", text.strip()) if code)
    return codes or ALL


@dataclass(frozen=True)
class Suppressions:
    by_line: dict[int, tuple[str, ...]] = field(default_factory=dict)
    whole_file: tuple[str, ...] = ()

    @classmethod
    def from_source(cls, source: str) -> Suppressions:
        if "archdsl-ignore" not in source:
            return cls()
        lines = source_lines(source)
        by_line: dict[int, tuple[str, ...]] = {}
        whole_file: tuple[str, ...] = ()
        for index, line in enumerate(lines):
            match = _DIRECTIVE.search(line)
            if not match:
                continue
            codes = _codes(match.group("codes"))
            if match.group("file"):
                whole_file += codes
                continue
            target = index
            if not line[: match.start()].strip():
                # On a line of its own: applies to the next statement.
                target = next(
                    (
                        i
                        for i in range(index + 1, len(lines))
                        if not _BLANK_OR_COMMENT.match(lines[i])
                    ),
                    index,
                )
            by_line[target + 1] = by_line.get(target + 1, ()) + codes
        return cls(by_line, whole_file)

    def hides(self, diagnostic: Diagnostic) -> bool:
        codes = self.whole_file + self.by_line.get(diagnostic.span.line, ())
        return any(diagnostic.code.startswith(code) for code in codes)
