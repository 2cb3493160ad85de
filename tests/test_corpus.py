"""Every diagram of Mermaid's own corpus is handled as its MANIFEST says.

valid → no errors (exit 0); GRAMMAR-ONLY valid (Mermaid's DB rejects a missing
parent) → AD102; invalid → the code matching Mermaid's error; fragments without
a header ("unknown") → AD002.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from archdsl.api import validate
from tests.shared_data import corpus_files, require_shared

# Mermaid's error text (from the MANIFEST note) → archdsl's code.
MERMAID_ERRORS = {
    "already in use": "AD101",
    "parent does not exist": "AD102",
    "parent is not a group": "AD103",
    "cannot be placed within itself": "AD104",
}


def _manifest() -> dict[str, tuple[str, str]]:
    shared = require_shared()
    with (shared / "corpus" / "mermaid" / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {row["file"]: (row["expectation"], row["note"]) for row in rows}


def _expected_code(expectation: str, note: str) -> str | None:
    if expectation == "unknown":
        return "AD002"
    if "GRAMMAR-ONLY" in note:
        return "AD102"
    if expectation == "invalid":
        return next(code for text, code in MERMAID_ERRORS.items() if text in note)
    return None


def test_manifest_lists_every_corpus_file() -> None:
    manifest = _manifest()
    on_disk = {path.name for path in corpus_files()}
    assert on_disk == set(manifest)
    assert len(on_disk) >= 60


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_file_matches_manifest(path: Path) -> None:
    expectation, note = _manifest()[path.name]
    document = validate(path.read_text(encoding="utf-8"), str(path))
    errors = [d for d in document.diagnostics if d.severity.value == "error"]
    expected = _expected_code(expectation, note)
    if expected is None:
        assert errors == [], [f"{d.code}:{d.line}:{d.column} {d.message}" for d in errors]
    else:
        assert {d.code for d in errors} == {expected}, [
            f"{d.code}:{d.line}:{d.column} {d.message}" for d in errors
        ]


def test_corpus_is_present_or_skipped_plainly() -> None:
    # Documents the behaviour on a bare clone: the parametrised test above then has
    # no cases, and this test says why instead of passing silently.
    require_shared()
    assert corpus_files(), "the shared corpus folder exists but holds no .mmd files"
