"""Render times for generated diagrams of 10, 100 and 1,000 services (SVG and PNG).

    python -m tests.render.bench_render [SIZES...]

Prints, per size, the best of three runs of: parse, layout, SVG (from the layout) and
PNG (from the SVG; scaled down to the default pixel limit where needed). Not a test:
timings depend on the machine and its load.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TypeVar

from archdsl.api import parse
from archdsl.emit.png import DEFAULT_MAX_PIXELS, svg_to_png
from archdsl.emit.svg import render_svg
from archdsl.layout import LayoutOptions, layout
from benchmarks.generate import generate

T = TypeVar("T")


def best_of(runs: int, work: Callable[[], T]) -> tuple[float, T]:
    timings: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        timings.append(time.perf_counter() - start)
    return min(timings), result


def measure(size: int) -> str:
    text = generate(size)
    parse_s, document = best_of(3, lambda: parse(text))
    diagram = document.diagram
    assert diagram is not None
    options = LayoutOptions(max_nodes=None)
    layout_s, placed = best_of(3, lambda: layout(diagram, options=options))
    svg_s, svg = best_of(3, lambda: render_svg(diagram, geometry=placed))
    scale = min(1.0, (DEFAULT_MAX_PIXELS / (placed.width * placed.height)) ** 0.5)
    png_s, _ = best_of(3, lambda: svg_to_png(svg, scale=scale))
    return (
        f"{size:>8} {len(diagram.edges):>6} {parse_s:>7.3f} {layout_s:>7.3f} "
        f"{svg_s:>7.3f} {png_s:>7.3f}  (png scale {scale:.2f})"
    )


def main(sizes: list[int]) -> None:
    print(f"{'services':>8} {'edges':>6} {'parse':>7} {'layout':>7} {'svg':>7} {'png':>7}")
    for size in sizes:
        print(measure(size))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10, 100, 1000])
