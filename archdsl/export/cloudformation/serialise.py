"""Template → text: idiomatic YAML (short-form tags) or JSON (long-form intrinsics).

YAML goes through PyYAML with a representer for :class:`~.intrinsics.Intrinsic`, so every
scalar is quoted by the emitter, never by string concatenation. The only text added around
the emitter's output is comments and blank lines: a header naming the source diagram and
what could not be generated, and one comment line before each diagram service's resources.
Comments are inserted before lines that can only be resource keys (two-space indent, an
alphanumeric logical id, directly under ``Resources:``), never inside a value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from archdsl.export.cloudformation.intrinsics import Intrinsic

YAML_WIDTH = 4096
"""Long enough that the emitter never folds a ``!Sub`` string over two lines."""
_RESOURCE_KEY = re.compile(r"^  ([A-Za-z][A-Za-z0-9]*):$")


def to_json(template: dict[str, Any]) -> str:
    return json.dumps(_long_form(template), indent=2, ensure_ascii=False) + "\n"


def _long_form(value: Any) -> Any:
    if isinstance(value, Intrinsic):
        argument = list(value.value) if value.name == "GetAtt" else _long_form(value.value)
        return {value.json_key: argument}
    if isinstance(value, dict):
        return {key: _long_form(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_long_form(item) for item in value]
    return value


def to_yaml(template: dict[str, Any], header: Iterable[str], sections: dict[str, str]) -> str:
    """YAML text: ``header`` lines as comments first, ``sections[logical id]`` before it."""
    body = _dump(template)
    lines = [_comment(line) for line in header]
    lines += _decorate(body.splitlines(), sections)
    return "\n".join(lines) + "\n"


def _dump(template: dict[str, Any]) -> str:
    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            # Lists indented under their key, as CloudFormation's own examples write them.
            super().increase_indent(flow, False)

        def choose_scalar_style(self) -> str:
            # PyYAML quotes every scalar with an explicit tag; `!Ref Name` needs no quotes
            # when the same text would be a plain scalar without the tag.
            event = self.event
            assert isinstance(event, yaml.ScalarEvent)
            tag = event.tag or ""
            if tag.startswith("!") and not tag.startswith("!!") and not event.style:
                if self.analysis is None:
                    self.analysis = self.analyze_scalar(event.value)
                plain = (
                    self.analysis.allow_flow_plain
                    if self.flow_level
                    else self.analysis.allow_block_plain
                )
                if plain and not self.analysis.empty and not self.analysis.multiline:
                    return ""
            return str(super().choose_scalar_style())

    def intrinsic(dumper: yaml.SafeDumper, value: Intrinsic) -> Any:
        tag = f"!{value.name}"
        if value.name == "GetAtt":
            return dumper.represent_scalar(tag, ".".join(value.value))
        if isinstance(value.value, list):
            flow = all(_is_short(item) for item in value.value)
            return dumper.represent_sequence(tag, value.value, flow_style=flow)
        return dumper.represent_scalar(tag, str(value.value))

    def text(dumper: yaml.SafeDumper, value: str) -> Any:
        if "\n" in value:
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
        return dumper.represent_str(value)

    Dumper.add_representer(Intrinsic, intrinsic)
    Dumper.add_representer(str, text)
    dumped: str = yaml.dump(
        template,
        Dumper=Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=YAML_WIDTH,
        indent=2,
    )
    return dumped


def _is_short(value: Any) -> bool:
    """Scalars and scalar-argument intrinsics read well inline: ``!If [C, !Ref A, '']``."""
    if isinstance(value, Intrinsic):
        inner = value.value
        if isinstance(inner, list):
            return all(_is_short(item) for item in inner)
        return not isinstance(inner, dict)
    return isinstance(value, str | int | float | bool) and "\n" not in str(value)


def _decorate(lines: list[str], sections: dict[str, str]) -> list[str]:
    """Blank lines between top-level keys and resources; a comment before each section."""
    out: list[str] = []
    in_resources = False
    current: str | None = None
    for line in lines:
        top_level = bool(line) and not line[0].isspace() and line[0] != "-"
        if top_level:
            if out:
                out.append("")
            in_resources = line == "Resources:"
        elif in_resources:
            match = _RESOURCE_KEY.match(line)
            if match:
                section = sections.get(match.group(1))
                if out and out[-1] != "Resources:":
                    out.append("")
                if section and section != current:
                    out.append(_comment(section, indent="  "))
                    current = section
        out.append(line)
    return out


def _comment(text: str, indent: str = "") -> str:
    flat = " ".join(text.split())
    return f"{indent}# {flat}".rstrip() if flat else f"{indent}#"
