"""archdsl: check, format, render and export Mermaid ``architecture-beta`` diagrams.

The library API (see :mod:`archdsl.api`)::

    import archdsl
    doc = archdsl.validate(open("diagram.mmd").read(), path="diagram.mmd")
    for d in doc.diagnostics:
        print(d.code, d.span.line, d.message)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Document",
    "FormatError",
    "Selection",
    "__version__",
    "check",
    "format",
    "from_cloudformation",
    "parse",
    "render_svg",
    "to_cloudformation",
    "validate",
]

if TYPE_CHECKING:
    from archdsl.api import (
        Document,
        FormatError,
        Selection,
        check,
        format,
        from_cloudformation,
        parse,
        render_svg,
        to_cloudformation,
        validate,
    )


def __getattr__(name: str) -> Any:
    # Lazy: `import archdsl` (and so `archdsl --help`) must not pull in lark or pydantic.
    if name in __all__ and name != "__version__":
        from archdsl import api

        return getattr(api, name)
    raise AttributeError(f"module 'archdsl' has no attribute {name!r}")
