"""Analytics: Athena work groups over a Glue catalog, QuickSight data sources, Lake Formation.

QuickSight needs an account subscription and registered users, which CloudFormation cannot
create: its resources sit behind the ``CreateQuickSight`` condition, true once the
``QuickSightPrincipalArn`` parameter names a QuickSight user or group.
"""

from __future__ import annotations

from typing import Any

from archdsl.emit.cloudformation import AwsNode
from archdsl.export.cloudformation.context import Context, Handle
from archdsl.export.cloudformation.intrinsics import Equals, GetAtt, Not, Ref, Sub
from archdsl.export.cloudformation.registry import finisher, service
from archdsl.export.cloudformation.services import Face, compute_role, output, publish, register
from archdsl.export.cloudformation.services.data import bucket_url

RESULTS_PREFIX = "athena-results/"
QUICKSIGHT_CONDITION = "CreateQuickSight"
DATA_SOURCE_ACTIONS = [
    "quicksight:DescribeDataSource",
    "quicksight:DescribeDataSourcePermissions",
    "quicksight:PassDataSource",
    "quicksight:UpdateDataSource",
    "quicksight:DeleteDataSource",
    "quicksight:UpdateDataSourcePermissions",
]


# -- Athena -------------------------------------------------------------------------------------


@service("athena")
def build_workgroup(ctx: Context, node: AwsNode) -> None:
    workgroup = ctx.add(
        node,
        "WorkGroup",
        "AWS::Athena::WorkGroup",
        {
            "Name": ctx.name(node),
            "Description": f"{node.title} ({node.id} in the diagram)",
            "RecursiveDeleteOption": True,
            "WorkGroupConfiguration": {
                "EnforceWorkGroupConfiguration": True,
                "PublishCloudWatchMetricsEnabled": True,
            },
        },
    )
    extra: dict[str, Any] = {}
    if any(f.target == node.id and ctx.node(f.source).key == "s3" for f in ctx.plan.flows):
        database = ctx.add(
            node,
            "GlueDatabase",
            "AWS::Glue::Database",
            {
                "CatalogId": Ref("AWS::AccountId"),
                "DatabaseInput": {
                    "Name": ctx.name(node, "_"),
                    "Description": f"Tables that {node.title} queries",
                },
            },
        )
        extra["database"] = database.logical_id
        output(
            ctx, node, "GlueDatabaseName", Ref(database.logical_id), f"{node.title}: Glue database"
        )
    arn = Sub(ctx.arn_text("athena", f"workgroup/${{{workgroup.logical_id}}}"))
    face = Face("WORKGROUP_NAME", arn, output="WorkGroupName", says="Athena work group")
    publish(ctx, node, workgroup, face, **extra)


def results_bucket(ctx: Context, node: AwsNode) -> AwsNode | None:
    """Where query results go: the bucket Athena writes to, else the first one it reads."""
    writes = [
        f.target for f in ctx.plan.flows if f.source == node.id and ctx.node(f.target).key == "s3"
    ]
    reads = [
        f.source for f in ctx.plan.flows if f.target == node.id and ctx.node(f.source).key == "s3"
    ]
    chosen = writes or reads
    return ctx.node(chosen[0]) if chosen else None


@finisher("athena")
def finish_workgroup(ctx: Context, node: AwsNode) -> None:
    bucket = results_bucket(ctx, node)
    if bucket is None:
        return
    workgroup = ctx.resource(node.id)
    workgroup.properties["WorkGroupConfiguration"]["ResultConfiguration"] = {
        "OutputLocation": bucket_url(ctx, bucket, RESULTS_PREFIX),
        "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"},
    }
    _expire_results(ctx, bucket)


def _expire_results(ctx: Context, bucket: AwsNode) -> None:
    resource = ctx.resource(bucket.id)
    lifecycle = resource.properties.setdefault("LifecycleConfiguration", {"Rules": []})
    rule = {
        "Id": "expire-athena-results",
        "Status": "Enabled",
        "Prefix": RESULTS_PREFIX,
        "ExpirationInDays": 30,
    }
    if rule not in lifecycle["Rules"]:
        lifecycle["Rules"].append(rule)


# -- QuickSight ---------------------------------------------------------------------------------


def quicksight_condition(ctx: Context) -> str:
    principal = ctx.template.parameter(
        "QuickSightPrincipalArn",
        {
            "Type": "String",
            "Default": "",
            "Description": (
                "ARN of an existing QuickSight user or group to own the data sources "
                "(arn:aws:quicksight:REGION:ACCOUNT:user/default/NAME). Leave empty to skip "
                "QuickSight: the account needs a QuickSight subscription, which CloudFormation "
                "cannot create."
            ),
        },
    )
    return ctx.template.condition(QUICKSIGHT_CONDITION, Not(Equals(principal, "")))


def data_sources(ctx: Context, node_id: str) -> list[dict[str, Any]]:
    """Each source's logical-id suffix, name slug, type and parameters (filled by the wiring)."""
    found: dict[str, list[dict[str, Any]]] = ctx.state.setdefault("data_sources", {})
    return found.setdefault(node_id, [])


@service("quicksight")
def build_quicksight(ctx: Context, node: AwsNode) -> None:
    condition = quicksight_condition(ctx)
    policy = compute_role(ctx, node, "quicksight.amazonaws.com")
    policy.role.condition = condition
    register(ctx, node, Handle(""))


@finisher("quicksight")
def finish_quicksight(ctx: Context, node: AwsNode) -> None:
    condition = quicksight_condition(ctx)
    found = data_sources(ctx, node.id)
    if not found:
        # No source drawn: the default work group, which every account has.
        found.append(
            {
                "suffix": "",
                "slug": "",
                "type": "ATHENA",
                "parameters": {"AthenaParameters": {"WorkGroup": "primary"}},
            }
        )
        ctx.role(node.id).allow(
            "UsePrimaryWorkGroup",
            [
                "athena:GetWorkGroup",
                "athena:StartQueryExecution",
                "athena:GetQueryExecution",
                "athena:GetQueryResults",
            ],
            Sub(ctx.arn_text("athena", "workgroup/primary")),
        )
    principal = Ref("QuickSightPrincipalArn")
    for source in found:
        parameters = source["parameters"]
        if source["type"] == "ATHENA":
            parameters["AthenaParameters"]["RoleArn"] = GetAtt(ctx.role(node.id).logical_id, "Arn")
        name = ctx.name(node, suffix=f"-{source['slug']}" if source["slug"] else "")
        data_source = ctx.add(
            node,
            f"{source['suffix']}DataSource",
            "AWS::QuickSight::DataSource",
            {
                "AwsAccountId": Ref("AWS::AccountId"),
                "DataSourceId": name,
                "Name": name,
                "Type": source["type"],
                "DataSourceParameters": parameters,
                "Permissions": [{"Principal": principal, "Actions": DATA_SOURCE_ACTIONS}],
            },
            condition=condition,
        )
        ctx.template.output(
            f"{data_source.logical_id}Arn",
            GetAtt(data_source.logical_id, "Arn"),
            f"{node.title}: QuickSight data source ARN",
            owner=node.id,
            condition=condition,
        )


# -- Lake Formation -----------------------------------------------------------------------------


@service("lake_formation")
def build_lake(ctx: Context, node: AwsNode) -> None:
    if any(f.target == node.id for f in ctx.plan.flows):
        register(ctx, node, Handle(""))
        return  # the registered S3 locations are its resources (see the wiring)
    settings = ctx.add(
        node,
        "Settings",
        "AWS::LakeFormation::DataLakeSettings",
        {"CreateDatabaseDefaultPermissions": [], "CreateTableDefaultPermissions": []},
    )
    register(ctx, node, Handle(settings.logical_id))
