"""The case files' `%% mermaid:` verdicts, checked against the real Mermaid.

Needs the oracle of ``shared/oracle`` installed (Node, mermaid, chromium); set
``ARCHDSL_ORACLE=/tmp/mermaid-oracle`` to run it. CI does not: the verdicts are
recorded in the case files, and this test is how they were (and can be) checked.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.rules.cases import Case, all_cases

pytestmark = pytest.mark.slow


def _oracle() -> Path:
    location = os.environ.get("ARCHDSL_ORACLE")
    if not location or not (Path(location) / "validate.mjs").is_file():
        pytest.skip("set ARCHDSL_ORACLE to an installed Mermaid oracle to check verdicts")
    return Path(location)


def _run(oracle: Path, script: str, cases: list[Case]) -> dict[str, dict[str, object]]:
    command = ["node", script, *(str(case.path) for case in cases)]
    done = subprocess.run(command, cwd=oracle, capture_output=True, text=True, timeout=600)
    records = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return {str(record["file"]): record for record in records}


def _parse_verdict(record: dict[str, object]) -> str:
    if record["ok"]:
        return "ok"
    error = str(record.get("error", ""))
    return "syntax-error" if "Parse error" in error or "Parsing failed" in error else "error"


def test_verdicts_match_mermaid() -> None:
    oracle = _oracle()
    cases = all_cases()
    parsed = _run(oracle, "validate.mjs", cases)
    rendered = _run(
        oracle, "render_check.mjs", [c for c in cases if c.verdict in ("ok", "render-error")]
    )
    wrong = []
    for case in cases:
        verdict = _parse_verdict(parsed[str(case.path)])
        if verdict == "ok" and str(case.path) in rendered:
            verdict = "ok" if rendered[str(case.path)]["ok"] else "render-error"
        expected = "ok" if case.verdict == "slow" else case.verdict
        if verdict != expected:
            wrong.append(f"{case.path.name}: recorded {case.verdict}, Mermaid says {verdict}")
    assert not wrong, "\n".join(wrong)
