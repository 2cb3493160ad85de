"""Sizes and limits of a layout: Mermaid's config values and what follows from them."""

from __future__ import annotations

from typing import NamedTuple

from archdsl.layout.text import LINE_HEIGHT
from archdsl.model import ArchitectureConfig

DEFAULT_MAX_NODES = 2500
"""Services plus junctions above which :func:`archdsl.layout.layout` refuses (overridable).

1,000 services with 1,500 edges lay out in under a second, 2,000 in about two, 4,000 in
about four (edges between far-apart services cross the whole picture, and routing them
costs in proportion to their length: see docs/benchmarks.md); the limit keeps a mistaken
input (a generated file with a million services) from tying up a CI job for minutes. Pass
``LayoutOptions(max_nodes=None)`` (``--max-nodes`` on the command line) to lift it.
"""


class LayoutTooLarge(ValueError):
    """The diagram has more nodes than the layout limit allows."""

    def __init__(self, count: int, limit: int) -> None:
        self.count = count
        self.limit = limit
        super().__init__(
            f"the diagram has {count} services and junctions, more than the layout limit of "
            f"{limit}; raise the limit (max_nodes=..., or --max-nodes on the command line) "
            "to render it anyway, or split the diagram"
        )


class LayoutOptions(NamedTuple):
    """Choices that are not part of the diagram itself."""

    max_nodes: int | None = DEFAULT_MAX_NODES
    """Refuse diagrams with more services and junctions than this; ``None`` for no limit."""


class Metrics(NamedTuple):
    """Mermaid's ``iconSize``, ``padding`` and ``fontSize`` and the sizes derived from them."""

    icon_size: float = 80.0
    padding: float = 40.0
    font_size: float = 16.0

    @classmethod
    def from_config(cls, config: ArchitectureConfig) -> Metrics:
        return cls(
            icon_size=max(8.0, float(config.icon_size)),
            padding=max(0.0, float(config.padding)),
            font_size=max(4.0, float(config.font_size)),
        )

    @property
    def line_height(self) -> float:
        return self.font_size * LINE_HEIGHT

    @property
    def label_wrap(self) -> float:
        """Service titles wrap at 1.5 × iconSize, as in Mermaid."""
        return self.icon_size * 1.5

    @property
    def label_gap(self) -> float:
        """Space between an icon and the title under it."""
        return self.font_size * 0.25

    @property
    def column_gap(self) -> float:
        """Space between two columns of boxes (labels included)."""
        return self.icon_size

    @property
    def row_gap(self) -> float:
        """Space between two rows of boxes (labels included)."""
        return self.icon_size * 0.6

    @property
    def group_icon_size(self) -> float:
        """A group's icon is 0.75 × padding, as in Mermaid."""
        return self.padding * 0.75

    @property
    def group_inset(self) -> float:
        """Distance of a group's icon from its frame."""
        return 4.0

    @property
    def group_header(self) -> float:
        """Height of a group's top band holding its icon and title."""
        icon = self.group_icon_size + 2 * self.group_inset
        title = self.line_height + 2 * self.group_inset
        return max(self.padding, icon, title)

    @property
    def title_font_size(self) -> float:
        return self.font_size * 1.25

    @property
    def edge_label_wrap(self) -> float:
        return self.icon_size * 3

    @property
    def arrow_size(self) -> float:
        """Arrowheads are iconSize / 6 long, as in Mermaid."""
        return self.icon_size / 6
