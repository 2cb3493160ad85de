"""Render the examples (and a few corpus diagrams) into docs/gallery/ as SVG.

    python -m tests.render.make_gallery          # from the repository root

The gallery is committed so that changes to the look show up in review; the render
tests do not depend on it.
"""

from __future__ import annotations

from pathlib import Path

from archdsl.emit.svg import render_svg
from tests.render.cases import CORPUS, EXAMPLES, REPO_ROOT, diagram

GALLERY = REPO_ROOT / "docs" / "gallery"
CORPUS_PICKS = ("cypress-03", "cypress-07", "cypress-08", "cypress-11", "cypress-12", "docs-02")


def sources() -> list[tuple[str, Path]]:
    found = [(path.stem, path) for path in sorted(EXAMPLES.glob("*.mmd"))]
    found += [(f"corpus-{name}", CORPUS / f"{name}.mmd") for name in CORPUS_PICKS]
    return [(name, path) for name, path in found if path.is_file()]


def build() -> dict[str, str]:
    """Every gallery file's name and content (SVGs and the README table)."""
    files: dict[str, str] = {}
    rows = []
    for name, path in sources():
        d = diagram(path.read_text(encoding="utf-8"))
        files[f"{name}.svg"] = render_svg(d)
        shown = path.relative_to(REPO_ROOT if path.is_relative_to(REPO_ROOT) else CORPUS.parents[1])
        rows.append(f"| `{shown}` | ![{name}]({name}.svg) |")
        if name == "aws-order-pipeline":
            files[f"{name}-dark.svg"] = render_svg(d, theme="dark")
            rows.append(f"| same, `--theme dark` | ![{name} dark]({name}-dark.svg) |")
    readme = [
        "# Gallery",
        "",
        "Made by `python -m tests.render.make_gallery` with archdsl's own renderer",
        "(`archdsl render`): no browser, no network.",
        "",
        "| source | picture |",
        "| --- | --- |",
        *rows,
        "",
    ]
    files["README.md"] = "\n".join(readme)
    return files


def main() -> None:
    GALLERY.mkdir(parents=True, exist_ok=True)
    for name, content in build().items():
        (GALLERY / name).write_text(content, encoding="utf-8")


if __name__ == "__main__":
    main()
