"""Writing outputs without ever leaving a half-written or damaged file."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    An interrupted run leaves either the old file or the new one, never a mix, and no
    temporary file; an existing file keeps its permission bits (and, when the process
    may, its owner). A symbolic link stays a link: the file it points to is replaced.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path = _through_links(path)
    folder = path.parent if str(path.parent) else Path(".")
    old = path.stat() if path.exists() else None
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        _copy_metadata(temporary, old)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _through_links(path: Path) -> Path:
    """The file a link points to: renaming over the link itself would turn it into a
    plain file and leave its target stale. A dangling or looping link stays as given."""
    if not path.is_symlink():
        return path
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):
        return path


def _copy_metadata(temporary: str, old: os.stat_result | None) -> None:
    if old is None:
        # A new file gets what open() would give it: 0666 less the umask (mkstemp's 0600
        # would hide the output from everyone else).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        return
    os.chmod(temporary, stat.S_IMODE(old.st_mode))
    if (old.st_uid, old.st_gid) != _owner(temporary):
        # Only root may give a file away; anyone else keeps their own ownership.
        with contextlib.suppress(OSError):
            os.chown(temporary, old.st_uid, old.st_gid)


def _owner(name: str) -> tuple[int, int]:
    info = os.stat(name)
    return info.st_uid, info.st_gid


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (refuse to overwrite an input with an output)."""
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False
