"""Sanitising icon bodies from packs that are not archdsl's own.

An icon pack from a file (``--icon-pack``, ``node_modules``) is data written by anyone:
its SVG bodies are parsed as XML and kept only as drawings. See
:func:`sanitize_svg_body` for what is removed or refused.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

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
