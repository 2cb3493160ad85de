"""What each kind of resource says about data flow: one small function per resource type.

Each handler receives the reader, the resource and the service that owns it, and adds edges
in data-flow direction (:meth:`~.reading.Reader.add_edge`). Types without a handler count
only through their plain references (:meth:`~.reading.Reader.plain_edges`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archdsl.importers.cloudformation.loader import TemplateResource
from archdsl.importers.cloudformation.references import dig

if TYPE_CHECKING:
    from archdsl.importers.cloudformation.reading import Reader


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _mapping(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for source in reader.owners(resource.properties.get("EventSourceArn")):
        reader.add_edge(source, owner)


def _permission(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for source in reader.owners(resource.properties.get("SourceArn")):
        reader.add_edge(source, owner)


def _subscription(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for target in reader.owners(resource.properties.get("Endpoint")):
        reader.add_edge(owner, target)


def _bucket(reader: Reader, resource: TemplateResource, owner: str) -> None:
    configuration = resource.properties.get("NotificationConfiguration")
    if isinstance(configuration, dict):
        for kind in ("LambdaConfigurations", "QueueConfigurations", "TopicConfigurations"):
            for target in reader.owners(configuration.get(kind)):
                reader.add_edge(owner, target)
    reader.plain_edges(resource, owner)


def _rule(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for source in reader.owners(resource.properties.get("EventPattern")):
        reader.add_edge(source, owner)  # a pattern naming a bucket: its events come in
    for target in as_list(resource.properties.get("Targets")):
        if isinstance(target, dict):
            for found in reader.owners(target.get("Arn")):
                reader.add_edge(owner, found)


def _schedule(reader: Reader, resource: TemplateResource, owner: str) -> None:
    target = resource.properties.get("Target")
    if isinstance(target, dict):
        for found in reader.owners(target.get("Arn")):
            reader.add_edge(owner, found)


def _pipe(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for source in reader.owners(resource.properties.get("Source")):
        reader.add_edge(source, owner)
    for target in reader.owners(resource.properties.get("Target")):
        reader.add_edge(owner, target)


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


def _rest_method(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for target in reader.owners(dig(resource.properties, "Integration", "Uri")):
        reader.add_edge(owner, target)


def _authorizer(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for key in ("JwtConfiguration", "ProviderARNs", "AuthorizerUri"):
        for source in reader.owners(resource.properties.get(key)):
            reader.add_edge(source, owner)


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


def _record(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for target in reader.owners(resource.properties.get("AliasTarget")):
        reader.add_edge(owner, target)
    for target in reader.owners(resource.properties.get("ResourceRecords")):
        reader.add_edge(owner, target)


def _acl_association(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for target in reader.owners(resource.properties.get("ResourceArn")):
        reader.add_edge(owner, target)


def _target_group(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for target in reader.owners(resource.properties.get("Targets")):
        reader.add_edge(owner, target)


def _container_service(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for balancer in reader.owners(resource.properties.get("LoadBalancers")):
        reader.add_edge(balancer, owner)
    reader.plain_edges(resource, owner)


def _ingress(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for source in reader.owners(resource.properties.get("SourceSecurityGroupId")):
        if not reader.joined(source, owner):
            reader.add_edge(source, owner)


def _delivery_stream(reader: Reader, resource: TemplateResource, owner: str) -> None:
    properties = resource.properties
    for source in reader.owners(
        dig(properties, "KinesisStreamSourceConfiguration", "KinesisStreamARN")
    ):
        reader.add_edge(source, owner)
    for key in ("ExtendedS3DestinationConfiguration", "S3DestinationConfiguration"):
        for target in reader.owners(dig(properties, key, "BucketARN")):
            reader.add_edge(owner, target)


def _table(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for target in reader.owners(
        dig(resource.properties, "KinesisStreamSpecification", "StreamArn")
    ):
        reader.add_edge(owner, target)


def _glue_table(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for source in reader.owners(
        dig(resource.properties, "TableInput", "StorageDescriptor", "Location")
    ):
        reader.add_edge(source, owner)


def _crawler(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for source in reader.owners(resource.properties.get("Targets")):
        reader.add_edge(source, owner)


def _workgroup(reader: Reader, resource: TemplateResource, owner: str) -> None:
    location = dig(
        resource.properties, "WorkGroupConfiguration", "ResultConfiguration", "OutputLocation"
    )
    for target in reader.owners(location):
        reader.add_edge(owner, target)


def _data_source(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for source in reader.owners(resource.properties.get("DataSourceParameters")):
        reader.add_edge(source, owner)


def _state_machine(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for key in ("DefinitionSubstitutions", "Definition", "DefinitionString"):
        for target in reader.owners(resource.properties.get(key)):
            reader.add_edge(owner, target)


def _lake_location(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for source in reader.owners(resource.properties.get("ResourceArn")):
        reader.add_edge(source, owner)


def _appsync_source(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for key in ("DynamoDBConfig", "LambdaConfig", "OpenSearchServiceConfig", "HttpConfig"):
        for target in reader.owners(resource.properties.get(key)):
            reader.add_edge(owner, target)


def _alarm(reader: Reader, resource: TemplateResource, owner: str) -> None:
    """An alarm watches what its dimensions name and notifies its actions' targets."""
    for source in reader.owners(resource.properties.get("Dimensions")):
        reader.add_edge(source, owner)
    for key in ("AlarmActions", "OKActions", "InsufficientDataActions"):
        for target in reader.owners(resource.properties.get(key)):
            reader.add_edge(owner, target)


def _backup_selection(reader: Reader, resource: TemplateResource, owner: str) -> None:
    for source in reader.owners(dig(resource.properties, "BackupSelection", "Resources")):
        reader.add_edge(source, owner)


def _function(reader: Reader, resource: TemplateResource, owner: str) -> None:
    from archdsl.importers.cloudformation.sam import function_edges

    function_edges(reader, resource, owner)  # a SAM function's events and policies
    reader.plain_edges(resource, owner)


HANDLERS = {
    "AWS::Lambda::Function": _function,
    "AWS::Lambda::EventSourceMapping": _mapping,
    "AWS::Lambda::Permission": _permission,
    "AWS::SNS::Subscription": _subscription,
    "AWS::S3::Bucket": _bucket,
    "AWS::Events::Rule": _rule,
    "AWS::Scheduler::Schedule": _schedule,
    "AWS::Pipes::Pipe": _pipe,
    "AWS::ApiGatewayV2::Integration": _integration,
    "AWS::ApiGateway::Method": _rest_method,
    "AWS::ApiGatewayV2::Authorizer": _authorizer,
    "AWS::ApiGateway::Authorizer": _authorizer,
    "AWS::SQS::QueuePolicy": _resource_policy,
    "AWS::SNS::TopicPolicy": _resource_policy,
    "AWS::S3::BucketPolicy": _resource_policy,
    "AWS::CloudFront::Distribution": _distribution,
    "AWS::Route53::RecordSet": _record,
    "AWS::WAFv2::WebACLAssociation": _acl_association,
    "AWS::ElasticLoadBalancingV2::TargetGroup": _target_group,
    "AWS::ECS::Service": _container_service,
    "AWS::EC2::SecurityGroupIngress": _ingress,
    "AWS::KinesisFirehose::DeliveryStream": _delivery_stream,
    "AWS::DynamoDB::Table": _table,
    "AWS::Glue::Table": _glue_table,
    "AWS::Glue::Crawler": _crawler,
    "AWS::Athena::WorkGroup": _workgroup,
    "AWS::QuickSight::DataSource": _data_source,
    "AWS::StepFunctions::StateMachine": _state_machine,
    "AWS::LakeFormation::Resource": _lake_location,
    "AWS::AppSync::DataSource": _appsync_source,
    "AWS::Backup::BackupSelection": _backup_selection,
    "AWS::CloudWatch::Alarm": _alarm,
}
"""What each kind of resource says about data flow (resources not listed: plain references)."""
