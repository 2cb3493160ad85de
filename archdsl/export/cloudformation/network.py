"""Networks: VPC and subnet parameters, one security group per VPC-bound service.

The diagram cannot say which VPC and subnets to use, so the template asks: a ``logos:aws-vpc``
group becomes a VPC-id parameter, and the group of subnets a service is drawn in (``public``,
``private``...) becomes a subnet-ids parameter named after it. Services drawn outside any VPC
group share ``VpcId`` and ``SubnetIds`` (AWS503 says so). Edges between VPC-bound services
open the target's security group to the source's, on the target's port.
"""

from __future__ import annotations

import re

from archdsl.emit.cloudformation import AwsNode, Flow, pascal_case
from archdsl.export.cloudformation.context import Context
from archdsl.export.cloudformation.intrinsics import GetAtt, Intrinsic

PORTS = {
    "aurora": 5432,
    "documentdb": 27017,
    "ec2": 80,
    "ecs": 80,
    "eks": 443,
    "elasticache": 6379,
    "elb": 80,
    "fargate": 80,
    "mq": 5671,
    "msk": 9098,
    "neptune": 8182,
    "opensearch": 443,
    "rds": 5432,
    "redshift": 5439,
}
"""The port a client reaches each kind of service on (PostgreSQL for RDS and Aurora)."""


_NOT_EC2_TEXT = re.compile(r"[^A-Za-z0-9. _\-:/()#,@\[\]+=&;{}!$*]+")


def ec2_text(text: str) -> str:
    """Descriptions EC2 accepts: ASCII letters, digits, spaces and ``._-:/()#,@[]+=&;{}!$*``."""
    return " ".join(_NOT_EC2_TEXT.sub(" ", text).split())[:255] or "archdsl"


def vpc_id(ctx: Context, node: AwsNode) -> Intrinsic:
    """``Ref`` to the VPC-id parameter of the VPC ``node`` is drawn in (or the shared one)."""
    assert node.network is not None
    group = node.network.vpc
    base = pascal_case(group) if group else "Vpc"
    name = base + "Id" if base.endswith("Vpc") else base + "VpcId"
    where = f"the `{group}` group of the diagram" if group else "the services drawn in no VPC"
    return ctx.template.parameter(
        name,
        {"Type": "AWS::EC2::VPC::Id", "Description": f"The VPC of {where}."},
    )


def subnet_ids(ctx: Context, node: AwsNode) -> Intrinsic:
    """``Ref`` to the subnet-ids parameter of the subnets group ``node`` is drawn in."""
    assert node.network is not None
    group = node.network.subnets
    base = pascal_case(group) if group else ""
    if group and group == node.network.vpc:
        base = base.removesuffix("Vpc")
    where = (
        f"the services in the `{group}` group of the diagram"
        if group
        else "the services drawn in no VPC"
    )
    return ctx.template.parameter(
        f"{base}SubnetIds",
        {
            "Type": "List<AWS::EC2::Subnet::Id>",
            "Description": f"Subnets (two or more, in different Availability Zones) of {where}.",
        },
    )


def security_group(ctx: Context, node: AwsNode) -> Intrinsic:
    """``GetAtt`` to ``node``'s own security group (created the first time it is asked for)."""
    handle = ctx.handles.get(node.id)
    key = f"security-group:{node.id}"
    if key not in ctx.state:
        resource = ctx.add(
            node,
            "SecurityGroup",
            "AWS::EC2::SecurityGroup",
            {
                "GroupDescription": ec2_text(f"{node.title} ({node.id} in the diagram)"),
                "VpcId": vpc_id(ctx, node),
            },
        )
        ctx.state[key] = resource.logical_id
        if handle is not None:
            handle.extra["security_group"] = resource.logical_id
    return GetAtt(ctx.state[key], "GroupId")


def allow_from(ctx: Context, flow: Flow, source: AwsNode, target: AwsNode) -> None:
    """Open ``target``'s security group to ``source``'s on ``target``'s port."""
    port = PORTS.get(target.key, 443)
    ctx.add_wiring(
        flow,
        target,
        f"{target.base}From{source.base}Ingress",
        "AWS::EC2::SecurityGroupIngress",
        {
            "GroupId": security_group(ctx, target),
            "SourceSecurityGroupId": security_group(ctx, source),
            "IpProtocol": "tcp",
            "FromPort": port,
            "ToPort": port,
            "Description": ec2_text(f"{source.id} to {target.id}"),
        },
    )


def allow_internet(ctx: Context, node: AwsNode, port: int) -> None:
    """Open ``node``'s security group to the internet on ``port`` (public load balancers)."""
    ctx.add(
        node,
        "InternetIngress",
        "AWS::EC2::SecurityGroupIngress",
        {
            "GroupId": security_group(ctx, node),
            "CidrIp": "0.0.0.0/0",
            "IpProtocol": "tcp",
            "FromPort": port,
            "ToPort": port,
            "Description": "Clients on the internet",
        },
    )


def is_public(ctx: Context, node: AwsNode) -> bool:
    """Drawn in a group whose id or title says public (a public load balancer, say)."""
    if node.network is None or node.network.subnets is None:
        return True
    return "public" in f"{node.network.subnets} {node.network.subnets_title}".lower()
