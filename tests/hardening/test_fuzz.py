"""Fuzz properties: for any text, nothing crashes and every answer is well-formed.

Inputs are valid diagrams (:func:`tests.strategies.diagram_texts`) and the same
diagrams broken on purpose (:mod:`tests.hardening.mutations`). The example counts
stay modest for CI; ``HYPOTHESIS_PROFILE=long`` (see ``tests/conftest.py``) raises
them, and ``scripts/fuzz_long.py`` runs the same checks for as long as asked.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hardening import checks
from tests.hardening.mutations import hostile_bytes, mutated_texts
from tests.strategies import diagram_texts
from tests.test_roundtrip import assert_round_trip


def _examples(count: int) -> settings:
    """``count`` examples, or the profile's when it asks for more (the long profile)."""
    return settings(
        max_examples=max(count, settings().max_examples),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


@_examples(200)
@given(mutated_texts())
def test_validate_never_raises_and_positions_lie_inside_the_text(text: str) -> None:
    checks.check_validate(text)


@_examples(100)
@given(diagram_texts())
def test_valid_diagrams_validate_with_positions_inside(text: str) -> None:
    checks.check_validate(text)


@_examples(100)
@given(st.text(max_size=200))
def test_validate_survives_any_unicode_at_all(text: str) -> None:
    checks.check_validate("architecture-beta\n" + text)
    checks.check_validate(text)


@_examples(150)
@given(diagram_texts())
def test_fmt_keeps_the_model_and_is_idempotent(text: str) -> None:
    assert_round_trip(text)


@_examples(150)
@given(mutated_texts())
def test_fmt_keeps_the_model_of_whatever_it_accepts(text: str) -> None:
    # A broken diagram is refused (FormatError); one that still parses must round-trip.
    checks.check_format_if_accepted(text)


@_examples(60)
@given(diagram_texts(max_groups=4, max_services=6, max_edges=8))
def test_render_of_valid_diagrams_never_raises(text: str) -> None:
    checks.check_render(text)


@_examples(100)
@given(mutated_texts())
def test_render_of_whatever_validates_never_raises(text: str) -> None:
    checks.check_render(text)


@_examples(30)
@given(hostile_bytes())
def test_cli_exits_cleanly_on_any_file(data: bytes) -> None:
    checks.check_cli_on_bytes(data)


@_examples(15)
@given(hostile_bytes(), st.sampled_from(["", "   ", "\t"]), st.sampled_from(["```", "~~~~"]))
def test_cli_exits_cleanly_on_any_markdown_fence(data: bytes, indent: str, fence: str) -> None:
    text = data.decode("utf-8", "replace")
    document = f"# Notes\n\n{indent}{fence}mermaid\n" + "".join(
        indent + line for line in text.splitlines(keepends=True)
    )
    checks.check_markdown(document + f"\n{indent}{fence}\n")
