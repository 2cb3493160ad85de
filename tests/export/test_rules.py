"""AWS5xx: what the CloudFormation export cannot generate, reported by `validate`."""

from __future__ import annotations

import pytest

from archdsl.api import validate
from archdsl.diagnostics import Severity
from archdsl.rules import all_rules
from tests.export.helpers import EXAMPLES, MAIN_EXAMPLE, export_text

HEADER = "architecture-beta\n"


def aws5(text: str) -> list[tuple[str, int]]:
    document = validate(text)
    return [(d.code, d.line) for d in document.diagnostics if d.code.startswith("AWS5")]


@pytest.mark.parametrize("code", ["AWS501", "AWS502", "AWS503", "AWS504", "AWS505"])
def test_rules_are_registered_documented_warnings(code: str) -> None:
    registered = all_rules()[code]
    assert registered.severity is Severity.WARNING
    assert "Example:" in registered.doc and len(registered.summary) > 20


def test_main_example_has_no_export_findings() -> None:
    assert aws5(MAIN_EXAMPLE.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_have_no_export_findings(path: object) -> None:
    assert aws5(path.read_text(encoding="utf-8")) == []  # type: ignore[attr-defined]


def test_aws501_service_without_resource_type() -> None:
    text = (
        HEADER
        + "    service search(logos:aws-cloudsearch)[Search]\n    service brand(logos:aws)[AWS]\n"
    )
    assert aws5(text) == [("AWS501", 2)]


def test_aws501_glacier_and_xray_are_exported() -> None:
    text = (
        HEADER
        + "    service cold(logos:aws-glacier)[Cold]\n    service trace(logos:aws-xray)[Trace]\n"
    )
    assert aws5(text) == []


def test_aws502_edge_without_known_wiring() -> None:
    text = (
        HEADER
        + "    service table(logos:aws-dynamodb)[Orders]\n"
        + "    service search(logos:aws-open-search)[Search]\n"
        + "    table:R --> L:search\n"
    )
    assert aws5(text) == [("AWS502", 4)]


def test_aws502_leaves_known_non_integrations_to_aws401() -> None:
    text = (
        HEADER
        + "    service table(logos:aws-dynamodb)[Orders]\n"
        + "    service topic(logos:aws-sns)[Events]\n"
        + "    table:R --> L:topic\n"
    )
    codes = [d.code for d in validate(text).diagnostics]
    assert "AWS401" in codes and "AWS502" not in codes
    notes = export_text(text).template["Metadata"]["archdsl"]["notes"]
    assert [n["code"] for n in notes] == ["AWS401"]


def test_aws502_no_cascade_from_aws501() -> None:
    text = (
        HEADER
        + "    service fn(logos:aws-lambda)[Fn]\n"
        + "    service search(logos:aws-cloudsearch)[Search]\n"
        + "    fn:R --> L:search\n"
    )
    assert aws5(text) == [("AWS501", 3)]


def test_aws503_only_outside_a_vpc_group() -> None:
    outside = HEADER + "    service db(logos:aws-rds)[DB]\n"
    inside = (
        HEADER + "    group vpc(logos:aws-vpc)[VPC]\n    service db(logos:aws-rds)[DB] in vpc\n"
    )
    optional = HEADER + "    service fn(logos:aws-lambda)[Fn]\n    service mq(logos:aws-mq)[MQ]\n"
    assert aws5(outside) == [("AWS503", 2)]
    assert aws5(inside) == []
    assert aws5(optional) == []


def test_aws504_direction_unknown_only_when_both_ways_differ() -> None:
    both = (
        HEADER
        + "    service fn(logos:aws-lambda)[Handler]\n"
        + "    service table(logos:aws-dynamodb)[Orders]\n"
        + "    fn:R -- L:table\n"
    )
    assert aws5(both) == [("AWS504", 4)]
    assert aws5(both.replace("--", "-->")) == []
    assert aws5(both.replace("--", "<-->")) == []
    one_way = (
        HEADER
        + "    service topic(logos:aws-sns)[Events]\n"
        + "    service queue(logos:aws-sqs)[Inbox]\n"
        + "    topic:R -- L:queue\n"
    )
    assert aws5(one_way) == []
    same_wiring = (
        HEADER
        + "    group vpc(logos:aws-vpc)[VPC]\n"
        + "    service fn(logos:aws-lambda)[Fn] in vpc\n"
        + "    service db(logos:aws-rds)[DB] in vpc\n"
        + "    fn:R -- L:db\n"
    )
    assert aws5(same_wiring) == []


def test_export_diagnostics_match_the_rules() -> None:
    text = (
        HEADER
        + "    service db(logos:aws-rds)[DB]\n"
        + "    service search(logos:aws-cloudsearch)[Search]\n"
        + "    service fn(logos:aws-lambda)[Fn]\n"
        + "    service table(logos:aws-dynamodb)[T]\n"
        + "    fn:R -- L:table\n"
    )
    exported = [(d.code, d.line) for d in export_text(text).diagnostics]
    assert exported == aws5(text) == [("AWS503", 2), ("AWS501", 3), ("AWS504", 6)]


def test_aws505_too_many_resources_for_one_stack() -> None:
    lines = [HEADER.rstrip()]
    for index in range(150):
        lines.append(f"    service fn{index}(logos:aws-lambda)[Fn {index}]")
        lines.append(f"    service table{index}(logos:aws-dynamodb)[Table {index}]")
        lines.append(f"    fn{index}:R --> L:table{index}")
    text = "\n".join(lines) + "\n"
    assert aws5(text) == [("AWS505", 1)]
    result = export_text(text)
    assert [d.code for d in result.diagnostics] == ["AWS505"]
    assert "600 resources" in result.diagnostics[0].message
    assert result.template["Metadata"]["archdsl"]["notes"][0]["code"] == "AWS505"
