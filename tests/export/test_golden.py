"""The bundled example's template, byte for byte.

Re-accept after a deliberate change with ``ARCHDSL_ACCEPT=1 pytest tests/export``.
"""

from __future__ import annotations

import os

from tests.export.helpers import HERE, MAIN_EXAMPLE, export

GOLDEN = HERE / "golden" / "aws-order-pipeline.yaml"


def test_main_example_matches_golden() -> None:
    text = export(MAIN_EXAMPLE).text
    if os.environ.get("ARCHDSL_ACCEPT") == "1" or not GOLDEN.exists():
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
