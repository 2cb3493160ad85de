"""Monitoring and protection edges: alarms on what CloudWatch watches, backups of stores.

- X → CloudWatch: an alarm on X's telling metric (a function's errors, a queue's oldest
  message, a stream's iterator age...), listed with the CloudWatch service.
- CloudWatch → SNS: every alarm of that CloudWatch service notifies the topic.
- X → Backup: the backup plan's selection names X.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from archdsl.emit.cloudformation import AwsNode, Flow
from archdsl.export.cloudformation.context import Context
from archdsl.export.cloudformation.intrinsics import GetAtt, Ref, Sub
from archdsl.export.cloudformation.registry import edge, finisher
from archdsl.export.cloudformation.services.management import alarms, backup_resources
from archdsl.export.cloudformation.wiring import ends

Dimension = Callable[[Context, AwsNode], list[dict[str, Any]]]


def _by_ref(name: str) -> Dimension:
    return lambda ctx, node: [{"Name": name, "Value": Ref(ctx.handle(node.id).logical_id)}]


def _by_attribute(name: str, attribute: str) -> Dimension:
    return lambda ctx, node: [
        {"Name": name, "Value": GetAtt(ctx.handle(node.id).logical_id, attribute)}
    ]


def _container_service(ctx: Context, node: AwsNode) -> list[dict[str, Any]]:
    service = ctx.handle(node.id).logical_id
    return [
        {"Name": "ClusterName", "Value": Ref(str(ctx.state["ecs_cluster"]))},
        {"Name": "ServiceName", "Value": GetAtt(service, "Name")},
    ]


@dataclass(frozen=True)
class Watch:
    """The one metric that says a kind of service is in trouble."""

    namespace: str
    metric: str
    dimensions: Dimension
    statistic: str
    threshold: float


WATCHES: dict[str, Watch] = {
    "lambda": Watch("AWS/Lambda", "Errors", _by_ref("FunctionName"), "Sum", 1),
    "sqs": Watch(
        "AWS/SQS",
        "ApproximateAgeOfOldestMessage",
        _by_attribute("QueueName", "QueueName"),
        "Maximum",
        600,
    ),
    "step_functions": Watch("AWS/States", "ExecutionsFailed", _by_ref("StateMachineArn"), "Sum", 1),
    "kinesis": Watch(
        "AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", _by_ref("StreamName"), "Maximum", 60000
    ),
    "api_gateway": Watch("AWS/ApiGateway", "5xx", _by_ref("ApiId"), "Sum", 1),
    "dynamodb": Watch("AWS/DynamoDB", "ReadThrottleEvents", _by_ref("TableName"), "Sum", 1),
    "elb": Watch(
        "AWS/ApplicationELB",
        "HTTPCode_ELB_5XX_Count",
        _by_attribute("LoadBalancer", "LoadBalancerFullName"),
        "Sum",
        1,
    ),
    "ecs": Watch("AWS/ECS", "CPUUtilization", _container_service, "Average", 80),
    "fargate": Watch("AWS/ECS", "CPUUtilization", _container_service, "Average", 80),
    "ec2": Watch("AWS/EC2", "StatusCheckFailed", _by_ref("InstanceId"), "Maximum", 1),
    "rds": Watch("AWS/RDS", "CPUUtilization", _by_ref("DBInstanceIdentifier"), "Average", 80),
}


@edge("alarm_on")
def alarm_on(ctx: Context, flow: Flow) -> None:
    watched, cloudwatch = ends(ctx, flow)
    watch = WATCHES[watched.key]
    alarm = ctx.add_wiring(
        flow,
        cloudwatch,
        f"{cloudwatch.base}{watched.base}Alarm",
        "AWS::CloudWatch::Alarm",
        {
            "AlarmDescription": f"{watched.title}: {watch.metric} ({flow.text})",
            "Namespace": watch.namespace,
            "MetricName": watch.metric,
            "Dimensions": watch.dimensions(ctx, watched),
            "Statistic": watch.statistic,
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": watch.threshold,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
        },
    )
    alarms(ctx, cloudwatch.id).append(alarm.logical_id)


@edge("alarm_notifies")
def alarm_notifies(ctx: Context, flow: Flow) -> None:
    cloudwatch, topic = ends(ctx, flow)
    actions: dict[str, list[Any]] = ctx.state.setdefault("alarm_actions", {})
    actions.setdefault(cloudwatch.id, []).append(Ref(ctx.handle(topic.id).logical_id))


@finisher("cloudwatch")
def notify_from_alarms(ctx: Context, node: AwsNode) -> None:
    actions = ctx.state.get("alarm_actions", {}).get(node.id)
    if not actions:
        return
    found = alarms(ctx, node.id)
    if not found:
        ctx.template.note(
            "note",
            node.line,
            f"`{node.id}` notifies a topic but watches nothing in the diagram: draw the "
            "services it watches (`fn --> watch`) to get alarms",
        )
    for alarm_id in found:
        ctx.template.resources[alarm_id].properties["AlarmActions"] = list(actions)


BACKUP_ARNS: dict[str, Callable[[Context, AwsNode], Any]] = {
    "dynamodb": lambda ctx, node: ctx.handle(node.id).arn,
    "s3": lambda ctx, node: ctx.handle(node.id).arn,
    "rds": lambda ctx, node: Sub(ctx.arn_text("rds", f"db:${{{ctx.handle(node.id).logical_id}}}")),
    "aurora": lambda ctx, node: Sub(
        ctx.arn_text("rds", f"cluster:${{{ctx.handle(node.id).logical_id}}}")
    ),
    "ec2": lambda ctx, node: Sub(
        ctx.arn_text("ec2", f"instance/${{{ctx.handle(node.id).logical_id}}}")
    ),
}


@edge("backed_up")
def backed_up(ctx: Context, flow: Flow) -> None:
    store, backup = ends(ctx, flow)
    backup_resources(ctx, backup.id).append(BACKUP_ARNS[store.key](ctx, store))
