"""Iconify icon packs: naming, loading, resolving and sanitising icons.

Mermaid draws ``service x(logos:aws-lambda)`` with the icon ``aws-lambda`` of the pack
registered under the prefix ``logos`` (``registerIconPacks``). archdsl does the same offline:
the AWS icons of the Iconify ``logos`` set ship with the package (:func:`builtin_packs`), and
other packs load from Iconify JSON files (``--icon-pack``, or
``node_modules/@iconify-json/*/icons.json`` found upwards, :func:`discover_node_modules_packs`).

Icon names follow Iconify's ``stringToIcon`` exactly (:func:`parse_icon_name`): ``pack:name``,
``@provider:pack:name``, and a name with a dash but no colon means ``pack-name``. A simple
name (no colon, no dash) is looked up in Mermaid's own built-in icons (:data:`BUILTIN_ICONS`),
which have no pack here: the renderer draws them itself.

Icon bodies from user files are SVG markup that ends up inside archdsl's SVG, so they are
sanitised (:func:`sanitize_svg_body`): no scripts, event handlers, ``foreignObject`` or links
to anything outside the icon. Only the standard library is used.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

__all__ = [
    "BUILTIN_ICONS",
    "MERMAID_ICON_PREFIX",
    "IconData",
    "IconName",
    "IconPack",
    "IconPackError",
    "builtin_packs",
    "discover_node_modules_packs",
    "is_builtin_icon",
    "load_pack",
    "parse_icon_name",
    "resolve_icon",
    "sanitize_svg_body",
]

MERMAID_ICON_PREFIX = "mermaid-architecture"
"""The prefix Mermaid registers its built-in architecture icons under (its ``fallbackPrefix``)."""

BUILTIN_ICONS = frozenset({"cloud", "database", "disk", "internet", "server", "blank", "unknown"})
"""Mermaid's built-in architecture icons: always available, drawn by the renderer itself."""

ICONIFY_DEFAULT_SIZE = 16.0
"""Iconify's width/height for icons and sets that give none."""


class IconPackError(ValueError):
    """An icon pack file that cannot be used; the message says which file and why."""


class IconName(NamedTuple):
    """A parsed icon reference: ``@provider:prefix:name``; ``prefix`` is ``""`` for simple names."""

    provider: str
    prefix: str
    name: str

    def __str__(self) -> str:
        if not self.prefix:
            return self.name
        provider = f"@{self.provider}:" if self.provider else ""
        return f"{provider}{self.prefix}:{self.name}"


# Rules ask about every node's icon several times and a diagram uses few distinct
# names (42,000 calls, ten names, on a 10,000-service diagram); the result is immutable.
@lru_cache(maxsize=4096)
def parse_icon_name(value: str) -> IconName | None:
    """Split an icon reference as Mermaid does (Iconify ``stringToIcon``, simple names allowed).

    ``None`` when Mermaid would reject the name ("Invalid icon name"): too many colons, an
    ``@provider`` without a pack, or an empty prefix or name.
    """
    parts = value.split(":")
    provider = ""
    if value.startswith("@"):
        if not 2 <= len(parts) <= 3:
            return None
        provider = parts.pop(0)[1:]
    if len(parts) > 3:
        return None
    if len(parts) > 1:
        name, prefix = parts[-1], parts[-2]
        provider = parts[0] if len(parts) == 3 else provider
        return IconName(provider, prefix, name) if prefix and name else None
    (simple,) = parts
    if "-" in simple:
        prefix, _, rest = simple.partition("-")
        return IconName(provider, prefix, rest) if prefix and rest else None
    if provider or not simple:
        return None
    return IconName("", "", simple)


def is_builtin_icon(value: str) -> bool:
    """True for Mermaid's built-in icons (``database``, ``mermaid-architecture:cloud``...)."""
    parsed = parse_icon_name(value)
    return (
        parsed is not None
        and parsed.prefix in ("", MERMAID_ICON_PREFIX)
        and parsed.name in BUILTIN_ICONS
    )


class IconData(NamedTuple):
    """One resolved icon, ready to draw: its SVG body and its viewBox."""

    body: str
    width: float
    height: float
    left: float = 0.0
    top: float = 0.0
    rotate: int = 0
    """Quarter turns clockwise (0-3), from Iconify alias transformations."""
    h_flip: bool = False
    v_flip: bool = False
    hidden: bool = False

    @property
    def view_box(self) -> str:
        return f"{_fmt(self.left)} {_fmt(self.top)} {_fmt(self.width)} {_fmt(self.height)}"


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


class IconPack:
    """An Iconify JSON icon set: raw icon records plus their aliases.

    Bodies of untrusted packs (user files) are sanitised when an icon is first asked for,
    so that loading a large pack just to check names stays cheap.
    """

    __slots__ = (
        "_resolved",
        "aliases",
        "height",
        "icons",
        "left",
        "origin",
        "prefix",
        "top",
        "trusted",
        "width",
    )

    prefix: str
    icons: Mapping[str, Mapping[str, Any]]
    aliases: Mapping[str, Mapping[str, Any]]
    width: float
    height: float
    left: float
    top: float
    trusted: bool
    """Bodies are used as they are (the bundled packs); otherwise they are sanitised."""
    origin: str
    """Where the pack came from (a path), for messages."""
    _resolved: dict[str, IconData | None]

    def __init__(
        self,
        prefix: str,
        icons: Mapping[str, Mapping[str, Any]],
        aliases: Mapping[str, Mapping[str, Any]] | None = None,
        width: float = ICONIFY_DEFAULT_SIZE,
        height: float = ICONIFY_DEFAULT_SIZE,
        left: float = 0.0,
        top: float = 0.0,
        trusted: bool = False,
        origin: str = "",
    ) -> None:
        self.prefix = prefix
        self.icons = icons
        self.aliases = {} if aliases is None else aliases
        self.width = width
        self.height = height
        self.left = left
        self.top = top
        self.trusted = trusted
        self.origin = origin
        self._resolved = {}

    @property
    def names(self) -> frozenset[str]:
        """Every name that resolves: icons and aliases (hidden ones included, as in Iconify)."""
        return frozenset(self.icons) | frozenset(self.aliases)

    def __contains__(self, name: object) -> bool:
        return name in self.icons or name in self.aliases

    def icon(self, name: str) -> IconData | None:
        """The icon ``name`` with aliases resolved; ``None`` if unknown or refused as unsafe."""
        if name not in self._resolved:
            self._resolved[name] = self._resolve(name)
        return self._resolved[name]

    def _resolve(self, name: str) -> IconData | None:
        chain = self._alias_chain(name)
        if chain is None:
            return None
        merged = _merge_chain([self.icons.get(n) or self.aliases[n] for n in chain])
        body = str(self.icons[chain[-1]]["body"])
        safe_body = body if self.trusted else sanitize_svg_body(body)
        if safe_body is None:
            return None
        return IconData(
            body=safe_body,
            width=float(merged.get("width", self.width)),
            height=float(merged.get("height", self.height)),
            left=float(merged.get("left", self.left)),
            top=float(merged.get("top", self.top)),
            rotate=int(merged.get("rotate", 0)),
            h_flip=bool(merged.get("hFlip", False)),
            v_flip=bool(merged.get("vFlip", False)),
            hidden=bool(merged.get("hidden", False)),
        )

    def _alias_chain(self, name: str) -> list[str] | None:
        """``[name, parent, ..., icon]``; ``None`` for unknown names and alias loops."""
        chain = [name]
        while chain[-1] not in self.icons:
            alias = self.aliases.get(chain[-1])
            parent = alias.get("parent") if alias else None
            if not isinstance(parent, str) or parent in chain:
                return None
            chain.append(parent)
        return chain


def _merge_chain(records: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Merge an alias chain as Iconify's ``getIconData`` does.

    The nearest record wins for sizes; flips toggle and rotations add up along the chain.
    """
    merged: dict[str, Any] = {}
    h_flip = v_flip = False
    rotate = 0
    for record in records:
        for key in ("width", "height", "left", "top", "hidden"):
            if key in record and key not in merged:
                merged[key] = record[key]
        h_flip ^= bool(record.get("hFlip", False))
        v_flip ^= bool(record.get("vFlip", False))
        rotate += int(record.get("rotate", 0))
    merged.update(hFlip=h_flip, vFlip=v_flip, rotate=rotate % 4)
    return merged


# ---------------------------------------------------------------------------------------------
# Loading


def load_pack(path: Path | str, *, trusted: bool = False) -> IconPack:
    """Load an Iconify JSON file (``{"prefix", "icons", "aliases"?, "width"?, "height"?}``).

    Raises :class:`IconPackError` naming the file and the problem: unreadable, not JSON,
    no ``prefix``, no ``icons``, or an icon without a ``body``.
    """
    from archdsl.sources import read_text

    path = Path(path)
    try:
        # Regular files (or a pipe) only, and not without limit: a pack found in a
        # checked-out node_modules may be a link to /dev/zero.
        text = read_text(path)
    except (OSError, ValueError) as error:
        raise IconPackError(f"{path}: cannot read the icon pack ({error})") from error
    return _pack_from_text(text, origin=str(path), trusted=trusted)


def _pack_from_text(text: str, *, origin: str, trusted: bool) -> IconPack:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise IconPackError(
            f"{origin}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from error
    except RecursionError as error:  # json's decoder recurses once per [ or {
        raise IconPackError(f"{origin}: not an icon pack (JSON nested too deeply)") from error
    if not isinstance(data, dict):
        raise IconPackError(f"{origin}: an Iconify icon pack is a JSON object")
    prefix = data.get("prefix")
    if not isinstance(prefix, str) or not prefix:
        raise IconPackError(
            f'{origin}: no "prefix" (the pack name used in icon names, e.g. "logos")'
        )
    icons = data.get("icons")
    if not isinstance(icons, dict) or not icons:
        raise IconPackError(f'{origin}: no "icons" object, so the pack "{prefix}" has no icons')
    for name, record in icons.items():
        if not isinstance(record, dict) or not isinstance(record.get("body"), str):
            raise IconPackError(f'{origin}: icon "{name}" has no "body" string')
    aliases = data.get("aliases", {})
    if not isinstance(aliases, dict) or not all(isinstance(a, dict) for a in aliases.values()):
        raise IconPackError(f'{origin}: "aliases" must map names to objects with a "parent"')
    return IconPack(
        prefix=prefix,
        icons=icons,
        aliases=aliases,
        width=_number(data, "width", ICONIFY_DEFAULT_SIZE, origin),
        height=_number(data, "height", ICONIFY_DEFAULT_SIZE, origin),
        left=_number(data, "left", 0.0, origin),
        top=_number(data, "top", 0.0, origin),
        trusted=trusted,
        origin=origin,
    )


def _number(data: Mapping[str, Any], key: str, default: float, origin: str) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise IconPackError(f'{origin}: "{key}" must be a number')
    return float(value)


@cache
def builtin_packs() -> tuple[IconPack, ...]:
    """The packs that ship with archdsl: the 65 AWS icons of Iconify's ``logos`` set."""
    text = resources.files(__name__).joinpath("logos-aws.json").read_text(encoding="utf-8")
    return (_pack_from_text(text, origin="archdsl:logos-aws.json", trusted=True),)


def discover_node_modules_packs(start_dir: Path | str) -> list[Path]:
    """``node_modules/@iconify-json/*/icons.json`` files in ``start_dir`` and its parents.

    Nearest first, as Node resolves packages: a pack found in a nearer ``node_modules``
    hides the one with the same package name further up.
    """
    found: dict[str, Path] = {}
    start = Path(start_dir).resolve()
    for folder in (start, *start.parents):
        scope = folder / "node_modules" / "@iconify-json"
        if not scope.is_dir():
            continue
        for icons_json in sorted(scope.glob("*/icons.json")):
            found.setdefault(icons_json.parent.name, icons_json)
    return list(found.values())


def resolve_icon(name: str, packs: Iterable[IconPack]) -> IconData | None:
    """The icon ``name`` refers to, from the first pack with its prefix.

    ``None`` for names Mermaid rejects, unknown packs or icons, and Mermaid's built-ins
    (:func:`is_builtin_icon`), which no pack holds. The ``@provider`` part is ignored:
    everything is offline.
    """
    parsed = parse_icon_name(name)
    if parsed is None or not parsed.prefix:
        return None
    for pack in packs:
        if pack.prefix == parsed.prefix:
            return pack.icon(parsed.name)
    return None


def sanitize_svg_body(body: str) -> str | None:
    """``body`` made safe to embed, or ``None`` (see :mod:`archdsl.icons.sanitize`; loaded
    only for packs from files, so the trusted built-in icons cost no start-up)."""
    from archdsl.icons.sanitize import sanitize_svg_body as sanitize

    return sanitize(body)
