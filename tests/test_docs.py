"""The documentation is true: generated pages are fresh, shown output is real, examples run.

- ``docs/rules.md`` and ``docs/catalogue.md`` are what ``scripts/gen_docs.py`` makes now;
- every ```` ```console ```` block of the pages in :data:`TRANSCRIPT_PAGES` is re-run
  (``$ archdsl ...`` lines, from a copy of the repository's examples) and must print
  exactly what the page shows; a command the CLI does not have yet is skipped. After a
  deliberate change, ``ARCHDSL_ACCEPT=1 pytest tests/test_docs.py`` writes the new output
  into the pages (as for the golden files): review it with ``git diff docs``;
- the Python examples of the hand-written pages run, the YAML snippets parse, relative
  links lead somewhere, and the composite ``action.yml`` works (slow: it installs archdsl).
"""

from __future__ import annotations

import doctest
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
GEN_DOCS = REPO / "scripts" / "gen_docs.py"
REGENERATE = "python scripts/gen_docs.py"

TRANSCRIPT_PAGES = (
    REPO / "README.md",
    DOCS / "ci.md",
    DOCS / "icon-packs.md",
)
"""Pages whose console blocks are re-run."""

HAND_WRITTEN = (
    "../README.md",
    "ci.md",
    "icon-packs.md",
    "adding-a-rule.md",
    "adding-an-export-format.md",
)
PLACEHOLDER = "PLACEHOLDER"


@cache
def _gen_docs() -> types.ModuleType:
    """``scripts/gen_docs.py`` as a module (``scripts/`` is not a package)."""
    spec = importlib.util.spec_from_file_location("archdsl_gen_docs", GEN_DOCS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def _blocks(page: Path, language: str) -> list[tuple[int, str]]:
    """``(line, body)`` of every fenced block of ``language`` in ``page``."""
    text = page.read_text(encoding="utf-8")
    pattern = re.compile(rf"^```{language}\n(.*?)^```$", re.MULTILINE | re.DOTALL)
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in pattern.finditer(text)]


# -- generated pages -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated() -> dict[Path, str]:
    pages: dict[Path, str] = _gen_docs().generate()
    return pages


@pytest.mark.parametrize("name", ["rules.md", "catalogue.md"])
def test_generated_page_is_fresh(generated: dict[Path, str], name: str) -> None:
    path = DOCS / name
    assert path.exists(), f"docs/{name} is missing: run `{REGENERATE}`"
    assert path.read_text(encoding="utf-8") == generated[path], (
        f"docs/{name} is stale (a rule, PARSER_CODES or the catalogue changed): "
        f"run `{REGENERATE}` and commit the result"
    )


def test_rules_page_has_every_code_as_explain_prints_it(generated: dict[Path, str]) -> None:
    from archdsl.explain import describe, known_codes

    page = generated[DOCS / "rules.md"]
    for code in known_codes():
        summary, doc = describe(code)
        assert f"\n## {code}\n" in page, code
        assert f"| [{code}](#{code.lower()}) |" in page, code
        body = doc.split("\n", 1)[1].strip("\n") if "\n" in doc else ""
        assert body in page, f"{code}: the full documentation is missing"
        assert summary in page, code


def test_catalogue_page_lists_every_service(generated: dict[Path, str]) -> None:
    from archdsl.catalogue import load_catalogue

    page = generated[DOCS / "catalogue.md"]
    rows = [line for line in page.splitlines() if line.startswith("| ")]
    for entry in load_catalogue().entries:
        (row,) = [r for r in rows if f"| {entry.name} |" in r]
        for name in (*entry.icons, *entry.drawn_with, *entry.primary_types):
            assert f"`{name}`" in row, (entry.key, name)


def test_gen_docs_check_mode_reports_stale_pages(tmp_path: Path) -> None:
    gen_docs = _gen_docs()
    pages = {tmp_path / "rules.md": "new\n", tmp_path / "catalogue.md": "same\n"}
    (tmp_path / "rules.md").write_text("old\n", encoding="utf-8")
    (tmp_path / "catalogue.md").write_text("same\n", encoding="utf-8")
    assert gen_docs.stale_pages(pages) == [tmp_path / "rules.md"]


# -- console transcripts ---------------------------------------------------------------------


@dataclass(frozen=True)
class Transcript:
    page: Path
    line: int
    command: str
    output: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.page.name}:{self.line}:{self.command}"

    @property
    def expected(self) -> str:
        return "\n".join(self.output)

    def accept(self, actual: str) -> None:
        """Write ``actual`` into the page as this command's output (``ARCHDSL_ACCEPT=1``)."""
        text = self.page.read_text(encoding="utf-8")
        old = "".join(f"{line}\n" for line in (f"$ {self.command}", *self.output))
        new = "".join(f"{line}\n" for line in (f"$ {self.command}", *actual.splitlines()))
        assert old in text, f"{self.id}: cannot find the transcript to rewrite"
        self.page.write_text(text.replace(old, new, 1), encoding="utf-8")


def _transcripts() -> Iterator[Transcript]:
    for page in TRANSCRIPT_PAGES:
        for line, body in _blocks(page, "console"):
            command: str | None = None
            output: list[str] = []
            for text in body.splitlines():
                if text.startswith("$ "):
                    if command is not None:
                        yield Transcript(page, line, command, tuple(output))
                    command, output = text[2:], []
                else:
                    output.append(text)
            assert command is not None, f"{page.name}:{line}: a console block without `$ `"
            yield Transcript(page, line, command, tuple(output))


TRANSCRIPTS = list(_transcripts())


def _missing_command(args: list[str]) -> str | None:
    """The words of ``args`` naming a command the CLI does not have (yet), else ``None``."""
    from archdsl.cli import app

    command: object = typer.main.get_command(app)
    words: list[str] = []
    for word in args:
        commands = getattr(command, "commands", None)
        if commands is None or word.startswith("-"):
            return None
        words.append(word)
        if word not in commands:
            return " ".join(words)
        command = commands[word]
    return None


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example files, so that commands which write cannot touch the repository."""
    root = tmp_path_factory.mktemp("transcripts")
    shutil.copytree(REPO / "examples", root / "examples")
    shutil.copytree(DOCS / "examples", root / "docs" / "examples")
    return root


def _normalised(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


@pytest.mark.parametrize("transcript", TRANSCRIPTS, ids=lambda t: t.id)
def test_console_transcript_is_real_output(transcript: Transcript, sandbox: Path) -> None:
    program, *args = shlex.split(transcript.command)
    assert program == "archdsl", f"{transcript.id}: transcripts run archdsl only"
    missing = _missing_command(args)
    if missing is not None:
        pytest.skip(f"`archdsl {missing}` is not in the CLI yet")
    accept = os.environ.get("ARCHDSL_ACCEPT") == "1"
    assert accept or PLACEHOLDER not in transcript.expected, (
        f"{transcript.id}: the command exists now; paste its real output over the placeholder "
        "(or run ARCHDSL_ACCEPT=1 pytest tests/test_docs.py and review the diff)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "COLUMNS")}
    env.update(NO_COLOR="1", PYTHONUNBUFFERED="1", PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, "-m", "archdsl", *args],
        cwd=sandbox,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )
    actual = _normalised(result.stdout)
    if accept and actual != _normalised(transcript.expected):
        transcript.accept(actual)
        return
    assert actual == _normalised(transcript.expected), (
        f"{transcript.id}: the page shows other output than the command prints "
        "(after a deliberate change: ARCHDSL_ACCEPT=1 pytest tests/test_docs.py, review the diff)"
    )


# -- examples in the hand-written pages ------------------------------------------------------


def test_icon_pack_python_example(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    failures, tried = doctest.testfile(
        str(DOCS / "icon-packs.md"), module_relative=False, optionflags=doctest.ELLIPSIS
    )
    assert tried > 0 and failures == 0


def test_adding_a_rule_example_works() -> None:
    import archdsl
    from archdsl.explain import describe
    from archdsl.rules.base import REGISTRY

    page = DOCS / "adding-a-rule.md"
    ((_, code),) = _blocks(page, "python")
    ((_, case),) = _blocks(page, "text")
    expected = re.search(r"%% expect: (AD290):(\d+):(\d+)", case)
    assert expected is not None
    assert "AD290" not in REGISTRY, "the example code is a real code now: pick another"
    try:
        exec(compile(code, str(page), "exec"), {"__name__": "docs_example_rule"})
        found = archdsl.validate(case).diagnostics
        assert [(d.code, d.span.line, d.span.column) for d in found] == [
            (expected[1], int(expected[2]), int(expected[3]))
        ]
        assert describe("AD290")[0] == "Service id is not snake_case."
    finally:
        REGISTRY.pop("AD290", None)


def test_adding_an_export_format_example_works(monkeypatch: pytest.MonkeyPatch) -> None:
    import archdsl.cli

    page = DOCS / "adding-an-export-format.md"
    (_, module_code), (_, command_code) = _blocks(page, "python")
    module = types.ModuleType("archdsl.export.dot")
    exec(compile(module_code, str(page), "exec"), module.__dict__)
    monkeypatch.setitem(sys.modules, "archdsl.export.dot", module)
    # The command, pasted into a copy of the CLI's namespace with its own `export` group.
    namespace = dict(vars(archdsl.cli))
    namespace["export_app"] = export_app = typer.Typer()
    exec(compile(command_code, str(page), "exec"), namespace)
    export_app.command("noop")(lambda: None)  # a group of one command would hide its name

    example = REPO / "examples" / "edge-titles-and-groups.mmd"
    result = CliRunner().invoke(export_app, ["dot", str(example)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith('digraph architecture {\n  "web" [label="Web app"];\n')
    assert '  "web" -> "mobile" [dir=none];\n' in result.output
    assert '  "mobile" -> "gateway" [dir=forward];\n' in result.output


# -- links and snippets ----------------------------------------------------------------------


@pytest.mark.parametrize("name", HAND_WRITTEN)
def test_relative_links_lead_somewhere(name: str) -> None:
    page = DOCS / name
    base = page.parent
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        assert (base / target).exists(), f"{name}: broken link {target}"


@pytest.mark.parametrize("name", ["ci.md", "../README.md"])
def test_yaml_snippets_parse(name: str) -> None:
    for line, body in _blocks(DOCS / name, "yaml"):
        loaded = yaml.safe_load(body)
        assert loaded, f"{name}:{line}: empty YAML"


def test_ci_page_names_the_real_hooks_and_action_inputs() -> None:
    page = (DOCS / "ci.md").read_text(encoding="utf-8")
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    for hook in hooks:
        assert f"| `{hook['id']}` | `{hook['entry']} FILES` |" in page
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    documented = set(re.findall(r"^\| `([a-z-]+)` \| [^|]+ \| [^|]+ \|$", page, re.MULTILINE))
    assert set(action["inputs"]) <= documented
    assert "github/codeql-action/upload-sarif" in page
    assert "archdsl validate --format sarif" in page


# -- the composite action --------------------------------------------------------------------


@dataclass
class ActionRunner:
    """Runs ``action.yml``'s bash steps as GitHub would (``bash -eo pipefail``)."""

    steps: list[dict[str, Any]]
    env: dict[str, str]
    workspace: Path

    def run(self, index: int, inputs: dict[str, str]) -> subprocess.CompletedProcess[str]:
        step = self.steps[index]
        assert step["shell"] == "bash"
        env = dict(self.env)
        for key, value in (step.get("env") or {}).items():
            env[key] = re.sub(r"\$\{\{\s*inputs\.([a-z-]+)\s*\}\}", lambda m: inputs[m[1]], value)
        script = self.workspace.parent / f"step-{index}.sh"
        script.write_text(str(step["run"]), encoding="utf-8")
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        github_env = Path(self.env["GITHUB_ENV"])
        for line in github_env.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            self.env[key] = value
        return result


@pytest.fixture(scope="module")
def action(tmp_path_factory: pytest.TempPathFactory) -> ActionRunner:
    root = tmp_path_factory.mktemp("action")
    checkout = root / "action"  # what `uses: archdsl/archdsl@REF` fetches
    checkout.mkdir()
    for name in ("pyproject.toml", "README.md", "action.yml"):
        shutil.copy2(REPO / name, checkout / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("archdsl", "grammars"):
        shutil.copytree(REPO / name, checkout / name, ignore=ignore)
    workspace = root / "workspace"  # the user's repository
    shutil.copytree(REPO / "examples", workspace / "examples")
    shutil.copytree(DOCS / "examples", workspace / "docs" / "examples")
    (root / "temp").mkdir()
    (root / "github_env").touch()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_"))}
    env.update(
        GITHUB_ACTION_PATH=str(checkout),
        GITHUB_ENV=str(root / "github_env"),
        RUNNER_TEMP=str(root / "temp"),
        NO_COLOR="1",
    )
    definition = yaml.safe_load((checkout / "action.yml").read_text(encoding="utf-8"))
    assert definition["runs"]["using"] == "composite"
    runner = ActionRunner(definition["runs"]["steps"], env, workspace)
    defaults = {name: str(spec["default"]) for name, spec in definition["inputs"].items()}
    installed = runner.run(0, defaults)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return runner


@pytest.mark.slow
def test_action_annotates_and_fails_on_errors(action: ActionRunner) -> None:
    inputs = {"paths": "docs/examples/orders.mmd\nexamples", "format": "github"}
    result = action.run(1, {**inputs, "strict": "false", "output": ""})
    assert result.returncode == 1, result.stderr
    assert "::error file=docs/examples/orders.mmd,line=9,col=11," in result.stdout
    assert "file=examples/aws-order-pipeline.mmd" in result.stdout  # AD213, an info


@pytest.mark.slow
def test_action_strict_and_sarif_output(action: ActionRunner) -> None:
    inputs = {"paths": "examples", "format": "sarif", "output": "archdsl.sarif"}
    lenient = action.run(1, {**inputs, "strict": "false"})
    assert lenient.returncode == 0, lenient.stderr
    sarif = json.loads((action.workspace / "archdsl.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    strict = action.run(
        1, {"paths": "docs/examples/acme.mmd", "format": "text", "output": "", "strict": "true"}
    )
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert "AWS302 warning" in strict.stdout
