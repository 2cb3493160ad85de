"""Regression tests for what the fuzzing and the hostile inputs found.

Each test names the input that failed and what went wrong.
"""

from __future__ import annotations

import itertools
import random
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

import archdsl.emit.mermaid
import archdsl.layout.channels
import archdsl.layout.route
from archdsl.api import format as format_text
from archdsl.api import validate
from archdsl.diagnostics import Diagnostic, Severity, Span
from archdsl.emit.svg import _scoped_ids
from archdsl.icons import sanitize_svg_body
from archdsl.layout import layout
from archdsl.report import ReportInput, format_github
from archdsl.report import format_text as report_text
from tests.hardening.checks import assert_span_inside, check_format_if_accepted
from tests.hardening.helpers import cli, snapshot
from tests.hardening.mutations import line_positions

# -- the formatter --------------------------------------------------------------------------


def test_directive_inside_a_statement_keeps_its_place_among_the_comments() -> None:
    # fmt moved `%%{i}%%` after the statement, so it changed places with the trailing `%%`.
    text = "architecture-beta V%%{i}%%:L--T:S%%"
    assert check_format_if_accepted(text) == "architecture-beta\n    %%{i}%%\n    V:L -- T:S %%\n"


def test_acc_descr_block_with_a_bare_comment_mark_formats() -> None:
    # A line of just `%%` is text to Mermaid (its comment pattern needs a character after
    # the `%%`); fmt refused it with an UnformattableError that crashed `archdsl fmt`.
    text = "architecture-beta\n    accDescr {\n        one\n        %%\n    }\n"
    assert check_format_if_accepted(text) == text


def test_an_unclosed_directive_followed_by_blanks_formats_stably() -> None:
    # scripts/fuzz_long.py found it: the unclosed `%%{` takes the rest of the file, the
    # comment kept the line break and tab after it, and fmt's output parsed differently.
    text = "architecture-beta%%{i\n\t"
    assert check_format_if_accepted(text) == "architecture-beta %%{i\n"


@pytest.mark.parametrize("label", ["['\\\\'']", "['a\\\\'']", '["\\\\""]', "['\\\\\\\\'']"])
def test_a_quoted_title_whose_backslashes_end_the_string_early_keeps_its_quotes(
    label: str,
) -> None:
    # scripts/fuzz_long.py found it (session 3): `['\\'']` lexes as an unquoted title
    # that still reads as single-quoted (value `\'`); fmt knew no single-quoted spelling
    # for that value and wrote `["\\'"]`, same text but another quote style.
    text = f"architecture-beta\n    group z(cloud){label}\n"
    before = validate(text).diagram
    assert before is not None
    assert check_format_if_accepted(text) == text
    after = validate(format_text(text)).diagram
    assert after is not None and after.groups[0].title == before.groups[0].title


def test_comments_that_share_a_line_before_the_header_stay_on_it() -> None:
    # scripts/fuzz_long.py found it (session 5, seed 909): `%%{i{` is a directive left open,
    # cut short by the U+2028 after it (Mermaid agrees: the file is valid). fmt wrote the
    # two comments on two lines, and over a line feed the open directive ran on and took
    # the header with it (Mermaid: "No diagram type detected").
    text = "%%{i{\u2028%%\narchitecture-beta"
    assert check_format_if_accepted(text) == "%%{i{\u2028%%\narchitecture-beta\n"
    # Comments on one line after a closed directive keep their space, in the body too.
    text = "%%{init: {}}%% %% a\narchitecture-beta\n    %% b\u2028%% c\n    service s(server)[S]\n"
    assert check_format_if_accepted(text) == text


def test_a_form_feed_in_a_directive_stays_as_json_parse_sees_it() -> None:
    # scripts/fuzz_long.py found it (session 3): JSON.parse refuses a form feed, so Mermaid
    # ignores this directive; fmt trimmed it off the line end and the theme became set.
    text = "architecture-beta%%{init{\x0c\n'theme':''}}%%"
    assert check_format_if_accepted(text) == "architecture-beta %%{init{\x0c\n'theme':''}}%%\n"
    document = validate(text)
    assert document.diagram is not None and document.diagram.theme is None


def test_a_quoted_title_whose_last_line_is_a_comment_mark_formats() -> None:
    # scripts/fuzz_long.py found it (session 3): the title's last line is `%%`; written
    # as `%%']` it would be a comment Mermaid deletes, and fmt gave up. A line break before
    # the closing quote keeps it text.
    text = "architecture-beta\n    service a(server)['one\n    %%\n']\n"
    assert check_format_if_accepted(text) == text


def test_a_directive_with_a_tab_reads_as_mermaid_reads_it() -> None:
    # scripts/fuzz_long.py found it: PyYAML refused the tab, so the theme was unset, and
    # after fmt (which drops the tab) it was set. Mermaid reads directives with
    # JSON.parse, which takes the tab: the theme is set either way.
    text = "architecture-beta%%{init:{'theme':''\t\n}}%%"
    assert check_format_if_accepted(text) == "architecture-beta %%{init:{'theme':''\n}}%%\n"
    document = validate(text)
    assert document.diagram is not None and document.diagram.theme == ""


def test_front_matter_errors_count_lines_as_archdsl_does() -> None:
    # scripts/fuzz_long.py found it: PyYAML also breaks lines at U+2029, so its line
    # numbers pointed past the end of a line.
    text = "---\ne:\u2029e   \n---\n"
    (problem,) = [d for d in validate(text).diagnostics if "front matter" in d.message]
    assert (problem.span.line, problem.span.column) == (2, 8)
    assert_span_inside(problem.span, line_positions(text), problem.message)


def test_two_comments_split_by_a_paragraph_separator_stay_two() -> None:
    # scripts/fuzz_long.py found it: U+2028 ends a directive (or comment) for Mermaid's
    # patterns but not a line; fmt joined the two with a space, so they became one.
    text = 'architecture-beta%%{n"\u2028%%'
    assert check_format_if_accepted(text) == 'architecture-beta %%{n"\u2028%%\n'


def test_an_acc_descr_block_starting_with_a_comment_look_alike_formats() -> None:
    # scripts/fuzz_long.py found it: `accDescr{%%x` keeps `%%x` (not at a line start),
    # and fmt refused the block (UnformattableError) instead of keeping it on the brace.
    text = "architecture-beta\naccDescr{%%x\n  second\n}\n"
    formatted = check_format_if_accepted(text)
    assert formatted == "architecture-beta\n    accDescr {%%x\n        second\n    }\n"


def test_deeply_nested_front_matter_with_trailing_blanks_formats() -> None:
    # fmt compares the YAML with and without trailing blanks; PyYAML's recursive composer
    # overflowed on 30,000 nested mappings (RecursionError out of `archdsl fmt`).
    text = "---\nconfig: " + "{a: " * 30_000 + "\n---\narchitecture-beta\n"
    formatted = format_text(text)
    assert formatted.endswith("architecture-beta\n")


def test_fmt_reports_a_value_it_cannot_write_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "d.mmd"
    path.write_text("architecture-beta\n  service a(server)\n")
    before = snapshot(tmp_path)

    def unformattable(*_: object, **__: object) -> str:
        raise archdsl.emit.mermaid.UnformattableError("no Mermaid title can hold 'x'")

    monkeypatch.setattr(archdsl.emit.mermaid, "format_diagram", unformattable)
    code, _, err = cli("fmt", path)
    assert code == 1 and f"{path}: cannot format: no Mermaid title can hold 'x'" in err
    assert snapshot(tmp_path) == before


# -- positions ------------------------------------------------------------------------------

MULTI_LINE_TOKEN_ERRORS = [
    "architecture-beta\ngroup accDescr{\n}",
    'architecture-beta\nservice\tM\tin 7"\n"',
    'architecture-beta%%{i}%%"\n"',
]


@pytest.mark.parametrize("text", MULTI_LINE_TOKEN_ERRORS)
def test_syntax_errors_on_multi_line_tokens_end_inside_the_text(text: str) -> None:
    lengths = line_positions(text)
    for diagnostic in validate(text).diagnostics:
        assert_span_inside(diagnostic.span, lengths, diagnostic.message)


# -- outputs --------------------------------------------------------------------------------


def test_reports_show_no_control_characters() -> None:
    # A diagram (or a file name) could send escape sequences to a terminal or a CI log.
    text = "architecture-beta\n    service a(server)[\x1b[2J\x1b]0;owned\x07\u202e\n"
    diagnostic = Diagnostic(
        "AD007", Severity.ERROR, "unterminated `[\x1b[2J\n`", Span(2, 22, 2, 30), path="a\x1b.mmd"
    )
    report = ReportInput([diagnostic], 1, {"a\x1b.mmd": text})
    for output in (report_text(report), format_github(report)):
        assert "\x1b" not in output and "\x07" not in output and "\u202e" not in output
        assert "\\u001b" in output
    lines = report_text(report).splitlines()
    assert len(lines) == 4  # the finding, the source line, the caret, the summary


def test_icon_bodies_nested_deeply_are_refused_not_a_recursion_error() -> None:
    assert sanitize_svg_body("<g>" * 5_000 + "<script/>" + "</g>" * 5_000) is None
    shallow = sanitize_svg_body("<g>" * 30 + "<script/>" + "</g>" * 30)
    assert shallow is not None and "script" not in shallow


def test_scoping_many_icon_ids_is_linear_and_right() -> None:
    body = "".join(f'<linearGradient id="g{i}"/><path fill="url(#g{i})"/>' for i in range(5_000))
    scoped = _scoped_ids(body, "p")
    assert scoped.count('id="p-g') == 5_000 and scoped.count("url(#p-g") == 5_000
    root = ET.fromstring(f'<svg xmlns="http://www.w3.org/2000/svg">{scoped}</svg>')
    assert len(root) == 10_000
    assert _scoped_ids('<g id="a"/><use href="#a"/><p d="#b)"/>', "p") == (
        '<g id="p-a"/><use href="#p-a"/><p d="#b)"/>'
    )


# -- layout budgets -------------------------------------------------------------------------


def _crowded_groups(nodes: int, seed: int = 7) -> str:
    """Groups nested at random, services spread over them, edges between groups: the
    shape that sends most edges to the channel network and the grid search."""
    rng = random.Random(seed)
    groups = nodes // 4
    lines = ["architecture-beta"]
    lines += [f"group g{i}" + (f" in g{rng.randrange(i)}" if i else "") for i in range(groups)]
    lines += [f"service s{i}(server) in g{rng.randrange(groups)}" for i in range(nodes)]
    for i in range(nodes):
        sides = rng.choice("LRTB"), rng.choice("LRTB")
        target = rng.randrange(nodes)
        lines.append(f"s{i}{{group}}:{sides[0]} --> {sides[1]}:s{target}{{group}}")
    return "\n".join(lines) + "\n"


def test_channel_routes_are_never_much_dearer_than_the_cheapest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The budgeted A* is greedy (its estimate is four times the distance, and it expands
    # each node once): every route it finds costs at most four times the cheapest through
    # the groups it may pass (those that hold its ends, and those round them).
    real = archdsl.layout.channels.ChannelNetwork._advance
    found: list[tuple[float, float]] = []

    def checked(self: archdsl.layout.channels.ChannelNetwork, search, steps):  # type: ignore[no-untyped-def]
        mine = real(self, search, steps)
        if mine is not None:  # None: not found yet (the search goes on, or the other one)
            legs = self.legs
            graph = self.graph
            passable = graph.subgraph(n for n in graph if search.passable[legs.owner(n)])
            cheapest = nx.shortest_path_length(passable, mine[0], mine[-1], weight="cost")
            taken = [legs.leg(u, v) for u, v in itertools.pairwise(mine)]  # express legs too
            assert None not in taken
            cost = sum(leg.cost for leg in taken if leg is not None)
            found.append((cost, cheapest))
        return mine

    monkeypatch.setattr(archdsl.layout.channels.ChannelNetwork, "_advance", checked)
    document = validate(_crowded_groups(80))
    assert document.diagram is not None
    layout(document.diagram)
    assert found
    assert all(cost <= 4 * cheapest + 1e-6 for cost, cheapest in found)


def test_layout_with_its_budgets_spent_still_routes_every_edge(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Hundreds of nested groups with edges between them took minutes (the searches look
    # through every edge drawn so far); spent budgets fall back to the simple shapes.
    monkeypatch.setattr(archdsl.layout.channels, "LAYOUT_STEPS", 50)
    monkeypatch.setattr(archdsl.layout.route, "SEARCH_LEGS", 50)
    document = validate(_crowded_groups(80))
    assert document.diagram is not None
    placed = layout(document.diagram)
    assert len(placed.edges) == 80
    for edge in placed.edges:
        assert len(edge.points) >= 2
        for (x1, y1), (x2, y2) in zip(edge.points, edge.points[1:], strict=False):
            assert x1 == x2 or y1 == y2  # still orthogonal
