"""The rule registry is complete: every documented code has a rule, a documentation
and a triggering and a clean case file."""

from __future__ import annotations

import re

import pytest

from archdsl.diagnostics import Severity
from archdsl.rules import all_rules
from tests.rules.cases import all_cases

# The codes of SPEC §4 that rules own (AD001, AD002, AD006, AD007 are the parser's).
SPEC_CODES = [
    *("AD003", "AD004", "AD005"),
    *("AD101", "AD102", "AD103", "AD104", "AD105"),
    *("AD201", "AD202", "AD203", "AD204", "AD205", "AD206", "AD207"),
    *("AD208", "AD209", "AD210", "AD211", "AD212", "AD213"),
]
# Added in the same families, documented like the others.
EXTRA_CODES = ["AD214", "AD215"]
CODES = SPEC_CODES + EXTRA_CODES

SPEC_SEVERITY = {
    "AD204": Severity.WARNING,
    "AD205": Severity.WARNING,
    "AD206": Severity.WARNING,
    "AD209": Severity.WARNING,
    "AD210": Severity.WARNING,
    "AD211": Severity.INFO,
    "AD213": Severity.INFO,
    "AD215": Severity.WARNING,
}


@pytest.mark.parametrize("code", CODES)
def test_code_has_a_documented_rule(code: str) -> None:
    registered = all_rules().get(code)
    assert registered is not None, f"no rule registered for {code}"
    assert registered.severity is SPEC_SEVERITY.get(code, Severity.ERROR)
    doc = registered.doc
    assert registered.summary.endswith("."), f"{code}: the first line is a one-line summary"
    # The docstring is the user documentation: a summary, why, an example and a fix.
    assert len(doc.splitlines()) >= 6, f"{code}: document why, an example and the fix"
    assert re.search(r"\b(Bad|Example)\b", doc), f"{code}: the docstring needs an example"


@pytest.mark.parametrize("code", CODES)
def test_code_has_a_triggering_and_a_clean_case(code: str) -> None:
    named = [case for case in all_cases() if case.code == code]
    triggering = [case for case in named if any(found[0] == code for found in case.expected)]
    clean = [case for case in named if not any(found[0] == code for found in case.expected)]
    assert triggering, f"no case file {code}-*.mmd expects {code}"
    assert clean, f"no clean case file {code}-ok-*.mmd for {code}"


def test_every_rule_code_is_known() -> None:
    mine = {code for code in all_rules() if code.startswith("AD")}
    assert mine <= set(CODES), f"undocumented here: {sorted(mine - set(CODES))}"


def test_case_files_are_named_after_a_code() -> None:
    for case in all_cases():
        assert re.fullmatch(r"AD\d{3}", case.code), case.path.name
        assert case.code in CODES, case.path.name
