"""The ``archdsl`` console entry point: no traceback ever reaches the user.

The most common command line, ``archdsl validate PATH...`` without options (as in
pre-commit hooks), goes straight to :func:`archdsl.checking.run_validate`: every option
is at its default, so there is nothing for Typer to parse, and not importing it saves
a tenth of the run. Every other command line goes through the Typer app in
:mod:`archdsl.cli`.
"""

from __future__ import annotations

import os
import sys

EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


def plain_validate_paths(argv: list[str]) -> list[str] | None:
    """The paths of ``validate PATH...`` written without any option, else ``None``.

    Anything else (an option, ``--``, ``--help``, shell completion) is Typer's.
    """
    if len(argv) < 2 or argv[0] != "validate" or os.environ.get("_ARCHDSL_COMPLETE"):
        return None
    paths = argv[1:]
    if any(path.startswith("-") and path != "-" for path in paths):
        return None
    return paths


def skip_lark_extras() -> None:
    """Keep Lark from importing ``regex`` and ``interegular``.

    Lark imports both whenever they are installed: ``regex`` for ``Lark(regex=True)``,
    ``interegular`` to look for colliding terminals while it builds a lexer (the
    grammar's own test does that in strict mode). The command line needs neither, and
    importing them is a twentieth of a short run; without ``interegular`` a parser
    built afresh (no cache yet) also skips that search, seconds of work.
    """
    for name in ("regex", "interegular"):
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None: ImportError


def run(argv: list[str]) -> int:
    """Run one command line; the exit code."""
    skip_lark_extras()
    paths = plain_validate_paths(argv)
    if paths is None:
        from archdsl.cli import app

        try:
            app()  # reads sys.argv itself, for the program name in its messages
        except SystemExit as done:
            return _exit_code(done.code)
        return 0
    from archdsl.checking import UsageError, ValidateRequest, run_validate

    try:
        return run_validate(ValidateRequest(paths=tuple(paths)))
    except UsageError as error:
        print(f"archdsl: {error}", file=sys.stderr)
        return EXIT_USAGE


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def main() -> None:
    """Console entry point."""
    try:
        code = run(sys.argv[1:])
    except KeyboardInterrupt:
        print("archdsl: interrupted", file=sys.stderr)
        code = EXIT_INTERRUPTED
    except RecursionError:
        print("archdsl: the diagram is nested too deeply to process", file=sys.stderr)
        code = EXIT_FINDINGS
    except Exception as error:
        print(
            f"archdsl: internal error ({type(error).__name__}: {error}); please report it",
            file=sys.stderr,
        )
        code = EXIT_USAGE
    sys.exit(code)
