"""Reading inputs: folders, Markdown fences, bad files, and atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archdsl.config import ConfigError, config_from_table, load_config, parse_version
from archdsl.diagnostics import Diagnostic, Severity, Span
from archdsl.files import write_atomic
from archdsl.sources import DECODE_ERROR, IO_ERROR, collect, markdown_fences
from archdsl.suppress import Suppressions

DIAGRAM = "architecture-beta\n  service a(server)\n"


def test_folder_is_read_recursively_and_sorted(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.mmd").write_text(DIAGRAM)
    (tmp_path / "one.mmd").write_text(DIAGRAM)
    (tmp_path / "notes.txt").write_text("not a diagram")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "skip.mmd").write_text(DIAGRAM)
    collected = collect([str(tmp_path)])
    # A folder's own files come before its subfolders', each level sorted by name.
    assert [Path(s.path).relative_to(tmp_path).as_posix() for s in collected.sources] == [
        "one.mmd",
        "b/two.mmd",
    ]
    assert collected.problems == []


def test_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "d.mmd").write_text(DIAGRAM)
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    collected = collect([str(tmp_path)])
    assert len(collected.sources) == 1


def test_broken_link_is_an_io_problem(tmp_path: Path) -> None:
    os.symlink(tmp_path / "missing.mmd", tmp_path / "link.mmd")
    collected = collect([str(tmp_path / "link.mmd")])
    assert [p.code for p in collected.problems] == [IO_ERROR]


def test_non_utf8_is_a_decode_problem(tmp_path: Path) -> None:
    (tmp_path / "latin.mmd").write_bytes("architecture-beta\n service caf\xe9\n".encode("latin-1"))
    collected = collect([str(tmp_path / "latin.mmd")])
    (problem,) = collected.problems
    assert problem.code == DECODE_ERROR and "byte 0xe9" in problem.message


def test_markdown_fences_only_architecture_with_offsets() -> None:
    text = (
        "# Doc\n"
        "```mermaid\nflowchart TD\n a-->b\n```\n"
        "  ```mermaid\n  architecture-beta\n    service a(server)\n  ```\n"
        "~~~~mermaid\narchitecture-beta\n service b\n"  # unclosed: runs to the end
    )
    fences = list(markdown_fences(text))
    assert [(line, indent) for line, indent, _ in fences] == [(2, 0), (6, 2), (10, 0)]
    assert fences[1][2] == "architecture-beta\n  service a(server)\n"
    assert fences[2][2].startswith("architecture-beta\n service b")


def test_markdown_sources_skip_other_diagrams(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("```mermaid\nsequenceDiagram\n```\n\n```mermaid\narchitecture-beta\n```\n")
    collected = collect([str(doc)])
    (source,) = collected.sources
    assert source.line_offset == 5


def test_write_atomic_keeps_permissions_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.mmd"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    assert [p.name for p in tmp_path.iterdir()] == ["out.mmd"]


def test_write_atomic_failure_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.mmd"
    target.write_text("old")

    def broken_replace(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.mmd"]


def test_config_values_and_errors(tmp_path: Path) -> None:
    path = tmp_path / ".archdsl.toml"
    config = config_from_table(
        path,
        {
            "select": ["ad2"],
            "severity": {"AD211": "warning"},
            "mermaid-version": "11.12",
            "strict": True,
        },
    )
    assert config.select == ("AD2",)
    assert config.severity == {"AD211": Severity.WARNING}
    assert config.mermaid_version == (11, 12) and config.strict
    with pytest.raises(ConfigError, match="severity of AD211"):
        config_from_table(path, {"severity": {"AD211": "loud"}})
    with pytest.raises(ConfigError, match="mermaid-version"):
        parse_version("eleven")


def test_config_is_found_from_a_subfolder(tmp_path: Path) -> None:
    (tmp_path / ".archdsl.toml").write_text('ignore = ["AD211"]\n')
    (tmp_path / "sub").mkdir()
    config = load_config(tmp_path / "sub")
    assert config.ignore == ("AD211",) and config.path == tmp_path / ".archdsl.toml"


def _finding(code: str, line: int) -> Diagnostic:
    return Diagnostic(code, Severity.WARNING, "x", Span.point(line, 1))


def test_suppressions_line_next_statement_and_file() -> None:
    source = (
        "architecture-beta\n"
        "  a:R -- R:b %% archdsl-ignore AD206\n"
        "  %% archdsl-ignore AD205, AD211\n"
        "\n"
        "  c:R -- L:c\n"
        "  %% archdsl-ignore-file AWS4\n"
    )
    hidden = Suppressions.from_source(source)
    assert hidden.hides(_finding("AD206", 2))
    assert not hidden.hides(_finding("AD205", 2))
    assert hidden.hides(_finding("AD205", 5)) and hidden.hides(_finding("AD211", 5))
    assert hidden.hides(_finding("AWS401", 1))
    assert not hidden.hides(_finding("AD206", 5))
