"""CloudFormation export checks (AWS5xx): what ``archdsl export cloudformation`` cannot generate.

The export plans the template before building it (:mod:`archdsl.emit.cloudformation`, which
imports no builder); these rules report that plan's findings, so ``validate`` says in advance
exactly what the export will leave out or ask for, and the template notes the same things.
The plan is made once per run and shared by the rules. Only AWS505, and only for diagrams
big enough to need it, builds the template itself (without writing it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from archdsl.diagnostics import Severity
from archdsl.rules.base import CheckContext, Problem, rule

if TYPE_CHECKING:
    from archdsl.emit.cloudformation import Plan

_CACHE_KEY = "aws_export_plan"


def _plan(context: CheckContext) -> Plan:
    if _CACHE_KEY not in context.cache:
        from archdsl.emit.cloudformation import analyse

        context.cache[_CACHE_KEY] = analyse(context.diagram)
    plan: Plan = context.cache[_CACHE_KEY]
    return plan


def _problems(context: CheckContext, code: str) -> Iterator[Problem]:
    for finding in _plan(context).findings:
        if finding.code == code:
            yield Problem(finding.span, finding.message, help=finding.help)


@rule("AWS501", "aws-export-no-resource", Severity.WARNING)
def no_resource_type(context: CheckContext) -> Iterator[Problem]:
    """An AWS service that the CloudFormation export cannot create.

    Some services have no CloudFormation resource type at all (CloudSearch, OpsWorks, Shield
    Standard, CodeStar projects), stand for the deployment tool rather than a resource
    (CloudFormation), or are deliberately not generated (App Mesh and Timestream for
    LiveAnalytics, which AWS is retiring; AppFlow and Elastic Beanstalk, which need settings a
    diagram cannot give). The template leaves the service out, says so in its notes, and wires
    none of its edges (they get no AWS502 of their own). The plain AWS logo (`logos:aws`)
    stands for AWS as a whole and is not reported.

    Example:

        service search(logos:aws-cloudsearch)[Search]

    warns: CloudSearch has no CloudFormation resource type. Fix: draw the service you will
    create (`logos:aws-open-search` is the usual substitute), or keep it and put
    `%% archdsl-ignore AWS501` above it. S3 Glacier is exported as an S3 bucket whose objects
    move to the GLACIER storage class, and X-Ray as a trace group, so neither warns.
    """
    yield from _problems(context, "AWS501")


@rule("AWS502", "aws-export-no-wiring", Severity.WARNING)
def no_wiring(context: CheckContext) -> Iterator[Problem]:
    """An edge between two AWS services that the CloudFormation export cannot wire.

    The export turns each edge into what makes it work (a permission, an event source
    mapping, a subscription, role statements, an environment variable...). For pairs it knows
    no wiring for, the template has both services but nothing that connects them; the edge is
    noted in the template's metadata. Pairs that AWS cannot connect directly are left to
    AWS401, which says what usually goes between; edges to services reported by AWS501 are
    not reported again. Junctions are looked through: `a --> j` and `j --> b` is `a --> b`.

    Example:

        service table(logos:aws-dynamodb)[Orders]
        service search(logos:aws-open-search)[Search]
        table:R --> L:search

    warns: the export knows no wiring for DynamoDB → OpenSearch (a zero-ETL integration or a
    stream with a function goes between). Fix: draw the function that indexes the changes
    (`table --> indexer --> search`), or add the connection to the template by hand.
    """
    yield from _problems(context, "AWS502")


@rule("AWS503", "aws-export-needs-network", Severity.WARNING)
def needs_network(context: CheckContext) -> Iterator[Problem]:
    """A service that runs in a VPC is drawn outside any `logos:aws-vpc` group.

    EC2 instances, RDS and Aurora databases, DocumentDB, Neptune, ElastiCache, Redshift, load
    balancers, ECS and Fargate services, EKS, MSK and Batch only run in subnets of a VPC. The
    diagram does not say which, so the template asks for `VpcId` and `SubnetIds` parameters
    with no default. Drawn inside a group with the `logos:aws-vpc` icon, a service's network
    is part of the diagram: the template then names the parameters after the groups (the VPC
    group, and the group of subnets the service is in, such as `PublicSubnetIds`) and this
    rule is silent. Services that only may run in a VPC (Lambda, Amazon MQ, OpenSearch) do
    so when drawn in a VPC group, or when they reach a database there, and never warn.

    Example:

        service db(logos:aws-rds)[Orders DB]

    warns. Fix:

        group vpc(logos:aws-vpc)[VPC]
        group data(database)[Data subnets] in vpc
        service db(logos:aws-rds)[Orders DB] in data
    """
    yield from _problems(context, "AWS503")


@rule("AWS504", "aws-export-direction-unknown", Severity.WARNING)
def direction_unknown(context: CheckContext) -> Iterator[Problem]:
    """An edge without one arrowhead where data could flow either way, wired differently.

    The export reads an edge as data flow. `a --> b` and `a <-- b` say the direction; `a -- b`
    does not, and the export then takes the only direction it can wire (SNS → SQS is a
    subscription and SQS cannot deliver to SNS, so `topic -- queue` is wired as the
    subscription). When both directions are integrations with different wiring (a function
    reading a table's stream, or writing items), it cannot choose and wires neither.
    `a <--> b` wires both directions. A function and a database it uses are wired the same
    way whichever way the edge points, so they never warn.

    Example:

        service fn(logos:aws-lambda)[Handler]
        service table(logos:aws-dynamodb)[Orders]
        fn:R -- L:table

    warns. Fix: `fn:R --> L:table` (the function writes items) or `fn:R <-- L:table` (the
    table's stream invokes the function).
    """
    yield from _problems(context, "AWS504")


SPLIT_HELP = "split the diagram into several (one stack each), or move parts into nested stacks"
RESOURCE_LIMIT = 500
"""CloudFormation's limit of resources in one template."""
MOST_RESOURCES_PER_SERVICE = 12
MOST_RESOURCES_PER_EDGE = 3
"""Upper bounds of what one service or edge adds: below them no template can be too large,
so the template is only built (a few milliseconds per service) for big diagrams."""


@rule("AWS505", "aws-export-too-large", Severity.WARNING)
def too_many_resources(context: CheckContext) -> Iterator[Problem]:
    """The CloudFormation template of the diagram would have more than 500 resources.

    CloudFormation accepts at most 500 resources in one template. The export still writes
    the template (and notes this in it), but one stack cannot deploy it. The count is exact:
    for large diagrams, `validate` builds the template (without writing it) to know.

    Example: a diagram with 200 Lambda functions, each calling a table, makes about 1,000
    resources (function, role, log group, table). Fix: split it into diagrams of one stack
    each, grouped by what is deployed together.
    """
    plan = _plan(context)
    bound = MOST_RESOURCES_PER_SERVICE * len(plan.nodes) + MOST_RESOURCES_PER_EDGE * len(plan.flows)
    if bound <= RESOURCE_LIMIT:
        return
    if len(plan.nodes) > RESOURCE_LIMIT:
        # Every exportable service makes at least one resource: no need to build
        # thousands of resources (seconds of work) to know the template is too large.
        yield Problem(
            context.diagram.header_span,
            f"the template would have at least {len(plan.nodes)} resources; CloudFormation "
            f"accepts at most {RESOURCE_LIMIT} in one stack",
            help=SPLIT_HELP,
        )
        return
    # Only now: the builders are much more than the plan.
    from archdsl.export.cloudformation import resource_count
    from archdsl.export.cloudformation import too_many_resources as finding_for

    finding = finding_for(context.diagram, resource_count(context.diagram))
    if finding is not None:
        yield Problem(finding.span, finding.message, help=finding.help)
