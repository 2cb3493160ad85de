"""Load balancer targets: target groups, listener rules, and the security groups between them.

The instances behind one load balancer share one target group (a fan-out through a junction
balances across them); each container service and function gets a group of its own, routed
by path (``/<target>/*``) when it is not the first.
"""

from __future__ import annotations

from typing import Any

from archdsl.emit.cloudformation import AwsNode, Flow
from archdsl.export.cloudformation import network
from archdsl.export.cloudformation.context import Context
from archdsl.export.cloudformation.intrinsics import Ref
from archdsl.export.cloudformation.registry import edge
from archdsl.export.cloudformation.services.compute import CONTAINER_PORT, triggers
from archdsl.export.cloudformation.services.frontdoor import target_groups
from archdsl.export.cloudformation.wiring import ends, invoke_permission


def _group(
    ctx: Context, flow: Flow, owner: AwsNode, base: str, properties: dict[str, Any], **options: Any
) -> str:
    balancer = ctx.node(flow.source)
    group = ctx.add_wiring(
        flow,
        balancer,
        f"{balancer.base}{base}TargetGroup",
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        properties,
        **options,
    )
    target_groups(ctx, balancer.id).append(
        {"group": group.logical_id, "base": base, "path": f"/{owner.slug}/*", "kind": owner.key}
    )
    return group.logical_id


def _http_group(ctx: Context, balancer: AwsNode, target_type: str) -> dict[str, Any]:
    return {
        "TargetType": target_type,
        "Protocol": "HTTP",
        "Port": CONTAINER_PORT,
        "VpcId": network.vpc_id(ctx, balancer),
        "HealthCheckPath": "/",
    }


@edge("balance_instances")
def balance_instances(ctx: Context, flow: Flow) -> None:
    balancer, instance = ends(ctx, flow)
    network.allow_from(ctx, flow, balancer, instance)
    target = {"Id": Ref(ctx.handle(instance.id).logical_id), "Port": CONTAINER_PORT}
    for entry in target_groups(ctx, balancer.id):
        if entry["kind"] == "ec2":
            group = ctx.template.resources[entry["group"]]
            group.properties["Targets"].append(target)
            return
    _group(
        ctx,
        flow,
        instance,
        "Instances",
        {**_http_group(ctx, balancer, "instance"), "Targets": [target]},
    )


@edge("balance_containers")
def balance_containers(ctx: Context, flow: Flow) -> None:
    balancer, service = ends(ctx, flow)
    network.allow_from(ctx, flow, balancer, service)
    group = _group(ctx, flow, service, service.base, _http_group(ctx, balancer, "ip"))
    handle = ctx.handle(service.id)
    resource = ctx.template.resources[handle.logical_id]
    resource.properties.setdefault("LoadBalancers", []).append(
        {
            "ContainerName": handle.extra["container"],
            "ContainerPort": CONTAINER_PORT,
            "TargetGroupArn": Ref(group),
        }
    )
    # The target group must be attached to a listener before the service uses it.
    resource.depends_on.append(ctx.handle(balancer.id).extra["listener"])


@edge("balance_function")
def balance_function(ctx: Context, flow: Flow) -> None:
    _, function = ends(ctx, flow)
    # No SourceArn: the target group's ARN would make the permission and the group depend on
    # each other (integrations.md, ALB → Lambda).
    permission = invoke_permission(ctx, flow, "elasticloadbalancing.amazonaws.com", None)
    _group(
        ctx,
        flow,
        function,
        function.base,
        {"TargetType": "lambda", "Targets": [{"Id": ctx.handle(function.id).arn}]},
        depends_on=[permission.logical_id],
    )
    triggers(ctx, function.id).add("elb")
