"""Least-privilege IAM: one role per compute service, one statement per thing it touches.

A :class:`RolePolicy` wraps an ``AWS::IAM::Role`` resource while the edges are wired: each
edge adds the exact actions it needs on the exact ARNs (:meth:`RolePolicy.allow`), and
:meth:`RolePolicy.finish` writes them as the role's one inline policy. Statement ids say
what each statement is for (``PutItemOrders``), so a reviewer can match them to the edges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from archdsl.export.cloudformation.template import Resource, first_free

POLICY_VERSION = "2012-10-17"


def trust_policy(principal: str, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``AssumeRolePolicyDocument`` letting one AWS service principal assume a role."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": principal},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return {"Version": POLICY_VERSION, "Statement": [statement]}


def role_properties(principal: str, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    """Properties of a role that only its trust policy fills in yet."""
    return {"AssumeRolePolicyDocument": trust_policy(principal, condition)}


@dataclass
class _Statement:
    sid: str
    actions: list[str]
    resources: list[Any]
    condition: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"Sid": self.sid, "Effect": "Allow"}
        actions = sorted(set(self.actions), key=self.actions.index)
        body["Action"] = actions[0] if len(actions) == 1 else actions
        body["Resource"] = self.resources[0] if len(self.resources) == 1 else self.resources
        if self.condition:
            body["Condition"] = self.condition
        return body


@dataclass
class RolePolicy:
    """The role of one compute service and the statements its edges asked for."""

    role: Resource
    policy_name: str
    statements: list[_Statement] = field(default_factory=list)
    managed_policies: list[Any] = field(default_factory=list)

    @property
    def logical_id(self) -> str:
        return self.role.logical_id

    def allow(
        self,
        sid: str,
        actions: list[str] | tuple[str, ...],
        resources: list[Any] | Any,
        condition: dict[str, Any] | None = None,
    ) -> None:
        """Allow ``actions`` on ``resources``; the same sid and resources merge their actions."""
        resource_list = list(resources) if isinstance(resources, list | tuple) else [resources]
        clean = _sid(sid)
        for statement in self.statements:
            if statement.sid == clean and statement.resources == resource_list:
                statement.actions += [a for a in actions if a not in statement.actions]
                return
        unique = first_free(clean, {s.sid for s in self.statements})
        self.statements.append(_Statement(unique, list(actions), resource_list, condition))

    def finish(self) -> None:
        """Write the statements into the role (a role that needs nothing gets no policy)."""
        if self.statements:
            self.role.properties["Policies"] = [
                {
                    "PolicyName": self.policy_name,
                    "PolicyDocument": {
                        "Version": POLICY_VERSION,
                        "Statement": [s.to_dict() for s in self.statements],
                    },
                }
            ]
        if self.managed_policies:
            self.role.properties["ManagedPolicyArns"] = self.managed_policies


def _sid(text: str) -> str:
    """Statement ids are alphanumeric: ``put-item orders`` → ``PutItemOrders``."""
    parts = re.split(r"[^A-Za-z0-9]+", text)
    return "".join(p[:1].upper() + p[1:] for p in parts if p) or "Statement"
