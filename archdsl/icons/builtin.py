"""archdsl's own drawings of Mermaid's built-in architecture icons.

Mermaid has five named icons (``cloud``, ``database``, ``disk``, ``internet``, ``server``),
a ``blank`` square (behind text icons) and an ``unknown`` "?" for names it cannot resolve.
These are simple white line drawings on Mermaid's blue square, on an 80 × 80 canvas, drawn
for archdsl (not copied from Mermaid). The "?" is a path, so it needs no font.
"""

from __future__ import annotations

from archdsl.icons import IconData, parse_icon_name

__all__ = ["BUILTIN_BODIES", "PLACEHOLDER", "builtin_icon"]

_SIZE = 80.0
_BLUE = "#087ebf"
_LINE = (
    'fill="none" stroke="#fff" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"'
)


def _on_square(drawing: str) -> str:
    return f'<rect width="80" height="80" fill="{_BLUE}"/>{drawing}'


_CLOUD = (
    f'<path {_LINE} d="M24 56h33a10 10 0 0 0 1-19.9a14 14 0 0 0-26.5-4.6'
    'a10 10 0 0 0-13.3 8.9A8 8 0 0 0 24 56z"/>'
)
_DATABASE = (
    f'<g {_LINE}><ellipse cx="40" cy="22" rx="19" ry="7"/>'
    '<path d="M21 22v36c0 3.9 8.5 7 19 7s19-3.1 19-7V22"/>'
    '<path d="M21 34c0 3.9 8.5 7 19 7s19-3.1 19-7"/>'
    '<path d="M21 46c0 3.9 8.5 7 19 7s19-3.1 19-7"/></g>'
)
_DISK = (
    f'<g {_LINE}><rect x="19" y="14" width="42" height="52" rx="4"/>'
    '<circle cx="40" cy="36" r="14"/><path d="M40 36l-9 22"/></g>'
    '<circle cx="40" cy="36" r="3.5" fill="#fff"/>'
    '<circle cx="24" cy="19" r="1.5" fill="#fff"/><circle cx="56" cy="19" r="1.5" fill="#fff"/>'
    '<circle cx="24" cy="61" r="1.5" fill="#fff"/><circle cx="56" cy="61" r="1.5" fill="#fff"/>'
)
_INTERNET = (
    f'<g {_LINE}><circle cx="40" cy="40" r="23"/><ellipse cx="40" cy="40" rx="10" ry="23"/>'
    '<path d="M17 40h46M20.5 28h39M20.5 52h39"/></g>'
)
_SERVER = (
    f'<g {_LINE}><rect x="18" y="16" width="44" height="14" rx="2"/>'
    '<rect x="18" y="33" width="44" height="14" rx="2"/>'
    '<rect x="18" y="50" width="44" height="14" rx="2"/>'
    '<path d="M42 23h13M42 40h13M42 57h13"/></g>'
    '<g fill="#fff"><circle cx="25" cy="23" r="2"/><circle cx="25" cy="40" r="2"/>'
    '<circle cx="25" cy="57" r="2"/></g>'
)
_QUESTION = (
    '<path fill="none" stroke="#fff" stroke-width="7" stroke-linecap="round" '
    'd="M28 29a12 12 0 1 1 17.5 10.6C41.8 41.6 40 44.5 40 48.5v2"/>'
    '<circle cx="40" cy="63" r="4.5" fill="#fff"/>'
)

BUILTIN_BODIES: dict[str, str] = {
    "cloud": _on_square(_CLOUD),
    "database": _on_square(_DATABASE),
    "disk": _on_square(_DISK),
    "internet": _on_square(_INTERNET),
    "server": _on_square(_SERVER),
    "blank": _on_square(""),
    "unknown": _on_square(_QUESTION),
}
"""SVG bodies on a 0 0 80 80 canvas, by Mermaid's icon name."""

PLACEHOLDER = IconData(body=BUILTIN_BODIES["unknown"], width=_SIZE, height=_SIZE)
"""What an icon that cannot be found looks like: a "?" on a blue square, as in Mermaid."""


def builtin_icon(name: str) -> IconData | None:
    """The drawing for a built-in name (``database``, ``mermaid-architecture:disk``...)."""
    parsed = parse_icon_name(name)
    if parsed is None or parsed.prefix not in ("", "mermaid-architecture"):
        return None
    body = BUILTIN_BODIES.get(parsed.name)
    return IconData(body=body, width=_SIZE, height=_SIZE) if body is not None else None
