"""The work of ``archdsl validate``, without the command line around it.

:mod:`archdsl.cli` turns options into a :class:`ValidateRequest`; :mod:`archdsl.entry`
builds one directly for the most common command line (``archdsl validate PATH...``),
so that this run never imports Typer (a tenth of a short run). Nothing here prints
except the report itself; problems with the request raise :class:`UsageError`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from archdsl.api import Document, Selection
    from archdsl.config import Config
    from archdsl.diagnostics import Diagnostic
    from archdsl.sources import Source

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
PROGRESS_THRESHOLD = 50
"""Show a progress bar (on a terminal) when a run reads more files than this."""


class UsageError(Exception):
    """A mistake in the command line or the configuration: exit code 2."""


class ValidateRequest(NamedTuple):
    """What ``archdsl validate`` was asked; the defaults are the bare command's."""

    paths: tuple[str, ...]
    output_format: str = "text"
    strict: bool | None = None
    """``None``: as the configuration says."""
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    icon_packs: tuple[Path, ...] = ()
    mermaid_version: str | None = None


def run_validate(request: ValidateRequest) -> int:
    """Check every diagram the paths hold, print the report, return the exit code."""
    if not request.paths:
        raise UsageError("give at least one PATH (a file, a folder, or - for standard input)")
    config = load_config()
    selection = selection_for(config, request.select, request.ignore)
    version = mermaid_version_for(config, request.mermaid_version)
    packs = request.icon_packs + config.icon_packs
    check_icon_packs(packs)
    strict = config.strict if request.strict is None else request.strict

    from archdsl.report import FORMATS, ReportInput, format_text
    from archdsl.sources import collect

    collected = collect(list(request.paths))
    diagnostics = list(collected.problems)
    progress = progress_bar(len(collected.sources))
    with progress as bar:  # type: ignore[attr-defined]
        task = bar.add_task("checking", total=len(collected.sources)) if bar else None
        for source in collected.sources:
            document = check_source(source, selection, version, packs)
            diagnostics.extend(source.to_file_position(d) for d in document.diagnostics)
            if bar:
                bar.advance(task)
    diagnostics.sort(key=lambda d: d.sort_key())
    report = ReportInput(diagnostics, len(collected.texts), collected.texts)
    if request.output_format == "text":
        sys.stdout.write(format_text(report, color=color_wanted(sys.stdout)))
    else:
        sys.stdout.write(FORMATS[request.output_format](report))
    sys.stdout.flush()
    return validate_exit_code(diagnostics, strict)


def color_wanted(stream: object) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def split_codes(values: tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """``["ad2,AWS401", "AD101"]`` → ``("AD2", "AWS401", "AD101")``."""
    codes: list[str] = []
    for value in values or []:
        codes.extend(part.strip().upper() for part in value.split(",") if part.strip())
    return tuple(codes)


def load_config() -> Config:
    from archdsl.config import ConfigError
    from archdsl.config import load_config as find_and_load

    try:
        return find_and_load()
    except ConfigError as error:
        raise UsageError(str(error)) from error


def selection_for(
    config: Config, select: tuple[str, ...] | None, ignore: tuple[str, ...] | None
) -> Selection:
    """The codes to report: the command line's choice, else the configuration's."""
    from archdsl.api import Selection

    return Selection(
        select=split_codes(select) or config.select,
        ignore=split_codes(ignore) or config.ignore,
        severity=dict(config.severity),
    )


def mermaid_version_for(config: Config, flag: str | None) -> tuple[int, ...] | None:
    if flag is None:
        return config.mermaid_version
    from archdsl.config import ConfigError, parse_version

    try:
        return parse_version(flag)
    except ConfigError as error:
        raise UsageError(f"--mermaid-version: {error}") from error


def check_icon_packs(packs: tuple[Path, ...]) -> None:
    """A pack that cannot be loaded is a usage error (exit 2), not a finding."""
    if not packs:
        return
    from archdsl.icons import IconPackError, load_pack

    for pack in packs:
        try:
            load_pack(pack)
        except IconPackError as error:
            raise UsageError(str(error)) from error


def check_source(
    source: Source,
    selection: Selection,
    mermaid_version: tuple[int, ...] | None,
    icon_packs: tuple[Path, ...],
) -> Document:
    from archdsl.api import validate
    from archdsl.rules import CheckOptions

    base_dir = source.file.parent if source.file else Path.cwd()
    options = CheckOptions(
        mermaid_version=mermaid_version, icon_packs=icon_packs, base_dir=base_dir
    )
    return validate(source.text, source.path, options, selection)


def progress_bar(total: int) -> object:
    """A rich progress bar on stderr for long runs on a terminal, else a no-op."""
    import contextlib

    if total <= PROGRESS_THRESHOLD or not color_wanted(sys.stderr):
        return contextlib.nullcontext(None)
    from rich.console import Console
    from rich.progress import Progress

    return Progress(console=Console(stderr=True), transient=True)


def validate_exit_code(found: list[Diagnostic], strict: bool) -> int:
    from archdsl.diagnostics import Severity
    from archdsl.sources import DECODE_ERROR, IO_ERROR

    if any(d.code in (IO_ERROR, DECODE_ERROR) for d in found):
        return EXIT_USAGE
    if any(d.severity is Severity.ERROR for d in found):
        return EXIT_FINDINGS
    if strict and any(d.severity is Severity.WARNING for d in found):
        return EXIT_FINDINGS
    return EXIT_OK
