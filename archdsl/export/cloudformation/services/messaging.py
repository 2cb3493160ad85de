"""Messaging and streaming: topics, queues, streams, delivery streams, event buses, brokers."""

from __future__ import annotations

import re
from typing import Any

from archdsl.emit.cloudformation import AwsNode
from archdsl.export.cloudformation import network
from archdsl.export.cloudformation.context import Context, Handle
from archdsl.export.cloudformation.iam import RolePolicy
from archdsl.export.cloudformation.intrinsics import GetAtt, Ref, Select, Sub
from archdsl.export.cloudformation.registry import finisher, service
from archdsl.export.cloudformation.services import (
    REF,
    Face,
    compute_role,
    edge_role,
    publish,
    register,
)
from archdsl.export.cloudformation.services.data import private_bucket

QUEUE_VISIBILITY_FOR_LAMBDA = 180
"""Six times the functions' timeout, as AWS advises for queues that Lambda consumes."""

SCHEDULE_WORDS = re.compile(r"\b(schedul\w*|cron|timer|every|nightly|daily|hourly)\b", re.I)


@service("sns")
def build_topic(ctx: Context, node: AwsNode) -> None:
    topic = ctx.add(node, "Topic", "AWS::SNS::Topic", {"TopicName": ctx.name(node)})
    publish(ctx, node, topic, Face("TOPIC_ARN", REF, output="TopicArn", says="topic ARN"))


@service("sqs")
def build_queue(ctx: Context, node: AwsNode) -> None:
    properties: dict[str, Any] = {"QueueName": ctx.name(node), "SqsManagedSseEnabled": True}
    if any(
        flow.source == node.id and ctx.node(flow.target).key == "lambda" for flow in ctx.plan.flows
    ):
        properties["VisibilityTimeout"] = QUEUE_VISIBILITY_FOR_LAMBDA
    queue = ctx.add(node, "Queue", "AWS::SQS::Queue", properties, delete=True)
    publish(ctx, node, queue, Face("QUEUE_URL", "Arn", output="QueueUrl", says="queue URL"))


@service("kinesis")
def build_stream(ctx: Context, node: AwsNode) -> None:
    stream = ctx.add(
        node,
        "Stream",
        "AWS::Kinesis::Stream",
        {
            "Name": ctx.name(node),
            "RetentionPeriodHours": 24,
            "StreamModeDetails": {"StreamMode": "ON_DEMAND"},
            # The AWS managed key: its key policy already lets producers and consumers of the
            # account use it through Kinesis, so the roles need no KMS statements.
            "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"},
        },
        delete=True,
    )
    face = Face("STREAM_NAME", "Arn", output="StreamArn", says="stream ARN", shows="Arn")
    publish(ctx, node, stream, face)


# -- Firehose -----------------------------------------------------------------------------------


@service("firehose")
def build_delivery_stream(ctx: Context, node: AwsNode) -> None:
    compute_role(ctx, node, "firehose.amazonaws.com")
    stream = ctx.add(
        node,
        "DeliveryStream",
        "AWS::KinesisFirehose::DeliveryStream",
        {
            "DeliveryStreamName": ctx.name(node),
            "DeliveryStreamType": "DirectPut",
        },
    )
    face = Face(
        "DELIVERY_STREAM_NAME",
        "Arn",
        output="DeliveryStreamArn",
        says="delivery stream ARN",
        shows="Arn",
    )
    publish(ctx, node, stream, face)


def deliver_to_bucket(ctx: Context, node: AwsNode, bucket_arn: Any, bucket_objects: Any) -> None:
    """Point ``node``'s delivery stream at a bucket, with the role statements that needs."""
    stream = ctx.resource(node.id)
    policy: RolePolicy = ctx.role(node.id)
    stream.properties["ExtendedS3DestinationConfiguration"] = {
        "BucketARN": bucket_arn,
        "RoleARN": GetAtt(policy.logical_id, "Arn"),
        "Prefix": "data/",
        "ErrorOutputPrefix": "errors/",
        "BufferingHints": {"IntervalInSeconds": 300, "SizeInMBs": 5},
        "CompressionFormat": "GZIP",
    }
    policy.allow(
        "ListBucket",
        ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
        bucket_arn,
    )
    policy.allow(
        "DeliverObjects",
        ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
        bucket_objects,
    )


@finisher("firehose")
def finish_delivery_stream(ctx: Context, node: AwsNode) -> None:
    """A delivery stream cannot exist without a destination: give it a bucket of its own."""
    stream = ctx.resource(node.id)
    if "ExtendedS3DestinationConfiguration" in stream.properties:
        return
    bucket = private_bucket(
        ctx, node, "DestinationBucket", ctx.name_text(node, suffix="-${AWS::AccountId}")
    )
    ctx.template.note(
        "note",
        node.line,
        f"`{node.id}` delivers to no S3 bucket in the diagram: the template gives it its own "
        f"destination bucket ({bucket.logical_id})",
    )
    arn = GetAtt(bucket.logical_id, "Arn")
    deliver_to_bucket(ctx, node, arn, Sub(f"${{{bucket.logical_id}.Arn}}/*"))


# -- EventBridge --------------------------------------------------------------------------------


def is_schedule(ctx: Context, node: AwsNode) -> bool:
    """A scheduler: titled like one, and nothing puts events into it."""
    fed = any(flow.target == node.id for flow in ctx.plan.flows)
    return not fed and bool(SCHEDULE_WORDS.search(f"{node.title} {node.id.replace('_', ' ')}"))


@service("eventbridge")
def build_event_bus(ctx: Context, node: AwsNode) -> None:
    if is_schedule(ctx, node):
        # A schedule lives on the default bus: its rules are made per target by the edges.
        register(ctx, node, Handle("", extra={"schedule": "rate(1 hour)"}))
        if not any(flow.source == node.id for flow in ctx.plan.flows):
            ctx.add(
                node,
                "Rule",
                "AWS::Events::Rule",
                {"Name": ctx.name(node), "ScheduleExpression": "rate(1 hour)", "State": "DISABLED"},
            )
        return
    bus = ctx.add(node, "EventBus", "AWS::Events::EventBus", {"Name": ctx.name(node)})
    face = Face("EVENT_BUS_NAME", "Arn", output="EventBusArn", says="event bus ARN", shows="Arn")
    publish(ctx, node, bus, face)


def targets_role(ctx: Context, node: AwsNode) -> RolePolicy:
    """The role EventBridge assumes for targets that need one (streams, state machines)."""
    return edge_role(ctx, node, "events.amazonaws.com", "TargetsRole")


# -- Amazon MQ and MSK --------------------------------------------------------------------------


@service("mq")
def build_broker(ctx: Context, node: AwsNode) -> None:
    secret = ctx.add(
        node,
        "BrokerSecret",
        "AWS::SecretsManager::Secret",
        {
            "Description": f"Broker user of {node.title}",
            "GenerateSecretString": {
                "SecretStringTemplate": '{"username": "broker"}',
                "GenerateStringKey": "password",
                "PasswordLength": 32,
                "ExcludePunctuation": True,
            },
        },
        retain=True,
    )
    properties: dict[str, Any] = {
        "BrokerName": ctx.name(node),
        "EngineType": "RABBITMQ",
        "EngineVersion": "3.13",
        "HostInstanceType": "mq.t3.micro",
        "DeploymentMode": "SINGLE_INSTANCE",
        "PubliclyAccessible": False,
        "AutoMinorVersionUpgrade": True,
        "Users": [
            {
                "Username": Sub(
                    f"{{{{resolve:secretsmanager:${{{secret.logical_id}}}:SecretString:username}}}}"
                ),
                "Password": Sub(
                    f"{{{{resolve:secretsmanager:${{{secret.logical_id}}}:SecretString:password}}}}"
                ),
            }
        ],
    }
    if node.network is not None:
        properties["SubnetIds"] = [Select(0, network.subnet_ids(ctx, node))]
        properties["SecurityGroups"] = [network.security_group(ctx, node)]
    broker = ctx.add(node, "Broker", "AWS::AmazonMQ::Broker", properties)
    endpoint = Select(0, GetAtt(broker.logical_id, "AmqpEndpoints"))
    face = Face(
        "BROKER_ENDPOINT", "Arn", endpoint, output="BrokerArn", says="broker ARN", shows="Arn"
    )
    publish(ctx, node, broker, face, secret=Ref(secret.logical_id))


@service("msk")
def build_kafka(ctx: Context, node: AwsNode) -> None:
    cluster = ctx.add(
        node,
        "Cluster",
        "AWS::MSK::Cluster",
        {
            "ClusterName": ctx.name(node),
            "KafkaVersion": "3.6.0",
            "NumberOfBrokerNodes": 2,
            "BrokerNodeGroupInfo": {
                "InstanceType": "kafka.t3.small",
                "ClientSubnets": network.subnet_ids(ctx, node),
                "SecurityGroups": [network.security_group(ctx, node)],
                "StorageInfo": {"EBSStorageInfo": {"VolumeSize": 10}},
            },
            "ClientAuthentication": {"Sasl": {"Iam": {"Enabled": True}}},
            "EncryptionInfo": {"EncryptionInTransit": {"ClientBroker": "TLS", "InCluster": True}},
        },
        retain=True,
    )
    publish(ctx, node, cluster, Face("CLUSTER_ARN", REF, output="ClusterArn", says="cluster ARN"))
