"""The shared state of one export: the plan, the template, names, roles and handles.

Service builders register a :class:`Handle` for each service (how others refer to it); edge
builders find their two ends' handles here and add wiring; roles collect statements until
the export finishes them. Nothing here knows a particular AWS service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archdsl.emit.cloudformation import AwsNode, Flow, Plan
from archdsl.export.cloudformation.iam import RolePolicy
from archdsl.export.cloudformation.intrinsics import Intrinsic, Sub
from archdsl.export.cloudformation.template import Resource, TemplateBuilder, compose

ENVIRONMENTS = ["dev", "staging", "prod"]


@dataclass
class Handle:
    """How the rest of the template refers to one service's main resource."""

    logical_id: str
    arn: Any = None
    """The ARN (``GetAtt X.Arn``, a ``Ref`` for topics, or a ``Sub`` built from the name)."""
    ref: Any = None
    """What a caller's environment variable holds (a name, a URL or an ARN)."""
    env: str = ""
    """The environment variable's suffix: ``TABLE_NAME``, ``TOPIC_ARN``..."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Anything else a builder of this kind keeps for the edge builders (resource ids...)."""


@dataclass
class Context:
    plan: Plan
    template: TemplateBuilder
    project_default: str
    handles: dict[str, Handle] = field(default_factory=dict)
    roles: dict[str, RolePolicy] = field(default_factory=dict)
    """Each compute service's one role (by diagram id)."""
    env: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Environment variables for each compute service, added by its outgoing edges."""
    state: dict[str, Any] = field(default_factory=dict)
    """Scratch space for builders that gather across edges (state machine steps, listeners)."""

    # -- the diagram ---------------------------------------------------------------------------

    def node(self, node_id: str) -> AwsNode:
        return self.plan.nodes[node_id]

    def handle(self, node_id: str) -> Handle:
        return self.handles[node_id]

    def resource(self, node_id: str) -> Resource:
        """The main resource of a service (its handle's), for edges and finishers to amend."""
        return self.template.resources[self.handles[node_id].logical_id]

    # -- adding resources ----------------------------------------------------------------------

    def add(
        self, node: AwsNode, suffix: str, type_: str, properties: dict[str, Any], **options: Any
    ) -> Resource:
        """A resource of ``node``'s own (``LambdaInventory`` + ``Function``)."""
        return self.template.add(
            compose(node.base, suffix), type_, properties, owner=node.id, line=node.line, **options
        )

    def add_wiring(
        self,
        flow: Flow,
        owner: AwsNode,
        wanted_id: str,
        type_: str,
        properties: dict[str, Any],
        **options: Any,
    ) -> Resource:
        """A resource that exists because of an edge, listed with ``owner``'s resources."""
        return self.template.add(
            wanted_id,
            type_,
            properties,
            owner=owner.id,
            line=flow.line,
            edge=flow.text,
            **options,
        )

    def role(self, node_id: str) -> RolePolicy:
        return self.roles[node_id]

    def set_env(self, node_id: str, name: str, value: Any) -> None:
        self.env.setdefault(node_id, {})[name] = value

    # -- names ---------------------------------------------------------------------------------

    @property
    def project(self) -> Intrinsic:
        return self.template.parameter(
            "ProjectName",
            {
                "Type": "String",
                "Default": self.project_default,
                "AllowedPattern": "^[a-z][a-z0-9]{1,19}$",
                "Description": (
                    "Lower-case prefix of every resource name (letters and digits, so that it "
                    "is also a valid Glue and Athena name)."
                ),
            },
        )

    @property
    def environment(self) -> Intrinsic:
        return self.template.parameter(
            "EnvironmentName",
            {
                "Type": "String",
                "Default": "dev",
                "AllowedValues": ENVIRONMENTS,
                "Description": "Deployment stage, the second part of every resource name.",
            },
        )

    def name_text(self, node: AwsNode, separator: str = "-", suffix: str = "") -> str:
        """The ``Sub`` text of ``node``'s resource name: ``${ProjectName}-${EnvironmentName}-x``."""
        _ = self.project, self.environment  # declare the parameters the text uses
        slug = node.slug.replace("-", separator)
        return f"${{ProjectName}}{separator}${{EnvironmentName}}{separator}{slug}{suffix}"

    def name(self, node: AwsNode, separator: str = "-", suffix: str = "") -> Intrinsic:
        return Sub(self.name_text(node, separator, suffix))

    def arn_text(self, service: str, resource: str, *, region: bool = True) -> str:
        """``arn:${AWS::Partition}:service:${AWS::Region}:${AWS::AccountId}:resource``."""
        where = "${AWS::Region}:${AWS::AccountId}" if region else ":"
        return f"arn:${{AWS::Partition}}:{service}:{where}:{resource}"
