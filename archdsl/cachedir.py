"""Where archdsl keeps what it can rebuild: the built parser, the catalogue as JSON.

Everything in this folder is derived from files inside the package and named by a
digest of what it was built from, so deleting the folder is always safe, and two
archdsl versions never read each other's files. A folder that cannot be written only
costs the rebuild.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_DIR_VARIABLE = "ARCHDSL_CACHE_DIR"
"""Overrides the cache folder (default: ``$XDG_CACHE_HOME/archdsl``)."""


def cache_dir() -> Path:
    """``$ARCHDSL_CACHE_DIR``, else ``$XDG_CACHE_HOME/archdsl``, else ``~/.cache/archdsl``."""
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg or Path.home() / ".cache") / "archdsl"


def cache_path(stem: str, built_from: str, suffix: str) -> Path | None:
    """``<cache folder>/<stem>-<digest of built_from><suffix>``, the folder created if
    needed; ``None`` when it cannot be (read-only home, no home): no cache, no failure."""
    import hashlib

    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    digest = hashlib.sha256(built_from.encode("utf-8")).hexdigest()[:24]
    return folder / f"{stem}-{digest}{suffix}"
