"""What makes a cold start cheap, and that it changes nothing.

The parser cache (stale grammar, damaged file, unwritable folder), the lexer that
compiles its scanners only when they pay off, the option-less ``validate`` that
skips Typer's option conversion, and the plain text report without rich: each one
gives exactly what the slower path gives, and start-up does not import what it
does not use. (Timings belong to ``benchmarks/run.py``, not to tests.)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import lark
import pytest

from archdsl import cachedir
from archdsl.syntax import loader

REPO = Path(__file__).resolve().parent.parent
SAMPLES = sorted(
    [*(REPO / "examples").glob("*.mmd"), *(REPO / "tests" / "rules" / "cases").glob("*.mmd")]
)
BROKEN = [
    "architecture-beta\n    service a(server)[A]\n    a:R -> L:b\n",
    "architecture-beta\n    service a(server)[A\n",
    "architecture-beta\n    group g(cloud)[G] in\n    §\n",
    "architecture-beta\n    service a(server)[A] in g junk\n",
]


OPTIONS = {
    "parser": "lalr",
    "lexer": "contextual",
    "maybe_placeholders": True,
    "propagate_positions": False,
    "strict": False,
}
"""What :func:`loader.build_parser` builds with (the cache file's name depends on it)."""


@pytest.fixture(scope="module", autouse=True)
def _no_collision_check() -> Iterator[None]:
    """Builds here skip Lark's terminal-collision check, which runs whenever
    ``interegular`` (a test dependency) is installed and takes seconds per build; the
    grammar's collisions are tested once, in strict mode, in tests/syntax."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lark.lexer, "has_interegular", False)
        yield


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder holding the built parser, for the tests that do not test the build."""
    folder = tmp_path_factory.mktemp("warm-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(cachedir.CACHE_DIR_VARIABLE, str(folder))
        loader.build_parser()
    return folder


@pytest.fixture
def cache(warm_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own cache folder, a copy of the warm one."""
    folder = tmp_path / "cache"
    shutil.copytree(warm_cache, folder)
    monkeypatch.setenv(cachedir.CACHE_DIR_VARIABLE, str(folder))
    return folder


def _outcome(parser: lark.Lark, text: str) -> object:
    try:
        return parser.parse(text)
    except lark.exceptions.UnexpectedInput as error:
        return (type(error).__name__, error.line, error.column)


def test_adaptive_lexer_gives_lark_s_tokens(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Terminal by terminal, combined from the first token, or switching mid-file."""
    grammar = loader.grammar_path().read_text(encoding="utf-8")
    # Lark's own contextual lexer (loaded from the same cached tables) is the reference.
    reference = lark.Lark(grammar, **OPTIONS, cache=loader.cache_file(grammar, OPTIONS))
    texts = [path.read_text(encoding="utf-8") for path in SAMPLES] + BROKEN
    expected = [_outcome(reference, text) for text in texts]
    for combine_after in (1, 7, 10**9):
        monkeypatch.setattr(loader, "COMBINE_AFTER", combine_after)
        adaptive = loader.build_parser()  # new scanners: they read COMBINE_AFTER
        assert [_outcome(adaptive, text) for text in texts] == expected, combine_after


def test_parser_is_cached_in_the_user_cache_folder(
    tmp_path: Path, warm_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(list(warm_cache.glob("parser-*.lark"))) == 1
    monkeypatch.setenv(cachedir.CACHE_DIR_VARIABLE, str(warm_cache))
    loader.build_parser()  # loaded from the file: still one
    assert len(list(warm_cache.glob("parser-*.lark"))) == 1


def test_xdg_cache_home_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cachedir.CACHE_DIR_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cachedir.cache_dir() == tmp_path / "archdsl"


def test_a_changed_grammar_is_rebuilt_not_loaded_stale(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grammar = tmp_path / "architecture.lark"
    grammar.write_text(loader.grammar_path().read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(loader, "grammar_path", lambda: grammar)
    text = "architecture-beta\n    service a(server)[A]\n"
    # The warm cache holds this grammar's parser. The same grammar with another header
    # keyword must not be answered by it.
    grammar.write_text(
        grammar.read_text(encoding="utf-8").replace(
            'HEADER: "architecture-beta"', 'HEADER: "architecture-gamma"'
        ),
        encoding="utf-8",
    )
    changed = loader.build_parser()
    assert changed.parse(text.replace("beta", "gamma"))
    with pytest.raises(lark.exceptions.UnexpectedInput):
        changed.parse(text)
    assert len(list(cache.glob("parser-*.lark"))) == 2  # the old one is left alone


def test_a_damaged_cache_file_is_rebuilt(cache: Path) -> None:
    (cached,) = cache.glob("parser-*.lark")
    cached.write_bytes(cached.read_bytes()[:200])  # the digest line, then a cut pickle
    assert loader.build_parser().parse("architecture-beta\n    service a(server)[A]\n")


def test_an_unwritable_cache_folder_only_costs_the_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A folder below a regular file can be created by nobody, root included.
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(cachedir.CACHE_DIR_VARIABLE, str(blocker / "cache"))
    assert loader.cache_file("grammar", {}) is False
    assert loader.build_parser().parse("architecture-beta\n    service a(server)[A]\n")


def test_a_cache_file_that_cannot_be_written_still_parses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The folder exists but Lark cannot write its file (a folder has the name; root
    # ignores permissions, so chmod would not do): it builds and parses all the same.
    monkeypatch.setenv(cachedir.CACHE_DIR_VARIABLE, str(tmp_path))
    grammar = loader.grammar_path().read_text(encoding="utf-8")
    target = loader.cache_file(grammar, OPTIONS)
    assert isinstance(target, str)
    Path(target).mkdir()
    assert loader.build_parser().parse("architecture-beta\n    service a(server)[A]\n")


def _cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archdsl", *args], capture_output=True, text=True, cwd=cwd
    )


def test_plain_validate_paths_only_for_option_less_command_lines() -> None:
    from archdsl.entry import plain_validate_paths

    assert plain_validate_paths(["validate", "a.mmd", "-"]) == ["a.mmd", "-"]
    for argv in (
        ["validate"],
        ["validate", "--strict", "a.mmd"],
        ["validate", "a.mmd", "-f", "json"],
        ["validate", "--", "a.mmd"],
        ["validate", "--help"],
        ["fmt", "a.mmd"],
        [],
    ):
        assert plain_validate_paths(argv) is None, argv


@pytest.mark.slow
def test_option_less_validate_answers_as_typer_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The direct call and Typer's path print the same and exit the same."""
    from archdsl import entry

    broken = tmp_path / "broken.mmd"
    broken.write_text(BROKEN[0], encoding="utf-8")
    cases = [
        [str(REPO / "examples" / "aws-order-pipeline.mmd")],
        [str(broken), str(tmp_path / "missing.mmd")],
        [str(REPO / "tests" / "rules" / "cases")],
    ]
    monkeypatch.chdir(tmp_path)
    for paths in cases:
        outcomes = []
        for direct in (True, False):
            monkeypatch.setattr(sys, "argv", ["archdsl", "validate", *paths])
            if not direct:
                monkeypatch.setattr(entry, "plain_validate_paths", lambda argv: None)
            with pytest.raises(SystemExit) as done:
                entry.main()
            outcomes.append((done.value.code or 0, capsys.readouterr()))
            monkeypatch.undo()
            monkeypatch.chdir(tmp_path)
        assert outcomes[0] == outcomes[1], paths


def test_plain_text_report_is_what_rich_prints() -> None:
    from archdsl.api import validate
    from archdsl.report import ReportInput, _render_with_rich, _text_lines, format_text

    for path in SAMPLES:
        text = path.read_text(encoding="utf-8")
        document = validate(text, str(path))
        report = ReportInput(list(document.diagnostics), 1, {str(path): text})
        assert format_text(report) == _render_with_rich(_text_lines(report), color=False)


@pytest.mark.slow
def test_option_less_validate_reports_a_bad_configuration_as_typer_does(tmp_path: Path) -> None:
    (tmp_path / ".archdsl.toml").write_text("select = [\n", encoding="utf-8")
    diagram = tmp_path / "d.mmd"
    diagram.write_text("architecture-beta\n    service a(server)[A]\n", encoding="utf-8")
    direct = _cli("validate", str(diagram), cwd=tmp_path)
    through_typer = _cli("validate", "--no-strict", str(diagram), cwd=tmp_path)
    assert direct.returncode == through_typer.returncode == 2
    assert direct.stderr == through_typer.stderr
    assert direct.stderr.startswith("archdsl: ") and ".archdsl.toml: invalid TOML" in direct.stderr
    assert "Traceback" not in direct.stderr
