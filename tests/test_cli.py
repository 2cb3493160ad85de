"""The command line as a user meets it: exit codes, messages, outputs, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archdsl.cli import app

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "aws-order-pipeline.mmd"
runner = CliRunner()

BROKEN = "\n".join(
    [
        "architecture-beta",
        "    service api(server)[API]",
        "    api:R -> L:db",
        "    service db(database)[DB",
        "",
    ]
)


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_validate_example_is_clean() -> None:
    code, out, _ = run("validate", str(EXAMPLE))
    assert code == 0
    assert "1 file checked: 0 errors, 0 warnings" in out


def test_validate_reports_compiler_style_with_caret(tmp_path: Path) -> None:
    diagram = tmp_path / "broken.mmd"
    diagram.write_text(BROKEN)
    code, out, _ = run("validate", str(diagram))
    assert code == 1
    assert f"{diagram}:3:11: AD001 error: `->` is not a Mermaid edge" in out
    assert "   3 |     api:R -> L:db" in out
    assert f"{diagram}:4:25: AD007 error: unterminated title" in out
    assert "help: use `-->`" in out


def test_validate_json_format(tmp_path: Path) -> None:
    diagram = tmp_path / "broken.mmd"
    diagram.write_text(BROKEN)
    code, out, _ = run("validate", "--format", "json", str(diagram))
    payload = json.loads(out)
    assert code == 1
    assert payload["version"] == 1 and payload["files"] == 1
    first = payload["diagnostics"][0]
    assert (first["code"], first["line"], first["column"]) == ("AD001", 3, 11)
    assert first["end_line"] == 3 and first["severity"] == "error"
    assert payload["summary"]["error"] == len(
        [d for d in payload["diagnostics"] if d["severity"] == "error"]
    )


def test_validate_sarif_format(tmp_path: Path) -> None:
    diagram = tmp_path / "broken.mmd"
    diagram.write_text(BROKEN)
    _, out, _ = run("validate", "--format", "sarif", str(diagram))
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    run_ = log["runs"][0]
    rule_ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert "AD001" in rule_ids and "AD007" in rule_ids
    assert all(r["shortDescription"]["text"] for r in run_["tool"]["driver"]["rules"])
    region = run_["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (3, 11)


def test_validate_github_format(tmp_path: Path) -> None:
    diagram = tmp_path / "broken.mmd"
    diagram.write_text(BROKEN)
    _, out, _ = run("validate", "--format", "github", str(diagram))
    first = out.splitlines()[0]
    assert first.startswith(f"::error file={diagram},line=3,col=11,")
    assert "title=AD001::" in first


def test_validate_stdin() -> None:
    code, out, _ = run("validate", "-", input="architecture-beta\n  service a(server)\n")
    assert code == 0
    assert "1 file checked" in out


def test_missing_file_is_exit_2(tmp_path: Path) -> None:
    code, out, _ = run("validate", str(tmp_path / "nope.mmd"))
    assert code == 2
    assert "AD900" in out and "no such file" in out


def test_binary_file_is_exit_2(tmp_path: Path) -> None:
    blob = tmp_path / "blob.mmd"
    blob.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff")
    code, out, _ = run("validate", str(blob))
    assert code == 2
    assert "AD901" in out


def test_markdown_positions_are_the_markdown_files(tmp_path: Path) -> None:
    doc = tmp_path / "README.md"
    doc.write_text(
        "# Title\n\ntext\n\n```mermaid\nflowchart TD\n  a-->b\n```\n\n"
        "```mermaid\narchitecture-beta\n  service a(server)\n  a:R -> L:b\n```\n"
    )
    code, out, _ = run("validate", "--format", "json", str(doc))
    payload = json.loads(out)
    assert code == 1
    (diagnostic,) = payload["diagnostics"]
    assert (diagnostic["line"], diagnostic["column"]) == (13, 7)


def test_select_and_ignore_by_prefix(tmp_path: Path) -> None:
    diagram = tmp_path / "d.mmd"
    diagram.write_text(BROKEN)
    _, out, _ = run("validate", "--format", "json", "--ignore", "AD0", str(diagram))
    assert all(not d["code"].startswith("AD0") for d in json.loads(out)["diagnostics"])
    _, out, _ = run("validate", "--format", "json", "--select", "AD007", str(diagram))
    assert {d["code"] for d in json.loads(out)["diagnostics"]} == {"AD007"}


def test_config_file_is_found_upwards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.archdsl]\nignore = ["AD007"]\n')
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    diagram = nested / "d.mmd"
    diagram.write_text(BROKEN)
    monkeypatch.chdir(nested)
    _, out, _ = run("validate", "--format", "json", str(diagram))
    codes = {d["code"] for d in json.loads(out)["diagnostics"]}
    assert "AD007" not in codes and "AD001" in codes


def test_bad_config_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".archdsl.toml").write_text('selectt = ["AD1"]\n')
    monkeypatch.chdir(tmp_path)
    code, _, err = run("validate", str(EXAMPLE))
    assert code == 2
    assert "unknown setting(s) selectt" in err


def test_inline_suppression(tmp_path: Path) -> None:
    diagram = tmp_path / "d.mmd"
    diagram.write_text("architecture-beta\n  %% archdsl-ignore AD001\n  a:R -> L:b\n  c:R -> L:d\n")
    _, out, _ = run("validate", "--format", "json", str(diagram))
    lines = [d["line"] for d in json.loads(out)["diagnostics"] if d["code"] == "AD001"]
    assert lines == [4]


def test_explain_prints_the_rule_documentation() -> None:
    code, out, _ = run("validate", "--explain", "AD006")
    assert code == 0
    assert out.startswith("AD006: More than one statement on a line.")
    code, _, err = run("validate", "--explain", "XX999")
    assert code == 2 and "unknown code" in err


def test_validate_schema_is_json_schema() -> None:
    code, out, _ = run("validate", "--schema")
    schema = json.loads(out)
    assert code == 0
    assert schema["properties"]["version"] == {"const": 1}


def test_export_json_and_schema(tmp_path: Path) -> None:
    code, out, _ = run("export", "json", str(EXAMPLE))
    model = json.loads(out)
    assert code == 0
    kinds = [s["kind"] for s in model["statements"]]
    assert kinds.count("service") == 11 and kinds.count("edge") == 10
    code, out, _ = run("export", "json", "--schema")
    assert code == 0 and "Diagram" in json.loads(out)["title"]


def test_export_refuses_a_broken_diagram_and_writes_nothing(tmp_path: Path) -> None:
    diagram = tmp_path / "d.mmd"
    diagram.write_text(BROKEN)
    target = tmp_path / "out.json"
    code, _, err = run("export", "json", str(diagram), "-o", str(target))
    assert code == 1
    assert "nothing was written" in err
    assert not target.exists()


def test_export_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    diagram = tmp_path / "d.mmd"
    original = EXAMPLE.read_text()
    diagram.write_text(original)
    code, _, err = run("export", "json", str(diagram), "-o", str(diagram))
    assert code == 2 and "refusing to overwrite" in err
    assert diagram.read_text() == original


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("archdsl 0.")


def test_no_traceback_for_usage_errors() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "archdsl", "validate", "--format", "yaml", str(EXAMPLE)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "yaml" in result.stderr


def test_catalogue_search_json() -> None:
    code, out, _ = run("catalogue", "--format", "json", "lamda")
    rows = json.loads(out)
    assert code == 0
    assert rows[0]["key"] == "lambda"
    assert rows[0]["icons"] == ["logos:aws-lambda"]
    assert rows[0]["cloudformation"] == ["AWS::Lambda::Function"]


def test_catalogue_table_lists_every_service() -> None:
    code, out, _ = run("catalogue")
    assert code == 0
    assert "logos:aws-dynamodb" in out and "AWS::DynamoDB::Table" in out
    code, _, err = run("catalogue", "zzzzqqqq")
    assert code == 1 and "no service matches" in err


def test_render_svg_to_stdout_and_png_to_file(tmp_path: Path) -> None:
    code, out, _ = run("render", str(EXAMPLE))
    assert code == 0
    assert out.startswith("<svg") and 'data-id="lambda"' in out
    target = tmp_path / "pipeline.png"
    code, _, _ = run("render", str(EXAMPLE), "-o", str(target), "--scale", "0.5")
    assert code == 0
    assert target.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_render_layout_json_shape() -> None:
    code, out, _ = run("render", str(EXAMPLE), "--format", "json")
    layout = json.loads(out)
    assert code == 0
    assert {n["id"] for n in layout["nodes"]} >= {"lambda", "kinesis", "s3"}
    edge = next(
        e for e in layout["edges"] if (e["source"], e["target"]) == ("api_gateway", "lambda")
    )
    assert (edge["source_side"], edge["target_side"]) == ("R", "L")
    assert all(len(p) == 2 for p in edge["points"])


def test_render_refuses_a_broken_diagram(tmp_path: Path) -> None:
    diagram = tmp_path / "d.mmd"
    diagram.write_text(BROKEN)
    target = tmp_path / "d.svg"
    code, _, err = run("render", str(diagram), "-o", str(target))
    assert code == 1 and "nothing was written" in err
    assert not target.exists()


def test_render_markdown_with_several_diagrams_needs_a_folder(tmp_path: Path) -> None:
    doc = tmp_path / "arch.md"
    fence = (
        "```mermaid\narchitecture-beta\n  service a(server)\n  service b(disk)\n"
        "  a:R --> L:b\n```\n"
    )
    doc.write_text(fence + "\n" + fence)
    code, _, err = run("render", str(doc))
    assert code == 2 and "-o FOLDER" in err
    out_dir = tmp_path / "img"
    code, _, _ = run("render", str(doc), "-o", str(out_dir))
    assert code == 0
    assert sorted(p.name for p in out_dir.iterdir()) == ["arch-1.svg", "arch-2.svg"]


def test_render_bad_icon_pack_is_exit_2(tmp_path: Path) -> None:
    pack = tmp_path / "pack.json"
    pack.write_text("{not json")
    code, _, err = run("render", str(EXAMPLE), "--icon-pack", str(pack))
    assert code == 2 and str(pack) in err


def test_validate_with_a_custom_icon_pack(tmp_path: Path) -> None:
    diagram = tmp_path / "d.mmd"
    diagram.write_text("architecture-beta\n  service a(acme:widget)[A]\n")
    code, out, _ = run("validate", "--format", "json", str(diagram))
    assert code == 0
    assert [d["code"] for d in json.loads(out)["diagnostics"]] == ["AWS302"]
    pack = tmp_path / "acme.json"
    pack.write_text(
        json.dumps({"prefix": "acme", "icons": {"widget": {"body": "<path d='M0 0h1v1z'/>"}}})
    )
    code, out, _ = run("validate", "--format", "json", "--icon-pack", str(pack), str(diagram))
    assert code == 0 and json.loads(out)["diagnostics"] == []
    broken = tmp_path / "broken.json"
    broken.write_text("[]")
    code, _, err = run("validate", "--icon-pack", str(broken), str(diagram))
    assert code == 2 and str(broken) in err


def test_export_cloudformation_then_import_round_trip(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    code, _, _ = run("export", "cloudformation", str(EXAMPLE), "-o", str(template))
    assert code == 0
    text = template.read_text()
    assert text.startswith("# CloudFormation template generated by archdsl")
    assert "AWS::Lambda::EventSourceMapping" in text
    code, out, _ = run("import", "cloudformation", str(template))
    assert code == 0
    assert out.startswith("architecture-beta\n")
    assert "service kinesis(logos:aws-kinesis)" in out
    assert "kinesis:R --> L:lambda_inventory" in out


def test_export_cloudformation_json_by_extension(tmp_path: Path) -> None:
    target = tmp_path / "template.json"
    code, _, _ = run("export", "cloudformation", str(EXAMPLE), "-o", str(target))
    assert code == 0
    assert "Resources" in json.loads(target.read_text())


def test_import_bad_template_has_a_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n   Properties: [\n")
    code, _, err = run("import", "cloudformation", str(bad))
    assert code == 1
    assert f"{bad}:4:4: not valid YAML" in err
    assert "Traceback" not in err


FRESH_PROCESS_COMMANDS = [
    ["validate", "-f", "json", "{example}"],
    ["validate", "-f", "sarif", "{example}"],
    ["validate", "--schema"],
    ["export", "json", "{example}"],
    ["export", "json", "--schema"],
    ["export", "cloudformation", "{example}", "-o", "{tmp}/template.yaml"],
    ["show", "{example}"],
    ["render", "{example}", "-o", "{tmp}/picture.svg"],
    ["render", "{example}", "-o", "{tmp}/layout.json"],
    ["fmt", "--check", "{example}"],
    ["catalogue"],
]


@pytest.mark.slow
@pytest.mark.parametrize("command", FRESH_PROCESS_COMMANDS, ids=" ".join)
def test_every_command_works_in_a_fresh_process(command: list[str], tmp_path: Path) -> None:
    # In-process tests share what earlier tests built (the models' deferred validators
    # and serializers); a user's run starts from nothing: `export json --schema` once
    # failed only there.
    args = [part.format(example=EXAMPLE, tmp=tmp_path) for part in command]
    result = subprocess.run(
        [sys.executable, "-m", "archdsl", *args], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr
    written = [Path(arg) for arg in args if arg.startswith(str(tmp_path))]
    if written:
        assert written[0].stat().st_size > 0
    elif "--check" not in args:  # a formatted file: nothing to say
        assert result.stdout.strip()


@pytest.mark.parametrize(
    ("command", "starts"),
    [
        (["render", "{example}"], "<svg "),
        (["render", "{example}", "--format", "json"], "{"),
        (["export", "cloudformation", "{example}"], "# CloudFormation template"),
        (["export", "json", "{example}"], "{"),
        (["import", "cloudformation", "{template}"], "architecture-beta"),
    ],
)
def test_dash_as_output_is_standard_output(
    command: list[str], starts: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = tmp_path / "template.yaml"
    assert run("export", "cloudformation", str(EXAMPLE), "-o", str(template))[0] == 0
    monkeypatch.chdir(tmp_path)
    filled = [part.format(example=EXAMPLE, template=template) for part in command]
    code, out, err = run(*filled, "-o", "-")
    assert code == 0, err
    assert out.startswith(starts)
    assert not (tmp_path / "-").exists()
