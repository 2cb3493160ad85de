"""The ``archdsl`` command line: parses options, delegates, turns results into exit codes.

Start-up stays light: only the standard library and typer are imported here;
each command imports its stage inside the function. Exit codes: 0 success,
1 the input has errors / would be reformatted / cannot be rendered or exported,
2 usage error, unreadable file or bad configuration. No traceback ever reaches
the user: :func:`main` turns unexpected exceptions into a one-line message.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from archdsl.api import Document
    from archdsl.config import Config
    from archdsl.diagnostics import Diagnostic
    from archdsl.sources import Source

from archdsl.checking import (
    EXIT_FINDINGS,
    EXIT_USAGE,
    UsageError,
    ValidateRequest,
    check_source,
    color_wanted,
    selection_for,
)

app = typer.Typer(
    name="archdsl",
    help=(
        "Check, format, render and export Mermaid architecture-beta diagrams.\n\n"
        "Examples:\n\n"
        "  archdsl validate examples/aws-order-pipeline.mmd\n\n"
        "  archdsl fmt --check docs/\n\n"
        "  archdsl export cloudformation diagram.mmd -o template.yaml"
    ),
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)
export_app = typer.Typer(help="Export a diagram to another format.", no_args_is_help=True)
import_app = typer.Typer(help="Generate a diagram from another format.", no_args_is_help=True)
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    typer.echo(f"archdsl: {message}", err=True)
    raise typer.Exit(code)


def _version_callback(value: bool) -> None:
    if value:
        from archdsl import __version__

        typer.echo(f"archdsl {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Check, format, render and export Mermaid architecture-beta diagrams."""


def _dash_means_stdout(value: Path | None) -> Path | None:
    """``-o -`` is standard output, as ``-`` is standard input for the paths."""
    return None if value is not None and str(value) == "-" else value


def _load_config() -> Config:
    from archdsl.checking import load_config

    try:
        return load_config()
    except UsageError as error:
        _fail(str(error))


def _mermaid_version(config: Config, flag: str | None) -> tuple[int, ...] | None:
    from archdsl.checking import mermaid_version_for

    try:
        return mermaid_version_for(config, flag)
    except UsageError as error:
        _fail(str(error))


def _explain(code: str) -> None:
    from archdsl.explain import describe, known_codes

    _summary, doc = describe(code)
    if not doc:
        _fail(f"unknown code {code!r}; known codes: {', '.join(known_codes())}")
    typer.echo(f"{code.upper()}: {doc}")


@app.command()
def validate(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Diagram files (.mmd), Markdown files, folders, or - for stdin."),
    ] = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ReportFormat.text,
    strict: Annotated[
        bool | None, typer.Option("--strict/--no-strict", help="Warnings fail too (exit 1).")
    ] = None,
    select: Annotated[
        list[str] | None, typer.Option(help="Only these codes or prefixes (AD2, AWS401).")
    ] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Skip these codes or prefixes.")] = None,
    icon_pack: Annotated[
        list[Path] | None,
        typer.Option("--icon-pack", help="An Iconify JSON icon pack (repeatable)."),
    ] = None,
    mermaid_version: Annotated[
        str | None,
        typer.Option(help="Report what this Mermaid version rejects, e.g. 11.12 (GitHub, wikis)."),
    ] = None,
    explain: Annotated[
        str | None, typer.Option(help="Print the documentation of a code and exit.")
    ] = None,
    schema: Annotated[
        bool, typer.Option("--schema", help="Print the JSON Schema of --format json and exit.")
    ] = False,
) -> None:
    """Check diagrams: syntax exactly as Mermaid, structure, placement, AWS meaning.

    Exit code 0 when no errors (warnings allowed unless --strict), 1 when the
    diagrams have errors, 2 for unreadable files or bad options.

    Examples:

      archdsl validate examples/aws-order-pipeline.mmd

      archdsl validate docs/ --format github --strict

      archdsl validate --explain AD209
    """
    if explain:
        _explain(explain)
        return
    if schema:
        from archdsl.schemas import diagnostics_schema

        typer.echo(diagnostics_schema())
        return
    from archdsl.checking import run_validate

    request = ValidateRequest(
        paths=tuple(paths or ()),
        output_format=output_format.value,
        strict=strict,
        select=tuple(select or ()),
        ignore=tuple(ignore or ()),
        icon_packs=tuple(icon_pack or ()),
        mermaid_version=mermaid_version,
    )
    try:
        code = run_validate(request)
    except UsageError as error:
        _fail(str(error))
    raise typer.Exit(code)


@app.command()
def fmt(
    paths: Annotated[
        list[str], typer.Argument(help="Diagram files or folders, or - (stdin → stdout).")
    ],
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing; exit 1 if a file would change.")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print a unified diff instead of writing.")
    ] = False,
    mermaid_version: Annotated[
        str | None, typer.Option(help="Quote titles that this Mermaid version rejects unquoted.")
    ] = None,
) -> None:
    """Rewrite diagrams in canonical form, keeping order and every comment.

    Files with syntax errors are refused and left untouched (exit 1).
    Markdown files are formatted fence by fence.

    Examples:

      archdsl fmt examples/

      archdsl fmt --check --diff diagram.mmd

      cat diagram.mmd | archdsl fmt -
    """
    from archdsl.formatting import FormatOutcome, format_paths

    config = _load_config()
    version = _mermaid_version(config, mermaid_version)
    outcome: FormatOutcome = format_paths(paths, check=check or diff, version=version)
    for line in outcome.messages:
        typer.echo(line, err=True)
    if outcome.stdout is not None:
        typer.echo(outcome.stdout, nl=False)
    if diff:
        typer.echo(outcome.diff, nl=False)
    raise typer.Exit(outcome.exit_code)


class RenderFormat(StrEnum):
    svg = "svg"
    png = "png"
    json = "json"


class Theme(StrEnum):
    light = "light"
    dark = "dark"


@app.command()
def render(
    path: Annotated[str, typer.Argument(help="A diagram file, a Markdown file, or - for stdin.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Output file (a folder for Markdown with several diagrams; - for stdout).",
            callback=_dash_means_stdout,
        ),
    ] = None,
    output_format: Annotated[
        RenderFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="svg, png or json (layout); default from -o's extension, else svg.",
        ),
    ] = None,
    theme: Annotated[Theme, typer.Option(help="Colour theme.")] = Theme.light,
    scale: Annotated[float, typer.Option(min=0.1, max=16, help="PNG scale factor.")] = 1.0,
    icon_pack: Annotated[
        list[Path] | None,
        typer.Option("--icon-pack", help="An Iconify JSON icon pack (repeatable)."),
    ] = None,
    max_nodes: Annotated[
        int | None,
        typer.Option(min=0, help="Refuse diagrams with more nodes than this (0: no limit)."),
    ] = None,
) -> None:
    """Draw a diagram as SVG, PNG or layout JSON, offline and deterministically.

    Examples:

      archdsl render examples/aws-order-pipeline.mmd -o pipeline.svg

      archdsl render diagram.mmd -o diagram.png --scale 2 --theme dark

      archdsl render docs/architecture.md -o docs/img/
    """
    from archdsl.rendering import (
        BINARY_FORMATS,
        RenderError,
        RenderRequest,
        RenderUsageError,
        infer_format,
        output_name,
    )
    from archdsl.rendering import render as draw
    from archdsl.sources import collect

    chosen = infer_format(output, output_format.value if output_format else None)
    config = _load_config()
    collected = collect([path])
    if collected.problems:
        _fail(f"{collected.problems[0].path}: {collected.problems[0].message}")
    sources = collected.sources
    if not sources:
        _fail(f"{path}: no architecture-beta diagram found", EXIT_FINDINGS)
    many = len(sources) > 1
    if many and (output is None or (output.exists() and not output.is_dir())):
        _fail(f"{path} has {len(sources)} diagrams: give -o FOLDER to render each one")
    if chosen in BINARY_FORMATS and output is None and color_wanted(sys.stdout):
        _fail("refusing to write a PNG to the terminal: give -o FILE.png or redirect the output")
    packs = tuple(icon_pack or ()) + config.icon_packs
    for index, source in enumerate(sources, start=1):
        document, _ = _validated(source, config)
        request = RenderRequest(
            output_format=chosen,
            theme=theme.value,
            scale=scale,
            icon_packs=packs,
            max_nodes=max_nodes,
            base_dir=source.file.parent if source.file else Path.cwd(),
        )
        try:
            assert document.diagram is not None
            picture = draw(document.diagram, request)
        except RenderUsageError as error:
            _fail(str(error))
        except RenderError as error:
            _fail(f"{source.path}: {error}", EXIT_FINDINGS)
        target = output
        if many and output is not None:
            output.mkdir(parents=True, exist_ok=True)
            target = output / output_name(source.path, index, len(sources), chosen)
        elif output is not None and output.is_dir():
            target = output / output_name(source.path, index, 1, chosen)
        _emit(picture, target, source)


class TemplateFormat(StrEnum):
    yaml = "yaml"
    json = "json"


@export_app.command("cloudformation")
def export_cloudformation(
    path: Annotated[str, typer.Argument(help="A diagram file, or - for stdin.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Write here instead of stdout.", callback=_dash_means_stdout
        ),
    ] = None,
    output_format: Annotated[
        TemplateFormat | None,
        typer.Option(
            "--format", "-f", help="yaml or json; default from -o's extension, else yaml."
        ),
    ] = None,
) -> None:
    """A CloudFormation skeleton wired from the diagram's AWS services and edges.

    Refuses diagrams with errors (exit 1, nothing written). What cannot be
    generated is reported (AWS5xx warnings on stderr) and noted in the template.

    Examples:

      archdsl export cloudformation examples/aws-order-pipeline.mmd -o template.yaml

      archdsl export cloudformation diagram.mmd --format json > template.json
    """
    from archdsl.export.cloudformation import to_cloudformation

    chosen = output_format.value if output_format else None
    if chosen is None:
        chosen = "json" if output is not None and output.suffix.lower() == ".json" else "yaml"
    document, source = _load_single(path)
    assert document.diagram is not None
    result = to_cloudformation(document.diagram, source_path=source.path, output_format=chosen)
    _report_warnings([source.to_file_position(d) for d in result.diagnostics], source)
    _emit(result.text, output, source)


def _report_warnings(diagnostics: list[Diagnostic], source: Source) -> None:
    """Back-end findings go to stderr so that stdout stays the output itself."""
    if not diagnostics:
        return
    from archdsl.report import ReportInput, format_text

    texts = {} if source.embedded else {source.path: source.text}
    report = ReportInput(diagnostics, 1, texts)
    typer.echo(format_text(report, color=color_wanted(sys.stderr)), err=True, nl=False)


@import_app.command("cloudformation")
def import_cloudformation(
    template: Annotated[
        str, typer.Argument(help="A CloudFormation template (YAML or JSON), or - for stdin.")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Write the .mmd here instead of stdout.",
            callback=_dash_means_stdout,
        ),
    ] = None,
) -> None:
    """An architecture-beta diagram from a CloudFormation template.

    Known resources become services with their AWS icons; roles, policies,
    permissions, subscriptions and event source mappings become the edges.

    Examples:

      archdsl import cloudformation template.yaml -o architecture.mmd
    """
    from archdsl.importers.cloudformation import TemplateError, from_cloudformation
    from archdsl.sources import decode_stdin, read_text

    try:
        text = decode_stdin() if template == "-" else read_text(Path(template))
    except FileNotFoundError:
        _fail(f"{template}: no such file")
    except (OSError, UnicodeDecodeError, ValueError) as error:
        _fail(f"{template}: cannot read: {error}")
    shown = "<stdin>" if template == "-" else template
    try:
        result = from_cloudformation(text, shown)
    except TemplateError as error:
        _fail(f"{shown}:{error}", EXIT_FINDINGS)
    for diagnostic in result.diagnostics:
        typer.echo(
            f"{shown}: {diagnostic.code} {diagnostic.severity.value}: {diagnostic.message}",
            err=True,
        )
    if output is not None and template != "-" and output.exists() and output.samefile(template):
        _fail(f"{output}: refusing to overwrite the input template")
    _emit(result.mermaid, output, None)


@export_app.command("json")
def export_json(
    path: Annotated[str | None, typer.Argument(help="A diagram file, or - for stdin.")] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Write here instead of stdout.", callback=_dash_means_stdout
        ),
    ] = None,
    schema: Annotated[
        bool, typer.Option("--schema", help="Print the model's JSON Schema.")
    ] = False,
) -> None:
    """The diagram's model as JSON (see --schema for its shape).

    Examples:

      archdsl export json diagram.mmd

      archdsl export json --schema
    """
    if schema:
        from archdsl.schemas import model_schema

        _emit(model_schema(), output, None)
        return
    if path is None:
        _fail("give a diagram PATH (or --schema)")
    document, source = _load_single(path)
    assert document.diagram is not None
    _emit(document.diagram.model_dump_json(indent=2) + "\n", output, source)


def _load_single(path: str) -> tuple[Document, Source]:
    """Read and validate one diagram for a back-end; exit 1 with the findings on errors."""
    from archdsl.report import ReportInput, format_text
    from archdsl.sources import collect

    collected = collect([path])
    if collected.problems:
        report = ReportInput(collected.problems, 1, collected.texts)
        typer.echo(format_text(report, color=color_wanted(sys.stderr)), err=True, nl=False)
        raise typer.Exit(EXIT_USAGE)
    if len(collected.sources) != 1:
        _fail(
            f"{path}: expected exactly one architecture-beta diagram, "
            f"found {len(collected.sources)}"
        )
    return _validated(collected.sources[0], _load_config(), collected.texts)


def _validated(
    source: Source, config: Config, texts: dict[str, str] | None = None
) -> tuple[Document, Source]:
    """The checked document; on errors print them and exit 1 (nothing is written)."""
    from archdsl.report import ReportInput, format_text

    document = check_source(
        source, selection_for(config, None, None), config.mermaid_version, config.icon_packs
    )
    if not document.ok or document.diagram is None:
        errors = [
            source.to_file_position(d) for d in document.diagnostics if d.severity.value == "error"
        ]
        shown = (
            texts
            if texts is not None
            else ({source.path: source.text} if not source.embedded else {})
        )
        report = ReportInput(errors, 1, shown)
        typer.echo(format_text(report, color=color_wanted(sys.stderr)), err=True, nl=False)
        typer.echo(f"archdsl: {source.path} has errors; nothing was written", err=True)
        raise typer.Exit(EXIT_FINDINGS)
    return document, source


def _emit(data: str | bytes, output: Path | None, source: Source | None) -> None:
    """Print to stdout, or write ``output`` atomically (never over the input)."""
    if output is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            typer.echo(data, nl=False)
        return
    from archdsl.files import same_file, write_atomic

    if source is not None and source.file is not None and same_file(source.file, output):
        _fail(f"{output}: refusing to overwrite the input diagram")
    try:
        write_atomic(output, data)
    except OSError as error:
        _fail(f"{output}: cannot write: {error.strerror or error}")


@app.command()
def show(
    path: Annotated[
        str, typer.Argument(help="A diagram file, a Markdown file, a folder, or - for stdin.")
    ],
    aws: Annotated[
        bool, typer.Option("--aws/--no-aws", help="Name the AWS service each icon stands for.")
    ] = True,
) -> None:
    """Print diagrams as trees: groups, services and junctions, then the edges.

    A quick look without rendering. Each architecture fence of a Markdown file
    gets its own tree. Diagrams with syntax errors are reported, not shown
    (exit 1); other mistakes show in place (run validate for those).

    Examples:

      archdsl show examples/aws-order-pipeline.mmd

      archdsl show README.md --no-aws
    """
    from archdsl.report import ReportInput, format_text
    from archdsl.show import show_paths

    outcome = show_paths(path, aws_names=aws)
    if outcome.trees:
        from rich.console import Console

        on_terminal = color_wanted(sys.stdout)
        width = None if on_terminal else 200  # piped: long lines stay whole, as in catalogue
        Console(no_color=not on_terminal, highlight=False, width=width).print(outcome.renderable)
    if outcome.problems:
        report = ReportInput(list(outcome.problems), len(outcome.texts), outcome.texts)
        typer.echo(format_text(report, color=color_wanted(sys.stderr)), err=True, nl=False)
    if outcome.message:
        typer.echo(f"archdsl: {outcome.message}", err=True)
    raise typer.Exit(outcome.exit_code)


class CatalogueFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
def catalogue(
    query: Annotated[
        str | None, typer.Argument(help="Search by name, icon or alias (fuzzy).")
    ] = None,
    output_format: Annotated[
        CatalogueFormat, typer.Option("--format", "-f", help="Output format.")
    ] = CatalogueFormat.table,
    limit: Annotated[int, typer.Option(help="At most this many matches for a QUERY.")] = 10,
) -> None:
    """The AWS services archdsl knows: icons, names, categories, CloudFormation types.

    Examples:

      archdsl catalogue

      archdsl catalogue dynamo

      archdsl catalogue --format json lambda
    """
    import json

    from archdsl.catalogue import load_catalogue

    known = load_catalogue()
    entries = known.search(query, limit=limit) if query else list(known.entries)
    if output_format is CatalogueFormat.json:
        rows = [
            {
                "key": e.key,
                "name": e.name,
                "category": e.category,
                "icons": list(e.icons),
                "cloudformation": list(e.primary_types),
                "supporting": list(e.supporting_types),
                "aliases": list(e.aliases),
            }
            for e in entries
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    if not entries:
        _fail(f"no service matches {query!r}", EXIT_FINDINGS)
    from rich.console import Console
    from rich.table import Table

    table = Table("icon", "service", "category", "CloudFormation")
    for e in entries:
        table.add_row(", ".join(e.icons), e.name, e.category, "\n".join(e.primary_types) or "-")
    on_terminal = color_wanted(sys.stdout)
    # Piped output is read by grep and scripts: a wide fixed width keeps rows on one line.
    Console(no_color=not on_terminal, highlight=False, width=None if on_terminal else 200).print(
        table
    )
