"""``archdsl show``: a diagram as a tree in the terminal, for a quick look without rendering.

Groups hold their nested groups, services and junctions in declaration order; nodes in no
group sit at the root. The edges follow, written as in Mermaid with sides and arrowheads,
and their titles in quotes::

    architecture-beta: Orders
    ├── group cloud(cloud) "AWS"
    │   ├── service api(logos:aws-lambda) "API" · AWS Lambda
    │   └── junction split
    └── service user(internet) "User"
    edges
    └── user:R --> L:api "calls"

A diagram with structural mistakes still shows: a node whose parent is missing or not a
group, or a group caught in a nesting cycle, sits at the root with a note saying so.
Text from the diagram is never read as rich markup.

:func:`show_paths` is the command: it reads a file (every architecture fence of a Markdown
file, every diagram of a folder) and returns the trees, or the syntax errors of the
diagrams it cannot read.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from rich.console import Console, Group, RenderableType
from rich.text import Text
from rich.tree import Tree

from archdsl.diagnostics import Diagnostic
from archdsl.model import Align, Diagram, Edge, EdgeEnd, Junction, Service
from archdsl.model import Group as GroupNode

__all__ = ["ShowOutcome", "edge_text", "render_tree", "show_paths", "show_text"]

Element = GroupNode | Service | Junction

STYLE_KIND = "dim"
STYLE_GROUP = "bold"
STYLE_ID = "cyan"
STYLE_ICON = "magenta"
STYLE_TITLE = "green"
STYLE_NOTE = "yellow"


def render_tree(
    diagram: Diagram, *, label: str | None = None, aws_names: bool = True
) -> RenderableType:
    """The diagram as rich renderables: the element tree, then edges and alignments.

    ``label`` heads the tree (a file name; ``architecture-beta`` by default), followed by
    the diagram's ``title`` if it has one. ``aws_names`` adds the AWS service a node's icon
    stands for (from the catalogue).
    """
    names = _aws_names(diagram) if aws_names else {}
    tree = Tree(_root_label(diagram, label))
    _Nesting.of(diagram).attach(tree, names)
    parts: list[RenderableType] = [tree, _edges_tree(diagram.edges)]
    if diagram.aligns:
        parts.append(_aligns_tree(diagram.aligns))
    return Group(*parts)


def show_text(
    diagram: Diagram, *, width: int = 100, label: str | None = None, aws_names: bool = True
) -> str:
    """:func:`render_tree` as plain text, ``width`` columns wide (no colour, no styles)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, no_color=True, highlight=False)
    console.print(render_tree(diagram, label=label, aws_names=aws_names))
    return buffer.getvalue()


def edge_text(edge: Edge) -> Text:
    """``lhs:R --> L:rhs "title"``: Mermaid's spelling, with the title in quotes."""
    arrow = ("<" if edge.lhs.arrow else "") + "--" + (">" if edge.rhs.arrow else "")
    text = Text.assemble(
        _end_id(edge.lhs), f":{edge.lhs.side} {arrow} {edge.rhs.side}:", _end_id(edge.rhs)
    )
    if edge.title is not None:
        text.append(f' "{edge.title.text}"', style=STYLE_TITLE)
    return text


@dataclass(frozen=True)
class ShowOutcome:
    """What ``archdsl show`` prints: trees on stdout, problems on stderr, and its exit code."""

    trees: tuple[RenderableType, ...] = ()
    problems: tuple[Diagnostic, ...] = ()
    """Unreadable files (exit 2) and syntax errors (exit 1), in file positions."""
    texts: dict[str, str] = field(default_factory=dict)
    """Every file's text by display path, for showing the problems' source lines."""
    message: str | None = None
    exit_code: int = 0

    @property
    def renderable(self) -> RenderableType:
        """The trees one after another, a blank line between diagrams."""
        spaced: list[RenderableType] = []
        for tree in self.trees:
            spaced.extend([Text(""), tree] if spaced else [tree])
        return Group(*spaced)


def show_paths(path: str, *, aws_names: bool = True) -> ShowOutcome:
    """The tree of each diagram in ``path`` (a file, a Markdown file, a folder or ``-``).

    Diagrams with syntax errors are not shown: their errors come back instead (exit 1).
    Other mistakes do not stop the tree; ``archdsl validate`` reports them.
    """
    from archdsl.api import parse
    from archdsl.sources import collect

    collected = collect([path])
    if collected.problems:
        return ShowOutcome(problems=tuple(collected.problems), texts=collected.texts, exit_code=2)
    if not collected.sources:
        return ShowOutcome(message=f"{path}: no architecture-beta diagram found", exit_code=1)
    trees: list[RenderableType] = []
    errors: list[Diagnostic] = []
    for source in collected.sources:
        document = parse(source.text, source.path)
        if document.diagram is None or not document.syntax_ok:
            errors.extend(source.to_file_position(d) for d in document.diagnostics)
            continue
        label = f"{source.path}:{source.line_offset + 1}" if source.embedded else source.path
        trees.append(render_tree(document.diagram, label=label, aws_names=aws_names))
    return ShowOutcome(tuple(trees), tuple(errors), collected.texts, exit_code=1 if errors else 0)


# -- the element tree ------------------------------------------------------------------------


@dataclass
class _Nesting:
    """Who sits where: the root's elements, each group's members, and misplaced elements."""

    order: list[Element]
    """Every group, service and junction in declaration order."""
    root: list[Element]
    members: dict[int, list[Element]]
    """Members by ``id()`` of the group statement they belong to."""
    notes: dict[int, str] = field(default_factory=dict)
    """Why an element with a parent sits at the root, by ``id()`` of the element."""

    @classmethod
    def of(cls, diagram: Diagram) -> _Nesting:
        groups: dict[str, GroupNode] = {}
        for group in diagram.groups:
            groups.setdefault(group.id, group)
        elements = [s for s in diagram.statements if isinstance(s, GroupNode | Service | Junction)]
        nesting = cls(elements, root=[], members={id(g): [] for g in diagram.groups})
        for element in elements:
            parent = groups.get(element.parent) if element.parent else None
            if parent is not None and parent is not element:
                nesting.members[id(parent)].append(element)
            else:
                nesting.root.append(element)
                if element.parent:
                    nesting.notes[id(element)] = _misplaced_note(diagram, element)
        return nesting

    def attach(self, tree: Tree, names: dict[int, str]) -> None:
        placed: set[int] = set()
        for element in self.root:
            self._add(tree, element, names, placed)
        # Groups nested in a cycle are reachable from nowhere: show them at the root too.
        for element in self.order:
            if id(element) not in placed:
                self.notes[id(element)] = f"in {element.parent}: groups nested in a cycle"
                self._add(tree, element, names, placed)
        if not tree.children:
            tree.add(Text("(no groups, services or junctions)", style=STYLE_KIND))

    def _add(self, tree: Tree, element: Element, names: dict[int, str], placed: set[int]) -> None:
        if id(element) in placed:
            return
        placed.add(id(element))
        branch = tree.add(_element_label(element, names.get(id(element)), self.notes))
        for member in self.members.get(id(element), ()):
            self._add(branch, member, names, placed)


def _misplaced_note(diagram: Diagram, element: Element) -> str:
    parent = diagram.elements.get(element.parent or "")
    if parent is None:
        return f"in {element.parent}: no such group"
    if parent is element:
        return f"in {element.parent}: placed within itself"
    return f"in {element.parent}: a {parent.kind}, not a group"


def _root_label(diagram: Diagram, label: str | None) -> Text:
    text = Text(label or "architecture-beta", style=STYLE_GROUP)
    if diagram.title:
        text.append(f": {diagram.title}")
    return text


def _element_label(element: Element, aws_name: str | None, notes: dict[int, str]) -> Text:
    text = Text.assemble((element.kind, STYLE_KIND), " ")
    text.append(element.id, style=STYLE_GROUP if isinstance(element, GroupNode) else STYLE_ID)
    if not isinstance(element, Junction):
        text.append_text(_icon_and_title(element))
    if aws_name:
        text.append(f" · {aws_name}", style=STYLE_KIND)
    if id(element) in notes:
        text.append(f"  ({notes[id(element)]})", style=STYLE_NOTE)
    return text


def _icon_and_title(element: GroupNode | Service) -> Text:
    text = Text()
    if element.icon:
        text.append(f"({element.icon})", style=STYLE_ICON)
    elif isinstance(element, Service) and element.icon_text is not None:
        text.append(f'("{element.icon_text}")', style=STYLE_ICON)
    if element.title is not None:
        text.append(f' "{element.title.text}"', style=STYLE_TITLE)
    return text


def _aws_names(diagram: Diagram) -> dict[int, str]:
    """The AWS service each service node stands for, by ``id()`` of the node."""
    from archdsl.catalogue import load_catalogue

    catalogue = load_catalogue()
    names: dict[int, str] = {}
    for service in diagram.services:
        entry = catalogue.for_node(service.icon, service.title.text if service.title else None)
        if entry is not None:
            names[id(service)] = entry.short_name
    return names


# -- edges and alignments --------------------------------------------------------------------


def _end_id(end: EdgeEnd) -> Text:
    return Text(end.id + ("{group}" if end.group else ""), style=STYLE_ID)


def _edges_tree(edges: Iterable[Edge]) -> Tree:
    listed = list(edges)
    tree = Tree(Text("edges" if listed else "edges: none", style=STYLE_GROUP))
    for edge in listed:
        tree.add(edge_text(edge))
    return tree


def _aligns_tree(aligns: Iterable[Align]) -> Tree:
    tree = Tree(Text("aligned", style=STYLE_GROUP))
    for align in aligns:
        members = Text(" ").join(Text(m, style=STYLE_ID) for m in align.members)
        tree.add(Text.assemble((align.axis, STYLE_KIND), " ", members))
    return tree
