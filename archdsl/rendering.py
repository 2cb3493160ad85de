"""``archdsl render`` over files: one layout, the chosen picture format, safe writes.

The back-ends (:mod:`archdsl.emit.svg`, :mod:`archdsl.emit.png`,
:mod:`archdsl.emit.layout_json`) draw one diagram; this module picks the format,
loads icon packs (``--icon-pack`` files, then ``node_modules/@iconify-json``
found from the diagram's folder upwards), lays out once and names outputs for
Markdown files with several diagrams.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from archdsl.model import Diagram

if TYPE_CHECKING:
    from archdsl.icons import IconPack

FORMATS = ("svg", "png", "json")
BINARY_FORMATS = frozenset({"png"})


class RenderError(ValueError):
    """The diagram cannot be drawn as asked (exit code 1)."""


class RenderUsageError(ValueError):
    """The request itself is wrong: bad icon pack, unknown format (exit code 2)."""


@dataclass(frozen=True)
class RenderRequest:
    output_format: str = "svg"
    theme: str = "light"
    scale: float = 1.0
    icon_packs: tuple[Path, ...] = ()
    max_nodes: int | None = None
    """``None`` keeps the layout's default limit; ``0`` lifts it."""
    base_dir: Path | None = None


def infer_format(output: Path | None, explicit: str | None) -> str:
    """``--format`` wins; else ``-o``'s extension; else SVG."""
    if explicit:
        return explicit
    if output is not None and output.suffix.lower().lstrip(".") in FORMATS:
        return output.suffix.lower().lstrip(".")
    return "svg"


def load_icon_packs(files: tuple[Path, ...], base_dir: Path | None) -> list[IconPack]:
    from archdsl.icons import IconPackError, discover_node_modules_packs, load_pack

    paths = list(files) + (discover_node_modules_packs(base_dir) if base_dir else [])
    packs = []
    for path in paths:
        try:
            packs.append(load_pack(path))
        except IconPackError as error:
            raise RenderUsageError(str(error)) from error
    return packs


def render(diagram: Diagram, request: RenderRequest) -> str | bytes:
    """The picture (or layout JSON) of one diagram."""
    from archdsl.emit.png import PngTooLarge
    from archdsl.layout import LayoutOptions, LayoutTooLarge, layout

    if request.output_format not in FORMATS:
        raise RenderUsageError(f"unknown format {request.output_format!r}; use svg, png or json")
    packs = load_icon_packs(request.icon_packs, request.base_dir)
    if request.max_nodes is None:
        options = LayoutOptions()
    else:
        options = LayoutOptions(max_nodes=request.max_nodes or None)
    try:
        geometry = layout(diagram, options=options)
        if request.output_format == "json":
            from archdsl.emit.layout_json import render_layout_json

            return render_layout_json(diagram, geometry=geometry)
        if request.output_format == "png":
            from archdsl.emit.png import render_png

            return render_png(
                diagram,
                scale=request.scale,
                theme=request.theme,
                icon_packs=packs,
                geometry=geometry,
            )
        from archdsl.emit.svg import render_svg

        return render_svg(diagram, theme=request.theme, icon_packs=packs, geometry=geometry)
    except (LayoutTooLarge, PngTooLarge) as error:
        raise RenderError(str(error)) from error


def output_name(source_path: str, index: int, count: int, output_format: str) -> str:
    """``doc.md`` with three diagrams → ``doc-1.svg`` … ``doc-3.svg``."""
    stem = Path(source_path).stem
    return f"{stem}-{index}.{output_format}" if count > 1 else f"{stem}.{output_format}"
