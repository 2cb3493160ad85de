"""Which of the author's placement hints a finished layout honours.

``a:R -- L:b`` asks for ``b`` right of ``a``; ``a:B -- T:b`` for ``b`` below ``a``; a bent pair
for ``b`` on the diagonal its bend needs. Contradictory diagrams (two edges asking for
opposite placements) cannot honour everything: the layout lists the misses as notes.
"""

from __future__ import annotations

from archdsl.layout.grid import pair_offset
from archdsl.layout.model import EdgeLayout, Layout, NodeLayout

_WORDS = {(1, 0): "right of", (-1, 0): "left of", (0, 1): "below", (0, -1): "above"}


def unhonoured(layout: Layout) -> tuple[str, ...]:
    nodes = {n.id: n for n in layout.nodes}
    notes: list[str] = []
    for edge in layout.edges:
        miss = _miss(edge, nodes[edge.source], nodes[edge.target])
        if miss:
            notes.append(
                f"edge {edge.source}:{edge.source_side} -- {edge.target_side}:{edge.target}: "
                f"{edge.target} is not {miss} {edge.source}"
            )
    return tuple(notes)


def _miss(edge: EdgeLayout, source: NodeLayout, target: NodeLayout) -> str | None:
    if edge.source == edge.target or edge.source_side == edge.target_side:
        return None
    dx, dy = pair_offset(edge.source_side, edge.target_side)
    a, b = source.box, target.box
    if dx > 0 and not b.x >= a.right - 1e-6:
        return _WORDS[(1, 0)]
    if dx < 0 and not b.right <= a.x + 1e-6:
        return _WORDS[(-1, 0)]
    if dy > 0 and not b.y >= a.bottom - 1e-6:
        return _WORDS[(0, 1)]
    if dy < 0 and not b.bottom <= a.y + 1e-6:
        return _WORDS[(0, -1)]
    return None
