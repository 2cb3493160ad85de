"""What the plan declares the export can build is exactly what the builders build."""

from __future__ import annotations

from archdsl.catalogue import load_catalogue
from archdsl.emit import cloudformation as declared
from archdsl.export.cloudformation import registry
from archdsl.export.cloudformation.wiring import clients, events, frontdoor, monitoring


def test_every_declared_service_and_edge_has_one_builder() -> None:
    registry.load()
    assert set(registry.SERVICES) == declared.BUILT_SERVICES
    assert set(declared.WIRING) == registry.EDGE_NAMES
    assert set(registry.EDGES) == declared.capabilities().pairs


def test_every_catalogue_service_is_built_or_said_not_to_be() -> None:
    for entry in load_catalogue().entries:
        if entry.key in declared.BUILT_SERVICES:
            assert entry.key not in declared.NOT_BUILT
        else:
            # AWS501 explains it: no type at all, the brand logo, or a stated reason.
            assert entry.key in declared.NOT_BUILT or not entry.primary_types or entry.key == "aws"


def test_builder_tables_cover_their_declarations() -> None:
    assert set(clients.WRITES) == set(declared.SDK_TARGETS)
    assert set(clients.READS) == set(declared.READABLE)
    assert set(clients.STATE_TASKS) == set(declared.STATE_TASK_TARGETS)
    assert set(monitoring.WATCHES) == set(declared.WATCHED)
    assert set(monitoring.BACKUP_ARNS) == set(declared.BACKED_UP)
    assert set(frontdoor.SERVICE_INTEGRATIONS) == set(declared.WIRING["api_to_service"].targets)
    assert set(events.ROLE_TARGETS) == set(declared.WIRING["rule_with_role"].targets)


def test_the_plan_imports_no_builder() -> None:
    """`validate` runs the AWS5xx rules on every diagram: the plan stays light."""
    import subprocess
    import sys

    code = (
        "import sys; from archdsl.api import validate; "
        "validate(open('examples/aws-order-pipeline.mmd').read()); "
        "print(sorted(m for m in sys.modules if m.startswith('archdsl.export') or m == 'yaml'))"
    )
    from tests.shared_data import REPO_ROOT

    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, check=True
    )
    assert completed.stdout.strip() == "[]"
