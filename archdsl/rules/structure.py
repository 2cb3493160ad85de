"""Structure rules (AD101–AD105): ids and the ``in`` hierarchy.

Mermaid fills its database in a fixed order whatever the text order: all
groups (in text order), then all services, then all junctions. Each element is
checked against what is registered *so far*, so the order decides some
verdicts (a group may not name a later group; a service may not sit in a
junction, because junctions come last). These rules replay that order, give
Mermaid's verdict, and say in plain words what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import TYPE_CHECKING

from archdsl.diagnostics import Related, Severity
from archdsl.model import Group, NodeElement
from archdsl.rules.base import CheckContext, Problem, rule

if TYPE_CHECKING:
    from archdsl.graph import DiagramGraph


def _registration_order(context: CheckContext) -> dict[int, int]:
    """Position of every declaration (by object identity) in Mermaid's order."""
    cached = context.cache.get("structure.order")
    if isinstance(cached, dict):
        return cached
    diagram = context.diagram
    order = {
        id(element): index
        for index, element in enumerate(chain(diagram.groups, diagram.services, diagram.junctions))
    }
    context.cache["structure.order"] = order
    return order


def _declarations(context: CheckContext) -> Iterator[NodeElement]:
    """Every group, service and junction statement in Mermaid's registration order."""
    diagram = context.diagram
    declarations: Iterator[NodeElement] = chain(diagram.groups, diagram.services, diagram.junctions)
    return declarations


def _where(element: NodeElement) -> str:
    return f"line {element.id_span.line}" if element.id_span.line else "declared in code"


def _cycle_groups(graph: DiagramGraph) -> set[str]:
    return {group for cycle in graph.group_cycles for group in cycle}


@rule("AD101", "duplicate-id", Severity.ERROR)
def duplicate_id(context: CheckContext) -> Iterator[Problem]:
    """Duplicate id: groups, services and junctions share one namespace.

    Mermaid keeps one table of ids for all three kinds and rejects the second
    registration of an id ("The service id [x] is already in use by another
    node"). It registers all groups first, then services, then junctions, so
    with `service a` on line 2 and `group a` on line 5 it is the *service* that
    is the duplicate: archdsl reports the same one, with the kept declaration as
    the related position.

    Bad:   service db(database)
           group db(cloud)
    Good:  service db(database)
           group data(cloud)

    Fix: rename one of them (and every edge or `in` that means it).
    """
    graph = context.graph
    for element_id, declarations in graph.declarations.items():
        kept = declarations[0]
        for duplicate in declarations[1:]:
            order_note = ""
            if duplicate.id_span.line and duplicate.id_span.line < kept.id_span.line:
                order_note = (
                    f" (Mermaid registers groups, then services, then junctions, so the "
                    f"{kept.kind} comes first)"
                )
            yield Problem(
                duplicate.id_span,
                f"`{element_id}` is already the id of a {kept.kind} ({_where(kept)}): groups, "
                f"services and junctions share one namespace{order_note}",
                help=f"rename this {duplicate.kind} (and the edges and `in`s that mean it)",
                related=(Related(f"`{element_id}` is declared here first", kept.id_span),),
            )


@rule("AD102", "unknown-parent", Severity.ERROR)
def unknown_parent(context: CheckContext) -> Iterator[Problem]:
    """Parent (`in X`) does not exist — or does not exist yet in Mermaid's order.

    Mermaid checks the parent when it registers an element and registers all
    groups, then all services, then all junctions. So besides a plain typo,
    Mermaid says "The service [x]'s parent does not exist" when the parent is a
    junction (registered after every service), a service declared after the
    element, or a service named by a group. archdsl gives the same verdict with
    the real reason: the parent is not a group. (A group naming a *group*
    declared later is AD105; a parent that Mermaid has already registered as a
    service or junction is AD103.)

    Bad:   service api(server) in backend      (no group backend)
    Bad:   junction j
           service api(server) in j            (j is a junction)
    Good:  group backend(cloud)
           service api(server) in backend

    Fix: declare the group, correct the name, or place the element in a group.
    """
    graph = context.graph
    order = _registration_order(context)
    for element in _declarations(context):
        parent = element.parent
        if parent is None or parent == element.id:
            continue
        target = graph.elements.get(parent)
        if target is None:
            guess = graph.closest_id(parent, ("group",))
            fix = (
                f"did you mean `{guess}`?" if guess else f"declare `group {parent}` or fix the name"
            )
            yield Problem(
                element.parent_span,
                f"parent `{parent}` of {element.kind} `{element.id}` does not exist",
                help=fix,
            )
        elif not isinstance(target, Group) and order[id(target)] > order[id(element)]:
            yield Problem(
                element.parent_span,
                f"`{parent}` is a {target.kind}, not a group: a {element.kind} can only be "
                f"placed in a group (Mermaid says the parent does not exist, because it "
                f"registers {target.kind}s after {element.kind}s)",
                help=_placement_fix(graph, element, target),
                related=(Related(f"`{parent}` is a {target.kind}", target.id_span),),
            )


@rule("AD103", "parent-not-group", Severity.ERROR)
def parent_not_group(context: CheckContext) -> Iterator[Problem]:
    """Parent is not a group.

    Only groups contain things. When the parent named by `in` is a service or
    junction that Mermaid has already registered, it rejects the diagram with
    "The service [x]'s parent is not a group". (When the parent is registered
    after the element, Mermaid words the same mistake as "parent does not
    exist": see AD102.)

    Bad:   service db(database)
           service cache(disk) in db
    Good:  group data(cloud)
           service db(database) in data
           service cache(disk) in data

    Fix: place the element in the group that holds the parent, or in a new group.
    """
    graph = context.graph
    order = _registration_order(context)
    for element in _declarations(context):
        parent = element.parent
        if parent is None or parent == element.id:
            continue
        target = graph.elements.get(parent)
        if target is None or isinstance(target, Group) or order[id(target)] > order[id(element)]:
            continue
        yield Problem(
            element.parent_span,
            f"`{parent}` is a {target.kind}, not a group: only groups can contain a {element.kind}",
            help=_placement_fix(graph, element, target),
            related=(Related(f"`{parent}` is a {target.kind}", target.id_span),),
        )


def _placement_fix(graph: DiagramGraph, element: NodeElement, target: NodeElement) -> str:
    holder = graph.parent_group(target.id)
    if holder is not None:
        return f"place it in `{target.id}`'s group instead: `in {holder}`"
    return f"remove `in {target.id}`, or declare a group and place both in it"


@rule("AD104", "placed-within-itself", Severity.ERROR)
def placed_within_itself(context: CheckContext) -> Iterator[Problem]:
    """Placed within itself, or groups nested in a cycle.

    `service a in a` is rejected by Mermaid ("cannot be placed within itself").
    A nesting cycle (`group a in b`, `group b in a`) can never be drawn either:
    Mermaid stops at the first group that names a group not registered yet. The
    cycle is reported once, at that group's `in`, with the other links of the
    cycle as related positions (and no AD105 for them).

    Bad:   group a(cloud) in b
           group b(cloud) in a
    Good:  group a(cloud)
           group b(cloud) in a

    Fix: decide which group is the outer one and remove the other `in`.
    """
    graph = context.graph
    for element in _declarations(context):
        if element.parent == element.id:
            yield Problem(
                element.parent_span,
                f"{element.kind} `{element.id}` is placed within itself",
                help=f"remove `in {element.id}`, or name the group that should hold it",
            )
    order = _registration_order(context)
    for cycle in graph.group_cycles:
        yield _cycle_problem(graph, cycle, order)


def _cycle_problem(graph: DiagramGraph, cycle: list[str], order: dict[int, int]) -> Problem:
    groups = [graph.elements[group_id] for group_id in cycle]
    # Mermaid fails at the first group (in its order) whose parent comes later.
    culprit = min(
        (g for g in groups if g.parent and order[id(graph.elements[g.parent])] > order[id(g)]),
        key=lambda g: order[id(g)],
        default=groups[0],
    )
    start = cycle.index(culprit.id)
    loop = cycle[start:] + cycle[:start] + [culprit.id]
    chain_text = ", which is in ".join(f"`{group_id}`" for group_id in loop)
    related = tuple(
        Related(f"`{g.id}` is in `{g.parent}`", g.parent_span) for g in groups if g is not culprit
    )
    return Problem(
        culprit.parent_span,
        f"groups nested in a cycle: {chain_text}",
        help=f"decide which group is the outer one and remove its `in` (e.g. `in {culprit.parent}`"
        " here)",
        related=related,
    )


@rule("AD105", "parent-declared-later", Severity.ERROR)
def parent_declared_later(context: CheckContext) -> Iterator[Problem]:
    """Group names a parent group declared later.

    Mermaid registers groups in text order and checks a group's parent when it
    registers the group, so the parent group must come first; otherwise it
    says "The group [x]'s parent does not exist". (Services and junctions may
    name groups declared anywhere: all groups are registered before them.)

    Bad:   group api(cloud) in platform
           group platform(cloud)
    Good:  group platform(cloud)
           group api(cloud) in platform

    Fix: move the parent group's declaration above the child's.
    """
    graph = context.graph
    in_cycles = _cycle_groups(graph)
    order = _registration_order(context)
    for group in context.diagram.groups:
        parent = group.parent
        if parent is None or parent == group.id or group.id in in_cycles:
            continue
        target = graph.elements.get(parent)
        if not isinstance(target, Group) or order[id(target)] < order[id(group)]:
            continue
        yield Problem(
            group.parent_span,
            f"parent group `{parent}` is declared later ({_where(target)}): Mermaid registers "
            "groups in order, so it does not exist yet here",
            help=f"move `group {parent}` above this line",
            related=(Related(f"`{parent}` is declared here", target.id_span),),
        )
