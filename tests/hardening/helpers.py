"""Small helpers for the hardening tests: folder snapshots and diagram builders."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.hardening.checks import run_cli

__all__ = ["cli", "nested_groups", "services", "snapshot"]

Snapshot = dict[str, tuple[bytes | str, int]]


def snapshot(folder: Path) -> Snapshot:
    """Every entry below ``folder``: a file's bytes (a link's target) and mode bits.

    Comparing two snapshots shows a changed, added or removed file, a temporary file
    left behind, or permissions that changed.
    """
    found: Snapshot = {}
    for root, dirs, files in os.walk(folder):
        for name in sorted(dirs + files):
            path = Path(root) / name
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                found[str(path)] = (os.readlink(path), info.st_mode)
            elif stat.S_ISREG(info.st_mode):
                found[str(path)] = (path.read_bytes(), info.st_mode)
            else:
                found[str(path)] = (b"", info.st_mode)
    return found


def cli(*args: str | Path, stdin: bytes | str | None = None) -> tuple[int, str, str]:
    """:func:`run_cli` with paths allowed among the arguments."""
    return run_cli(*(str(arg) for arg in args), stdin=stdin)


def nested_groups(depth: int) -> str:
    """``depth`` groups each inside the previous one, a service in the innermost and an
    edge from it to a service outside all of them (so edges cross every level)."""
    lines = ["architecture-beta", "    group g0(cloud)[Level 0]"]
    lines += [f"    group g{i}(cloud)[Level {i}] in g{i - 1}" for i in range(1, depth)]
    lines += [
        f"    service deep(server)[Deep] in g{depth - 1}",
        "    service top(database)[Top]",
        "    deep{group}:R --> L:top",
    ]
    return "\n".join(lines) + "\n"


def services(count: int, *, edges: bool = True) -> str:
    """``count`` services in a chain of edges (left to right)."""
    lines = ["architecture-beta"]
    lines += [f"    service s{i}(server)[Service {i}]" for i in range(count)]
    if edges:
        lines += [f"    s{i - 1}:R --> L:s{i}" for i in range(1, count)]
    return "\n".join(lines) + "\n"
