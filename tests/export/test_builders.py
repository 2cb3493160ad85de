"""The helpers the service builders share: unique names, handles and outputs, store tables."""

from __future__ import annotations

from typing import Any

import pytest

from archdsl.emit.cloudformation import analyse
from archdsl.export.cloudformation.context import Context
from archdsl.export.cloudformation.intrinsics import GetAtt, Ref, Sub
from archdsl.export.cloudformation.services import REF, Face, publish
from archdsl.export.cloudformation.services.data import STORES, Slot
from archdsl.export.cloudformation.template import TemplateBuilder, first_free
from tests.export.helpers import diagram_of


def _context(text: str) -> Context:
    plan = analyse(diagram_of(text))
    return Context(plan, TemplateBuilder(tuple(plan.nodes), "test"), "app")


def test_first_free_numbers_from_two() -> None:
    assert first_free("Queue", set()) == "Queue"
    assert first_free("Queue", {"Queue"}) == "Queue2"
    assert first_free("Queue", {"Queue", "Queue2"}) == "Queue3"


def test_publish_registers_the_handle_and_adds_the_output() -> None:
    ctx = _context("architecture-beta\n    service jobs(logos:aws-sqs)[Jobs]\n")
    node = ctx.node("jobs")
    queue = ctx.add(node, "Queue", "AWS::SQS::Queue", {})
    face = Face("QUEUE_URL", "Arn", output="QueueUrl", says="queue URL")
    handle = publish(ctx, node, queue, face, note="kept")
    assert ctx.handle("jobs") is handle
    assert (handle.logical_id, handle.env) == (queue.logical_id, "QUEUE_URL")
    assert handle.arn == GetAtt(queue.logical_id, "Arn")
    assert handle.ref == Ref(queue.logical_id)  # REF is the default
    assert handle.extra == {"note": "kept"}
    (out,) = ctx.template.outputs.values()
    assert (out.logical_id, out.value, out.description) == (
        "JobsQueueUrl",
        Ref(queue.logical_id),
        "Jobs: queue URL",
    )


@pytest.mark.parametrize(
    ("face", "arn", "ref", "shown"),
    [
        (Face(arn=REF, ref=None), Ref("X"), None, None),
        (
            Face(ref="Endpoint", output="Out"),
            None,
            GetAtt("X", "Endpoint"),
            GetAtt("X", "Endpoint"),
        ),
        (Face(output="Out", shows="Arn"), None, Ref("X"), GetAtt("X", "Arn")),
        (Face(arn=Sub("arn:x"), output="Out", shows=REF), Sub("arn:x"), Ref("X"), Ref("X")),
    ],
)
def test_face_values_are_attributes_ref_or_built(
    face: Face, arn: Any, ref: Any, shown: Any
) -> None:
    ctx = _context("architecture-beta\n    service x(logos:aws-sqs)[X]\n")
    resource = ctx.template.add("X", "AWS::SQS::Queue", {}, owner="x", line=1)
    handle = publish(ctx, ctx.node("x"), resource, face)
    assert (handle.arn, handle.ref) == (arn, ref)
    assert [o.value for o in ctx.template.outputs.values()] == ([shown] if face.output else [])


@pytest.mark.parametrize("key", sorted(STORES))
def test_every_store_fills_its_network_slots(key: str) -> None:
    """A store table entry places the subnet group and security groups exactly once, and a
    cluster's instance names its cluster: the builder relies on it."""
    store = STORES[key]
    values = list(store.properties.values())
    assert values.count(Slot.SUBNET_GROUP) == 1
    assert values.count(Slot.SECURITY_GROUPS) == 1
    assert Slot.CLUSTER not in values
    if store.instance is not None:
        instance_type, instance = store.instance
        assert instance_type.startswith("AWS::")
        assert list(instance.values()).count(Slot.CLUSTER) == 1
    assert store.face.env and store.face.output and store.face.says
