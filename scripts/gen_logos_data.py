"""Regenerate archdsl's bundled data from the Iconify ``logos`` set (maintainers only).

Usage::

    cd /tmp && npm install @iconify-json/logos@1.2.19
    python scripts/gen_logos_data.py /tmp/node_modules/@iconify-json/logos/icons.json

Writes, deterministically (sorted keys, fixed indentation):

* ``archdsl/icons/logos-aws.json``: an Iconify JSON subset with every ``aws*`` icon of the
  set and the aliases that point at them (the icons archdsl draws offline);
* ``archdsl/catalogue/logos-names.txt``: every icon and alias name of the whole set, one per
  line, so that ``logos:`` names outside AWS are checked too.

The set's version is read from the ``package.json`` beside ``icons.json``; update
``archdsl/icons/LICENSE-logos.txt`` when it changes (the script reminds you).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SUBSET_PATH = ROOT / "archdsl" / "icons" / "logos-aws.json"
NAMES_PATH = ROOT / "archdsl" / "catalogue" / "logos-names.txt"
LICENSE_PATH = ROOT / "archdsl" / "icons" / "LICENSE-logos.txt"
AWS_PREFIX = "aws"


def is_aws_name(name: str) -> bool:
    return name == AWS_PREFIX or name.startswith(AWS_PREFIX + "-")


def aws_subset(icon_set: dict[str, Any], version: str) -> dict[str, Any]:
    """The ``aws*`` icons of ``icon_set`` and the aliases that resolve to them."""
    icons = {name: data for name, data in icon_set["icons"].items() if is_aws_name(name)}
    aliases = {
        name: data
        for name, data in icon_set.get("aliases", {}).items()
        if data.get("parent") in icons or is_aws_name(name)
    }
    subset: dict[str, Any] = {
        "prefix": icon_set["prefix"],
        "info": {
            "name": "SVG Logos (AWS subset)",
            "version": version,
            "author": {"name": "Gil Barbara", "url": "https://github.com/gilbarbara/logos"},
            "license": {"title": "CC0", "spdx": "CC0-1.0"},
            "source": f"@iconify-json/logos@{version}",
        },
        "icons": icons,
        "aliases": aliases,
    }
    # Set-level defaults apply to every icon that does not give its own size.
    for key in ("width", "height", "left", "top"):
        if key in icon_set:
            subset[key] = icon_set[key]
    return subset


def all_names(icon_set: dict[str, Any]) -> list[str]:
    return sorted({*icon_set["icons"], *icon_set.get("aliases", {})})


def package_version(icons_json: Path) -> str:
    package = icons_json.with_name("package.json")
    if not package.is_file():
        return "unknown"
    return str(json.loads(package.read_text(encoding="utf-8")).get("version", "unknown"))


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("icons_json", type=Path, help="node_modules/@iconify-json/logos/icons.json")
    args = parser.parse_args(argv)
    icon_set = json.loads(args.icons_json.read_text(encoding="utf-8"))
    if icon_set.get("prefix") != "logos":
        parser.error(f"{args.icons_json} is not the logos set (prefix {icon_set.get('prefix')!r})")
    version = package_version(args.icons_json)

    subset = aws_subset(icon_set, version)
    write_text(SUBSET_PATH, json.dumps(subset, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    write_text(NAMES_PATH, "".join(f"{name}\n" for name in all_names(icon_set)))
    print(f"{SUBSET_PATH.relative_to(ROOT)}: {len(subset['icons'])} icons")
    print(f"{NAMES_PATH.relative_to(ROOT)}: {len(all_names(icon_set))} names")

    if LICENSE_PATH.is_file() and version not in LICENSE_PATH.read_text(encoding="utf-8"):
        print(f"note: update the version in {LICENSE_PATH.relative_to(ROOT)} to {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
