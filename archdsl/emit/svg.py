"""SVG output: a self-contained picture of one diagram, in Mermaid's look.

    from archdsl.emit.svg import render_svg
    svg_text = render_svg(diagram, theme="dark")

Icons are inlined once each as ``<symbol>`` and drawn with ``<use>``; nothing refers
outside the file. Every service, junction, group and edge is a ``<g>`` with ``data-id``
and ``data-kind``. All text from the diagram is escaped and drawn as SVG ``<text>`` (no
``foreignObject``). The same diagram always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Literal, NamedTuple

from archdsl.icons import IconData, IconPack, builtin_packs, is_builtin_icon, resolve_icon
from archdsl.icons.builtin import PLACEHOLDER, builtin_icon
from archdsl.layout import Layout, LayoutOptions, Metrics, layout
from archdsl.layout.model import Box, EdgeLayout, GroupLayout, NodeLayout, Point, TextBlock
from archdsl.layout.text import wrap
from archdsl.model import Diagram, Service

Theme = Literal["light", "dark"]

FONT_FAMILY = '"trebuchet ms", verdana, arial, "DejaVu Sans", "Liberation Sans", sans-serif'


class Palette(NamedTuple):
    background: str
    text: str
    edge: str
    group_border: str


PALETTES: dict[str, Palette] = {
    # Mermaid's default theme, with the base theme's grey edges (archEdgeColor #777).
    "light": Palette("#ffffff", "#333333", "#777777", "#c7c7f1"),
    # Mermaid's dark theme: light grey lines on a dark grey page.
    "dark": Palette("#333333", "#cccccc", "#d3d3d3", "#cccccc"),
}


def render_svg(
    diagram: Diagram,
    *,
    theme: Theme | str = "light",
    icon_packs: Iterable[IconPack] = (),
    geometry: Layout | None = None,
    engine: str = "grid",
    options: LayoutOptions | None = None,
) -> str:
    """The SVG document for ``diagram``.

    ``icon_packs`` come before the AWS icons that ship with archdsl. ``geometry`` reuses a
    layout already made; otherwise ``engine`` and ``options`` make one.
    """
    if theme not in PALETTES:
        raise ValueError(f"unknown theme {theme!r} (known: {', '.join(PALETTES)})")
    placed = geometry or layout(diagram, engine=engine, options=options)
    writer = _Writer(diagram, placed, PALETTES[theme], (*icon_packs, *builtin_packs()))
    return writer.document()


# -- text and numbers ----------------------------------------------------------------------

# The characters XML 1.0 does not allow, listed rather than written as the complement of
# those it does: the complement takes ~9 ms to compile, on every first render.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """``text`` escaped for XML content or a double-quoted attribute."""
    text = _NOT_XML.sub("\ufffd", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


@lru_cache(maxsize=1 << 16)  # a picture repeats its coordinates: each is formatted once
def num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _points(points: Sequence[Point]) -> str:
    return " ".join(f"{num(x)},{num(y)}" for x, y in points)


# -- icons -----------------------------------------------------------------------------------


class _Symbols:
    """One ``<symbol>`` per distinct icon, numbered in order of first use."""

    def __init__(self, prefix: str, packs: tuple[IconPack, ...]) -> None:
        self.prefix = prefix
        self.packs = packs
        self.ids: dict[str, str] = {}
        self.markup: list[str] = []

    def use(self, name: str, box: Box) -> str:
        symbol = self.ids.get(name)
        if symbol is None:
            symbol = f"{self.prefix}-icon-{len(self.ids)}"
            self.ids[name] = symbol
            self.markup.append(_symbol(symbol, self._resolve(name)))
        return (
            f'<use href="#{symbol}" xlink:href="#{symbol}" x="{num(box.x)}" y="{num(box.y)}" '
            f'width="{num(box.width)}" height="{num(box.height)}"/>'
        )

    def _resolve(self, name: str) -> IconData:
        if is_builtin_icon(name):
            return builtin_icon(name) or PLACEHOLDER
        found = resolve_icon(name, self.packs)
        return found if found is not None and not found.hidden else PLACEHOLDER


_ID_ATTRIBUTE = re.compile(r"""\bid=(["'])([^"']+)\1""")


def _symbol(symbol_id: str, icon: IconData) -> str:
    body = _scoped_ids(icon.body, symbol_id)
    view_box, transform = _orientation(icon)
    if transform:
        body = f'<g transform="{transform}">{body}</g>'
    return f'<symbol id="{symbol_id}" viewBox="{view_box}">{body}</symbol>'


_FRAGMENT_REFERENCE = re.compile(r"""#([^"')#]+)(?=[)"'])""")


def _scoped_ids(body: str, prefix: str) -> str:
    """Give an icon's internal ids (gradients...) a prefix, so that icons cannot clash.

    One pass for the ``id`` attributes and one for ``#id`` references (``url(#g)``,
    ``href="#g"``): the time stays linear in the body however many ids it declares.
    """
    ids = {match.group(2) for match in _ID_ATTRIBUTE.finditer(body)}
    if not ids:
        return body
    body = _ID_ATTRIBUTE.sub(lambda m: f"id={m.group(1)}{prefix}-{m.group(2)}{m.group(1)}", body)

    def scoped(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"#{prefix}-{name}" if name in ids else match.group(0)

    return _FRAGMENT_REFERENCE.sub(scoped, body)


def _orientation(icon: IconData) -> tuple[str, str]:
    """The viewBox and transform for Iconify's flips and quarter turns."""
    left, top, width, height = icon.left, icon.top, icon.width, icon.height
    steps: list[str] = []
    if icon.h_flip:
        steps.append(f"translate({num(width + left)} {num(-top)}) scale(-1 1)")
        left = top = 0.0
    if icon.v_flip:
        steps.append(f"translate({num(-left)} {num(height + top)}) scale(1 -1)")
        left = top = 0.0
    turns = icon.rotate % 4
    if turns == 1:
        centre = height / 2 + top
        steps.insert(0, f"rotate(90 {num(centre)} {num(centre)})")
    elif turns == 2:
        steps.insert(0, f"rotate(180 {num(width / 2 + left)} {num(height / 2 + top)})")
    elif turns == 3:
        centre = width / 2 + left
        steps.insert(0, f"rotate(-90 {num(centre)} {num(centre)})")
    if turns % 2:
        left, top, width, height = top, left, height, width
    view_box = f"{num(left)} {num(top)} {num(width)} {num(height)}"
    return view_box, " ".join(steps)


# -- the document ----------------------------------------------------------------------------


class _Writer:
    def __init__(
        self, diagram: Diagram, placed: Layout, palette: Palette, packs: tuple[IconPack, ...]
    ) -> None:
        self.diagram = diagram
        self.layout = placed
        self.palette = palette
        self.metrics = Metrics.from_config(diagram.config)
        self.prefix = "archdsl-" + _digest(diagram)
        self.symbols = _Symbols(self.prefix, packs)
        self.nodes = {node.id: node for node in placed.nodes}

    def document(self) -> str:
        body = [
            self._background(),
            *self._title(),
            '<g class="architecture-groups">',
            *(self._group(g) for g in self.layout.groups),
            "</g>",
            '<g class="architecture-edges">',
            *(self._edge(e) for e in self.layout.edges),
            "</g>",
            '<g class="architecture-group-titles">',
            *(self._group_title(g) for g in self.layout.groups),
            "</g>",
            '<g class="architecture-services">',
            *(self._node(n) for n in self.layout.nodes),
            "</g>",
        ]
        width, height = num(self.layout.width), num(self.layout.height)
        head = [
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'class="archdsl" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'role="graphics-document document" aria-roledescription="architecture"'
            f"{self._aria()}>",
            *self._accessibility(),
            f"<style>{self._css()}</style>",
            f"<defs>{''.join(self.symbols.markup)}</defs>",
        ]
        return "\n".join([*head, *body, "</svg>"]) + "\n"

    # -- head ------------------------------------------------------------------------------

    def _aria(self) -> str:
        parts = []
        if self._accessible_title():
            parts.append(f' aria-labelledby="{self.prefix}-title"')
        if self.diagram.acc_descr:
            parts.append(f' aria-describedby="{self.prefix}-desc"')
        return "".join(parts)

    def _accessible_title(self) -> str | None:
        return self.diagram.acc_title or self.diagram.title

    def _accessibility(self) -> list[str]:
        lines = []
        title = self._accessible_title()
        if title:
            lines.append(f'<title id="{self.prefix}-title">{clean(title)}</title>')
        if self.diagram.acc_descr:
            lines.append(f'<desc id="{self.prefix}-desc">{clean(self.diagram.acc_descr)}</desc>')
        return lines

    def _css(self) -> str:
        p, m = self.palette, self.metrics
        return (
            f".archdsl text{{font-family:{FONT_FAMILY};font-size:{num(m.font_size)}px;"
            f"fill:{p.text}}}"
            f".archdsl .edge{{fill:none;stroke:{p.edge};stroke-width:3}}"
            f".archdsl .arrow{{fill:{p.edge};stroke:none}}"
            f".archdsl .node-bkg{{fill:none;stroke:{p.group_border};stroke-width:2;"
            "stroke-dasharray:8}"
            f".archdsl .label-bkg{{fill:{p.background};stroke:none}}"
            f".archdsl .group-title{{paint-order:stroke;stroke:{p.background};stroke-width:4px;"
            "stroke-linejoin:round}"
            f".archdsl .diagram-title{{font-size:{num(m.title_font_size)}px}}"
            ".archdsl .node-icon-text{fill:#ffffff}"
        )

    def _background(self) -> str:
        return (
            f'<rect class="background" width="{num(self.layout.width)}" '
            f'height="{num(self.layout.height)}" fill="{self.palette.background}"/>'
        )

    def _title(self) -> list[str]:
        title = self.layout.title
        if title is None:
            return []
        size = self.metrics.title_font_size
        return [_text(title, "diagram-title", size, anchor="middle")]

    # -- elements --------------------------------------------------------------------------

    def _group(self, group: GroupLayout) -> str:
        """A group's frame (its icon and title come later: :meth:`_group_title`)."""
        box = group.box
        return (
            f'<g data-id="{clean(group.id)}" data-kind="group">'
            f'<rect class="node-bkg" x="{num(box.x)}" y="{num(box.y)}" '
            f'width="{num(box.width)}" height="{num(box.height)}"/></g>'
        )

    def _group_title(self, group: GroupLayout) -> str:
        """A group's icon and title (for every group, empty when it has neither), drawn
        over the edges: one that enters the group's top-left service from above passes
        under them, and the halo round the letters keeps the title legible."""
        element = self.diagram.elements.get(group.id)
        icon = getattr(element, "icon", None)
        parts = [f'<g data-id="{clean(group.id)}" data-kind="group-title">']
        if icon and group.icon_box is not None:
            parts.append(self.symbols.use(icon, group.icon_box))
        if group.title is not None:
            parts.append(_text(group.title, "group-title", self.metrics.font_size, "start"))
        parts.append("</g>")
        return "".join(parts)

    def _node(self, node: NodeLayout) -> str:
        head = f'<g data-id="{clean(node.id)}" data-kind="{node.kind}">'
        if node.kind == "junction":
            box = node.box
            return (
                f'{head}<rect x="{num(box.x)}" y="{num(box.y)}" width="{num(box.width)}" '
                f'height="{num(box.height)}" fill="none" stroke="none"/></g>'
            )
        service = self.diagram.elements.get(node.id)
        parts = [head, self._service_icon(node, service)]
        if node.label is not None:
            parts.append(_backdrop(node.label.box))
            parts.append(_text(node.label, "label", self.metrics.font_size, "middle"))
        parts.append("</g>")
        return "".join(parts)

    def _service_icon(self, node: NodeLayout, service: object) -> str:
        box = node.box
        if isinstance(service, Service) and service.icon:
            return self.symbols.use(service.icon, box)
        if isinstance(service, Service) and service.icon_text is not None:
            return self.symbols.use("blank", box) + self._icon_text(service.icon_text, box)
        size = box.width
        return (
            f'<path class="node-bkg" d="M{num(box.x)},{num(box.bottom)} V{num(box.y + 5)} '
            f"Q{num(box.x)},{num(box.y)} {num(box.x + 5)},{num(box.y)} H{num(box.x + size - 5)} "
            f"Q{num(box.right)},{num(box.y)} {num(box.right)},{num(box.y + 5)} "
            f'V{num(box.bottom)} Z"/>'
        )

    def _icon_text(self, text: str, box: Box) -> str:
        """A text icon: white lines on the blank square, clamped as Mermaid does."""
        size = self.metrics.font_size
        lines = wrap(text, box.width - 6, size)[: max(1, int((box.width - 2) // size))]
        height = len(lines) * self.metrics.line_height
        block = TextBlock(
            lines, Box(box.x, box.cy - height / 2, box.width, height), self.metrics.line_height
        )
        return _text(block, "node-icon-text", size, "middle")

    def _edge(self, edge: EdgeLayout) -> str:
        attributes = (
            f'data-id="{clean(edge.source)}-{clean(edge.target)}" data-kind="edge" '
            f'data-source="{clean(edge.source)}" data-target="{clean(edge.target)}"'
        )
        points = list(edge.points)
        if len(points) >= 2:
            points[0] = self._visible_end(
                points[0], edge.source, edge.source_side, edge.source_group
            )
            points[-1] = self._visible_end(
                points[-1], edge.target, edge.target_side, edge.target_group
            )
        arrows: list[str] = []
        size = self.metrics.arrow_size
        if edge.target_arrow and len(points) >= 2:
            arrows.append(_arrow(points[-2], points[-1], size))
            points[-1] = _shorten(points[-2], points[-1], size * 0.6)
        if edge.source_arrow and len(points) >= 2:
            arrows.append(_arrow(points[1], points[0], size))
            points[0] = _shorten(points[1], points[0], size * 0.6)
        path = "M" + " L".join(f"{num(x)},{num(y)}" for x, y in points)
        parts = [f"<g {attributes}>", f'<path class="edge" d="{path}"/>', *arrows]
        if edge.label is not None:
            parts.append(_backdrop(edge.label.box))
            parts.append(_text(edge.label, "label edge-label", self.metrics.font_size, "middle"))
        parts.append("</g>")
        return "".join(parts)

    def _visible_end(self, point: Point, node_id: str, side: str, via_group: bool) -> Point:
        """Where a line meets a service's bottom as drawn: below its title, which sits
        under the icon (and would hide an arrowhead)."""
        if side != "B" or via_group:
            return point
        node = self.nodes.get(node_id)
        if node is None or node.label is None or node.kind != "service":
            return point
        return point[0], node.label.box.bottom


def _digest(diagram: Diagram) -> str:
    ids = "\n".join(sorted(diagram.elements))
    return hashlib.sha1(ids.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]


def _text(block: TextBlock, css_class: str, size: float, anchor: str) -> str:
    """Lines of ``block``: centred in its box, or from its left edge for ``start``."""
    box = block.box
    x = box.cx if anchor == "middle" else box.x
    spans = []
    for i, line in enumerate(block.lines):
        baseline = box.y + i * block.line_height + block.line_height / 2 + size * 0.35
        spans.append(f'<tspan x="{num(x)}" y="{num(baseline)}">{clean(line)}</tspan>')
    return f'<text class="{css_class}" text-anchor="{anchor}">{"".join(spans)}</text>'


def _backdrop(box: Box) -> str:
    """A page-coloured patch behind a label, so that a line under it does not show."""
    return (
        f'<rect class="label-bkg" x="{num(box.x)}" y="{num(box.y)}" '
        f'width="{num(box.width)}" height="{num(box.height)}"/>'
    )


def _arrow(before: Point, tip: Point, size: float) -> str:
    """A triangle with its point at ``tip``, pointing along ``before`` → ``tip``."""
    dx, dy = _unit(before, tip)
    base = (tip[0] - dx * size, tip[1] - dy * size)
    half = size / 2
    left = (base[0] - dy * half, base[1] + dx * half)
    right = (base[0] + dy * half, base[1] - dx * half)
    return f'<polygon class="arrow" points="{_points([tip, left, right])}"/>'


def _shorten(before: Point, end: Point, by: float) -> Point:
    dx, dy = _unit(before, end)
    length = abs(end[0] - before[0]) + abs(end[1] - before[1])
    by = min(by, length)
    return end[0] - dx * by, end[1] - dy * by


def _unit(a: Point, b: Point) -> tuple[float, float]:
    length = abs(b[0] - a[0]) + abs(b[1] - a[1])
    if length == 0:
        return 1.0, 0.0
    return (b[0] - a[0]) / length, (b[1] - a[1]) / length
