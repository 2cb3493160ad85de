"""Diagnostics: the values every stage hands back instead of printing.

A :class:`Diagnostic` is a plain, immutable value with a code, a severity, a
message and a 1-based source range (the end column is *inclusive*: it names the
last character). Stages collect them; only :mod:`archdsl.report` turns them into
text. Codes group themselves by prefix (``AD0`` syntax, ``AD1`` structure,
``AD2`` edges and placement, ``AWS3`` icons, ``AWS4`` integrations, ``AWS5``
export), so selecting a family is one ``startswith``.

Convention: internal records on a command's start-up path are ``typing.NamedTuple`` (or
plain classes with ``__slots__``) rather than dataclasses, which cost about half a
millisecond each to create at import. The classes here stay dataclasses: they are public,
:class:`Span` is a field type of the Pydantic model, and callers copy them with
``dataclasses.replace``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field, replace


class Severity(enum.StrEnum):
    """How bad a finding is; the order is error > warning > info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True, slots=True)
class Span:
    """A 1-based source range; ``end_column`` is the column of the last character."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        return cls(line, column, line, column)

    def shifted(self, lines: int = 0, columns: int = 0) -> Span:
        """The same range moved down ``lines`` and right ``columns`` (Markdown fences)."""
        return Span(
            self.line + lines,
            self.column + columns,
            self.end_line + lines,
            self.end_column + columns,
        )


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that explains a finding (e.g. the first declaration of an id)."""

    message: str
    span: Span
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding. ``path`` is filled in by the caller that knows the file."""

    code: str
    severity: Severity
    message: str
    span: Span
    help: str | None = None
    related: tuple[Related, ...] = ()
    path: str | None = field(default=None, compare=False)

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    def at(self, path: str | None) -> Diagnostic:
        """This diagnostic with its (and its related positions') file set."""
        # Built directly rather than with ``dataclasses.replace`` (which re-inspects the
        # fields on every call): a big diagram has tens of thousands of findings.
        related = tuple(r if r.path else replace(r, path=path) for r in self.related)
        return Diagnostic(
            self.code, self.severity, self.message, self.span, self.help, related, path
        )

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path or "", self.span.line, self.span.column, self.code)


def source_lines(text: str) -> list[str]:
    """The lines of a diagram as Mermaid counts them: CRLF, LF and a lone CR end a line.

    ``str.splitlines`` also breaks at U+2028, U+0085, form feeds and more, which would
    shift every line number after one of them.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def position_of(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of ``text[index]``, lines counted as :func:`source_lines`
    counts them (not as PyYAML does: it also breaks lines at U+2028, U+2029 and U+0085)."""
    before = source_lines(text[: max(0, index)])
    return len(before), len(before[-1]) + 1


def count_by_severity(diagnostics: Iterable[Diagnostic]) -> dict[str, int]:
    """``{"error": n, "warning": n, "info": n}`` over ``diagnostics``."""
    counts = {severity.value: 0 for severity in Severity}
    for diagnostic in diagnostics:
        counts[diagnostic.severity.value] += 1
    return counts


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


# Codes for failures outside the rules (syntax, I/O), so every output line has
# one shape. Rule codes live with their rules (see archdsl.rules).
SYNTAX_ERROR = "AD001"
MISSING_HEADER = "AD002"
TITLE_FORM = "AD003"
UPPERCASE_SIDE_PREFIX = "AD004"
KEYWORD_ID = "AD005"
TWO_STATEMENTS = "AD006"
UNTERMINATED = "AD007"
