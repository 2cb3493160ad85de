"""Edge rules (AD201–AD208, AD211, AD212, AD214): what edges and ``align`` connect.

Some of these are Mermaid's own database checks (an unknown endpoint, a
`{group}` edge inside one group, a bad `align`); others are things Mermaid
accepts and then crashes on or fails to render (an edge to a group, two edges
with the same cytoscape id); the rest are warnings about edges that say nothing
useful (self edges, same-side pairs, `{group}` outside any group).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from archdsl.diagnostics import Related, Severity, Span
from archdsl.model import Align, Edge, EdgeEnd
from archdsl.rules.base import CheckContext, Problem, rule
from archdsl.rules.lexical import group_modifier_span, member_spans, targets_before

if TYPE_CHECKING:
    from archdsl.graph import DiagramGraph, EdgeEnds

_SUGGESTIONS_PER_RUN = 25
""""Did you mean" lookups per run: enough for real typos, bounded on huge files."""


def _edges_where(context: CheckContext, wanted: Callable[[EdgeEnds], bool]) -> Iterator[Edge]:
    """The edges whose ends match ``wanted`` (a scan over plain values, then the model)."""
    edges = context.diagram.edges
    for index, ends in enumerate(context.graph.ends):
        if wanted(ends):
            yield edges[index]


def _ends(edge: Edge) -> tuple[EdgeEnd, ...]:
    """The ends of an edge; a self edge's id is one mistake, so it counts once."""
    return (edge.lhs,) if edge.lhs.id == edge.rhs.id else (edge.lhs, edge.rhs)


def edge_text(edge: Edge) -> str:
    """A compact rendering of an edge for messages: ``a:R -- L:b``."""
    lhs = f"{edge.lhs.id}{'{group}' if edge.lhs.group else ''}:{edge.lhs.side}"
    rhs = f"{edge.rhs.side}:{edge.rhs.id}{'{group}' if edge.rhs.group else ''}"
    return f"{lhs} -- {rhs}"


def _line(span: Span) -> str:
    return f"line {span.line}" if span.line else "declared in code"


@rule("AD201", "unknown-endpoint", Severity.ERROR)
def unknown_endpoint(context: CheckContext) -> Iterator[Problem]:
    """Edge endpoint does not exist.

    Every edge end must be a declared service or junction. Mermaid rejects the
    diagram with "The left-hand id [x] does not yet exist" (declaration order
    does not matter: edges are registered after all nodes, so the message's
    "yet" only means "anywhere").

    Bad:   service api(server)
           api:R --> L:databse
    Good:  service api(server)
           service database(database)
           api:R --> L:database

    Fix: declare the missing service, or correct the id (archdsl suggests a
    close match).
    """
    graph = context.graph
    known = graph.elements
    lookups = 0
    for edge in _edges_where(context, lambda e: e.lhs not in known or e.rhs not in known):
        for end in _ends(edge):
            if end.id in known:
                continue
            guess = None
            if lookups < _SUGGESTIONS_PER_RUN:
                lookups += 1
                guess = graph.closest_id(end.id, ("service", "junction"))
            yield Problem(
                end.span,
                f"edge end `{end.id}` does not exist: no service or junction has this id",
                help=f"did you mean `{guess}`?" if guess else f"declare `service {end.id}` first",
            )


@rule("AD202", "edge-to-group", Severity.ERROR)
def edge_to_group(context: CheckContext) -> Iterator[Problem]:
    """Edge endpoint is a group id.

    Mermaid's docs say group ids cannot be edge ends, but its parser lets them
    through and the render then crashes with a bare
    `TypeError: Cannot read properties of undefined (reading 'in')`. To connect
    a group, connect one of its members and add `{group}`: the line then ends
    at the group's border instead of at the member.

    Bad:   group backend(cloud)
           service api(server) in backend
           service web(internet)
           web:R --> L:backend
    Good:  web:R --> L:api{group}

    Fix: name a service or junction inside the group and add `{group}`.
    """
    graph = context.graph
    groups = graph.group_ids
    for edge in _edges_where(context, lambda e: e.lhs in groups or e.rhs in groups):
        for end in _ends(edge):
            if end.id not in groups:
                continue
            members = graph.member_nodes(end.id)
            fix = (
                f"connect a member and add `{{group}}`, e.g. `{members[0]}{{group}}` "
                f"instead of `{end.id}`"
                if members
                else f"put a service or junction in `{end.id}` and connect it with `{{group}}`"
            )
            yield Problem(
                end.span,
                f"edge end `{end.id}` is a group: Mermaid cannot draw an edge to a group "
                "(its render crashes)",
                help=fix,
            )


def _group_problems(context: CheckContext) -> Iterator[tuple[str, Edge, EdgeEnd]]:
    """``("same", …)`` for AD203 and ``("none", …)`` for AD204, per ``{group}`` end."""
    graph = context.graph
    nodes = graph.node_ids
    for edge in _edges_where(
        context, lambda e: (e.lhs_group or e.rhs_group) and e.lhs in nodes and e.rhs in nodes
    ):
        lhs_parent = graph.elements[edge.lhs.id].parent
        rhs_parent = graph.elements[edge.rhs.id].parent
        for end in (edge.lhs, edge.rhs):
            if not end.group:
                continue
            # Mermaid compares the two ends' direct `in` values, as written.
            if lhs_parent is not None and lhs_parent == rhs_parent:
                yield "same", edge, end
            elif graph.elements[end.id].parent is None:
                yield "none", edge, end


@rule("AD203", "group-modifier-same-group", Severity.ERROR)
def group_modifier_same_group(context: CheckContext) -> Iterator[Problem]:
    """`{group}` on an edge whose ends are in the same group.

    `{group}` makes the line start or end at the border of the node's group, so
    it only means something when the edge leaves the group. Mermaid rejects it
    when both ends sit directly in the same group ("… is modified to traverse
    the group boundary, but the edge does not pass through two groups").

    Bad:   group g(cloud)
           service a(server) in g
           service b(server) in g
           a{group}:R --> L:b
    Good:  a:R --> L:b

    Fix: remove `{group}`.
    """
    for verdict, edge, end in _group_problems(context):
        if verdict != "same":
            continue
        group = context.graph.elements[end.id].parent
        yield Problem(
            group_modifier_span(context, edge, end),
            f"`{{group}}` on `{end.id}`, but both ends of this edge are in group `{group}`: "
            "the edge does not cross a group border",
            help="remove `{group}`",
        )


@rule("AD204", "group-modifier-no-group", Severity.WARNING)
def group_modifier_no_group(context: CheckContext) -> Iterator[Problem]:
    """`{group}` on a node that is in no group.

    `{group}` attaches the line to the border of the node's group. A node in no
    group has no border to attach to: Mermaid accepts it and only shifts the
    line's end outwards, away from the node, which looks like a drawing error.

    Bad:   service a(server)
           group g(cloud)
           service b(server) in g
           a{group}:R --> L:b{group}
    Good:  a:R --> L:b{group}

    Fix: remove `{group}` from the end that is in no group, or put it in a group.
    """
    for verdict, edge, end in _group_problems(context):
        if verdict == "none":
            yield Problem(
                group_modifier_span(context, edge, end),
                f"`{{group}}` on `{end.id}`, which is in no group: there is no group border "
                "to attach to",
                help=f"remove `{{group}}` from `{end.id}`, or place `{end.id}` in a group",
            )


@rule("AD205", "self-edge", Severity.WARNING)
def self_edge(context: CheckContext) -> Iterator[Problem]:
    """Self edge: both ends are the same node.

    Mermaid accepts `a:R -- L:a` and draws a line from the node into itself,
    which gives no information and no placement.

    Bad:   api:R --> L:api
    Good:  api:R --> L:worker

    Fix: connect the node to what it really talks to, or remove the edge.
    """
    nodes = context.graph.node_ids
    for edge in _edges_where(context, lambda e: e.lhs == e.rhs and e.lhs in nodes):
        yield Problem(
            edge.span,
            f"self edge: `{edge.lhs.id}` is connected to itself",
            help="connect it to another node, or remove the edge",
        )


@rule("AD206", "same-side-pair", Severity.WARNING)
def same_side_pair(context: CheckContext) -> Iterator[Problem]:
    """Both ends use the same side (`R`–`R`, `L`–`L`, `T`–`T`, `B`–`B`).

    Sides tell Mermaid where the nodes sit relative to each other: `a:R -- L:b`
    puts `b` right of `a`. A same-side pair cannot be satisfied by any
    placement, so Mermaid ignores it for the layout and draws a line that
    loops around.

    Bad:   a:R --> R:b
    Good:  a:R --> L:b

    Fix: use opposite sides for a straight line, or a side of each axis for a
    bend (`a:R --> T:b`).
    """
    opposite = {"L": "R", "R": "L", "T": "B", "B": "T"}
    for edge in _edges_where(context, lambda e: e.lhs_side == e.rhs_side and e.lhs != e.rhs):
        side = edge.lhs.side
        start, end = edge.lhs.side_span, edge.rhs.side_span
        span = Span(start.line, start.column, end.end_line, end.end_column) if start.line else start
        yield Problem(
            span,
            f"both ends use side `{side}`: the edge gives Mermaid no placement for "
            f"`{edge.lhs.id}` and `{edge.rhs.id}`",
            help=f"use opposite sides, e.g. `{edge.lhs.id}:{side} -- {opposite[side]}:"
            f"{edge.rhs.id}`",
        )


@rule("AD207", "duplicate-edge", Severity.ERROR)
def duplicate_edge(context: CheckContext) -> Iterator[Problem]:
    """A second edge between the same ordered pair of nodes.

    Mermaid gives each edge the id `lhs-rhs` in its layout engine (cytoscape),
    so a second `a … b` edge aborts the render with "Can not create second
    element with ID `a-b`", even with different sides. The reverse direction
    (`b … a`) has another id and is fine.

    Bad:   a:R --> L:b
           a:B --> T:b
    Good:  a:R --> L:b
           b:B --> T:a

    Fix: keep one edge, or write the second one in the other direction.
    """
    first: dict[tuple[str, str], int] = {}
    edges = context.diagram.edges
    for index, ends in enumerate(context.graph.ends):
        pair = (ends.lhs, ends.rhs)
        if first.setdefault(pair, index) == index:
            continue
        edge, earlier = edges[index], edges[first[pair]]
        yield Problem(
            edge.span,
            f"second edge from `{pair[0]}` to `{pair[1]}` (the first is on {_line(earlier.span)}): "
            "Mermaid cannot render two edges between the same ordered pair",
            help=f"keep one of them, or write this one as `{pair[1]} … {pair[0]}`",
            related=(Related("the first edge", earlier.span),),
        )


@rule("AD208", "edge-id-clash", Severity.ERROR)
def edge_id_clash(context: CheckContext) -> Iterator[Problem]:
    """Two elements get the same Mermaid id because of dashed ids.

    Mermaid names each edge `lhs-rhs` in cytoscape, where nodes, groups and
    edges share one id space. With dashes in ids, different things collide:
    `a-b → c` and `a → b-c` are both `a-b-c`, and an edge `a → b` clashes with
    a service called `a-b`. The render aborts with "Can not create second
    element with ID …". (Two edges between the same ordered pair are AD207.)

    Bad:   service a-b(server)
           a:R --> L:b
    Good:  service a_b(server)
           a:R --> L:b

    Fix: rename one of the dashed ids (underscores never collide).
    """
    elements = context.diagram.elements
    ends = context.graph.ends
    if not any("-" in e.lhs or "-" in e.rhs for e in ends) and not any("-" in i for i in elements):
        return  # without a dashed id no two of these names can be equal
    seen: dict[str, Edge] = {}
    for edge in context.diagram.edges:
        name = edge.mermaid_id
        clash = elements.get(name)
        earlier = seen.setdefault(name, edge)
        if clash is not None:
            yield Problem(
                edge.span,
                f"this edge's Mermaid id `{name}` is also the id of {clash.kind} `{name}`: "
                "Mermaid cannot render both",
                help=f"rename `{name}` (e.g. `{name.replace('-', '_')}`)",
                related=(Related(f"{clash.kind} `{name}`", clash.id_span),),
            )
        elif earlier is not edge and (earlier.lhs.id, earlier.rhs.id) != (
            edge.lhs.id,
            edge.rhs.id,
        ):
            yield Problem(
                edge.span,
                f"this edge and `{edge_text(earlier)}` ({_line(earlier.span)}) both get the "
                f"Mermaid id `{name}`: Mermaid cannot render both",
                help="rename a dashed id so that `lhs-rhs` differs (e.g. use `_` instead of `-`)",
                related=(Related("the other edge", earlier.span),),
            )


@rule("AD211", "unconnected-node", Severity.INFO)
def unconnected_node(context: CheckContext) -> Iterator[Problem]:
    """Node with no edges.

    A service or junction that no edge mentions is drawn on its own: Mermaid's
    layout has nothing to place it by, so it lands wherever there is room. Often
    an edge was forgotten or names a misspelt id. A junction without edges is
    never useful.

    Not reported in a diagram that has no edges at all (an inventory of icons or
    a first sketch), nor when the diagram has a single node, nor for a node that
    a broken edge probably means (a close match of an unknown end, AD201, or a
    member of a group used as an end, AD202).

    Example:  service api(server)
              service db(database)
              service cache(disk)      ← no edge mentions it
              api:R --> L:db

    Fix: connect it, or remove it.
    """
    diagram = context.diagram
    graph = context.graph
    if not diagram.edges or len(graph.registered_nodes) < 2:
        return
    meant = _probably_meant(context)
    if meant is None:
        return
    for node in graph.registered_nodes:
        if graph.degree(node.id) == 0 and node.id not in meant:
            yield Problem(
                node.id_span,
                f"{node.kind} `{node.id}` has no edges: Mermaid places it on its own",
                help=f"connect `{node.id}` to the node it works with, or remove it",
            )


def _probably_meant(context: CheckContext) -> set[str] | None:
    """Nodes a broken edge end probably means (AD201/AD202 already say so).

    A close match of an unknown end, or a member of a group used as an end.
    ``None`` when there are too many unknown ends to tell.
    """
    graph = context.graph
    ends = {e.lhs for e in graph.ends} | {e.rhs for e in graph.ends}
    unknown = [end for end in ends if end not in graph.elements]
    if len(unknown) > _SUGGESTIONS_PER_RUN:
        return None
    meant = {graph.closest_id(end, ("service", "junction")) for end in unknown}
    for end in ends:
        if graph.is_group(end):
            meant.update(graph.member_nodes(end))
    return {node for node in meant if node is not None}


@rule("AD212", "bad-align", Severity.ERROR)
def bad_align(context: CheckContext) -> Iterator[Problem]:
    """`align` names a group or an unknown id, repeats a member, or has fewer than two.

    `align row a b c` (Mermaid 11.16+) puts services and junctions on one row
    (`column`: one column), in that order. Mermaid rejects an `align` that
    lists fewer than two members, names anything but a service or junction
    ("align row references [g], which is not a service or junction") or lists a
    member twice ("align row lists [a] more than once").

    Bad:   align row web backend      (backend is a group)
    Bad:   align column a b a
    Good:  align row web api db

    Fix: list two or more distinct services or junctions.
    """
    if targets_before(context, (11, 16)):
        return  # the statement itself is the problem then (AD214)
    graph = context.graph
    for align in context.diagram.aligns:
        if len(align.members) < 2:
            yield Problem(
                align.span,
                f"`align {align.axis}` needs at least two members",
                help=f"list two or more services or junctions, e.g. `align {align.axis} a b`",
            )
        yield from _align_member_problems(graph, align)


def _align_member_problems(graph: DiagramGraph, align: Align) -> Iterator[Problem]:
    first_seen: dict[str, Span] = {}
    for member, span in zip(align.members, member_spans(align), strict=True):
        if member in first_seen:
            yield Problem(
                span,
                f"`align {align.axis}` lists `{member}` more than once",
                help="remove the repeated member",
                related=(Related(f"`{member}` is listed here first", first_seen[member]),),
            )
            continue
        first_seen[member] = span
        kind = graph.kind(member)
        if kind == "group":
            yield Problem(
                span,
                f"`{member}` is a group: `align` takes only services and junctions",
                help=f"list the services of `{member}` instead",
            )
        elif kind is None:
            guess = graph.closest_id(member, ("service", "junction"))
            yield Problem(
                span,
                f"`align {align.axis}` names `{member}`, which does not exist",
                help=f"did you mean `{guess}`?" if guess else "list declared services or junctions",
            )


@rule("AD214", "needs-newer-mermaid", Severity.ERROR)
def needs_newer_mermaid(context: CheckContext) -> Iterator[Problem]:
    """The statement needs a newer Mermaid than the targeted version.

    Only checked when a Mermaid version is targeted (`mermaid-version` in the
    configuration, or `--mermaid-version`). `align row|column …` exists since
    Mermaid 11.16; an older Mermaid fails with a parse error on it. (Title
    forms that older versions reject are AD003.)

    Bad (targeting 11.14):   align row web api db
    Good:                    web:R --> L:api
                             api:R --> L:db

    Fix: express the alignment with edge sides, or target Mermaid 11.16+.
    """
    if not targets_before(context, (11, 16)):
        return
    for align in context.diagram.aligns:
        yield Problem(
            align.span,
            "`align` needs Mermaid 11.16 or newer",
            help="place the nodes with edge sides instead (`a:R -- L:b` puts `b` right of `a`)",
        )
