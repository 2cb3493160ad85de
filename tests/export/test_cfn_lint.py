"""Every template the export writes passes cfn-lint with no errors and no warnings.

Inputs: the examples, the corpus diagrams with AWS icons, this folder's diagrams, and a
generated diagram with every kind of service the export builds and every pair it wires.
cfn-lint runs in-process: its decoder reads the YAML and the JSON export, which must decode
to the same template, and its rules run on that template.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.export.helpers import (
    DIAGRAMS,
    EXAMPLES,
    aws_corpus_files,
    every_service_diagram,
    export,
    export_text,
    lint,
    relative,
)
from tests.shared_data import require_shared


def _lint_both(path: Path) -> list[str]:
    return lint(export(path, "yaml").text, export(path, "json").text)


@pytest.mark.parametrize("path", EXAMPLES + DIAGRAMS, ids=relative)
def test_examples_and_test_diagrams_lint_clean(path: Path) -> None:
    assert _lint_both(path) == []


def test_corpus_diagrams_with_aws_icons_lint_clean() -> None:
    require_shared()
    files = aws_corpus_files()
    assert files, "the corpus has diagrams with AWS icons"
    for path in files:
        assert _lint_both(path) == [], path.name


def test_every_service_and_every_wired_pair_lint_clean() -> None:
    text = every_service_diagram()
    yaml_result, json_result = export_text(text, "yaml"), export_text(text, "json")
    assert yaml_result.diagnostics == ()
    assert len(yaml_result.template["Resources"]) <= 500  # CloudFormation's limit
    assert lint(yaml_result.text, json_result.text) == []


def test_lint_catches_a_broken_template() -> None:
    """The checker itself works: a dangling reference is an error."""
    broken = (
        "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
        "    Properties:\n      TopicName: !Ref Nowhere\n"
    )
    assert any(finding.startswith("E") for finding in lint(broken))
