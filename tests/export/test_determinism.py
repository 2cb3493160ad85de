"""The same diagram gives the same bytes: across runs, hash seeds and statement reorderings
that do not change the diagram's meaning."""

from __future__ import annotations

import os
import subprocess
import sys

from archdsl.emit.cloudformation import pascal_case, slug_case
from tests.export.helpers import MAIN_EXAMPLE, export, export_text
from tests.shared_data import REPO_ROOT

SCRIPT = (
    "import sys; from pathlib import Path; from tests.export.helpers import export; "
    "sys.stdout.write(export(Path(sys.argv[1]), sys.argv[2]).text)"
)


def test_export_is_deterministic_within_a_process() -> None:
    for output_format in ("yaml", "json"):
        assert export(MAIN_EXAMPLE, output_format).text == export(MAIN_EXAMPLE, output_format).text


def test_export_is_deterministic_across_hash_seeds() -> None:
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        completed = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(MAIN_EXAMPLE), "yaml"],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            env=env,
            check=True,
        )
        outputs.add(completed.stdout)
    assert outputs == {export(MAIN_EXAMPLE).text}


def test_logical_ids_are_readable_unique_and_stable() -> None:
    assert pascal_case("lambda_inventory") == "LambdaInventory"
    assert pascal_case("api-gateway") == "ApiGateway"
    assert pascal_case("1st_queue") == "Node1stQueue"
    assert slug_case("Lambda_Inventory") == "lambda-inventory"
    text = (
        "architecture-beta\n"
        "    service a_b(logos:aws-sqs)[One]\n"
        "    service a-b(logos:aws-sqs)[Two]\n"
        "    service queue(logos:aws-sqs)[Three]\n"
    )
    queues = [
        logical_id
        for logical_id, resource in export_text(text).template["Resources"].items()
        if resource["Type"] == "AWS::SQS::Queue"
    ]
    assert queues == ["ABQueue", "AB2Queue", "Queue"]
    # Adding a service after the others renames nothing.
    more = text + "    service ab(logos:aws-sqs)[Four]\n"
    assert [k for k in export_text(more).template["Resources"] if k in queues] == queues


def test_unknown_format_is_refused() -> None:
    import pytest

    with pytest.raises(ValueError, match="yaml or json"):
        export(MAIN_EXAMPLE, "toml")
