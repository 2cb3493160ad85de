"""Inline handler stubs for Lambda functions: small, runnable, and honest about the edges.

The stub reads its targets from the environment variables the edges added and makes one SDK
call per outgoing edge, so a deployed skeleton already moves data along the diagram. It stays
far below the 4 KB limit of ``Code.ZipFile``; past it, a bare handler replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass

ZIPFILE_LIMIT = 4096

HTTP_SOURCES = frozenset({"api_gateway", "elb", "cloudfront", "appsync"})
"""Callers that expect an HTTP response from the function."""


@dataclass(frozen=True)
class Call:
    """One outgoing edge, as the handler sees it."""

    kind: str
    """The target's catalogue key."""
    env: str
    """The environment variable naming the target."""
    source_name: str = ""
    """For EventBridge: the event source the function puts."""


_CLIENTS = {
    "dynamodb": 'dynamodb = boto3.resource("dynamodb")',
    "sns": 'sns = boto3.client("sns")',
    "sqs": 'sqs = boto3.client("sqs")',
    "kinesis": 'kinesis = boto3.client("kinesis")',
    "s3": 's3 = boto3.client("s3")',
    "step_functions": 'sfn = boto3.client("stepfunctions")',
    "eventbridge": 'events = boto3.client("events")',
    "lambda": 'lambda_client = boto3.client("lambda")',
    "firehose": 'firehose = boto3.client("firehose")',
    "secrets_manager": 'secrets = boto3.client("secretsmanager")',
    "systems_manager": 'ssm = boto3.client("ssm")',
}


def _call_lines(call: Call) -> list[str]:
    env = f'os.environ["{call.env}"]'
    lines = {
        "dynamodb": [f'dynamodb.Table({env}).put_item(Item={{"id": request_id, "body": message}})'],
        "sns": [f"sns.publish(TopicArn={env}, Message=message)"],
        "sqs": [f"sqs.send_message(QueueUrl={env}, MessageBody=message)"],
        "kinesis": [
            f"kinesis.put_record(StreamName={env}, Data=message.encode(), PartitionKey=request_id)"
        ],
        "s3": [
            f's3.put_object(Bucket={env}, Key=f"data/{{request_id}}.json", Body=message.encode())'
        ],
        "step_functions": [f"sfn.start_execution(stateMachineArn={env}, input=message)"],
        "eventbridge": [
            "events.put_events(Entries=[{",
            f'    "EventBusName": {env}, "Source": "{call.source_name}",',
            '    "DetailType": "message", "Detail": message}])',
        ],
        "lambda": [
            f'lambda_client.invoke(FunctionName={env}, InvocationType="Event", '
            "Payload=message.encode())"
        ],
        "firehose": [
            f'firehose.put_record(DeliveryStreamName={env}, Record={{"Data": message.encode()}})'
        ],
        "secrets_manager": [f"secrets.get_secret_value(SecretId={env})"],
        "systems_manager": [f"ssm.get_parameter(Name={env})"],
    }
    return lines.get(call.kind, [f"# reach {call.kind} through {env}"])


def handler_code(title: str, calls: list[Call], triggers: set[str]) -> str:
    """The Python source of the function's ``index.handler``."""
    code = _render(title, calls, triggers)
    if len(code) > ZIPFILE_LIMIT - 96:
        code = _render(title, [], triggers)
    return code


def _render(title: str, calls: list[Call], triggers: set[str]) -> str:
    kinds = list(dict.fromkeys(call.kind for call in calls))
    clients = [_CLIENTS[kind] for kind in kinds if kind in _CLIENTS]
    lines = [f'"""{_docstring(title)}: a stub generated from the diagram; replace its body."""']
    lines += ["import json", "import os", ""]
    if clients:
        lines += ["import boto3", "", *clients]
    lines += ["", "", "def handler(event, context):"]
    lines += [
        "    request_id = context.aws_request_id",
        "    message = json.dumps(event, default=str)",
    ]
    for call in calls:
        lines += [f"    {line}" for line in _call_lines(call)]
    if triggers & HTTP_SOURCES:
        lines.append('    return {"statusCode": 200, "body": json.dumps({"id": request_id})}')
    else:
        lines.append('    return {"id": request_id}')
    return "\n".join(lines) + "\n"


def _docstring(title: str) -> str:
    """The title, safe inside a one-line triple-quoted string."""
    return " ".join(title.replace("\\", "/").replace('"', "'").split()) or "Handler"
