"""Data stores: tables, buckets, databases, caches, search domains.

Stateful resources keep their data when the stack goes (``DeletionPolicy`` and
``UpdateReplacePolicy`` ``Retain``), are encrypted, and keep no password in the template:
databases let RDS, DocumentDB or Redshift manage the master password in Secrets Manager.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from enum import Enum
from typing import Any

from archdsl.emit.cloudformation import AwsNode
from archdsl.export.cloudformation import network
from archdsl.export.cloudformation.context import Context
from archdsl.export.cloudformation.intrinsics import GetAtt, Ref, Select, Sub
from archdsl.export.cloudformation.registry import service
from archdsl.export.cloudformation.services import REF, Face, publish
from archdsl.export.cloudformation.template import Resource

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
    publish(ctx, node, table, Face("TABLE_NAME", "Arn", output="TableName", says="table name"))


# -- S3 and Glacier -----------------------------------------------------------------------------


def private_bucket(
    ctx: Context,
    node: AwsNode,
    suffix: str,
    name_text: str,
    more: dict[str, Any] | None = None,
) -> Resource:
    """An encrypted bucket named ``name_text``, closed to the public, that outlives the stack.

    Every bucket of the template is one: the diagram's own, and those that services keep for
    themselves (trail logs, pipeline artifacts, a delivery stream's fallback destination).
    """
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
        **(more or {}),
    }
    return ctx.add(node, suffix, "AWS::S3::Bucket", properties, retain=True)


def bucket_has_notifications(ctx: Context, node: AwsNode) -> bool:
    return any(
        flow.source == node.id and ctx.node(flow.target).key in NOTIFYING_TARGETS
        for flow in ctx.plan.flows
    )


@service("s3", "glacier")
def build_bucket(ctx: Context, node: AwsNode) -> None:
    name_text = ctx.name_text(node, suffix="-${AWS::AccountId}")
    more: dict[str, Any] = {
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    }
    if node.key == "glacier":
        # S3 Glacier vaults have no CloudFormation type; the storage classes are the modern form.
        more["LifecycleConfiguration"] = {
            "Rules": [
                {
                    "Id": "archive-to-glacier",
                    "Status": "Enabled",
                    "Transitions": [{"StorageClass": "GLACIER", "TransitionInDays": 0}],
                }
            ]
        }
    bucket = private_bucket(ctx, node, "Bucket", name_text, more)
    arn_by_name = Sub(f"arn:${{AWS::Partition}}:s3:::{name_text}")
    by_name = bucket_has_notifications(ctx, node)
    # A bucket that notifies a function, queue or topic depends on their permission or policy;
    # everything that refers to it then uses its name, or the template would have a cycle.
    face = Face(
        "BUCKET_NAME",
        arn_by_name if by_name else "Arn",
        Sub(name_text) if by_name else REF,
        output="BucketName",
        says="bucket name",
        shows=REF,
    )
    publish(ctx, node, bucket, face, arn_by_name=arn_by_name, name_text=name_text)


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


# -- Databases and caches in the VPC ------------------------------------------------------------


class Slot(Enum):
    """Where a :class:`Store`'s properties take what only the export knows."""

    SUBNET_GROUP = "a Ref to the store's subnet group"
    SECURITY_GROUPS = "a list of the store's security group"
    DESCRIPTION = "the title and id of the store in the diagram"
    CLUSTER = "a Ref to the cluster (in its instance's properties)"


@dataclass(frozen=True)
class Store:
    """A database or cache drawn as one service: a subnet group over the subnets it is drawn
    in, the store itself in its own security group, and, for a cluster, the one instance in
    it. Callers find it by its endpoint (``face.ref``).

    Properties are data, with :class:`Slot` values where the export fills in what only it
    knows: adding such a store is adding an entry to :data:`STORES`.
    """

    subnet_group: tuple[str, str]
    """The subnet group's type and the name of its description property."""
    suffix: str
    type: str
    properties: dict[str, Any]
    face: Face
    secret: str | None = None
    """The attribute naming the secret that AWS keeps the master password in."""
    instance: tuple[str, dict[str, Any]] | None = None
    """The type and properties of the cluster's one instance."""


_RDS_SUBNETS = ("AWS::RDS::DBSubnetGroup", "DBSubnetGroupDescription")
_CLUSTER_ENDPOINT = Face("DB_HOST", ref="Endpoint", output="Endpoint", says="cluster endpoint")
_SMALL_INSTANCE = {"DBClusterIdentifier": Slot.CLUSTER, "DBInstanceClass": "db.t3.medium"}

STORES: dict[str, Store] = {
    "rds": Store(
        _RDS_SUBNETS,
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
            "DBSubnetGroupName": Slot.SUBNET_GROUP,
            "VPCSecurityGroups": Slot.SECURITY_GROUPS,
            "PubliclyAccessible": False,
            "BackupRetentionPeriod": 7,
            "CopyTagsToSnapshot": True,
        },
        Face("DB_HOST", ref="Endpoint.Address", output="Endpoint", says="database host"),
        secret="MasterUserSecret.SecretArn",
    ),
    "aurora": Store(
        _RDS_SUBNETS,
        "Cluster",
        "AWS::RDS::DBCluster",
        {
            "Engine": "aurora-postgresql",
            "MasterUsername": "dbadmin",
            "ManageMasterUserPassword": True,
            "StorageEncrypted": True,
            "DBSubnetGroupName": Slot.SUBNET_GROUP,
            "VpcSecurityGroupIds": Slot.SECURITY_GROUPS,
            "ServerlessV2ScalingConfiguration": {"MinCapacity": 0.5, "MaxCapacity": 4},
            "BackupRetentionPeriod": 7,
            "CopyTagsToSnapshot": True,
        },
        Face("DB_HOST", ref="Endpoint.Address", output="Endpoint", says="cluster endpoint"),
        secret="MasterUserSecret.SecretArn",
        instance=(
            "AWS::RDS::DBInstance",
            {
                "Engine": "aurora-postgresql",
                "DBInstanceClass": "db.serverless",
                "DBClusterIdentifier": Slot.CLUSTER,
            },
        ),
    ),
    "documentdb": Store(
        ("AWS::DocDB::DBSubnetGroup", "DBSubnetGroupDescription"),
        "Cluster",
        "AWS::DocDB::DBCluster",
        {
            "MasterUsername": "dbadmin",
            "ManageMasterUserPassword": True,
            "StorageEncrypted": True,
            "DBSubnetGroupName": Slot.SUBNET_GROUP,
            "VpcSecurityGroupIds": Slot.SECURITY_GROUPS,
            "BackupRetentionPeriod": 7,
        },
        _CLUSTER_ENDPOINT,
        instance=("AWS::DocDB::DBInstance", _SMALL_INSTANCE),
    ),
    "neptune": Store(
        ("AWS::Neptune::DBSubnetGroup", "DBSubnetGroupDescription"),
        "Cluster",
        "AWS::Neptune::DBCluster",
        {
            "StorageEncrypted": True,
            "IamAuthEnabled": True,
            "DBSubnetGroupName": Slot.SUBNET_GROUP,
            "VpcSecurityGroupIds": Slot.SECURITY_GROUPS,
            "BackupRetentionPeriod": 7,
        },
        _CLUSTER_ENDPOINT,
        instance=("AWS::Neptune::DBInstance", _SMALL_INSTANCE),
    ),
    "elasticache": Store(
        ("AWS::ElastiCache::SubnetGroup", "Description"),
        "ReplicationGroup",
        "AWS::ElastiCache::ReplicationGroup",
        {
            "ReplicationGroupDescription": Slot.DESCRIPTION,
            "Engine": "valkey",
            "CacheNodeType": "cache.t4g.micro",
            "NumCacheClusters": 1,
            "CacheSubnetGroupName": Slot.SUBNET_GROUP,
            "SecurityGroupIds": Slot.SECURITY_GROUPS,
            "AtRestEncryptionEnabled": True,
            "TransitEncryptionEnabled": True,
        },
        Face(
            "CACHE_HOST", ref="PrimaryEndPoint.Address", output="Endpoint", says="primary endpoint"
        ),
    ),
    "redshift": Store(
        ("AWS::Redshift::ClusterSubnetGroup", "Description"),
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
            "ClusterSubnetGroupName": Slot.SUBNET_GROUP,
            "VpcSecurityGroupIds": Slot.SECURITY_GROUPS,
        },
        Face("WAREHOUSE_HOST", ref="Endpoint.Address", output="Endpoint", says="cluster endpoint"),
        secret="MasterPasswordSecretArn",
    ),
}


@service(*STORES)
def build_store(ctx: Context, node: AwsNode) -> None:
    kind = STORES[node.key]
    group_type, description_key = kind.subnet_group
    subnets = ctx.add(
        node,
        "SubnetGroup",
        group_type,
        {description_key: f"Subnets of {node.title}", "SubnetIds": network.subnet_ids(ctx, node)},
    )
    # The security group is made here, so that the template lists it before the store.
    slots: dict[Slot, Any] = {
        Slot.SUBNET_GROUP: Ref(subnets.logical_id),
        Slot.SECURITY_GROUPS: [network.security_group(ctx, node)],
        Slot.DESCRIPTION: f"{node.title} ({node.id} in the diagram)",
    }
    store = ctx.add(node, kind.suffix, kind.type, _filled(kind.properties, slots), retain=True)
    if kind.instance is not None:
        instance_type, instance = kind.instance
        slots[Slot.CLUSTER] = Ref(store.logical_id)
        ctx.add(node, "Instance", instance_type, _filled(instance, slots), retain=True)
    secret = {"secret": GetAtt(store.logical_id, kind.secret)} if kind.secret else {}
    publish(ctx, node, store, kind.face, **secret)


def _filled(properties: dict[str, Any], slots: dict[Slot, Any]) -> dict[str, Any]:
    """A fresh copy of ``properties`` with each slot filled."""
    return {
        key: slots[value] if isinstance(value, Slot) else copy.deepcopy(value)
        for key, value in properties.items()
    }


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
    arn = Sub(ctx.arn_text("cassandra", f"/keyspace/${{{keyspace.logical_id}}}/table/*"))
    face = Face("KEYSPACE_NAME", arn, output="KeyspaceName", says="keyspace")
    publish(ctx, node, keyspace, face)


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
    face = Face(
        "SEARCH_ENDPOINT", "Arn", "DomainEndpoint", output="Endpoint", says="domain endpoint"
    )
    publish(ctx, node, domain, face)
