"""Edge wiring: what makes two services work together (``reference/integrations.md``).

One module per family: :mod:`.clients` (a compute service calling another service through the
SDK: role statements, environment variables, state machine tasks), :mod:`.events` (services
that deliver to others: event source mappings, subscriptions, notifications, rule targets),
:mod:`.frontdoor` (APIs, CDN, DNS, firewall, sign-in), :mod:`.network` (load balancers and
security groups), :mod:`.analytics` (Athena, Glue, QuickSight). The helpers here are shared:
Lambda permissions and the one resource policy of each queue, topic and bucket.
"""

from __future__ import annotations

from typing import Any

from archdsl.emit.cloudformation import AwsNode, Flow
from archdsl.export.cloudformation.context import Context
from archdsl.export.cloudformation.iam import POLICY_VERSION
from archdsl.export.cloudformation.intrinsics import Ref
from archdsl.export.cloudformation.template import Resource, compose, first_free

POLICY_TYPES = {
    "sqs": ("AWS::SQS::QueuePolicy", "QueuePolicy"),
    "sns": ("AWS::SNS::TopicPolicy", "TopicPolicy"),
    "s3": ("AWS::S3::BucketPolicy", "BucketPolicy"),
}


def ends(ctx: Context, flow: Flow) -> tuple[AwsNode, AwsNode]:
    return ctx.node(flow.source), ctx.node(flow.target)


def invoke_permission(
    ctx: Context,
    flow: Flow,
    principal: str,
    source_arn: Any,
    *,
    action: str = "lambda:InvokeFunction",
    source_account: bool = False,
    **extra: Any,
) -> Resource:
    """The function's resource policy letting ``principal`` invoke it for this edge."""
    source, function = ends(ctx, flow)
    properties: dict[str, Any] = {
        "Action": action,
        "FunctionName": Ref(ctx.handle(function.id).logical_id),
        "Principal": principal,
    }
    if source_arn is not None:
        properties["SourceArn"] = source_arn
    if source_account:
        properties["SourceAccount"] = Ref("AWS::AccountId")
    properties.update(extra)
    return ctx.add_wiring(
        flow,
        function,
        f"{function.base}From{source.base}Permission",
        "AWS::Lambda::Permission",
        properties,
    )


def resource_policy(
    ctx: Context, flow: Flow, owner: AwsNode, statement: dict[str, Any]
) -> Resource:
    """Add ``statement`` to the one policy of ``owner``'s queue, topic or bucket.

    A queue, topic or bucket has one policy: two policy resources would overwrite each other,
    so every edge that needs one adds its statement to the same resource.
    """
    policies: dict[str, Resource] = ctx.state.setdefault("resource_policies", {})
    policy = policies.get(owner.id)
    if policy is None:
        type_, suffix = POLICY_TYPES[owner.key]
        target = Ref(ctx.handle(owner.id).logical_id)
        key = {"sqs": "Queues", "sns": "Topics"}.get(owner.key)
        properties: dict[str, Any] = {key: [target]} if key else {"Bucket": target}
        properties["PolicyDocument"] = {"Version": POLICY_VERSION, "Statement": []}
        policy = ctx.add_wiring(flow, owner, compose(owner.base, suffix), type_, properties)
        policies[owner.id] = policy
    else:
        _add_edge(policy, flow)
    statements = policy.properties["PolicyDocument"]["Statement"]
    sid = first_free(statement["Sid"], {s["Sid"] for s in statements})
    statements.append({**statement, "Sid": sid})
    return policy


def _add_edge(resource: Resource, flow: Flow) -> None:
    metadata = resource.metadata["archdsl"]
    edges = metadata.get("edge", "").split("; ")
    if flow.text not in edges:
        metadata["edge"] = "; ".join([e for e in edges if e] + [flow.text])


def env_name(target: AwsNode, suffix: str) -> str:
    """``dynamodb_batch`` + ``TABLE_NAME`` → ``DYNAMODB_BATCH_TABLE_NAME``."""
    stem = target.slug.replace("-", "_").upper()
    return f"{stem}_{suffix}" if suffix else stem
