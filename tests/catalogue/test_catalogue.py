"""The AWS catalogue: data integrity against cfn-lint and the icon set, look-ups, search."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from archdsl.catalogue import (
    Catalogue,
    ServiceEntry,
    integration,
    is_known_logos_icon,
    load_catalogue,
    suggest_icon,
)
from tests.shared_data import REPO_ROOT, shared_dir

LOGOS_AWS_JSON = REPO_ROOT / "archdsl" / "icons" / "logos-aws.json"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@cache
def cfn_lint_resource_types() -> frozenset[str]:
    """Every resource type in cfn-lint's own bundled us-east-1 schemas."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    return frozenset(PROVIDER_SCHEMA_MANAGER.get_resource_types("us-east-1"))


def shipped_aws_icon_names() -> list[str]:
    data = json.loads(LOGOS_AWS_JSON.read_text(encoding="utf-8"))
    return sorted(f"logos:{name}" for name in (*data["icons"], *data["aliases"]))


def all_cfn_types(catalogue: Catalogue) -> list[tuple[str, str]]:
    return [(entry.key, t) for entry in catalogue.entries for t in entry.cfn_types]


# -- data integrity --------------------------------------------------------------------------


def test_cfn_lint_knows_many_types() -> None:
    # Guards the test below against an empty list from a changed cfn-lint API.
    assert len(cfn_lint_resource_types()) > 1000
    assert "AWS::Lambda::Function" in cfn_lint_resource_types()


def test_every_cfn_type_exists_in_cfn_lint_schemas(catalogue: Catalogue) -> None:
    unknown = [
        (key, t) for key, t in all_cfn_types(catalogue) if t not in cfn_lint_resource_types()
    ]
    assert unknown == []


def test_every_cfn_type_exists_in_the_reference_list(catalogue: Catalogue) -> None:
    shared = shared_dir()
    if shared is None:
        pytest.skip("../shared/reference not present")
    reference = set((shared / "reference" / "cfn-resource-types.txt").read_text().split())
    assert [(key, t) for key, t in all_cfn_types(catalogue) if t not in reference] == []


def test_cfn_types_are_well_formed_and_not_repeated_within_an_entry(catalogue: Catalogue) -> None:
    for entry in catalogue.entries:
        assert all(t.count("::") == 2 and t.startswith("AWS::") for t in entry.cfn_types)
        assert len(set(entry.cfn_types)) == len(entry.cfn_types), entry.key


def test_the_65_aws_icons_are_shipped_and_each_maps_to_one_entry(catalogue: Catalogue) -> None:
    icons = shipped_aws_icon_names()
    assert len(icons) == 65
    for icon in icons:
        entry = catalogue.by_icon(icon)
        assert entry is not None, icon
        assert icon in entry.icons
    catalogued = sorted(icon for entry in catalogue.entries for icon in entry.icons)
    assert catalogued == icons  # every icon once, nothing invented


def test_icons_match_the_reference_icon_table(catalogue: Catalogue) -> None:
    shared = shared_dir()
    if shared is None:
        pytest.skip("../shared/reference not present")
    with (shared / "reference" / "iconify-logos-aws.tsv").open(encoding="utf-8") as table:
        rows = list(csv.DictReader(table, delimiter="\t"))
    assert sorted(f"logos:{row['name']}" for row in rows) == shipped_aws_icon_names()


def test_hidden_icons_are_extra_icons_of_their_service(catalogue: Catalogue) -> None:
    assert catalogue.by_icon("logos:aws-elastic-cache") is catalogue.by_key("elasticache")
    assert catalogue.by_icon("logos:aws-mobilehub") is catalogue.by_key("amplify")


def test_keys_and_aliases_are_unique(catalogue: Catalogue) -> None:
    keys = [entry.key for entry in catalogue.entries]
    assert len(keys) == len(set(keys))
    aliases = [alias for entry in catalogue.entries for alias in entry.aliases]
    assert sorted(a for a in aliases if aliases.count(a) > 1) == []
    assert all(alias == alias.lower() for alias in aliases)


def test_every_entry_is_complete(catalogue: Catalogue) -> None:
    for entry in catalogue.entries:
        assert entry.name and entry.short_name and entry.category, entry.key
        assert entry.group_like in ("yes", "no", "maybe")
        assert entry.icon is not None, entry.key  # something to draw it with
        assert entry.aliases, entry.key


def test_boundaries_are_group_like_and_leaf_resources_cannot_contain(catalogue: Catalogue) -> None:
    for key in ("aws", "vpc", "ec2", "ecs", "eks"):
        assert catalogue.by_key(key).group_like == "yes"  # type: ignore[union-attr]
    for key in ("sns", "sqs", "kms", "secrets_manager"):
        assert catalogue.by_key(key).can_contain is False  # type: ignore[union-attr]
    # The layer boxes of the example diagram are style choices, never flagged.
    for icon in (
        "logos:aws-api-gateway",
        "logos:aws-ec2",
        "logos:aws-batch",
        "logos:aws-quicksight",
    ):
        assert catalogue.by_icon(icon).can_contain is True  # type: ignore[union-attr]


def test_services_without_a_cloudformation_resource_say_so(catalogue: Catalogue) -> None:
    for key in ("aws", "cloudsearch", "opsworks", "glacier", "xray", "codestar"):
        entry = catalogue.by_key(key)
        assert entry is not None and entry.primary_types == (), key
        assert entry.notes, key


# -- integrations ------------------------------------------------------------------------------

DIRECT_IN_INTEGRATIONS_MD = [
    ("api_gateway", "lambda"), ("lambda", "dynamodb"), ("lambda", "sns"), ("lambda", "sqs"),
    ("lambda", "kinesis"), ("lambda", "s3"), ("kinesis", "lambda"), ("sqs", "lambda"),
    ("dynamodb", "lambda"), ("sns", "sqs"), ("sns", "lambda"), ("sns", "firehose"),
    ("s3", "lambda"), ("s3", "sqs"), ("s3", "sns"), ("s3", "athena"), ("athena", "s3"),
    ("athena", "quicksight"), ("eventbridge", "lambda"), ("eventbridge", "sqs"),
    ("eventbridge", "sns"), ("eventbridge", "step_functions"), ("eventbridge", "kinesis"),
    ("eventbridge", "firehose"), ("lambda", "eventbridge"), ("step_functions", "lambda"),
    ("lambda", "step_functions"), ("lambda", "lambda"), ("cloudfront", "s3"), ("elb", "ecs"),
    ("elb", "ec2"), ("elb", "lambda"), ("kinesis", "firehose"), ("firehose", "s3"),
    ("glue", "s3"), ("dynamodb", "kinesis"), ("api_gateway", "sqs"), ("api_gateway", "kinesis"),
    ("api_gateway", "step_functions"), ("api_gateway", "eventbridge"), ("cognito", "api_gateway"),
]  # fmt: skip

NONE_IN_INTEGRATIONS_MD = [
    ("dynamodb", "sns"), ("dynamodb", "sqs"), ("dynamodb", "s3"), ("dynamodb", "athena"),
    ("sqs", "sns"), ("sqs", "dynamodb"), ("sqs", "s3"), ("kinesis", "s3"), ("kinesis", "dynamodb"),
    ("s3", "kinesis"), ("s3", "step_functions"), ("s3", "dynamodb"), ("sns", "kinesis"),
    ("sns", "dynamodb"), ("sns", "s3"), ("eventbridge", "dynamodb"), ("eventbridge", "s3"),
    ("lambda", "quicksight"),
]  # fmt: skip

# Listed as "not direct" by integrations.md only for one configuration; the drawn edge is
# right for the other one, so these are direct with a condition and never warn.
CONDITIONAL_IN_INTEGRATIONS_MD = [
    ("api_gateway", "dynamodb"),
    ("cloudfront", "lambda"),
    ("s3", "quicksight"),
]


@pytest.mark.parametrize(("source", "target"), DIRECT_IN_INTEGRATIONS_MD)
def test_direct_rows_of_integrations_md_are_direct(source: str, target: str) -> None:
    row = integration(source, target)
    assert row is not None and row.status == "direct"
    assert row.summary and row.initiator in ("push", "poll", "query") and row.source


@pytest.mark.parametrize(("source", "target"), NONE_IN_INTEGRATIONS_MD)
def test_non_integrations_of_integrations_md_are_none(source: str, target: str) -> None:
    row = integration(source, target)
    assert row is not None and row.status == "none"
    assert row.why and row.via and row.source


@pytest.mark.parametrize(("source", "target"), CONDITIONAL_IN_INTEGRATIONS_MD)
def test_configuration_dependent_rows_are_direct_with_a_condition(source: str, target: str) -> None:
    row = integration(source, target)
    assert row is not None and row.status == "direct" and row.condition


def test_quicksight_sends_nothing_onwards() -> None:
    row = integration("quicksight", "kinesis")
    assert row is not None and row.status == "none"


def test_integration_rows_name_known_services_once(catalogue: Catalogue) -> None:
    pairs = [(row.source_key, row.target_key) for row in catalogue.integrations]
    assert len(pairs) == len(set(pairs))
    for source, target in pairs:
        assert catalogue.by_key(source) is not None, source
        assert catalogue.by_key(target) is not None, target


def test_unknown_pairs_are_unknown() -> None:
    assert integration("lambda", "route53") is None
    assert integration("nonsense", "lambda") is None


# -- look-ups ----------------------------------------------------------------------------------


def test_load_catalogue_is_cached() -> None:
    assert load_catalogue() is load_catalogue()


@pytest.mark.parametrize(
    ("icon", "key"),
    [
        ("logos:aws-lambda", "lambda"),
        ("logos-aws-lambda", "lambda"),  # Mermaid reads pack-name without a colon
        ("@iconify:logos:aws-s3", "s3"),
        ("logos:aws-open-search", "opensearch"),
    ],
)
def test_by_icon_accepts_every_spelling_mermaid_accepts(icon: str, key: str) -> None:
    entry = load_catalogue().by_icon(icon)
    assert entry is not None and entry.key == key


@pytest.mark.parametrize("icon", ["logos:aws-lamda", "logos:react", "database", "aws:lambda", ""])
def test_by_icon_is_none_for_other_icons(icon: str) -> None:
    assert load_catalogue().by_icon(icon) is None


def test_a_kinesis_icon_titled_firehose_is_firehose(catalogue: Catalogue) -> None:
    assert catalogue.for_node("logos:aws-kinesis", "Order Firehose").key == "firehose"  # type: ignore[union-attr]
    assert catalogue.for_node("logos:aws-kinesis", "Delivery stream").key == "firehose"  # type: ignore[union-attr]
    assert catalogue.for_node("logos:aws-kinesis", "Orders").key == "kinesis"  # type: ignore[union-attr]
    assert catalogue.for_node("logos:aws-kinesis", None).key == "kinesis"  # type: ignore[union-attr]
    assert catalogue.for_node(None, "Firehose") is None


@pytest.mark.parametrize(
    ("cfn_type", "key"),
    [
        ("AWS::Lambda::Function", "lambda"),
        ("AWS::ApiGateway::RestApi", "api_gateway"),
        ("AWS::KinesisFirehose::DeliveryStream", "firehose"),
        ("AWS::Pipes::Pipe", "eventbridge"),
        ("AWS::RDS::DBCluster", "aurora"),
        ("AWS::SNS::Subscription", "sns"),
    ],
)
def test_by_cfn_type_prefers_primary_types(cfn_type: str, key: str) -> None:
    entry = load_catalogue().by_cfn_type(cfn_type)
    assert entry is not None and entry.key == key


def test_by_cfn_type_unknown() -> None:
    assert load_catalogue().by_cfn_type("AWS::Nope::Thing") is None


# -- search ------------------------------------------------------------------------------------


def keys(entries: list[ServiceEntry]) -> list[str]:
    return [entry.key for entry in entries]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("dynamo", "dynamodb"),
        ("DDB", "dynamodb"),
        ("lamda", "lambda"),
        ("lambda function", "lambda"),
        ("s3 bucket", "s3"),
        ("queue", "sqs"),
        ("kafka", "msk"),
        ("AWS::SNS::Topic", "sns"),
        ("aws-step-functions", "step_functions"),
        ("Simple Notification", "sns"),
        ("firehose", "firehose"),
    ],
)
def test_search_ranks_the_intended_service_first(query: str, first: str) -> None:
    assert keys(load_catalogue().search(query))[0] == first


def test_search_limit_and_blank_query(catalogue: Catalogue) -> None:
    assert len(catalogue.search("a", limit=3)) <= 3
    assert catalogue.search("   ") == []
    assert catalogue.search("zzzzqqqq") == []


def test_search_finds_several_for_a_family(catalogue: Catalogue) -> None:
    found = keys(catalogue.search("code", limit=20))
    assert {"codebuild", "codecommit", "codedeploy", "codepipeline"} <= set(found)


# -- icon names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("logos:aws-lamda", "logos:aws-lambda"),
        ("logos:aws-dynamo-db", "logos:aws-dynamodb"),
        ("logos:AWS-Lambda", "logos:aws-lambda"),
        ("logos:aws-lamdba", "logos:aws-lambda"),
        ("logos:aws-stepfunctions", "logos:aws-step-functions"),
        ("logos:aws-x-ray", "logos:aws-xray"),
        ("logos:aws-opensearch", "logos:aws-open-search"),
        ("logos:aws-sqs-queue", "logos:aws-sqs"),
        ("aws-lambda", "logos:aws-lambda"),
        ("aws:s3", "logos:aws-s3"),
        ("lambda", "logos:aws-lambda"),
        ("dynamo", "logos:aws-dynamodb"),
        ("logos:reactt", "logos:react"),
    ],
)
def test_suggest_icon(typed: str, meant: str) -> None:
    assert suggest_icon(typed) == meant


@pytest.mark.parametrize("typed", ["logos:zzzzzzzzzz", "qqqq", "x:y:z:w"])
def test_suggest_icon_gives_up_on_nonsense(typed: str) -> None:
    assert suggest_icon(typed) is None


def test_logos_names_cover_the_whole_set() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.logos_names) > 2000
    assert {name.partition(":")[2] for name in shipped_aws_icon_names()} <= catalogue.logos_names


@pytest.mark.parametrize(
    ("icon", "known"),
    [
        ("logos:aws-lambda", True),
        ("logos:react", True),  # not AWS, still a logos icon
        ("logos-aws-s3", True),
        ("logos:aws-lamda", False),
        ("aws:lambda", False),
        ("database", False),
    ],
)
def test_is_known_logos_icon(icon: str, known: bool) -> None:
    assert is_known_logos_icon(icon) is known


def test_catalogue_import_is_light() -> None:
    code = (
        "import sys, archdsl.catalogue as c; c.load_catalogue();"
        "heavy = {'networkx', 'lark', 'yaml'} & set(sys.modules); print(sorted(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    assert result.stdout.strip() == "[]"


def test_data_files_ship_inside_the_package() -> None:
    import archdsl.catalogue

    folder = Path(archdsl.catalogue.__file__).parent
    for name in ("services.toml", "integrations.toml", "logos-names.txt"):
        assert (folder / name).is_file(), name


def test_catalogue_files_read_through_their_json_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tomllib

    from archdsl import catalogue
    from archdsl.cachedir import CACHE_DIR_VARIABLE

    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(tmp_path))
    expected = tomllib.loads(catalogue._read_text("services.toml"))
    assert catalogue._read_toml("services.toml") == expected  # builds the copy
    (copy,) = tmp_path.glob("services-*.json")
    assert catalogue._read_toml("services.toml") == expected  # reads it
    for damage in ("{damaged", "[]"):
        copy.write_text(damage, encoding="utf-8")
        assert catalogue._read_toml("services.toml") == expected  # rebuilds it
    assert json.loads(copy.read_text(encoding="utf-8")) == expected


def test_catalogue_loads_when_the_cache_folder_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archdsl import catalogue
    from archdsl.cachedir import CACHE_DIR_VARIABLE

    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(CACHE_DIR_VARIABLE, str(blocker / "cache"))
    assert catalogue._read_toml("integrations.toml")["integrations"]
