"""Icon checks (AWS3xx): icon names that will not draw, and AWS icons used as impossible groups.

Mermaid resolves ``(logos:aws-lambda)`` in the icon pack registered as ``logos``; an unknown
name or pack draws as a blue ``?`` box, silently. These rules say so at the icon, with the
name that was probably meant.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import NamedTuple

from archdsl.catalogue import Catalogue, ServiceEntry, load_catalogue
from archdsl.diagnostics import Related, Severity, Span
from archdsl.icons import (
    BUILTIN_ICONS,
    MERMAID_ICON_PREFIX,
    IconName,
    IconPackError,
    discover_node_modules_packs,
    load_pack,
    parse_icon_name,
)
from archdsl.model import NO_SPAN, Group, Junction, Service
from archdsl.rules.base import CheckContext, Problem, rule

_PACKS_CACHE_KEY = "aws_icons.known_packs"


class KnownPacks(NamedTuple):
    """Icon names by pack prefix, as Mermaid would have them registered for this diagram."""

    names: dict[str, frozenset[str]]
    load_errors: tuple[str, ...] = ()


def known_packs(context: CheckContext) -> KnownPacks:
    """The ``logos`` set, Mermaid's built-ins, ``--icon-pack`` files and ``node_modules`` packs.

    Built once per run and shared through ``context.cache``; a pack file that cannot be
    loaded provides nothing, and its error is kept for the AWS302 help.
    """
    cached = context.cache.get(_PACKS_CACHE_KEY)
    if isinstance(cached, KnownPacks):
        return cached
    names: dict[str, frozenset[str]] = {
        "logos": load_catalogue().logos_names,
        MERMAID_ICON_PREFIX: BUILTIN_ICONS,
    }
    errors: list[str] = []
    paths = list(context.options.icon_packs)
    if context.options.base_dir is not None:
        paths += discover_node_modules_packs(context.options.base_dir)
    for path in paths:
        try:
            pack = load_pack(path)
        except IconPackError as error:
            errors.append(str(error))
            continue
        names[pack.prefix] = names.get(pack.prefix, frozenset()) | pack.names
    known = KnownPacks(names, tuple(errors))
    context.cache[_PACKS_CACHE_KEY] = known
    return known


def _icon_references(context: CheckContext) -> Iterator[tuple[Group | Service, str, Span]]:
    """Every ``(icon)`` of a group or service (text icons ``"..."`` are not icons)."""
    elements: tuple[Group | Service, ...] = (*context.diagram.groups, *context.diagram.services)
    for element in elements:
        if element.icon:
            yield element, element.icon, _icon_span(element)


def _icon_span(element: Group | Service) -> Span:
    for span in (element.icon_span, element.id_span, element.span):
        if span != NO_SPAN:
            return span
    return NO_SPAN


def _pack_of(parsed: IconName) -> str:
    # Mermaid looks simple names (``database``) up in its own architecture icons.
    return parsed.prefix or MERMAID_ICON_PREFIX


def _did_you_mean(icon: str, pack_names: frozenset[str] | None, prefix: str) -> str | None:
    """A likely intended icon: from the same (non-logos) pack, else from ``logos``."""
    if pack_names and prefix not in ("logos", MERMAID_ICON_PREFIX):
        name = icon.rpartition(":")[2]
        close = difflib.get_close_matches(name, sorted(pack_names), n=1, cutoff=0.75)
        if close:
            return f"{prefix}:{close[0]}"
    return load_catalogue().suggest_icon(icon)


@rule("AWS301", "unknown-icon", Severity.WARNING)
def unknown_icon(context: CheckContext) -> Iterator[Problem]:
    """An icon that its icon pack does not have: Mermaid draws a `?` box instead.

    Icon names are `pack:name`, looked up in the pack registered under that prefix: the
    Iconify `logos` set (all of it, not only AWS), a pack given with `--icon-pack`, or one
    found in `node_modules/@iconify-json/`. A name with no pack (`database`) must be one of
    Mermaid's built-in icons: cloud, database, disk, internet, server, blank, unknown.
    Names are case-sensitive, and a misspelt one fails silently in Mermaid.

    Example:

        service fn(logos:aws-lamda)[Orders]

    warns "unknown icon `logos:aws-lamda`" with "did you mean `logos:aws-lambda`?".
    Fix: `service fn(logos:aws-lambda)[Orders]`. `archdsl catalogue lambda` lists the
    AWS icons.
    """
    packs = known_packs(context)
    for _element, icon, span in _icon_references(context):
        parsed = parse_icon_name(icon)
        if parsed is None:
            yield _invalid_name_problem(icon, span)
            continue
        prefix = _pack_of(parsed)
        names = packs.names.get(prefix)
        if names is None or parsed.name in names:
            continue  # fine, or an unknown pack (AWS302)
        yield _unknown_icon_problem(icon, parsed, prefix, names, span)


def _invalid_name_problem(icon: str, span: Span) -> Problem:
    suggestion = load_catalogue().suggest_icon(icon)
    return Problem(
        span,
        f"`{icon}` is not an icon name Mermaid can read (it expects `pack:name`)",
        help=f"did you mean `{suggestion}`?" if suggestion else "write it as `pack:name`",
    )


def _unknown_icon_problem(
    icon: str, parsed: IconName, prefix: str, names: frozenset[str], span: Span
) -> Problem:
    if prefix == MERMAID_ICON_PREFIX:
        where = "not one of Mermaid's built-in icons (" + ", ".join(sorted(BUILTIN_ICONS)) + ")"
    else:
        where = f"the `{prefix}` icon pack has no icon `{parsed.name}`"
    suggestion = _did_you_mean(icon, names, prefix)
    help_text = (
        f"did you mean `{suggestion}`?"
        if suggestion
        else "check the spelling; `archdsl catalogue QUERY` lists the AWS icons"
    )
    return Problem(span, f"unknown icon `{icon}`: {where}; Mermaid draws a `?` box", help=help_text)


@rule("AWS302", "unknown-icon-pack", Severity.WARNING)
def unknown_icon_pack(context: CheckContext) -> Iterator[Problem]:
    """An icon from a pack that nothing registers: Mermaid draws a `?` box instead.

    `pack:name` needs the pack `pack` registered: archdsl knows `logos` and Mermaid's
    built-in icons; other packs come from `--icon-pack FILE` (an Iconify JSON file, also
    `icon-packs = [...]` under `[tool.archdsl]`) or from `node_modules/@iconify-json/<pack>/`
    next to the diagram or above it. Mermaid needs the same pack registered with
    `registerIconPacks`. A dashed name without a colon means `pack-name`: `aws-lambda` asks
    for the icon `lambda` of a pack called `aws`.

    Example:

        service fn(aws-lambda)[Orders]

    warns "unknown icon pack `aws`". Fix: `service fn(logos:aws-lambda)[Orders]`, or pass
    the pack that defines the prefix: `archdsl validate --icon-pack aws-icons.json`.
    """
    packs = known_packs(context)
    for _element, icon, span in _icon_references(context):
        parsed = parse_icon_name(icon)
        if parsed is None or _pack_of(parsed) in packs.names:
            continue
        yield Problem(
            span,
            f"unknown icon pack `{parsed.prefix}` in `{icon}`: no loaded icon pack has this "
            "prefix, so Mermaid draws a `?` box",
            help=_pack_help(icon, parsed.prefix, packs.load_errors),
        )


def _pack_help(icon: str, prefix: str, load_errors: tuple[str, ...]) -> str:
    register = (
        f'pass `--icon-pack FILE` (an Iconify JSON file with "prefix": "{prefix}"), list '
        f"it under `icon-packs` in [tool.archdsl], or install `@iconify-json/{prefix}` into "
        "node_modules"
    )
    suggestion = load_catalogue().suggest_icon(icon)
    parts = [f"did you mean `{suggestion}`? Otherwise {register}" if suggestion else register]
    parts += [f"(pack not loaded: {error})" for error in load_errors]
    return " ".join(parts)


@rule("AWS303", "aws-icon-cannot-contain", Severity.WARNING)
def group_icon_cannot_contain(context: CheckContext) -> Iterator[Problem]:
    """A group drawn with the icon of an AWS service that cannot contain anything.

    A group box says "these run inside that". Boundaries (`logos:aws`, `logos:aws-vpc`),
    hosts and layers (`logos:aws-ec2`, `logos:aws-ecs`, an `logos:aws-api-gateway` layer)
    are fine, but an SNS topic, an SQS queue, a KMS key, a secret, a certificate or an SES
    identity holds messages or data, never resources: the picture says something AWS cannot
    do, and the CloudFormation export has nothing to put the members in.

    Example:

        group alerts(logos:aws-sns)[Alerts]
        service fn(logos:aws-lambda)[Notify] in alerts

    Fix: give the group a boundary icon or none, and draw the topic as a service with an
    edge to its subscribers:

        group alerts(cloud)[Alerts]
        service topic(logos:aws-sns)[Alerts topic] in alerts
        service fn(logos:aws-lambda)[Notify] in alerts
        topic:R --> L:fn
    """
    catalogue = load_catalogue()
    members = _members_by_group(context)
    for group in context.diagram.groups:
        entry = _group_service(catalogue, group)
        inside = members.get(group.id, [])
        if entry is None or entry.can_contain or not inside:
            continue
        names = ", ".join(f"`{member.id}`" for member in inside[:3])
        more = f" and {len(inside) - 3} more" if len(inside) > 3 else ""
        yield Problem(
            _icon_span(group),
            f"group `{group.id}` uses the {entry.short_name} icon `{group.icon}`, but "
            f"{entry.short_name} cannot contain other resources (members: {names}{more})",
            help=(
                "give the group a boundary icon (`logos:aws`, `logos:aws-vpc`, `cloud`) or "
                f"none, and draw the {entry.short_name} resource as a service with edges"
            ),
            related=_placed_in(group, inside[0]),
        )


def _placed_in(group: Group, member: Group | Service | Junction) -> tuple[Related, ...]:
    # Elements built in code have no position to point at.
    if member.id_span == NO_SPAN:
        return ()
    return (Related(f"`{member.id}` is placed in `{group.id}`", member.id_span),)


def _group_service(catalogue: Catalogue, group: Group) -> ServiceEntry | None:
    return catalogue.for_node(group.icon, group.title.text if group.title else None)


def _members_by_group(context: CheckContext) -> dict[str, list[Group | Service | Junction]]:
    members: dict[str, list[Group | Service | Junction]] = {}
    elements: tuple[Group | Service | Junction, ...] = (
        *context.diagram.groups,
        *context.diagram.services,
        *context.diagram.junctions,
    )
    for element in elements:
        if element.parent is not None and element.parent != element.id:
            members.setdefault(element.parent, []).append(element)
    return members
