"""A compute service calling another service: least-privilege statements and how to find it.

For each edge out of a compute service (Lambda, containers, EC2, Glue, Batch, CodeBuild, Step
Functions) the caller's one role gets the target's actions on the target's ARN, and the caller
learns where the target is: an environment variable (``ORDERS_TABLE_NAME``), a Glue job
argument, or a state machine task. Edges into a compute service from a store it reads
(a secret, a parameter; for containers and instances also a bucket, table, queue or stream)
give it the read actions instead. Databases and caches are reached over the network: the
target's security group opens to the caller's, and a managed master secret becomes readable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from archdsl.emit.cloudformation import AwsNode, Flow
from archdsl.export.cloudformation import network
from archdsl.export.cloudformation.context import Context
from archdsl.export.cloudformation.iam import RolePolicy
from archdsl.export.cloudformation.intrinsics import GetAtt, Sub
from archdsl.export.cloudformation.registry import edge
from archdsl.export.cloudformation.services.compute import calls, steps
from archdsl.export.cloudformation.services.data import bucket_objects
from archdsl.export.cloudformation.stubs import Call
from archdsl.export.cloudformation.wiring import ends, env_name

DATA_PREFIX = "data/"
"""Where writers put objects, and where Athena tables and readers look for them."""

Resources = Callable[[Context, AwsNode], list[Any]]


def _arn(ctx: Context, target: AwsNode) -> list[Any]:
    return [ctx.handle(target.id).arn]


def _arn_by_name(ctx: Context, target: AwsNode) -> list[Any]:
    """Compute targets by name: two compute services calling each other make no cycle."""
    handle = ctx.handle(target.id)
    return [handle.extra.get("arn_by_name", handle.arn)]


def _objects(ctx: Context, target: AwsNode) -> list[Any]:
    return [bucket_objects(ctx, target, DATA_PREFIX)]


def _function_and_versions(ctx: Context, target: AwsNode) -> list[Any]:
    arn = _arn_by_name(ctx, target)[0]
    return [arn, Sub(f"{arn.value}:*")]


def _search_paths(ctx: Context, target: AwsNode) -> list[Any]:
    return [Sub(f"${{{ctx.handle(target.id).logical_id}.Arn}}/*")]


def _everything(ctx: Context, target: AwsNode) -> list[Any]:
    return ["*"]


@dataclass(frozen=True)
class Access:
    """What one kind of target lets a caller do: a statement id verb, actions, resources."""

    verb: str
    actions: tuple[str, ...]
    resources: Resources = _arn


WRITES: dict[str, Access] = {
    "dynamodb": Access("Write", ("dynamodb:PutItem",)),
    "sns": Access("Publish", ("sns:Publish",)),
    "sqs": Access("Send", ("sqs:SendMessage",)),
    "kinesis": Access("PutRecords", ("kinesis:PutRecord", "kinesis:PutRecords")),
    "s3": Access("WriteObjects", ("s3:PutObject",), _objects),
    "step_functions": Access("StartExecution", ("states:StartExecution",), _arn_by_name),
    "eventbridge": Access("PutEvents", ("events:PutEvents",)),
    "lambda": Access("Invoke", ("lambda:InvokeFunction",), _arn_by_name),
    "firehose": Access("PutRecords", ("firehose:PutRecord", "firehose:PutRecordBatch")),
    "ses": Access("SendEmail", ("ses:SendEmail", "ses:SendRawEmail")),
    "keyspaces": Access("Modify", ("cassandra:Modify",)),
    "opensearch": Access("Index", ("es:ESHttpPost", "es:ESHttpPut"), _search_paths),
    "kms": Access("Encrypt", ("kms:Encrypt", "kms:GenerateDataKey")),
}
"""Data flowing from a compute service into these targets: the calls that write it."""
WRITES["glacier"] = WRITES["s3"]  # a Glacier node is a bucket whose objects archive at once

DYNAMODB_VERBS = (
    (re.compile(r"\b(read|reads|get|gets|fetch|load|lookup|look up)\b", re.I), "dynamodb:GetItem"),
    (re.compile(r"\b(query|queries|search|list)\b", re.I), "dynamodb:Query"),
    (re.compile(r"\b(update|updates|upsert)\b", re.I), "dynamodb:UpdateItem"),
    (re.compile(r"\b(delete|deletes|remove)\b", re.I), "dynamodb:DeleteItem"),
    (re.compile(r"\bbatch", re.I), "dynamodb:BatchWriteItem"),
)
"""Words of an edge title that ask for more DynamoDB actions than ``PutItem``."""

READS: dict[str, tuple[Access, ...]] = {
    "secrets_manager": (Access("ReadSecret", ("secretsmanager:GetSecretValue",)),),
    "systems_manager": (Access("ReadParameter", ("ssm:GetParameter", "ssm:GetParameters")),),
    "kms": (Access("Decrypt", ("kms:Decrypt",)),),
    "s3": (
        Access("ListBucket", ("s3:ListBucket",)),
        Access("ReadObjects", ("s3:GetObject",), _objects),
    ),
    "dynamodb": (Access("ReadItems", ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan")),),
    "sqs": (
        Access(
            "ConsumeMessages",
            ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"),
        ),
    ),
    "kinesis": (
        Access(
            "ReadStream",
            (
                "kinesis:DescribeStreamSummary",
                "kinesis:GetRecords",
                "kinesis:GetShardIterator",
                "kinesis:ListShards",
            ),
        ),
    ),
}
"""Data flowing from these sources into a compute service that fetches it itself."""
READS["glacier"] = READS["s3"]

NETWORK_TARGETS = frozenset(
    {
        "rds",
        "aurora",
        "documentdb",
        "neptune",
        "elasticache",
        "redshift",
        "mq",
        "msk",
        "ec2",
        "ecs",
        "fargate",
    }
)
"""Reached over the network: the caller must be in the VPC, and the target's group opens."""

CALLERS_WITH_ENV = ("lambda", "ecs", "fargate", "glue", "batch", "codebuild")
NETWORK_CALLERS = ("lambda", "ecs", "fargate", "ec2", "batch")

STATE_TASKS: dict[str, tuple[str, dict[str, Any]]] = {
    "lambda": (
        "arn:aws:states:::lambda:invoke",
        {"FunctionName": "${@VAR@}", "Payload.$": "$"},
    ),
    "dynamodb": (
        "arn:aws:states:::dynamodb:putItem",
        {
            "TableName": "${@VAR@}",
            "Item": {
                "id": {"S.$": "$$.Execution.Name"},
                "body": {"S.$": "States.JsonToString($)"},
            },
        },
    ),
    "sns": ("arn:aws:states:::sns:publish", {"TopicArn": "${@VAR@}", "Message.$": "$"}),
    "sqs": ("arn:aws:states:::sqs:sendMessage", {"QueueUrl": "${@VAR@}", "MessageBody.$": "$"}),
    "s3": (
        "arn:aws:states:::aws-sdk:s3:putObject",
        {
            "Bucket": "${@VAR@}",
            "Key.$": "States.Format('data/{}.json', $$.Execution.Name)",
            "Body.$": "States.JsonToString($)",
        },
    ),
    "eventbridge": (
        "arn:aws:states:::events:putEvents",
        {
            "Entries": [
                {
                    "EventBusName": "${@VAR@}",
                    "Source": "@SOURCE@",
                    "DetailType": "message",
                    "Detail.$": "$",
                }
            ]
        },
    ),
    "step_functions": (
        "arn:aws:states:::states:startExecution",
        {"StateMachineArn": "${@VAR@}", "Input.$": "$"},
    ),
    "kinesis": (
        "arn:aws:states:::aws-sdk:kinesis:putRecord",
        {
            "StreamName": "${@VAR@}",
            "Data.$": "States.JsonToString($)",
            "PartitionKey.$": "$$.Execution.Name",
        },
    ),
    "firehose": (
        "arn:aws:states:::aws-sdk:firehose:putRecord",
        {"DeliveryStreamName": "${@VAR@}", "Record": {"Data.$": "States.JsonToString($)"}},
    ),
}
"""Step Functions' own integrations: the task resource and parameters for each target."""


def _sid(access: Access, target: AwsNode) -> str:
    return f"{access.verb}{target.base}"


def _actions(access: Access, target: AwsNode, flow: Flow) -> tuple[str, ...]:
    if target.key != "dynamodb" or not flow.label:
        return access.actions
    extra = tuple(action for pattern, action in DYNAMODB_VERBS if pattern.search(flow.label))
    return tuple(dict.fromkeys(access.actions + extra))


def reference(ctx: Context, target: AwsNode) -> Any:
    """What names the target for a caller (by name for compute targets, against cycles)."""
    handle = ctx.handle(target.id)
    return handle.extra.get("name_by_name", handle.ref)


def allow_writes(ctx: Context, flow: Flow, role: RolePolicy, target: AwsNode) -> None:
    """Let ``role`` write what ``flow`` carries into ``target`` (:data:`WRITES`)."""
    access = WRITES[target.key]
    role.allow(_sid(access, target), _actions(access, target, flow), access.resources(ctx, target))


# -- compute → target ---------------------------------------------------------------------------


@edge("call_service")
def call_service(ctx: Context, flow: Flow) -> None:
    caller, target = ends(ctx, flow)
    allow_writes(ctx, flow, ctx.role(caller.id), target)
    if target.network is not None and caller.network is not None:
        network.allow_from(ctx, flow, caller, target)
    _tell_caller(ctx, caller, target)


@edge("instance_calls_service")
def instance_calls_service(ctx: Context, flow: Flow) -> None:
    caller, target = ends(ctx, flow)
    allow_writes(ctx, flow, ctx.role(caller.id), target)


def _tell_caller(ctx: Context, caller: AwsNode, target: AwsNode) -> None:
    handle = ctx.handle(target.id)
    name = env_name(target, handle.env)
    ctx.set_env(caller.id, name, reference(ctx, target))
    source_name = caller.id if target.key == "eventbridge" else ""
    calls(ctx, caller.id).append(Call(target.key, name, source_name))


@edge("reach_database")
def reach_database(ctx: Context, flow: Flow) -> None:
    caller, target = ends(ctx, flow)
    network.allow_from(ctx, flow, caller, target)
    handle = ctx.handle(target.id)
    secret = handle.extra.get("secret")
    if caller.key == "ec2":
        if secret is not None:
            ctx.role(caller.id).allow(
                f"ReadSecret{target.base}", ["secretsmanager:GetSecretValue"], secret
            )
        return
    ctx.set_env(caller.id, env_name(target, handle.env), handle.ref)
    if secret is not None:
        ctx.set_env(caller.id, env_name(target, "SECRET_ARN"), secret)
        ctx.role(caller.id).allow(
            f"ReadSecret{target.base}", ["secretsmanager:GetSecretValue"], secret
        )


# -- source → compute that reads it ---------------------------------------------------------------


def _read(ctx: Context, flow: Flow) -> None:
    source, reader = ends(ctx, flow)
    for access in READS[source.key]:
        ctx.role(reader.id).allow(
            _sid(access, source), access.actions, access.resources(ctx, source)
        )
    handle = ctx.handle(source.id)
    if reader.key != "ec2":
        ctx.set_env(reader.id, env_name(source, handle.env), handle.ref)
        calls(ctx, reader.id).append(Call(source.key, env_name(source, handle.env)))


@edge("function_reads")
def function_reads(ctx: Context, flow: Flow) -> None:
    _read(ctx, flow)


@edge("worker_reads")
def worker_reads(ctx: Context, flow: Flow) -> None:
    _read(ctx, flow)


# -- Step Functions tasks -----------------------------------------------------------------------


@edge("state_machine_task")
def state_machine_task(ctx: Context, flow: Flow) -> None:
    machine, target = ends(ctx, flow)
    role = ctx.role(machine.id)
    if target.key == "lambda":
        role.allow(
            f"Invoke{target.base}", ["lambda:InvokeFunction"], _function_and_versions(ctx, target)
        )
        value: Any = GetAtt(ctx.handle(target.id).logical_id, "Arn")
    else:
        allow_writes(ctx, flow, role, target)
        value = reference(ctx, target)
    if target.key == "step_functions":
        role.allow(
            f"Describe{target.base}Executions",
            ["states:DescribeExecution", "states:StopExecution"],
            Sub(ctx.arn_text("states", f"execution:{ctx.name_text(target)}:*")),
        )
    suffix = "FUNCTION_ARN" if target.key == "lambda" else ctx.handle(target.id).env
    variable = target.base + suffix.title().replace("_", "")
    resource, parameters = STATE_TASKS[target.key]
    state = {
        "Type": "Task",
        "Comment": f"{machine.id} --> {target.id} (line {flow.line})",
        "Resource": resource,
        "Parameters": _fill(parameters, variable, machine.id),
        "ResultPath": None,
    }
    steps(ctx, machine.id).append((f"{target.base}", state, {variable: value}))


def _fill(template: Any, variable: str, source: str) -> Any:
    """The task parameters with the substitution variable (and the event source) filled in."""
    if isinstance(template, dict):
        return {k: _fill(v, variable, source) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, variable, source) for v in template]
    if isinstance(template, str):
        return template.replace("@VAR@", variable).replace("@SOURCE@", source)
    return template
