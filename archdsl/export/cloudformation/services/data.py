"""Data stores: tables, buckets, databases, caches, search domains.

Stateful resources keep their data when the stack goes (``DeletionPolicy`` and
``UpdateReplacePolicy`` ``Retain``), are encrypted, and keep no password in the template:
databases let RDS, DocumentDB or Redshift manage the master password in Secrets Manager.
"""

from __future__ import annotations

from typing import Any

from archdsl.emit.cloudformation import AwsNode
from archdsl.export.cloudformation import network
from archdsl.export.cloudformation.context import Context, Handle
from archdsl.export.cloudformation.intrinsics import GetAtt, Ref, Select, Sub
from archdsl.export.cloudformation.registry import service
from archdsl.export.cloudformation.services import output, register

NOTIFYING_TARGETS = frozenset({"lambda", "sqs", "sns"})


# -- DynamoDB -----------------------------------------------------------------------------------


@service("dynamodb")
def build_table(ctx: Context, node: AwsNode) -> None:
    table = ctx.add(
        node,
        "Table",
        "AWS::DynamoDB::Table",
        {
            "TableName": ctx.name(node),
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True},
        },
        retain=True,
    )
    register(
        ctx,
        node,
        Handle(
            table.logical_id,
            arn=GetAtt(table.logical_id, "Arn"),
            ref=Ref(table.logical_id),
            env="TABLE_NAME",
        ),
    )
    output(ctx, node, "TableName", Ref(table.logical_id), f"{node.title}: table name")


# -- S3 and Glacier -----------------------------------------------------------------------------


def bucket_has_notifications(ctx: Context, node: AwsNode) -> bool:
    return any(
        flow.source == node.id and ctx.node(flow.target).key in NOTIFYING_TARGETS
        for flow in ctx.plan.flows
    )


@service("s3", "glacier")
def build_bucket(ctx: Context, node: AwsNode) -> None:
    name_text = ctx.name_text(node, suffix="-${AWS::AccountId}")
    properties: dict[str, Any] = {
        "BucketName": Sub(name_text),
        "BucketEncryption": {
            "ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
            ]
        },
        "PublicAccessBlockConfiguration": {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        },
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
    }
    if node.key == "glacier":
        # S3 Glacier vaults have no CloudFormation type; the storage classes are the modern form.
        properties["LifecycleConfiguration"] = {
            "Rules": [
                {
                    "Id": "archive-to-glacier",
                    "Status": "Enabled",
                    "Transitions": [{"StorageClass": "GLACIER", "TransitionInDays": 0}],
                }
            ]
        }
    bucket = ctx.add(node, "Bucket", "AWS::S3::Bucket", properties, retain=True)
    arn_by_name = Sub(f"arn:${{AWS::Partition}}:s3:::{name_text}")
    by_name = bucket_has_notifications(ctx, node)
    # A bucket that notifies a function, queue or topic depends on their permission or policy;
    # everything that refers to it then uses its name, or the template would have a cycle.
    register(
        ctx,
        node,
        Handle(
            bucket.logical_id,
            arn=arn_by_name if by_name else GetAtt(bucket.logical_id, "Arn"),
            ref=Sub(name_text) if by_name else Ref(bucket.logical_id),
            env="BUCKET_NAME",
            extra={"arn_by_name": arn_by_name, "name_text": name_text},
        ),
    )
    output(ctx, node, "BucketName", Ref(bucket.logical_id), f"{node.title}: bucket name")


def bucket_objects(ctx: Context, node: AwsNode, prefix: str = "") -> Any:
    """The ARN of the objects (under ``prefix``) of ``node``'s bucket."""
    arn = ctx.handle(node.id).arn
    if arn.name == "GetAtt":
        return Sub(f"${{{arn.value[0]}.Arn}}/{prefix}*")
    return Sub(f"{arn.value}/{prefix}*")


def bucket_url(ctx: Context, node: AwsNode, prefix: str) -> Any:
    """``s3://<bucket>/<prefix>``, by name when the bucket is referred to by name."""
    handle = ctx.handle(node.id)
    if handle.ref.name == "Ref":
        return Sub(f"s3://${{{handle.logical_id}}}/{prefix}")
    return Sub(f"s3://{handle.extra['name_text']}/{prefix}")


# -- Relational and document databases ----------------------------------------------------------


def _subnet_group(ctx: Context, node: AwsNode, type_: str, description_key: str) -> str:
    group = ctx.add(
        node,
        "SubnetGroup",
        type_,
        {description_key: f"Subnets of {node.title}", "SubnetIds": network.subnet_ids(ctx, node)},
    )
    return group.logical_id


@service("rds")
def build_rds(ctx: Context, node: AwsNode) -> None:
    subnets = _subnet_group(ctx, node, "AWS::RDS::DBSubnetGroup", "DBSubnetGroupDescription")
    instance = ctx.add(
        node,
        "Database",
        "AWS::RDS::DBInstance",
        {
            "Engine": "postgres",
            "DBInstanceClass": "db.t4g.micro",
            "AllocatedStorage": "20",
            "StorageType": "gp3",
            "StorageEncrypted": True,
            "MasterUsername": "dbadmin",
            "ManageMasterUserPassword": True,
            "DBSubnetGroupName": Ref(subnets),
            "VPCSecurityGroups": [network.security_group(ctx, node)],
            "PubliclyAccessible": False,
            "BackupRetentionPeriod": 7,
            "CopyTagsToSnapshot": True,
        },
        retain=True,
    )
    register(
        ctx,
        node,
        Handle(
            instance.logical_id,
            ref=GetAtt(instance.logical_id, "Endpoint.Address"),
            env="DB_HOST",
            extra={"secret": GetAtt(instance.logical_id, "MasterUserSecret.SecretArn")},
        ),
    )
    output(
        ctx,
        node,
        "Endpoint",
        GetAtt(instance.logical_id, "Endpoint.Address"),
        f"{node.title}: database host",
    )


@service("aurora")
def build_aurora(ctx: Context, node: AwsNode) -> None:
    subnets = _subnet_group(ctx, node, "AWS::RDS::DBSubnetGroup", "DBSubnetGroupDescription")
    cluster = ctx.add(
        node,
        "Cluster",
        "AWS::RDS::DBCluster",
        {
            "Engine": "aurora-postgresql",
            "MasterUsername": "dbadmin",
            "ManageMasterUserPassword": True,
            "StorageEncrypted": True,
            "DBSubnetGroupName": Ref(subnets),
            "VpcSecurityGroupIds": [network.security_group(ctx, node)],
            "ServerlessV2ScalingConfiguration": {"MinCapacity": 0.5, "MaxCapacity": 4},
            "BackupRetentionPeriod": 7,
            "CopyTagsToSnapshot": True,
        },
        retain=True,
    )
    ctx.add(
        node,
        "Instance",
        "AWS::RDS::DBInstance",
        {
            "Engine": "aurora-postgresql",
            "DBInstanceClass": "db.serverless",
            "DBClusterIdentifier": Ref(cluster.logical_id),
        },
        retain=True,
    )
    register(
        ctx,
        node,
        Handle(
            cluster.logical_id,
            ref=GetAtt(cluster.logical_id, "Endpoint.Address"),
            env="DB_HOST",
            extra={"secret": GetAtt(cluster.logical_id, "MasterUserSecret.SecretArn")},
        ),
    )
    output(
        ctx,
        node,
        "Endpoint",
        GetAtt(cluster.logical_id, "Endpoint.Address"),
        f"{node.title}: cluster endpoint",
    )


@service("documentdb")
def build_documentdb(ctx: Context, node: AwsNode) -> None:
    subnets = _subnet_group(ctx, node, "AWS::DocDB::DBSubnetGroup", "DBSubnetGroupDescription")
    cluster = ctx.add(
        node,
        "Cluster",
        "AWS::DocDB::DBCluster",
        {
            "MasterUsername": "dbadmin",
            "ManageMasterUserPassword": True,
            "StorageEncrypted": True,
            "DBSubnetGroupName": Ref(subnets),
            "VpcSecurityGroupIds": [network.security_group(ctx, node)],
            "BackupRetentionPeriod": 7,
        },
        retain=True,
    )
    ctx.add(
        node,
        "Instance",
        "AWS::DocDB::DBInstance",
        {"DBClusterIdentifier": Ref(cluster.logical_id), "DBInstanceClass": "db.t3.medium"},
        retain=True,
    )
    register(
        ctx,
        node,
        Handle(cluster.logical_id, ref=GetAtt(cluster.logical_id, "Endpoint"), env="DB_HOST"),
    )
    output(
        ctx,
        node,
        "Endpoint",
        GetAtt(cluster.logical_id, "Endpoint"),
        f"{node.title}: cluster endpoint",
    )


@service("neptune")
def build_neptune(ctx: Context, node: AwsNode) -> None:
    subnets = _subnet_group(ctx, node, "AWS::Neptune::DBSubnetGroup", "DBSubnetGroupDescription")
    cluster = ctx.add(
        node,
        "Cluster",
        "AWS::Neptune::DBCluster",
        {
            "StorageEncrypted": True,
            "IamAuthEnabled": True,
            "DBSubnetGroupName": Ref(subnets),
            "VpcSecurityGroupIds": [network.security_group(ctx, node)],
            "BackupRetentionPeriod": 7,
        },
        retain=True,
    )
    ctx.add(
        node,
        "Instance",
        "AWS::Neptune::DBInstance",
        {"DBClusterIdentifier": Ref(cluster.logical_id), "DBInstanceClass": "db.t3.medium"},
        retain=True,
    )
    register(
        ctx,
        node,
        Handle(cluster.logical_id, ref=GetAtt(cluster.logical_id, "Endpoint"), env="DB_HOST"),
    )
    output(
        ctx,
        node,
        "Endpoint",
        GetAtt(cluster.logical_id, "Endpoint"),
        f"{node.title}: cluster endpoint",
    )


@service("elasticache")
def build_cache(ctx: Context, node: AwsNode) -> None:
    subnets = _subnet_group(ctx, node, "AWS::ElastiCache::SubnetGroup", "Description")
    group = ctx.add(
        node,
        "ReplicationGroup",
        "AWS::ElastiCache::ReplicationGroup",
        {
            "ReplicationGroupDescription": f"{node.title} ({node.id} in the diagram)",
            "Engine": "valkey",
            "CacheNodeType": "cache.t4g.micro",
            "NumCacheClusters": 1,
            "CacheSubnetGroupName": Ref(subnets),
            "SecurityGroupIds": [network.security_group(ctx, node)],
            "AtRestEncryptionEnabled": True,
            "TransitEncryptionEnabled": True,
        },
        retain=True,
    )
    register(
        ctx,
        node,
        Handle(
            group.logical_id,
            ref=GetAtt(group.logical_id, "PrimaryEndPoint.Address"),
            env="CACHE_HOST",
        ),
    )
    output(
        ctx,
        node,
        "Endpoint",
        GetAtt(group.logical_id, "PrimaryEndPoint.Address"),
        f"{node.title}: primary endpoint",
    )


@service("redshift")
def build_redshift(ctx: Context, node: AwsNode) -> None:
    subnets = _subnet_group(ctx, node, "AWS::Redshift::ClusterSubnetGroup", "Description")
    cluster = ctx.add(
        node,
        "Cluster",
        "AWS::Redshift::Cluster",
        {
            "ClusterType": "single-node",
            "NodeType": "ra3.large",
            "DBName": "analytics",
            "MasterUsername": "dbadmin",
            "ManageMasterPassword": True,
            "Encrypted": True,
            "PubliclyAccessible": False,
            "ClusterSubnetGroupName": Ref(subnets),
            "VpcSecurityGroupIds": [network.security_group(ctx, node)],
        },
        retain=True,
    )
    register(
        ctx,
        node,
        Handle(
            cluster.logical_id,
            ref=GetAtt(cluster.logical_id, "Endpoint.Address"),
            env="WAREHOUSE_HOST",
            extra={"secret": GetAtt(cluster.logical_id, "MasterPasswordSecretArn")},
        ),
    )
    output(
        ctx,
        node,
        "Endpoint",
        GetAtt(cluster.logical_id, "Endpoint.Address"),
        f"{node.title}: cluster endpoint",
    )


# -- Keyspaces, OpenSearch ----------------------------------------------------------


@service("keyspaces")
def build_keyspace(ctx: Context, node: AwsNode) -> None:
    keyspace = ctx.add(
        node,
        "Keyspace",
        "AWS::Cassandra::Keyspace",
        {"KeyspaceName": ctx.name(node, "_")},
        retain=True,
    )
    ctx.add(
        node,
        "Table",
        "AWS::Cassandra::Table",
        {
            "KeyspaceName": Ref(keyspace.logical_id),
            "PartitionKeyColumns": [{"ColumnName": "id", "ColumnType": "text"}],
            "RegularColumns": [{"ColumnName": "body", "ColumnType": "text"}],
            "BillingMode": {"Mode": "ON_DEMAND"},
            "PointInTimeRecoveryEnabled": True,
        },
        retain=True,
    )
    register(
        ctx,
        node,
        Handle(
            keyspace.logical_id,
            arn=Sub(ctx.arn_text("cassandra", f"/keyspace/${{{keyspace.logical_id}}}/table/*")),
            ref=Ref(keyspace.logical_id),
            env="KEYSPACE_NAME",
        ),
    )
    output(ctx, node, "KeyspaceName", Ref(keyspace.logical_id), f"{node.title}: keyspace")


@service("opensearch")
def build_search(ctx: Context, node: AwsNode) -> None:
    properties: dict[str, Any] = {
        "EngineVersion": "OpenSearch_2.19",
        "ClusterConfig": {"InstanceType": "t3.small.search", "InstanceCount": 1},
        "EBSOptions": {"EBSEnabled": True, "VolumeType": "gp3", "VolumeSize": 10},
        "EncryptionAtRestOptions": {"Enabled": True},
        "NodeToNodeEncryptionOptions": {"Enabled": True},
        "DomainEndpointOptions": {
            "EnforceHTTPS": True,
            "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07",
        },
    }
    if node.network is not None:
        properties["VPCOptions"] = {
            "SubnetIds": [Select(0, network.subnet_ids(ctx, node))],
            "SecurityGroupIds": [network.security_group(ctx, node)],
        }
    domain = ctx.add(node, "Domain", "AWS::OpenSearchService::Domain", properties, retain=True)
    register(
        ctx,
        node,
        Handle(
            domain.logical_id,
            arn=GetAtt(domain.logical_id, "Arn"),
            ref=GetAtt(domain.logical_id, "DomainEndpoint"),
            env="SEARCH_ENDPOINT",
        ),
    )
    output(
        ctx,
        node,
        "Endpoint",
        GetAtt(domain.logical_id, "DomainEndpoint"),
        f"{node.title}: domain endpoint",
    )
