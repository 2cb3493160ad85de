"""Shared inputs and checks of the CloudFormation export tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from archdsl.api import parse
from archdsl.export.cloudformation import ExportResult, to_cloudformation
from archdsl.model import Diagram
from tests.shared_data import REPO_ROOT, corpus_files

HERE = Path(__file__).resolve().parent
EXAMPLES = sorted((REPO_ROOT / "examples").glob("*.mmd"))
DIAGRAMS = sorted((HERE / "diagrams").glob("*.mmd"))
MAIN_EXAMPLE = REPO_ROOT / "examples" / "aws-order-pipeline.mmd"


def relative(path: Path) -> str:
    """The path as the tests name it in templates: relative to the repository, else the name."""
    try:
        return path.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return path.name


def diagram_of(text: str) -> Diagram:
    document = parse(text)
    assert document.diagram is not None, document.diagnostics
    return document.diagram


def export(path: Path, output_format: str = "yaml") -> ExportResult:
    text = path.read_text(encoding="utf-8")
    return to_cloudformation(
        diagram_of(text), source_path=relative(path), output_format=output_format
    )


def export_text(text: str, output_format: str = "yaml") -> ExportResult:
    return to_cloudformation(diagram_of(text), output_format=output_format)


def aws_corpus_files() -> list[Path]:
    """Corpus diagrams with at least one AWS icon."""
    return [path for path in corpus_files() if "logos:aws" in path.read_text(encoding="utf-8")]


def every_service_diagram() -> str:
    """One service per kind the export builds, and one edge per pair it wires."""
    from archdsl.catalogue import load_catalogue
    from archdsl.emit.cloudformation import ALWAYS_IN_VPC, capabilities

    catalogue, caps = load_catalogue(), capabilities()
    lines = ["architecture-beta", "    group vpc(logos:aws-vpc)[VPC]"]
    for key in sorted(caps.services):
        entry = catalogue.by_key(key)
        assert entry is not None
        icon = entry.icon
        words = entry.label_words[0] if entry.label_words else key.replace("_", " ")
        # Titles with what names and descriptions must survive: non-ASCII, quotes, symbols.
        title = f'["{words} – Ünïcode \\"quoted\\" & co. #1; 100%"]'
        place = " in vpc" if key in ALWAYS_IN_VPC else ""
        lines.append(f"    service n_{key}({icon}){title}{place}")
    for source, target in sorted(caps.pairs):
        if source != target:
            lines.append(f"    n_{source}:R --> L:n_{target}")
    return "\n".join(lines) + "\n"


@cache
def _linter() -> tuple[Any, Any]:
    """cfn-lint's configuration and rules, loaded once per test run."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner.cli import Runner

    config = ConfigMixIn(regions=["us-east-1"])
    return config, Runner(config).rules


def lint(*texts: str) -> list[str]:
    """cfn-lint's errors and warnings (informational findings ignored).

    Several texts are the same template in several formats: each is decoded by cfn-lint's
    own decoder (which reports YAML and JSON problems), the decoded templates must be equal,
    and the rules then run once on it.
    """
    from cfnlint.decode.decode import decode_str
    from cfnlint.runner import run_template_by_data

    templates = []
    for text in texts:
        template, errors = decode_str(text)
        if errors:
            return [f"{m.rule.id} line {m.linenumber}: {m.message}" for m in errors]
        templates.append(template)
    assert all(t == templates[0] for t in templates[1:]), "the formats give different templates"
    config, rules = _linter()
    return [
        f"{m.rule.id} line {m.linenumber}: {m.message}"
        for m in run_template_by_data(templates[0], config, rules)
        if not m.rule.id.startswith("I")
    ]


def resources(result: ExportResult, type_: str | None = None) -> dict[str, dict[str, Any]]:
    found = result.template["Resources"]
    return {k: v for k, v in found.items() if type_ is None or v["Type"] == type_}
