"""The pre-commit hooks of ``.pre-commit-hooks.yaml``, run by pre-commit itself.

A user's project refers to archdsl by ``repo:`` and ``rev:``; pre-commit clones that
commit, installs it in a fresh virtualenv (``pip install``, dependencies from PyPI) and runs
the hooks its manifest declares. The tests do exactly that, with a committed snapshot of
this working tree (package, grammar, manifest) as the hook repository, so they check the
manifest as it is now, before the lead commits. The virtualenv is built once per module in
a temporary ``PRE_COMMIT_HOME`` (about 15 s with a warm pip cache); each hook run after
that takes about a second. (``pre-commit try-repo`` would rebuild it on every run.)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
MANIFEST = REPO / ".pre-commit-hooks.yaml"
HOOK_IDS = ("archdsl-validate", "archdsl-fmt")
PACKAGE_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml")
PACKAGE_DIRS = ("archdsl", "grammars")

VALID = """\
architecture-beta
    group cloud(cloud)[Cloud]
    service api(server)[API] in cloud
    service db(database)[DB] in cloud
    api:R --> L:db
"""
BROKEN = """\
architecture-beta
    service api(server)[API]
    api:R -> L:db
    service db(database)[DB]
"""
UNFORMATTED = """\
architecture-beta
  service api(server)[API]
service db(database)[DB]
  api:R-->L:db
"""
MARKDOWN_BROKEN = """\
# Design

Some prose.

```mermaid
architecture-beta
    service api(server)[API
```
"""
MARKDOWN_WITHOUT_DIAGRAMS = """\
# Notes

```mermaid
flowchart LR
  a --> b
```
"""


def _manifest() -> list[dict[str, object]]:
    hooks = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    return hooks


# -- the manifest itself (fast) --------------------------------------------------------------


def test_manifest_declares_both_hooks() -> None:
    hooks = {hook["id"]: hook for hook in _manifest()}
    assert tuple(hooks) == HOOK_IDS
    assert hooks["archdsl-validate"]["entry"] == "archdsl validate"
    assert hooks["archdsl-fmt"]["entry"] == "archdsl fmt"
    assert {hook["language"] for hook in hooks.values()} == {"python"}


@pytest.mark.parametrize("hook_id", HOOK_IDS)
@pytest.mark.parametrize(
    ("name", "selected"),
    [
        ("diagram.mmd", True),
        ("docs/diagram.mermaid", True),
        ("README.md", True),
        ("guide.markdown", True),
        ("archdsl/cli.py", False),
        ("diagram.mmd.bak", False),
        ("notes.txt", False),
    ],
)
def test_manifest_file_patterns(hook_id: str, name: str, selected: bool) -> None:
    (hook,) = [hook for hook in _manifest() if hook["id"] == hook_id]
    assert bool(re.search(str(hook["files"]), name)) is selected


# -- pre-commit itself (slow) ----------------------------------------------------------------


@dataclass(frozen=True)
class HookRepo:
    path: Path
    rev: str
    home: Path
    """``PRE_COMMIT_HOME``, shared by the module's tests: the hook environment is built once."""


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    """A committed snapshot of this working tree: what a user's ``rev:`` would fetch."""
    pytest.importorskip("pre_commit", reason="pre-commit is a test dependency (the test extra)")
    snapshot = tmp_path_factory.mktemp("hook-repo")
    for name in PACKAGE_FILES:
        shutil.copy2(REPO / name, snapshot / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in PACKAGE_DIRS:
        shutil.copytree(REPO / name, snapshot / name, ignore=ignore)
    _git(snapshot, "init", "--quiet")
    _git(snapshot, "add", "--all")
    _git(snapshot, "commit", "--quiet", "--message", "snapshot for pre-commit")
    rev = _git(snapshot, "rev-parse", "HEAD").strip()
    return HookRepo(snapshot, rev, tmp_path_factory.mktemp("pre-commit-home"))


@pytest.fixture
def project(tmp_path: Path, hook_repo: HookRepo) -> Path:
    """A user's git repository whose ``.pre-commit-config.yaml`` uses both hooks."""
    root = tmp_path / "project"
    root.mkdir()
    _git(root, "init", "--quiet")
    config = {
        "repos": [
            {
                "repo": str(hook_repo.path),
                "rev": hook_repo.rev,
                "hooks": [{"id": hook_id} for hook_id in HOOK_IDS],
            }
        ]
    }
    _write(root, {".pre-commit-config.yaml": yaml.safe_dump(config, sort_keys=False)})
    return root


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(NO_COLOR="1", **extra)
    return env


def _git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=archdsl tests", "-c", "user.email=tests@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
        env=_clean_env(),
    )
    return result.stdout


def _write(project: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _git(project, "add", "--all")


def _run_hook(project: Path, hook_repo: HookRepo, hook_id: str) -> tuple[int, str]:
    """``pre-commit run HOOK_ID --all-files`` in ``project``: (exit code, output)."""
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", hook_id, "--all-files", "--color", "never"],
        cwd=project,
        capture_output=True,
        text=True,
        env=_clean_env(PRE_COMMIT_HOME=str(hook_repo.home)),
        timeout=600,
    )
    output = result.stdout + result.stderr
    if "An unexpected error has occurred" in output:
        log = hook_repo.home / "pre-commit.log"
        details = log.read_text(encoding="utf-8") if log.exists() else output
        pytest.fail(f"pre-commit could not install the hook (it needs PyPI):\n{details}")
    return result.returncode, output


@pytest.mark.slow
def test_validate_hook_passes_valid_diagrams(project: Path, hook_repo: HookRepo) -> None:
    _write(
        project,
        {
            "diagrams/ok.mmd": VALID,
            "README.md": f"# Project\n\n```mermaid\n{VALID}```\n",
            "NOTES.md": MARKDOWN_WITHOUT_DIAGRAMS,
        },
    )
    code, output = _run_hook(project, hook_repo, "archdsl-validate")
    assert code == 0, output
    assert re.search(r"archdsl validate\.+Passed", output), output


@pytest.mark.slow
def test_validate_hook_fails_with_code_and_position(project: Path, hook_repo: HookRepo) -> None:
    _write(project, {"broken.mmd": BROKEN, "docs/design.md": MARKDOWN_BROKEN, "ok.mmd": VALID})
    code, output = _run_hook(project, hook_repo, "archdsl-validate")
    assert code == 1, output
    assert re.search(r"archdsl validate\.+Failed", output), output
    assert "broken.mmd:3:11: AD001 error: `->` is not a Mermaid edge" in output
    # Positions inside a Markdown fence are the Markdown file's own lines.
    assert re.search(r"docs/design\.md:7:\d+: AD007 error", output), output
    assert "ok.mmd:" not in output


@pytest.mark.slow
def test_fmt_hook_rewrites_then_passes(project: Path, hook_repo: HookRepo) -> None:
    _write(project, {"diagram.mmd": UNFORMATTED, "ok.mmd": VALID})
    code, output = _run_hook(project, hook_repo, "archdsl-fmt")
    assert code == 1, output
    assert re.search(r"archdsl fmt\.+Failed", output), output
    assert "files were modified by this hook" in output
    assert (project / "diagram.mmd").read_text(encoding="utf-8") == (
        "architecture-beta\n"
        "    service api(server)[API]\n"
        "    service db(database)[DB]\n"
        "    api:R --> L:db\n"
    )
    assert (project / "ok.mmd").read_text(encoding="utf-8") == VALID

    _git(project, "add", "--all")
    code, output = _run_hook(project, hook_repo, "archdsl-fmt")
    assert code == 0, output
    assert re.search(r"archdsl fmt\.+Passed", output), output
