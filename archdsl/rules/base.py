"""The rule framework: what a rule is, what it sees, what it yields.

A rule is a small generator function registered with :func:`rule`. It receives
a :class:`CheckContext` and yields :class:`Problem` values: a span, a message,
and optionally a fix (``help``) and related positions. The runner, not the
rule, stamps the code and the configured severity (as yamllint does). The
rule's docstring is its documentation: ``archdsl validate --explain CODE``
prints it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from archdsl.diagnostics import Related, Severity, Span
from archdsl.model import Diagram

if TYPE_CHECKING:
    from archdsl.graph import DiagramGraph


# Records as NamedTuples, not dataclasses (start-up cost: see :mod:`archdsl.diagnostics`).


class Problem(NamedTuple):
    """What a rule found, before the runner stamps code and severity."""

    span: Span
    message: str
    help: str | None = None
    related: tuple[Related, ...] = ()


class CheckOptions(NamedTuple):
    """Settings that change what rules see (from config and the command line)."""

    mermaid_version: tuple[int, ...] | None = None
    """Target Mermaid version; ``None`` means the newest (11.17)."""
    icon_packs: tuple[Path, ...] = ()
    """Iconify JSON files given with ``--icon-pack`` or the ``icon-packs`` key."""
    base_dir: Path | None = None
    """The diagram's folder, where ``node_modules/@iconify-json`` is looked up from."""


class CheckContext:
    """Everything a rule may look at. Expensive views are built once, on demand."""

    # No ``__slots__``: the cached properties below live in the instance's ``__dict__``.
    diagram: Diagram
    options: CheckOptions
    source: str

    def __init__(
        self, diagram: Diagram, options: CheckOptions | None = None, source: str = ""
    ) -> None:
        self.diagram = diagram
        self.options = CheckOptions() if options is None else options
        self.source = source

    def __repr__(self) -> str:
        return (
            f"CheckContext(diagram={self.diagram!r}, options={self.options!r}, "
            f"source={self.source!r})"
        )

    @cached_property
    def graph(self) -> DiagramGraph:
        from archdsl.graph import DiagramGraph

        return DiagramGraph(self.diagram)

    @cached_property
    def cache(self) -> dict[str, Any]:
        """Scratch space shared by the rules of one run (e.g. a placement simulation)."""
        return {}


RuleCheck = Callable[[CheckContext], Iterable[Problem]]


class Rule(NamedTuple):
    """A registered rule: its code, name, default severity and check function."""

    code: str
    name: str
    severity: Severity
    check: RuleCheck

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0]


REGISTRY: dict[str, Rule] = {}


def rule(code: str, name: str, severity: Severity) -> Callable[[RuleCheck], RuleCheck]:
    """Register ``check`` under ``code``; one code per rule, once."""

    def register(check: RuleCheck) -> RuleCheck:
        if code in REGISTRY:
            raise ValueError(f"rule code {code} registered twice")
        REGISTRY[code] = Rule(code, name, severity, check)
        return check

    return register


def run_checks(context: CheckContext, rules: Iterable[Rule]) -> Iterator[tuple[Rule, Problem]]:
    for registered in rules:
        for problem in registered.check(context):
            yield registered, problem
