"""The project's promises about itself: README commands, CI, start-up cost."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:bash|sh|console)\n(.*?)```", readme, re.DOTALL)
    return [line.strip() for block in blocks[:2] for line in block.splitlines() if line.strip()]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    install_and_run, test_command = _readme_commands()[:2]
    assert "archdsl validate examples/aws-order-pipeline.mmd" in install_and_run
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    ci_command = [line for line in ci.splitlines() if "pytest" in line]
    assert ci_command == [test_command]


def test_help_does_not_import_heavy_modules() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "archdsl", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines()}
    assert "typer" in imported
    for heavy in ("lark", "networkx", "yaml", "pydantic"):
        assert heavy not in imported, f"--help imported {heavy}"


def test_validate_does_not_import_render_or_export_modules() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "archdsl",
            "validate",
            "examples/aws-order-pipeline.mmd",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    modules = {line.split("|")[-1].strip() for line in result.stderr.splitlines()}
    # Back-ends; rich (the plain report); typer and click (no option to parse: the entry
    # point skips them); networkx (the rules walk plain lists); the icon sanitiser.
    unused_modules = (
        "archdsl.layout", "archdsl.emit.svg", "archdsl.export", "yaml", "rich", "typer",
        "click", "networkx", "archdsl.icons.sanitize",
    )  # fmt: skip
    for unused in unused_modules:
        assert unused not in modules, f"validate imported {unused}"


def test_the_command_line_keeps_lark_from_importing_its_optional_extras() -> None:
    """``regex`` and ``interegular`` (installed here by the test extras) stay unloaded."""
    script = (
        "import sys\n"
        "from archdsl.entry import run\n"
        "code = run(['validate', 'examples/aws-order-pipeline.mmd'])\n"
        "print(code, 'lark' in sys.modules,"
        " [m for m in ('regex', 'interegular') if sys.modules.get(m) is not None])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO
    )
    assert result.stdout.splitlines()[-1] == "0 True []", result.stdout + result.stderr
