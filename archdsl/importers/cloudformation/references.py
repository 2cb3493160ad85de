"""Where a template's values point: ``Ref``, ``Fn::GetAtt`` and ``Fn::Sub`` variables.

:func:`references` walks a (long-form) value and yields each name it refers to with the
property path it was found under (``("Environment", "Variables", "TABLE")``), so that the
reader can tell a function's role from the table it writes to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

Path = tuple[str, ...]

_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}]+)\}")


def references(value: Any, path: Path = ()) -> Iterator[tuple[str, Path]]:
    """``(logical id or parameter, path)`` for every reference inside ``value``."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, argument),) = value.items()
            found = _function(key, argument, path)
            if found is not None:
                yield from found
                return
        for key, item in value.items():
            yield from references(item, (*path, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from references(item, path)


def _function(key: str, argument: Any, path: Path) -> Iterator[tuple[str, Path]] | None:
    if key == "Ref" and isinstance(argument, str):
        return iter([(argument, path)])
    if key == "Fn::GetAtt":
        target = _getatt_target(argument)
        return iter([(target, path)]) if target else iter(())
    if key == "Fn::Sub":
        return _sub(argument, path)
    return None


def _getatt_target(argument: Any) -> str | None:
    if isinstance(argument, list) and argument and isinstance(argument[0], str):
        return argument[0]
    if isinstance(argument, str):
        return argument.split(".", 1)[0]
    return None


def _sub(argument: Any, path: Path) -> Iterator[tuple[str, Path]]:
    text, variables = (argument, {}) if isinstance(argument, str) else (None, {})
    if isinstance(argument, list) and argument:
        text = argument[0] if isinstance(argument[0], str) else None
        variables = argument[1] if len(argument) > 1 and isinstance(argument[1], dict) else {}
    if text:
        for name in _SUB_VARIABLE.findall(text):
            head = name.split(".", 1)[0]
            if head not in variables:
                yield head, path
    yield from references(variables, path)


def getatt_attribute(value: Any) -> str | None:
    """The attribute of a ``Fn::GetAtt`` value (``Arn``), or ``None``."""
    if isinstance(value, dict) and len(value) == 1 and "Fn::GetAtt" in value:
        argument = value["Fn::GetAtt"]
        if isinstance(argument, list) and len(argument) > 1:
            return str(argument[1])
        if isinstance(argument, str) and "." in argument:
            return argument.split(".", 1)[1]
    return None


def text_of(value: Any) -> str | None:
    """A literal string value, or ``None`` for anything computed."""
    return value if isinstance(value, str) else None


def dig(value: Any, *keys: str) -> Any:
    """``value[k1][k2]...``, or ``None`` when any step is missing or not a mapping."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value
