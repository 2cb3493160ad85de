"""Hostile and odd inputs: each gets the right exit code, a clear message, and no
file changes (the folder is snapshotted before and after every command)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import archdsl.sources
from archdsl.api import format as format_text
from archdsl.api import validate
from archdsl.layout import LayoutOptions, layout
from tests.hardening.helpers import cli, nested_groups, services, snapshot

VALID = "architecture-beta\n    service a(server)[A]\n    service b(database)[B]\n    a:R --> L:b\n"
READ_COMMANDS = (("validate",), ("fmt", "--check"), ("render",), ("export", "json"))


def _every_command(path: Path) -> dict[str, tuple[int, str]]:
    """Exit code and combined output of each command that reads ``path``."""
    results = {}
    for command in READ_COMMANDS:
        code, out, err = cli(*command, path)
        results[" ".join(command)] = (code, out + err)
    return results


# -- bytes that are not a diagram --------------------------------------------------------


UNDECODABLE = [
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL bytes (the first at offset 8)"),
    ("latin-1", "architecture-beta\n  service café\n".encode("latin-1"), "byte 0xe9 at offset 31"),
    ("utf-16", VALID.encode("utf-16"), "UTF-16 text (it starts with a byte order mark)"),
    ("nul", b"architecture-beta\n  service a[A\x00]\n", "NUL bytes (the first at offset 31)"),
    ("cut-in-a-character", "architecture-beta\n  service a[é".encode()[:-1], "not UTF-8 text"),
]


@pytest.mark.parametrize(("name", "data", "message"), UNDECODABLE, ids=[c[0] for c in UNDECODABLE])
def test_undecodable_files_are_exit_2_with_a_message(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / f"{name}.mmd"
    path.write_bytes(data)
    before = snapshot(tmp_path)
    for command, (code, output) in _every_command(path).items():
        assert code == 2, (command, output)
        assert message in output, (command, output)
        assert str(path) in output, (command, output)
    code, _, err = cli("fmt", path)
    assert code == 2 and message in err
    assert snapshot(tmp_path) == before


def test_undecodable_stdin_is_exit_2(tmp_path: Path) -> None:
    code, out, _ = cli("validate", "-", stdin=b"architecture-beta\n\xff\xfe\n")
    assert code == 2 and "<stdin>:1:1: AD901 error: not UTF-8 text (byte 0xff" in out
    code, _, err = cli("fmt", "-", stdin=b"\x00")
    assert code == 2 and "NUL bytes" in err


def test_empty_file_is_a_missing_header_finding(tmp_path: Path) -> None:
    path = tmp_path / "empty.mmd"
    path.write_bytes(b"")
    before = snapshot(tmp_path)
    results = _every_command(path)
    for command, (code, output) in results.items():
        assert code == 1, (command, output)
        assert "AD002" in output and "empty diagram" in output, (command, output)
    assert "nothing was written" in results["render"][1]
    assert "not formatted" in results["fmt --check"][1]
    assert snapshot(tmp_path) == before


def test_a_utf8_byte_order_mark_is_fine_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "bom.mmd"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode())
    before = snapshot(tmp_path)
    results = _every_command(path)
    assert {command: code for command, (code, _) in results.items()} == dict.fromkeys(results, 0)
    assert "1 file checked: 0 errors" in results["validate"][1]
    assert snapshot(tmp_path) == before
    # Reformatting keeps the mark: Windows editors write it and expect it back.
    path.write_bytes(b"\xef\xbb\xbf" + VALID.replace("    ", "  ").encode())
    assert cli("fmt", path)[0] == 0
    assert path.read_bytes() == b"\xef\xbb\xbf" + VALID.encode()


def test_a_one_megabyte_line_gets_one_short_excerpt(tmp_path: Path) -> None:
    path = tmp_path / "long.mmd"
    path.write_text("architecture-beta\n    service a(server)[" + "x" * 1_000_000 + "\n")
    before = snapshot(tmp_path)
    code, out, _ = cli("validate", path)
    assert code == 1
    assert f"{path}:2:22: AD007 error: unterminated title" in out
    # The source line is shown as a window around the finding, not as a megabyte.
    assert len(out) < 2_000 and "…" in out
    code, _, err = cli("fmt", path)
    assert code == 1 and "not formatted" in err
    assert snapshot(tmp_path) == before


def test_a_one_megabyte_title_is_valid_and_renders(tmp_path: Path) -> None:
    title = "word " * 200_000
    path = tmp_path / "long.mmd"
    path.write_text(f"architecture-beta\n    service a(server)[{title.strip()}]\n")
    assert cli("validate", path)[0] == 0
    assert cli("fmt", "--check", path)[0] == 0
    code, out, _ = cli("render", path, "--format", "json")
    assert code == 0 and json.loads(out)["nodes"][0]["id"] == "a"


# -- deep and big diagrams ---------------------------------------------------------------


DEPTH = 3000


@pytest.fixture(scope="module")
def deep_text() -> str:
    return nested_groups(DEPTH)


def test_3000_nested_groups_parse_check_and_format(deep_text: str) -> None:
    document = validate(deep_text)
    assert document.ok, document.diagnostics[:3]
    assert document.diagram is not None and len(document.diagram.groups) == DEPTH
    assert format_text(deep_text) == deep_text


def test_3000_nested_groups_lay_out(deep_text: str) -> None:
    document = validate(deep_text)
    assert document.diagram is not None
    placed = layout(document.diagram, options=LayoutOptions(max_nodes=None))
    boxes = {group.id: group.box for group in placed.groups}
    # Each group inside its parent, all the way down.
    assert boxes["g0"].width > boxes[f"g{DEPTH - 1}"].width


@pytest.mark.slow
def test_3000_nested_groups_through_every_command(tmp_path: Path, deep_text: str) -> None:
    path = tmp_path / "deep.mmd"
    path.write_text(deep_text)
    before = snapshot(tmp_path)
    assert cli("validate", path)[0] == 0
    assert cli("fmt", "--check", path)[0] == 0
    code, out, _ = cli("render", path, "--format", "json")
    assert code == 0 and len(json.loads(out)["groups"]) == DEPTH
    code, out, _ = cli("render", path)
    assert code == 0 and out.count('data-kind="group"') == DEPTH
    assert cli("export", "json", path)[0] == 0
    # A PNG that big is refused with a clear exit 1 message, not a crash.
    code, _, err = cli("render", path, "-o", tmp_path / "deep.png")
    assert code == 1 and "the PNG would be" in err
    assert snapshot(tmp_path) == before


_MEASURE = textwrap.dedent(
    """
    import json, resource, sys, time
    from archdsl.api import validate
    text = sys.stdin.read()
    start = time.perf_counter()
    document = validate(text)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "findings": len(document.diagnostics),
                      "errors": not document.ok}))
    """
)


@pytest.mark.slow
def test_50000_services_validate_in_bounded_memory(record_property: object) -> None:
    """Measured in a fresh process (time is printed, not asserted; memory is bounded)."""
    text = services(50_000)
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    measured = json.loads(result.stdout)
    print(f"50,000 services + 49,999 edges: {measured}")
    assert not measured["errors"]
    assert measured["peak_mb"] < 2_000, measured


# -- folders, links, permissions ---------------------------------------------------------


@pytest.mark.slow
def test_a_folder_with_thousands_of_files(tmp_path: Path) -> None:
    for index in range(2_000):
        folder = tmp_path / f"part{index % 20}"
        folder.mkdir(exist_ok=True)
        (folder / f"d{index}.mmd").write_text(VALID)
        (folder / f"notes{index}.txt").write_text("not a diagram")
    before = snapshot(tmp_path)
    code, out, _ = cli("validate", tmp_path)
    assert code == 0 and "2000 files checked: 0 errors" in out
    assert cli("fmt", "--check", tmp_path)[0] == 0
    assert snapshot(tmp_path) == before


def test_symlink_loops_neither_hang_nor_crash(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "ok.mmd").write_text(VALID)
    os.symlink(tmp_path, tmp_path / "docs" / "up")  # a folder loop
    os.symlink(tmp_path / "b.mmd", tmp_path / "a.mmd")  # a file loop: a -> b -> a
    os.symlink(tmp_path / "a.mmd", tmp_path / "b.mmd")
    os.symlink(tmp_path / "self.mmd", tmp_path / "self.mmd")
    before = snapshot(tmp_path)
    code, out, _ = cli("validate", tmp_path)
    assert code == 2
    assert "ok.mmd" not in out  # checked, and clean
    for name in ("a.mmd", "b.mmd", "self.mmd"):
        assert (
            f"{tmp_path / name}:1:1: AD900 error: cannot read: Too many levels of symbolic links"
            in out
        )
    code, _, err = cli("fmt", tmp_path / "self.mmd")
    assert code == 2 and "Too many levels of symbolic links" in err
    assert cli("render", tmp_path / "self.mmd")[0] == 2
    assert snapshot(tmp_path) == before


def test_links_to_devices_and_pipes_in_a_folder_are_not_read(tmp_path: Path) -> None:
    """A checked-out pull request may hold a link to /dev/zero: reading it would never end."""
    os.symlink("/dev/zero", tmp_path / "zero.mmd")
    os.mkfifo(tmp_path / "pipe.mmd")
    (tmp_path / "ok.mmd").write_text(VALID)
    code, out, _ = cli("validate", tmp_path)
    assert code == 2
    assert (
        f"{tmp_path / 'zero.mmd'}:1:1: AD900 error: cannot read: not a regular file (a device)"
        in out
    )
    assert (
        f"{tmp_path / 'pipe.mmd'}:1:1: AD900 error: cannot read: not a regular file (a pipe)" in out
    )


def test_too_large_files_are_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archdsl.sources, "MAX_BYTES", 1024)
    path = tmp_path / "big.mmd"
    path.write_text(VALID + "%% padding\n" * 200)
    code, out, _ = cli("validate", path)
    assert code == 2 and "cannot read: larger than" in out


def test_unreadable_file_chmod_000(tmp_path: Path) -> None:
    path = tmp_path / "secret.mmd"
    path.write_text(VALID)
    path.chmod(0)
    try:
        before = snapshot(tmp_path) if os.geteuid() == 0 else None
        code, out, _ = cli("validate", path)
        if os.access(path, os.R_OK):
            # root (as in CI containers) reads it anyway; the simulated test below covers it.
            assert code == 0
        else:
            assert code == 2 and "AD900 error: cannot read: Permission denied" in out
        if before is not None:
            assert snapshot(tmp_path) == before
    finally:
        path.chmod(0o644)


def test_unreadable_file_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.mmd"
    path.write_text(VALID)
    real_open = open

    def refusing_open(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(archdsl.sources, "open", refusing_open, raising=False)
    before = snapshot(tmp_path)
    code, out, _ = cli("validate", path)
    assert code == 2 and f"{path}:1:1: AD900 error: cannot read: Permission denied" in out
    code, _, err = cli("fmt", path)
    assert code == 2 and "Permission denied" in err
    code, _, err = cli("render", path)
    assert code == 2 and "Permission denied" in err
    assert snapshot(tmp_path) == before


def test_unreadable_subfolder_is_reported_not_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "ok.mmd").write_text(VALID)
    real_scandir = os.scandir

    def refusing_scandir(path: str = ".") -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing_scandir)
    code, out, _ = cli("validate", tmp_path)
    assert code == 2
    assert f"{tmp_path / 'locked'}:1:1: AD900 error: cannot read: Permission denied" in out


# -- Markdown ----------------------------------------------------------------------------


def test_markdown_with_an_unclosed_fence_runs_to_the_end(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Notes\n\n```mermaid\narchitecture-beta\n  service a(server)[A\n")
    before = snapshot(tmp_path)
    code, out, _ = cli("validate", path)
    assert code == 1 and f"{path}:5:20: AD007 error: unterminated title" in out
    code, _, err = cli("fmt", path)
    assert code == 1 and f"{path}:5:20: AD007" in err
    assert snapshot(tmp_path) == before
    # Fixed, it formats without growing a closing fence it never had.
    path.write_text("# Notes\n\n```mermaid\narchitecture-beta\n  service a(server)[A]\n")
    assert cli("fmt", path)[0] == 0
    assert (
        path.read_text() == "# Notes\n\n```mermaid\narchitecture-beta\n    service a(server)[A]\n"
    )


def test_markdown_fence_positions_with_odd_line_breaks_and_indents(tmp_path: Path) -> None:
    # A lone CR before the fence is a line break (CommonMark and Mermaid agree), and a
    # body line indented less than the fence loses only what it has.
    path = tmp_path / "notes.md"
    path.write_bytes(
        b"# A\rB\r\n  ```mermaid\r\n  architecture-beta\r\n service a(server)[A\r\n  ```\r\n"
    )
    code, out, _ = cli("validate", "--format", "json", path)
    (finding,) = json.loads(out)["diagnostics"]
    assert code == 1 and finding["code"] == "AD007"
    assert (finding["line"], finding["column"]) == (5, 19)
    assert path.read_bytes().split(b"\r\n")[3][18:19] == b"["


def test_markdown_fence_after_a_lone_cr_formats_in_place(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    original = b"# A\rB\r\n```mermaid\r\narchitecture-beta\r\n  service a(server)\r\n```\r\ntail\r"
    path.write_bytes(original)
    assert cli("fmt", path)[0] == 0
    assert path.read_bytes() == original.replace(b"  service", b"    service")


# -- deeply nested data files ----------------------------------------------------------------

DEEP_JSON = "[" * 100_000 + "]" * 100_000


def test_an_icon_pack_nested_too_deeply_is_a_usage_error(tmp_path: Path) -> None:
    pack = tmp_path / "deep.json"
    pack.write_text(DEEP_JSON)
    path = tmp_path / "d.mmd"
    path.write_text(VALID)
    for command in ("validate", "render"):
        code, _, err = cli(command, path, "--icon-pack", pack)
        assert code == 2 and "not an icon pack (JSON nested too deeply)" in err, command


def _block_nesting(depth: int) -> str:
    return "".join(f"{' ' * level}k{level}:\n" for level in range(depth)) + " " * depth + "x\n"


@pytest.mark.parametrize(
    "body",
    [DEEP_JSON, "- " * 50_000 + "x", _block_nesting(3_000)],
    ids=["flow", "compact-sequences", "indentation"],
)
def test_a_template_nested_too_deeply_is_refused_cleanly(tmp_path: Path, body: str) -> None:
    # In a child process: a crash there (libyaml recurses in C) must not take the run with it.
    template = tmp_path / "deep.yaml"
    template.write_text("Resources:\n  " + body.replace("\n", "\n  "))
    before = snapshot(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "archdsl", "import", "cloudformation", str(template)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert result.returncode == 1, (result.returncode, result.stderr[-300:])
    assert "nested too deeply (more than 200 levels)" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(tmp_path) == before


def test_a_deep_json_template_is_refused_cleanly(tmp_path: Path) -> None:
    template = tmp_path / "deep.json"
    template.write_text('{"Resources": ' + DEEP_JSON + "}")
    code, _, err = cli("import", "cloudformation", template)
    assert code == 1 and "nested too deeply" in err


def test_templates_nested_as_deep_as_allowed_still_load() -> None:
    from archdsl.importers.cloudformation.loader import MAX_NESTING, _parse

    document = _parse("Top:\n  " + _block_nesting(MAX_NESTING - 2).replace("\n", "\n  "))
    assert "Top" in document


def test_a_configuration_nested_too_deeply_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".archdsl.toml").write_text("select = " + DEEP_JSON + "\n")
    (tmp_path / "d.mmd").write_text(VALID)
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("validate", "d.mmd")
    assert code == 2 and ".archdsl.toml" in err
