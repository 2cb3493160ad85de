"""The typed model of one ``architecture-beta`` diagram: data only.

Every element is a frozen Pydantic model that remembers where it came from
(:class:`~archdsl.diagnostics.Span`; :data:`NO_SPAN` for elements built in code).
The model keeps statements in source order because Mermaid's layout depends on
declaration order, and keeps comments so that the formatter can put them back.

Programs can build diagrams directly::

    from archdsl.model import Diagram, Service, Edge, EdgeEnd
    d = Diagram(statements=[
        Service(id="api", icon="logos:aws-lambda", title="API"),
        Service(id="db", icon="database"),
        Edge(lhs=EdgeEnd(id="api", side="R"), rhs=EdgeEnd(id="db", side="L", arrow=True)),
    ])
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from archdsl.diagnostics import Span

NO_SPAN = Span(0, 0, 0, 0)
"""The span of an element that was built in code rather than parsed."""

Side = Literal["L", "R", "T", "B"]
QuoteStyle = Literal['"', "'"]

ID_PATTERN = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?")
"""Mermaid's ``ID`` token: ASCII word characters and inner dashes."""


class _Frozen(BaseModel):
    # defer_build: the parser builds models with ``model_construct`` (no validation), so
    # the validation schemas are only needed by callers that validate; building them for
    # every model at import cost ~50 ms of each command's start-up.
    model_config = ConfigDict(
        frozen=True, extra="forbid", arbitrary_types_allowed=True, defer_build=True
    )


class Title(_Frozen):
    """A ``[...]`` title. ``quote`` records how it was written, for the formatter."""

    text: str
    quote: QuoteStyle | None = None


def _coerce_title(value: Any) -> Any:
    return Title(text=value) if isinstance(value, str) else value


class _Node(_Frozen):
    id: str
    parent: str | None = None
    span: Span = NO_SPAN
    id_span: Span = NO_SPAN
    parent_span: Span = NO_SPAN

    @field_validator("id")
    @classmethod
    def _id_is_mermaid_id(cls, value: str) -> str:
        if not ID_PATTERN.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a Mermaid id (ASCII letters, digits, '_' and inner '-')"
            )
        return value


class Group(_Node):
    """``group id(icon)[title] in parent``"""

    kind: Literal["group"] = "group"
    icon: str | None = None
    title: Title | None = None
    icon_span: Span = NO_SPAN
    title_span: Span = NO_SPAN

    _title = field_validator("title", mode="before")(_coerce_title)


class Service(_Node):
    """``service id(icon)[title] in parent`` or ``service id "text"[title]``."""

    kind: Literal["service"] = "service"
    icon: str | None = None
    icon_text: str | None = None
    """A text icon (``service db "Text"``): drawn instead of an icon."""
    title: Title | None = None
    icon_span: Span = NO_SPAN
    title_span: Span = NO_SPAN

    _title = field_validator("title", mode="before")(_coerce_title)


class Junction(_Node):
    """``junction id in parent``: an invisible 4-way split point."""

    kind: Literal["junction"] = "junction"


class EdgeEnd(_Frozen):
    """One end of an edge: ``id{group}:SIDE`` with an optional arrowhead."""

    id: str
    side: Side
    group: bool = False
    """``{group}``: attach to the border of this node's group."""
    arrow: bool = False
    """An arrowhead at this end (``<`` on the left, ``>`` on the right)."""
    span: Span = NO_SPAN
    side_span: Span = NO_SPAN


class Edge(_Frozen):
    """``lhs:S <-[title]-> S:rhs``"""

    kind: Literal["edge"] = "edge"
    lhs: EdgeEnd
    rhs: EdgeEnd
    title: Title | None = None
    span: Span = NO_SPAN

    _title = field_validator("title", mode="before")(_coerce_title)

    @property
    def mermaid_id(self) -> str:
        """The id Mermaid gives this edge in cytoscape (``lhs-rhs``)."""
        return f"{self.lhs.id}-{self.rhs.id}"


class Align(_Frozen):
    """``align row|column a b ...`` (Mermaid 11.16+)."""

    kind: Literal["align"] = "align"
    axis: Literal["row", "column"]
    members: tuple[str, ...]
    member_spans: tuple[Span, ...] = ()
    span: Span = NO_SPAN


class TitleStatement(_Frozen):
    """``title text``: stored by Mermaid but not drawn."""

    kind: Literal["title"] = "title"
    text: str
    span: Span = NO_SPAN


class AccTitle(_Frozen):
    """``accTitle: text``: becomes the SVG ``<title>``."""

    kind: Literal["acc_title"] = "acc_title"
    text: str
    span: Span = NO_SPAN


class AccDescr(_Frozen):
    """``accDescr: text`` or ``accDescr { ... }``: becomes the SVG ``<desc>``."""

    kind: Literal["acc_descr"] = "acc_descr"
    text: str
    block: bool = False
    span: Span = NO_SPAN


Statement = Annotated[
    Group | Service | Junction | Edge | Align | TitleStatement | AccTitle | AccDescr,
    Field(discriminator="kind"),
]
NodeElement = Group | Service | Junction


class Comment(_Frozen):
    """A ``%%`` comment or a ``%%{...}%%`` directive, verbatim, for the formatter.

    ``trailing`` is true when the comment follows a statement on the same line.
    """

    text: str
    span: Span = NO_SPAN
    trailing: bool = False

    @property
    def is_directive(self) -> bool:
        return self.text.startswith("%%{")


class ArchitectureConfig(_Frozen):
    """Mermaid's ``architecture`` config (front matter or ``%%{init}%%``)."""

    model_config = ConfigDict(frozen=True, extra="allow", populate_by_name=True, defer_build=True)

    padding: float = 40
    icon_size: float = Field(default=80, alias="iconSize")
    font_size: float = Field(default=16, alias="fontSize")
    randomize: bool = False
    seed: int = 1
    use_max_width: bool = Field(default=True, alias="useMaxWidth")


class Diagram(_Frozen):
    """One ``architecture-beta`` diagram."""

    statements: tuple[Statement, ...] = ()
    comments: tuple[Comment, ...] = ()
    front_matter: str | None = None
    """The YAML front matter block verbatim (without the ``---`` lines)."""
    # model_construct: calling ArchitectureConfig() here would build its validator (and
    # load pydantic's plugins) at import, on every command's start-up.
    config: ArchitectureConfig = ArchitectureConfig.model_construct()
    theme: str | None = None
    header_span: Span = NO_SPAN

    @cached_property
    def groups(self) -> tuple[Group, ...]:
        return tuple(s for s in self.statements if isinstance(s, Group))

    @cached_property
    def services(self) -> tuple[Service, ...]:
        return tuple(s for s in self.statements if isinstance(s, Service))

    @cached_property
    def junctions(self) -> tuple[Junction, ...]:
        return tuple(s for s in self.statements if isinstance(s, Junction))

    @cached_property
    def edges(self) -> tuple[Edge, ...]:
        return tuple(s for s in self.statements if isinstance(s, Edge))

    @cached_property
    def aligns(self) -> tuple[Align, ...]:
        return tuple(s for s in self.statements if isinstance(s, Align))

    @cached_property
    def elements(self) -> dict[str, NodeElement]:
        """Groups, services and junctions by id; the first declaration wins.

        Mermaid registers groups, then services, then junctions; with duplicate
        ids (an error) this keeps the one Mermaid registered first.
        """
        found: dict[str, NodeElement] = {}
        for kind in (self.groups, self.services, self.junctions):
            for element in kind:
                found.setdefault(element.id, element)
        return found

    @cached_property
    def nodes(self) -> tuple[Service | Junction, ...]:
        """Services and junctions in Mermaid's registration order."""
        return (*self.services, *self.junctions)

    def _last_text(self, cls: type[TitleStatement | AccTitle | AccDescr]) -> str | None:
        texts = [s.text for s in self.statements if isinstance(s, cls)]
        return texts[-1] if texts else None

    @property
    def title(self) -> str | None:
        """The diagram title (the last ``title`` wins, as in Mermaid)."""
        return self._last_text(TitleStatement)

    @property
    def acc_title(self) -> str | None:
        return self._last_text(AccTitle)

    @property
    def acc_descr(self) -> str | None:
        return self._last_text(AccDescr)
