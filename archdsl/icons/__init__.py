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
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True, slots=True)
class IconName:
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


@dataclass(frozen=True, slots=True)
class IconData:
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


@dataclass
class IconPack:
    """An Iconify JSON icon set: raw icon records plus their aliases.

    Bodies of untrusted packs (user files) are sanitised when an icon is first asked for,
    so that loading a large pack just to check names stays cheap.
    """

    prefix: str
    icons: Mapping[str, Mapping[str, Any]]
    aliases: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    width: float = ICONIFY_DEFAULT_SIZE
    height: float = ICONIFY_DEFAULT_SIZE
    left: float = 0.0
    top: float = 0.0
    trusted: bool = False
    """Bodies are used as they are (the bundled packs); otherwise they are sanitised."""
    origin: str = ""
    """Where the pack came from (a path), for messages."""
    _resolved: dict[str, IconData | None] = field(default_factory=dict, repr=False, compare=False)

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


# ---------------------------------------------------------------------------------------------
# Sanitising

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

_ALLOWED_ELEMENTS = frozenset(
    {
        "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "text", "tspan", "textPath", "defs", "use", "symbol", "title", "desc",
        "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern", "marker",
        "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
        "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight",
        "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR",
        "feGaussianBlur", "feImage", "feMerge", "feMergeNode", "feMorphology", "feOffset",
        "fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
        "image", "style", "animate", "animateMotion", "animateTransform", "set", "mpath",
    }
)  # fmt: skip
"""SVG drawing elements. Not allowed: ``script``, ``foreignObject``, ``a``, ``iframe``..."""

_ANIMATIONS = frozenset({"animate", "animateMotion", "animateTransform", "set"})
_DECLARATIONS = re.compile(r"<!\s*(DOCTYPE|ENTITY)|<\?", re.IGNORECASE)
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
_SCRIPT_SCHEME = re.compile(r"(java|vb)script:", re.IGNORECASE)
# Browsers drop tabs, line breaks and other controls inside a URL scheme: `java\tscript:`.
_URL_NOISE = re.compile(r"[\x00-\x20]+")
# CSS that fetches or runs something without a plain `url(`: escapes (`\75 rl(`, `@\69 mport`)
# can spell any of it, so a backslash alone is enough to refuse the style.
_ACTIVE_CSS = re.compile(
    r"\\|@import|@font-face|image-set\(|image\(|cross-fade\(|expression\(|behavior\s*:"
    r"|-moz-binding",
    re.IGNORECASE,
)
MAX_DEPTH = 64
"""Deeper element nesting is refused: icons are shallow, and the sanitiser, the SVG
writer and renderers all walk the tree recursively."""
OWN_IDS = "archdsl-"
"""The prefix of every id archdsl's SVG writer makes (symbols, scoped icon ids)."""
MAX_USES = 64
"""``<use>`` elements per icon: more is no drawing but a way to make renderers work."""
_RASTER_DATA_URI = re.compile(r"\s*data:image/(png|jpe?g|gif|webp);base64,[A-Za-z0-9+/=\s]*\Z")


def sanitize_svg_body(body: str) -> str | None:
    """``body`` made safe to embed, or ``None`` if it is not well-formed SVG markup
    (or nests deeper than :data:`MAX_DEPTH`).

    Removes elements outside a drawing allowlist (``script``, ``foreignObject``, ``a``...),
    ``on*`` event attributes, links other than ``#fragment`` (raster ``data:`` images
    excepted), ``url(...)`` references to anything but ``#fragment``, ``javascript:``
    values, CSS (``<style>`` or ``style=``) that imports, fetches or uses escapes, and
    ``<use>`` chains that multiply (:func:`_limit_uses`). Clean bodies come back unchanged,
    byte for byte; DTDs and processing instructions are refused outright.
    """
    if _DECLARATIONS.search(body):
        return None
    try:
        root = ET.fromstring(f'<svg xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}">{body}</svg>')
    except ET.ParseError:
        return None
    if _depth(root) > MAX_DEPTH:
        return None
    changed = _clean_children(root)
    changed |= _limit_uses(root)
    if not changed:
        return body
    return _inner_markup(root)


def _depth(root: ET.Element) -> int:
    """How deep elements nest below ``root`` (without recursion: the body is untrusted)."""
    deepest = 0
    stack = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest


def _clean_children(parent: ET.Element) -> bool:
    """Strip unsafe children and attributes below ``parent``; True if anything changed."""
    changed = False
    for child in list(parent):
        if not _element_allowed(child):
            parent.remove(child)
            changed = True
            continue
        changed |= _clean_attributes(child)
        changed |= _clean_children(child)
    return changed


def _element_allowed(element: ET.Element) -> bool:
    namespace, _, local = element.tag.rpartition("}")
    if namespace != "{" + SVG_NS or local not in _ALLOWED_ELEMENTS:
        return False
    if local == "style":
        return _css_allowed(element.text or "")
    if local in _ANIMATIONS:
        # Animating an href (or an event handler, or a style) is the classic way round an
        # attribute filter.
        target = element.get("attributeName", "").lower().strip()
        return "href" not in target and not target.startswith("on") and target != "style"
    return True


def _css_allowed(css: str) -> bool:
    """No fetching (``@import``, fonts, non-fragment ``url(``), no escapes, no old IE hooks."""
    return not _ACTIVE_CSS.search(css) and not _EXTERNAL_URL.search(css)


def _limit_uses(root: ET.Element) -> bool:
    """Drop ``<use>`` elements that would multiply work: past :data:`MAX_USES`, any that
    points at an element holding a ``<use>`` (chains of them grow exponentially, the
    "billion laughs" of SVG), and any that points at archdsl's own ids (another icon's
    symbol, to build such a chain across icons). True if anything was removed."""
    use_tag = f"{{{SVG_NS}}}use"
    holders = {
        element.get("id")
        for element in root.iter()
        if element.get("id") and any(e.tag == use_tag for e in element.iter())
    }
    removed = False
    kept = 0
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag != use_tag:
                continue
            target = _fragment(child)
            chained = target is not None and (target in holders or target.startswith(OWN_IDS))
            if kept >= MAX_USES or chained:
                parent.remove(child)
                removed = True
            else:
                kept += 1
    return removed


def _fragment(use: ET.Element) -> str | None:
    href = use.get("href") or use.get(f"{{{XLINK_NS}}}href") or ""
    return href.strip()[1:] if href.strip().startswith("#") else None


def _clean_attributes(element: ET.Element) -> bool:
    unsafe = [
        key for key, value in element.attrib.items() if not _attribute_allowed(element, key, value)
    ]
    for key in unsafe:
        del element.attrib[key]
    return bool(unsafe)


def _attribute_allowed(element: ET.Element, key: str, value: str) -> bool:
    namespace, _, local = key.rpartition("}")
    if namespace not in ("", "{" + XLINK_NS, "{" + XML_NS):
        return False
    if local.lower().startswith("on") or _SCRIPT_SCHEME.search(_URL_NOISE.sub("", value)):
        return False
    if local == "style" and not _css_allowed(value):
        return False
    if local == "href":
        is_image = element.tag in (f"{{{SVG_NS}}}image", f"{{{SVG_NS}}}feImage")
        return value.strip().startswith("#") or bool(is_image and _RASTER_DATA_URI.match(value))
    return not _EXTERNAL_URL.search(value)


def _inner_markup(root: ET.Element) -> str:
    """The children of the wrapper ``<svg>`` as markup, without namespace noise."""
    return "".join(_markup(child) + _escape(child.tail or "") for child in root)


def _markup(element: ET.Element) -> str:
    # Hand-written because ElementTree cannot write SVG as the default namespace when
    # attributes are unqualified; the names are known to be safe by now.
    tag = element.tag.rpartition("}")[2]
    attributes = "".join(
        f" {_qualified(key)}={_quote_attribute(value)}" for key, value in element.attrib.items()
    )
    inner = _escape(element.text or "") + _inner_markup(element)
    return f"<{tag}{attributes}>{inner}</{tag}>" if inner else f"<{tag}{attributes}/>"


def _escape(text: str) -> str:
    """``xml.sax.saxutils.escape`` (whose module imports urllib and http: a tenth of
    archdsl's start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _quote_attribute(value: str) -> str:
    """``xml.sax.saxutils.quoteattr``: escaped, white space kept, in fitting quotes."""
    value = _escape(value).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return '"' + value.replace('"', "&quot;") + '"'


def _qualified(key: str) -> str:
    namespace, _, local = key.rpartition("}")
    prefix = {"{" + XLINK_NS: "xlink:", "{" + XML_NS: "xml:"}.get(namespace, "")
    return prefix + local
