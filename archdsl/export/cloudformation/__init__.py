"""CloudFormation export: a diagram's AWS services and edges as a wired, cfn-lint-clean template.

:func:`to_cloudformation` runs the stages in order, each finishing before the next:

1. :func:`archdsl.emit.cloudformation.analyse` plans the export (AWS services, data flows,
   AWS5xx findings);
2. each service's builder adds its resources (:mod:`.services`);
3. each flow's builder wires its two ends (:mod:`.wiring`);
4. finishers write what depends on every edge (handler code, state machine definitions,
   listener rules, roles);
5. :mod:`.serialise` writes YAML or JSON.

What cannot be generated comes back as AWS5xx diagnostics and is noted in the template
(``Metadata.archdsl.notes`` and the YAML header), never dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Literal

from archdsl.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from archdsl.emit.cloudformation import Finding, Plan
    from archdsl.export.cloudformation.context import Context
    from archdsl.model import Diagram

__all__ = ["FORMATS", "RESOURCE_LIMIT", "ExportResult", "to_cloudformation"]

RESOURCE_LIMIT = 500
"""CloudFormation's limit of resources in one template (one stack)."""

OutputFormat = Literal["yaml", "json"]
FORMATS: tuple[OutputFormat, ...] = ("yaml", "json")


@dataclass(frozen=True)
class ExportResult:
    """The template text, and what the export could not represent (AWS5xx warnings)."""

    text: str
    diagnostics: tuple[Diagnostic, ...]
    template: dict[str, Any]
    """The template as data (intrinsics as :class:`~.intrinsics.Intrinsic` values)."""


def to_cloudformation(
    diagram: Diagram, *, source_path: str | None = None, output_format: str = "yaml"
) -> ExportResult:
    """The CloudFormation template of ``diagram`` as YAML (default) or JSON text.

    ``source_path`` is named in the template's header and metadata and stamped on the
    diagnostics. The result is deterministic: the same diagram gives the same bytes.
    Raises :class:`ValueError` for an unknown ``output_format``.
    """
    if output_format not in FORMATS:
        raise ValueError(f"unknown CloudFormation format {output_format!r}: use yaml or json")
    from archdsl.emit.cloudformation import analyse

    plan = analyse(diagram)
    ctx = _build(diagram, plan, source_path)
    findings = list(plan.findings)
    too_many = too_many_resources(diagram, len(ctx.template.resources))
    if too_many is not None:
        findings.insert(0, too_many)
        ctx.template.note(too_many.code, too_many.span.line, too_many.message)
    template = ctx.template.to_dict()
    diagnostics = tuple(
        Diagnostic(f.code, Severity.WARNING, f.message, f.span, help=f.help, path=source_path)
        for f in findings
    )
    text = _serialise(template, ctx, diagram, plan, source_path, output_format)
    return ExportResult(text, diagnostics, template)


def resource_count(diagram: Diagram) -> int:
    """How many resources the template of ``diagram`` has (built, not written)."""
    from archdsl.emit.cloudformation import analyse

    return len(_build(diagram, analyse(diagram), None).template.resources)


def too_many_resources(diagram: Diagram, count: int) -> Finding | None:
    """AWS505 when the template has more resources than one stack may hold."""
    from archdsl.emit.cloudformation import Finding

    if count <= RESOURCE_LIMIT:
        return None
    return Finding(
        "AWS505",
        diagram.header_span,
        f"the template has {count} resources; CloudFormation accepts at most "
        f"{RESOURCE_LIMIT} in one stack",
        help="split the diagram into several (one stack each), or move parts into nested stacks",
    )


def _build(diagram: Diagram, plan: Plan, source_path: str | None) -> Context:
    from archdsl.export.cloudformation.context import Context
    from archdsl.export.cloudformation.registry import EDGES, FINISHERS, SERVICES, load

    load()
    from archdsl.export.cloudformation.template import TemplateBuilder

    description = _description(diagram, source_path)
    builder = TemplateBuilder(tuple(plan.nodes), description)
    ctx = Context(plan, builder, _project_default(diagram, source_path))
    if plan.nodes:
        _ = ctx.project, ctx.environment  # the first two parameters, in this order
    for node in plan.nodes.values():
        SERVICES[node.key](ctx, node)
    for flow in plan.flows:
        EDGES[(plan.nodes[flow.source].key, plan.nodes[flow.target].key)](ctx, flow)
    for node in plan.nodes.values():
        for finish in FINISHERS.get(node.key, ()):
            finish(ctx, node)
    for policy in ctx.roles.values():
        policy.finish()
    for finding in (*plan.findings, *plan.notes):
        builder.note(finding.code, finding.span.line, finding.message)
    builder.metadata = {"source": source_path or "<diagram>", "generator": "archdsl"}
    if not builder.resources:
        _placeholder(builder)
    return ctx


def _placeholder(builder: Any) -> None:
    """A template needs one resource: a no-op handle when the diagram has no AWS service."""
    builder.add(
        "Placeholder",
        "AWS::CloudFormation::WaitConditionHandle",
        {},
        owner="",
        line=0,
    )
    builder.note("note", 0, "the diagram has no AWS service: the template holds a placeholder")


def _serialise(
    template: dict[str, Any],
    ctx: Context,
    diagram: Diagram,
    plan: Plan,
    source_path: str | None,
    output_format: str,
) -> str:
    from archdsl.export.cloudformation import serialise

    if output_format == "json":
        return serialise.to_json(template)
    header = [
        f"CloudFormation template generated by archdsl from {source_path or 'a diagram'}.",
        "Every resource's Metadata.archdsl names the diagram id and line it comes from.",
    ]
    notes = ctx.template.notes
    if notes:
        header.append("Not generated or needing a hand (also in Metadata.archdsl.notes):")
        header += [
            f"  line {n.line}: {n.code}: {n.message}" for n in sorted(notes, key=_note_order)
        ]
    sections = {
        resource.logical_id: _section(plan, resource.owner)
        for resource in ctx.template.resources.values()
    }
    return serialise.to_yaml(template, header, sections)


def _note_order(note: Any) -> tuple[int, str, str]:
    return (note.line, note.code, note.message)


def _section(plan: Plan, owner: str) -> str:
    node = plan.nodes.get(owner)
    if node is None:
        return ""
    return f"-- {node.id} ({node.entry.short_name}, line {node.line}): {node.title}"


def _description(diagram: Diagram, source_path: str | None) -> str:
    name = PurePath(source_path).name if source_path else "a diagram"
    title = diagram.title or diagram.acc_title
    text = (
        f"{title} (generated by archdsl from {name})"
        if title
        else f"Generated by archdsl from {name}"
    )
    return text[:1024]


def _project_default(diagram: Diagram, source_path: str | None) -> str:
    """A default ProjectName: the diagram's title or file name, in letters and digits."""
    for candidate in (PurePath(source_path).stem if source_path else None, diagram.title):
        if candidate:
            compact = re.sub(r"[^a-z0-9]", "", candidate.lower())
            compact = re.sub(r"^[0-9]+", "", compact)[:20]
            if len(compact) >= 2:
                return compact
    return "app"
