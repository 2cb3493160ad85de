"""Every case file reports exactly its annotated findings, and its Mermaid verdict
is consistent with them (an error finding ⇔ Mermaid rejects or fails)."""

from __future__ import annotations

import pytest

from archdsl.diagnostics import Severity
from archdsl.rules import all_rules
from tests.rules.cases import VERDICTS, Case, all_cases

CASES = all_cases()
PARSER_ERRORS = {"AD001", "AD002", "AD006", "AD007"}


def _describe(case: Case) -> str:
    lines = [f"{d.code}:{d.line}:{d.column} {d.message}" for d in case.check().diagnostics]
    return "\n".join(lines) or "(no findings)"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.path.name)
def test_case_reports_exactly_what_it_expects(case: Case) -> None:
    assert case.has_expectations, "a case needs a `%% expect:` line (or `%% expect: nothing`)"
    assert case.found() == case.expected, _describe(case)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.path.name)
def test_case_verdict_agrees_with_findings(case: Case) -> None:
    assert case.verdict in VERDICTS, "a case needs `%% mermaid: <verdict>`"
    if case.options.mermaid_version is not None:
        return  # the verdict is the newest Mermaid's; the findings are the targeted one's
    rules = all_rules()
    errors = {
        code
        for code, _, _ in case.expected
        if code in PARSER_ERRORS or (code in rules and rules[code].severity is Severity.ERROR)
    }
    if case.verdict in ("ok", "slow"):
        assert not errors, f"Mermaid accepts this case, yet archdsl reports errors {errors}"
    else:
        assert errors, f"Mermaid says {case.verdict}, yet archdsl reports no error"


def test_there_are_cases() -> None:
    assert len(CASES) >= 40
