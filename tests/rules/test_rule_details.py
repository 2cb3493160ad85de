"""Details the case files do not show: messages, fixes, related positions, spans of
tokens the model does not keep, code-built diagrams and version targeting."""

from __future__ import annotations

from archdsl.api import validate
from archdsl.diagnostics import Diagnostic, Span
from archdsl.explain import describe
from archdsl.model import NO_SPAN, Align, Diagram, Edge, EdgeEnd, Group, Service, Title
from archdsl.rules import CheckContext, CheckOptions, all_rules
from archdsl.rules.lexical import edge_title_span, group_modifier_span, targets_before


def _findings(text: str, version: tuple[int, ...] | None = None) -> list[Diagnostic]:
    document = validate(text, options=CheckOptions(mermaid_version=version))
    return [d for d in document.diagnostics if d.code.startswith("AD")]


def _one(text: str, code: str, version: tuple[int, ...] | None = None) -> Diagnostic:
    found = [d for d in _findings(text, version) if d.code == code]
    assert len(found) == 1, found
    return found[0]


def test_targets_before() -> None:
    def context(version: tuple[int, ...] | None) -> CheckContext:
        return CheckContext(Diagram(), CheckOptions(mermaid_version=version))

    assert not targets_before(context(None), (11, 17))
    assert targets_before(context((11,)), (11, 17))
    assert targets_before(context((11, 16, 9)), (11, 17))
    assert not targets_before(context((11, 17)), (11, 17))
    assert not targets_before(context((11, 17, 0)), (11, 17))
    assert not targets_before(context((12,)), (11, 17))


def test_token_spans_the_model_does_not_keep() -> None:
    text = (
        "architecture-beta\n    service a\n    service b\n"
        '    a {group}:R -["multi\nline"]- L:b {group}\n'
    )
    document = validate(text)
    assert document.diagram is not None
    (edge,) = document.diagram.edges
    context = CheckContext(document.diagram, CheckOptions(), text)
    assert edge_title_span(context, edge) == Span(4, 18, 5, 6)
    assert group_modifier_span(context, edge, edge.lhs) == Span(4, 7, 4, 13)
    assert group_modifier_span(context, edge, edge.rhs) == Span(5, 13, 5, 19)


def test_code_built_diagrams_are_checked_without_spans() -> None:
    diagram = Diagram(
        statements=(
            Group(id="Backend", parent="row"),
            Service(id="api", parent="nowhere", title=Title(text="a.b")),
            Service(id="api"),
            Edge(lhs=EdgeEnd(id="api", side="R", group=True), rhs=EdgeEnd(id="api", side="R")),
            Edge(
                lhs=EdgeEnd(id="api", side="R"),
                rhs=EdgeEnd(id="Backend", side="L"),
                title=Title(text="x/y"),
            ),
            Align(axis="row", members=("api",)),
        )
    )
    context = CheckContext(diagram, CheckOptions(mermaid_version=(11, 12)))
    found = {
        code
        for code, registered in all_rules().items()
        if code.startswith("AD") and list(registered.check(context))
    }
    assert {"AD003", "AD004", "AD005", "AD101", "AD102", "AD202", "AD205", "AD214"} <= found
    problems = [
        p for r in all_rules().values() if r.code.startswith("AD") for p in r.check(context)
    ]
    assert all(p.span == NO_SPAN for p in problems)


def test_side_letter_fix_avoids_taken_names() -> None:
    finding = _one("architecture-beta\n    service Redis\n    service redis\n", "AD004")
    assert finding.help is not None and "`_Redis`" in finding.help


def test_unknown_endpoint_suggests_a_close_id() -> None:
    finding = _one(
        "architecture-beta\n    service database\n    database:R -- L:databse\n", "AD201"
    )
    assert finding.help == "did you mean `database`?"


def test_duplicate_points_at_the_kept_declaration() -> None:
    finding = _one("architecture-beta\n    service data\n    group data\n", "AD101")
    assert finding.span.line == 2
    assert [r.span.line for r in finding.related] == [3]
    assert "registers groups, then services" in finding.message


def test_overlap_names_both_nodes_and_edges() -> None:
    text = (
        "architecture-beta\n    service a\n    service b\n    service hub\n"
        "    a:R --> L:hub\n    b:R --> L:hub\n"
    )
    finding = _one(text, "AD209")
    assert "`b` on top of `a`" in finding.message
    assert "`b:R -- L:hub` (line 6)" in finding.message
    assert [r.span.line for r in finding.related] == [2, 3]
    hint = _one(text, "AD213")
    assert hint.span == Span(5, 13, 5, 13)  # the `L` side of the edge from `a`, at `hub`


def test_contradiction_lists_the_other_edges() -> None:
    text = (
        "architecture-beta\n    service a\n    service b\n    service c\n"
        "    a:R --> L:b\n    b:R --> L:c\n    c:R --> L:a\n"
    )
    finding = _one(text, "AD210")
    assert finding.span.line == 7
    assert "the edges on lines 5, 6 put `a` left of `c`" in finding.message
    assert [r.span.line for r in finding.related] == [5, 6]


def test_unconnected_node_is_not_blamed_for_a_typo() -> None:
    text = "architecture-beta\n    service api\n    service database\n    api:R -- L:databse\n"
    assert [d.code for d in _findings(text)] == ["AD201"]


def test_version_targeting_changes_only_version_codes() -> None:
    text = (
        'architecture-beta\n    service a["x.y"]\n    service b[c.d]\n'
        "    a:R -- L:b\n    align row a b\n"
    )
    assert _findings(text) == []
    assert sorted(d.code for d in _findings(text, (11, 16))) == ["AD003"]
    assert sorted(d.code for d in _findings(text, (11, 14))) == ["AD003", "AD214"]
    assert sorted(d.code for d in _findings(text, (11, 12))) == ["AD003", "AD003", "AD214"]


def test_every_rule_explains_itself() -> None:
    summary, doc = describe("AD209")
    assert summary.startswith("Mermaid would draw two nodes on the same spot")
    assert "mermaid#6120" in doc and "Bad:" in doc and "Good:" in doc
