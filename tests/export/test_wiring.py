"""The wiring itself: what each kind of edge becomes in the template."""

from __future__ import annotations

from typing import Any

import pytest

from archdsl.export.cloudformation import ExportResult
from archdsl.export.cloudformation.intrinsics import GetAtt, Intrinsic, Ref, references
from tests.export.helpers import DIAGRAMS, MAIN_EXAMPLE, export, export_text, resources


@pytest.fixture(scope="module")
def main() -> ExportResult:
    return export(MAIN_EXAMPLE)


def statements(result: ExportResult, role: str) -> list[dict[str, Any]]:
    policies = resources(result)[role]["Properties"].get("Policies", [])
    return [s for p in policies for s in p["PolicyDocument"]["Statement"]]


def actions_on(result: ExportResult, role: str) -> dict[str, list[Any]]:
    """Action → the resources the role allows it on."""
    found: dict[str, list[Any]] = {}
    for statement in statements(result, role):
        actions = statement["Action"]
        targets = statement["Resource"]
        for action in [actions] if isinstance(actions, str) else actions:
            found.setdefault(action, []).extend(targets if isinstance(targets, list) else [targets])
    return found


def test_main_example_has_three_functions_and_two_tables(main: ExportResult) -> None:
    functions = resources(main, "AWS::Lambda::Function")
    tables = resources(main, "AWS::DynamoDB::Table")
    assert sorted(functions) == ["LambdaBatchFunction", "LambdaFunction", "LambdaInventoryFunction"]
    assert sorted(tables) == ["DynamodbBatchTable", "DynamodbTable"]
    for function in functions.values():
        properties = function["Properties"]
        assert properties["Runtime"] == "python3.13"
        assert "def handler(event, context):" in properties["Code"]["ZipFile"]
    for table in tables.values():
        assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"


def test_main_example_kinesis_feeds_two_functions(main: ExportResult) -> None:
    mappings = resources(main, "AWS::Lambda::EventSourceMapping").values()
    pairs = {(m["Properties"]["EventSourceArn"], m["Properties"]["FunctionName"]) for m in mappings}
    assert pairs == {
        (GetAtt("KinesisStream", "Arn"), Ref("LambdaInventoryFunction")),
        (GetAtt("KinesisStream", "Arn"), Ref("LambdaBatchFunction")),
    }
    for mapping in mappings:
        assert mapping["Properties"]["StartingPosition"] in ("LATEST", "TRIM_HORIZON")
    for role in ("LambdaInventoryRole", "LambdaBatchRole"):
        assert GetAtt("KinesisStream", "Arn") in actions_on(main, role)["kinesis:GetRecords"]


def test_main_example_api_invokes_the_function(main: ExportResult) -> None:
    (permission,) = resources(main, "AWS::Lambda::Permission").values()
    properties = permission["Properties"]
    assert properties["Principal"] == "apigateway.amazonaws.com"
    assert properties["FunctionName"] == Ref("LambdaFunction")
    assert properties["Action"] == "lambda:InvokeFunction"
    assert "ApiGatewayApi" in set(references(properties["SourceArn"]))
    (integration,) = resources(main, "AWS::ApiGatewayV2::Integration").values()
    assert integration["Properties"]["IntegrationUri"] == GetAtt("LambdaFunction", "Arn")
    (route,) = resources(main, "AWS::ApiGatewayV2::Route").values()
    assert route["Properties"]["Target"] == Intrinsic(
        "Sub", "integrations/${ApiGatewayLambdaIntegration}"
    )
    assert len(resources(main, "AWS::ApiGatewayV2::Stage")) == 1


def test_main_example_least_privilege_roles(main: ExportResult) -> None:
    writer = actions_on(main, "LambdaRole")
    assert writer["dynamodb:PutItem"] == [GetAtt("DynamodbTable", "Arn")]
    assert writer["sns:Publish"] == [Ref("SnsTopic")]
    assert writer["kinesis:PutRecord"] == [GetAtt("KinesisStream", "Arn")]
    assert writer["logs:PutLogEvents"] == [GetAtt("LambdaLogGroup", "Arn")]
    assert set(writer) == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "dynamodb:PutItem",
        "sns:Publish",
        "kinesis:PutRecord",
        "kinesis:PutRecords",
    }
    inventory = actions_on(main, "LambdaInventoryRole")
    assert inventory["s3:PutObject"] == [Intrinsic("Sub", "${S3Bucket.Arn}/data/*")]
    batch = actions_on(main, "LambdaBatchRole")
    assert batch["dynamodb:PutItem"] == [GetAtt("DynamodbBatchTable", "Arn")]
    assert "dynamodb:PutItem" not in inventory and "s3:PutObject" not in batch


def test_main_example_callers_learn_their_targets(main: ExportResult) -> None:
    functions = resources(main, "AWS::Lambda::Function")
    assert functions["LambdaFunction"]["Properties"]["Environment"]["Variables"] == {
        "DYNAMODB_TABLE_NAME": Ref("DynamodbTable"),
        "KINESIS_STREAM_NAME": Ref("KinesisStream"),
        "SNS_TOPIC_ARN": Ref("SnsTopic"),
    }
    inventory = functions["LambdaInventoryFunction"]["Properties"]
    assert inventory["Environment"]["Variables"] == {"S3_BUCKET_NAME": Ref("S3Bucket")}
    assert 'os.environ["S3_BUCKET_NAME"]' in inventory["Code"]["ZipFile"]


def test_main_example_analytics(main: ExportResult) -> None:
    (table,) = resources(main, "AWS::Glue::Table").values()
    location = table["Properties"]["TableInput"]["StorageDescriptor"]["Location"]
    assert location == Intrinsic("Sub", "s3://${S3Bucket}/data/")
    (workgroup,) = resources(main, "AWS::Athena::WorkGroup").values()
    output = workgroup["Properties"]["WorkGroupConfiguration"]["ResultConfiguration"]
    assert output["OutputLocation"] == Intrinsic("Sub", "s3://${S3Bucket}/athena-results/")
    (source,) = resources(main, "AWS::QuickSight::DataSource").values()
    assert source["Condition"] == "CreateQuickSight"
    assert source["Properties"]["Type"] == "ATHENA"
    assert main.template["Parameters"]["QuickSightPrincipalArn"]["Default"] == ""


def test_main_example_traces_back_to_the_diagram(main: ExportResult) -> None:
    assert main.diagnostics == ()
    for logical_id, resource in resources(main).items():
        metadata = resource["Metadata"]["archdsl"]
        assert metadata["diagram_id"] and metadata["line"] > 0, logical_id
    (mapping,) = [
        r
        for r in resources(main, "AWS::Lambda::EventSourceMapping").values()
        if r["Properties"]["FunctionName"] == Ref("LambdaBatchFunction")
    ]
    assert mapping["Metadata"]["archdsl"] == {
        "diagram_id": "lambda_batch",
        "line": 27,
        "edge": "kinesis --> lambda_batch",
    }
    assert main.text.startswith("# CloudFormation template generated by archdsl from ")
    assert "!GetAtt KinesisStream.Arn" in main.text and "!Sub ${" in main.text


# -- other edges ----------------------------------------------------------------------------------

BUCKET_TO_FUNCTION = """architecture-beta
    service uploads(logos:aws-s3)[Uploads]
    service thumbs(logos:aws-lambda)[Thumbnails]
    uploads:R --> L:thumbs
"""


def test_bucket_notification_avoids_the_circular_dependency() -> None:
    result = export_text(BUCKET_TO_FUNCTION)
    bucket = resources(result)["UploadsBucket"]
    (permission_id,) = resources(result, "AWS::Lambda::Permission")
    assert bucket["DependsOn"] == permission_id
    permission = resources(result)[permission_id]["Properties"]
    assert permission["Principal"] == "s3.amazonaws.com"
    assert "UploadsBucket" not in set(references(permission["SourceArn"]))
    assert permission["SourceAccount"] == Ref("AWS::AccountId")
    notification = bucket["Properties"]["NotificationConfiguration"]["LambdaConfigurations"]
    assert notification[0]["Function"] == GetAtt("ThumbsFunction", "Arn")
    # Nothing the bucket waits for may refer to the bucket itself.
    for logical_id in ("ThumbsRole", "ThumbsFunction", permission_id):
        assert "UploadsBucket" not in set(references(resources(result)[logical_id])), logical_id


def test_table_stream_is_turned_on_for_its_mapping() -> None:
    result = export_text(
        "architecture-beta\n    service orders(logos:aws-dynamodb)[Orders]\n"
        "    service audit(logos:aws-lambda)[Audit]\n    orders:R --> L:audit\n"
    )
    table = resources(result)["OrdersTable"]["Properties"]
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    (mapping,) = resources(result, "AWS::Lambda::EventSourceMapping").values()
    assert mapping["Properties"]["EventSourceArn"] == GetAtt("OrdersTable", "StreamArn")
    assert mapping["Properties"]["StartingPosition"] == "LATEST"


def test_topic_to_queue_subscribes_with_a_queue_policy() -> None:
    result = export_text(
        "architecture-beta\n    service events(logos:aws-sns)[Events]\n"
        "    service inbox(logos:aws-sqs)[Inbox]\n    events:R --> L:inbox\n"
    )
    (subscription,) = resources(result, "AWS::SNS::Subscription").values()
    assert subscription["Properties"]["Protocol"] == "sqs"
    assert subscription["Properties"]["Endpoint"] == GetAtt("InboxQueue", "Arn")
    (policy,) = resources(result, "AWS::SQS::QueuePolicy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
    assert statement["Condition"]["ArnEquals"]["aws:SourceArn"] == Ref("EventsTopic")


def test_junctions_resolve_to_the_services_behind_them() -> None:
    path = next(p for p in DIAGRAMS if p.name == "junctions-and-directions.mmd")
    result = export(path)
    producer = actions_on(result, "ProducerRole")
    assert producer["dynamodb:PutItem"] == [GetAtt("Table", "Arn")]
    assert producer["sns:Publish"] == [Ref("Topic")]
    # `topic -- queue`: only SNS → SQS is an integration, so that is the subscription.
    assert len(resources(result, "AWS::SNS::Subscription")) == 1
    # `consumer <-- queue`: the queue feeds the consumer.
    mappings = resources(result, "AWS::Lambda::EventSourceMapping")
    assert {m["Properties"]["FunctionName"] for m in mappings.values()} == {
        Ref("ConsumerFunction"),
        Ref("ReaderFunction"),
    }
    # `stream <--> reader`: both ways.
    assert "kinesis:PutRecord" in actions_on(result, "ReaderRole")
    # `reader -- db`: the function reaches the database through its security group.
    (ingress,) = resources(result, "AWS::EC2::SecurityGroupIngress").values()
    assert ingress["Properties"]["GroupId"] == GetAtt("DbSecurityGroup", "GroupId")
    assert ingress["Properties"]["SourceSecurityGroupId"] == GetAtt(
        "ReaderSecurityGroup", "GroupId"
    )
    assert [d.code for d in result.diagnostics] == ["AWS503"]


def test_vpc_groups_name_the_network_parameters() -> None:
    result = export(MAIN_EXAMPLE.with_name("vpc-three-tier.mmd"))
    parameters = result.template["Parameters"]
    assert parameters["VpcId"]["Type"] == "AWS::EC2::VPC::Id"
    assert {"PublicSubnetIds", "PrivateSubnetIds", "DataSubnetIds"} <= set(parameters)
    balancer = resources(result)["AlbLoadBalancer"]["Properties"]
    assert balancer["Subnets"] == Ref("PublicSubnetIds")
    assert balancer["Scheme"] == "internet-facing"
    (group,) = resources(result, "AWS::ElasticLoadBalancingV2::TargetGroup").values()
    targets = group["Properties"]["Targets"]
    assert [t["Id"] for t in targets] == [Ref("App1Instance"), Ref("App2Instance")]
    assert result.diagnostics == ()


def test_every_function_calling_a_state_machine_uses_its_name() -> None:
    """Compute services that call each other refer to each other by name: no cycle."""
    result = export_text(
        "architecture-beta\n    service a(logos:aws-lambda)[A]\n"
        "    service flow(logos:aws-step-functions)[Flow]\n"
        "    a:R --> L:flow\n    flow:B --> T:a\n"
    )
    role = actions_on(result, "ARole")
    (arn,) = role["states:StartExecution"]
    assert "FlowStateMachine" not in set(references(arn))
    definition = resources(result)["FlowStateMachine"]["Properties"]["Definition"]
    (state,) = definition["States"].values()
    assert state["Resource"] == "arn:aws:states:::lambda:invoke"


def test_what_cannot_be_generated_is_said_in_the_template() -> None:
    result = export_text(
        "architecture-beta\n    service search(logos:aws-cloudsearch)[Search]\n"
        "    service fn(logos:aws-lambda)[Fn]\n    fn:R --> L:search\n"
    )
    assert [d.code for d in result.diagnostics] == ["AWS501"]
    notes = result.template["Metadata"]["archdsl"]["notes"]
    assert [n["code"] for n in notes] == ["AWS501"]
    assert "AWS501" in result.text.split("AWSTemplateFormatVersion")[0]
