"""PNG output: the SVG rasterised by resvg (``resvg-py`` from PyPI; no browser, no Cairo).

Text needs a font on the machine. resvg reads the system's fonts; DejaVu Sans (Debian's
``fonts-dejavu-core``) or Liberation Sans are used when the SVG's own families
(Trebuchet MS, Verdana, Arial) are missing. ``font_files`` adds fonts of your own, and
:func:`missing_font_message` says when no usable font was found.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from archdsl.emit.svg import Theme, render_svg
from archdsl.icons import IconPack
from archdsl.layout import Layout, LayoutOptions, layout
from archdsl.model import Diagram

FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
_FALLBACK_FAMILIES = ("DejaVu Sans", "Liberation Sans", "Arial", "Verdana", "Helvetica")

DEFAULT_MAX_PIXELS = 50_000_000
"""Pictures with more pixels than this are refused (200 MB of memory while drawing)."""


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


class MissingFonts(RuntimeError):
    """The picture has text but this machine has no font to draw it with."""


def svg_to_png(svg: str, *, scale: float = 1.0, font_files: Sequence[str | Path] = ()) -> bytes:
    """Rasterise SVG text with resvg; raises :class:`MissingFonts` rather than drop text."""
    import resvg_py

    if "<text" in svg and not font_files and (message := missing_font_message()):
        raise MissingFonts(message)

    data = resvg_py.svg_to_bytes(
        svg_string=svg,
        zoom=float(scale),
        font_files=[str(f) for f in font_files] or None,
        sans_serif_family=_sans_serif(),
        text_rendering="optimize_legibility",
    )
    return bytes(data)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


@cache
def _sans_serif() -> str:
    """The first fallback family with a font file on this machine (by file name)."""
    names = {p.stem.lower().replace("-", "").replace(" ", "") for p in _font_files()}
    for family in _FALLBACK_FAMILIES:
        key = family.lower().replace(" ", "")
        if any(name.startswith(key) for name in names):
            return family
    return "DejaVu Sans"


@cache
def _font_files() -> tuple[Path, ...]:
    found: list[Path] = []
    for folder in FONT_DIRS:
        root = Path(folder)
        if root.is_dir():
            found.extend(p for p in root.rglob("*") if p.suffix.lower() in (".ttf", ".otf", ".ttc"))
    return tuple(sorted(found))


def missing_font_message() -> str | None:
    """A sentence for the user when no font for labels was found, else ``None``."""
    if _font_files():
        return None
    return (
        "no font files found (looked in " + ", ".join(FONT_DIRS) + "): PNG text would not "
        "show; install one, e.g. `apt-get install fonts-dejavu-core`, or pass font_files"
    )
