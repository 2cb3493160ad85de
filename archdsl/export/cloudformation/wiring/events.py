"""Services that deliver to others: event source mappings, subscriptions, notifications, rules.

- Poll edges into Lambda (Kinesis, SQS, DynamoDB streams) become event source mappings and
  read statements on the function's role; no permission is needed.
- Push edges into Lambda (SNS, S3, EventBridge) become a Lambda permission for the service
  principal with the narrowest ``SourceArn``.
- Deliveries to queues and topics add a statement to the queue's or topic's one policy.
- S3 notifications make the bucket depend on the permission or policy, and everything refers
  to such a bucket by name (its ARN built from the name), which avoids the circular
  dependency described in ``integrations.md``.
"""

from __future__ import annotations

from typing import Any

from archdsl.emit.cloudformation import AwsNode, Flow
from archdsl.export.cloudformation.context import Context
from archdsl.export.cloudformation.intrinsics import GetAtt, Ref
from archdsl.export.cloudformation.registry import edge
from archdsl.export.cloudformation.services import edge_role
from archdsl.export.cloudformation.services.compute import triggers
from archdsl.export.cloudformation.services.data import bucket_objects
from archdsl.export.cloudformation.services.messaging import deliver_to_bucket, targets_role
from archdsl.export.cloudformation.template import Resource
from archdsl.export.cloudformation.wiring import ends, invoke_permission, resource_policy
from archdsl.export.cloudformation.wiring.clients import DATA_PREFIX

STREAM_READ = [
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
]
TABLE_STREAM_READ = [
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
]
QUEUE_READ = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
DESTINATIONS = {"sqs": ("Queue", "sqs:SendMessage"), "sns": ("Topic", "sns:Publish")}
"""Queues and topics that services deliver to: the word S3 notifications use for them, and
the action their policy allows."""


def _poll(
    ctx: Context, flow: Flow, sid: str, actions: list[str], arn: Any, settings: dict[str, Any]
) -> None:
    """The function's role may read ``actions`` on ``arn``, and a mapping polls it for the
    function with ``settings``."""
    source, function = ends(ctx, flow)
    ctx.role(function.id).allow(sid, actions, arn)
    ctx.add_wiring(
        flow,
        function,
        f"{function.base}From{source.base}Mapping",
        "AWS::Lambda::EventSourceMapping",
        {
            "FunctionName": Ref(ctx.handle(function.id).logical_id),
            "EventSourceArn": arn,
            **settings,
        },
    )
    triggers(ctx, function.id).add(source.key)


# -- poll: event source mappings ----------------------------------------------------------------


@edge("stream_to_function")
def stream_to_function(ctx: Context, flow: Flow) -> None:
    stream = ctx.node(flow.source)
    settings = {
        "StartingPosition": "LATEST",
        "BatchSize": 100,
        "MaximumBatchingWindowInSeconds": 5,
        "BisectBatchOnFunctionError": True,
        "MaximumRetryAttempts": 3,
    }
    _poll(ctx, flow, f"Read{stream.base}", STREAM_READ, ctx.handle(stream.id).arn, settings)


@edge("queue_to_function")
def queue_to_function(ctx: Context, flow: Flow) -> None:
    queue = ctx.node(flow.source)
    settings = {"BatchSize": 10, "FunctionResponseTypes": ["ReportBatchItemFailures"]}
    _poll(ctx, flow, f"Consume{queue.base}", QUEUE_READ, ctx.handle(queue.id).arn, settings)


@edge("table_stream_to_function")
def table_stream_to_function(ctx: Context, flow: Flow) -> None:
    table = ctx.node(flow.source)
    ctx.resource(table.id).properties["StreamSpecification"] = {
        "StreamViewType": "NEW_AND_OLD_IMAGES"
    }
    stream_arn = GetAtt(ctx.handle(table.id).logical_id, "StreamArn")
    settings = {"StartingPosition": "LATEST", "BatchSize": 100, "MaximumRetryAttempts": 3}
    _poll(ctx, flow, f"Read{table.base}Stream", TABLE_STREAM_READ, stream_arn, settings)


# -- SNS subscriptions --------------------------------------------------------------------------


def _subscription(ctx: Context, flow: Flow, protocol: str, endpoint: Any, **extra: Any) -> None:
    topic, target = ends(ctx, flow)
    ctx.add_wiring(
        flow,
        topic,
        f"{topic.base}To{target.base}Subscription",
        "AWS::SNS::Subscription",
        {
            "TopicArn": Ref(ctx.handle(topic.id).logical_id),
            "Protocol": protocol,
            "Endpoint": endpoint,
            **extra,
        },
    )


@edge("topic_to_queue")
def topic_to_queue(ctx: Context, flow: Flow) -> None:
    topic, queue = ends(ctx, flow)
    _subscription(ctx, flow, "sqs", ctx.handle(queue.id).arn, RawMessageDelivery=True)
    _let_deliver(ctx, flow, "sns.amazonaws.com", Ref(ctx.handle(topic.id).logical_id))


@edge("topic_to_function")
def topic_to_function(ctx: Context, flow: Flow) -> None:
    topic, function = ends(ctx, flow)
    _subscription(ctx, flow, "lambda", ctx.handle(function.id).arn)
    invoke_permission(ctx, flow, "sns.amazonaws.com", Ref(ctx.handle(topic.id).logical_id))
    triggers(ctx, function.id).add("sns")


@edge("topic_to_delivery_stream")
def topic_to_delivery_stream(ctx: Context, flow: Flow) -> None:
    topic, stream = ends(ctx, flow)
    role = edge_role(ctx, topic, "sns.amazonaws.com", "SubscriptionRole")
    stream_arn = ctx.handle(stream.id).arn
    role.allow(
        f"DeliverTo{stream.base}",
        ["firehose:DescribeDeliveryStream", "firehose:PutRecord", "firehose:PutRecordBatch"],
        stream_arn,
    )
    _subscription(
        ctx, flow, "firehose", stream_arn, SubscriptionRoleArn=GetAtt(role.logical_id, "Arn")
    )


def _let_deliver(
    ctx: Context, flow: Flow, principal: str, source_arn: Any, account: bool = False
) -> Resource:
    """Let ``principal`` deliver into the flow's queue or topic, for ``source_arn`` only (and
    for this account only, when ``account``): a statement in the destination's one policy."""
    source, destination = ends(ctx, flow)
    condition: dict[str, Any] = {"ArnEquals": {"aws:SourceArn": source_arn}}
    if account:
        condition["StringEquals"] = {"aws:SourceAccount": Ref("AWS::AccountId")}
    statement = {
        "Sid": f"From{source.base}",
        "Effect": "Allow",
        "Principal": {"Service": principal},
        "Action": DESTINATIONS[destination.key][1],
        "Resource": ctx.handle(destination.id).arn,
        "Condition": condition,
    }
    return resource_policy(ctx, flow, destination, statement)


# -- S3 notifications ---------------------------------------------------------------------------


def _notification(
    ctx: Context, bucket: AwsNode, kind: str, entry: dict[str, Any], after: str
) -> None:
    resource = ctx.resource(bucket.id)
    configuration = resource.properties.setdefault("NotificationConfiguration", {})
    configuration.setdefault(kind, []).append(
        {
            "Event": "s3:ObjectCreated:*",
            **entry,
            "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": DATA_PREFIX}]}},
        }
    )
    # S3 checks the destination when the configuration is put: the permission or policy first.
    resource.depends_on.append(after)


@edge("bucket_to_function")
def bucket_to_function(ctx: Context, flow: Flow) -> None:
    bucket, function = ends(ctx, flow)
    handle = ctx.handle(bucket.id)
    permission = invoke_permission(ctx, flow, "s3.amazonaws.com", handle.arn, source_account=True)
    ctx.role(function.id).allow(
        f"Read{bucket.base}Objects", ["s3:GetObject"], bucket_objects(ctx, bucket, DATA_PREFIX)
    )
    _notification(
        ctx,
        bucket,
        "LambdaConfigurations",
        {"Function": ctx.handle(function.id).arn},
        permission.logical_id,
    )
    triggers(ctx, function.id).add("s3")


@edge("bucket_to_queue")
@edge("bucket_to_topic")
def bucket_to_destination(ctx: Context, flow: Flow) -> None:
    bucket, destination = ends(ctx, flow)
    arn = ctx.handle(bucket.id).arn
    policy = _let_deliver(ctx, flow, "s3.amazonaws.com", arn, account=True)
    kind = DESTINATIONS[destination.key][0]
    entry = {kind: ctx.handle(destination.id).arn}
    _notification(ctx, bucket, f"{kind}Configurations", entry, policy.logical_id)


@edge("bucket_to_events")
def bucket_to_events(ctx: Context, flow: Flow) -> None:
    bucket, bus = ends(ctx, flow)
    resource = ctx.resource(bucket.id)
    configuration = resource.properties.setdefault("NotificationConfiguration", {})
    configuration["EventBridgeConfiguration"] = {"EventBridgeEnabled": True}
    handle = ctx.handle(bus.id)
    if handle.logical_id:
        # S3 sends its events to the default bus only: a rule there forwards this bucket's to
        # the custom bus (which other services put events into).
        role = targets_role(ctx, bus)
        role.allow(f"ForwardTo{bus.base}", ["events:PutEvents"], handle.arn)
        ctx.add_wiring(
            flow,
            bus,
            f"{bus.base}From{bucket.base}Rule",
            "AWS::Events::Rule",
            {
                "Description": f"{flow.text} (line {flow.line}): from the default bus",
                "State": "ENABLED",
                "EventPattern": {
                    "source": ["aws.s3"],
                    "detail-type": ["Object Created"],
                    "detail": {"bucket": {"name": [ctx.handle(bucket.id).ref]}},
                },
                "Targets": [
                    {"Id": bus.slug, "Arn": handle.arn, "RoleArn": GetAtt(role.logical_id, "Arn")}
                ],
            },
        )


# -- EventBridge rules --------------------------------------------------------------------------


def _rule(ctx: Context, flow: Flow, target_entry: dict[str, Any]) -> Any:
    """One rule per target edge: each permission and policy names exactly its rule."""
    bus, target = ends(ctx, flow)
    handle = ctx.handle(bus.id)
    properties: dict[str, Any] = {
        "Description": f"{bus.id} --> {target.id} (line {flow.line})",
        "State": "ENABLED",
    }
    if "schedule" in handle.extra:
        properties["ScheduleExpression"] = handle.extra["schedule"]
    elif handle.logical_id:
        properties["EventBusName"] = Ref(handle.logical_id)
        properties["EventPattern"] = {"account": [Ref("AWS::AccountId")]}
    else:
        properties["EventPattern"] = _bucket_pattern(ctx, bus)
    properties["Targets"] = [{"Id": target.slug, **target_entry}]
    rule = ctx.add_wiring(
        flow, bus, f"{bus.base}To{target.base}Rule", "AWS::Events::Rule", properties
    )
    return GetAtt(rule.logical_id, "Arn")


def _bucket_pattern(ctx: Context, bus: AwsNode) -> dict[str, Any]:
    buckets = [ctx.handle(f.source).ref for f in ctx.plan.flows if f.target == bus.id]
    return {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": buckets}},
    }


@edge("rule_to_function")
def rule_to_function(ctx: Context, flow: Flow) -> None:
    _, function = ends(ctx, flow)
    rule_arn = _rule(ctx, flow, {"Arn": ctx.handle(function.id).arn})
    invoke_permission(ctx, flow, "events.amazonaws.com", rule_arn)
    triggers(ctx, function.id).add("eventbridge")


@edge("rule_to_queue")
@edge("rule_to_topic")
def rule_to_destination(ctx: Context, flow: Flow) -> None:
    _, destination = ends(ctx, flow)
    rule_arn = _rule(ctx, flow, {"Arn": ctx.handle(destination.id).arn})
    _let_deliver(ctx, flow, "events.amazonaws.com", rule_arn)


ROLE_TARGETS = {
    "step_functions": ("StartExecution", ["states:StartExecution"]),
    "kinesis": ("PutRecord", ["kinesis:PutRecord"]),
    "firehose": ("PutRecord", ["firehose:PutRecord", "firehose:PutRecordBatch"]),
}


@edge("rule_with_role")
def rule_with_role(ctx: Context, flow: Flow) -> None:
    bus, target = ends(ctx, flow)
    role = targets_role(ctx, bus)
    verb, actions = ROLE_TARGETS[target.key]
    arn = ctx.handle(target.id).arn
    role.allow(f"{verb}{target.base}", actions, arn)
    entry: dict[str, Any] = {"Arn": arn, "RoleArn": GetAtt(role.logical_id, "Arn")}
    if target.key == "kinesis":
        entry["KinesisParameters"] = {"PartitionKeyPath": "$.id"}
    _rule(ctx, flow, entry)


@edge("dead_letter_queue")
def dead_letter_queue(ctx: Context, flow: Flow) -> None:
    """Messages that fail in the source queue move on to the target: a dead-letter queue."""
    queue, dead_letters = ends(ctx, flow)
    resource = ctx.resource(queue.id)
    resource.properties["RedrivePolicy"] = {
        "deadLetterTargetArn": ctx.handle(dead_letters.id).arn,
        "maxReceiveCount": 5,
    }


# -- streams into streams, Firehose into S3 -----------------------------------------------------


@edge("table_to_stream")
def table_to_stream(ctx: Context, flow: Flow) -> None:
    table, stream = ends(ctx, flow)
    resource = ctx.resource(table.id)
    resource.properties["KinesisStreamSpecification"] = {"StreamArn": ctx.handle(stream.id).arn}


@edge("stream_to_delivery_stream")
def stream_to_delivery_stream(ctx: Context, flow: Flow) -> None:
    stream, delivery = ends(ctx, flow)
    role = ctx.role(delivery.id)
    arn = ctx.handle(stream.id).arn
    role.allow(f"Read{stream.base}", STREAM_READ, arn)
    resource = ctx.resource(delivery.id)
    resource.properties["DeliveryStreamType"] = "KinesisStreamAsSource"
    resource.properties["KinesisStreamSourceConfiguration"] = {
        "KinesisStreamARN": arn,
        "RoleARN": GetAtt(role.logical_id, "Arn"),
    }


@edge("delivery_stream_to_bucket")
def delivery_stream_to_bucket(ctx: Context, flow: Flow) -> None:
    delivery, bucket = ends(ctx, flow)
    stream = ctx.resource(delivery.id)
    if "ExtendedS3DestinationConfiguration" in stream.properties:
        ctx.template.note(
            "note",
            flow.line,
            f"`{flow.text}`: a delivery stream has one destination; it delivers to the "
            "first bucket drawn",
        )
        return
    deliver_to_bucket(
        ctx, delivery, ctx.handle(bucket.id).arn, bucket_objects(ctx, bucket, DATA_PREFIX)
    )
