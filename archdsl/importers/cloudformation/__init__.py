"""CloudFormation import: a template (YAML or JSON) as an ``architecture-beta`` diagram.

:func:`from_cloudformation` loads the template (:mod:`.loader`), reads services, edges and
networks out of its resources (:mod:`.reading`), lays them out left to right
(:mod:`.drawing`) and writes the diagram as ``archdsl fmt`` would. Resources the catalogue
knows become services with their ``logos:aws-*`` icon; helpers fold into the services they
serve; VPCs, subnet tiers and nested stacks become groups. What is left out is said, as an
info diagnostic (:data:`LEFT_OUT`) at the resource's line in the template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from archdsl.diagnostics import Diagnostic, Severity, Span
from archdsl.importers.cloudformation.loader import TemplateError

if TYPE_CHECKING:
    from archdsl.model import Diagram

__all__ = ["LEFT_OUT", "ImportResult", "TemplateError", "from_cloudformation"]

LEFT_OUT = "AWS601"
"""Info: a resource of the template has no place in the diagram (no service icon, no owner)."""


@dataclass(frozen=True)
class ImportResult:
    """The diagram, its canonical Mermaid text, and notes about the template."""

    diagram: Diagram | None
    mermaid: str
    diagnostics: tuple[Diagnostic, ...]


def from_cloudformation(text: str, path: str | None = None) -> ImportResult:
    """The diagram of a CloudFormation template.

    Raises :class:`TemplateError` (with ``line`` and ``column``) when ``text`` is not a
    readable template.
    """
    from archdsl.api import parse
    from archdsl.catalogue import load_catalogue
    from archdsl.emit.mermaid import format_diagram
    from archdsl.importers.cloudformation.drawing import draw
    from archdsl.importers.cloudformation.loader import load_template
    from archdsl.importers.cloudformation.reading import read

    template = load_template(text)
    reading = read(template, load_catalogue())
    diagram = draw(reading, _title(template.description))
    mermaid = format_diagram(diagram)
    notes = tuple(
        Diagnostic(
            LEFT_OUT,
            Severity.INFO,
            f"{resource.logical_id} ({resource.type}) stands for no service the diagram can "
            "show: left out",
            Span(
                resource.line,
                resource.column,
                resource.line,
                resource.column + len(resource.logical_id) - 1,
            ),
            path=path,
        )
        for resource in reading.left_out
    )
    return ImportResult(parse(mermaid).diagram, mermaid, notes)


def _title(description: str | None) -> str | None:
    """The template's description, as a one-line diagram title."""
    if not description:
        return None
    line = " ".join(description.replace("%%", "%").split())
    sentence = line.split(". ")[0].rstrip(".")
    return (sentence[:77] + "...") if len(sentence) > 80 else (sentence or None)
