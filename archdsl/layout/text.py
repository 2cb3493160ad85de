"""Text measuring and wrapping without a font engine.

Widths come from DejaVu Sans's advance widths (the sans-serif font of a fresh Debian
machine, and among the widest common ones), so a box measured here holds the text in
Trebuchet, Verdana, Arial or Liberation Sans as well. Wrapping follows Mermaid's
``createText``: break at spaces, and break a word that is longer than a line.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Advance widths of DejaVu Sans for U+0020..U+007E, in thousandths of an em.
_ASCII_WIDTHS = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
)  # fmt: skip
_DEFAULT_WIDTH = 640
_WIDE_WIDTH = 1000

LINE_HEIGHT = 1.2
"""Line height as a multiple of the font size."""


@lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    code = ord(char)
    if 0x20 <= code <= 0x7E:
        return _ASCII_WIDTHS[code - 0x20]
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return _WIDE_WIDTH
    return _DEFAULT_WIDTH


def text_width(text: str, font_size: float) -> float:
    """The width of one line of ``text`` at ``font_size`` pixels."""
    return sum(_char_width(c) for c in text) * font_size / 1000


def wrap(text: str, max_width: float, font_size: float) -> tuple[str, ...]:
    """Lines of at most ``max_width`` pixels (a single character always fits)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(_wrap_paragraph(" ".join(paragraph.split()), max_width, font_size))
    return tuple(lines)


def _units(text: str) -> int:
    return sum(_char_width(c) for c in text)


def _fits(units: int, max_width: float, font_size: float) -> bool:
    # The same arithmetic as text_width: widths are kept as integer units and added up
    # as lines grow, so wrapping stays linear however long (or zero-width) the text is.
    return units * font_size / 1000 <= max_width


def _wrap_paragraph(text: str, max_width: float, font_size: float) -> list[str]:
    lines: list[str] = []
    current, current_units = "", 0
    space = _char_width(" ")
    for word in text.split(" "):
        word_units = _units(word)
        candidate_units = current_units + space + word_units if current else word_units
        if _fits(candidate_units, max_width, font_size):
            current = f"{current} {word}" if current else word
            current_units = candidate_units
            continue
        pieces = _split_word(word, max_width, font_size)
        joined_units = current_units + space + _units(pieces[0])
        if current and len(pieces) > 1 and _fits(joined_units, max_width, font_size):
            pieces[0] = f"{current} {pieces[0]}"
            current = ""
        if current:
            lines.append(current)
        lines.extend(pieces[:-1])
        current = pieces[-1]
        current_units = _units(current)
    lines.append(current)
    return lines


def _split_word(word: str, max_width: float, font_size: float) -> list[str]:
    """A word too long for a line: broken after hyphens and slashes where that is enough,
    else between characters."""
    parts = re.findall(r"[^-/]*[-/]+|[^-/]+$", word)
    if len(parts) > 1 and all(text_width(p, font_size) <= max_width for p in parts):
        pieces: list[str] = []
        for part in parts:
            if pieces and text_width(pieces[-1] + part, font_size) <= max_width:
                pieces[-1] += part
            else:
                pieces.append(part)
        return pieces
    return _split_characters(word, max_width, font_size)


def _split_characters(word: str, max_width: float, font_size: float) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    units = 0
    for char in word:
        width = _char_width(char)
        if current and not _fits(units + width, max_width, font_size):
            pieces.append("".join(current))
            current, units = [], 0
        current.append(char)
        units += width
    pieces.append("".join(current))
    return pieces


def block_size(lines: tuple[str, ...], font_size: float) -> tuple[float, float]:
    """Width and height of wrapped lines."""
    width = max((text_width(line, font_size) for line in lines), default=0.0)
    return width, len(lines) * font_size * LINE_HEIGHT
