"""The committed gallery (docs/gallery/) is what the renderer draws today."""

from __future__ import annotations

import pytest

from tests.render.make_gallery import GALLERY, build
from tests.shared_data import shared_dir

REGENERATE = "python -m tests.render.make_gallery"


def test_gallery_is_fresh() -> None:
    if shared_dir() is None:
        pytest.skip("the gallery includes Mermaid corpus diagrams from ../shared/, absent here")
    expected = build()
    on_disk = {path.name for path in GALLERY.iterdir()}
    assert on_disk == set(expected), f"gallery files differ: run `{REGENERATE}`"
    stale = [
        name
        for name, content in expected.items()
        if (GALLERY / name).read_text(encoding="utf-8") != content
    ]
    assert not stale, f"stale gallery pictures {stale}: run `{REGENERATE}` and review the diff"
