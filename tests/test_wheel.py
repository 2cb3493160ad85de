"""The built wheel carries the grammar and works outside the checkout."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("archdsl-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_the_grammar(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "archdsl/grammars/architecture.lark" in names
    grammar = zipfile.ZipFile(wheel).read("archdsl/grammars/architecture.lark").decode()
    assert grammar == (REPO / "grammars" / "architecture.lark").read_text(encoding="utf-8")


def test_wheel_contains_the_font_and_icons_with_their_licences(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for data in ("fonts/DejaVuSans.ttf", "fonts/LICENSE.txt", "icons/logos-aws.json"):
        assert f"archdsl/{data}" in names


@pytest.mark.slow
def test_installed_wheel_parses_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    # System site-packages provide the dependencies, so no network is needed.
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        # --ignore-installed: an archdsl in the system site-packages (CI installs one)
        # must not satisfy the requirement in place of the wheel under test.
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--ignore-installed",
            "--quiet",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    script = (
        "import archdsl, archdsl.syntax.loader as l\n"
        "doc = archdsl.parse('architecture-beta\\n  service a(server)[A]\\n')\n"
        "print(l.grammar_path())\n"
        "print(archdsl.__file__)\n"
        "print([s.id for s in doc.diagram.services])\n"
        # The bundled font draws text on a machine without fonts (system fonts skipped).
        "from archdsl.emit.png import svg_to_png\n"
        'svg = \'<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30">{}</svg>\'\n'
        'text = \'<text x="5" y="20" font-family="sans-serif">Abc</text>\'\n'
        "print(svg_to_png(svg.format(text), system_fonts=False) != "
        "svg_to_png(svg.format(''), system_fonts=False))\n"
    )
    result = subprocess.run(
        [str(python), "-c", script], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    grammar_line, package_line, services_line, text_drawn = result.stdout.splitlines()
    assert str(env_dir) in grammar_line and "site-packages/archdsl/grammars" in grammar_line
    assert str(env_dir) in package_line
    assert services_line == "['a']"
    assert text_drawn == "True"
