"""What each kind of resource says about data flow: one handler per resource type.

Each handler receives the reader, the resource and the service that owns it, and adds edges
in data-flow direction (:meth:`~.reading.Reader.add_edge`). Most types say it through which
properties name the other end: their handlers are made by :func:`along`, and the few that
need more are functions of their own. Types without a handler count only through their
plain references (:meth:`~.reading.Reader.plain_edges`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from archdsl.importers.cloudformation.loader import TemplateResource
from archdsl.importers.cloudformation.references import dig

if TYPE_CHECKING:
    from archdsl.importers.cloudformation.reading import Reader

Handler = Callable[["Reader", TemplateResource, str], None]
Where = str | tuple[str, ...]
"""A property of a resource, or the path of keys to a value inside one."""


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def along(
    *, sources: tuple[Where, ...] = (), targets: tuple[Where, ...] = (), plain: bool = False
) -> Handler:
    """The handler of a type whose properties alone say where data flows: what ``sources``
    name flows into the owner, then the owner flows into what ``targets`` name; with
    ``plain``, the resource's other references count as well, as for a type with no handler.
    """

    def handle(reader: Reader, resource: TemplateResource, owner: str) -> None:
        for where in sources:
            for source in reader.owners(_at(resource, where)):
                reader.add_edge(source, owner)
        for where in targets:
            for target in reader.owners(_at(resource, where)):
                reader.add_edge(owner, target)
        if plain:
            reader.plain_edges(resource, owner)

    return handle


def _at(resource: TemplateResource, where: Where) -> Any:
    return dig(resource.properties, *((where,) if isinstance(where, str) else where))


def _rule(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for source in reader.owners(resource.properties.get("EventPattern")):
        reader.add_edge(source, owner)  # a pattern naming a bucket: its events come in
    for target in as_list(resource.properties.get("Targets")):
        if isinstance(target, dict):
            for found in reader.owners(target.get("Arn")):
                reader.add_edge(owner, found)


def _integration(reader: Reader, resource: TemplateResource, owner: str) -> None:
    title = _route_title(reader, resource)
    for key in ("IntegrationUri", "RequestParameters"):
        for target in reader.owners(resource.properties.get(key)):
            reader.add_edge(owner, target, title)


def _route_title(reader: Reader, integration: TemplateResource) -> str | None:
    """The route of an integration when it says more than ``ANY /<target>``."""
    for referrer in reader.referrers.get(integration.logical_id, ()):
        route = reader.resources[referrer]
        key = route.properties.get("RouteKey")
        if route.type == "AWS::ApiGatewayV2::Route" and isinstance(key, str):
            if key.startswith("ANY ") or key == "$default":
                return None
            return key
    return None


def _resource_policy(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for statement in as_list(dig(resource.properties, "PolicyDocument", "Statement")):
        if isinstance(statement, dict):
            for source in reader.owners(statement.get("Condition")):
                reader.add_edge(source, owner)


def _distribution(reader: Reader, resource: TemplateResource, owner: str) -> None:
    config = resource.properties.get("DistributionConfig")
    if not isinstance(config, dict):
        return
    for source in reader.owners(config.get("WebACLId")):
        reader.add_edge(source, owner)
    for origin in as_list(config.get("Origins")):
        if isinstance(origin, dict):
            for target in reader.owners(origin.get("DomainName")):
                reader.add_edge(owner, target)


def _ingress(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for source in reader.owners(resource.properties.get("SourceSecurityGroupId")):
        if not reader.joined(source, owner):
            reader.add_edge(source, owner)


def _function(reader: Reader, resource: TemplateResource, owner: str) -> None:
    from archdsl.importers.cloudformation.sam import function_edges

    function_edges(reader, resource, owner)  # a SAM function's events and policies
    reader.plain_edges(resource, owner)


_AUTHORIZER = along(sources=("JwtConfiguration", "ProviderARNs", "AuthorizerUri"))
_NOTIFICATIONS = ("LambdaConfigurations", "QueueConfigurations", "TopicConfigurations")

HANDLERS: dict[str, Handler] = {
    "AWS::Lambda::Function": _function,
    "AWS::Lambda::EventSourceMapping": along(sources=("EventSourceArn",)),
    "AWS::Lambda::Permission": along(sources=("SourceArn",)),
    "AWS::SNS::Subscription": along(targets=("Endpoint",)),
    "AWS::S3::Bucket": along(
        targets=tuple(("NotificationConfiguration", kind) for kind in _NOTIFICATIONS),
        plain=True,
    ),
    "AWS::Events::Rule": _rule,
    "AWS::Scheduler::Schedule": along(targets=(("Target", "Arn"),)),
    "AWS::Pipes::Pipe": along(sources=("Source",), targets=("Target",)),
    "AWS::ApiGatewayV2::Integration": _integration,
    "AWS::ApiGateway::Method": along(targets=(("Integration", "Uri"),)),
    "AWS::ApiGatewayV2::Authorizer": _AUTHORIZER,
    "AWS::ApiGateway::Authorizer": _AUTHORIZER,
    "AWS::SQS::QueuePolicy": _resource_policy,
    "AWS::SNS::TopicPolicy": _resource_policy,
    "AWS::S3::BucketPolicy": _resource_policy,
    "AWS::CloudFront::Distribution": _distribution,
    "AWS::Route53::RecordSet": along(targets=("AliasTarget", "ResourceRecords")),
    "AWS::WAFv2::WebACLAssociation": along(targets=("ResourceArn",)),
    "AWS::ElasticLoadBalancingV2::TargetGroup": along(targets=("Targets",)),
    "AWS::ECS::Service": along(sources=("LoadBalancers",), plain=True),
    "AWS::EC2::SecurityGroupIngress": _ingress,
    "AWS::KinesisFirehose::DeliveryStream": along(
        sources=(("KinesisStreamSourceConfiguration", "KinesisStreamARN"),),
        targets=(
            ("ExtendedS3DestinationConfiguration", "BucketARN"),
            ("S3DestinationConfiguration", "BucketARN"),
        ),
    ),
    "AWS::DynamoDB::Table": along(targets=(("KinesisStreamSpecification", "StreamArn"),)),
    "AWS::Glue::Table": along(sources=(("TableInput", "StorageDescriptor", "Location"),)),
    "AWS::Glue::Crawler": along(sources=("Targets",)),
    "AWS::Athena::WorkGroup": along(
        targets=(("WorkGroupConfiguration", "ResultConfiguration", "OutputLocation"),)
    ),
    "AWS::QuickSight::DataSource": along(sources=("DataSourceParameters",)),
    "AWS::StepFunctions::StateMachine": along(
        targets=("DefinitionSubstitutions", "Definition", "DefinitionString")
    ),
    "AWS::LakeFormation::Resource": along(sources=("ResourceArn",)),
    "AWS::AppSync::DataSource": along(
        targets=("DynamoDBConfig", "LambdaConfig", "OpenSearchServiceConfig", "HttpConfig")
    ),
    "AWS::Backup::BackupSelection": along(sources=(("BackupSelection", "Resources"),)),
    # An alarm watches what its dimensions name and notifies its actions' targets.
    "AWS::CloudWatch::Alarm": along(
        sources=("Dimensions",), targets=("AlarmActions", "OKActions", "InsufficientDataActions")
    ),
}
"""What each kind of resource says about data flow (resources not listed: plain references)."""
