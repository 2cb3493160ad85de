"""Nothing lost: no command damages a source or leaves half an output.

Every write goes through :func:`archdsl.files.write_atomic` (a temporary file in the
same folder, then a rename). These tests break the write at each step — the emitter
raising or interrupted, the temporary file failing mid-write, the rename failing —
and check that the target is byte-identical and no temporary file remains.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import archdsl.emit.mermaid
import archdsl.emit.svg
import archdsl.files
from archdsl.cli import app
from archdsl.files import write_atomic
from tests.hardening.helpers import cli, snapshot

VALID = "architecture-beta\n    service a(server)[A]\n    service b(database)[B]\n    a:R --> L:b\n"
UNFORMATTED = VALID.replace("    ", "  ").replace(":R --> L:", ":R-->L:")
OLD_PICTURE = b"<svg>the old picture, which must survive</svg>\n"


def _invoke_interrupted(args: list[str], injected: type[BaseException] = KeyboardInterrupt) -> None:
    """Run ``archdsl ARGS`` while something raises ``injected``: the run must stop (by
    that exception, or by an exit code other than 0) and nothing else may go wrong."""
    try:
        result = CliRunner().invoke(app, args)
    except KeyboardInterrupt:
        return
    assert result.exit_code != 0
    if result.exception is not None:
        assert isinstance(result.exception, (SystemExit, injected)), result.exception


def _raiser(error: BaseException) -> Callable[..., Any]:
    def fail(*_: object, **__: object) -> Any:
        raise error

    return fail


# -- fmt -------------------------------------------------------------------------------------


@pytest.mark.parametrize("error", [KeyboardInterrupt(), RuntimeError("emitter failed")])
def test_fmt_interrupted_in_the_emitter_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    path = tmp_path / "d.mmd"
    path.write_text(UNFORMATTED)
    before = snapshot(tmp_path)
    monkeypatch.setattr(archdsl.emit.mermaid, "_join", _raiser(error))
    _invoke_interrupted(["fmt", str(path)], type(error))
    assert snapshot(tmp_path) == before


class _HalfWriter:
    """A file object that writes half of what it is given, then is interrupted."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle

    def __enter__(self) -> _HalfWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def write(self, data: bytes) -> int:
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        raise KeyboardInterrupt

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)


@pytest.mark.parametrize("where", ["write", "fsync", "rename"])
def test_fmt_interrupted_while_writing_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    path = tmp_path / "d.mmd"
    path.write_text(UNFORMATTED)
    before = snapshot(tmp_path)
    if where == "write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(
            "archdsl.files.os.fdopen", lambda fd, mode: _HalfWriter(real_fdopen(fd, mode))
        )
    elif where == "fsync":
        monkeypatch.setattr("archdsl.files.os.fsync", _raiser(KeyboardInterrupt()))
    else:
        monkeypatch.setattr("archdsl.files.os.replace", _raiser(KeyboardInterrupt()))
    _invoke_interrupted(["fmt", str(path)])
    assert snapshot(tmp_path) == before


def test_fmt_that_cannot_write_says_so_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "d.mmd"
    path.write_text(UNFORMATTED)
    before = snapshot(tmp_path)
    monkeypatch.setattr("archdsl.files.os.replace", _raiser(OSError(28, "No space left on device")))
    code, _, err = cli("fmt", path)
    assert code == 2 and f"{path}: cannot write: No space left on device" in err
    assert snapshot(tmp_path) == before


def test_fmt_in_a_folder_it_cannot_write_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Simulated: tests run as root in CI, where a read-only folder does not stop a write.
    path = tmp_path / "d.mmd"
    path.write_text(UNFORMATTED)
    before = snapshot(tmp_path)
    denied = PermissionError(13, "Permission denied")
    monkeypatch.setattr("archdsl.files.tempfile.mkstemp", _raiser(denied))
    code, _, err = cli("fmt", path)
    assert code == 2 and "cannot write: Permission denied" in err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "text",
    [
        "architecture-beta\n  service a(server)[A\n  a:R -> L:b\n",
        "architecture-beta\n  service a(server) service b(server)\n",
        "flowchart TD\n  a --> b\n",
        "",
    ],
)
def test_fmt_refuses_what_it_cannot_parse_and_leaves_it_byte_identical(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "broken.mmd"
    path.write_bytes(text.replace("\n", "\r\n").encode())
    os.utime(path, (1_000_000, 1_000_000))
    before = snapshot(tmp_path)
    code, _, err = cli("fmt", path)
    assert code == 1 and "not formatted" in err
    assert snapshot(tmp_path) == before
    assert path.stat().st_mtime == 1_000_000  # not even rewritten with the same bytes


def test_fmt_check_and_diff_never_write(tmp_path: Path) -> None:
    path = tmp_path / "d.mmd"
    path.write_text(UNFORMATTED)
    before = snapshot(tmp_path)
    assert cli("fmt", "--check", path)[0] == 1
    code, out, _ = cli("fmt", "--diff", path)
    assert code == 1 and "+    a:R --> L:b" in out
    assert snapshot(tmp_path) == before


def test_fmt_keeps_permissions_and_links(tmp_path: Path) -> None:
    target = tmp_path / "real.mmd"
    target.write_text(UNFORMATTED)
    target.chmod(0o640)
    link = tmp_path / "link.mmd"
    link.symlink_to(target.name)
    assert cli("fmt", link)[0] == 0
    assert link.is_symlink() and os.readlink(link) == "real.mmd"
    assert target.read_text() == VALID
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.mmd", "real.mmd"]


def test_write_atomic_gives_new_files_the_umask_mode(tmp_path: Path) -> None:
    umask = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.svg", "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.svg").stat().st_mode) == 0o640


# -- render and export -------------------------------------------------------------------------


@pytest.mark.parametrize("error", [KeyboardInterrupt(), RuntimeError("emitter failed")])
def test_render_interrupted_in_the_emitter_keeps_the_old_picture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    source = tmp_path / "d.mmd"
    source.write_text(VALID)
    picture = tmp_path / "d.svg"
    picture.write_bytes(OLD_PICTURE)
    before = snapshot(tmp_path)
    monkeypatch.setattr(archdsl.emit.svg._Writer, "_edge", _raiser(error))
    _invoke_interrupted(["render", str(source), "-o", str(picture)], type(error))
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("output", ["d.svg", "d.png", "d.json"])
def test_render_interrupted_while_writing_keeps_the_old_picture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: str
) -> None:
    source = tmp_path / "d.mmd"
    source.write_text(VALID)
    picture = tmp_path / output
    picture.write_bytes(OLD_PICTURE)
    before = snapshot(tmp_path)
    real_fdopen = os.fdopen
    monkeypatch.setattr(
        "archdsl.files.os.fdopen", lambda fd, mode: _HalfWriter(real_fdopen(fd, mode))
    )
    _invoke_interrupted(["render", str(source), "-o", str(picture)])
    assert snapshot(tmp_path) == before


def _output_spellings(tmp_path: Path, source: Path) -> list[Path]:
    """Ways to name the input as the output: itself, another spelling, links to it."""
    (tmp_path / "sub").mkdir()
    symlink = tmp_path / "link.mmd"
    symlink.symlink_to(source)
    hardlink = tmp_path / "hard.mmd"
    os.link(source, hardlink)
    return [source, tmp_path / "sub" / ".." / source.name, symlink, hardlink]


@pytest.mark.parametrize(
    "command",
    [
        ["render"],
        ["render", "--format", "png"],
        ["render", "--format", "json"],
        ["export", "json"],
        ["export", "cloudformation"],
    ],
    ids="-".join,
)
def test_output_over_the_input_is_refused(tmp_path: Path, command: list[str]) -> None:
    source = tmp_path / "d.mmd"
    source.write_text(VALID)
    spellings = _output_spellings(tmp_path, source)
    before = snapshot(tmp_path)
    for output in spellings:
        code, _, err = cli(*command, source, "-o", output)
        assert code == 2, (output, err)
        assert "refusing to overwrite the input" in err, (output, err)
        assert snapshot(tmp_path) == before, output


def test_render_into_the_inputs_own_folder_under_its_own_name_is_refused(tmp_path: Path) -> None:
    # A diagram saved as .svg (collect reads any file named on the command line) rendered
    # into its own folder would be written over itself.
    source = tmp_path / "d.svg"
    source.write_text(VALID)
    before = snapshot(tmp_path)
    code, _, err = cli("render", source, "-o", tmp_path)
    assert code == 2 and "refusing to overwrite the input" in err
    assert snapshot(tmp_path) == before


def test_import_over_its_template_is_refused(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text(
        "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n  Topic:\n    Type: AWS::SNS::Topic\n"
    )
    before = snapshot(tmp_path)
    code, _, err = cli("import", "cloudformation", template, "-o", template)
    assert code == 2 and "refusing to overwrite the input" in err
    assert snapshot(tmp_path) == before


def test_failed_render_writes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mmd"
    broken.write_text("architecture-beta\n    service a(server)\n    a:R --> L:ghost\n")
    valid = tmp_path / "valid.mmd"
    valid.write_text(VALID)
    before = snapshot(tmp_path)
    code, _, err = cli("render", broken, "-o", tmp_path / "broken.svg")
    assert code == 1 and "nothing was written" in err
    code, _, err = cli("render", valid, "--max-nodes", "1", "-o", tmp_path / "valid.svg")
    assert code == 1 and "more than the layout limit" in err
    assert snapshot(tmp_path) == before
