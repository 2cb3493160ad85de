"""archdsl's parser against the real Mermaid, on generated and mutated diagrams.

Needs Node.js and the Mermaid oracle (``shared/oracle``, installed with its
``setup.sh``); set ``ARCHDSL_ORACLE=/tmp/mermaid-oracle`` to run it. CI does not:
the interesting cases it found are plain tests in ``test_parser.py`` and
``test_errors.py``. ``scripts/oracle_compare.py --count 2000`` runs a bigger batch.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "oracle_compare.py"


def test_parser_agrees_with_mermaid() -> None:
    oracle = os.environ.get("ARCHDSL_ORACLE")
    if not oracle or not (Path(oracle) / "parse.mjs").is_file() or not shutil.which("node"):
        pytest.skip("set ARCHDSL_ORACLE to an installed Mermaid oracle to compare with it")
    command = [sys.executable, str(SCRIPT), "--count", "150", "--seed", "7", "--oracle", oracle]
    done = subprocess.run(
        [*command, "--no-minimise"], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 disagree" in done.stdout
