"""PNG output: the SVG rasterised by resvg (``resvg-py`` from PyPI; no browser, no Cairo).

Text is drawn with DejaVu Sans, which ships inside archdsl (``archdsl/fonts``, with its
licence): the layout measures text with its widths, and a fresh machine (a CI
container) may have no fonts at all. The SVG's own families (Trebuchet MS, Verdana,
Arial) win where the machine has them; system fonts also cover scripts DejaVu lacks.
``font_files`` adds fonts of your own.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

from archdsl.emit.svg import Theme, render_svg
from archdsl.icons import IconPack
from archdsl.layout import Layout, LayoutOptions, layout
from archdsl.model import Diagram

BUNDLED_FONT = "DejaVuSans.ttf"
BUNDLED_FAMILY = "DejaVu Sans"

DEFAULT_MAX_PIXELS = 50_000_000
"""Pictures with more pixels than this are refused: at the limit, drawing and encoding take
some 450 MB of memory and several seconds (docs/benchmarks.md, 1,000 services)."""


class PngTooLarge(ValueError):
    """The PNG would have more pixels than allowed; the message suggests a scale."""

    def __init__(self, width: int, height: int, limit: int, scale: float) -> None:
        fitting = scale * (limit / (width * height)) ** 0.5
        super().__init__(
            f"the PNG would be {width} x {height} pixels ({width * height / 1e6:.0f} million), "
            f"more than the limit of {limit / 1e6:.0f} million; use a smaller scale "
            f"(--scale {fitting:.2f} fits), raise the limit (max_pixels=...), or render SVG"
        )


def render_png(
    diagram: Diagram,
    *,
    scale: float = 1.0,
    theme: Theme | str = "light",
    icon_packs: Iterable[IconPack] = (),
    geometry: Layout | None = None,
    engine: str = "grid",
    options: LayoutOptions | None = None,
    font_files: Sequence[str | Path] = (),
    max_pixels: int | None = DEFAULT_MAX_PIXELS,
) -> bytes:
    """PNG bytes of ``diagram``, ``scale`` times the SVG's size (``scale`` > 0).

    Raises :class:`PngTooLarge` past ``max_pixels`` (``None``: no limit).
    """
    if not scale > 0:
        raise ValueError(f"scale must be positive, not {scale}")
    placed = geometry or layout(diagram, engine=engine, options=options)
    width, height = round(placed.width * scale), round(placed.height * scale)
    if max_pixels is not None and width * height > max_pixels:
        raise PngTooLarge(width, height, max_pixels, scale)
    svg = render_svg(diagram, theme=theme, icon_packs=icon_packs, geometry=placed)
    return svg_to_png(svg, scale=scale, font_files=font_files)


def svg_to_png(
    svg: str,
    *,
    scale: float = 1.0,
    font_files: Sequence[str | Path] = (),
    system_fonts: bool = True,
) -> bytes:
    """Rasterise SVG text with resvg, with archdsl's own font and, unless
    ``system_fonts`` is false, the machine's."""
    import resvg_py

    with resources.as_file(resources.files("archdsl").joinpath("fonts", BUNDLED_FONT)) as bundled:
        data = resvg_py.svg_to_bytes(
            svg_string=svg,
            zoom=float(scale),
            font_files=[str(bundled), *(str(f) for f in font_files)],
            skip_system_fonts=not system_fonts,
            sans_serif_family=BUNDLED_FAMILY,
            text_rendering="optimize_legibility",
        )
    return bytes(data)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)
