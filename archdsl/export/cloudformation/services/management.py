"""Management, security and developer tools: each a small, valid skeleton of its own."""

from __future__ import annotations

import json
from typing import Any

from archdsl.emit.cloudformation import AwsNode
from archdsl.export.cloudformation.context import Context, Handle
from archdsl.export.cloudformation.iam import POLICY_VERSION
from archdsl.export.cloudformation.intrinsics import GetAtt, Ref, Sub
from archdsl.export.cloudformation.registry import finisher, service
from archdsl.export.cloudformation.services import (
    REF,
    Face,
    allow_logs,
    compute_role,
    latin1_text,
    log_group,
    managed_role,
    output,
    publish,
    register,
)
from archdsl.export.cloudformation.services.data import private_bucket

# -- CloudWatch ---------------------------------------------------------------------------------


def alarms(ctx: Context, node_id: str) -> list[str]:
    """Logical ids of the alarms a CloudWatch node watches with (filled by the wiring)."""
    found: dict[str, list[str]] = ctx.state.setdefault("alarms", {})
    return found.setdefault(node_id, [])


@service("cloudwatch")
def build_dashboard(ctx: Context, node: AwsNode) -> None:
    body = {
        "widgets": [
            {
                "type": "text",
                "x": 0,
                "y": 0,
                "width": 24,
                "height": 2,
                "properties": {"markdown": f"# {node.title}"},
            }
        ]
    }
    dashboard = ctx.add(
        node,
        "Dashboard",
        "AWS::CloudWatch::Dashboard",
        {"DashboardName": ctx.name(node), "DashboardBody": json.dumps(body, sort_keys=True)},
    )
    publish(ctx, node, dashboard, Face("DASHBOARD_NAME"))


# -- CloudTrail ---------------------------------------------------------------------------------


@service("cloudtrail")
def build_trail(ctx: Context, node: AwsNode) -> None:
    bucket = private_bucket(ctx, node, "Bucket", ctx.name_text(node, suffix="-${AWS::AccountId}"))
    trail_arn = Sub(ctx.arn_text("cloudtrail", f"trail/{ctx.name_text(node)}"))
    policy = ctx.add(
        node,
        "BucketPolicy",
        "AWS::S3::BucketPolicy",
        {
            "Bucket": Ref(bucket.logical_id),
            "PolicyDocument": {
                "Version": POLICY_VERSION,
                "Statement": [
                    {
                        "Sid": "TrailChecksAcl",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudtrail.amazonaws.com"},
                        "Action": "s3:GetBucketAcl",
                        "Resource": GetAtt(bucket.logical_id, "Arn"),
                        "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
                    },
                    {
                        "Sid": "TrailWritesLogs",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudtrail.amazonaws.com"},
                        "Action": "s3:PutObject",
                        "Resource": Sub(
                            f"${{{bucket.logical_id}.Arn}}/AWSLogs/${{AWS::AccountId}}/*"
                        ),
                        "Condition": {
                            "StringEquals": {
                                "aws:SourceArn": trail_arn,
                                "s3:x-amz-acl": "bucket-owner-full-control",
                            }
                        },
                    },
                ],
            },
        },
    )
    trail = ctx.add(
        node,
        "Trail",
        "AWS::CloudTrail::Trail",
        {
            "TrailName": ctx.name(node),
            "S3BucketName": Ref(bucket.logical_id),
            "IsLogging": True,
            "IsMultiRegionTrail": True,
            "EnableLogFileValidation": True,
            "IncludeGlobalServiceEvents": True,
        },
        depends_on=[policy.logical_id],
    )
    face = Face("TRAIL_NAME", "Arn", output="TrailArn", says="trail ARN", shows="Arn")
    publish(ctx, node, trail, face)


# -- Config, Backup -----------------------------------------------------------------------------


@service("config")
def build_config_rule(ctx: Context, node: AwsNode) -> None:
    rule = ctx.add(
        node,
        "Rule",
        "AWS::Config::ConfigRule",
        {
            "ConfigRuleName": ctx.name(node),
            "Description": (
                f"{node.title}: needs an AWS Config recorder in the account and region"
            ),
            "Source": {
                "Owner": "AWS",
                "SourceIdentifier": "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
            },
            "Scope": {"ComplianceResourceTypes": ["AWS::S3::Bucket"]},
        },
    )
    publish(ctx, node, rule, Face("CONFIG_RULE_NAME", "Arn"))


def backup_resources(ctx: Context, node_id: str) -> list[Any]:
    found: dict[str, list[Any]] = ctx.state.setdefault("backup_resources", {})
    return found.setdefault(node_id, [])


@service("backup")
def build_backup(ctx: Context, node: AwsNode) -> None:
    vault = ctx.add(
        node,
        "Vault",
        "AWS::Backup::BackupVault",
        {"BackupVaultName": ctx.name(node)},
        retain=True,
    )
    plan = ctx.add(
        node,
        "Plan",
        "AWS::Backup::BackupPlan",
        {
            "BackupPlan": {
                "BackupPlanName": ctx.name(node),
                "BackupPlanRule": [
                    {
                        "RuleName": "daily",
                        "TargetBackupVault": Ref(vault.logical_id),
                        "ScheduleExpression": "cron(0 5 * * ? *)",
                        "Lifecycle": {"DeleteAfterDays": 35},
                    }
                ],
            }
        },
    )
    register(ctx, node, Handle(plan.logical_id, extra={"vault": vault.logical_id}))
    output(
        ctx,
        node,
        "VaultArn",
        GetAtt(vault.logical_id, "BackupVaultArn"),
        f"{node.title}: backup vault ARN",
    )


@finisher("backup")
def finish_backup(ctx: Context, node: AwsNode) -> None:
    role = managed_role(
        ctx,
        node,
        "Role",
        "backup.amazonaws.com",
        "service-role/AWSBackupServiceRolePolicyForBackup",
    )
    selection: dict[str, Any] = {
        "SelectionName": node.slug,
        "IamRoleArn": GetAtt(role.logical_id, "Arn"),
    }
    resources = backup_resources(ctx, node.id)
    if resources:
        selection["Resources"] = resources
    else:
        _ = ctx.project
        selection["ListOfTags"] = [
            {
                "ConditionType": "STRINGEQUALS",
                "ConditionKey": "backup",
                "ConditionValue": Ref("ProjectName"),
            }
        ]
    ctx.add(
        node,
        "Selection",
        "AWS::Backup::BackupSelection",
        {"BackupPlanId": Ref(ctx.handle(node.id).logical_id), "BackupSelection": selection},
    )


# -- KMS, Secrets Manager, Systems Manager, IAM -------------------------------------------------


@service("kms")
def build_key(ctx: Context, node: AwsNode) -> None:
    key = ctx.add(
        node,
        "Key",
        "AWS::KMS::Key",
        {
            "Description": f"{node.title} ({node.id} in the diagram)",
            "EnableKeyRotation": True,
            "KeyPolicy": {
                "Version": POLICY_VERSION,
                "Statement": [
                    {
                        "Sid": "AccountAdministersKey",
                        "Effect": "Allow",
                        "Principal": {
                            "AWS": Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")
                        },
                        "Action": "kms:*",
                        "Resource": "*",
                    }
                ],
            },
        },
        retain=True,
    )
    ctx.add(
        node,
        "Alias",
        "AWS::KMS::Alias",
        {"AliasName": Sub(f"alias/{ctx.name_text(node)}"), "TargetKeyId": Ref(key.logical_id)},
    )
    publish(ctx, node, key, Face("KEY_ID", "Arn", output="KeyArn", says="key ARN", shows="Arn"))


@service("secrets_manager")
def build_secret(ctx: Context, node: AwsNode) -> None:
    secret = ctx.add(
        node,
        "Secret",
        "AWS::SecretsManager::Secret",
        {
            "Name": ctx.name(node),
            "Description": f"{node.title} ({node.id} in the diagram)",
            "GenerateSecretString": {"PasswordLength": 32, "ExcludePunctuation": True},
        },
        retain=True,
    )
    publish(ctx, node, secret, Face("SECRET_ARN", REF, output="SecretArn", says="secret ARN"))


@service("systems_manager")
def build_parameter(ctx: Context, node: AwsNode) -> None:
    name_text = ctx.name_text(node)
    parameter = ctx.add(
        node,
        "Parameter",
        "AWS::SSM::Parameter",
        {
            "Name": Sub(name_text),
            "Type": "String",
            "Value": "change-me",
            "Description": f"{node.title} ({node.id} in the diagram)",
        },
    )
    arn = Sub(ctx.arn_text("ssm", f"parameter/{name_text}"))
    publish(ctx, node, parameter, Face("PARAMETER_NAME", arn))


@service("iam")
def build_iam_role(ctx: Context, node: AwsNode) -> None:
    role = ctx.add(
        node,
        "Role",
        "AWS::IAM::Role",
        {
            "Description": latin1_text(f"{node.title} ({node.id} in the diagram)"),
            "AssumeRolePolicyDocument": {
                "Version": POLICY_VERSION,
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {
                            "AWS": Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")
                        },
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
        },
    )
    publish(ctx, node, role, Face("ROLE_ARN", "Arn", "Arn", output="RoleArn", says="role ARN"))


# -- Developer tools ----------------------------------------------------------------------------


@service("codecommit")
def build_repository(ctx: Context, node: AwsNode) -> None:
    repository = ctx.add(
        node,
        "Repository",
        "AWS::CodeCommit::Repository",
        {"RepositoryName": ctx.name(node), "RepositoryDescription": node.title},
        retain=True,
    )
    face = Face(
        "REPOSITORY_NAME", "Arn", "Name", output="CloneUrl", says="clone URL", shows="CloneUrlHttp"
    )
    publish(ctx, node, repository, face)


@service("codebuild")
def build_project(ctx: Context, node: AwsNode) -> None:
    name_text = ctx.name_text(node)
    group = log_group(ctx, node, Sub(f"/aws/codebuild/{name_text}"))
    policy = compute_role(ctx, node, "codebuild.amazonaws.com")
    allow_logs(policy, group)
    project = ctx.add(
        node,
        "Project",
        "AWS::CodeBuild::Project",
        {
            "Name": Sub(name_text),
            "Description": f"{node.title} ({node.id} in the diagram)",
            "ServiceRole": GetAtt(policy.logical_id, "Arn"),
            "Artifacts": {"Type": "NO_ARTIFACTS"},
            "Environment": {
                "Type": "LINUX_CONTAINER",
                "ComputeType": "BUILD_GENERAL1_SMALL",
                "Image": "aws/codebuild/amazonlinux-x86_64-standard:5.0",
            },
            "Source": {
                "Type": "NO_SOURCE",
                "BuildSpec": "version: 0.2\nphases:\n  build:\n    commands:\n      - echo build\n",
            },
            "LogsConfig": {
                "CloudWatchLogs": {"Status": "ENABLED", "GroupName": Ref(group.logical_id)}
            },
        },
    )
    face = Face("PROJECT_NAME", "Arn", output="ProjectName", says="build project")
    publish(ctx, node, project, face)


@finisher("codebuild")
def finish_project(ctx: Context, node: AwsNode) -> None:
    variables = ctx.env.get(node.id)
    if variables:
        project = ctx.resource(node.id)
        project.properties["Environment"]["EnvironmentVariables"] = [
            {"Name": name, "Value": value, "Type": "PLAINTEXT"}
            for name, value in sorted(variables.items())
        ]


@service("codedeploy")
def build_deploy_application(ctx: Context, node: AwsNode) -> None:
    application = ctx.add(
        node,
        "Application",
        "AWS::CodeDeploy::Application",
        {"ApplicationName": ctx.name(node), "ComputePlatform": "Server"},
    )
    publish(ctx, node, application, Face("APPLICATION_NAME"))


def pipeline_stages(ctx: Context, node_id: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, dict[str, list[dict[str, Any]]]] = ctx.state.setdefault("pipeline", {})
    return found.setdefault(node_id, {"Source": [], "Build": []})


@service("codepipeline")
def build_pipeline(ctx: Context, node: AwsNode) -> None:
    bucket = private_bucket(
        ctx,
        node,
        "ArtifactBucket",
        ctx.name_text(node, suffix="-artifacts-${AWS::AccountId}"),
        {"VersioningConfiguration": {"Status": "Enabled"}},
    )
    policy = compute_role(ctx, node, "codepipeline.amazonaws.com")
    policy.allow(
        "UseArtifactBucket",
        ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
        Sub(f"${{{bucket.logical_id}.Arn}}/*"),
    )
    policy.allow(
        "ListArtifactBucket",
        ["s3:GetBucketVersioning", "s3:ListBucket"],
        GetAtt(bucket.logical_id, "Arn"),
    )
    pipeline = ctx.add(
        node,
        "Pipeline",
        "AWS::CodePipeline::Pipeline",
        {
            "Name": Sub(ctx.name_text(node)),
            "RoleArn": GetAtt(policy.logical_id, "Arn"),
            "PipelineType": "V2",
            "ArtifactStore": {"Type": "S3", "Location": Ref(bucket.logical_id)},
        },
    )
    publish(ctx, node, pipeline, Face("PIPELINE_NAME"), bucket=bucket.logical_id)


@finisher("codepipeline")
def finish_pipeline(ctx: Context, node: AwsNode) -> None:
    handle = ctx.handle(node.id)
    pipeline = ctx.template.resources[handle.logical_id]
    stages = pipeline_stages(ctx, node.id)
    source = stages["Source"] or [
        {
            "Name": "Source",
            "ActionTypeId": {
                "Category": "Source",
                "Owner": "AWS",
                "Provider": "S3",
                "Version": "1",
            },
            "Configuration": {
                "S3Bucket": Ref(handle.extra["bucket"]),
                "S3ObjectKey": "source.zip",
                "PollForSourceChanges": False,
            },
            "OutputArtifacts": [{"Name": "SourceOutput"}],
        }
    ]
    if not stages["Source"]:
        ctx.role(node.id).allow(
            "ReadSource",
            ["s3:GetObject", "s3:GetObjectVersion"],
            Sub(f"${{{handle.extra['bucket']}.Arn}}/source.zip"),
        )
    second = stages["Build"] or [
        {
            "Name": "Approve",
            "ActionTypeId": {
                "Category": "Approval",
                "Owner": "AWS",
                "Provider": "Manual",
                "Version": "1",
            },
        }
    ]
    pipeline.properties["Stages"] = [
        {"Name": "Source", "Actions": source},
        {"Name": "Build" if stages["Build"] else "Approve", "Actions": second},
    ]


@service("xray")
def build_trace_group(ctx: Context, node: AwsNode) -> None:
    group = ctx.add(
        node,
        "Group",
        "AWS::XRay::Group",
        {"GroupName": ctx.name(node), "FilterExpression": "fault = true OR error = true"},
    )
    publish(ctx, node, group, Face(arn="GroupARN", ref=None))


@service("ses")
def build_email_identity(ctx: Context, node: AwsNode) -> None:
    from archdsl.export.cloudformation.services.frontdoor import domain_name

    identity = ctx.add(
        node,
        "EmailIdentity",
        "AWS::SES::EmailIdentity",
        {"EmailIdentity": domain_name(ctx)},
    )
    arn = Sub(ctx.arn_text("ses", f"identity/${{{identity.logical_id}}}"))
    publish(ctx, node, identity, Face("EMAIL_IDENTITY", arn))
