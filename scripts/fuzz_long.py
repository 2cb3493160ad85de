"""A long fuzz run of archdsl, outside CI: the hardening properties on many inputs.

    python scripts/fuzz_long.py --minutes 10            # or: --inputs 50000
    python scripts/fuzz_long.py --minutes 60 --workers 2 --crashes fuzz-crashes/

Each input is a generated diagram, usually broken on purpose (tests/hardening/
mutations.py), and goes through the checks of tests/hardening/checks.py: ``validate``
never raises and puts every position inside the text; ``fmt`` keeps the model and is
idempotent for whatever it accepts; whatever validates renders (SVG and layout JSON).
Every 25th input also goes through the command line as a file of bytes (cut at any
byte, random bytes spliced in) and as a Markdown fence.

Hypothesis generates the inputs; failures are recorded and the run goes on. At the end
each distinct failure (check, exception, message without numbers) is shrunk (greedily,
for ``--shrink`` seconds), written to the crashes folder as a reproducer and listed;
turn each into a regression test in tests/hardening/test_regressions.py. The exit code
is 1 when anything failed.
"""

from __future__ import annotations

import argparse
import ast
import json
import multiprocessing
import os
import random
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHUNK = 500
"""Inputs per Hypothesis run (each with its own seed), so that the time limit is kept."""
CLI_EVERY = 25


@dataclass
class Outcome:
    inputs: int = 0
    failures: dict[str, dict[str, str]] = field(default_factory=dict)


def _signature(check: str, error: BaseException) -> str:
    """What makes two failures the same: the check, the exception, its message without
    the numbers (positions differ from input to input)."""
    first = (str(error).strip().splitlines() or [""])[0]
    return f"{check}: {type(error).__name__}: {re.sub(r'[0-9]+', 'N', first)[:160]}"


def _checks() -> dict[str, Callable[[Any], object]]:
    from tests.hardening import checks

    def markdown(data: bytes) -> None:
        checks.check_markdown(
            "# Notes\n\n```mermaid\n" + data.decode("utf-8", "replace") + "\n```\n"
        )

    return {
        "validate": checks.check_validate,
        "fmt": checks.check_format_if_accepted,
        "render": checks.check_render,
        "cli": checks.check_cli_on_bytes,
        "markdown": markdown,
    }


def _failure(check: Callable[[Any], object], name: str, value: Any) -> str | None:
    """The signature of the failure ``value`` causes in ``check``, if it fails."""
    try:
        check(value)
    except Exception as error:  # every failure is a finding
        return _signature(name, error)
    return None


def _run_chunk(seed: int, budget: int) -> Outcome:
    """One Hypothesis run of ``budget`` inputs. Failures are recorded, not raised: the
    run goes on, and Hypothesis spends no time shrinking (:func:`_minimise` does that)."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as with_seed

    from tests.hardening.mutations import hostile_bytes, mutated_texts

    checks = _checks()
    outcome = Outcome()

    def attempt(name: str, value: Any) -> None:
        found = _failure(checks[name], name, value)
        if found is not None:
            known = outcome.failures.get(found)
            if known is None or len(repr(value)) < len(known["input"]):
                outcome.failures[found] = {
                    "check": name,
                    "error": found,
                    "input": repr(value),
                    "seed": str(seed),
                }

    @with_seed(seed)
    @settings(
        max_examples=budget,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(mutated_texts(), hostile_bytes())
    def one_input(text: str, data: bytes) -> None:
        outcome.inputs += 1
        for name in ("validate", "fmt", "render"):
            attempt(name, text)
        if outcome.inputs % CLI_EVERY == 0:
            attempt("cli", data)
            attempt("markdown", data)

    one_input()
    return outcome


def _minimise(name: str, value: Any, signature: str, seconds: float) -> Any:
    """A smaller input with the same failure: greedy removal of lines, then of ever
    smaller slices, for at most ``seconds``."""
    check = _checks()[name]
    deadline = time.monotonic() + seconds

    def still_fails(candidate: Any) -> bool:
        return _failure(check, name, candidate) == signature

    for separator in ("\n", ""):
        size = max(1, len(value) // 2)
        while size >= 1 and time.monotonic() < deadline:
            index, shrunk = 0, False
            while index < len(value) and time.monotonic() < deadline:
                candidate = value[:index] + value[index + size :]
                if separator and isinstance(value, str):
                    candidate = _drop_lines(value, index, size)
                if candidate != value and still_fails(candidate):
                    value, shrunk = candidate, True
                else:
                    index += size
            if not shrunk:
                size //= 2
        if not isinstance(value, str):
            break
    return value


def _drop_lines(text: str, index: int, count: int) -> str:
    lines = text.split("\n")
    return "\n".join(lines[:index] + lines[index + count :])


def _worker(arguments: tuple[int, float, int]) -> Outcome:
    worker_seed, deadline, max_inputs = arguments
    rng = random.Random(worker_seed)
    total = Outcome()
    while time.monotonic() < deadline and total.inputs < max_inputs:
        chunk = _run_chunk(rng.randrange(2**32), min(CHUNK, max_inputs - total.inputs))
        total.inputs += chunk.inputs
        for key, failure in chunk.failures.items():
            total.failures.setdefault(key, failure)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="stop after this long")
    parser.add_argument("--inputs", type=int, default=10**9, help="stop after this many inputs")
    parser.add_argument("--workers", type=int, default=1, help="processes (one per core)")
    parser.add_argument("--seed", type=int, default=None, help="for a repeatable run")
    parser.add_argument("--crashes", type=Path, default=Path("fuzz-crashes"))
    parser.add_argument("--shrink", type=float, default=60.0, help="seconds to shrink each")
    options = parser.parse_args()

    seed = options.seed if options.seed is not None else random.SystemRandom().randrange(2**32)
    started = time.monotonic()
    deadline = started + options.minutes * 60
    per_worker = -(-options.inputs // options.workers)
    jobs = [(seed + index, deadline, per_worker) for index in range(options.workers)]
    print(f"fuzzing with seed {seed}, {options.workers} worker(s), {options.minutes} min")
    if options.workers == 1:
        results = [_worker(jobs[0])]
    else:
        with multiprocessing.Pool(options.workers) as pool:
            results = pool.map(_worker, jobs)

    inputs = sum(result.inputs for result in results)
    failures: dict[str, dict[str, str]] = {}
    for result in results:
        for key, failure in result.failures.items():
            failures.setdefault(key, failure)
    minutes = (time.monotonic() - started) / 60
    print(f"{inputs} inputs in {minutes:.1f} min; {len(failures)} distinct failure(s)")
    if failures:
        options.crashes.mkdir(parents=True, exist_ok=True)
        for number, (key, failure) in enumerate(sorted(failures.items()), start=1):
            value = ast.literal_eval(failure["input"])
            failure["input"] = repr(_minimise(failure["check"], value, key, options.shrink))
            path = options.crashes / f"crash-{number}.json"
            path.write_text(json.dumps(failure, indent=2, ensure_ascii=False) + "\n")
            print(f"  {key}\n    input: {failure['input'][:300]}\n    saved: {path}")
    return 1 if failures else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
