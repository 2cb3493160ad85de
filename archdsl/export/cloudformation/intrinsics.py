"""CloudFormation intrinsic functions as plain values.

The template builder writes ``Ref("Table")`` or ``GetAtt("Table", "Arn")`` into ordinary
dicts and lists; the serialiser (:mod:`.serialise`) turns each :class:`Intrinsic` into the
short YAML tag (``!Ref Table``) or the long JSON form (``{"Ref": "Table"}``). Keeping them as
values (not strings) lets the builder ask what a resource refers to (:func:`references`), which
is how dependency cycles are caught in the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

JSON_NAMES = {
    "Ref": "Ref",
    "Condition": "Condition",
}
"""Functions whose long form is not ``Fn::<name>``."""


@dataclass(frozen=True, slots=True)
class Intrinsic:
    """One intrinsic function call: ``name`` (``Ref``, ``GetAtt``, ``Sub``...) and its argument.

    ``GetAtt``'s argument is the ``(resource, attribute)`` pair; every other argument is kept
    as CloudFormation spells it (a string, or a list of arguments).
    """

    name: str
    value: Any

    @property
    def json_key(self) -> str:
        return JSON_NAMES.get(self.name, f"Fn::{self.name}")


def Ref(logical_id: str) -> Intrinsic:
    return Intrinsic("Ref", logical_id)


def GetAtt(logical_id: str, attribute: str) -> Intrinsic:
    return Intrinsic("GetAtt", (logical_id, attribute))


def Sub(template: str, variables: dict[str, Any] | None = None) -> Intrinsic:
    return Intrinsic("Sub", [template, variables] if variables else template)


def Equals(a: Any, b: Any) -> Intrinsic:
    return Intrinsic("Equals", [a, b])


def Not(condition: Any) -> Intrinsic:
    return Intrinsic("Not", [condition])


def Select(index: int, values: Any) -> Intrinsic:
    return Intrinsic("Select", [index, values])


def Split(delimiter: str, value: Any) -> Intrinsic:
    return Intrinsic("Split", [delimiter, value])


_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}]+)\}")


def references(value: Any) -> Iterator[str]:
    """Every logical id (or parameter, or pseudo parameter) ``value`` refers to.

    ``Sub`` strings count through their ``${Name}`` and ``${Name.Attribute}`` variables,
    except those given in the ``Sub``'s own variable map.
    """
    if isinstance(value, Intrinsic):
        yield from _intrinsic_references(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from references(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from references(item)


def _intrinsic_references(value: Intrinsic) -> Iterator[str]:
    if value.name == "Ref":
        yield value.value
    elif value.name == "GetAtt":
        yield value.value[0]
    elif value.name == "Sub":
        template, variables = (
            (value.value, {}) if isinstance(value.value, str) else tuple(value.value)
        )
        for name in _SUB_VARIABLE.findall(template):
            head = name.split(".", 1)[0]
            if head not in variables:
                yield head
        yield from references(variables)
    else:
        yield from references(value.value)
