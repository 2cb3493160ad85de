"""Layout: a diagram model in, a frozen :class:`Layout` out; the engine is chosen by name.

    from archdsl.layout import layout
    result = layout(diagram)                # the "grid" engine
    result.nodes[0].box, result.edges[0].points

An engine is a function ``(Diagram, LayoutOptions) -> Layout``; :func:`register_engine`
adds one. ``grid`` (the default) places nodes on a grid from the edges' side pairs,
sizes groups around their members and routes edges orthogonally (see
:mod:`archdsl.layout.engine`).
"""

from __future__ import annotations

from collections.abc import Callable

from archdsl import collector
from archdsl.layout.model import (
    Box,
    EdgeLayout,
    GroupLayout,
    Layout,
    NodeLayout,
    Point,
    TextBlock,
)
from archdsl.layout.options import DEFAULT_MAX_NODES, LayoutOptions, LayoutTooLarge, Metrics
from archdsl.model import Diagram

__all__ = [
    "DEFAULT_MAX_NODES",
    "Box",
    "EdgeLayout",
    "GroupLayout",
    "Layout",
    "LayoutEngine",
    "LayoutOptions",
    "LayoutTooLarge",
    "Metrics",
    "NodeLayout",
    "Point",
    "TextBlock",
    "engines",
    "layout",
    "register_engine",
]

LayoutEngine = Callable[[Diagram, LayoutOptions], Layout]

_ENGINES: dict[str, LayoutEngine] = {}


def register_engine(name: str, engine: LayoutEngine) -> None:
    """Make ``engine`` available as ``layout(..., engine=name)``."""
    _ENGINES[name] = engine


def engines() -> tuple[str, ...]:
    """The names of the registered engines, ``grid`` first."""
    _load_builtin()
    return ("grid", *sorted(name for name in _ENGINES if name != "grid"))


def layout(
    diagram: Diagram, *, engine: str = "grid", options: LayoutOptions | None = None
) -> Layout:
    """Lay ``diagram`` out; raises :class:`LayoutTooLarge` past ``options.max_nodes``
    and ``ValueError`` for an unknown engine name."""
    _load_builtin()
    try:
        chosen = _ENGINES[engine]
    except KeyError:
        known = ", ".join(_ENGINES)
        raise ValueError(f"unknown layout engine {engine!r} (known: {known})") from None
    # Routing a large diagram allocates hundreds of thousands of small objects (channel
    # legs, points, queue entries): without the pause the collector rescans them all,
    # again and again, a seventh of the time at 4,000 services.
    with collector.paused():
        return chosen(diagram, options or LayoutOptions())


def _load_builtin() -> None:
    if "grid" not in _ENGINES:
        from archdsl.layout.engine import grid_layout

        _ENGINES["grid"] = grid_layout
