"""Integration checks (AWS4xx): edges between AWS services that AWS does not connect directly.

An edge between two AWS icons reads as data flowing from one service to the other. For most
pairs that is true (API Gateway → Lambda, S3 → Athena...), but some pairs need something in
between (a table cannot publish to a topic). The catalogue's integration table
(``archdsl/catalogue/integrations.toml``) knows both kinds; pairs it does not know stay silent,
because a false alarm costs more than silence.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from archdsl.catalogue import Catalogue, Integration, ServiceEntry, load_catalogue
from archdsl.diagnostics import Related, Severity
from archdsl.model import NO_SPAN, Diagram, Edge, Junction, Service
from archdsl.rules.base import CheckContext, Problem, rule

Flow = tuple[str, str]
"""A possible direction of data along an edge: (from service id, to service id)."""


def edge_flows(edge: Edge) -> tuple[bool, bool]:
    """(lhs → rhs possible, rhs → lhs possible) from the arrowheads.

    `a --> b` flows one way; `a <-- b` the other; `a <--> b` and `a -- b` may mean
    either, so both are possible.
    """
    if edge.lhs.arrow != edge.rhs.arrow:
        return edge.rhs.arrow, edge.lhs.arrow
    return True, True


class _Attachment(NamedTuple):
    """A service attached to a junction hub by one edge."""

    service_id: str
    edge: Edge
    order: int
    """The edge's position in the diagram, to report on the later edge of a pair."""
    sends: bool
    """Data may flow from the service into the hub."""
    receives: bool
    """Data may flow from the hub to the service."""


@rule("AWS401", "aws-no-direct-integration", Severity.WARNING)
def no_direct_integration(context: CheckContext) -> Iterator[Problem]:
    """An edge between two AWS services that AWS cannot connect directly.

    An arrow between AWS icons says that one service's data reaches the other. Some pairs
    have no such integration: a DynamoDB table cannot publish to SNS, a Kinesis data stream
    has no sink of its own to write to S3, SQS delivers nothing (consumers poll it). The
    diagram then hides a piece that must exist (a Lambda function, a DynamoDB stream with
    EventBridge Pipes, Firehose...), and the CloudFormation export cannot wire the edge.
    Only pairs known to be no direct integration warn; unknown pairs stay silent. An edge
    without arrowheads (`--`) or with two (`<-->`) warns only if neither direction is an
    integration. Junctions connect everything attached to them, so `a --> j` and
    `j --> b` is checked as `a --> b`. Edges with `{group}` ends are not checked.

    Example:

        service table(logos:aws-dynamodb)[Orders]
        service topic(logos:aws-sns)[Order events]
        table:R --> L:topic

    warns: DynamoDB → SNS is no direct integration; usually a DynamoDB stream with a
    Lambda function or EventBridge Pipes goes between. Fix: draw that step:

        service fn(logos:aws-lambda)[Publish changes]
        table:R --> L:fn
        fn:R --> L:topic

    If the diagram leaves the step out on purpose, put `%% archdsl-ignore AWS401` above
    the edge.
    """
    catalogue = load_catalogue()
    services = _aws_services(context.diagram, catalogue)
    junction_hub = _junction_hubs(context.diagram)
    attachments: dict[str, list[_Attachment]] = {}
    for order, edge in enumerate(context.diagram.edges):
        if edge.lhs.group or edge.rhs.group or edge.lhs.id == edge.rhs.id:
            continue
        forward, backward = edge_flows(edge)
        lhs, rhs = edge.lhs.id, edge.rhs.id
        if lhs in services and rhs in services:
            flows = [f for f, ok in (((lhs, rhs), forward), ((rhs, lhs), backward)) if ok]
            problem = _check_flows(flows, services, catalogue, edge)
            if problem:
                yield problem
        elif lhs in services and rhs in junction_hub:
            into_hub = _Attachment(lhs, edge, order, sends=forward, receives=backward)
            attachments.setdefault(junction_hub[rhs], []).append(into_hub)
        elif rhs in services and lhs in junction_hub:
            into_hub = _Attachment(rhs, edge, order, sends=backward, receives=forward)
            attachments.setdefault(junction_hub[lhs], []).append(into_hub)
    for hub in sorted(attachments):
        yield from _check_hub(hub, attachments[hub], services, catalogue)


def _aws_services(diagram: Diagram, catalogue: Catalogue) -> dict[str, ServiceEntry]:
    """Service ids whose icon (and title, for shared icons) is an AWS service."""
    found: dict[str, ServiceEntry] = {}
    for node_id, element in diagram.elements.items():
        if not isinstance(element, Service) or not element.icon:
            continue
        title = element.title.text if element.title else None
        entry = catalogue.for_node(element.icon, title)
        if entry is not None:
            found[node_id] = entry
    return found


def _junction_hubs(diagram: Diagram) -> dict[str, str]:
    """Each junction id → the id naming its hub (junctions joined by edges form one hub)."""
    parent = {
        node_id: node_id
        for node_id, element in diagram.elements.items()
        if isinstance(element, Junction)
    }

    def root(node_id: str) -> str:
        while parent[node_id] != node_id:
            node_id = parent[node_id]
        return node_id

    for edge in diagram.edges:
        if edge.lhs.id in parent and edge.rhs.id in parent:
            first, second = sorted((root(edge.lhs.id), root(edge.rhs.id)))
            parent[second] = first
    return {node_id: root(node_id) for node_id in parent}


def _check_hub(
    hub: str,
    attached: list[_Attachment],
    services: dict[str, ServiceEntry],
    catalogue: Catalogue,
) -> Iterator[Problem]:
    """Every pair of services meeting at one junction hub, reported on the later edge."""
    for index, first in enumerate(attached):
        for second in attached[index + 1 :]:
            if first.service_id == second.service_id:
                continue
            flows: list[Flow] = []
            if first.sends and second.receives:
                flows.append((first.service_id, second.service_id))
            if second.sends and first.receives:
                flows.append((second.service_id, first.service_id))
            earlier, later = sorted((first, second), key=lambda a: a.order)
            related = Related(
                f"`{earlier.service_id}` joins junction `{hub}` here", earlier.edge.span
            )
            problem = _check_flows(flows, services, catalogue, later.edge, related, hub)
            if problem:
                yield problem


def _check_flows(
    flows: list[Flow],
    services: dict[str, ServiceEntry],
    catalogue: Catalogue,
    edge: Edge,
    related: Related | None = None,
    hub: str | None = None,
) -> Problem | None:
    """A problem if every possible flow is a known non-integration, else ``None``."""
    rows = [catalogue.integration(services[a].key, services[b].key) for a, b in flows]
    known_none = [row for row in rows if row is not None and row.status == "none"]
    if not flows or len(known_none) != len(flows):
        return None
    source, target = flows[0]
    return Problem(
        edge.span,
        _message(flows, known_none, services, hub),
        help=(
            f"draw that step as a service between `{source}` and `{target}`, or put "
            "`%% archdsl-ignore AWS401` above the edge if the diagram leaves it out on purpose"
        ),
        related=(related,) if related and related.span != NO_SPAN else (),
    )


def _message(
    flows: list[Flow],
    rows: list[Integration],
    services: dict[str, ServiceEntry],
    hub: str | None,
) -> str:
    (source, target), row = flows[0], rows[0]
    through = f" (through junction `{hub}`)" if hub else ""
    pair = f"{services[source].short_name} → {services[target].short_name}"
    text = (
        f"`{source}` → `{target}`{through}: {pair} is no direct AWS integration: {row.why}. "
        f"What usually goes between: {row.via}"
    )
    if len(rows) > 1:
        text += f". Nor the other way: {rows[1].why}"
    return text
