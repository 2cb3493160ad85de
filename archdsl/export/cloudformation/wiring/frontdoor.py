"""Front-door wiring: API routes and integrations, CDN origins, DNS aliases, firewall, sign-in.

An HTTP API gets one integration and one route per outgoing edge. The route comes from the
edge title when it reads like one (``POST /orders``, ``/orders``), else ``ANY /<target>``;
the Lambda permission allows exactly that route. Direct service integrations (SQS, Kinesis,
Step Functions, EventBridge) assume a role of the API's own with only that action.
"""

from __future__ import annotations

import re
from typing import Any

from archdsl.emit.cloudformation import AwsNode, Flow
from archdsl.export.cloudformation.context import Context
from archdsl.export.cloudformation.intrinsics import GetAtt, Ref, Select, Split, Sub
from archdsl.export.cloudformation.registry import edge, finisher
from archdsl.export.cloudformation.services import edge_role
from archdsl.export.cloudformation.services.compute import triggers
from archdsl.export.cloudformation.services.data import bucket_objects
from archdsl.export.cloudformation.services.frontdoor import aliases, origins
from archdsl.export.cloudformation.template import Resource
from archdsl.export.cloudformation.wiring import ends, invoke_permission, resource_policy
from archdsl.export.cloudformation.wiring.clients import allow_writes, reference

ROUTE = re.compile(
    r"^\s*(?:(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY)\s+)?(/[A-Za-z0-9_\-./{}+]*)\s*$", re.I
)
CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2"
"""The hosted zone id of every CloudFront distribution, for alias records."""


# -- API Gateway --------------------------------------------------------------------------------


def route_key(flow: Flow, target: AwsNode) -> tuple[str, str]:
    """(``METHOD /path``, the path part of the execute-api ARN) for an API edge."""
    match = ROUTE.match(flow.label or "")
    method, path = (
        (match.group(1) or "ANY", match.group(2)) if match else ("ANY", f"/{target.slug}")
    )
    arn_path = re.sub(r"\{[^}]*\}", "*", path.lstrip("/"))
    return f"{method.upper()} {path}", arn_path


def _api_part(
    ctx: Context, flow: Flow, api: AwsNode, other: AwsNode, kind: str, properties: dict[str, Any]
) -> Resource:
    """The ``AWS::ApiGatewayV2::<kind>`` of ``api`` for the edge with ``other``."""
    return ctx.add_wiring(
        flow,
        api,
        f"{api.base}{other.base}{kind}",
        f"AWS::ApiGatewayV2::{kind}",
        {"ApiId": Ref(ctx.handle(api.id).logical_id), **properties},
    )


def _integrate(ctx: Context, flow: Flow, properties: dict[str, Any]) -> str:
    """A proxy integration to the flow's target and the route to it; the route's path in the
    execute-api ARN."""
    api, target = ends(ctx, flow)
    integration = _api_part(
        ctx, flow, api, target, "Integration", {"IntegrationType": "AWS_PROXY", **properties}
    )
    key, arn_path = route_key(flow, target)
    route = _api_part(
        ctx,
        flow,
        api,
        target,
        "Route",
        {"RouteKey": key, "Target": Sub(f"integrations/${{{integration.logical_id}}}")},
    )
    ctx.handle(api.id).extra.setdefault("routes", []).append(route.logical_id)
    return arn_path


@edge("api_to_function")
def api_to_function(ctx: Context, flow: Flow) -> None:
    api, function = ends(ctx, flow)
    arn_path = _integrate(
        ctx, flow, {"IntegrationUri": ctx.handle(function.id).arn, "PayloadFormatVersion": "2.0"}
    )
    api_id = ctx.handle(api.id).logical_id
    invoke_permission(
        ctx,
        flow,
        "apigateway.amazonaws.com",
        Sub(ctx.arn_text("execute-api", f"${{{api_id}}}/*/*/{arn_path}")),
    )
    triggers(ctx, function.id).add("api_gateway")


SERVICE_INTEGRATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "sqs": ("SQS-SendMessage", {"QueueUrl": "@REF@", "MessageBody": "$request.body"}),
    "kinesis": (
        "Kinesis-PutRecord",
        {"StreamName": "@REF@", "Data": "$request.body", "PartitionKey": "$context.requestId"},
    ),
    "step_functions": (
        "StepFunctions-StartExecution",
        {"StateMachineArn": "@REF@", "Input": "$request.body"},
    ),
    "eventbridge": (
        "EventBridge-PutEvents",
        {
            "EventBusName": "@REF@",
            "Source": "@SOURCE@",
            "DetailType": "request",
            "Detail": "$request.body",
        },
    ),
}


@edge("api_to_service")
def api_to_service(ctx: Context, flow: Flow) -> None:
    api, target = ends(ctx, flow)
    role = edge_role(ctx, api, "apigateway.amazonaws.com", "IntegrationRole")
    allow_writes(ctx, flow, role, target)
    subtype, parameters = SERVICE_INTEGRATIONS[target.key]
    filled = {
        name: reference(ctx, target)
        if value == "@REF@"
        else api.id
        if value == "@SOURCE@"
        else value
        for name, value in parameters.items()
    }
    _integrate(
        ctx,
        flow,
        {
            "IntegrationSubtype": subtype,
            "CredentialsArn": GetAtt(role.logical_id, "Arn"),
            "PayloadFormatVersion": "1.0",
            "RequestParameters": filled,
        },
    )


@edge("user_pool_to_api")
def user_pool_to_api(ctx: Context, flow: Flow) -> None:
    pool, api = ends(ctx, flow)
    pool_handle = ctx.handle(pool.id)
    authorizer = _api_part(
        ctx,
        flow,
        api,
        pool,
        "Authorizer",
        {
            "Name": pool.slug,
            "AuthorizerType": "JWT",
            "IdentitySource": ["$request.header.Authorization"],
            "JwtConfiguration": {
                "Audience": [Ref(pool_handle.extra["client"])],
                "Issuer": Sub(
                    f"https://cognito-idp.${{AWS::Region}}.amazonaws.com/${{{pool_handle.logical_id}}}"
                ),
            },
        },
    )
    ctx.handle(api.id).extra.setdefault("authorizer", authorizer.logical_id)


@finisher("api_gateway")
def protect_routes(ctx: Context, node: AwsNode) -> None:
    handle = ctx.handle(node.id)
    authorizer = handle.extra.get("authorizer")
    if authorizer is None:
        return
    for route_id in handle.extra.get("routes", []):
        route = ctx.template.resources[route_id]
        route.properties["AuthorizationType"] = "JWT"
        route.properties["AuthorizerId"] = Ref(authorizer)


# -- CloudFront origins -------------------------------------------------------------------------


def _origin_access_control(ctx: Context, flow: Flow, kind: str) -> str:
    distribution, target = ends(ctx, flow)
    control = ctx.add_wiring(
        flow,
        distribution,
        f"{distribution.base}{target.base}AccessControl",
        "AWS::CloudFront::OriginAccessControl",
        {
            "OriginAccessControlConfig": {
                "Name": ctx.name(target, suffix=f"-{kind}"),
                "OriginAccessControlOriginType": kind,
                "SigningBehavior": "always",
                "SigningProtocol": "sigv4",
            }
        },
    )
    return control.logical_id


def _add_origin(ctx: Context, flow: Flow, origin: dict[str, Any], **options: Any) -> None:
    distribution, target = ends(ctx, flow)
    origins(ctx, distribution.id).append(
        {"origin": {"Id": target.slug, **origin}, "path": f"/{target.slug}/*", **options}
    )


@edge("distribution_to_bucket")
def distribution_to_bucket(ctx: Context, flow: Flow) -> None:
    distribution, bucket = ends(ctx, flow)
    control = _origin_access_control(ctx, flow, "s3")
    bucket_handle = ctx.handle(bucket.id)
    _add_origin(
        ctx,
        flow,
        {
            "DomainName": GetAtt(bucket_handle.logical_id, "RegionalDomainName"),
            "S3OriginConfig": {"OriginAccessIdentity": ""},
            "OriginAccessControlId": GetAtt(control, "Id"),
        },
        root_object="index.html",
    )
    resource_policy(
        ctx,
        flow,
        bucket,
        {
            "Sid": f"ServeTo{distribution.base}",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": bucket_objects(ctx, bucket),
            "Condition": {"StringEquals": {"AWS:SourceArn": ctx.handle(distribution.id).arn}},
        },
    )


@edge("distribution_to_load_balancer")
def distribution_to_load_balancer(ctx: Context, flow: Flow) -> None:
    _, balancer = ends(ctx, flow)
    _add_origin(
        ctx,
        flow,
        {
            "DomainName": GetAtt(ctx.handle(balancer.id).logical_id, "DNSName"),
            "CustomOriginConfig": {"OriginProtocolPolicy": "http-only", "HTTPPort": 80},
        },
        dynamic=True,
    )


@edge("distribution_to_api")
def distribution_to_api(ctx: Context, flow: Flow) -> None:
    _, api = ends(ctx, flow)
    endpoint = GetAtt(ctx.handle(api.id).logical_id, "ApiEndpoint")
    _add_origin(
        ctx,
        flow,
        {
            "DomainName": Select(2, Split("/", endpoint)),
            "CustomOriginConfig": {"OriginProtocolPolicy": "https-only"},
        },
        dynamic=True,
    )


@edge("distribution_to_function")
def distribution_to_function(ctx: Context, flow: Flow) -> None:
    distribution, function = ends(ctx, flow)
    function_id = ctx.handle(function.id).logical_id
    url = ctx.add_wiring(
        flow,
        function,
        f"{function.base}Url",
        "AWS::Lambda::Url",
        {"TargetFunctionArn": GetAtt(function_id, "Arn"), "AuthType": "AWS_IAM"},
    )
    control = _origin_access_control(ctx, flow, "lambda")
    invoke_permission(
        ctx,
        flow,
        "cloudfront.amazonaws.com",
        ctx.handle(distribution.id).arn,
        action="lambda:InvokeFunctionUrl",
        FunctionUrlAuthType="AWS_IAM",
    )
    _add_origin(
        ctx,
        flow,
        {
            "DomainName": Select(2, Split("/", GetAtt(url.logical_id, "FunctionUrl"))),
            "CustomOriginConfig": {"OriginProtocolPolicy": "https-only"},
            "OriginAccessControlId": GetAtt(control, "Id"),
        },
        dynamic=True,
    )
    triggers(ctx, function.id).add("cloudfront")


# -- Route 53, WAF ------------------------------------------------------------------------------


@edge("record_to_distribution")
def record_to_distribution(ctx: Context, flow: Flow) -> None:
    record, distribution = ends(ctx, flow)
    aliases(ctx, record.id).append(
        {
            "target": {
                "DNSName": GetAtt(ctx.handle(distribution.id).logical_id, "DomainName"),
                "HostedZoneId": CLOUDFRONT_ZONE,
            }
        }
    )
    ctx.template.note(
        "note",
        flow.line,
        f"`{flow.text}`: the distribution answers for the record's name only with that name "
        "in its Aliases and a us-east-1 certificate; add both",
    )


@edge("record_to_load_balancer")
def record_to_load_balancer(ctx: Context, flow: Flow) -> None:
    record, balancer = ends(ctx, flow)
    balancer_id = ctx.handle(balancer.id).logical_id
    aliases(ctx, record.id).append(
        {
            "target": {
                "DNSName": GetAtt(balancer_id, "DNSName"),
                "HostedZoneId": GetAtt(balancer_id, "CanonicalHostedZoneID"),
                "EvaluateTargetHealth": True,
            }
        }
    )


@edge("firewall_for_distribution")
def firewall_for_distribution(ctx: Context, flow: Flow) -> None:
    acl, distribution = ends(ctx, flow)
    ctx.state.setdefault("web_acl", {})[distribution.id] = GetAtt(
        ctx.handle(acl.id).logical_id, "Arn"
    )


@edge("firewall_association")
def firewall_association(ctx: Context, flow: Flow) -> None:
    acl, target = ends(ctx, flow)
    handle = ctx.handle(target.id)
    ctx.add_wiring(
        flow,
        acl,
        f"{acl.base}{target.base}Association",
        "AWS::WAFv2::WebACLAssociation",
        {"ResourceArn": handle.arn, "WebACLArn": GetAtt(ctx.handle(acl.id).logical_id, "Arn")},
    )


# -- AppSync data sources -----------------------------------------------------------------------


@edge("graphql_data_source")
def graphql_data_source(ctx: Context, flow: Flow) -> None:
    api, target = ends(ctx, flow)
    role = edge_role(ctx, api, "appsync.amazonaws.com", "DataSourceRole")
    handle = ctx.handle(target.id)
    if target.key == "dynamodb":
        role.allow(
            f"Use{target.base}",
            [
                "dynamodb:GetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:Query",
            ],
            handle.arn,
        )
        config: dict[str, Any] = {
            "Type": "AMAZON_DYNAMODB",
            "DynamoDBConfig": {"TableName": handle.ref, "AwsRegion": Ref("AWS::Region")},
        }
    else:
        role.allow(f"Invoke{target.base}", ["lambda:InvokeFunction"], handle.arn)
        config = {"Type": "AWS_LAMBDA", "LambdaConfig": {"LambdaFunctionArn": handle.arn}}
        triggers(ctx, target.id).add("appsync")
    ctx.add_wiring(
        flow,
        api,
        f"{api.base}{target.base}DataSource",
        "AWS::AppSync::DataSource",
        {
            "ApiId": GetAtt(ctx.handle(api.id).logical_id, "ApiId"),
            "Name": re.sub(r"\W", "_", target.id),
            "ServiceRoleArn": GetAtt(role.logical_id, "Arn"),
            **config,
        },
    )
