"""AWS rules: icons (AWS301-303) and integrations (AWS401), positions and false alarms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import archdsl.rules.aws_icons
import archdsl.rules.aws_integrations  # noqa: F401  (registers the rules)
from archdsl.catalogue import Integration, load_catalogue
from archdsl.diagnostics import Span
from archdsl.model import Diagram, Edge, EdgeEnd, Group, Junction, Service
from archdsl.rules.base import REGISTRY, CheckContext, CheckOptions, Problem

AWS_CODES = ("AWS301", "AWS302", "AWS303", "AWS401")

EXAMPLE = (Path(__file__).resolve().parents[2] / "examples" / "aws-order-pipeline.mmd").read_text(
    encoding="utf-8"
)


def check(code: str, diagram: Diagram, **options: object) -> list[Problem]:
    context = CheckContext(diagram, CheckOptions(**options))  # type: ignore[arg-type]
    return list(REGISTRY[code].check(context))


def check_all(diagram: Diagram, **options: object) -> dict[str, list[Problem]]:
    found = {code: check(code, diagram, **options) for code in AWS_CODES}
    return {code: problems for code, problems in found.items() if problems}


def parse(text: str) -> Diagram:
    from archdsl.api import parse as parse_text

    document = parse_text(text)
    assert document.diagram is not None and document.syntax_ok, document.diagnostics
    return document.diagram


def covers(span: Span, line: int, text: str, source: str) -> bool:
    """``span`` is on ``line`` and covers the first occurrence of ``text`` there."""
    source_line = source.splitlines()[line - 1]
    start = source_line.index(text) + 1
    end = start + len(text) - 1
    return span.line == line and span.column <= start and span.end_column >= end


def service(node_id: str, icon: str | None, title: str | None = None, **extra: object) -> Service:
    return Service(id=node_id, icon=icon, title=title, **extra)


def edge(
    lhs: str, rhs: str, arrow: str = "-->", line: int = 10, *, lhs_group: bool = False
) -> Edge:
    """``lhs:R <arrow> L:rhs`` on ``line``: arrow is one of ``-->``, ``<--``, ``<-->``, ``--``."""
    return Edge(
        lhs=EdgeEnd(id=lhs, side="R", arrow=arrow.startswith("<"), group=lhs_group),
        rhs=EdgeEnd(id=rhs, side="L", arrow=arrow.endswith(">")),
        span=Span(line, 5, line, 5 + len(lhs) + len(rhs) + 8),
    )


# -- the example stays clean ---------------------------------------------------------------------


def test_the_order_pipeline_example_has_no_aws_warnings() -> None:
    assert check_all(parse(EXAMPLE)) == {}


def test_the_shipped_example_file_has_no_aws_warnings() -> None:
    path = Path(__file__).resolve().parents[2] / "examples" / "aws-order-pipeline.mmd"
    if not path.is_file():
        pytest.skip("examples/aws-order-pipeline.mmd not present")
    assert check_all(parse(path.read_text(encoding="utf-8")), base_dir=path.parent) == {}


# -- AWS301 unknown icon -------------------------------------------------------------------------


def test_aws301_misspelt_logos_icon_at_the_icon() -> None:
    icon_span = Span(3, 15, 3, 31)
    diagram = Diagram(statements=(service("fn", "logos:aws-lamda", icon_span=icon_span),))
    (problem,) = check("AWS301", diagram)
    assert problem.span == icon_span
    assert "unknown icon `logos:aws-lamda`" in problem.message
    assert problem.help == "did you mean `logos:aws-lambda`?"


def test_aws301_position_from_parsed_text() -> None:
    text = "architecture-beta\n    service db(database)[DB]\n    service fn(logos:aws-dynamo-db)\n"
    (problem,) = check("AWS301", parse(text))
    assert covers(problem.span, 3, "logos:aws-dynamo-db", text)
    assert problem.help == "did you mean `logos:aws-dynamodb`?"


def test_aws301_on_group_icons() -> None:
    text = "architecture-beta\n    group g(logos:aws-vpcc)[Net]\n"
    (problem,) = check("AWS301", parse(text))
    assert covers(problem.span, 2, "logos:aws-vpcc", text)
    assert "`logos:aws-vpc`" in (problem.help or "")


def test_aws301_simple_name_that_is_no_builtin() -> None:
    diagram = Diagram(statements=(service("fn", "lambda", id_span=Span(2, 13, 2, 14)),))
    (problem,) = check("AWS301", diagram)
    assert "not one of Mermaid's built-in icons" in problem.message
    assert problem.help == "did you mean `logos:aws-lambda`?"
    assert problem.span == Span(2, 13, 2, 14)  # no icon span: falls back to the id


def test_aws301_names_mermaid_cannot_read() -> None:
    (problem,) = check("AWS301", Diagram(statements=(service("x", "a:b:c:d"),)))
    assert "not an icon name Mermaid can read" in problem.message


@pytest.mark.parametrize(
    "icon",
    [
        "logos:aws-lambda",
        "logos-aws-lambda",
        "@iconify:logos:aws-s3",
        "logos:react",  # any logos icon, not only AWS
        "logos:aws-elastic-cache",  # hidden, still drawn
        "database",
        "cloud",
        "blank",
        "mermaid-architecture:server",
    ],
)
def test_aws301_silent_for_known_icons(icon: str) -> None:
    assert check_all(Diagram(statements=(service("x", icon),))) == {}


def test_text_icons_are_not_icons() -> None:
    diagram = Diagram(statements=(Service(id="x", icon_text="logos:aws-lamda"),))
    assert check_all(diagram) == {}


def test_aws301_case_matters() -> None:
    (problem,) = check("AWS301", Diagram(statements=(service("x", "logos:AWS-Lambda"),)))
    assert problem.help == "did you mean `logos:aws-lambda`?"


def write_pack(path: Path, prefix: str, names: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    icons = {name: {"body": "<g/>"} for name in names}
    path.write_text(json.dumps({"prefix": prefix, "icons": icons}), encoding="utf-8")
    return path


def test_aws301_in_a_pack_given_with_icon_pack(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "acme.json", "acme", ["widget", "gadget"])
    diagram = Diagram(statements=(service("a", "acme:widget"), service("b", "acme:widgit")))
    assert check("AWS302", diagram, icon_packs=(pack,)) == []
    (problem,) = check("AWS301", diagram, icon_packs=(pack,))
    assert "the `acme` icon pack has no icon `widgit`" in problem.message
    assert problem.help == "did you mean `acme:widget`?"


def test_packs_are_found_in_node_modules_above_the_diagram(tmp_path: Path) -> None:
    write_pack(tmp_path / "node_modules" / "@iconify-json" / "mdi" / "icons.json", "mdi", ["home"])
    docs = tmp_path / "docs"
    docs.mkdir()
    diagram = Diagram(statements=(service("a", "mdi:home"), service("b", "mdi:hom")))
    assert [p.message for p in check("AWS302", diagram, base_dir=docs)] == []
    (problem,) = check("AWS301", diagram, base_dir=docs)
    assert "`mdi:hom`" in problem.message


# -- AWS302 unknown pack -------------------------------------------------------------------------


def test_aws302_unknown_prefix_says_how_to_register_it() -> None:
    icon_span = Span(4, 15, 4, 26)
    diagram = Diagram(statements=(service("fn", "mdi:server", icon_span=icon_span),))
    (problem,) = check("AWS302", diagram)
    assert problem.span == icon_span
    assert "unknown icon pack `mdi`" in problem.message
    assert "--icon-pack" in (problem.help or "")
    assert "@iconify-json/mdi" in (problem.help or "")
    assert check("AWS301", diagram) == []  # one finding per mistake


def test_aws302_dashed_name_without_colon_suggests_logos() -> None:
    text = "architecture-beta\n    service fn(aws-lambda)[Orders]\n"
    (problem,) = check("AWS302", parse(text))
    assert covers(problem.span, 2, "aws-lambda", text)
    assert "unknown icon pack `aws`" in problem.message
    assert (problem.help or "").startswith("did you mean `logos:aws-lambda`?")


def test_aws302_mentions_a_pack_that_failed_to_load(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    diagram = Diagram(statements=(service("a", "acme:widget"),))
    (problem,) = check("AWS302", diagram, icon_packs=(broken,))
    assert "not valid JSON" in (problem.help or "")


# -- AWS303 group that cannot contain ----------------------------------------------------------


def test_aws303_sns_group_with_members() -> None:
    text = (
        "architecture-beta\n"
        "    group alerts(logos:aws-sns)[Alerts]\n"
        "    service fn(logos:aws-lambda)[Notify] in alerts\n"
    )
    (problem,) = check("AWS303", parse(text))
    assert covers(problem.span, 2, "logos:aws-sns", text)
    assert "Amazon SNS cannot contain" in problem.message and "`fn`" in problem.message
    assert problem.related and problem.related[0].span.line == 3


def test_aws303_code_built_group_falls_back_to_its_id() -> None:
    group = Group(id="q", icon="logos:aws-sqs", id_span=Span(2, 11, 2, 11))
    members = [Junction(id="j", parent="q"), Group(id="inner", parent="q")]
    (problem,) = check("AWS303", Diagram(statements=(group, *members)))
    assert problem.span == Span(2, 11, 2, 11)
    assert "`j`" in problem.message and "`inner`" in problem.message


@pytest.mark.parametrize(
    "icon",
    [
        "logos:aws-ec2",
        "logos:aws-api-gateway",
        "logos:aws-batch",
        "logos:aws-quicksight",
        "logos:aws",
        "logos:aws-vpc",
        "logos:aws-s3",
        "cloud",
    ],
)
def test_aws303_silent_for_boundaries_and_layer_boxes(icon: str) -> None:
    diagram = Diagram(statements=(Group(id="g", icon=icon), service("a", "server", parent="g")))
    assert check("AWS303", diagram) == []


def test_aws303_silent_for_an_empty_sns_group() -> None:
    assert check("AWS303", Diagram(statements=(Group(id="g", icon="logos:aws-sns"),))) == []


# -- AWS401 known non-integrations -------------------------------------------------------------


def node_for(key: str, node_id: str) -> Service:
    """A service drawn as the catalogue says ``key`` is drawn (Firehose: Kinesis + title)."""
    entry = load_catalogue().by_key(key)
    assert entry is not None and entry.icon is not None
    title = entry.label_words[0].title() if entry.drawn_with else entry.short_name
    return service(node_id, entry.icon, title)


def pair_diagram(row: Integration, arrow: str) -> Diagram:
    """``src`` and ``dst`` for the row's services, joined by one edge written with ``arrow``."""
    nodes = (node_for(row.source_key, "src"), node_for(row.target_key, "dst"))
    if arrow == "<--":  # the same flow, written right to left
        return Diagram(statements=(*nodes, edge("dst", "src", "<--")))
    return Diagram(statements=(*nodes, edge("src", "dst", arrow)))


DIRECT = [row for row in load_catalogue().integrations if row.status == "direct"]
NONE = [row for row in load_catalogue().integrations if row.status == "none"]


def row_id(row: Integration) -> str:
    return f"{row.source_key}->{row.target_key}"


@pytest.mark.parametrize("arrow", ["-->", "<--", "--", "<-->"])
@pytest.mark.parametrize("row", DIRECT, ids=row_id)
def test_aws401_never_warns_on_a_direct_integration(row: Integration, arrow: str) -> None:
    assert check("AWS401", pair_diagram(row, arrow)) == []


@pytest.mark.parametrize("arrow", ["-->", "<--"])
@pytest.mark.parametrize("row", NONE, ids=row_id)
def test_aws401_warns_on_every_known_non_integration(row: Integration, arrow: str) -> None:
    diagram = pair_diagram(row, arrow)
    (problem,) = check("AWS401", diagram)
    assert problem.span == diagram.edges[0].span
    assert row.via is not None and row.why is not None
    assert row.via in problem.message and row.why in problem.message


def test_aws401_position_from_parsed_text() -> None:
    text = (
        "architecture-beta\n"
        "    service table(logos:aws-dynamodb)[Orders]\n"
        "    service topic(logos:aws-sns)[Order events]\n"
        "    table:R --> L:topic\n"
    )
    (problem,) = check("AWS401", parse(text))
    assert covers(problem.span, 4, "table:R --> L:topic", text)
    assert problem.message.startswith(
        "`table` → `topic`: Amazon DynamoDB → Amazon SNS is no direct AWS integration"
    )
    assert "EventBridge Pipes" in problem.message


@pytest.mark.parametrize(
    ("lhs", "rhs", "arrow", "warns"),
    [
        ("dynamodb", "sns", "--", True),  # no direction works
        ("kinesis", "s3", "<-->", True),
        ("sqs", "sns", "--", False),  # SNS -> SQS is a subscription
        ("sqs", "sns", "<--", False),
        ("lambda", "route53", "-->", False),  # unknown pair: silence
        ("s3", "quicksight", "-->", False),  # direct with a condition (SPICE import)
    ],
)
def test_aws401_direction_rules(lhs: str, rhs: str, arrow: str, warns: bool) -> None:
    diagram = Diagram(statements=(node_for(lhs, "a"), node_for(rhs, "b"), edge("a", "b", arrow)))
    assert bool(check("AWS401", diagram)) is warns


def test_aws401_kinesis_icon_titled_firehose_is_firehose() -> None:
    stream = service("k", "logos:aws-kinesis", "Clickstream")
    firehose = service("f", "logos:aws-kinesis", "Order Firehose")
    bucket = service("b", "logos:aws-s3", "Archive")
    diagram = Diagram(
        statements=(stream, firehose, bucket, edge("k", "b"), edge("f", "b", line=11))
    )
    (problem,) = check("AWS401", diagram)
    assert problem.span.line == 10 and "Amazon Data Firehose" in problem.message


def test_aws401_through_a_junction_reports_the_completing_edge() -> None:
    diagram = Diagram(
        statements=(
            node_for("dynamodb", "table"),
            node_for("sns", "topic"),
            node_for("lambda", "fn"),
            Junction(id="j"),
            edge("table", "j", line=10),
            edge("j", "topic", line=11),
            edge("j", "fn", line=12),
        )
    )
    (problem,) = check("AWS401", diagram)  # table -> fn is a stream: fine
    assert problem.span.line == 11
    assert "through junction `j`" in problem.message
    assert problem.related[0].span.line == 10


def test_aws401_junction_chains_form_one_hub() -> None:
    diagram = Diagram(
        statements=(
            node_for("kinesis", "stream"),
            node_for("s3", "bucket"),
            Junction(id="j1"),
            Junction(id="j2"),
            edge("stream", "j1", line=10),
            edge("j1", "j2", "--", line=11),
            edge("j2", "bucket", line=12),
        )
    )
    (problem,) = check("AWS401", diagram)
    assert problem.span.line == 12 and "through junction `j1`" in problem.message


def test_aws401_arrows_into_a_junction_from_both_sides_carry_nothing_between_them() -> None:
    diagram = Diagram(
        statements=(
            node_for("dynamodb", "table"),
            node_for("sns", "topic"),
            Junction(id="j"),
            edge("table", "j"),
            edge("topic", "j", line=11),
        )
    )
    assert check("AWS401", diagram) == []


def test_aws401_skips_group_edges_and_broken_edges() -> None:
    statements = (
        Group(id="g"),
        node_for("dynamodb", "table"),
        Service(id="topic", icon="logos:aws-sns", parent="g"),
        edge("table", "topic", lhs_group=True),
        edge("table", "missing", line=11),
        edge("table", "g", line=12),
        edge("table", "table", line=13),
    )
    assert check("AWS401", Diagram(statements=statements)) == []


def test_aws401_ignores_services_without_aws_icons() -> None:
    diagram = Diagram(
        statements=(service("a", "database"), service("b", "logos:aws-sns"), edge("a", "b"))
    )
    assert check("AWS401", diagram) == []


# -- documentation -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", AWS_CODES)
def test_each_rule_is_documented_with_an_example_and_a_fix(code: str) -> None:
    registered = REGISTRY[code]
    assert registered.summary and len(registered.summary) < 100
    assert "Example:" in registered.doc and "Fix" in registered.doc
    assert registered.severity.value == "warning"
