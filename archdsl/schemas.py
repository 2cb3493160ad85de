"""JSON Schemas of archdsl's machine-readable outputs (versioned with them)."""

from __future__ import annotations

import json
from typing import Any

from archdsl.report import JSON_VERSION

_POSITION = {
    "line": {"type": "integer", "minimum": 0},
    "column": {"type": "integer", "minimum": 0},
    "end_line": {"type": "integer", "minimum": 0},
    "end_column": {"type": "integer", "minimum": 0},
}


def model_schema() -> str:
    """The JSON Schema of ``archdsl export json`` (the Pydantic model)."""
    from pydantic import BaseModel

    from archdsl import model

    # The models defer building their validators and serializers (start-up time); the
    # schema needs every one built, since it serialises defaults such as the config.
    for value in vars(model).values():
        if isinstance(value, type) and issubclass(value, BaseModel) and value is not BaseModel:
            value.model_rebuild(force=True)
    schema: dict[str, Any] = model.Diagram.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://archdsl.dev/schemas/diagram-1.json"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def diagnostics_schema() -> str:
    """The JSON Schema of ``archdsl validate --format json``."""
    location = {
        "type": "object",
        "required": ["message", "path", *_POSITION],
        "properties": {
            "message": {"type": "string"},
            "path": {"type": ["string", "null"]},
            **_POSITION,
        },
    }
    diagnostic = {
        "type": "object",
        "required": ["code", "severity", "message", "path", *_POSITION],
        "properties": {
            "code": {"type": "string", "pattern": "^[A-Z]+[0-9]{3}$"},
            "severity": {"enum": ["error", "warning", "info"]},
            "message": {"type": "string"},
            "path": {"type": ["string", "null"]},
            **_POSITION,
            "help": {"type": "string"},
            "related": {"type": "array", "items": location},
        },
        "additionalProperties": False,
    }
    counts = {level: {"type": "integer", "minimum": 0} for level in ("error", "warning", "info")}
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://archdsl.dev/schemas/diagnostics-{JSON_VERSION}.json",
        "title": "archdsl validate --format json",
        "type": "object",
        "required": ["version", "files", "diagnostics", "summary"],
        "properties": {
            "version": {"const": JSON_VERSION},
            "files": {"type": "integer", "minimum": 0},
            "diagnostics": {"type": "array", "items": diagnostic},
            "summary": {
                "type": "object",
                "required": list(counts),
                "properties": counts,
                "additionalProperties": False,
            },
        },
        "additionalProperties": False,
    }
    return json.dumps(schema, indent=2) + "\n"
