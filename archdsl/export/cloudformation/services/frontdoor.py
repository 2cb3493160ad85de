"""The front door: APIs, CDN, load balancers, DNS, firewall, certificates, sign-in, VPCs.

These services are mostly configured by their outgoing edges (routes, origins, target groups,
alias records), gathered in ``ctx.state`` while the edges are wired and written by the
finishers once every edge is known.
"""

from __future__ import annotations

from typing import Any

from archdsl.emit.cloudformation import AwsNode
from archdsl.export.cloudformation import network
from archdsl.export.cloudformation.context import Context, Handle
from archdsl.export.cloudformation.intrinsics import GetAtt, Ref, Sub
from archdsl.export.cloudformation.registry import finisher, service
from archdsl.export.cloudformation.services import REF, Face, output, publish, register, tags

LISTENER_PORT = 80
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
"""The managed CloudFront cache policy for static content."""
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
"""The managed origin request policy for API and load balancer origins."""


def domain_name(ctx: Context) -> Any:
    return ctx.template.parameter(
        "DomainName",
        {
            "Type": "String",
            "Default": "example.com",
            "Description": "The DNS domain the records and certificates of the template are in.",
        },
    )


def hosted_zone(ctx: Context) -> Any:
    return ctx.template.parameter(
        "HostedZoneId",
        {
            "Type": "AWS::Route53::HostedZone::Id",
            "Description": "The Route 53 hosted zone of DomainName.",
        },
    )


# -- API Gateway (HTTP API) ---------------------------------------------------------------------


@service("api_gateway")
def build_http_api(ctx: Context, node: AwsNode) -> None:
    api = ctx.add(
        node,
        "Api",
        "AWS::ApiGatewayV2::Api",
        {
            "Name": ctx.name(node),
            "ProtocolType": "HTTP",
            "Description": f"{node.title} ({node.id} in the diagram)",
        },
    )
    ctx.add(
        node,
        "DefaultStage",
        "AWS::ApiGatewayV2::Stage",
        {"ApiId": Ref(api.logical_id), "StageName": "$default", "AutoDeploy": True},
    )
    arn = Sub(ctx.arn_text("execute-api", f"${{{api.logical_id}}}/*"))
    face = Face(
        "API_ENDPOINT", arn, "ApiEndpoint", output="Endpoint", says="base URL of the HTTP API"
    )
    publish(ctx, node, api, face)


# -- CloudFront ---------------------------------------------------------------------------------


def origins(ctx: Context, node_id: str) -> list[dict[str, Any]]:
    """Origins of a distribution, each with its ``PathPattern`` (filled by the wiring)."""
    found: dict[str, list[dict[str, Any]]] = ctx.state.setdefault("origins", {})
    return found.setdefault(node_id, [])


@service("cloudfront")
def build_distribution(ctx: Context, node: AwsNode) -> None:
    distribution = ctx.add(node, "Distribution", "AWS::CloudFront::Distribution", {})
    arn = Sub(
        "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/"
        f"${{{distribution.logical_id}}}"
    )
    face = Face(
        "DISTRIBUTION_DOMAIN",
        arn,
        "DomainName",
        output="DomainName",
        says="distribution domain name",
    )
    publish(ctx, node, distribution, face)


@finisher("cloudfront")
def finish_distribution(ctx: Context, node: AwsNode) -> None:
    distribution = ctx.resource(node.id)
    found = origins(ctx, node.id)
    if not found:
        found.append(_placeholder_origin(ctx, node))
    default, *others = found
    config: dict[str, Any] = {
        "Enabled": True,
        "Comment": f"{node.title} ({node.id} in the diagram)",
        "HttpVersion": "http2and3",
        "PriceClass": "PriceClass_100",
        "Origins": [origin["origin"] for origin in found],
        "DefaultCacheBehavior": _behaviour(default),
    }
    if default.get("root_object"):
        config["DefaultRootObject"] = default["root_object"]
    if others:
        config["CacheBehaviors"] = [
            {"PathPattern": origin["path"], **_behaviour(origin)} for origin in others
        ]
    acl = ctx.state.get("web_acl", {}).get(node.id)
    if acl is not None:
        config["WebACLId"] = acl
    distribution.properties["DistributionConfig"] = config


def _behaviour(origin: dict[str, Any]) -> dict[str, Any]:
    behaviour: dict[str, Any] = {
        "TargetOriginId": origin["origin"]["Id"],
        "ViewerProtocolPolicy": "redirect-to-https",
        "Compress": True,
    }
    if origin.get("dynamic"):
        behaviour["CachePolicyId"] = CACHING_DISABLED
        behaviour["OriginRequestPolicyId"] = ALL_VIEWER_EXCEPT_HOST
        behaviour["AllowedMethods"] = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]
    else:
        behaviour["CachePolicyId"] = CACHING_OPTIMIZED
    return behaviour


def _placeholder_origin(ctx: Context, node: AwsNode) -> dict[str, Any]:
    domain = ctx.template.parameter(
        f"{node.base}OriginDomain",
        {
            "Type": "String",
            "Default": "example.com",
            "Description": f"Origin of {node.title}: the diagram draws none.",
        },
    )
    ctx.template.note(
        "note",
        node.line,
        f"`{node.id}` has no origin in the diagram: the distribution takes its origin's "
        "domain from a parameter",
    )
    return {
        "origin": {
            "Id": "origin",
            "DomainName": domain,
            "CustomOriginConfig": {"OriginProtocolPolicy": "https-only"},
        },
        "dynamic": True,
    }


# -- Elastic Load Balancing ---------------------------------------------------------------------


def target_groups(ctx: Context, node_id: str) -> list[dict[str, Any]]:
    """Target groups of a load balancer, each with its path (filled by the wiring)."""
    found: dict[str, list[dict[str, Any]]] = ctx.state.setdefault("target_groups", {})
    return found.setdefault(node_id, [])


@service("elb")
def build_load_balancer(ctx: Context, node: AwsNode) -> None:
    public = network.is_public(ctx, node)
    balancer = ctx.add(
        node,
        "LoadBalancer",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        {
            "Type": "application",
            "Scheme": "internet-facing" if public else "internal",
            "Subnets": network.subnet_ids(ctx, node),
            "SecurityGroups": [network.security_group(ctx, node)],
            "LoadBalancerAttributes": [
                {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"}
            ],
        },
    )
    if public:
        network.allow_internet(ctx, node, LISTENER_PORT)
    listener = ctx.add(
        node,
        "Listener",
        "AWS::ElasticLoadBalancingV2::Listener",
        {
            "LoadBalancerArn": Ref(balancer.logical_id),
            "Port": LISTENER_PORT,
            "Protocol": "HTTP",
        },
    )
    face = Face(
        "LOAD_BALANCER_DNS",
        REF,
        "DNSName",
        output="DnsName",
        says="DNS name of the load balancer",
    )
    publish(ctx, node, balancer, face, listener=listener.logical_id)


@finisher("elb")
def finish_load_balancer(ctx: Context, node: AwsNode) -> None:
    handle = ctx.handle(node.id)
    listener = ctx.template.resources[handle.extra["listener"]]
    groups = target_groups(ctx, node.id)
    if not groups:
        listener.properties["DefaultActions"] = [
            {
                "Type": "fixed-response",
                "FixedResponseConfig": {"StatusCode": "404", "ContentType": "text/plain"},
            }
        ]
        return
    default, *others = groups
    listener.properties["DefaultActions"] = [
        {"Type": "forward", "TargetGroupArn": Ref(default["group"])}
    ]
    for priority, group in enumerate(others, start=1):
        ctx.add(
            node,
            f"{group['base']}ListenerRule",
            "AWS::ElasticLoadBalancingV2::ListenerRule",
            {
                "ListenerArn": Ref(listener.logical_id),
                "Priority": priority,
                "Conditions": [
                    {"Field": "path-pattern", "PathPatternConfig": {"Values": [group["path"]]}}
                ],
                "Actions": [{"Type": "forward", "TargetGroupArn": Ref(group["group"])}],
            },
        )


# -- Route 53, WAF, certificates ----------------------------------------------------------------


def aliases(ctx: Context, node_id: str) -> list[dict[str, Any]]:
    found: dict[str, list[dict[str, Any]]] = ctx.state.setdefault("aliases", {})
    return found.setdefault(node_id, [])


@service("route53")
def build_record(ctx: Context, node: AwsNode) -> None:
    register(ctx, node, Handle(""))


@finisher("route53")
def finish_record(ctx: Context, node: AwsNode) -> None:
    name = Sub(f"{node.slug}.${{DomainName}}")
    domain_name(ctx)
    found = aliases(ctx, node.id)
    if not found:
        record = ctx.add(
            node,
            "Record",
            "AWS::Route53::RecordSet",
            {
                "HostedZoneId": hosted_zone(ctx),
                "Name": name,
                "Type": "TXT",
                "TTL": "300",
                "ResourceRecords": [f'"{node.title}"'.replace("\\", "")],
            },
        )
        ctx.handle(node.id).logical_id = record.logical_id
        return
    for index, alias in enumerate(found):
        record = ctx.add(
            node,
            "Record" if index == 0 else f"Record{index + 1}",
            "AWS::Route53::RecordSet",
            {
                "HostedZoneId": hosted_zone(ctx),
                "Name": name,
                "Type": "A",
                "AliasTarget": alias["target"],
            },
        )
        if index == 0:
            ctx.handle(node.id).logical_id = record.logical_id


@service("waf")
def build_web_acl(ctx: Context, node: AwsNode) -> None:
    global_scope = any(
        flow.source == node.id and ctx.node(flow.target).key == "cloudfront"
        for flow in ctx.plan.flows
    )
    metric = f"{node.base}"
    acl = ctx.add(
        node,
        "WebAcl",
        "AWS::WAFv2::WebACL",
        {
            "Name": ctx.name(node),
            "Scope": "CLOUDFRONT" if global_scope else "REGIONAL",
            "DefaultAction": {"Allow": {}},
            "VisibilityConfig": {
                "SampledRequestsEnabled": True,
                "CloudWatchMetricsEnabled": True,
                "MetricName": metric,
            },
            "Rules": [
                {
                    "Name": "AWSManagedRulesCommonRuleSet",
                    "Priority": 0,
                    "OverrideAction": {"None": {}},
                    "Statement": {
                        "ManagedRuleGroupStatement": {
                            "VendorName": "AWS",
                            "Name": "AWSManagedRulesCommonRuleSet",
                        }
                    },
                    "VisibilityConfig": {
                        "SampledRequestsEnabled": True,
                        "CloudWatchMetricsEnabled": True,
                        "MetricName": f"{metric}Common",
                    },
                }
            ],
        },
    )
    publish(
        ctx, node, acl, Face("WEB_ACL_ARN", "Arn", "Arn", output="WebAclArn", says="web ACL ARN")
    )


@service("certificate_manager")
def build_certificate(ctx: Context, node: AwsNode) -> None:
    domain_name(ctx)
    certificate = ctx.add(
        node,
        "Certificate",
        "AWS::CertificateManager::Certificate",
        {
            "DomainName": Sub(f"{node.slug}.${{DomainName}}"),
            "ValidationMethod": "DNS",
            "DomainValidationOptions": [
                {
                    "DomainName": Sub(f"{node.slug}.${{DomainName}}"),
                    "HostedZoneId": hosted_zone(ctx),
                }
            ],
        },
    )
    face = Face("CERTIFICATE_ARN", REF, output="CertificateArn", says="certificate ARN")
    publish(ctx, node, certificate, face)


# -- Cognito, AppSync, Amplify, VPC -------------------------------------------------------------


@service("cognito")
def build_user_pool(ctx: Context, node: AwsNode) -> None:
    pool = ctx.add(
        node,
        "UserPool",
        "AWS::Cognito::UserPool",
        {
            "UserPoolName": ctx.name(node),
            "UsernameAttributes": ["email"],
            "AutoVerifiedAttributes": ["email"],
            "Policies": {
                "PasswordPolicy": {
                    "MinimumLength": 12,
                    "RequireLowercase": True,
                    "RequireUppercase": True,
                    "RequireNumbers": True,
                    "RequireSymbols": True,
                }
            },
        },
        retain=True,
    )
    client = ctx.add(
        node,
        "UserPoolClient",
        "AWS::Cognito::UserPoolClient",
        {
            "UserPoolId": Ref(pool.logical_id),
            "ClientName": ctx.name(node),
            "GenerateSecret": False,
            "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        },
    )
    face = Face("USER_POOL_ID", "Arn", output="UserPoolId", says="user pool id")
    publish(ctx, node, pool, face, client=client.logical_id)
    output(ctx, node, "UserPoolClientId", Ref(client.logical_id), f"{node.title}: app client id")


@service("appsync")
def build_graphql_api(ctx: Context, node: AwsNode) -> None:
    api = ctx.add(
        node,
        "GraphQLApi",
        "AWS::AppSync::GraphQLApi",
        {"Name": ctx.name(node), "AuthenticationType": "AWS_IAM"},
    )
    ctx.add(
        node,
        "Schema",
        "AWS::AppSync::GraphQLSchema",
        {
            "ApiId": GetAtt(api.logical_id, "ApiId"),
            "Definition": "schema {\n  query: Query\n}\n\ntype Query {\n  ping: String\n}\n",
        },
    )
    face = Face("GRAPHQL_URL", "Arn", "GraphQLUrl", output="GraphQLUrl", says="GraphQL endpoint")
    publish(ctx, node, api, face)


@service("amplify")
def build_amplify_app(ctx: Context, node: AwsNode) -> None:
    app = ctx.add(
        node,
        "App",
        "AWS::Amplify::App",
        {"Name": ctx.name(node), "Description": f"{node.title} ({node.id} in the diagram)"},
    )
    face = Face(
        "AMPLIFY_APP_ID",
        "Arn",
        "AppId",
        output="DefaultDomain",
        says="default domain",
        shows="DefaultDomain",
    )
    publish(ctx, node, app, face)


@service("vpc")
def build_vpc(ctx: Context, node: AwsNode) -> None:
    cidr = ctx.template.parameter(
        f"{node.base}Cidr",
        {
            "Type": "String",
            "Default": "10.0.0.0/16",
            "AllowedPattern": r"^(\d{1,3}\.){3}\d{1,3}/\d{1,2}$",
            "Description": f"Address range of {node.title} ({node.id} in the diagram).",
        },
    )
    vpc = ctx.add(
        node,
        "Vpc",
        "AWS::EC2::VPC",
        {
            "CidrBlock": cidr,
            "EnableDnsSupport": True,
            "EnableDnsHostnames": True,
            "Tags": tags(ctx.name(node)),
        },
    )
    publish(ctx, node, vpc, Face("VPC_ID", output="VpcId", says="VPC id"))
