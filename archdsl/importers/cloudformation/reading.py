"""From resources to services, edges and networks: what a template means as a diagram.

1. **Services.** A resource whose type is a service's primary type in the catalogue is a
   service (a table, a function, a bucket); so is one that archdsl's own export wrote, by the
   ``Metadata.archdsl.diagram_id`` of its resources. Helpers (roles, policies, permissions,
   mappings, stages, routes, subscriptions, security groups...) fold into the service they
   serve: the one they name (a permission's ``FunctionName``) or, failing that, the one that
   names them (a function's ``Role``). What remains unowned becomes a service when the
   catalogue knows its type, else it is left out with a note.
2. **Edges**, in data-flow direction, from what each kind of resource means: event source
   mappings, subscriptions, notifications, rule targets, permissions' ``SourceArn``, API
   integrations, origins, alias records, target groups, delivery streams, Glue tables, the
   actions of compute roles (writes point at the target, reads from it), and last plain
   references from one service to another. A reference can also be a name: an ARN built
   with ``!Sub`` from a resource's name counts as a reference to it.
3. **Networks**: the VPC and subnets each service is placed in, for groups.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from archdsl.catalogue import Catalogue, ServiceEntry
from archdsl.importers.cloudformation.flows import HANDLERS, as_list
from archdsl.importers.cloudformation.loader import Template, TemplateResource
from archdsl.importers.cloudformation.references import Path, dig, references

FORWARD: dict[str, tuple[str, ...]] = {
    "AWS::Lambda::Permission": ("FunctionName",),
    "AWS::Lambda::EventSourceMapping": ("FunctionName",),
    "AWS::Lambda::Url": ("TargetFunctionArn",),
    "AWS::Lambda::EventInvokeConfig": ("FunctionName",),
    "AWS::Lambda::Version": ("FunctionName",),
    "AWS::Lambda::Alias": ("FunctionName",),
    "AWS::SNS::Subscription": ("TopicArn",),
    "AWS::SNS::TopicPolicy": ("Topics",),
    "AWS::SQS::QueuePolicy": ("Queues",),
    "AWS::S3::BucketPolicy": ("Bucket",),
    "AWS::Events::Rule": ("EventBusName",),
    "AWS::RDS::DBInstance": ("DBClusterIdentifier",),
    "AWS::DocDB::DBInstance": ("DBClusterIdentifier",),
    "AWS::Neptune::DBInstance": ("DBClusterIdentifier",),
    "AWS::ElasticLoadBalancingV2::Listener": ("LoadBalancerArn",),
    "AWS::ElasticLoadBalancingV2::ListenerRule": ("ListenerArn",),
    "AWS::ElasticLoadBalancingV2::ListenerCertificate": ("ListenerArn",),
    "AWS::EC2::SecurityGroupIngress": ("GroupId",),
    "AWS::EC2::SecurityGroupEgress": ("GroupId",),
    "AWS::Glue::Table": ("DatabaseName",),
    "AWS::Glue::Partition": ("DatabaseName",),
    "AWS::KMS::Alias": ("TargetKeyId",),
    "AWS::IAM::Policy": ("Roles",),
    "AWS::IAM::ManagedPolicy": ("Roles",),
    "AWS::Backup::BackupSelection": ("BackupPlanId",),
    "AWS::WAFv2::WebACLAssociation": ("WebACLArn",),
    "AWS::CodeDeploy::DeploymentGroup": ("ApplicationName",),
    "AWS::SecretsManager::RotationSchedule": ("SecretId",),
    "AWS::SecretsManager::SecretTargetAttachment": ("SecretId",),
    "AWS::SecretsManager::ResourcePolicy": ("SecretId",),
    "AWS::Cassandra::Table": ("KeyspaceName",),
    "AWS::Timestream::Table": ("DatabaseName",),
    "AWS::Kinesis::StreamConsumer": ("StreamARN",),
}
"""Helper types and the property naming the resource they belong to."""
for _type in (
    "Stage",
    "Route",
    "Integration",
    "Authorizer",
    "Deployment",
    "RouteResponse",
    "IntegrationResponse",
    "Model",
):
    FORWARD[f"AWS::ApiGatewayV2::{_type}"] = ("ApiId",)
for _type in (
    "Resource",
    "Method",
    "Deployment",
    "Stage",
    "Authorizer",
    "Model",
    "RequestValidator",
    "GatewayResponse",
):
    FORWARD[f"AWS::ApiGateway::{_type}"] = ("RestApiId",)
for _type in (
    "UserPoolClient",
    "UserPoolDomain",
    "UserPoolGroup",
    "UserPoolResourceServer",
    "UserPoolIdentityProvider",
):
    FORWARD[f"AWS::Cognito::{_type}"] = ("UserPoolId",)
for _type in ("GraphQLSchema", "DataSource", "Resolver", "ApiKey", "FunctionConfiguration"):
    FORWARD[f"AWS::AppSync::{_type}"] = ("ApiId",)
for _type in ("Branch", "Domain"):
    FORWARD[f"AWS::Amplify::{_type}"] = ("AppId",)

FOLDING_PRIMARY = frozenset(
    {"AWS::IAM::Role", "AWS::RDS::DBInstance", "AWS::Events::Rule", "AWS::Route53::HostedZone"}
)
"""Primary types that are helpers when something else in the template owns them."""
FOLD_INTO_USER = frozenset({"AWS::IAM::Role", "AWS::Route53::HostedZone"})
"""Of those, the ones owned by what uses them (a role by its function), not what they name."""

NETWORK_TYPES = frozenset(
    {
        "AWS::EC2::VPC",
        "AWS::EC2::Subnet",
        "AWS::EC2::InternetGateway",
        "AWS::EC2::VPCGatewayAttachment",
        "AWS::EC2::RouteTable",
        "AWS::EC2::Route",
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::EC2::NatGateway",
        "AWS::EC2::EIP",
        "AWS::EC2::NetworkAcl",
        "AWS::EC2::NetworkAclEntry",
        "AWS::EC2::SubnetNetworkAclAssociation",
        "AWS::EC2::VPCEndpoint",
        "AWS::EC2::EgressOnlyInternetGateway",
        "AWS::EC2::VPCCidrBlock",
        "AWS::EC2::DHCPOptions",
        "AWS::EC2::VPCDHCPOptionsAssociation",
    }
)
"""The network itself: drawn as groups, never as services."""

NEVER_SERVICES = frozenset(
    {
        "AWS::Lambda::Permission",
        "AWS::Lambda::EventSourceMapping",
        "AWS::IAM::Policy",
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::InstanceProfile",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::SecurityGroupEgress",
        "AWS::SNS::Subscription",
        "AWS::SNS::TopicPolicy",
        "AWS::SQS::QueuePolicy",
        "AWS::S3::BucketPolicy",
        "AWS::CloudFormation::WaitConditionHandle",
        "AWS::CloudFormation::WaitCondition",
    }
)
"""Helpers that mean nothing on their own: without an owner they are left out."""

SUPPORTING_SERVICES = frozenset(
    {
        "AWS::IAM::Role",
        "AWS::S3::Bucket",
        "AWS::SecretsManager::Secret",
        "AWS::KMS::Key",
        "AWS::EC2::VPC",
    }
)
"""Services that often come with another one (a broker's secret, a trail's bucket): among the
resources of one exported diagram service, the other is the service itself."""

COMPUTE_KEYS = frozenset(
    {
        "lambda",
        "ecs",
        "fargate",
        "ec2",
        "glue",
        "batch",
        "codebuild",
        "step_functions",
        "api_gateway",
        "eventbridge",
        "firehose",
        "sns",
        "appsync",
        "codepipeline",
    }
)
"""Services whose role's statements are their own calls (others' roles act for a reader)."""

STRUCTURAL = frozenset(
    {
        "Role",
        "RoleArn",
        "ServiceRole",
        "ServiceRoleArn",
        "ExecutionRoleArn",
        "TaskRoleArn",
        "IamInstanceProfile",
        "VpcConfig",
        "VpcId",
        "SubnetId",
        "SubnetIds",
        "Subnets",
        "SecurityGroups",
        "SecurityGroupIds",
        "VPCSecurityGroups",
        "VpcSecurityGroupIds",
        "DBSubnetGroupName",
        "CacheSubnetGroupName",
        "ClusterSubnetGroupName",
        "LoggingConfig",
        "KmsKeyId",
        "KmsKeyArn",
        "KMSMasterKeyId",
        "Tags",
        "NetworkConfiguration",
        "LaunchTemplate",
        "ImageId",
        "CredentialsArn",
        "SubscriptionRoleArn",
        "Cluster",
        "TaskDefinition",
        "DBClusterIdentifier",
        "ApiId",
        "RestApiId",
        "UserPoolId",
        "Policies",
        "AssumeRolePolicyDocument",
        "ManagedPolicyArns",
        "Roles",
        "LogGroupName",
        "DefinitionS3Location",
    }
)
"""Properties that wire a resource to its own plumbing, not to another service."""

WRITE_VERB = re.compile(
    r"^(Put|Send|Publish|Invoke|Start|Create|Update|Delete|Write|BatchWrite|Modify|Encrypt|"
    r"GenerateDataKey|ESHttpPost|ESHttpPut|ESHttpDelete|Post|Upload|Abort|Restore|Copy|"
    r"Execute|Run|Submit|Notify|Index|Insert)"
)
CONSUMER_ACTIONS = frozenset(
    {
        "sqs:DeleteMessage",
        "sqs:DeleteMessageBatch",
        "sqs:ChangeMessageVisibility",
        "sqs:ChangeMessageVisibilityBatch",
    }
)
"""Write-like actions that only a consumer makes (a queue worker deleting what it read)."""
READ_ONLY_SERVICES = frozenset({"athena", "glue", "logs", "xray", "cloudwatch", "ec2"})
"""Action prefixes that say nothing about data flow between two drawn services."""

NETWORK_KEYS = frozenset({"SubnetId", "SubnetIds", "Subnets", "ClientSubnets", "VPCZoneIdentifier"})
NAME_SUFFIX = re.compile(r"(Name|Identifier|Id)$")


@dataclass
class ImportedService:
    key: str
    """Internal key: the main resource's logical id, or ``meta:<diagram id>``."""
    main: TemplateResource
    entry: ServiceEntry
    members: list[str] = field(default_factory=list)
    diagram_id: str | None = None


@dataclass
class Reading:
    services: dict[str, ImportedService]
    owner: dict[str, str]
    """Logical id → service key, for every resource that belongs to a service."""
    edges: dict[tuple[str, str], str | None]
    """(source key, target key) → edge title, in the order found."""
    networks: dict[str, tuple[str | None, frozenset[str]]]
    """Service key → (VPC reference, subnet references)."""
    stacks: dict[str, TemplateResource]
    """Nested stacks by logical id (each a group around a service standing for it)."""
    left_out: list[TemplateResource]
    template: Template


def read(template: Template, catalogue: Catalogue) -> Reading:
    from archdsl.importers.cloudformation.sam import normalise

    reader = Reader(normalise(template), catalogue)
    return reader.run()


class Reader:
    def __init__(self, template: Template, catalogue: Catalogue) -> None:
        self.template = template
        self.resources = template.resources
        self.catalogue = catalogue
        self.order = {rid: index for index, rid in enumerate(self.resources)}
        self.names = _name_index(template)
        self.refs = {rid: self._refs_of(r) for rid, r in self.resources.items()}
        self.referrers: dict[str, list[str]] = {rid: [] for rid in self.resources}
        for rid, found in self.refs.items():
            for target, _ in found:
                if target in self.referrers and target != rid and rid not in self.referrers[target]:
                    self.referrers[target].append(rid)
        self.services: dict[str, ImportedService] = {}
        self.owner: dict[str, str] = {}
        self.edges: dict[tuple[str, str], str | None] = {}

    # -- references (including names) -----------------------------------------------------------

    def _refs_of(self, resource: TemplateResource) -> list[tuple[str, Path]]:
        return list(self.refs_in(resource.properties))

    def refs_in(self, value: Any, path: Path = ()) -> Iterator[tuple[str, Path]]:
        """Resources ``value`` refers to: by ``Ref``/``GetAtt``/``Sub``, or by their name."""
        for target, where in references(value, path):
            if target in self.resources:
                yield target, where
        for text, where in _sub_texts(value, path):
            for name, rid in self.names:
                if _contains_name(text, name):
                    yield rid, where

    # -- services -------------------------------------------------------------------------------

    def run(self) -> Reading:
        self._metadata_services()
        # Services first, so that helpers can fold into services declared after them.
        for rid, resource in self.resources.items():
            if (
                rid not in self.owner
                and self._is_service(resource)
                and (resource.type not in FOLDING_PRIMARY)
            ):
                self._add_service(resource)
        for rid, resource in self.resources.items():
            if rid not in self.owner and resource.type in FOLDING_PRIMARY:
                found = self._find_owner(rid, set(), as_helper=True)
                if found:
                    self._own(rid, found)
                elif self._is_service(resource):
                    self._add_service(resource)
        for rid in self.resources:
            if rid not in self.owner:
                found = self._find_owner(rid, set())
                if found:
                    self._own(rid, found)
        left_out = []
        for rid, resource in self.resources.items():
            if rid in self.owner or resource.type in NETWORK_TYPES or self._is_stack(resource):
                continue
            entry = self._entry(resource)
            if entry is not None and resource.type not in NEVER_SERVICES:
                self._add_service(resource, entry)
            else:
                left_out.append(resource)
        self._fold_catalogs()
        for resource in self.resources.values():
            self._edges_of(resource)
        self._merge_results_edges()
        stacks = {rid: r for rid, r in self.resources.items() if self._is_stack(r)}
        return Reading(
            self.services,
            self.owner,
            self.edges,
            self._networks(),
            stacks,
            left_out,
            self.template,
        )

    def _metadata_services(self) -> None:
        """Resources archdsl exported: one service per diagram id, as drawn."""
        groups: dict[str, list[TemplateResource]] = {}
        for resource in self.resources.values():
            diagram_id = dig(resource.metadata, "archdsl", "diagram_id")
            if isinstance(diagram_id, str) and diagram_id:
                groups.setdefault(diagram_id, []).append(resource)
        for diagram_id, members in groups.items():
            main, entry = self._main_of(members)
            if entry is None:
                continue
            key = f"meta:{diagram_id}"
            self.services[key] = ImportedService(key, main, entry, diagram_id=diagram_id)
            for member in members:
                self._own(member.logical_id, key)

    def _main_of(
        self, members: list[TemplateResource]
    ) -> tuple[TemplateResource, ServiceEntry | None]:
        candidates = [(m, self._entry(m, primary_only=True)) for m in members]
        ranked = [(m, e) for m, e in candidates if e is not None]
        specific = [(m, e) for m, e in ranked if m.type not in SUPPORTING_SERVICES]
        if specific or ranked:
            return (specific or ranked)[0]
        anything = [(m, self._entry(m)) for m in members]
        return next(((m, e) for m, e in anything if e is not None), (members[0], None))

    def _is_service(self, resource: TemplateResource) -> bool:
        if resource.type in NETWORK_TYPES or self._is_stack(resource):
            return False
        return self._entry(resource, primary_only=True) is not None

    def _is_stack(self, resource: TemplateResource) -> bool:
        return resource.type == "AWS::CloudFormation::Stack"

    def _add_service(self, resource: TemplateResource, entry: ServiceEntry | None = None) -> None:
        entry = entry or self._entry(resource)
        assert entry is not None
        key = resource.logical_id
        self.services[key] = ImportedService(key, resource, entry)
        self._own(key, key)

    def _own(self, rid: str, key: str) -> None:
        self.owner[rid] = key
        self.services[key].members.append(rid)

    def _entry(self, resource: TemplateResource, primary_only: bool = False) -> ServiceEntry | None:
        """The catalogue service a resource stands for (told apart by its properties)."""
        type_ = resource.type
        if type_ == "AWS::ECS::Service":
            fargate = resource.properties.get("LaunchType") == "FARGATE"
            return self.catalogue.by_key("fargate" if fargate else "ecs")
        if type_ == "AWS::S3::Bucket" and _archives(resource):
            return self.catalogue.by_key("glacier")
        if type_ in ("AWS::Glue::Database", "AWS::Glue::Crawler"):
            return self.catalogue.by_key("glue")
        entry = self.catalogue.by_cfn_type(type_)
        if entry is None or (primary_only and type_ not in entry.primary_types):
            return None
        return entry

    def _find_owner(self, rid: str, seen: set[str], as_helper: bool = False) -> str | None:
        """The service a helper belongs to: what it names, else what names it."""
        if rid in self.owner and not as_helper:
            return self.owner[rid]
        if rid in seen:
            return None
        seen = seen | {rid}
        resource = self.resources[rid]
        if resource.type in NETWORK_TYPES or self._is_stack(resource):
            return None
        for prop in FORWARD.get(resource.type, ()):
            for target, _ in self.refs_in(resource.properties.get(prop), (prop,)):
                if resource.type == "AWS::Events::Rule" and (
                    self.resources[target].type != "AWS::Events::EventBus"
                ):
                    continue
                found = self._find_owner(target, seen)
                if found:
                    return found
        if resource.type in FORWARD or (
            resource.type in FOLDING_PRIMARY and resource.type not in FOLD_INTO_USER
        ):
            return None
        # Services that use a helper come before helpers that merely mention it.
        referrers = sorted(
            self.referrers.get(rid, ()),
            key=lambda r: (self.owner.get(r) != r, self.order[r]),
        )
        for referrer in referrers:
            if self.resources[referrer].type in NETWORK_TYPES:
                continue
            found = self._find_owner(referrer, seen)
            if found:
                return found
        return None

    def _fold_catalogs(self) -> None:
        """A Glue database next to an Athena work group is that work group's catalog."""
        athena = next((k for k, s in self.services.items() if s.entry.key == "athena"), None)
        if athena is None:
            return
        for key in list(self.services):
            service = self.services[key]
            if service.main.type == "AWS::Glue::Database" and service.diagram_id is None:
                for member in service.members:
                    self.owner[member] = athena
                    self.services[athena].members.append(member)
                del self.services[key]

    # -- edges ----------------------------------------------------------------------------------

    def owners(self, value: Any, path: Path = ()) -> list[str]:
        found: list[str] = []
        for target, _ in self.refs_in(value, path):
            owner = self.owner.get(target)
            if owner and owner not in found:
                found.append(owner)
        return found

    def add_edge(self, source: str | None, target: str | None, title: str | None = None) -> None:
        if source and target and source != target and (source, target) not in self.edges:
            self.edges[(source, target)] = title

    def _edges_of(self, resource: TemplateResource) -> None:
        owner = self.owner.get(resource.logical_id)
        if owner is None:
            if self._is_stack(resource):
                self._stack_edges(resource)
            return
        handler = HANDLERS.get(resource.type)
        if handler is not None:
            handler(self, resource, owner)
        if resource.type in ("AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            if self.services[owner].entry.key in COMPUTE_KEYS:
                self._role_edges(resource, owner)
            return
        if resource.type in NEVER_SERVICES or resource.type in HANDLERS:
            return
        self.plain_edges(resource, owner)

    def plain_edges(self, resource: TemplateResource, owner: str) -> None:
        """A reference from one service to another, not to its own plumbing: data flows out."""
        for target, path in self.refs[resource.logical_id]:
            if path and path[0] in STRUCTURAL:
                continue
            target_owner = self.owner.get(target)
            if target_owner and target_owner != owner and not self.joined(owner, target_owner):
                self.add_edge(owner, target_owner)

    def joined(self, a: str, b: str) -> bool:
        return (a, b) in self.edges or (b, a) in self.edges

    def _role_edges(self, resource: TemplateResource, owner: str) -> None:
        for statement in _statements(resource):
            actions = as_list(statement.get("Action"))
            verbs = [a.split(":", 1) for a in actions if isinstance(a, str) and ":" in a]
            meaningful = [(s, v) for s, v in verbs if s not in READ_ONLY_SERVICES]
            if not meaningful:
                continue
            writes = any(
                WRITE_VERB.match(v) and f"{s}:{v}" not in CONSUMER_ACTIONS for s, v in meaningful
            )
            for target in self.owners(statement.get("Resource")):
                if all(s == "secretsmanager" for s, _ in meaningful) and (
                    self.services[target].entry.key != "secrets_manager"
                ):
                    continue  # a database's managed password, not data
                if writes:
                    self.add_edge(owner, target)
                else:
                    self.add_edge(target, owner)

    def _stack_edges(self, stack: TemplateResource) -> None:
        key = f"stack:{stack.logical_id}"
        for source in self.owners(stack.properties.get("Parameters")):
            self.add_edge(source, key)
        for rid, found in self.refs.items():
            if any(target == stack.logical_id for target, _ in found):
                self.add_edge(key, self.owner.get(rid))

    def _merge_results_edges(self) -> None:
        """Athena writing results into the bucket it reads is one edge, not two."""
        for source, target in list(self.edges):
            if (
                self.services.get(source) is not None
                and self.services[source].entry.key == "athena"
                and (target, source) in self.edges
                and self.services[target].entry.key == "s3"
            ):
                del self.edges[(source, target)]

    # -- networks -------------------------------------------------------------------------------

    def _networks(self) -> dict[str, tuple[str | None, frozenset[str]]]:
        found: dict[str, tuple[str | None, frozenset[str]]] = {}
        for key, service in self.services.items():
            vpc: str | None = None
            subnets: set[str] = set()
            for member in service.members:
                properties = self.resources[member].properties
                subnets |= set(_network_refs(properties, NETWORK_KEYS))
                vpc = vpc or next(iter(_network_refs(properties, frozenset({"VpcId"}))), None)
            if subnets and vpc is None:
                vpc = self._vpc_of_subnets(subnets)
            if vpc or subnets:
                found[key] = (vpc or "VpcId", frozenset(subnets))
        return found

    def _vpc_of_subnets(self, subnets: set[str]) -> str | None:
        for subnet in sorted(subnets):
            resource = self.resources.get(subnet)
            if resource is not None:
                vpcs = [t for t, _ in references(resource.properties.get("VpcId"))]
                if vpcs:
                    return vpcs[0]
        return None


# -- small helpers --------------------------------------------------------------------------------


def _statements(resource: TemplateResource) -> Iterator[dict[str, Any]]:
    documents = [resource.properties.get("PolicyDocument")]
    for policy in as_list(resource.properties.get("Policies")):
        if isinstance(policy, dict):
            documents.append(policy.get("PolicyDocument"))
    for document in documents:
        for statement in as_list(dig(document, "Statement")):
            if isinstance(statement, dict) and statement.get("Effect", "Allow") == "Allow":
                yield statement


def _archives(resource: TemplateResource) -> bool:
    """A bucket whose objects go to an archive storage class at once: S3 Glacier."""
    for rule in as_list(dig(resource.properties, "LifecycleConfiguration", "Rules")):
        for transition in as_list(dig(rule, "Transitions")):
            if (
                isinstance(transition, dict)
                and str(transition.get("StorageClass", "")) in ("GLACIER", "DEEP_ARCHIVE")
                and transition.get("TransitionInDays") in (0, "0")
            ):
                return True
    return False


def _network_refs(value: Any, keys: frozenset[str]) -> Iterator[str]:
    """Names referenced under any of ``keys``, anywhere in ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in keys:
                yield from (name for name, _ in references(item))
            else:
                yield from _network_refs(item, keys)
    elif isinstance(value, list):
        for item in value:
            yield from _network_refs(item, keys)


def _name_index(template: Template) -> list[tuple[str, str]]:
    """(name text, logical id) for resources named by a literal or a ``!Sub`` text.

    An ARN built from such a name elsewhere (``arn:...:function:${ProjectName}-fn``) then
    counts as a reference to the resource. Short or parameter-only names are skipped: they
    would match by accident.
    """
    found: list[tuple[str, str]] = []
    for rid, resource in template.resources.items():
        for key, value in resource.properties.items():
            if not NAME_SUFFIX.search(key) or key in STRUCTURAL:
                continue
            text = value if isinstance(value, str) else dig(value, "Fn::Sub")
            if isinstance(text, str) and len(re.sub(r"\$\{[^}]*\}", "", text)) >= 3:
                found.append((text, rid))
                break
    found.sort(key=lambda item: -len(item[0]))
    return found


def _sub_texts(value: Any, path: Path) -> Iterator[tuple[str, Path]]:
    if isinstance(value, dict):
        if len(value) == 1 and "Fn::Sub" in value:
            argument = value["Fn::Sub"]
            text = (
                argument
                if isinstance(argument, str)
                else (argument[0] if isinstance(argument, list) and argument else None)
            )
            if isinstance(text, str):
                yield text, path
            return
        for key, item in value.items():
            yield from _sub_texts(item, (*path, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from _sub_texts(item, path)


_NAME_CHAR = re.compile(r"[A-Za-z0-9_-]")


def _contains_name(text: str, name: str) -> bool:
    """``name`` occurs in ``text`` as a whole name (not as part of a longer one)."""
    start = text.find(name)
    while start != -1:
        end = start + len(name)
        before_ok = start == 0 or not _NAME_CHAR.match(text[start - 1])
        after_ok = end == len(text) or not _NAME_CHAR.match(text[end])
        if before_ok and after_ok:
            return True
        start = text.find(name, start + 1)
    return False
