"""The checks: one small documented rule per code, registered in one place.

Adding a rule: write a generator decorated with :func:`~archdsl.rules.base.rule`
in a module of this package (or a new one listed in :data:`RULE_MODULES`), add
a case under ``tests/rules/cases/``. ``tests/rules/test_registry.py`` fails when
a documented code has no rule or a rule has no test case.
"""

from __future__ import annotations

import importlib

from archdsl.rules.base import REGISTRY, CheckContext, CheckOptions, Problem, Rule, rule

RULE_MODULES = (
    "archdsl.rules.lexical",
    "archdsl.rules.structure",
    "archdsl.rules.edges",
    "archdsl.rules.placement",
    "archdsl.rules.aws_icons",
    "archdsl.rules.aws_integrations",
    "archdsl.rules.aws_export",
)

__all__ = ["RULE_MODULES", "CheckContext", "CheckOptions", "Problem", "Rule", "all_rules", "rule"]


def all_rules() -> dict[str, Rule]:
    """Every registered rule by code (imports the rule modules once)."""
    for module in RULE_MODULES:
        importlib.import_module(module)
    return dict(sorted(REGISTRY.items()))
