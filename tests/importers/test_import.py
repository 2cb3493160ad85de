"""CloudFormation import: realistic templates, round trips, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archdsl.api import format as format_mermaid
from archdsl.api import validate
from archdsl.diagnostics import Severity
from archdsl.emit.cloudformation import analyse, capabilities
from archdsl.export.cloudformation import to_cloudformation
from archdsl.importers.cloudformation import ImportResult, TemplateError, from_cloudformation
from archdsl.importers.cloudformation.loader import load_template
from archdsl.model import Diagram
from tests.export.helpers import DIAGRAMS, EXAMPLES, diagram_of, every_service_diagram, relative
from tests.shared_data import require_shared

TEMPLATES = Path(__file__).resolve().parent / "templates"


def imported(name: str) -> ImportResult:
    path = TEMPLATES / name
    return from_cloudformation(path.read_text(encoding="utf-8"), str(path))


def icons(diagram: Diagram | None) -> dict[str, str | None]:
    assert diagram is not None
    return {service.id: service.icon for service in diagram.services}


def flows(diagram: Diagram | None) -> set[tuple[str, str]]:
    """Directed (source, target) pairs: an edge's arrowheads say which way data goes."""
    assert diagram is not None
    found: set[tuple[str, str]] = set()
    for edge in diagram.edges:
        if edge.rhs.arrow:
            found.add((edge.lhs.id, edge.rhs.id))
        if edge.lhs.arrow:
            found.add((edge.rhs.id, edge.lhs.id))
    return found


def titled(diagram: Diagram | None) -> dict[tuple[str, str], str | None]:
    assert diagram is not None
    return {(e.lhs.id, e.rhs.id): e.title.text if e.title else None for e in diagram.edges}


def assert_clean(result: ImportResult, allowed: tuple[str, ...] = ()) -> None:
    """No errors, no warnings but ``allowed``, Mermaid-formatted, every id readable by Mermaid."""
    document = validate(result.mermaid)
    findings = [
        d for d in document.diagnostics if d.severity is not Severity.INFO and d.code not in allowed
    ]
    assert findings == [], [f"{d.code} {d.line}: {d.message}" for d in findings]
    assert format_mermaid(result.mermaid) == result.mermaid
    assert result.diagram is not None
    for element in result.diagram.elements:
        assert element[0] not in "LRTB" and not element.startswith("title")


# -- templates archdsl did not write --------------------------------------------------------------


def test_serverless_api() -> None:
    result = imported("serverless-api.yaml")
    assert icons(result.diagram) == {
        "user_pool": "logos:aws-cognito",
        "orders_api": "logos:aws-api-gateway",
        "create_order": "logos:aws-lambda",
        "orders_table": "logos:aws-dynamodb",
        "order_events": "logos:aws-sns",
        "get_order": "logos:aws-lambda",
        "fulfilment": "logos:aws-sqs",
        "fulfilment_dead_letters": "logos:aws-sqs",
    }
    assert flows(result.diagram) == {
        ("user_pool", "orders_api"),
        ("orders_api", "create_order"),
        ("orders_api", "get_order"),
        ("create_order", "orders_table"),
        ("create_order", "order_events"),
        ("orders_table", "get_order"),
        ("order_events", "fulfilment"),
        ("fulfilment", "fulfilment_dead_letters"),
    }
    titles = titled(result.diagram)
    assert titles[("orders_api", "create_order")] == "POST /orders"
    assert titles[("orders_api", "get_order")] == "GET /orders/{id}"
    assert result.mermaid.splitlines()[1] == "    title Orders API"
    assert result.diagnostics == ()
    assert_clean(result)


def test_queue_worker_json() -> None:
    result = imported("queue-worker.json")
    assert icons(result.diagram) == {
        "upload_bucket": "logos:aws-s3",
        "upload_queue": "logos:aws-sqs",
        "resizer": "logos:aws-lambda",
        "thumbnail": "logos:aws-s3",
        "errors_alarm": "logos:aws-cloudwatch",
        "alarm": "logos:aws-sns",
    }
    assert flows(result.diagram) == {
        ("upload_bucket", "upload_queue"),
        ("upload_queue", "resizer"),
        ("upload_bucket", "resizer"),
        ("resizer", "thumbnail"),
        ("resizer", "errors_alarm"),
        ("errors_alarm", "alarm"),
    }
    assert_clean(result)


def test_data_lake() -> None:
    result = imported("data-lake.yaml")
    assert icons(result.diagram) == {
        "click": "logos:aws-kinesis",
        "click_delivery": "logos:aws-kinesis",
        "raw_bucket": "logos:aws-s3",
        "cleaner": "logos:aws-lambda",
        "curated": "logos:aws-s3",
        "curated_crawler": "logos:aws-glue",
        "curated_location": "logos:aws-lake-formation",
        "analysts": "logos:aws-athena",
        "results": "logos:aws-s3",
    }
    assert result.diagram is not None
    delivery = next(s for s in result.diagram.services if s.id == "click_delivery")
    assert delivery.title is not None and "Firehose" in delivery.title.text  # not a stream
    assert flows(result.diagram) == {
        ("click", "click_delivery"),
        ("click_delivery", "raw_bucket"),
        ("raw_bucket", "cleaner"),
        ("cleaner", "curated"),
        ("curated", "curated_crawler"),
        ("curated", "curated_location"),
        ("analysts", "results"),
    }
    assert_clean(result)


def test_vpc_web_app_groups_and_nested_stack() -> None:
    result = imported("vpc-web-app.yaml")
    diagram = result.diagram
    assert diagram is not None
    groups = {g.id: (g.icon, g.parent, g.title.text if g.title else None) for g in diagram.groups}
    assert groups == {
        "shop_vpc": ("logos:aws-vpc", None, "shop-vpc"),
        "public_subnet": (None, "shop_vpc", "Public subnets"),
        "private_subnet": (None, "shop_vpc", "Private subnets"),
        "monitoring": ("logos:aws-cloudformation", None, "Monitoring stack"),
    }
    parents = {s.id: s.parent for s in diagram.services}
    assert parents == {
        "firewall": None,
        "shop_record": None,
        "cdn": None,
        "load_balancer": "public_subnet",
        "shop_service": "private_subnet",
        "database": "private_subnet",
        "cache": "private_subnet",
        "monitoring_stack": "monitoring",
    }
    assert icons(diagram)["shop_service"] == "logos:aws-fargate"
    assert flows(diagram) == {
        ("shop_record", "cdn"),
        ("firewall", "cdn"),
        ("cdn", "load_balancer"),
        ("load_balancer", "shop_service"),
        ("shop_service", "database"),
        ("shop_service", "cache"),
        ("load_balancer", "monitoring_stack"),
        ("database", "monitoring_stack"),
    }
    # A nested stack is drawn but cannot be exported (AWS501): the one finding allowed.
    assert_clean(result, allowed=("AWS501",))


def test_sam_template_reads_like_what_it_expands_to() -> None:
    result = imported("sam-app.yaml")
    assert icons(result.diagram) == {
        "serverless": "logos:aws-api-gateway",
        "scheduler_function_every_minute": "logos:aws-eventbridge",
        "create_reminder": "logos:aws-lambda",
        "scheduler": "logos:aws-lambda",
        "reminders": "logos:aws-dynamodb",
        "due_queue": "logos:aws-sqs",
        "sender": "logos:aws-lambda",
    }
    assert flows(result.diagram) == {
        ("serverless", "create_reminder"),
        ("create_reminder", "reminders"),
        ("reminders", "scheduler"),
        ("scheduler", "due_queue"),
        ("due_queue", "sender"),
        ("scheduler_function_every_minute", "scheduler"),
    }
    assert titled(result.diagram)[("serverless", "create_reminder")] == "POST /reminders"
    assert_clean(result)


def test_hand_written_seed_template() -> None:
    shared = require_shared()
    seed = shared / "reference" / "seed-cloudformation-example.yaml"
    result = from_cloudformation(seed.read_text(encoding="utf-8"), str(seed))
    found = icons(result.diagram)
    assert list(found.values()).count("logos:aws-lambda") == 3
    assert list(found.values()).count("logos:aws-dynamodb") == 2
    assert {"logos:aws-api-gateway", "logos:aws-kinesis", "logos:aws-athena"} <= set(found.values())
    assert ("order_stream", "inventory") in flows(result.diagram)
    assert ("http_api", "place_order") in flows(result.diagram)
    assert_clean(result)


def test_yaml_and_json_give_the_same_diagram() -> None:
    text = (TEMPLATES / "serverless-api.yaml").read_text(encoding="utf-8")
    as_json = json.dumps(_plain(load_template(text)))
    assert from_cloudformation(as_json).mermaid == from_cloudformation(text).mermaid


def _plain(template: object) -> object:
    from archdsl.importers.cloudformation.loader import Template

    assert isinstance(template, Template)
    return {
        "Description": template.description,
        "Parameters": template.parameters,
        "Resources": {
            rid: {"Type": r.type, "Properties": r.properties, "DependsOn": list(r.depends_on)}
            for rid, r in template.resources.items()
        },
    }


# -- round trips ----------------------------------------------------------------------------------


def _round_trip(text: str, name: str) -> None:
    original = diagram_of(text)
    plan = analyse(original)
    template = to_cloudformation(original, source_path=name).text
    result = from_cloudformation(template, name)
    back = icons(result.diagram)
    for node in plan.nodes.values():
        assert back.get(node.id) == node.service.icon, node.id
    got = flows(result.diagram)
    symmetric = capabilities().symmetric
    for flow in plan.flows:
        pair = (flow.source, flow.target)
        source, target = plan.nodes[flow.source], plan.nodes[flow.target]
        if (source.key, target.key) in symmetric or (source.key, target.key) == ("athena", "s3"):
            # The same wiring either way (a caller and its database; Athena writing results
            # into the bucket it reads): the template cannot say which way it was drawn.
            assert pair in got or pair[::-1] in got, pair
        else:
            assert pair in got, pair
    assert validate(result.mermaid).ok


@pytest.mark.parametrize("path", EXAMPLES + DIAGRAMS, ids=relative)
def test_round_trip_keeps_services_icons_and_edges(path: Path) -> None:
    _round_trip(path.read_text(encoding="utf-8"), relative(path))


def test_round_trip_of_every_service_and_pair() -> None:
    _round_trip(every_service_diagram(), "every-service.mmd")


def test_round_trip_of_the_main_example_is_exact() -> None:
    path = EXAMPLES[0].with_name("aws-order-pipeline.mmd")
    text = path.read_text(encoding="utf-8")
    result = from_cloudformation(to_cloudformation(diagram_of(text)).text)
    assert flows(result.diagram) == {(e.lhs.id, e.rhs.id) for e in diagram_of(text).edges}


# -- bad templates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("Resources:\n  Topic:\n    Type: [AWS::SNS::Topic\n", 4, 1, "not valid YAML"),
        ('{"Resources": {"Topic": {"Type": "AWS::SNS::Topic",}}}', 1, 52, "not valid JSON"),
        (
            "Resources:\n  A:\n    Type: AWS::SNS::Topic\n  A:\n    Type: AWS::SQS::Queue\n",
            4,
            3,
            "duplicate key",
        ),
        ("Description: nothing\n", 1, 1, "no Resources"),
        ("Resources:\n  Topic:\n    Properties: {}\n", 2, 3, "has no Type"),
        ("Resources: []\n", 1, 1, "Resources must map"),
        ("- just\n- a list\n", 1, 1, "a template is a mapping"),
        ("Resources:\n  Bad-Id:\n    Type: AWS::SNS::Topic\n", 2, 3, "not alphanumeric"),
    ],
)
def test_bad_templates_raise_with_a_position(text: str, line: int, column: int, words: str) -> None:
    with pytest.raises(TemplateError) as raised:
        from_cloudformation(text)
    assert (raised.value.line, raised.value.column) == (line, column)
    assert words in raised.value.message
    assert str(raised.value).startswith(f"{line}:{column}: ")


def test_short_form_tags_all_load() -> None:
    text = """Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Join ["-", [!Ref AWS::StackName, !Select [0, !Split [",", !Sub "a,b"]]]]
      DisplayName: !If [Cond, !FindInMap [M, K, V], !ImportValue Shared]
      Tags:
        - Key: k
          Value: !Base64 {"Fn::GetAtt": [Other, Name]}
        - Key: azs
          Value: !Select [0, !GetAZs ""]
        - Key: cidr
          Value: !Select [0, !Cidr ["10.0.0.0/16", 4, 8]]
        - Key: logic
          Value: !If [C, !Equals [a, b], !And [!Or [!Not [!Condition X]]]]
"""
    resource = load_template(text).resources["Topic"]
    properties = resource.properties
    assert properties["TopicName"]["Fn::Join"][1][0] == {"Ref": "AWS::StackName"}
    assert properties["Tags"][0]["Value"] == {"Fn::Base64": {"Fn::GetAtt": ["Other", "Name"]}}
    assert properties["Tags"][3]["Value"]["Fn::If"][2]["Fn::And"][0]["Fn::Or"][0] == {
        "Fn::Not": [{"Condition": "X"}]
    }


def test_resources_without_a_place_are_noted() -> None:
    text = "Resources:\n  Handle:\n    Type: AWS::CloudFormation::WaitConditionHandle\n"
    result = from_cloudformation(text, "t.yaml")
    (note,) = result.diagnostics
    assert (note.code, note.severity, note.line, note.path) == (
        "AWS601",
        Severity.INFO,
        2,
        "t.yaml",
    )
    assert result.diagram is not None and result.diagram.services == ()


@pytest.mark.parametrize("name", sorted(p.name for p in TEMPLATES.iterdir()))
def test_hand_written_templates_are_real_templates(name: str) -> None:
    """The import inputs pass cfn-lint themselves: they are templates one would deploy."""
    from tests.export.helpers import lint

    assert lint((TEMPLATES / name).read_text(encoding="utf-8")) == []
