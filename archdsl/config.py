"""Project configuration: ``[tool.archdsl]`` in ``pyproject.toml`` or ``.archdsl.toml``.

Found from the current folder upwards; the nearest file that has archdsl
settings wins. Keys: ``select``, ``ignore`` (code prefixes), ``severity``
(a table of code or prefix → ``error``/``warning``/``info``), ``icon-packs``
(Iconify JSON files, relative to the config file), ``strict`` (warnings fail),
``mermaid-version`` (e.g. ``"11.12"``: report what that version rejects).
Command-line flags win over the file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from archdsl.diagnostics import Severity

KNOWN_KEYS = {"select", "ignore", "severity", "icon-packs", "strict", "mermaid-version"}
NEWEST_MERMAID = (11, 17)


class ConfigError(ValueError):
    """The configuration file is unreadable or has a bad value (exit code 2)."""


class Config:
    __slots__ = ("icon_packs", "ignore", "mermaid_version", "path", "select", "severity", "strict")

    select: tuple[str, ...]
    ignore: tuple[str, ...]
    severity: dict[str, Severity]
    icon_packs: tuple[Path, ...]
    strict: bool
    mermaid_version: tuple[int, ...] | None
    path: Path | None
    """The file these settings came from."""

    def __init__(
        self,
        select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        severity: dict[str, Severity] | None = None,
        icon_packs: tuple[Path, ...] = (),
        strict: bool = False,
        mermaid_version: tuple[int, ...] | None = None,
        path: Path | None = None,
    ) -> None:
        self.select = select
        self.ignore = ignore
        self.severity = {} if severity is None else severity
        self.icon_packs = icon_packs
        self.strict = strict
        self.mermaid_version = mermaid_version
        self.path = path


def parse_version(text: str) -> tuple[int, ...]:
    """``"11.12"`` → ``(11, 12)``; raises :class:`ConfigError` on anything else."""
    if not re.fullmatch(r"\d+(?:\.\d+){0,2}", text.strip()):
        raise ConfigError(f"mermaid-version must look like 11.12, not {text!r}")
    return tuple(int(part) for part in text.strip().split("."))


def find_config_file(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest ``.archdsl.toml`` or ``pyproject.toml`` with ``[tool.archdsl]``."""
    for folder in (start, *start.parents):
        dedicated = folder / ".archdsl.toml"
        if dedicated.is_file():
            return dedicated, _load(dedicated)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            settings = _load(pyproject).get("tool", {}).get("archdsl")
            if isinstance(settings, dict):
                return pyproject, settings
    return None


def _load(path: Path) -> dict[str, Any]:
    import tomllib  # only when there is a file to read

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from error
    except RecursionError:  # tomllib recurses once per nested array or table
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None


def _codes(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'{path}: `{key}` must be a list of codes such as ["AD2", "AWS401"]')
    return tuple(code.strip().upper() for code in value if code.strip())


def _severities(path: Path, value: Any) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise ConfigError(f'{path}: `severity` must be a table such as {{ AD211 = "warning" }}')
    result: dict[str, Severity] = {}
    for code, level in value.items():
        try:
            result[str(code).upper()] = Severity(str(level).lower())
        except ValueError as error:
            raise ConfigError(
                f"{path}: severity of {code} must be error, warning or info, not {level!r}"
            ) from error
    return result


def config_from_table(path: Path, table: dict[str, Any]) -> Config:
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(KNOWN_KEYS))}"
        )
    packs = table.get("icon-packs", [])
    if not isinstance(packs, list) or not all(isinstance(p, str) for p in packs):
        raise ConfigError(f"{path}: `icon-packs` must be a list of file paths")
    strict = table.get("strict", False)
    if not isinstance(strict, bool):
        raise ConfigError(f"{path}: `strict` must be true or false")
    version = table.get("mermaid-version")
    return Config(
        select=_codes(path, "select", table.get("select", [])),
        ignore=_codes(path, "ignore", table.get("ignore", [])),
        severity=_severities(path, table.get("severity", {})),
        icon_packs=tuple(path.parent / p for p in packs),
        strict=strict,
        mermaid_version=parse_version(str(version)) if version is not None else None,
        path=path,
    )


def load_config(start: Path | None = None) -> Config:
    found = find_config_file((start or Path.cwd()).resolve())
    if found is None:
        return Config()
    path, table = found
    return config_from_table(path, table)
