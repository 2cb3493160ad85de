#!/usr/bin/env python3
r"""Differential test of archdsl's parser against the real Mermaid (maintainers only).

Generates valid ``architecture-beta`` diagrams and mutated (mostly broken) copies,
runs the Mermaid oracle on all of them in one batch, parses each with archdsl, and
compares verdicts, error lines and models. The project's CI does not run this: it
needs Node.js and the oracle folder (see the oracle's README.md)::

    python scripts/oracle_compare.py --count 1000 --seed 1
    python scripts/oracle_compare.py --oracle /tmp/mermaid-oracle --keep /tmp/cases

What "Mermaid" means here: ``mermaid.parse``, the function every renderer calls. It
preprocesses the text (CRLF, front matter, directives, whole-line comments, entities;
emulated below with an offset map so positions point into the original file) and then
runs the Langium parser (the oracle's ``parse.mjs``). ``validate.mjs`` (the real
``mermaid.parse``) is run too, to check that emulation: a verdict mismatch between the
two is reported as a harness problem, not as an archdsl disagreement.

Comparison per case:

* Mermaid accepts: archdsl's parse has no diagnostics and its model, mapped to the
  oracle's AST shape, equals Mermaid's AST.
* Mermaid rejects: archdsl reports an error on the line of Mermaid's first error (the
  column is compared and counted separately). Where archdsl's grammar accepts by design
  what Mermaid's lexer rejects by accident (ids starting with ``L``/``R``/``T``/``B`` or
  ``title``, keywords as ids, ``align`` with one member), the error must come from
  ``archdsl.api.validate`` (codes AD004, AD005, AD212). If those rules do not report yet,
  the case is counted as "by design, rule pending" instead of agree/disagree.
* A broken YAML front matter: both must reject; js-yaml and PyYAML may stop on
  different lines of the block, so any archdsl YAML error in the block agrees.

Known differences (rare enough that the generator avoids them):

* U+2028/U+2029 inside a title followed by ``%%``: mermaid.parse's comment removal
  treats them as line starts and deletes the rest of the line; archdsl does not.
* encodeEntities drops the last ``;`` of any line matching ``style.*:\S*#.*;`` (also
  ``classDef``), even inside a title; archdsl keeps the text as written.
* YAML that PyYAML accepts and js-yaml rejects (e.g. a block scalar ``|`` at column 0
  under a mapping key), or the other way round.
* Two mistakes in one statement, one of them an id that archdsl accepts by design:
  Mermaid stops at the id; archdsl reports the syntax error later in the statement
  (the rule cannot see a statement that did not parse).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archdsl import api  # noqa: E402
from archdsl.diagnostics import Diagnostic, Severity  # noqa: E402
from archdsl.model import (  # noqa: E402
    AccDescr,
    AccTitle,
    Align,
    Diagram,
    Edge,
    Group,
    Junction,
    Service,
    TitleStatement,
)

DEFAULT_ORACLE = Path(os.environ.get("ARCHDSL_ORACLE", "/tmp/mermaid-oracle"))
BY_DESIGN_CODES = frozenset({"AD004", "AD005", "AD212"})
KEYWORDS = ("architecture-beta", "group", "service", "junction", "in", "align", "row", "column")

# --------------------------------------------------------------------------------------
# JavaScript regex semantics, for porting Mermaid's regexes faithfully.
# --------------------------------------------------------------------------------------

JS_WS = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
"""JavaScript's ``\\s`` (WhiteSpace and LineTerminator); Python's ``\\s`` differs."""
S = f"[{JS_WS}]"
NS = f"[^{JS_WS}]"
W = "[A-Za-z0-9_]"
JS_DOT = "[^\n\r\u2028\u2029]"
LINE_START = "(?<![^\n\r\u2028\u2029])"  # JS ``^`` with the m flag


class Mapped:
    """A string plus, for each character, its offset in the original text."""

    def __init__(self, text: str, offsets: list[int] | None = None) -> None:
        self.text = text
        self.offsets = offsets if offsets is not None else list(range(len(text)))
        self.end = len(text) if offsets is None else (offsets[-1] + 1 if offsets else 0)

    def sub(
        self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str], count: int = 0
    ) -> Mapped:
        """``re.sub`` that keeps the offset map (replacement characters map to the match)."""
        parts: list[str] = []
        offsets: list[int] = []
        last = 0
        for number, match in enumerate(pattern.finditer(self.text)):
            if count and number >= count:
                break
            parts.append(self.text[last : match.start()])
            offsets.extend(self.offsets[last : match.start()])
            replacement = repl(match)
            if len(replacement) == match.end() - match.start() or match.group(0).startswith(
                replacement
            ):
                offsets.extend(self.offsets[match.start() : match.start() + len(replacement)])
            else:
                anchor = self.offsets[match.start()] if match.start() < len(self.text) else self.end
                offsets.extend([anchor] * len(replacement))
            parts.append(replacement)
            last = match.end()
        parts.append(self.text[last:])
        offsets.extend(self.offsets[last:])
        result = Mapped("".join(parts), offsets)
        result.end = self.end
        return result

    def original_offset(self, index: int) -> int:
        return self.offsets[index] if 0 <= index < len(self.offsets) else self.end


# Mermaid 11.17 preprocessing (mermaid.core.mjs: cleanupText, extractFrontMatter,
# removeDirectives, cleanupComments, encodeEntities), regexes ported to Python.
_CRLF = re.compile(r"\r\n?")
_TAG = re.compile(r"<([A-Za-z0-9_]+)([^>]*)>")
_ATTR = re.compile(r'="([^"]*)"')
_FRONT_MATTER = re.compile(
    rf"\A((?:(?![\n\r]){S})*)-{{3}}{S}*[\n\r](.*?)[\n\r]\1-{{3}}{S}*[\n\r]+", re.DOTALL
)
_DIRECTIVE = re.compile(
    rf"%{{2}}{{{S}*(?:({W}+){S}*:|({W}+)){S}*(?:({W}+)|((?:(?!}}%{{2}}){JS_DOT}|\r?\n)*))?"
    rf"{S}*(?:}}%{{2}})?",
    re.IGNORECASE,
)
_COMMENT_LINE = re.compile(rf"{LINE_START}{S}*%%(?!{{)[^\n]+\n?")
_LEADING_WS = re.compile(rf"\A{S}+")
_ANY_COMMENT = re.compile(rf"{S}*%%{JS_DOT}*\n")
_DETECT = re.compile(rf"\A{S}*architecture")
_STYLE = re.compile(rf"style{JS_DOT}*:{NS}*#{JS_DOT}*;")
_CLASSDEF = re.compile(rf"classDef{JS_DOT}*:{NS}*#{JS_DOT}*;")
_ENTITY = re.compile(rf"#{W}+;")
_ENCODED = re.compile("\ufb02\u00b0(\u00b0?)([A-Za-z0-9_]+)\u00b6\u00df")


def _encode_entity(match: re.Match[str]) -> str:
    inner = match.group(0)[1:-1]
    prefix = "\ufb02\u00b0\u00b0" if re.fullmatch(r"\+?\d+", inner) else "\ufb02\u00b0"
    return prefix + inner + "\u00b6\u00df"


def decode_entities(value: Any) -> Any:
    """Undo ``encodeEntities`` in an AST value (archdsl keeps ``#name;`` as written)."""
    if isinstance(value, str):
        return _ENCODED.sub(lambda m: f"#{m.group(2)};", value)
    if isinstance(value, list):
        return [decode_entities(v) for v in value]
    if isinstance(value, dict):
        return {k: decode_entities(v) for k, v in value.items()}
    return value


@dataclass
class Preprocessed:
    """What ``mermaid.parse`` hands to the Langium parser, and whether it is detected."""

    mapped: Mapped
    detected: bool


def preprocess(text: str) -> Preprocessed:
    """Emulate ``mermaid.parse``'s text preparation, keeping an offset map."""
    m = Mapped(text)
    m = m.sub(_CRLF, lambda _: "\n")
    m = m.sub(_TAG, lambda t: "<" + t.group(1) + _ATTR.sub(r"='\1'", t.group(2)) + ">")
    m = m.sub(_FRONT_MATTER, lambda _: "", count=1)
    m = m.sub(_DIRECTIVE, lambda _: "")
    m = m.sub(_COMMENT_LINE, lambda _: "")
    m = m.sub(_LEADING_WS, lambda _: "", count=1)
    detect_text = _ANY_COMMENT.sub("\n", _DIRECTIVE.sub("", _FRONT_MATTER.sub("", m.text, 1)))
    detected = bool(_DETECT.match(detect_text))
    m = m.sub(_STYLE, lambda s: s.group(0)[:-1])
    m = m.sub(_CLASSDEF, lambda s: s.group(0)[:-1])
    m = m.sub(_ENTITY, _encode_entity)
    appended = Mapped(m.text + "\n", [*m.offsets, m.end])
    appended.end = m.end
    return Preprocessed(appended, detected)


# --------------------------------------------------------------------------------------
# Positions: JavaScript counts UTF-16 code units, archdsl counts code points.
# --------------------------------------------------------------------------------------


def utf16_to_index(text: str, utf16_offset: int) -> int:
    """The code-point index of a UTF-16 offset into ``text``."""
    units = 0
    for index, char in enumerate(text):
        if units >= utf16_offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset``; lone CRs break lines, as in mermaid.parse."""
    line, start = 1, 0
    for match in _LINE_BREAK.finditer(text, 0, offset):
        if match.end() > offset:
            break
        line, start = line + 1, match.end()
    return line, offset - start + 1


# --------------------------------------------------------------------------------------
# The oracle: one node call per tool for the whole batch.
# --------------------------------------------------------------------------------------


@dataclass
class Verdict:
    """What one side says about one case."""

    ok: bool
    ast: dict[str, Any] | None = None
    line: int | None = None
    column: int | None = None
    detail: str = ""
    yaml: bool = False
    """The error is in the front matter's YAML (from js-yaml)."""


def _node(oracle: Path, tool: str, files: Sequence[Path]) -> list[dict[str, Any]]:
    if not files:
        return []
    result = subprocess.run(
        ["node", tool, *map(str, files)], cwd=oracle, capture_output=True, text=True, check=False
    )
    # split("\n"), not splitlines(): JSON strings may hold U+2028, U+0085 and friends.
    records = [json.loads(line) for line in result.stdout.split("\n") if line.strip()]
    if len(records) != len(files):
        raise RuntimeError(
            f"{tool} printed {len(records)} records for {len(files)} files:\n"
            + result.stderr[-2000:]
        )
    return records


@dataclass
class OracleResult:
    mermaid: Verdict
    validate_ok: bool | None
    raw_ok: bool


def _first_error(record: dict[str, Any], pre: Preprocessed, raw: str) -> Verdict:
    """Mermaid's earliest error, positioned in the original text."""
    positions = []
    text = pre.mapped.text
    for error in record.get("errors") or []:
        utf16 = error.get("offset")
        index = utf16_to_index(text, utf16) if isinstance(utf16, int) else len(text) - 1
        # Chevrotain puts a token error on the token; a token may start with blanks
        # ([\t ]*title...), so step over them to the first visible character.
        while index < len(text) - 1 and text[index] in " \t" and error.get("kind") == "parser":
            index += 1
        positions.append((index, error.get("message", "")))
    if not positions:
        return Verdict(False, detail=str(record.get("error", "")))
    index, message = min(positions)
    line, column = line_column(raw, pre.mapped.original_offset(index))
    return Verdict(False, line=line, column=column, detail=message.split("\n")[0][:160])


_DB_ERROR = re.compile(
    r"is already in use|cannot be placed within itself|parent does not exist|parent is not a "
    r"group|does not yet exist|is modified to traverse|^align (row|column) |Invalid direction"
)


def validate_syntax_ok(record: dict[str, Any]) -> bool:
    """mermaid.parse's verdict on the syntax alone: a DB error means the syntax passed."""
    if record.get("ok"):
        return True
    error = str(record.get("error", ""))
    return record.get("errorType") == "TypeError" or bool(_DB_ERROR.search(error))


def _front_matter_error(record: dict[str, Any], raw: str) -> Verdict | None:
    """mermaid.parse's YAML error in the front matter, positioned in the file."""
    if not str(record.get("errorType", "")).startswith("YAMLException"):
        return None
    where = re.search(r"\((\d+):(\d+)\)", str(record.get("error", "")))
    first_line = line_column(raw, raw.index("---"))[0] if "---" in raw else 1
    if where is None:
        return Verdict(False, line=first_line + 1, detail="YAML error", yaml=True)
    line, column = int(where.group(1)), int(where.group(2))
    detail = str(record["error"]).split("\n")[0]
    return Verdict(False, line=first_line + line, column=column, detail=detail, yaml=True)


def run_oracle(
    oracle: Path, workdir: Path, texts: Sequence[str], use_validate: bool = True
) -> list[OracleResult]:
    """Runs parse.mjs on raw and preprocessed texts and validate.mjs on the raw texts."""
    raw_files, pre_files, pres = [], [], []
    for number, text in enumerate(texts):
        raw_path = workdir / f"case{number:05d}.mmd"
        pre_path = workdir / f"case{number:05d}.pre.mmd"
        pre = preprocess(text)
        raw_path.write_text(text, encoding="utf-8", newline="")
        pre_path.write_text(pre.mapped.text, encoding="utf-8", newline="")
        raw_files.append(raw_path)
        pre_files.append(pre_path)
        pres.append(pre)
    parsed = _node(oracle, "parse.mjs", [*pre_files, *raw_files])
    pre_records, raw_records = parsed[: len(texts)], parsed[len(texts) :]
    validated = _node(oracle, "validate.mjs", raw_files) if use_validate else []
    results = []
    for number, text in enumerate(texts):
        pre, record = pres[number], pre_records[number]
        if not pre.detected:
            verdict = Verdict(False, detail="not detected as an architecture diagram")
        elif record["ok"]:
            verdict = Verdict(True, ast=decode_entities(record["ast"]))
        else:
            verdict = _first_error(record, pre, text)
        validate_ok = validate_syntax_ok(validated[number]) if validated else None
        yaml_error = _front_matter_error(validated[number], text) if validated else None
        if yaml_error is not None:  # js-yaml is not emulated: take mermaid.parse's word
            verdict = yaml_error
        results.append(OracleResult(verdict, validate_ok, bool(raw_records[number]["ok"])))
    return results


# --------------------------------------------------------------------------------------
# archdsl's side: the model in the oracle's AST shape, and where its first error is.
# --------------------------------------------------------------------------------------


def _title(title: Any) -> str | None:
    return None if title is None else str(title.text)


def to_oracle_ast(diagram: Diagram) -> dict[str, Any]:
    """archdsl's model in parse.mjs's shape (absent values are None, last title wins)."""
    ast: dict[str, Any] = {"groups": [], "services": [], "junctions": [], "edges": []}
    alignments: list[dict[str, Any]] = []
    for statement in diagram.statements:
        if isinstance(statement, Group):
            ast["groups"].append(
                {
                    "id": statement.id,
                    "icon": statement.icon,
                    "title": _title(statement.title),
                    "in": statement.parent,
                }
            )
        elif isinstance(statement, Service):
            service: dict[str, Any] = {"id": statement.id, "icon": statement.icon}
            if statement.icon_text is not None:
                service["iconText"] = statement.icon_text
            service.update(title=_title(statement.title), **{"in": statement.parent})
            ast["services"].append(service)
        elif isinstance(statement, Junction):
            ast["junctions"].append({"id": statement.id, "in": statement.parent})
        elif isinstance(statement, Edge):
            ast["edges"].append(
                {
                    "lhsId": statement.lhs.id,
                    "lhsDir": statement.lhs.side,
                    "lhsInto": statement.lhs.arrow,
                    "lhsGroup": statement.lhs.group,
                    "rhsId": statement.rhs.id,
                    "rhsDir": statement.rhs.side,
                    "rhsInto": statement.rhs.arrow,
                    "rhsGroup": statement.rhs.group,
                    "title": _title(statement.title),
                }
            )
        elif isinstance(statement, Align):
            alignments.append({"direction": statement.axis, "members": list(statement.members)})
        elif isinstance(statement, TitleStatement):
            ast["title"] = statement.text
        elif isinstance(statement, AccTitle):
            ast["accTitle"] = statement.text
        elif isinstance(statement, AccDescr):
            ast["accDescr"] = statement.text
    if alignments:
        ast["alignments"] = alignments
    return ast


def _is_by_design_id(name: str) -> bool:
    return name[:1] in ("L", "R", "T", "B") or name.startswith("title") or name in KEYWORDS


def by_design_positions(diagram: Diagram) -> list[tuple[int, int, str]]:
    """Where archdsl accepts what Mermaid's lexer rejects: (line, column, code).

    A fallback for when the rules (AD004/AD005/AD212) do not report yet.
    """
    found: list[tuple[int, int, str]] = []

    def check(name: str | None, span: Any) -> None:
        if name is not None and _is_by_design_id(name):
            code = "AD004" if name[:1] in "LRTB" else "AD005"
            found.append((span.line, span.column, code))

    for statement in diagram.statements:
        if isinstance(statement, Group | Service | Junction):
            check(statement.id, statement.id_span)
            check(statement.parent, statement.parent_span)
        elif isinstance(statement, Edge):
            check(statement.lhs.id, statement.lhs.span)
            check(statement.rhs.id, statement.rhs.span)
        elif isinstance(statement, Align):
            for member, span in zip(statement.members, statement.member_spans, strict=True):
                check(member, span)
            if len(statement.members) < 2:
                last = statement.member_spans[-1] if statement.member_spans else statement.span
                found.append((last.end_line, last.end_column + 1, "AD212"))
    return sorted(found)


@dataclass
class ArchdslResult:
    verdict: Verdict
    codes: tuple[str, ...] = ()
    pending: bool = False
    """True when the verdict relied on the by-design fallback (rules not reporting)."""


def _errors(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(
        (d for d in diagnostics if d.severity is Severity.ERROR), key=lambda d: (d.line, d.column)
    )


def run_archdsl(text: str) -> ArchdslResult:
    document = api.parse(text)
    syntax = _errors(document.diagnostics)
    firsts: list[tuple[int, int, str, str]] = [
        (d.line, d.column, d.code, d.message) for d in syntax[:1]
    ]
    pending = False
    expected = by_design_positions(document.diagram) if document.diagram is not None else []
    if expected:
        line, column, code = expected[0]
        reported = [d for d in _rule_errors(text) or [] if d.line == line]
        if reported:
            firsts.append((line, reported[0].column, reported[0].code, reported[0].message))
        else:  # the rule does not report (yet): count the case apart
            pending = True
            firsts.append((line, column, code, "by design; no rule reported it"))
    if not firsts:
        assert document.diagram is not None
        return ArchdslResult(Verdict(True, ast=to_oracle_ast(document.diagram)))
    line, column, code, message = min(firsts)
    codes = tuple(d.code for d in syntax)
    by_rule = not syntax or (line, column) < (syntax[0].line, syntax[0].column)
    return ArchdslResult(
        Verdict(False, line=line, column=column, detail=f"{code} {message}"),
        codes,
        pending and by_rule,
    )


def _rule_errors(text: str) -> list[Diagnostic] | None:
    """The by-design rule errors from a full validate, or None if the rules cannot run."""
    try:
        document = api.validate(text)
    except Exception:  # the rules are written concurrently; missing modules are expected
        return None
    return [d for d in _errors(document.diagnostics) if d.code in BY_DESIGN_CODES]


# --------------------------------------------------------------------------------------
# Comparison.
# --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str  # agree | pending | harness | accept-mismatch | reject-mismatch | line | ast
    column_ok: bool | None = None
    explanation: str = ""


def compare(text: str, oracle: OracleResult, ours: ArchdslResult) -> Outcome:
    mermaid, mine = oracle.mermaid, ours.verdict
    if oracle.validate_ok is not None and oracle.validate_ok != mermaid.ok:
        return Outcome(
            "harness",
            explanation=(
                f"emulated mermaid.parse says ok={mermaid.ok}, validate.mjs says "
                f"ok={oracle.validate_ok}"
            ),
        )
    if mermaid.ok and not mine.ok:
        return Outcome(
            "accept-mismatch",
            explanation=(f"Mermaid accepts; archdsl: {mine.line}:{mine.column} {mine.detail}"),
        )
    if not mermaid.ok and mine.ok:
        return Outcome(
            "reject-mismatch",
            explanation=(
                f"Mermaid rejects at {mermaid.line}:{mermaid.column} ({mermaid.detail}); "
                "archdsl accepts"
            ),
        )
    if mermaid.ok:
        if mine.ast != mermaid.ast:
            return Outcome("ast", explanation=_ast_difference(mermaid.ast or {}, mine.ast or {}))
        return Outcome("agree")
    if mermaid.line is None:  # not detected: only the verdict (AD002) counts
        agrees = "AD002" in ours.codes
        return Outcome(
            "agree" if agrees else "line",
            explanation=(f"Mermaid: {mermaid.detail}; archdsl: {mine.detail}"),
        )
    if mermaid.yaml and "YAML" in mine.detail:
        # js-yaml and PyYAML stop at different places in a broken block: both say
        # the front matter is not YAML, which is what counts.
        return Outcome("agree", None)
    if mine.line != mermaid.line:
        return Outcome(
            "line",
            explanation=(
                f"Mermaid's first error {mermaid.line}:{mermaid.column} ({mermaid.detail}); "
                f"archdsl's {mine.line}:{mine.column} ({mine.detail})"
            ),
        )
    column_ok = mine.column == mermaid.column
    explanation = (
        ""
        if column_ok
        else (
            f"column: Mermaid {mermaid.column} ({mermaid.detail}); archdsl {mine.column} "
            f"({mine.detail})"
        )
    )
    return Outcome("pending" if ours.pending else "agree", column_ok, explanation)


def _ast_difference(expected: dict[str, Any], actual: dict[str, Any]) -> str:
    for key in sorted(set(expected) | set(actual)):
        left, right = expected.get(key), actual.get(key)
        if left == right:
            continue
        if isinstance(left, list) and isinstance(right, list):
            for number, (a, b) in enumerate(zip(left, right, strict=False)):
                if a != b:
                    return f"{key}[{number}]: Mermaid {a!r}, archdsl {b!r}"
            return f"{key}: Mermaid has {len(left)}, archdsl {len(right)}"
        return f"{key}: Mermaid {left!r}, archdsl {right!r}"
    return "?"


# --------------------------------------------------------------------------------------
# Generator: valid diagrams that use every statement form and lexical corner.
# --------------------------------------------------------------------------------------

PLAIN_IDS = (
    "api",
    "db",
    "web1",
    "cache_2",
    "x-y",
    "9lives",
    "a",
    "b",
    "c",
    "svc-a_b",
    "Api",
    "DB",
    "Xyz",
    "inbox",
    "groupware",
    "services",
    "junctions",
    "rowboat",
    "columnist",
    "alignment",
    "accTitle",
    "accDescr",
    "accTitleX",
    "_x",
    "0",
    "q-9-z",
    "ALB",
    "gw",
    "s3",
    "i",
)
BY_DESIGN_IDS = (
    "Redis",
    "Backend",
    "LoadBalancer",
    "Tomcat",
    "L",
    "R",
    "titleSvc",
    "title",
    "in",
    "group",
    "service",
    "junction",
    "row",
    "column",
    "align",
)
ICONS = (
    "cloud",
    "database",
    "disk",
    "internet",
    "server",
    "logos:aws-s3",
    "aws-lambda",
    "a:b:c",
    "x_y",
    "-",
    ":",
)
TITLE_CHARS = (
    "abcxyz ABC 0123 _"
    + " \t"
    + ".,;:!?/\\-()<>{}@#$^&*+=|~'\"%`"
    + "éü中文🚀"
    + "\u00a0\u3000\x85\u2028"
)
QUOTED_CHARS = "abc XYZ 09 _-.,;:!?/()<>{}@#$^&*+=|~%`[]éü中🚀" + "\t"
SIDES = "LRTB"


class Generator:
    """Random valid diagrams; every choice comes from ``rng`` (seeded)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.declared: list[str] = []
        self.groups: list[str] = []

    # ---- small pieces -------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def gap(self) -> str:
        """Optional blanks between tokens."""
        return self.rng.choice(("", "", " ", " ", "  ", "\t", " \t "))

    def space(self) -> str:
        """Required blanks between two word tokens."""
        return self.rng.choice((" ", " ", " ", "  ", "\t"))

    def ident(self) -> str:
        if self.declared and self.chance(0.5):
            return self.rng.choice(self.declared)
        name = self.rng.choice(PLAIN_IDS)
        if self.chance(0.4):
            name += str(self.rng.randint(0, 99))
        return name

    def new_id(self) -> str:
        name = (
            self.ident()
            if self.chance(0.3)
            else self.rng.choice(PLAIN_IDS) + str(len(self.declared))
        )
        self.declared.append(name)
        return name

    def text(self, chars: str, low: int = 1, high: int = 12) -> str:
        return "".join(self.rng.choice(chars) for _ in range(self.rng.randint(low, high)))

    def unquoted_title(self) -> str:
        body = self.text(TITLE_CHARS)
        if self.chance(0.1):
            body += " #amp; " + self.text("abc")
        # Avoid the words that trigger encodeEntities' style/classDef rewrite, and a
        # line separator before `%%` (a known difference: see the module notes).
        body = body.replace("style", "stile")
        if "\u2028" in body:
            body = body.replace("%%", "%")
        return "[" + body + "]"

    def quoted_body(self, quote: str) -> str:
        parts = []
        for _ in range(self.rng.randint(0, 6)):
            roll = self.rng.random()
            if roll < 0.15:
                parts.append("\\" + quote)
            elif roll < 0.22:
                parts.append("\\" + self.rng.choice("\"'\\ntx"))
            elif roll < 0.27:
                parts.append("\n" + self.rng.choice(("", "  ", "\t")))
            elif roll < 0.30:
                parts.append("x %% not a comment ")  # not at a line start: stays text
            elif roll < 0.32:  # a whole-line comment inside the quotes: Mermaid drops it
                parts.append("\n  %% dropped " + quote + "] line\n")
            else:
                parts.append(self.text(QUOTED_CHARS, 1, 6).replace(quote, ""))
        body = "".join(parts)
        return body[:-1] + "x" if body.endswith("\\") else body

    def quoted_title(self) -> str:
        quote = self.rng.choice("\"'")
        inner = quote + self.quoted_body(quote) + quote
        if self.chance(0.15) and not any(c in inner for c in "[]\n"):
            # Blanks around the quotes: valid only through the unquoted form (11.17).
            inner = self.rng.choice((" ", "  ", "\t")) + inner + self.rng.choice(("", " "))
        return "[" + inner + "]"

    def title(self) -> str:
        return self.quoted_title() if self.chance(0.4) else self.unquoted_title()

    def icon(self) -> str:
        return "(" + self.rng.choice(ICONS) + ")"

    def text_icon(self) -> str:
        quote = self.rng.choice("\"'")
        return quote + self.quoted_body(quote) + quote

    def parent(self) -> str:
        target = self.rng.choice(self.groups) if self.groups and self.chance(0.8) else self.ident()
        return self.space() + "in" + self.space() + target

    def line_text(self) -> str:
        """Free text for title/accTitle/accDescr lines (no line breaks)."""
        return self.text(TITLE_CHARS.replace("\u2028", "").replace("\x85", "") + "[]", 0, 20)

    # ---- statements -----------------------------------------------------------------
    def group(self) -> str:
        name = self.new_id()
        out = "group" + self.space() + name
        if self.chance(0.6):
            out += self.gap() + self.icon()
        if self.chance(0.6):
            out += self.gap() + self.title()
        if self.groups and self.chance(0.3):
            out += self.parent()
        self.groups.append(name)
        return out

    def service(self) -> str:
        out = "service" + self.space() + self.new_id()
        roll = self.rng.random()
        if roll < 0.5:
            out += self.gap() + self.icon()
        elif roll < 0.65:
            out += self.gap() + self.text_icon()
        if self.chance(0.6):
            out += self.gap() + self.title()
        if self.chance(0.4):
            out += self.parent()
        return out

    def junction(self) -> str:
        out = "junction" + self.space() + self.new_id()
        return out + self.parent() if self.chance(0.4) else out

    def end(self, left: bool = False) -> str:
        """An edge end's id, perhaps with `{group}` (never after `accDescr`: that is a block)."""
        name = self.ident()
        while left and name in ("accTitle", "accDescr"):  # `accTitle:...` is a statement
            name = self.ident()
        if self.chance(0.15) and not name.startswith("accDescr"):
            name += self.gap() + "{group}"
        return name

    def edge(self) -> str:
        g = self.gap
        lhs, rhs = self.end(left=True), self.end()
        arrow = "--" if self.chance(0.6) else "-" + g() + self.title() + g() + "-"
        # Either arrowhead character works on either end (Mermaid's ARROW_INTO).
        left = self.rng.choice("<<<>") + g() if self.chance(0.3) else ""
        right = g() + self.rng.choice(">>><") if self.chance(0.4) else ""
        return (
            lhs
            + g()
            + ":"
            + g()
            + self.rng.choice(SIDES)
            + g()
            + left
            + arrow
            + right
            + g()
            + self.rng.choice(SIDES)
            + g()
            + ":"
            + g()
            + rhs
        )

    def align(self) -> str:
        members = [self.ident() for _ in range(self.rng.randint(2, 4))]
        axis = self.rng.choice(("row", "column"))
        return "align" + self.space() + axis + "".join(self.space() + m for m in members)

    def meta(self) -> str:
        roll = self.rng.random()
        if roll < 0.3:
            return "title" + (self.space() + self.line_text() if self.chance(0.9) else "")
        if roll < 0.55:
            return "accTitle" + self.gap() + ":" + self.line_text()
        if roll < 0.75:
            return "accDescr" + self.gap() + ":" + self.line_text()
        lines = [
            self.gap() + self.line_text().replace("}", "").replace("{", "")
            for _ in range(self.rng.randint(0, 4))
        ]
        if self.chance(0.3):  # mermaid.parse drops whole-line comments, even in here
            lines.insert(self.rng.randint(1, len(lines) + 1), self.gap() + "%% hidden } line")
        if lines and "%%" in lines[0]:
            lines.insert(0, "")
        opener = "accDescr" + self.rng.choice(("", " ", "\n", " \n  ")) + "{"
        # After a comment line the brace needs a line of its own (or the comment has it).
        closer = "\n}" if lines and "%%" in lines[-1] else self.rng.choice(("}", "\n}"))
        return opener + "\n".join(lines) + closer

    def comment(self) -> str:
        # Not "%%{": that would be a (possibly unterminated) directive.
        body = self.text(TITLE_CHARS.replace("\u2028", "").replace("\x85", "") + "[]", 0, 15)
        return "%%" + body.lstrip("{")

    def directive(self) -> str:
        return self.rng.choice(
            (
                '%%{init: {"theme": "dark"}}%%',
                "%%{init: {'architecture': {'padding': 20}}}%%",
                "%%{wrap}%%",
                '%%{init: {\n  "theme": "forest"\n}}%%',
            )
        )

    def statement(self) -> str:
        kinds: list[tuple[float, Callable[[], str]]] = [
            (0.12, self.group),
            (0.3, self.service),
            (0.06, self.junction),
            (0.3, self.edge),
            (0.06, self.align),
            (0.1, self.meta),
            (0.06, self.comment),
        ]
        roll, total = self.rng.random(), 0.0
        for weight, make in kinds:
            total += weight
            if roll < total:
                return make()
        return self.service()

    # ---- whole diagrams -------------------------------------------------------------
    def preamble(self) -> str:
        out = ""
        if self.chance(0.05):
            out += "\ufeff"
        if self.chance(0.15):
            out += "---\nconfig:\n  theme: dark\n  architecture:\n    padding: 30\n---\n"
        for _ in range(self.rng.choice((0, 0, 0, 1, 2))):
            out += self.rng.choice(("\n", "  \n", self.comment() + "\n", self.directive() + "\n"))
        return out + self.rng.choice(("", "", "", "  ", "\t"))

    def diagram(self) -> str:
        self.declared, self.groups = [], []
        lines = [self.preamble() + "architecture-beta"]
        if self.chance(0.1):
            lines[0] += self.space() + self.statement()
        elif self.chance(0.1):
            lines[0] += self.gap() + self.comment()
        for _ in range(self.rng.randint(0, 14)):
            indent = self.rng.choice(("", "", "    ", "  ", "\t"))
            line = indent + self.statement()
            if self.chance(0.1) and not line.lstrip().startswith(("%%", "accDescr")):
                line += self.gap() + self.comment()
            elif self.chance(0.1):
                line += self.rng.choice((" ", "\t", "  "))
            lines.append(line)
            if self.chance(0.08):
                lines.append(
                    self.rng.choice(
                        (
                            "",
                            "   ",
                            "\t",
                            self.directive(),
                            "%%{}%%",
                            "---\nnot: parsed\n---",
                        )
                    )
                )
        text = "\n".join(lines) + self.rng.choice(("\n", "\n", "", "\n\n"))
        roll = self.rng.random()
        if roll < 0.15:
            text = text.replace("\n", "\r\n")
        elif roll < 0.18:
            text = text.replace("\n", "\r")  # classic Mac: mermaid.parse reads CR as LF
        return text


# --------------------------------------------------------------------------------------
# Mutator: the mistakes people make, and random damage.
# --------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s+|%%[^\n]*|\[[^\]\n]*\]|\([^)\n]*\)|"[^"\n]*"|'[^'\n]*'|[A-Za-z0-9_][A-Za-z0-9_-]*|."""
)
PUNCTUATION = ";,.-:<>[](){}\"'|&*#!?/\\%=+`~@$^"


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _solid(tokens: list[str]) -> list[int]:
    return [n for n, t in enumerate(tokens) if not t.isspace()]


class Mutator:
    """Applies one to three random mutations to a valid diagram."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.operations: list[Callable[[str], str]] = [
            self.delete_token,
            self.duplicate_token,
            self.swap_tokens,
            self.single_arrow,
            self.semicolon,
            self.lowercase_side,
            self.drop_side,
            self.unterminate,
            self.punctuation,
            self.truncate,
            self.by_design_id,
            self.join_lines,
            self.split_line,
            self.triple_dash,
            self.space_in_icon,
            self.drop_header,
            self.one_member_align,
            self.quote_mess,
        ]

    def mutate(self, text: str) -> str:
        for _ in range(self.rng.choice((1, 1, 1, 2, 3))):
            text = self.rng.choice(self.operations)(text)
        return text

    def _pick(self, tokens: list[str]) -> int | None:
        solid = _solid(tokens)
        # Keep the header most of the time: otherwise nearly every case is "no header".
        body = [n for n in solid if tokens[n] != "architecture-beta"] or solid
        return self.rng.choice(body) if body else None

    def delete_token(self, text: str) -> str:
        tokens = _tokens(text)
        n = self._pick(tokens)
        if n is not None:
            tokens[n] = ""
        return "".join(tokens)

    def duplicate_token(self, text: str) -> str:
        tokens = _tokens(text)
        n = self._pick(tokens)
        if n is not None:
            tokens[n] = tokens[n] + self.rng.choice(("", " ")) + tokens[n]
        return "".join(tokens)

    def swap_tokens(self, text: str) -> str:
        tokens = _tokens(text)
        solid = _solid(tokens)
        if len(solid) > 2:
            k = self.rng.randrange(1, len(solid) - 1)
            a, b = solid[k], solid[k + 1]
            tokens[a], tokens[b] = tokens[b], tokens[a]
        return "".join(tokens)

    def _replace_one(
        self, text: str, pattern: str, repl: str | Callable[[re.Match[str]], str]
    ) -> str:
        matches = list(re.finditer(pattern, text))
        if not matches:
            return self.punctuation(text)
        match = self.rng.choice(matches)
        new = repl if isinstance(repl, str) else repl(match)
        return text[: match.start()] + new + text[match.end() :]

    def single_arrow(self, text: str) -> str:
        return self._replace_one(
            text, r"<?--?>?", lambda _: self.rng.choice(("->", "<-", "-", ">"))
        )

    def triple_dash(self, text: str) -> str:
        return self._replace_one(
            text, r"--", lambda _: self.rng.choice(("---", "--->", "..", "=="))
        )

    def semicolon(self, text: str) -> str:
        return self._replace_one(text, r"\n", lambda _: self.rng.choice((";", ";\n", " ; ")))

    def lowercase_side(self, text: str) -> str:
        return self._replace_one(
            text, r"(?<=:)\s*[LRTB]|[LRTB](?=\s*:)", lambda m: m.group(0).lower()
        )

    def drop_side(self, text: str) -> str:
        return self._replace_one(text, r":\s*[LRTB]|[LRTB]\s*:", "")

    def unterminate(self, text: str) -> str:
        return self._replace_one(text, r"[\])\"'}]", "")

    def quote_mess(self, text: str) -> str:
        return self._replace_one(text, r"\[|\]", lambda m: m.group(0) + self.rng.choice("\"' ["))

    def space_in_icon(self, text: str) -> str:
        return self._replace_one(text, r"\(([^)\n]*)\)", lambda m: "(" + m.group(1) + " x)")

    def punctuation(self, text: str) -> str:
        if not text:
            return text
        at = self.rng.randrange(len(text) + 1)
        return text[:at] + self.rng.choice(PUNCTUATION) + text[at:]

    def truncate(self, text: str) -> str:
        return text[: self.rng.randrange(len(text) + 1)] if text else text

    def by_design_id(self, text: str) -> str:
        return self._replace_one(
            text,
            r"(?<=service )[a-z0-9_]+|(?<=in )\w+|(?<=:)\w+(?=\s*$)",
            lambda _: self.rng.choice(BY_DESIGN_IDS),
        )

    def one_member_align(self, text: str) -> str:
        return text.rstrip("\n") + "\nalign " + self.rng.choice(("row", "column")) + " a\n"

    def inject_preprocessed(self, text: str) -> str:
        """Text that mermaid.parse rewrites before lexing, anywhere (even inside a title)."""
        snippet = self.rng.choice(
            (
                '%%{init: {"a": 1}}%%',
                "%%{init: {",
                "%%{wrap}%%",
                "%%{}%%",
                "\n---\n",
                "---",
                "\n%% c\n",
                '\n  %% } "] \n',
                '<b x="y">',
                "\r",
                "#amp;",
                "%%{a b",
            )
        )
        at = self.rng.randrange(len(text) + 1) if text else 0
        return text[:at] + snippet + text[at:]

    def join_lines(self, text: str) -> str:
        return self._replace_one(text, r"\r?\n(?=[^\n])", " ")

    def split_line(self, text: str) -> str:
        return self._replace_one(text, r"[ \t]", "\n")

    def drop_header(self, text: str) -> str:
        return text.replace(
            "architecture-beta",
            self.rng.choice(("architecture", "architecture-Beta", "", "architecture-beta-x")),
            1,
        )


# --------------------------------------------------------------------------------------
# Minimising a disagreement (line, then token deletion, batched per round).
# --------------------------------------------------------------------------------------


def _evaluate(oracle: Path, texts: Sequence[str], use_validate: bool = True) -> list[Outcome]:
    with tempfile.TemporaryDirectory(prefix="oracle-min-") as tmp:
        results = run_oracle(oracle, Path(tmp), texts, use_validate)
    return [compare(t, r, run_archdsl(t)) for t, r in zip(texts, results, strict=True)]


def _candidates(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    out = ["".join(lines[:n] + lines[n + 1 :]) for n in range(len(lines))] if len(lines) > 1 else []
    tokens = _tokens(text)
    out += ["".join(tokens[:n] + tokens[n + 1 :]) for n in _solid(tokens)]
    return [c for c in out if c != text]


def minimise(oracle: Path, texts: list[str], kinds: list[str], rounds: int = 40) -> list[str]:
    """Greedy one-piece-at-a-time deletion while each case keeps its disagreement kind."""
    texts = list(texts)
    active = set(range(len(texts)))
    for _ in range(rounds):
        batch: list[tuple[int, str]] = []
        for number in sorted(active):
            batch += [(number, c) for c in _candidates(texts[number])]
        if not batch:
            break
        outcomes = _evaluate(oracle, [c for _, c in batch], use_validate=False)
        improved: set[int] = set()
        for (number, candidate), outcome in zip(batch, outcomes, strict=True):
            if number not in improved and outcome.kind == kinds[number]:
                texts[number] = candidate
                improved.add(number)
        active &= improved
        if not active:
            break
    return texts


# --------------------------------------------------------------------------------------
# Main.
# --------------------------------------------------------------------------------------


@dataclass
class Case:
    origin: str  # "generated" | "mutated"
    text: str
    outcome: Outcome = field(default_factory=lambda: Outcome("?"))
    mermaid_ok: bool = False


def make_cases(count: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    generator, mutator = Generator(rng), Mutator(rng)
    generated = [generator.diagram() for _ in range(count)]
    mutated = [mutator.mutate(rng.choice(generated)) for _ in range(count)] if generated else []
    return [Case("generated", t) for t in generated] + [Case("mutated", t) for t in mutated]


def _show(text: str) -> str:
    return "\n".join(
        f"      {n:>3} | {line!r}" for n, line in enumerate(_LINE_BREAK.split(text), 1)
    )


def report(cases: list[Case], shown: list[tuple[Case, str]], show_columns: int) -> None:
    for origin in ("generated", "mutated"):
        group = [c for c in cases if c.origin == origin]
        kinds = Counter(c.outcome.kind for c in group)
        rejects = sum(not c.mermaid_ok for c in group)
        print(
            f"{origin:>9}: {len(group):5d} cases, Mermaid rejects {rejects:5d}; "
            + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        )
    kinds = Counter(c.outcome.kind for c in cases)
    agree = kinds.pop("agree", 0)
    pending, harness = kinds.pop("pending", 0), kinds.pop("harness", 0)
    disagree = sum(kinds.values())
    line_ok = [c for c in cases if c.outcome.column_ok is not None]
    print(
        f"columns: {sum(bool(c.outcome.column_ok) for c in line_ok)} of {len(line_ok)} "
        "rejects with the right line also have the right column"
    )
    if pending:
        print(
            f"{pending} by-design cases (archdsl accepts, a rule must report): the rules "
            "do not report them yet, counted apart"
        )
    if harness:
        print(
            f"{harness} cases where the preprocessing emulation and validate.mjs differ "
            "(a harness problem, counted apart)"
        )
    print(f"\n{agree} agree, {disagree} disagree")
    for case, text in shown:
        print(f"\n  [{case.outcome.kind}] ({case.origin}) {case.outcome.explanation}")
        print(_show(text))
    columns = _one_per_explanation([c for c in line_ok if not c.outcome.column_ok])[:show_columns]
    for case in columns:
        print(f"\n  [column] {case.outcome.explanation}")
        print(_show(case.text))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--count",
        type=int,
        default=500,
        help="generated diagrams; as many mutated copies are added (default 500)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--oracle",
        type=Path,
        default=DEFAULT_ORACLE,
        help="the Mermaid oracle folder (default: $ARCHDSL_ORACLE or /tmp/mermaid-oracle)",
    )
    parser.add_argument("--show", type=int, default=8, help="disagreements to print (minimised)")
    parser.add_argument("--columns", type=int, default=3, help="column mismatches to print")
    parser.add_argument("--no-minimise", action="store_true", help="print disagreements as found")
    parser.add_argument("--keep", type=Path, help="also write every case to this folder")
    args = parser.parse_args(argv)
    if shutil.which("node") is None or not (args.oracle / "parse.mjs").is_file():
        print(f"needs node and the Mermaid oracle in {args.oracle}", file=sys.stderr)
        return 2

    cases = make_cases(args.count, args.seed)
    with tempfile.TemporaryDirectory(prefix="oracle-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        results = run_oracle(args.oracle, workdir, [c.text for c in cases])
    for case, result in zip(cases, results, strict=True):
        case.mermaid_ok = result.mermaid.ok
        case.outcome = compare(case.text, result, run_archdsl(case.text))

    bad = [c for c in cases if c.outcome.kind not in {"agree", "pending"}]
    first = _one_per_explanation(bad)[: args.show]
    texts = [c.text for c in first]
    if first and not args.no_minimise:
        texts = minimise(args.oracle, texts, [c.outcome.kind for c in first])
    report(cases, list(zip(first, texts, strict=True)), args.columns)
    return 1 if bad else 0


def _one_per_explanation(cases: list[Case]) -> list[Case]:
    """Disagreements with distinct shapes first (explanations with digits masked)."""
    seen: set[str] = set()
    distinct: list[Case] = []
    rest: list[Case] = []
    for case in cases:
        key = (
            case.outcome.kind
            + re.sub(r"\d+|'[^']*'|\"[^\"]*\"", "#", case.outcome.explanation)[:60]
        )
        (rest if key in seen else distinct).append(case)
        seen.add(key)
    return distinct + rest


if __name__ == "__main__":
    sys.exit(main())
