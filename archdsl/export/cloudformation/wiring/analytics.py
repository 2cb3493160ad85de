"""Query edges: they configure, they do not deliver (``integrations.md`` rule 5).

- S3 → Athena: a Glue table over the bucket's ``data/`` prefix in the work group's database.
- Athena → S3: the work group writes its results to ``athena-results/`` in that bucket (the
  Athena finisher sets it; the edge itself adds nothing more).
- Athena → QuickSight: an Athena data source (behind the QuickSight condition) whose role
  reads exactly the work group, the catalog entries and the buckets behind them.
- S3 → QuickSight: an S3 data source reading a manifest file (a SPICE import).
- S3 → Lake Formation: the bucket becomes a registered data lake location.
"""

from __future__ import annotations

from archdsl.emit.cloudformation import Flow
from archdsl.export.cloudformation.context import Context
from archdsl.export.cloudformation.intrinsics import GetAtt, Ref, Sub
from archdsl.export.cloudformation.registry import edge
from archdsl.export.cloudformation.services.analytics import (
    RESULTS_PREFIX,
    data_sources,
    results_bucket,
)
from archdsl.export.cloudformation.services.data import bucket_objects, bucket_url
from archdsl.export.cloudformation.wiring import ends
from archdsl.export.cloudformation.wiring.clients import DATA_PREFIX


@edge("bucket_to_athena")
def bucket_to_athena(ctx: Context, flow: Flow) -> None:
    bucket, athena = ends(ctx, flow)
    database = ctx.handle(athena.id).extra["database"]
    ctx.add_wiring(
        flow,
        athena,
        f"{athena.base}{bucket.base}Table",
        "AWS::Glue::Table",
        {
            "CatalogId": Ref("AWS::AccountId"),
            "DatabaseName": Ref(database),
            "TableInput": {
                "Name": bucket.slug.replace("-", "_"),
                "Description": f"Objects under {DATA_PREFIX} in {bucket.title}",
                "TableType": "EXTERNAL_TABLE",
                "Parameters": {"classification": "json"},
                "StorageDescriptor": {
                    "Location": bucket_url(ctx, bucket, DATA_PREFIX),
                    "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                    "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                    "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"},
                    "Columns": [
                        {"Name": "id", "Type": "string"},
                        {"Name": "body", "Type": "string"},
                    ],
                },
            },
        },
    )


@edge("athena_results")
def athena_results(ctx: Context, flow: Flow) -> None:
    """The work group's result location is set when every edge is known (see the finisher)."""


@edge("athena_to_quicksight")
def athena_to_quicksight(ctx: Context, flow: Flow) -> None:
    athena, quicksight = ends(ctx, flow)
    role = ctx.role(quicksight.id)
    handle = ctx.handle(athena.id)
    role.allow(
        f"Query{athena.base}",
        [
            "athena:GetWorkGroup",
            "athena:StartQueryExecution",
            "athena:StopQueryExecution",
            "athena:GetQueryExecution",
            "athena:GetQueryResults",
        ],
        handle.arn,
    )
    database = handle.extra.get("database")
    if database:
        role.allow(
            f"Read{athena.base}Catalog",
            ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartitions"],
            [
                Sub(ctx.arn_text("glue", "catalog")),
                Sub(ctx.arn_text("glue", f"database/${{{database}}}")),
                Sub(ctx.arn_text("glue", f"table/${{{database}}}/*")),
            ],
        )
    for source in [f.source for f in ctx.plan.flows if f.target == athena.id]:
        bucket = ctx.node(source)
        if bucket.key != "s3":
            continue
        role.allow(
            f"List{bucket.base}",
            ["s3:GetBucketLocation", "s3:ListBucket"],
            ctx.handle(bucket.id).arn,
        )
        role.allow(f"Read{bucket.base}", ["s3:GetObject"], bucket_objects(ctx, bucket, DATA_PREFIX))
    results = results_bucket(ctx, athena)
    if results is not None:
        role.allow(
            f"Write{athena.base}Results",
            ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
            bucket_objects(ctx, results, RESULTS_PREFIX),
        )
    data_sources(ctx, quicksight.id).append(
        {
            "suffix": athena.base,
            "slug": athena.slug,
            "type": "ATHENA",
            "parameters": {"AthenaParameters": {"WorkGroup": Ref(handle.logical_id)}},
        }
    )


@edge("bucket_to_quicksight")
def bucket_to_quicksight(ctx: Context, flow: Flow) -> None:
    bucket, quicksight = ends(ctx, flow)
    role = ctx.role(quicksight.id)
    role.allow(f"Read{bucket.base}", ["s3:GetObject"], bucket_objects(ctx, bucket))
    role.allow(f"List{bucket.base}", ["s3:ListBucket"], ctx.handle(bucket.id).arn)
    data_sources(ctx, quicksight.id).append(
        {
            "suffix": bucket.base,
            "slug": bucket.slug,
            "type": "S3",
            "parameters": {
                "S3Parameters": {
                    "ManifestFileLocation": {
                        "Bucket": ctx.handle(bucket.id).ref,
                        "Key": "manifest.json",
                    },
                    "RoleArn": GetAtt(role.logical_id, "Arn"),
                }
            },
        }
    )


@edge("bucket_to_lake")
def bucket_to_lake(ctx: Context, flow: Flow) -> None:
    bucket, lake = ends(ctx, flow)
    ctx.add_wiring(
        flow,
        lake,
        f"{lake.base}{bucket.base}Location",
        "AWS::LakeFormation::Resource",
        {"ResourceArn": ctx.handle(bucket.id).arn, "UseServiceLinkedRole": True},
    )
