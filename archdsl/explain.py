"""Documentation of every code, for ``--explain`` and SARIF rule descriptions.

Rule codes are documented by their rule's docstring. Codes the parser and the
file reader report have their documentation here, in the same shape.
"""

from __future__ import annotations

import inspect

PARSER_CODES: dict[str, str] = {
    "AD001": """Syntax error: an unexpected token or character.

    Mermaid would refuse the diagram ("Parse error on line …"), usually without
    saying what it wanted. archdsl says what it found, what it expected there, and
    recognises common mistakes: `->` instead of `-->`, lowercase sides (`a:r`),
    missing sides (`a -- b`), three dashes, `;` between statements, a title before
    the icon, `in group` not last, a junction with a title.

    Bad:   a:R -> L:b
    Good:  a:R --> L:b
    """,
    "AD002": """Missing or misspelt `architecture-beta` header.

    Mermaid picks the diagram kind from the first word. `architecture` alone is
    detected as this diagram but then rejected; anything else is another kind of
    diagram, which archdsl does not check.

    Bad:   architecture
    Good:  architecture-beta
    """,
    "AD006": """More than one statement on a line.

    Mermaid ends every statement at a line break; there is no separator.

    Bad:   service a(server) service b(server)
    Good:  service a(server)
           service b(server)
    """,
    "AD007": """Unterminated title, icon or string.

    A `[`, `(`, `"` or `'` has no closing partner on its line, so Mermaid's lexer
    stops there.

    Bad:   service api(server)[API Gateway
    Good:  service api(server)[API Gateway]
    """,
    "AD900": """The file or folder cannot be read.

    It does not exist, permissions forbid reading it, or it is a broken link.
    The exit code is 2.
    """,
    "AD901": """The file is not UTF-8 text.

    Diagrams are UTF-8 text files; a binary file, a file with NUL bytes or
    another encoding cannot be checked. The exit code is 2.
    """,
}


def describe(code: str) -> tuple[str, str]:
    """``(one-line summary, full documentation)``; empty strings for an unknown code."""
    code = code.upper()
    if code in PARSER_CODES:
        doc = inspect.cleandoc(PARSER_CODES[code])
        return doc.split("\n", 1)[0], doc
    from archdsl.rules import all_rules

    rule = all_rules().get(code)
    if rule is None:
        return "", ""
    return rule.summary, rule.doc


def known_codes() -> list[str]:
    from archdsl.rules import all_rules

    return sorted(set(PARSER_CODES) | set(all_rules()))
