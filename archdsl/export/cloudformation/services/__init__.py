"""Service skeletons: the resources each kind of AWS service becomes.

One module per family (compute, data, messaging, front door, analytics, management); each
builder is registered with :func:`~archdsl.export.cloudformation.registry.service` under the
catalogue keys it builds and records a :class:`~..context.Handle` so that edges can refer to
the service. The helpers here are shared by the families: log groups, compute roles, and
:func:`publish`, which turns a service's main resource into its handle and stack output.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archdsl.emit.cloudformation import AwsNode
from archdsl.export.cloudformation.context import Context, Handle
from archdsl.export.cloudformation.iam import RolePolicy, role_properties
from archdsl.export.cloudformation.intrinsics import GetAtt, Intrinsic, Ref, Sub
from archdsl.export.cloudformation.template import Resource, compose

RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 180, 365]


def log_retention(ctx: Context) -> Intrinsic:
    return ctx.template.parameter(
        "LogRetentionDays",
        {
            "Type": "Number",
            "Default": 14,
            "AllowedValues": RETENTION_DAYS,
            "Description": "How many days the log groups keep their logs.",
        },
    )


def log_group(ctx: Context, node: AwsNode, name: Any, suffix: str = "LogGroup") -> Resource:
    """A log group with the template's retention; deleting the stack deletes the logs."""
    return ctx.add(
        node,
        suffix,
        "AWS::Logs::LogGroup",
        {"LogGroupName": name, "RetentionInDays": log_retention(ctx)},
        delete=True,
    )


def compute_role(ctx: Context, node: AwsNode, principal: str, suffix: str = "Role") -> RolePolicy:
    """The one role of a compute service; its edges add statements to it."""
    role = ctx.add(node, suffix, "AWS::IAM::Role", role_properties(principal))
    policy = RolePolicy(role, node.slug)
    ctx.roles[node.id] = policy
    return policy


def managed_role(ctx: Context, node: AwsNode, suffix: str, principal: str, policy: str) -> Resource:
    """A role that ``principal`` assumes with one AWS managed policy and nothing else (a
    service acting on the account, not a compute service of the diagram)."""
    properties = role_properties(principal)
    properties["ManagedPolicyArns"] = [Sub(f"arn:${{AWS::Partition}}:iam::aws:policy/{policy}")]
    return ctx.add(node, suffix, "AWS::IAM::Role", properties)


def edge_role(ctx: Context, node: AwsNode, principal: str, suffix: str) -> RolePolicy:
    """The role ``node``'s service assumes to reach what its edges name (a subscription's
    stream, an integration's queue): made by the first edge that needs it, then shared."""
    if node.id not in ctx.roles:
        return compute_role(ctx, node, principal, suffix)
    return ctx.role(node.id)


def allow_logs(policy: RolePolicy, group: Resource) -> None:
    policy.allow(
        "WriteOwnLogs",
        ["logs:CreateLogStream", "logs:PutLogEvents"],
        GetAtt(group.logical_id, "Arn"),
    )


def output(ctx: Context, node: AwsNode, suffix: str, value: Any, description: str) -> None:
    if ctx.plan.title_counts[node.title] > 1 and description.startswith(node.title):
        # Two "Orders" services: say which one.
        description = f"{node.title} ({node.id}){description[len(node.title) :]}"
    ctx.template.output(compose(node.base, suffix), value, description, owner=node.id)


def register(ctx: Context, node: AwsNode, handle: Handle) -> Handle:
    ctx.handles[node.id] = handle
    return handle


REF = "Ref"
"""In a :class:`Face`: the resource itself (``Ref``), not one of its attributes."""

Seen = str | Intrinsic | None
"""An attribute of the resource (``GetAtt``), :data:`REF`, a value built otherwise (an ARN
``Sub`` from the name), or nothing."""


@dataclass(frozen=True)
class Face:
    """How the rest of the template sees a service's main resource: the :class:`Handle`
    edges use (``arn``, ``ref``, ``env``) and the stack output people read.

    The output, named ``output`` (none when empty), shows ``shows`` (by default what ``ref``
    is) and says ``<title>: <says>``.
    """

    env: str = ""
    arn: Seen = None
    ref: Seen = REF
    output: str = ""
    says: str = ""
    shows: Seen = None


def publish(ctx: Context, node: AwsNode, resource: Resource, face: Face, **extra: Any) -> Handle:
    """Register ``resource`` as ``node``'s handle (with ``extra`` for the edge builders) and
    add its stack output, as ``face`` says."""
    ref = _seen(resource, face.ref)
    arn = _seen(resource, face.arn)
    handle = register(
        ctx, node, Handle(resource.logical_id, arn=arn, ref=ref, env=face.env, extra=extra)
    )
    if face.output:
        shown = ref if face.shows is None else _seen(resource, face.shows)
        output(ctx, node, face.output, shown, f"{node.title}: {face.says}")
    return handle


def _seen(resource: Resource, value: Seen) -> Any:
    if not isinstance(value, str):
        return value
    if value == REF:
        return Ref(resource.logical_id)
    return GetAtt(resource.logical_id, value)


def latin1_text(text: str) -> str:
    """Text for descriptions that IAM limits to printable Latin-1 (an en dash is not)."""
    kept = "".join(c if " " <= c <= "~" or "\u00a1" <= c <= "\u00ff" else " " for c in text)
    return " ".join(kept.split())[:1000]


def tags(name: Any) -> list[dict[str, Any]]:
    return [{"Key": "Name", "Value": name}]
