"""PNG output draws text with archdsl's own font, whatever fonts the machine has."""

from __future__ import annotations

import pytest

from archdsl.emit.png import png_size, svg_to_png

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">{}</svg>'
LABEL = '<text x="4" y="28" font-family="{}" font-size="20">Order API</text>'


@pytest.mark.parametrize("family", ["sans-serif", "trebuchet ms, verdana, arial, sans-serif"])
def test_text_is_drawn_without_any_system_font(family: str) -> None:
    # A fresh CI container may have no fonts: the label must still show.
    blank = svg_to_png(SVG.format(""), system_fonts=False)
    labelled = svg_to_png(SVG.format(LABEL.format(family)), system_fonts=False)
    assert png_size(labelled) == (120, 40)
    assert labelled != blank


def test_scale_multiplies_the_size() -> None:
    assert png_size(svg_to_png(SVG.format(""), scale=2.5, system_fonts=False)) == (300, 100)
