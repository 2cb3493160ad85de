"""Reading a CloudFormation template: YAML with the short-form tags, or JSON.

Both forms load to the same plain structure, intrinsic functions in their long form
(``!Ref X`` → ``{"Ref": "X"}``, ``!GetAtt A.B`` → ``{"Fn::GetAtt": ["A", "B"]}``), so the
rest of the importer reads one shape. Mappings remember where each key was written, so
that problems with the template's structure are reported at their line and column too.

Anything wrong raises :class:`TemplateError` with a 1-based line and column: YAML syntax
(from the parser's mark), JSON syntax (from the decoder's position), duplicate keys (which
CloudFormation rejects and YAML loaders silently merge), and a template without resources.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from archdsl.diagnostics import position_of

SHORT_FORMS = (
    "Ref",
    "Condition",
    "GetAtt",
    "Sub",
    "Join",
    "If",
    "Select",
    "Split",
    "FindInMap",
    "GetAZs",
    "ImportValue",
    "Base64",
    "Cidr",
    "Equals",
    "And",
    "Or",
    "Not",
)
"""The short-form tags CloudFormation defines (other ``!Name`` tags load as ``Fn::Name``)."""


class TemplateError(ValueError):
    """The text is not a CloudFormation template: what is wrong, and where (1-based)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.message = message
        self.line = line
        self.column = column


class Located(dict[str, Any]):
    """A mapping that knows where it and each of its keys were written (1-based)."""

    line: int = 1
    column: int = 1
    key_positions: dict[str, tuple[int, int]]

    def position(self, key: str) -> tuple[int, int]:
        positions: dict[str, tuple[int, int]] = getattr(self, "key_positions", {})
        return positions.get(key, (self.line, self.column))


@dataclass(frozen=True)
class TemplateResource:
    logical_id: str
    type: str
    properties: dict[str, Any]
    metadata: dict[str, Any]
    condition: str | None
    depends_on: tuple[str, ...]
    line: int
    column: int


@dataclass(frozen=True)
class Template:
    resources: dict[str, TemplateResource]
    """In template order."""
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    description: str | None = None


def load_template(text: str) -> Template:
    """Parse and check the outline of a template; raises :class:`TemplateError`."""
    document = _parse(text)
    return _outline(document)


# -- parsing ------------------------------------------------------------------------------------


MAX_NESTING = 200
"""Collections inside collections a template may have (real ones have under 20).

libyaml builds nested nodes by recursion in C, where running out of stack kills the
process; so deeper documents are refused before they are built."""


def _parse(text: str) -> Any:
    if text.lstrip().startswith("{"):
        try:
            json.loads(text)
        except json.JSONDecodeError as error:
            raise TemplateError(f"not valid JSON: {error.msg}", error.lineno, error.colno) from None
        except RecursionError:
            raise _too_deep() from None
    return _parse_yaml(text)


def _too_deep() -> TemplateError:
    return TemplateError(f"nested too deeply (more than {MAX_NESTING} levels)", 1, 1)


def _could_nest_deeply(text: str) -> bool:
    """Cheap and conservative: each level of nesting needs a ``[``/``{`` or a column of
    indentation (or ``- `` on a line), so without many of either there is no deep nesting."""
    openers = text.count("[") + text.count("{")
    widest = max(map(len, text.splitlines()), default=0)
    return openers + widest > MAX_NESTING


def _nesting(text: str, loader_class: type) -> int:
    """How deep collections nest, from libyaml's event stream (which needs no recursion);
    stops counting once past :data:`MAX_NESTING`."""
    import yaml

    depth = deepest = 0
    for event in yaml.parse(text, Loader=loader_class):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_NESTING:
                break
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest


def _parse_yaml(text: str) -> Any:
    import yaml

    loader_class = _loader_class()
    loader = loader_class(text)
    try:
        if _could_nest_deeply(text) and _nesting(text, loader_class) > MAX_NESTING:
            raise _too_deep()
        return loader.get_single_data()
    except RecursionError:
        raise _too_deep() from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = position_of(text, mark.index) if mark else (1, 1)
        problem = error.problem or error.context or "unreadable YAML"
        raise TemplateError(f"not valid YAML: {problem}", line, column) from None
    except yaml.YAMLError as error:
        raise TemplateError(f"not valid YAML: {error}", 1, 1) from None
    finally:
        loader.dispose()


_LOADER: type | None = None


def _loader_class() -> type:
    """A SafeLoader that knows CloudFormation's tags, keeps dates as text, finds duplicates."""
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    import yaml

    # libyaml's parser when PyYAML has it (several times faster), the same rules either way.
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[valid-type,misc]
        pass

    # CloudFormation reads `Version: 2012-10-17` as a string, not a date.
    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def mapping(loader: Loader, node: yaml.MappingNode) -> Located:
        loader.flatten_mapping(node)
        result = Located()
        result.line, result.column = node.start_mark.line + 1, node.start_mark.column + 1
        result.key_positions = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_positions[key] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
        return result

    def function(loader: Loader, suffix: str, node: yaml.Node) -> dict[str, Any]:
        name = suffix
        value: Any
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if name == "GetAtt":
                value = str(value).split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            assert isinstance(node, yaml.MappingNode)
            value = mapping(loader, node)
        key = name if name in ("Ref", "Condition") else f"Fn::{name}"
        return {key: value}

    Loader.add_constructor("tag:yaml.org,2002:map", mapping)
    Loader.add_multi_constructor("!", function)
    _LOADER = Loader
    return Loader


# -- outline ------------------------------------------------------------------------------------


def _outline(document: Any) -> Template:
    if not isinstance(document, dict):
        raise TemplateError("a template is a mapping with a Resources section", 1, 1)
    resources = document.get("Resources")
    line, column = _where(document, "Resources")
    if resources is None:
        raise TemplateError("the template has no Resources section", 1, 1)
    if not isinstance(resources, dict) or not resources:
        raise TemplateError("Resources must map logical ids to resources", line, column)
    found: dict[str, TemplateResource] = {}
    for logical_id, body in resources.items():
        at = _where(resources, logical_id)
        found[logical_id] = _resource(logical_id, body, at)
    parameters = document.get("Parameters")
    description = document.get("Description")
    return Template(
        found,
        dict(parameters) if isinstance(parameters, dict) else {},
        description if isinstance(description, str) else None,
    )


_LOGICAL_ID = re.compile(r"[A-Za-z0-9]+")


def _resource(logical_id: str, body: Any, at: tuple[int, int]) -> TemplateResource:
    if not _LOGICAL_ID.fullmatch(logical_id):
        raise TemplateError(f"logical id {logical_id!r} is not alphanumeric", *at)
    if not isinstance(body, dict) or not isinstance(body.get("Type"), str):
        raise TemplateError(f"resource {logical_id} has no Type", *at)
    properties = body.get("Properties") or {}
    if not isinstance(properties, dict):
        raise TemplateError(
            f"Properties of {logical_id} must be a mapping", *_where(body, "Properties")
        )
    metadata = body.get("Metadata") if isinstance(body.get("Metadata"), dict) else {}
    depends = body.get("DependsOn") or ()
    depends_on = (
        (depends,) if isinstance(depends, str) else tuple(d for d in depends if isinstance(d, str))
    )
    condition = body.get("Condition") if isinstance(body.get("Condition"), str) else None
    return TemplateResource(
        logical_id, body["Type"], properties, metadata or {}, condition, depends_on, *at
    )


def _where(mapping: Any, key: str) -> tuple[int, int]:
    if isinstance(mapping, Located):
        return mapping.position(key)
    return (1, 1)
