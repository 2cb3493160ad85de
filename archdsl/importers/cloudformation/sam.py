"""AWS SAM templates (``Transform: AWS::Serverless-2016-10-31``), read like the CloudFormation
they expand to.

Serverless types stand for their CloudFormation counterparts (a ``AWS::Serverless::Function``
is a Lambda function), and the few resources SAM generates that a diagram shows are added: a
function's ``Api``/``HttpApi`` events without an API of the template's own use SAM's implicit
``ServerlessRestApi``/``ServerlessHttpApi``, and ``Schedule`` events are EventBridge rules. The
function's events and policy templates then become edges (:func:`function_edges`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from archdsl.importers.cloudformation.loader import Template, TemplateResource

if TYPE_CHECKING:
    from archdsl.importers.cloudformation.reading import Reader

SAM_TYPES = {
    "AWS::Serverless::Function": "AWS::Lambda::Function",
    "AWS::Serverless::Api": "AWS::ApiGateway::RestApi",
    "AWS::Serverless::HttpApi": "AWS::ApiGatewayV2::Api",
    "AWS::Serverless::SimpleTable": "AWS::DynamoDB::Table",
    "AWS::Serverless::StateMachine": "AWS::StepFunctions::StateMachine",
    "AWS::Serverless::Application": "AWS::CloudFormation::Stack",
    "AWS::Serverless::GraphQLApi": "AWS::AppSync::GraphQLApi",
}
IMPLICIT_APIS = {
    "Api": ("ServerlessRestApi", "AWS::ApiGateway::RestApi", "RestApiId"),
    "HttpApi": ("ServerlessHttpApi", "AWS::ApiGatewayV2::Api", "ApiId"),
}
POLL_EVENTS = {
    "SQS": "Queue",
    "Kinesis": "Stream",
    "DynamoDB": "Stream",
    "MSK": "Stream",
    "MQ": "Broker",
    "DocumentDB": "Cluster",
}
PUSH_EVENTS = {
    "S3": "Bucket",
    "SNS": "Topic",
    "EventBridgeRule": "EventBusName",
    "CloudWatchEvent": "EventBusName",
    "CloudWatchLogs": "LogGroupName",
    "IoTRule": None,
    "Cognito": "UserPool",
}
READ_POLICIES = ("Read", "Poller", "Describe", "Get")


def normalise(template: Template) -> Template:
    """The template with Serverless types as CloudFormation types and SAM's implicit
    resources added (none of this changes a template that is not SAM)."""
    if not any(r.type.startswith("AWS::Serverless::") for r in template.resources.values()):
        return template
    resources: dict[str, TemplateResource] = {}
    for rid, resource in template.resources.items():
        resources[rid] = replace(resource, type=SAM_TYPES.get(resource.type, resource.type))
    for rid, resource in template.resources.items():
        if resource.type == "AWS::Serverless::Function":
            _implicit(resources, rid, resource)
    return replace(template, resources=resources)


def _implicit(
    resources: dict[str, TemplateResource], function: str, resource: TemplateResource
) -> None:
    for name, event in _events(resource):
        kind, properties = event.get("Type"), event.get("Properties") or {}
        if kind in IMPLICIT_APIS:
            api_id, type_, key = IMPLICIT_APIS[kind]
            if key not in properties and api_id not in resources:
                resources[api_id] = replace(
                    resource, logical_id=api_id, type=type_, properties={}, metadata={}
                )
        elif kind in ("Schedule", "ScheduleV2"):
            rule_id = f"{function}{name}"
            resources.setdefault(
                rule_id,
                replace(
                    resource,
                    logical_id=rule_id,
                    type="AWS::Events::Rule",
                    properties={
                        "ScheduleExpression": properties.get("Schedule"),
                        "Targets": [{"Id": name, "Arn": {"Fn::GetAtt": [function, "Arn"]}}],
                    },
                    metadata={},
                ),
            )


def _events(resource: TemplateResource) -> list[tuple[str, dict[str, Any]]]:
    events = resource.properties.get("Events")
    if not isinstance(events, dict):
        return []
    return [(name, e) for name, e in events.items() if isinstance(e, dict)]


def function_edges(reader: Reader, resource: TemplateResource, owner: str) -> None:
    """A SAM function's events (sources into it) and policy templates (what it touches)."""
    for _, event in _events(resource):
        kind, properties = event.get("Type"), event.get("Properties") or {}
        if kind in POLL_EVENTS or kind in PUSH_EVENTS:
            key = POLL_EVENTS.get(kind) or PUSH_EVENTS.get(kind)
            for source in reader.owners(properties.get(key) if key else properties):
                reader.add_edge(source, owner)
        elif kind in IMPLICIT_APIS:
            api_id, _, key = IMPLICIT_APIS[kind]
            implicit = reader.owner.get(api_id)
            sources = reader.owners(properties.get(key)) or ([implicit] if implicit else [])
            route = _route(properties)
            for source in sources:
                reader.add_edge(source, owner, route)
    for policy in resource.properties.get("Policies") or []:
        if isinstance(policy, dict) and "Statement" not in policy:
            for name, parameters in policy.items():
                targets = reader.owners(parameters)
                reads = any(word in name for word in READ_POLICIES)
                for target in targets:
                    reader.add_edge(*((target, owner) if reads else (owner, target)))


def _route(properties: dict[str, Any]) -> str | None:
    method, path = properties.get("Method"), properties.get("Path")
    if (
        isinstance(method, str)
        and isinstance(path, str)
        and method.lower() not in ("any", "x-amazon-apigateway-any-method")
    ):
        return f"{method.upper()} {path}"
    return None
