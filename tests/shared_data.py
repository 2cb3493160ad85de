"""Where the workplace's shared reference data lives, if it exists at all.

Tests over ``../shared/`` (Mermaid's corpus, reference files) run wherever it
exists, as in CI, and skip with a plain message where it does not, so the
project's own tests still run on a bare clone. ``ARCHDSL_SHARED`` overrides.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path | None:
    override = os.environ.get("ARCHDSL_SHARED")
    candidates = [Path(override)] if override else []
    candidates.append(REPO_ROOT.parent / "shared")
    return next((c for c in candidates if (c / "corpus" / "mermaid").is_dir()), None)


def require_shared() -> Path:
    found = shared_dir()
    if found is None:
        pytest.skip(
            f"../shared/ (Mermaid corpus and reference data) not found beside {REPO_ROOT}; "
            "set ARCHDSL_SHARED to run these tests"
        )
    return found


def corpus_files() -> list[Path]:
    found = shared_dir()
    return sorted((found / "corpus" / "mermaid").glob("*.mmd")) if found else []
