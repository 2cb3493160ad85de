"""The template being built: parameters, conditions, resources, outputs and notes.

Builders add to one :class:`TemplateBuilder` and may still change what they added (a later
edge adds an environment variable or a ``DependsOn``); :meth:`TemplateBuilder.to_dict` then
gives the finished template, in a fixed order: resources follow the diagram's services in
declaration order, each service's own resources first, then the wiring it owns, in the order
the edges were drawn.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any

from archdsl.export.cloudformation.intrinsics import Intrinsic, Ref

LOGICAL_ID = re.compile(r"[A-Za-z][A-Za-z0-9]{0,254}")


_WORD = re.compile(r"[A-Z][a-z0-9]*|[a-z0-9]+")


def compose(base: str, suffix: str) -> str:
    """``Orders`` + ``Table`` → ``OrdersTable``; ``Queue`` + ``QueuePolicy`` → ``QueuePolicy``.

    A diagram id that already names the kind (``queue``, ``orders_table``) does not get it
    twice.
    """
    words, extra = _WORD.findall(base), _WORD.findall(suffix)
    if words and extra and words[-1].lower() == extra[0].lower():
        return base[: len(base) - len(words[-1])] + suffix
    return base + suffix


def first_free(wanted: str, taken: Container[str]) -> str:
    """``wanted`` if it is not taken, else the first of ``wanted2``, ``wanted3``... that is not.

    Logical ids, output ids, statement ids: every name of a template is made unique this way.
    """
    candidate, number = wanted, 1
    while candidate in taken:
        number += 1
        candidate = f"{wanted}{number}"
    return candidate


class IdAllocator:
    """Unique logical ids, first come first served; a taken name gets ``2``, ``3``..."""

    def __init__(self, reserved: tuple[str, ...] = ()) -> None:
        self._taken: set[str] = set(reserved)

    def take(self, wanted: str) -> str:
        if not LOGICAL_ID.fullmatch(wanted):
            raise ValueError(f"{wanted!r} is not a CloudFormation logical id")
        candidate = first_free(wanted, self._taken)
        self._taken.add(candidate)
        return candidate

    def __contains__(self, name: str) -> bool:
        return name in self._taken


@dataclass
class Resource:
    """One resource, still open for changes until the template is finished."""

    logical_id: str
    type: str
    properties: dict[str, Any]
    owner: str
    """The diagram id whose section this resource is listed in."""
    metadata: dict[str, Any]
    depends_on: list[str] = field(default_factory=list)
    condition: str | None = None
    retain: bool = False
    """Stateful: ``DeletionPolicy`` and ``UpdateReplacePolicy`` ``Retain``."""
    delete: bool = False
    """Explicitly disposable (logs, streams): both policies ``Delete``."""
    sequence: int = 0

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"Type": self.type}
        if self.condition:
            body["Condition"] = self.condition
        if self.depends_on:
            ordered = sorted(set(self.depends_on))
            body["DependsOn"] = ordered[0] if len(ordered) == 1 else ordered
        if self.retain or self.delete:
            policy = "Retain" if self.retain else "Delete"
            body["DeletionPolicy"] = policy
            body["UpdateReplacePolicy"] = policy
        body["Metadata"] = self.metadata
        if self.properties:
            body["Properties"] = self.properties
        return body


@dataclass(frozen=True)
class Note:
    """Something the template cannot represent, said in the template itself."""

    code: str
    line: int
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "line": self.line, "message": self.message}


@dataclass
class Output:
    logical_id: str
    value: Any
    description: str
    owner: str
    sequence: int
    condition: str | None = None

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"Description": self.description, "Value": self.value}
        if self.condition:
            body["Condition"] = self.condition
        return body


class TemplateBuilder:
    """Collects the template's parts; see the module docstring for the order."""

    def __init__(self, owners: tuple[str, ...], description: str) -> None:
        self.description = description
        self.ids = IdAllocator(reserved=("AWS",))
        self._owner_rank = {owner: rank for rank, owner in enumerate(owners)}
        self.parameters: dict[str, dict[str, Any]] = {}
        self.conditions: dict[str, Any] = {}
        self.resources: dict[str, Resource] = {}
        self.outputs: dict[str, Output] = {}
        self.notes: list[Note] = []
        self.metadata: dict[str, Any] = {}
        self._sequence = 0

    # -- adding ------------------------------------------------------------------------------

    def add(
        self,
        wanted_id: str,
        type_: str,
        properties: dict[str, Any],
        *,
        owner: str,
        line: int,
        edge: str | None = None,
        **options: Any,
    ) -> Resource:
        """Add a resource under a fresh logical id derived from ``wanted_id``."""
        logical_id = self.ids.take(wanted_id)
        metadata: dict[str, Any] = {"diagram_id": owner, "line": line}
        if edge:
            metadata["edge"] = edge
        self._sequence += 1
        resource = Resource(
            logical_id,
            type_,
            properties,
            owner,
            {"archdsl": metadata},
            sequence=self._sequence,
            **options,
        )
        self.resources[logical_id] = resource
        return resource

    def parameter(self, name: str, spec: dict[str, Any]) -> Intrinsic:
        """``Ref`` to the parameter ``name``, declaring it the first time it is asked for."""
        if name not in self.parameters:
            if name in self.ids:
                raise ValueError(f"parameter {name} clashes with a resource")
            self.ids.take(name)
            self.parameters[name] = spec
        return Ref(name)

    def condition(self, name: str, expression: Any) -> str:
        self.conditions.setdefault(name, expression)
        return name

    def output(
        self,
        wanted_id: str,
        value: Any,
        description: str,
        *,
        owner: str,
        condition: str | None = None,
    ) -> None:
        logical_id = first_free(wanted_id, self.outputs)
        self._sequence += 1
        self.outputs[logical_id] = Output(
            logical_id, value, description, owner, self._sequence, condition
        )

    def note(self, code: str, line: int, message: str) -> None:
        note = Note(code, line, message)
        if note not in self.notes:
            self.notes.append(note)

    # -- reading -----------------------------------------------------------------------------

    def ordered_resources(self) -> list[Resource]:
        return sorted(self.resources.values(), key=self._rank)

    def _rank(self, item: Resource | Output) -> tuple[int, int]:
        return (self._owner_rank.get(item.owner, len(self._owner_rank)), item.sequence)

    def to_dict(self) -> dict[str, Any]:
        template: dict[str, Any] = {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Description": self.description,
        }
        metadata = dict(self.metadata)
        if self.notes:
            metadata["notes"] = [note.to_dict() for note in sorted(self.notes, key=_note_key)]
        template["Metadata"] = {"archdsl": metadata}
        if self.parameters:
            template["Parameters"] = self.parameters
        if self.conditions:
            template["Conditions"] = self.conditions
        template["Resources"] = {r.logical_id: r.to_dict() for r in self.ordered_resources()}
        if self.outputs:
            ordered = sorted(self.outputs.values(), key=self._rank)
            template["Outputs"] = {o.logical_id: o.to_dict() for o in ordered}
        return template


def _note_key(note: Note) -> tuple[int, str, str]:
    return (note.line, note.code, note.message)
