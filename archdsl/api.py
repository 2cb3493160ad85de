"""The pipeline in one screen: parse → check → emit.

Each function takes the previous stage's product and returns a finished value;
nothing prints. ``import archdsl`` re-exports these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from archdsl import collector
from archdsl.diagnostics import Diagnostic, Related, Severity, has_errors

if TYPE_CHECKING:
    from archdsl.export.cloudformation import ExportResult
    from archdsl.importers.cloudformation import ImportResult
    from archdsl.model import Diagram
    from archdsl.rules.base import CheckOptions


# A dataclass, unlike most records here (see :mod:`archdsl.diagnostics`): callers copy it
# with ``dataclasses.replace``.
@dataclass(frozen=True)
class Document:
    """One diagram's source, its model (``None`` without a header) and its findings."""

    source: str
    diagram: Diagram | None
    diagnostics: tuple[Diagnostic, ...] = ()
    path: str | None = None

    @property
    def ok(self) -> bool:
        """No errors (warnings and infos allowed)."""
        return not has_errors(self.diagnostics)

    @property
    def syntax_ok(self) -> bool:
        return self.diagram is not None and not any(
            d.code in SYNTAX_CODES for d in self.diagnostics
        )


SYNTAX_CODES = frozenset({"AD001", "AD002", "AD006", "AD007"})
"""Codes the parser itself reports: a file with one of them cannot be formatted."""


class Selection:
    """Which codes to report, by prefix (``AD2`` selects the whole family)."""

    __slots__ = ("ignore", "select", "severity")

    select: tuple[str, ...]
    ignore: tuple[str, ...]
    severity: dict[str, Severity]

    def __init__(
        self,
        select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        severity: dict[str, Severity] | None = None,
    ) -> None:
        self.select = select
        self.ignore = ignore
        self.severity = {} if severity is None else severity

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Selection) or other.__class__ is not self.__class__:
            return NotImplemented
        return (self.select, self.ignore, self.severity) == (
            other.select,
            other.ignore,
            other.severity,
        )

    def __repr__(self) -> str:
        return (
            f"Selection(select={self.select!r}, ignore={self.ignore!r}, severity={self.severity!r})"
        )

    def wants(self, code: str) -> bool:
        if self.select and not code.startswith(self.select):
            return False
        return not (self.ignore and code.startswith(self.ignore))

    def severity_of(self, code: str, default: Severity) -> Severity:
        # The longest configured prefix wins: {"AD2": info, "AD207": error}.
        matches = [prefix for prefix in self.severity if code.startswith(prefix)]
        return self.severity[max(matches, key=len)] if matches else default


def parse(text: str, path: str | None = None) -> Document:
    """Parse one diagram (syntax only: AD001–AD007 findings)."""
    from archdsl.syntax import parse_text

    with collector.paused():
        result = parse_text(text)
    return Document(text, result.diagram, _at(result.diagnostics, path), path)


def check(
    document: Document,
    options: CheckOptions | None = None,
    selection: Selection | None = None,
) -> Document:
    """Run every rule over a parsed document; returns it with all findings, sorted."""
    from archdsl.rules import CheckContext, CheckOptions, all_rules
    from archdsl.suppress import Suppressions

    selection = selection or Selection()
    suppressions = Suppressions.from_source(document.source)
    suppressing = bool(suppressions.by_line or suppressions.whole_file)
    path = document.path
    # Each finding is built once, final (path and severity set) and only if kept: a big
    # diagram has tens of thousands of them, and copies would double the peak memory.
    kept = [
        _with_severity(d.at(path), selection.severity_of(d.code, d.severity))
        for d in document.diagnostics
        if selection.wants(d.code) and not suppressions.hides(d)
    ]
    if document.diagram is not None:
        context = CheckContext(document.diagram, options or CheckOptions(), document.source)
        # The rules build many acyclic objects (simulations, findings): as in ``parse``,
        # the cycle collector's passes over them would free nothing.
        with collector.paused():
            for rule in all_rules().values():
                if not selection.wants(rule.code):
                    continue
                severity = selection.severity_of(rule.code, rule.severity)
                for problem in rule.check(context):
                    diagnostic = Diagnostic(
                        rule.code,
                        severity,
                        problem.message,
                        problem.span,
                        problem.help,
                        _related_at(problem.related, path),
                        path,
                    )
                    if not (suppressing and suppressions.hides(diagnostic)):
                        kept.append(diagnostic)
    kept.sort(key=Diagnostic.sort_key)
    return replace(document, diagnostics=tuple(kept))


def _related_at(related: tuple[Related, ...], path: str | None) -> tuple[Related, ...]:
    """``related`` with the file set where a rule left it open (as ``Diagnostic.at``)."""
    if path is None or all(r.path for r in related):
        return related
    return tuple(r if r.path else Related(r.message, r.span, path) for r in related)


def _with_severity(diagnostic: Diagnostic, severity: Severity) -> Diagnostic:
    """``diagnostic`` at ``severity``; copied only when that changes it (most keep theirs)."""
    if severity == diagnostic.severity:
        return diagnostic
    return replace(diagnostic, severity=severity)


def validate(
    text: str,
    path: str | None = None,
    options: CheckOptions | None = None,
    selection: Selection | None = None,
) -> Document:
    """Parse and check one diagram."""
    with collector.paused():
        return check(parse(text, path), options, selection)


def format(
    text: str, path: str | None = None, mermaid_version: tuple[int, ...] | None = None
) -> str:
    """Canonical Mermaid for ``text``; raises :class:`FormatError` on syntax errors.

    With ``mermaid_version`` older than 11.17, titles that version rejects unquoted
    are quoted (the one fix that is always safe).
    """
    from archdsl.emit.mermaid import format_diagram

    document = parse(text, path)
    if document.diagram is None or not document.syntax_ok:
        raise FormatError(document)
    return format_diagram(document.diagram, mermaid_version=mermaid_version)


class FormatError(ValueError):
    """The text has syntax errors, so it cannot be formatted safely."""

    def __init__(self, document: Document) -> None:
        self.document = document
        first = next(iter(document.diagnostics), None)
        where = f" at {first.span.line}:{first.span.column}: {first.message}" if first else ""
        super().__init__(f"cannot format a diagram with syntax errors{where}")


def _at(diagnostics: Iterable[Diagnostic], path: str | None) -> tuple[Diagnostic, ...]:
    return tuple(d.at(path) for d in diagnostics)


def to_cloudformation(
    diagram: Diagram, *, source_path: str | None = None, output_format: str = "yaml"
) -> ExportResult:
    """A wired CloudFormation skeleton of ``diagram`` (check the diagram first)."""
    from archdsl.export.cloudformation import to_cloudformation as export

    return export(diagram, source_path=source_path, output_format=output_format)


def from_cloudformation(text: str, path: str | None = None) -> ImportResult:
    """An architecture-beta diagram of a template; raises ``TemplateError`` with a position."""
    from archdsl.importers.cloudformation import from_cloudformation as import_template

    return import_template(text, path)


def render_svg(diagram: Diagram, *, theme: str = "light") -> str:
    """A self-contained SVG picture of ``diagram`` (no browser, deterministic)."""
    from archdsl.emit.svg import render_svg as draw

    return draw(diagram, theme=theme)
