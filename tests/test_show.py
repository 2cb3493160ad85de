"""``archdsl show``'s tree (archdsl.show), called directly; the CLI test lives in test_cli.py."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pytest
from rich.console import Console, RenderableType

from archdsl.api import parse
from archdsl.model import Diagram, Edge, EdgeEnd, Service
from archdsl.show import show_paths, show_text


def _diagram(text: str) -> Diagram:
    document = parse(textwrap.dedent(text))
    assert document.diagram is not None and document.syntax_ok, document.diagnostics
    return document.diagram


def _show(text: str, *, label: str | None = None, aws_names: bool = True) -> str:
    return show_text(_diagram(text), label=label, aws_names=aws_names)


NESTED = """\
    architecture-beta
        title Order intake
        group cloud(cloud)[AWS]
        group vpc(logos:aws-vpc)[Private network] in cloud
        service api(logos:aws-lambda)[Order API] in vpc
        junction split in vpc
        service db(database)[Orders] in cloud
        service user(internet)[Customer]
        junction hub
        user:R -[places order]-> L:api
        api{group}:B <--> T:db
        split:R -- L:hub
        hub:B <-- T:user
        align row user api
    """


def test_nested_groups_junctions_and_titled_edges() -> None:
    assert _show(NESTED) == textwrap.dedent(
        """\
        architecture-beta: Order intake
        ├── group cloud(cloud) "AWS"
        │   ├── group vpc(logos:aws-vpc) "Private network"
        │   │   ├── service api(logos:aws-lambda) "Order API" · AWS Lambda
        │   │   └── junction split
        │   └── service db(database) "Orders"
        ├── service user(internet) "Customer"
        └── junction hub
        edges
        ├── user:R --> L:api "places order"
        ├── api{group}:B <--> T:db
        ├── split:R -- L:hub
        └── hub:B <-- T:user
        aligned
        └── row user api
        """
    )


def test_label_and_no_aws_names() -> None:
    text = _show(NESTED, label="orders.mmd", aws_names=False)
    assert text.startswith("orders.mmd: Order intake\n")
    assert '│   │   ├── service api(logos:aws-lambda) "Order API"\n' in text


def test_declaration_order_is_kept_at_every_level() -> None:
    text = _show(
        """\
        architecture-beta
            service z(server)
            group g[G]
            service b(server) in g
            group inner in g
            service a(server) in g
            service y(server)
        """
    )
    assert text == textwrap.dedent(
        """\
        architecture-beta
        ├── service z(server)
        ├── group g "G"
        │   ├── service b(server)
        │   ├── group inner
        │   └── service a(server)
        └── service y(server)
        edges: none
        """
    )


def test_misplaced_elements_sit_at_the_root_with_a_note() -> None:
    text = _show(
        """\
        architecture-beta
            service lost(server) in nowhere
            service host(server)
            service guest(server) in host
            group g1 in g2
            group g2 in g1
            service inside(server) in g1
            group self in self
        """
    )
    assert text == textwrap.dedent(
        """\
        architecture-beta
        ├── service lost(server)  (in nowhere: no such group)
        ├── service host(server)
        ├── service guest(server)  (in host: a service, not a group)
        ├── group self  (in self: placed within itself)
        └── group g1  (in g2: groups nested in a cycle)
            ├── group g2
            └── service inside(server)
        edges: none
        """
    )


def test_text_icons_and_markup_in_titles_are_shown_verbatim() -> None:
    text = _show(
        """\
        architecture-beta
            service db "DB"["[bold]Orders[/bold]"]
        """
    )
    assert 'service db("DB") "[bold]Orders[/bold]"' in text


def test_empty_diagram() -> None:
    assert _show("architecture-beta\n") == (
        "architecture-beta\n└── (no groups, services or junctions)\nedges: none\n"
    )


def test_diagram_built_in_code() -> None:
    diagram = Diagram(
        statements=[
            Service(id="a", icon="server"),
            Service(id="b", icon="logos:aws-s3", title="Bucket"),
            Edge(lhs=EdgeEnd(id="a", side="R"), rhs=EdgeEnd(id="b", side="L", arrow=True)),
        ]
    )
    assert show_text(diagram) == textwrap.dedent(
        """\
        architecture-beta
        ├── service a(server)
        └── service b(logos:aws-s3) "Bucket" · Amazon S3
        edges
        └── a:R --> L:b
        """
    )


# -- show_paths: what the command prints -----------------------------------------------------


def _render(renderable: RenderableType) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=100, color_system=None).print(renderable)
    return buffer.getvalue()


def test_markdown_fences_each_get_a_tree_labelled_with_their_line(tmp_path: Path) -> None:
    page = tmp_path / "design.md"
    page.write_text(
        "# Design\n\n```mermaid\narchitecture-beta\n    service a(server)\n```\n\n"
        "```mermaid\nflowchart LR\n  x --> y\n```\n\n"
        "```mermaid\narchitecture-beta\n    service b(database)\n```\n",
        encoding="utf-8",
    )
    outcome = show_paths(str(page))
    assert outcome.exit_code == 0 and not outcome.problems
    assert _render(outcome.renderable) == (
        f"{page}:4\n└── service a(server)\nedges: none\n\n"
        f"{page}:14\n└── service b(database)\nedges: none\n"
    )


def test_syntax_errors_are_reported_in_file_positions(tmp_path: Path) -> None:
    page = tmp_path / "design.md"
    page.write_text(
        "# Design\n\n```mermaid\narchitecture-beta\n    service a(server)[A\n```\n",
        encoding="utf-8",
    )
    outcome = show_paths(str(page))
    assert outcome.exit_code == 1 and not outcome.trees
    assert [(d.code, d.span.line) for d in outcome.problems] == [("AD007", 5)]
    assert outcome.texts[str(page)].startswith("# Design")


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (None, 2, None),
        ("# Notes without diagrams\n", 1, "no architecture-beta diagram found"),
    ],
)
def test_unreadable_or_empty_input(
    tmp_path: Path, content: str | None, code: int, message: str | None
) -> None:
    path = tmp_path / "notes.md"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    outcome = show_paths(str(path))
    assert outcome.exit_code == code and not outcome.trees
    if message is None:
        assert [d.code for d in outcome.problems] == ["AD900"]
    else:
        assert outcome.message is not None and message in outcome.message
