"""Annotated case files: ``tests/rules/cases/<CODE>-<name>.mmd``.

Each case is a small diagram whose comments say what archdsl must report and
what Mermaid does with it (pycodestyle-style annotations)::

    %% options: mermaid-version=11.14      (optional: CheckOptions for this case)
    %% mermaid: ok | error | render-error | syntax-error | slow
    %% expect: AD205:8:5 AD213:9:13        (code:line:column; or "nothing")

``mermaid`` is the real Mermaid's verdict for the newest version (``error``:
``mermaid.parse`` rejects it; ``render-error``: only the render fails; ``slow``:
valid, but too slow to render in a test).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from archdsl.api import Document, validate
from archdsl.rules import CheckOptions

CASES = Path(__file__).parent / "cases"
VERDICTS = ("ok", "error", "render-error", "syntax-error", "slow")

_EXPECT = re.compile(r"^%%\s*expect:(?P<items>.*)$", re.MULTILINE)
_ITEM = re.compile(r"\b(?P<code>[A-Z]+\d{3}):(?P<line>\d+):(?P<column>\d+)\b")
_VERSION = re.compile(r"^%%\s*options:.*\bmermaid-version=(?P<version>\d+(?:\.\d+)*)", re.MULTILINE)
_VERDICT = re.compile(r"^%%\s*mermaid:\s*(?P<verdict>\S+)", re.MULTILINE)

Finding = tuple[str, int, int]


@dataclass(frozen=True)
class Case:
    path: Path
    text: str

    @property
    def code(self) -> str:
        """The code the case file is named after."""
        return self.path.name.split("-", 1)[0]

    @property
    def expected(self) -> set[Finding]:
        return {
            (item["code"], int(item["line"]), int(item["column"]))
            for match in _EXPECT.finditer(self.text)
            for item in _ITEM.finditer(match["items"])
        }

    @property
    def has_expectations(self) -> bool:
        return _EXPECT.search(self.text) is not None

    @property
    def options(self) -> CheckOptions:
        match = _VERSION.search(self.text)
        version = tuple(int(part) for part in match["version"].split(".")) if match else None
        return CheckOptions(mermaid_version=version)

    @property
    def verdict(self) -> str | None:
        match = _VERDICT.search(self.text)
        return match["verdict"] if match else None

    def check(self) -> Document:
        return validate(self.text, str(self.path), options=self.options)

    def found(self) -> set[Finding]:
        """What archdsl reports, for the AD family (the family these cases own)."""
        return {
            (d.code, d.line, d.column) for d in self.check().diagnostics if d.code.startswith("AD")
        }


def all_cases() -> list[Case]:
    return [Case(path, path.read_text(encoding="utf-8")) for path in sorted(CASES.glob("*.mmd"))]
