"""The CloudFormation export's plan: what a diagram becomes, decided before anything is built.

This module is the light half of the export (standard library and the catalogue only): the
AWS5xx rules run it on every ``validate``, and :mod:`archdsl.export.cloudformation` (the
builders, and :func:`~archdsl.export.cloudformation.to_cloudformation`) follows it.

- **What the export can build**, as data: the services it has a skeleton for
  (:data:`BUILT_SERVICES`, and why the others are not built: :data:`NOT_BUILT`), and each edge
  builder's pairs of services (:data:`WIRING`). The builders register themselves under these
  names; ``tests/export/test_registry.py`` checks that both sides agree.
- **The plan of one diagram** (:func:`analyse`): its AWS services, each with a unique
  logical-id base (``lambda_inventory`` → ``LambdaInventory``), name slug
  (``lambda-inventory``) and network (a ``logos:aws-vpc`` group and the subnets group inside
  it); which way data flows along every edge between two of them, through junctions too
  (``-->`` and ``<--`` say it; ``--`` and ``<-->`` take the direction(s) the export can wire);
  and what cannot be generated, as findings (AWS501–AWS504) that the rules report and the
  template repeats as notes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from functools import cache, cached_property
from typing import NamedTuple

from archdsl.catalogue import Catalogue, ServiceEntry, load_catalogue
from archdsl.diagnostics import Span
from archdsl.model import Diagram, Edge, Group, Junction, Service

BRAND_KEY = "aws"
"""``logos:aws``: AWS as a whole (an account or cloud box), not a service; creates nothing."""
VPC_KEY = "vpc"

ALWAYS_IN_VPC = frozenset(
    {
        "aurora",
        "batch",
        "documentdb",
        "ec2",
        "ecs",
        "eks",
        "elasticache",
        "elb",
        "fargate",
        "msk",
        "neptune",
        "rds",
        "redshift",
    }
)
"""Services that only run in subnets of a VPC (their resources take subnets or a subnet group)."""

MAY_USE_VPC = frozenset({"lambda", "mq", "opensearch"})
"""Services that run in a VPC only when told to: inside a ``logos:aws-vpc`` group they are."""

Pair = tuple[str, str]


class Capabilities:
    """What the exporter can build: service keys and ``(source key, target key)`` pairs."""

    __slots__ = ("pairs", "reasons", "services", "symmetric")

    services: frozenset[str]
    pairs: frozenset[Pair]
    symmetric: frozenset[Pair]
    """Pairs whose two directions are the same wiring (a caller and the database it uses)."""
    reasons: Mapping[str, str]
    """Why services with a CloudFormation type are still not built."""

    def __init__(
        self,
        services: frozenset[str],
        pairs: frozenset[Pair],
        symmetric: frozenset[Pair] = frozenset(),
        reasons: Mapping[str, str] | None = None,
    ) -> None:
        self.services = services
        self.pairs = pairs
        self.symmetric = symmetric
        self.reasons = {} if reasons is None else reasons

    def can_wire(self, source: ServiceEntry, target: ServiceEntry) -> bool:
        return (source.key, target.key) in self.pairs


# -- what the export can build ----------------------------------------------------------------

BUILT_SERVICES = frozenset(
    {
        *("amplify", "api_gateway", "appsync", "athena", "aurora", "backup", "batch"),
        *("certificate_manager", "cloudfront", "cloudtrail", "cloudwatch", "codebuild"),
        *("codecommit", "codedeploy", "codepipeline", "cognito", "config", "documentdb"),
        *("dynamodb", "ec2", "ecs", "eks", "elasticache", "elb", "eventbridge", "fargate"),
        *("firehose", "glacier", "glue", "iam", "keyspaces", "kinesis", "kms"),
        *("lake_formation", "lambda", "lightsail", "mq", "msk", "neptune", "opensearch"),
        *("quicksight", "rds", "redshift", "route53", "s3", "secrets_manager", "ses", "sns"),
        *("sqs", "step_functions", "systems_manager", "vpc", "waf", "xray"),
    }
)
"""Catalogue keys of the services the export has a skeleton for."""

NOT_BUILT = {
    "app_mesh": "AWS ends App Mesh on 2026-09-30 and cfn-lint warns on its types (W3696)",
    "appflow": "a flow needs connector profiles, field mappings and a trigger the diagram "
    "cannot give",
    "elastic_beanstalk": "an environment needs a platform (solution stack) name that changes "
    "with every platform release",
    "timestream": "Timestream for LiveAnalytics is in maintenance mode (cfn-lint W3697) and "
    "Timestream for InfluxDB needs instance sizing and a network the diagram does not give",
}
"""Services with CloudFormation types that the export deliberately does not build, and why."""

CALLERS_WITH_ENV = ("lambda", "ecs", "fargate", "glue", "batch", "codebuild")
"""Compute services told where their targets are (environment variables, job arguments)."""
SDK_TARGETS = (
    *("dynamodb", "eventbridge", "firehose", "glacier", "keyspaces", "kinesis", "kms"),
    *("lambda", "opensearch", "s3", "ses", "sns", "sqs", "step_functions"),
)
"""Services a compute service writes to through the SDK (a role statement on the target)."""
NETWORK_CALLERS = ("lambda", "ecs", "fargate", "ec2", "batch")
DATABASES = ("aurora", "documentdb", "elasticache", "mq", "msk", "neptune", "rds", "redshift")
"""Reached over the network: the caller's security group is let into the target's."""
READABLE = (
    *("dynamodb", "glacier", "kinesis", "kms", "s3", "secrets_manager", "sqs"),
    "systems_manager",
)
WORKERS = ("ecs", "fargate", "ec2", "glue", "batch", "codebuild")
"""Compute services that fetch what flows into them themselves (no event source mapping)."""
STATE_TASK_TARGETS = (
    *("dynamodb", "eventbridge", "firehose", "kinesis", "lambda", "s3", "sns", "sqs"),
    "step_functions",
)
WATCHED = (
    *("api_gateway", "dynamodb", "ec2", "ecs", "elb", "fargate", "kinesis", "lambda", "rds"),
    *("sqs", "step_functions"),
)
BACKED_UP = ("aurora", "dynamodb", "ec2", "rds", "s3")


class Wiring(NamedTuple):
    """The pairs one edge builder wires: data from any of ``sources`` to any of ``targets``.

    ``both_ways``: the wiring is the same whichever way the data flows (a function reading
    or writing a database), so the reversed pairs are wired too, by the same builder.
    """

    sources: tuple[str, ...]
    targets: tuple[str, ...]
    both_ways: bool = False

    def pairs(self) -> Iterable[Pair]:
        for source in self.sources:
            for target in self.targets:
                yield source, target
                if self.both_ways:
                    yield target, source


def _one(source: str, *targets: str) -> Wiring:
    return Wiring((source,), targets)


WIRING: dict[str, Wiring] = {
    # A compute service calling other services (wiring/clients.py).
    "call_service": Wiring(CALLERS_WITH_ENV, SDK_TARGETS),
    "instance_calls_service": Wiring(("ec2",), SDK_TARGETS),
    "reach_database": Wiring(NETWORK_CALLERS, DATABASES, both_ways=True),
    "function_reads": Wiring(("secrets_manager", "systems_manager", "kms"), ("lambda",)),
    "worker_reads": Wiring(READABLE, WORKERS),
    "state_machine_task": Wiring(("step_functions",), STATE_TASK_TARGETS),
    # Services delivering to others (wiring/events.py).
    "stream_to_function": _one("kinesis", "lambda"),
    "queue_to_function": _one("sqs", "lambda"),
    "table_stream_to_function": _one("dynamodb", "lambda"),
    "topic_to_queue": _one("sns", "sqs"),
    "topic_to_function": _one("sns", "lambda"),
    "topic_to_delivery_stream": _one("sns", "firehose"),
    "bucket_to_function": _one("s3", "lambda"),
    "bucket_to_queue": _one("s3", "sqs"),
    "bucket_to_topic": _one("s3", "sns"),
    "bucket_to_events": _one("s3", "eventbridge"),
    "rule_to_function": _one("eventbridge", "lambda"),
    "rule_to_queue": _one("eventbridge", "sqs"),
    "rule_to_topic": _one("eventbridge", "sns"),
    "rule_with_role": _one("eventbridge", "firehose", "kinesis", "step_functions"),
    "dead_letter_queue": _one("sqs", "sqs"),
    "table_to_stream": _one("dynamodb", "kinesis"),
    "stream_to_delivery_stream": _one("kinesis", "firehose"),
    "delivery_stream_to_bucket": _one("firehose", "s3"),
    # APIs, CDN, DNS, firewall, sign-in (wiring/frontdoor.py).
    "api_to_function": _one("api_gateway", "lambda"),
    "api_to_service": _one("api_gateway", "eventbridge", "kinesis", "sqs", "step_functions"),
    "user_pool_to_api": _one("cognito", "api_gateway"),
    "distribution_to_bucket": _one("cloudfront", "s3"),
    "distribution_to_load_balancer": _one("cloudfront", "elb"),
    "distribution_to_api": _one("cloudfront", "api_gateway"),
    "distribution_to_function": _one("cloudfront", "lambda"),
    "record_to_distribution": _one("route53", "cloudfront"),
    "record_to_load_balancer": _one("route53", "elb"),
    "firewall_for_distribution": _one("waf", "cloudfront"),
    "firewall_association": _one("waf", "elb", "appsync", "cognito"),
    "graphql_data_source": _one("appsync", "dynamodb", "lambda"),
    # Load balancer targets (wiring/network.py).
    "balance_instances": _one("elb", "ec2"),
    "balance_containers": _one("elb", "ecs", "fargate"),
    "balance_function": _one("elb", "lambda"),
    # Query edges (wiring/analytics.py).
    "bucket_to_athena": _one("s3", "athena"),
    "athena_results": _one("athena", "s3"),
    "athena_to_quicksight": _one("athena", "quicksight"),
    "bucket_to_quicksight": _one("s3", "quicksight"),
    "bucket_to_lake": _one("s3", "lake_formation"),
    # Monitoring and protection (wiring/monitoring.py).
    "alarm_on": Wiring(WATCHED, ("cloudwatch",)),
    "alarm_notifies": _one("cloudwatch", "sns"),
    "backed_up": Wiring(BACKED_UP, ("backup",)),
}
"""Every edge builder by name, and the pairs of catalogue keys it wires."""


@cache
def capabilities() -> Capabilities:
    """What the export can build, from the declarations above (no builder is imported)."""
    pairs: set[Pair] = set()
    symmetric: set[Pair] = set()
    for name, wiring in WIRING.items():
        for pair in wiring.pairs():
            if pair in pairs:
                raise ValueError(f"{pair[0]} -> {pair[1]} is declared twice (again by {name})")
            pairs.add(pair)
            if wiring.both_ways:
                symmetric.add(pair)
    return Capabilities(BUILT_SERVICES, frozenset(pairs), frozenset(symmetric), dict(NOT_BUILT))


def analyse(diagram: Diagram) -> Plan:
    """The export plan of ``diagram`` (what the AWS5xx rules report on)."""
    return make_plan(diagram, capabilities())


class Network(NamedTuple):
    """Where a VPC-bound service runs: the VPC group and the subnets group (``None``: not drawn)."""

    vpc: str | None
    subnets: str | None
    subnets_title: str = ""


class AwsNode(NamedTuple):
    """One AWS service of the diagram, as the export sees it."""

    service: Service
    entry: ServiceEntry
    base: str
    """Unique PascalCase stem of its logical ids."""
    slug: str
    """Unique lower-case stem of its resource names."""
    network: Network | None
    """Set for services that run in a VPC (always, or because they are drawn in one)."""

    @property
    def id(self) -> str:
        return self.service.id

    @property
    def key(self) -> str:
        return self.entry.key

    @property
    def title(self) -> str:
        """The title on one line (a quoted Mermaid title may span several)."""
        text = self.service.title.text if self.service.title else ""
        return " ".join(text.split()) or self.service.id

    @property
    def line(self) -> int:
        return self.service.span.line


class Flow(NamedTuple):
    """Data flowing from one AWS service to another along one or more drawn edges."""

    source: str
    target: str
    edges: tuple[Edge, ...]
    """The edge, or the edges into and out of the junctions it passes."""

    @property
    def line(self) -> int:
        return self.edges[-1].span.line

    @property
    def label(self) -> str | None:
        titles = [edge.title.text for edge in self.edges if edge.title]
        return " ".join(titles) if titles else None

    @property
    def text(self) -> str:
        return f"{self.source} --> {self.target}"

    def reversed(self) -> Flow:
        """The same edges seen from the other end (for wiring that works both ways)."""
        return Flow(self.target, self.source, self.edges)


class Finding(NamedTuple):
    """Something the export cannot generate (AWS5xx), where the diagram says it."""

    code: str
    span: Span
    message: str
    help: str | None = None


class Plan:
    # A plain class (no ``__slots__``): ``title_counts`` caches in the instance's ``__dict__``.
    nodes: dict[str, AwsNode]
    """Exportable AWS services by id, in declaration order."""
    flows: tuple[Flow, ...]
    """Flows the exporter wires, in the order of their (last) edge."""
    findings: tuple[Finding, ...]
    notes: tuple[Finding, ...]
    """What the template notes beyond the findings: edges AWS401 reports (no integration)."""

    def __init__(
        self,
        nodes: dict[str, AwsNode],
        flows: tuple[Flow, ...],
        findings: tuple[Finding, ...],
        notes: tuple[Finding, ...] = (),
    ) -> None:
        self.nodes = nodes
        self.flows = flows
        self.findings = findings
        self.notes = notes

    @cached_property
    def title_counts(self) -> Counter[str]:
        """How many exportable services share each title (to tell "Orders" from "Orders")."""
        return Counter(node.title for node in self.nodes.values())


# ---------------------------------------------------------------------------------------------


def make_plan(
    diagram: Diagram, capabilities: Capabilities, catalogue: Catalogue | None = None
) -> Plan:
    catalogue = catalogue or load_catalogue()
    entries = _aws_entries(diagram, catalogue)
    findings: list[Finding] = []
    exportable: dict[str, ServiceEntry] = {}
    for service_id, entry in entries.items():
        if entry.key in capabilities.services:
            exportable[service_id] = entry
        elif entry.key != BRAND_KEY:
            reason = capabilities.reasons.get(entry.key)
            findings.append(_not_built(diagram.elements[service_id], entry, reason))
    nodes = _nodes(diagram, exportable, catalogue)
    for node in nodes.values():
        if node.key in ALWAYS_IN_VPC and node.network and node.network.vpc is None:
            findings.append(_needs_network(node))
    flows, notes, flow_findings = _flows(diagram, entries, exportable, capabilities, catalogue)
    findings += flow_findings
    findings.sort(key=lambda f: (f.span.line, f.span.column, f.code))
    return Plan(_join_networks(nodes, flows), flows, tuple(findings), notes)


def _join_networks(nodes: dict[str, AwsNode], flows: tuple[Flow, ...]) -> dict[str, AwsNode]:
    """A function that reaches a database runs in the database's network (it could not else)."""
    joined = dict(nodes)
    for flow in flows:
        pair = [joined[flow.source], joined[flow.target]]
        for caller, target in (pair, pair[::-1]):
            if (
                caller.key in MAY_USE_VPC
                and caller.network is None
                and target.key in ALWAYS_IN_VPC
                and target.network is not None
            ):
                joined[caller.id] = caller._replace(network=target.network)
    return joined


def _aws_entries(diagram: Diagram, catalogue: Catalogue) -> dict[str, ServiceEntry]:
    """Service ids (declaration order, first declaration of an id) → catalogue entry."""
    found: dict[str, ServiceEntry] = {}
    for service in diagram.services:
        if service.id in found or diagram.elements.get(service.id) is not service:
            continue
        title = service.title.text if service.title else None
        entry = catalogue.for_node(service.icon, title) if service.icon else None
        if entry is not None:
            found[service.id] = entry
    return found


# -- nodes: names and networks ------------------------------------------------------------------


def _nodes(
    diagram: Diagram, exportable: dict[str, ServiceEntry], catalogue: Catalogue
) -> dict[str, AwsNode]:
    bases = _Unique(pascal_case)
    slugs = _Unique(slug_case)
    vpc_ids = {
        group.id
        for group in diagram.groups
        if group.icon and _group_key(group, catalogue) == VPC_KEY
    }
    nodes: dict[str, AwsNode] = {}
    for service_id, entry in exportable.items():
        service = diagram.elements[service_id]
        assert isinstance(service, Service)
        network = _network(diagram, service, entry, vpc_ids)
        nodes[service_id] = AwsNode(
            service, entry, bases.take(service_id), slugs.take(service_id), network
        )
    return nodes


def _group_key(group: Group, catalogue: Catalogue) -> str | None:
    entry = catalogue.for_node(group.icon, group.title.text if group.title else None)
    return entry.key if entry else None


def _network(
    diagram: Diagram, service: Service, entry: ServiceEntry, vpc_ids: set[str]
) -> Network | None:
    chain = _ancestors(diagram, service.parent)
    vpc = next((group_id for group_id in chain if group_id in vpc_ids), None)
    if entry.key in ALWAYS_IN_VPC or (vpc and entry.key in MAY_USE_VPC):
        if vpc is None:
            return Network(None, None)
        parent = diagram.elements.get(service.parent or "")
        title = parent.title.text if isinstance(parent, Group) and parent.title else ""
        return Network(vpc, service.parent, title)
    return None


def _ancestors(diagram: Diagram, parent: str | None) -> list[str]:
    chain: list[str] = []
    while parent and parent not in chain:
        chain.append(parent)
        element = diagram.elements.get(parent)
        parent = element.parent if isinstance(element, Group) else None
    return chain


class _Unique:
    """Makes names unique in first-come order (``a_b`` and ``a-b`` → ``AB``, ``AB2``)."""

    def __init__(self, convert: Callable[[str], str]) -> None:
        self._convert = convert
        self._taken: set[str] = set()

    def take(self, text: str) -> str:
        wanted = self._convert(text)
        candidate, number = wanted, 1
        while candidate in self._taken:
            number += 1
            candidate = f"{wanted}{number}"
        self._taken.add(candidate)
        return candidate


_NOT_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]+")
_NOT_LOWER_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def pascal_case(text: str) -> str:
    """``lambda_inventory`` → ``LambdaInventory``; a leading digit gets ``Node`` before it."""
    parts = [part for part in _NOT_ALPHANUMERIC.split(text) if part]
    joined = "".join(part[0].upper() + part[1:] for part in parts) or "Node"
    return joined if joined[0].isalpha() else f"Node{joined}"


def slug_case(text: str) -> str:
    """``Lambda_Inventory`` → ``lambda-inventory`` (lower case, single dashes, ≤ 20 chars)."""
    slug = _NOT_LOWER_ALPHANUMERIC.sub("-", text.lower()).strip("-")[:20].strip("-")
    return slug or "node"


# -- flows --------------------------------------------------------------------------------------


class _Candidate(NamedTuple):
    """Two AWS services joined by an edge (or through junctions), with the possible directions."""

    a: str
    b: str
    forward: bool
    backward: bool
    both_drawn: bool
    """Arrowheads at both ends (``<-->``): data flows both ways."""
    edges: tuple[Edge, ...]


class _Attachment(NamedTuple):
    service_id: str
    edge: Edge
    sends: bool
    receives: bool


def _edge_directions(edge: Edge) -> tuple[bool, bool]:
    """(lhs → rhs possible, rhs → lhs possible): one arrowhead says it; none or two do not."""
    if edge.lhs.arrow != edge.rhs.arrow:
        return edge.rhs.arrow, edge.lhs.arrow
    return True, True


def _candidates(diagram: Diagram, aws: Iterable[str]) -> list[_Candidate]:
    """The candidates in the order of their last edge in ``diagram.edges``."""
    services = set(aws)
    hub_of = _junction_hubs(diagram)
    found: list[_Candidate] = []
    attached: dict[str, list[_Attachment]] = {}
    for edge in diagram.edges:
        lhs_end, rhs_end = edge.lhs, edge.rhs
        lhs, rhs = lhs_end.id, rhs_end.id
        if lhs == rhs:
            continue
        forward, backward = _edge_directions(edge)
        if lhs in services and rhs in services:
            both = lhs_end.arrow and rhs_end.arrow
            found.append(_Candidate(lhs, rhs, forward, backward, both, (edge,)))
        elif lhs in services and rhs in hub_of:
            attached.setdefault(hub_of[rhs], []).append(_Attachment(lhs, edge, forward, backward))
        elif rhs in services and lhs in hub_of:
            attached.setdefault(hub_of[lhs], []).append(_Attachment(rhs, edge, backward, forward))
    for hub in sorted(attached):
        found += _hub_candidates(attached[hub])
    order = {id(edge): index for index, edge in enumerate(diagram.edges)}
    last = [
        order[id(c.edges[0])] if len(c.edges) == 1 else max(order[id(e)] for e in c.edges)
        for c in found
    ]
    return [found[i] for i in sorted(range(len(found)), key=last.__getitem__)]


def _hub_candidates(attached: list[_Attachment]) -> Iterable[_Candidate]:
    for index, first in enumerate(attached):
        for second in attached[index + 1 :]:
            if first.service_id == second.service_id:
                continue
            forward = first.sends and second.receives
            backward = second.sends and first.receives
            if not (forward or backward):
                continue
            both = all(x.edge.lhs.arrow and x.edge.rhs.arrow for x in (first, second))
            yield _Candidate(
                first.service_id,
                second.service_id,
                forward,
                backward,
                both,
                (first.edge, second.edge),
            )


def _junction_hubs(diagram: Diagram) -> dict[str, str]:
    """Junction id → its hub (junctions joined by edges form one hub, named by the first)."""
    parent = {j.id: j.id for j in diagram.junctions if diagram.elements.get(j.id) is j}

    def root(node_id: str) -> str:
        while parent[node_id] != node_id:
            node_id = parent[node_id]
        return node_id

    for edge in diagram.edges:
        if edge.lhs.id in parent and edge.rhs.id in parent:
            first, second = sorted((root(edge.lhs.id), root(edge.rhs.id)))
            parent[second] = first
    return {node_id: root(node_id) for node_id in parent if _is_junction(diagram, node_id)}


def _is_junction(diagram: Diagram, node_id: str) -> bool:
    return isinstance(diagram.elements.get(node_id), Junction)


def _flows(
    diagram: Diagram,
    entries: dict[str, ServiceEntry],
    exportable: dict[str, ServiceEntry],
    capabilities: Capabilities,
    catalogue: Catalogue,
) -> tuple[tuple[Flow, ...], tuple[Finding, ...], list[Finding]]:
    flows: dict[Pair, Flow] = {}
    notes: list[Finding] = []
    findings: list[Finding] = []
    for candidate in _candidates(diagram, entries):
        if candidate.a not in exportable or candidate.b not in exportable:
            continue  # AWS501 already says the service is left out; no cascade
        directions = [(candidate.a, candidate.b)] if candidate.forward else []
        if candidate.backward:
            directions.append((candidate.b, candidate.a))
        wirable = [
            d for d in directions if capabilities.can_wire(exportable[d[0]], exportable[d[1]])
        ]
        same_wiring = (
            exportable[candidate.a].key,
            exportable[candidate.b].key,
        ) in capabilities.symmetric
        if len(wirable) == 2 and same_wiring:
            chosen: list[Pair] = wirable[:1]
        elif len(wirable) == 2 and not candidate.both_drawn:
            findings.append(_direction_unknown(candidate, exportable))
            chosen = []
        else:
            chosen = wirable
        for pair in chosen:
            flows.setdefault(pair, Flow(pair[0], pair[1], candidate.edges))
        if not wirable:
            finding = _no_wiring(candidate, directions, exportable, catalogue)
            if finding is None:
                notes.append(_no_integration(candidate, directions, exportable))
            else:
                findings.append(finding)
    return tuple(flows.values()), tuple(notes), findings


# -- findings -----------------------------------------------------------------------------------


def _not_built(element: object, entry: ServiceEntry, reason: str | None) -> Finding:
    assert isinstance(element, Service)
    if reason is None:
        what = "has no CloudFormation resource type the export can create"
        reason = entry.notes.split(";")[0].rstrip(".")
    else:
        what = "is not generated"
    return Finding(
        "AWS501",
        element.span,
        f"`{element.id}` ({entry.short_name}) {what} ({reason}): the template leaves it out",
        help="create it outside this template, or put `%% archdsl-ignore AWS501` above it",
    )


def _needs_network(node: AwsNode) -> Finding:
    return Finding(
        "AWS503",
        node.service.span,
        f"`{node.id}` ({node.entry.short_name}) runs in subnets of a VPC, but the diagram "
        "draws it in no `logos:aws-vpc` group: the template asks for the VPC and subnets as "
        "parameters with no default",
        help=(
            "draw it inside a group with the `logos:aws-vpc` icon (its subnet groups name the "
            "subnet parameters), or give `VpcId` and `SubnetIds` when deploying"
        ),
    )


def _direction_unknown(candidate: _Candidate, entries: dict[str, ServiceEntry]) -> Finding:
    a, b = candidate.a, candidate.b
    return Finding(
        "AWS504",
        candidate.edges[-1].span,
        f"`{a}` and `{b}` are joined without one arrowhead, and data can flow either way "
        f"between {entries[a].short_name} and {entries[b].short_name}: the export cannot tell "
        "which wiring you mean and wires neither",
        help=f"draw the direction of the data: `{a} --> {b}` or `{a} <-- {b}`",
    )


def _no_integration(
    candidate: _Candidate, directions: list[Pair], entries: dict[str, ServiceEntry]
) -> Finding:
    source, target = directions[0]
    return Finding(
        "AWS401",
        candidate.edges[-1].span,
        f"`{source} --> {target}`: {entries[source].short_name} → {entries[target].short_name} "
        "is no direct AWS integration; the template has both services but nothing that "
        "connects them",
    )


def _no_wiring(
    candidate: _Candidate,
    directions: list[Pair],
    entries: dict[str, ServiceEntry],
    catalogue: Catalogue,
) -> Finding | None:
    rows = [catalogue.integration(entries[s].key, entries[t].key) for s, t in directions]
    if rows and all(row is not None and not row.is_direct for row in rows):
        return None  # AWS401 already says that AWS has no such integration
    source, target = directions[0]
    arrow = "-->" if len(directions) == 1 else "--"
    condition = next((row.condition for row in rows if row and row.condition), None)
    why = f" ({condition})" if condition else ""
    return Finding(
        "AWS502",
        candidate.edges[-1].span,
        f"`{source} {arrow} {target}`: the export knows no wiring for "
        f"{entries[source].short_name} → {entries[target].short_name}{why}; the template has "
        "both services but nothing that connects them",
        help="add the connection to the template by hand, or draw the service that carries "
        "the data between them",
    )
