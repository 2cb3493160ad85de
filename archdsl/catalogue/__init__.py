"""The AWS catalogue: which services archdsl knows, their icons, CloudFormation types,
and which pairs of them AWS wires together directly.

The facts live in data files beside this module, read once and cached:

* ``services.toml``: one entry per AWS service of the Iconify ``logos`` set's ``aws*`` icons
  (plus services drawn with another service's icon, like Firehose with the Kinesis icon);
* ``integrations.toml``: directed pairs of service keys, ``direct`` (with the wiring) or
  ``none`` (a known non-integration, with what usually goes between);
* ``logos-names.txt``: every icon name of the ``logos`` set, so that any ``logos:`` name,
  AWS or not, can be checked and corrected.

Import-light on purpose (standard library only): the CLI's ``catalogue`` command, the rules
and the exporters all start from here.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Mapping
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal, NamedTuple

from archdsl.icons import parse_icon_name

__all__ = [
    "Catalogue",
    "GroupLike",
    "Integration",
    "IntegrationStatus",
    "ServiceEntry",
    "integration",
    "is_known_logos_icon",
    "load_catalogue",
    "suggest_icon",
]

GroupLike = Literal["yes", "no", "maybe"]
"""Whether the icon is drawn as a group box: boundaries (``yes``), sometimes (``maybe``)."""

IntegrationStatus = Literal["direct", "none"]
Initiator = Literal["push", "poll", "query"]

LOGOS_PREFIX = "logos"


class ServiceEntry(NamedTuple):
    """One AWS service as archdsl knows it."""

    key: str
    """Stable identifier (``lambda``, ``api_gateway``), used by integrations and exporters."""
    name: str
    """Official name (``Amazon Simple Notification Service (Amazon SNS)``)."""
    short_name: str
    """The name for messages (``Amazon SNS``)."""
    category: str
    aws_icon_category: str
    icons: tuple[str, ...]
    """Full icon names (``logos:aws-lambda``) that stand for this service."""
    primary_types: tuple[str, ...]
    """CloudFormation types a node of this service becomes; the first is the default."""
    supporting_types: tuple[str, ...]
    """Helper types that come with it (roles, policies, permissions, stages...)."""
    group_like: GroupLike
    can_contain: bool
    """False for services that cannot hold other resources (a topic, a queue, a key)."""
    aliases: tuple[str, ...]
    """Names people use for it (``dynamo``, ``ddb``, ``s3 bucket``), lower case."""
    notes: str
    drawn_with: tuple[str, ...] = ()
    """Icons of another service this one is drawn with, told apart by the node's title."""
    label_words: tuple[str, ...] = ()
    """Words in a node's title that select this service among those ``drawn_with`` its icon."""

    @property
    def cfn_types(self) -> tuple[str, ...]:
        return (*self.primary_types, *self.supporting_types)

    @property
    def icon(self) -> str | None:
        """The icon to draw this service with."""
        return next(iter((*self.icons, *self.drawn_with)), None)


class Integration(NamedTuple):
    """A directed pair of services (data flows from ``source_key`` to ``target_key``)."""

    source_key: str
    target_key: str
    status: IntegrationStatus
    source: str
    """Where this row comes from (a section of integrations.md or AWS documentation)."""
    summary: str = ""
    """``direct``: the CloudFormation wiring, in short."""
    initiator: Initiator | None = None
    """``direct``: who makes the call (push: the source; poll/query: the target)."""
    condition: str | None = None
    """``direct``: a prerequisite, or the one configuration in which the pair is direct."""
    via: str | None = None
    """``none``: what usually goes between the two."""
    why: str | None = None
    """``none``: why the pair is not a direct integration."""

    @property
    def is_direct(self) -> bool:
        return self.status == "direct"


class Catalogue:
    """Services, integrations and ``logos`` icon names, with look-ups by icon, key and type."""

    def __init__(
        self,
        entries: Iterable[ServiceEntry],
        integrations: Iterable[Integration],
        logos_names: Iterable[str],
    ) -> None:
        self.entries: tuple[ServiceEntry, ...] = tuple(entries)
        self.integrations: tuple[Integration, ...] = tuple(integrations)
        self.logos_names: frozenset[str] = frozenset(logos_names)
        self._by_key = {entry.key: entry for entry in self.entries}
        self._by_icon = {icon: entry for entry in self.entries for icon in entry.icons}
        self._by_alias = {alias: entry for entry in self.entries for alias in entry.aliases}
        self._by_pair = {(i.source_key, i.target_key): i for i in self.integrations}
        self._drawn_with: dict[str, list[ServiceEntry]] = {}
        for entry in self.entries:
            for icon in entry.drawn_with:
                self._drawn_with.setdefault(icon, []).append(entry)
        self._for_node: dict[tuple[str, str], ServiceEntry | None] = {}
        # A diagram repeats its mistakes; the edit-distance scan runs once per distinct name.
        self._suggestions: dict[str, str | None] = {}

    # -- look-ups -----------------------------------------------------------------------------

    def by_key(self, key: str) -> ServiceEntry | None:
        return self._by_key.get(key)

    def by_icon(self, icon: str) -> ServiceEntry | None:
        """The service an icon stands for (any form Mermaid accepts: ``logos-aws-s3`` too)."""
        canonical = _canonical_icon(icon)
        return self._by_icon.get(canonical) if canonical else None

    def for_node(self, icon: str | None, title: str | None = None) -> ServiceEntry | None:
        """The service a node drawn with ``icon`` and titled ``title`` stands for.

        The title only matters for icons shared by several services: a Kinesis icon titled
        "Order Firehose" is Amazon Data Firehose, not a Kinesis data stream.
        """
        if not icon:
            return None
        # Validate asks once per service: a 10,000-service diagram has few distinct pairs.
        key = (icon, title or "")
        if key not in self._for_node:
            self._for_node[key] = self._match_node(icon, title or "")
        return self._for_node[key]

    def _match_node(self, icon: str, title: str) -> ServiceEntry | None:
        canonical = _canonical_icon(icon)
        words = _words(title)
        for entry in self._drawn_with.get(canonical or "", ()):
            if any(_words(label) <= words for label in entry.label_words):
                return entry
        return self.by_icon(icon)

    def by_cfn_type(self, cfn_type: str) -> ServiceEntry | None:
        """The service whose primary types include ``cfn_type``, else one that uses it."""
        for types in ("primary_types", "supporting_types"):
            for entry in self.entries:
                if cfn_type in getattr(entry, types):
                    return entry
        return None

    def integration(self, source_key: str, target_key: str) -> Integration | None:
        """What the catalogue knows about data flowing from one service to another."""
        return self._by_pair.get((source_key, target_key))

    # -- fuzzy search -------------------------------------------------------------------------

    def search(self, query: str, limit: int = 10) -> list[ServiceEntry]:
        """Services matching ``query`` by key, name, icon, alias or CloudFormation type.

        Exact matches first, then substrings, then close spellings (difflib); empty for a
        blank query (use :attr:`entries` to list everything).
        """
        needle = _normalise(query)
        if not needle:
            return []
        scored = [(self._score(needle, entry), entry.key, entry) for entry in self.entries]
        ranked = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))
        return [entry for _, _, entry in ranked[:limit]]

    def _score(self, needle: str, entry: ServiceEntry) -> float:
        fields = {
            _normalise(text)
            for text in (
                entry.key,
                entry.name,
                entry.short_name,
                *(icon.partition(":")[2] for icon in (*entry.icons, *entry.drawn_with)),
                *entry.aliases,
                *entry.cfn_types,
            )
        }
        return max(_match_score(needle, field) for field in fields)

    # -- icon names ---------------------------------------------------------------------------

    def is_known_logos_icon(self, icon: str) -> bool:
        """True if ``icon`` names an icon of the Iconify ``logos`` set (``logos:NAME``)."""
        parsed = parse_icon_name(icon)
        return (
            parsed is not None and parsed.prefix == LOGOS_PREFIX and parsed.name in self.logos_names
        )

    def suggest_icon(self, icon: str) -> str | None:
        """The ``logos:`` icon someone probably meant, or ``None``.

        Tries, in order: the same name spelt differently (case, dashes: ``logos:aws-dynamo-db``
        is ``logos:aws-dynamodb``), a service alias (``dynamo``, ``lambda function``), then the
        closest name by edit distance (``logos:aws-lamda`` is ``logos:aws-lambda``).
        """
        if icon not in self._suggestions:
            self._suggestions[icon] = self._find_suggestion(icon)
        return self._suggestions[icon]

    def _find_suggestion(self, icon: str) -> str | None:
        candidates = _candidate_names(icon)
        for finder in (self._same_name, self._alias_icon, self._closest_name):
            for candidate in candidates:
                found = finder(candidate)
                if found:
                    return found
        return None

    @cached_property
    def _compact_logos(self) -> dict[str, str]:
        """Every ``logos`` name by its letters and digits alone (only suggestions need it:
        worked out on first use, not for every run)."""
        return {_compact(name): name for name in sorted(self.logos_names)}

    def _same_name(self, candidate: str) -> str | None:
        name = self._compact_logos.get(_compact(candidate))
        return f"{LOGOS_PREFIX}:{name}" if name else None

    def _alias_icon(self, candidate: str) -> str | None:
        phrase = _normalise(candidate)
        for key in (phrase, re.sub(r"^(aws|amazon)\s+", "", phrase)):
            entry = self._by_alias.get(key)
            if entry and entry.icon:
                return entry.icon
        return None

    def _closest_name(self, candidate: str) -> str | None:
        target = candidate.lower()
        if len(target) < 3:
            return None  # any one- or two-letter name is "close" to hundreds of others
        budget = _edit_budget(target)
        best: tuple[int, int, str] | None = None
        for name in self.logos_names:
            if abs(len(name) - len(target)) > budget:
                continue
            distance = _edit_distance(target, name, budget)
            if distance > budget:
                continue
            # Prefer names of the same family (aws-...) when distances tie.
            rank = (distance, 0 if name.split("-")[0] == target.split("-")[0] else 1, name)
            if best is None or rank < best:
                best = rank
        return f"{LOGOS_PREFIX}:{best[2]}" if best else None


# ---------------------------------------------------------------------------------------------
# Loading


@cache
def load_catalogue() -> Catalogue:
    """The catalogue shipped with archdsl (read once per process)."""
    services = _read_toml("services.toml")["services"]
    integrations = _read_toml("integrations.toml")["integrations"]
    names = _read_text("logos-names.txt").split()
    return Catalogue(
        (_entry_from_record(record) for record in services),
        (_integration_from_record(record) for record in integrations),
        names,
    )


def _read_text(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def _read_toml(name: str) -> dict[str, Any]:
    """The TOML file ``name``, through a JSON copy in the cache folder: JSON reads in a
    thirtieth of the time, which matters in every short run (a pre-commit hook)."""
    text = _read_text(name)
    copy = _json_copy(name, text)
    if copy is not None:
        try:
            cached = json.loads(copy.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            cached = None  # not there yet, or damaged: rebuilt below
        if isinstance(cached, dict):
            return cached
    import tomllib  # only when the JSON copy is missing or stale

    data = tomllib.loads(text)
    if copy is not None:
        _save_quietly(copy, json.dumps(data))
    return data


def _json_copy(name: str, text: str) -> Path | None:
    from archdsl.cachedir import cache_path

    return cache_path(Path(name).stem, text, ".json")


def _save_quietly(path: Path, data: str) -> None:
    """Write the copy atomically; a cache that cannot be written is no error."""
    from archdsl.files import write_atomic

    with contextlib.suppress(OSError):
        write_atomic(path, data)


def _entry_from_record(record: Mapping[str, Any]) -> ServiceEntry:
    group_like = record["group_like"]
    if group_like not in ("yes", "no", "maybe"):
        raise ValueError(f"services.toml: {record['key']}: group_like must be yes, no or maybe")
    return ServiceEntry(
        key=record["key"],
        name=record["name"],
        short_name=record["short_name"],
        category=record["category"],
        aws_icon_category=record["aws_icon_category"],
        icons=tuple(record["icons"]),
        primary_types=tuple(record["primary_types"]),
        supporting_types=tuple(record["supporting_types"]),
        group_like=group_like,
        can_contain=bool(record["can_contain"]),
        aliases=tuple(record["aliases"]),
        notes=record["notes"],
        drawn_with=tuple(record.get("drawn_with", ())),
        label_words=tuple(record.get("label_words", ())),
    )


def _integration_from_record(record: Mapping[str, Any]) -> Integration:
    status = record["status"]
    if status not in ("direct", "none"):
        raise ValueError(f"integrations.toml: {record['source_key']}: unknown status {status!r}")
    return Integration(
        source_key=record["source_key"],
        target_key=record["target_key"],
        status=status,
        source=record["source"],
        summary=record.get("summary", ""),
        initiator=record.get("initiator"),
        condition=record.get("condition"),
        via=record.get("via"),
        why=record.get("why"),
    )


# ---------------------------------------------------------------------------------------------
# Module-level shortcuts on the shipped catalogue


def suggest_icon(name: str) -> str | None:
    """Did-you-mean for an icon name: ``logos:aws-lamda`` gives ``logos:aws-lambda``."""
    return load_catalogue().suggest_icon(name)


def is_known_logos_icon(name: str) -> bool:
    """True if ``name`` is an icon of the Iconify ``logos`` set (any AWS or other logo)."""
    return load_catalogue().is_known_logos_icon(name)


def integration(source_key: str, target_key: str) -> Integration | None:
    """What the shipped catalogue knows about data flowing ``source_key`` → ``target_key``."""
    return load_catalogue().integration(source_key, target_key)


# ---------------------------------------------------------------------------------------------
# Text helpers


def _canonical_icon(icon: str) -> str | None:
    """``prefix:name`` for any spelling Mermaid accepts (``logos-aws-s3``, ``@p:logos:x``)."""
    parsed = parse_icon_name(icon)
    if parsed is None or not parsed.prefix:
        return None
    return f"{parsed.prefix}:{parsed.name}"


def _candidate_names(icon: str) -> list[str]:
    """Bare ``logos`` names the author may have meant by ``icon``, most likely first."""
    text = icon.strip()
    parsed = parse_icon_name(text)
    candidates: list[str] = []
    if parsed is not None and parsed.prefix == LOGOS_PREFIX:
        candidates.append(parsed.name)
    elif parsed is not None and parsed.prefix:
        # ``aws:lambda`` or ``aws-lambda`` (read by Mermaid as pack "aws"): the whole thing.
        candidates += [f"{parsed.prefix}-{parsed.name}", parsed.name]
    elif parsed is not None:
        candidates += [parsed.name, f"aws-{parsed.name}"]
    candidates.append(text.rpartition(":")[2])
    return list(dict.fromkeys(c for c in candidates if c))


def _normalise(text: str) -> str:
    """Lower case, ``-``/``_``/``:`` as spaces, single spaces."""
    return " ".join(re.sub(r"[-_:]+", " ", text.lower()).split())


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", text.lower()))


def _match_score(needle: str, field: str) -> float:
    """1 for equal, 0.8-0.9 for a substring, the difflib ratio (scaled) when close, else 0."""
    if needle == field:
        return 1.0
    if len(needle) >= 2 and needle in field:
        return 0.8 + 0.1 * len(needle) / len(field)
    import difflib  # only for suggestions

    ratio = difflib.SequenceMatcher(None, needle, field).ratio()
    return ratio * 0.75 if ratio >= 0.75 else 0.0


def _edit_budget(name: str) -> int:
    """How many edits a did-you-mean may be away: 1 for short names, up to 3 for long ones."""
    return max(1, min(3, len(name) // 4))


def _edit_distance(a: str, b: str, budget: int) -> int:
    """Levenshtein distance with adjacent swaps (optimal string alignment); stops past budget."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > budget:
            return budget + 1
        previous2, previous = previous, current
    return previous[-1]
