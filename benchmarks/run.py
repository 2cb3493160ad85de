"""archdsl's benchmark harness: one command, a table, ``docs/benchmarks.md``.

    python3 benchmarks/run.py                 # 10 / 100 / 1,000 / 10,000 services
    python3 benchmarks/run.py --sizes 100 1000 --runs 5
    python3 benchmarks/run.py --oracle /tmp/mermaid-oracle   # add Mermaid's own times
    python3 benchmarks/run.py --render-limit 0               # render every size
    python3 benchmarks/run.py --layout-instructions          # + layout's instruction counts

When merman (PyPI ``merman``, a Rust re-implementation of Mermaid with Python
bindings) is installed, its in-process ``validate`` is measured as a peer on the
same files; otherwise its column says "n/a".

Each measurement runs in a fresh Python process (so peak memory is the stage's
own), with Python's bytecode cache filled as in an installed copy. Every stage and
peer runs once per round, ``--runs`` rounds, so that a change in the machine's load
hits them all alike; the table shows median wall times and the highest peak RSS, and
ratios are medians of the rounds' ratios.
Stages that are not available in this build (a back-end not installed) are
shown as "n/a" rather than failing the run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from benchmarks.generate import generate  # noqa: E402

_AS_INSTALLED = """
# As a user's install runs: Lark's optional ``regex`` and ``interegular`` are only here
# for the tests (strict grammar check), and the command line keeps Lark from importing
# them; so do the stages.
from archdsl.entry import skip_lark_extras
skip_lark_extras()
"""

STAGE_SCRIPT = (
    r"""
import json, math, resource, sys, time
stage, path = sys.argv[1], sys.argv[2]
extra = {}
text = open(path, encoding="utf-8").read()
"""
    + _AS_INSTALLED
    + r"""
import archdsl.api as api
if stage == "merman":
    try:
        import merman
    except ImportError as error:
        print(json.dumps({"unavailable": str(error)}))
        raise SystemExit(0)
    engine = merman.Merman()
def run():
    if stage == "parse":
        api.parse(text, path)
    elif stage == "validate":
        api.validate(text, path)
    elif stage == "fmt":
        api.format(text, path)
    elif stage == "svg":
        from archdsl.emit.svg import render_svg
        render_svg(api.parse(text, path).diagram)
    elif stage == "png":
        from archdsl.emit.png import DEFAULT_MAX_PIXELS, render_png
        from archdsl.layout import layout
        diagram = api.parse(text, path).diagram
        placed = layout(diagram)
        # Past the pixel limit, what the refusal suggests: the largest scale that fits.
        fits = (DEFAULT_MAX_PIXELS / (placed.width * placed.height)) ** 0.5
        scale = min(1.0, math.floor(fits * 100) / 100)
        render_png(diagram, scale=scale, geometry=placed)
        if scale < 1:
            extra["scale"] = scale
    elif stage == "cloudformation":
        from archdsl.export.cloudformation import to_cloudformation
        to_cloudformation(api.parse(text, path).diagram)
    elif stage == "merman":
        engine.validate(text, None)
    else:
        raise SystemExit(f"unknown stage {stage}")
start = time.perf_counter()
try:
    run()
except ImportError as error:
    print(json.dumps({"unavailable": str(error)}))
    raise SystemExit(0)
except Exception as error:
    # A back-end's size limit (e.g. PngTooLarge) is a documented refusal, not a failure.
    if not type(error).__name__.endswith("TooLarge"):
        raise
    print(json.dumps({"refused": str(error)}))
    raise SystemExit(0)
seconds = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, **extra}))
"""
)

LAYOUT_SCRIPT = r"""
import json, sys, time
from archdsl.api import parse
from archdsl.layout import LayoutOptions, layout
diagram = parse(open(sys.argv[1], encoding="utf-8").read()).diagram
options = LayoutOptions(max_nodes=None)
layout(parse("architecture-beta\n  service a(server)[A]\n").diagram)  # first-call imports
start = time.process_time()
placed = layout(diagram, options=options)
cpu = time.process_time() - start
length = sum(
    abs(p[0] - q[0]) + abs(p[1] - q[1])
    for edge in placed.edges
    for p, q in zip(edge.points, edge.points[1:])
)
print(json.dumps({"cpu": cpu, "width": placed.width, "height": placed.height, "length": length}))
"""
"""CPU seconds of one ``layout()`` alone (after a tiny one for the first-call imports), the
picture's size and the total length of the drawn edges."""

COUNT_SCRIPT = r"""
import sys
from archdsl.api import parse
from archdsl.layout import LayoutOptions, layout
diagram = parse(open(sys.argv[1], encoding="utf-8").read()).diagram
if sys.argv[2] == "layout":
    layout(diagram, options=LayoutOptions(max_nodes=None))
"""
"""Parses a file, then lays it out if asked: run under callgrind with and without the
layout, the difference is what ``layout()`` costs in instructions."""

STAGES = ("parse", "validate", "fmt", "svg", "png", "cloudformation")
PEERS = ("merman",)
LIMITED = frozenset({"svg", "png", "cloudformation"})
"""Stages skipped above ``--render-limit`` services: seconds to minutes each at 10,000."""
SKIPPED = {"skipped": 1.0}


def measure_stage(
    stage: str, path: Path, runs: int, env: dict[str, str] | None = None
) -> dict[str, float] | None:
    """Median seconds and max peak MB of ``stage`` over ``runs`` fresh processes.

    ``None`` when the stage is unavailable (a back-end or peer not installed).
    """
    seconds: list[float] = []
    peaks: list[float] = []
    for _ in range(runs):
        data = run_stage(stage, path, env)
        if data is None or "seconds" not in data:
            return data
        seconds.append(data["seconds"])
        peaks.append(data["peak_mb"])
    return {"seconds": statistics.median(seconds), "peak_mb": max(peaks)}


def run_script(script: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any] | None:
    """Run one of the scripts here in a fresh Python process; the JSON of its last line
    (``None`` if the process failed)."""
    result = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=REPO, env=env
    )
    if result.returncode != 0:
        return None
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def run_stage(stage: str, path: Path, env: dict[str, str] | None) -> dict[str, float] | None:
    """One fresh process of ``stage``: its seconds and peak MB, ``{"refused": 1}`` (a
    back-end's own size limit), ``{"error": 1}``, or ``None`` (not available)."""
    data = run_script(STAGE_SCRIPT, stage, str(path), env=env)
    if data is None:
        return {"error": 1.0}
    if "unavailable" in data:
        return None
    if "refused" in data:
        return {"refused": 1.0}
    return data


def _run_command(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, cwd=REPO, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def installed_environment(pycache: Path) -> dict[str, str]:
    """The environment of an installed archdsl: Python's bytecode cache in use.

    ``pip install`` compiles a wheel's modules and a checkout writes its own
    ``__pycache__``; with ``PYTHONDONTWRITEBYTECODE`` set (as in some sandboxes and
    containers) every run would compile archdsl's ~10,000 lines from source again,
    ~90 ms that no installed copy pays. The cache goes to a scratch folder
    (``PYTHONPYCACHEPREFIX``), for every command alike, so the checkout stays clean.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def cold_start(runs: int) -> dict[str, float]:
    """Median wall and CPU seconds of each start-up command, and the median per-round
    ratio of validate to ``import pydantic``.

    The commands run in turn, round after round, so that a change in the machine's
    load (other processes on a shared box) hits every command alike and the ratio
    stays meaningful even when the absolute times drift.
    """
    example = str(REPO / "examples" / "aws-order-pipeline.mmd")
    commands = {
        "validate": [sys.executable, "-m", "archdsl", "validate", example],
        "help": [sys.executable, "-m", "archdsl", "--help"],
        "import_pydantic": [sys.executable, "-c", "import pydantic"],
        "python": [sys.executable, "-c", "pass"],
    }
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as pycache:
        env = installed_environment(Path(pycache))
        for command in commands.values():
            _run_command(command, env)  # fills the bytecode and parser caches
        for _ in range(runs):
            for name, command in commands.items():
                wall, cpu = _run_command(command, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
    results: dict[str, float] = {}
    for name in commands:
        results[name] = statistics.median(walls[name])
        results[f"{name}_cpu"] = statistics.median(cpus[name])
    for suffix, samples in (("", walls), ("_cpu", cpus)):
        pairs = zip(samples["validate"], samples["import_pydantic"], strict=True)
        ratios = [validate / pydantic for validate, pydantic in pairs]
        results[f"ratio{suffix}"] = statistics.median(ratios)
    return results


def layout_scaling(sizes: list[int], runs: int) -> list[str]:
    """A table of ``layout()``'s CPU time as the diagram grows, with the growth exponent
    between neighbouring sizes (n log n would be about 1.1 here), then the exponent from
    the first size to the last beside n log n's (one size's timing noise weighs less in
    it). Each round lays out every size once, each in a fresh process, so that a slow
    spell of the machine hits neighbouring sizes alike; a size's time is its best round."""
    sizes = sorted(set(sizes))
    rows = [
        "| services | layout CPU | exponent | picture (px) | drawn edge length (px) "
        "| CPU per px drawn |",
        "|---|---|---|---|---|---|",
    ]
    best: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        paths = {size: Path(scratch) / f"gen-{size}.mmd" for size in sizes}
        for size, path in paths.items():
            path.write_text(generate(size), encoding="utf-8")
        for _ in range(runs):
            for size, path in paths.items():
                data = run_script(LAYOUT_SCRIPT, str(path))
                if data is None:
                    raise RuntimeError(f"the layout of {size} services failed")
                if size not in best or data["cpu"] < best[size]["cpu"]:
                    best[size] = data
    previous: tuple[int, float] | None = None
    for size in sizes:
        data = best[size]
        exponent = "–"
        if previous is not None:
            growth = data["cpu"] / previous[1]
            exponent = f"{math.log(growth) / math.log(size / previous[0]):.2f}"
        previous = (size, data["cpu"])
        rows.append(
            f"| {size:,} | {data['cpu']:.2f} s | {exponent} | "
            f"{data['width']:,.0f} × {data['height']:,.0f} | {data['length']:,.0f} | "
            f"{data['cpu'] / max(data['length'], 1.0) * 1e9:,.0f} ns |"
        )
        print(rows[-1], flush=True)
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        rows += ["", overall_growth((first, best[first]["cpu"]), (last, best[last]["cpu"]))]
        print(rows[-1], flush=True)
    return rows


def overall_growth(
    first: tuple[int, float], last: tuple[int, float], measure: str = "layout CPU"
) -> str:
    """The growth exponent of ``measure`` from ``first`` to ``last`` ((size, amount)
    each) beside the one n log n gives over the same sizes."""
    (small, small_amount), (large, large_amount) = first, last
    span = math.log(large / small)
    exponent = math.log(large_amount / small_amount) / span
    n_log_n = math.log(large * math.log(large) / (small * math.log(small))) / span
    return (
        f"From {small:,} to {large:,} services the {measure} grows with exponent "
        f"{exponent:.2f} (n log n: {n_log_n:.2f})."
    )


def layout_instructions(sizes: list[int]) -> list[str]:
    """A table of the instructions ``layout()`` executes as the diagram grows (counted by
    valgrind's callgrind: runs agree to within a millionth, free of timing noise), with
    the growth exponents; empty without valgrind. Slow: callgrind runs some fifty times
    slower."""
    if shutil.which("valgrind") is None:
        print("valgrind not found: the instruction counts are skipped")
        return []
    sizes = sorted(set(sizes))
    rows = ["| services | layout instructions | exponent |", "|---|---|---|"]
    counts: dict[int, int] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for size in sizes:
            path = Path(scratch) / f"gen-{size}.mmd"
            path.write_text(generate(size), encoding="utf-8")
            whole = count_instructions(COUNT_SCRIPT, str(path), "layout")
            parse_only = count_instructions(COUNT_SCRIPT, str(path), "parse")
            if whole is None or parse_only is None:
                raise RuntimeError(f"counting the layout of {size} services failed")
            counts[size] = whole - parse_only
            exponent = "–"
            if len(counts) > 1:
                before = sizes[len(counts) - 2]
                growth = counts[size] / counts[before]
                exponent = f"{math.log(growth) / math.log(size / before):.2f}"
            rows.append(f"| {size:,} | {counts[size] / 1e6:,.0f} M | {exponent} |")
            print(rows[-1], flush=True)
    if len(sizes) > 1:
        ends = (sizes[0], counts[sizes[0]]), (sizes[-1], counts[sizes[-1]])
        rows += ["", overall_growth(*ends, measure="layout's instruction count")]
        print(rows[-1], flush=True)
    return rows


def count_instructions(script: str, *args: str) -> int | None:
    """Instructions a fresh Python process running ``script`` executes, by callgrind
    (hash seed fixed, so that the count repeats to within a millionth); None if the run
    failed."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    command += [sys.executable, "-c", script, *args]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=env)
    return collected_instructions(result.stderr) if result.returncode == 0 else None


def collected_instructions(report: str) -> int | None:
    """The count in callgrind's ``==pid== Collected : N`` line."""
    found = re.search(r"Collected\s*:\s*(\d+)", report)
    return int(found.group(1)) if found else None


def oracle_commands(oracle: Path, path: Path) -> dict[str, list[str]]:
    """Mermaid's parser alone and its full parse (whole commands, Node start included)."""
    node = shutil.which("node")
    if node is None:
        return {}
    return {
        "mermaid_parse": [node, str(oracle / "parse.mjs"), str(path)],
        "mermaid_validate": [node, str(oracle / "validate.mjs"), str(path)],
    }


RENDER_SCRIPT = (
    r"""
import json, statistics, sys, time
"""
    + _AS_INSTALLED
    + r"""
import archdsl.api as api
import archdsl.model  # archdsl's core: the Pydantic model every command builds
text = open(sys.argv[1], encoding="utf-8").read()
start = time.perf_counter()
from archdsl.emit.svg import render_svg
render_svg(api.parse(text).diagram)
first = time.perf_counter() - start
warm = []
for _ in range(1 + int(sys.argv[2])):
    start = time.perf_counter()
    render_svg(api.parse(text).diagram)
    warm.append(time.perf_counter() - start)
print(json.dumps({"first": first, "warm": statistics.median(warm[1:])}))
"""
)
"""Parse and render to SVG in a process that has imported archdsl's model: the first time
(the parser, layout and SVG modules load), then, after one more render, again (median)."""

WARM_RENDERS = 7
"""Renders timed once warm (their median), on both sides, after the first and one more.
Both settle over the first few renders: Chromium's JIT, and archdsl's lexer, whose states
compile their combined scanners (1.5-4 ms each) once they have matched
:data:`archdsl.syntax.loader.COMBINE_AFTER` tokens, on a 200-service diagram in the
second to sixth parse."""


def render_comparison(
    oracle: Path, services: int, runs: int, env: dict[str, str] | None = None
) -> str:
    """archdsl's SVG against Mermaid's render in headless Chromium on one generated diagram.

    ``render_check.mjs`` times Mermaid's render call in a page where Mermaid is already
    loaded and initialised; the diagram's own code (parser, layout, renderer) loads inside
    the first call. The like-for-like figure for archdsl is the first render with its core
    (the Pydantic model) imported; the table also gives the first render counting every
    import, and warm renders on both sides. Each round runs archdsl's two processes and
    one Mermaid page (the file rendered :data:`WARM_RENDERS` + 2 times); ratios are medians of
    the rounds'.
    """
    node = shutil.which("node")
    if node is None:
        return "Render against Mermaid: skipped (no node)."
    rounds: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / f"gen-{services}.mmd"
        path.write_text(generate(services), encoding="utf-8")
        for _ in range(runs):
            cold = run_stage("svg", path, env)
            ours = run_script(RENDER_SCRIPT, str(path), str(WARM_RENDERS), env=env)
            if cold is None or "seconds" not in cold or ours is None:
                return "Render against Mermaid: archdsl's svg stage is unavailable."
            mermaid = subprocess.run(
                [node, str(oracle / "render_check.mjs"), *[str(path)] * (2 + WARM_RENDERS)],
                capture_output=True,
                text=True,
                cwd=oracle,
            )
            records = [json.loads(line) for line in mermaid.stdout.strip().splitlines()]
            if len(records) != 2 + WARM_RENDERS or not all(r.get("ok") for r in records):
                reason = records[0].get("error") if records else mermaid.stderr.strip()
                return f"Render against Mermaid: Mermaid failed ({reason})."
            rounds.append(
                {
                    "cold": cold["seconds"],
                    "first": ours["first"],
                    "warm": ours["warm"],
                    "mermaid_first": records[0]["ms"] / 1000,
                    "mermaid_warm": statistics.median(r["ms"] for r in records[2:]) / 1000,
                }
            )
    return render_summary(rounds, services)


def render_summary(rounds: list[dict[str, float]], services: int) -> str:
    """The render comparison's sentence: medians of times and of per-round ratios."""

    def median(key: str) -> float:
        return statistics.median(r[key] for r in rounds) * 1000

    def ratio(ours: str, theirs: str) -> float:
        return statistics.median(r[ours] / r[theirs] for r in rounds)

    return (
        f"Render {services} services to SVG, against Mermaid in headless Chromium "
        f"(`render_check.mjs`: its render call, in a page with Mermaid loaded; {len(rounds)} "
        "rounds, medians). First render, with archdsl's core (its Pydantic model) imported "
        f"as Mermaid's is loaded: archdsl {median('first'):,.0f} ms, Mermaid "
        f"{median('mermaid_first'):,.0f} ms, **{ratio('first', 'mermaid_first'):.2f}×**. "
        f"First render counting every import, Pydantic's included: {median('cold'):,.0f} ms, "
        f"{ratio('cold', 'mermaid_first'):.2f}×. Warm (parse and render again, the median of the "
        f"3rd to the {WARM_RENDERS + 2}th time): archdsl "
        f"{median('warm'):,.0f} ms, Mermaid {median('mermaid_warm'):,.0f} ms, "
        f"**{ratio('warm', 'mermaid_warm'):.2f}×**."
    )


def _fmt(value: dict[str, float] | None) -> str:
    if value is None:
        return "n/a"
    if "error" in value:
        return "failed"
    if "skipped" in value:
        return "skipped (limit)"
    if "refused" in value:
        return "refused (size limit)"
    cell = f"{value['seconds'] * 1000:,.0f} ms / {value['peak_mb']:,.0f} MB"
    return f"{cell} (scale {value['scale']:.2f})" if "scale" in value else cell


def _rounds(
    stages: list[str],
    peers: dict[str, list[str]],
    path: Path,
    runs: int,
    env: dict[str, str],
) -> dict[str, list[Any]]:
    """Every stage and peer command once per round, ``runs`` rounds: a change in the
    machine's load then hits them all alike, and per-round ratios stay meaningful.

    Per stage: the results of :func:`run_stage` (stopping at the first that is not a
    time); per peer command: wall seconds.
    """
    samples: dict[str, list[Any]] = {name: [] for name in [*stages, *peers]}
    for _ in range(runs):
        for stage in stages:
            if samples[stage] and (
                samples[stage][-1] is None or "seconds" not in samples[stage][-1]
            ):
                continue  # unavailable, refused or failed: once is enough
            samples[stage].append(run_stage(stage, path, env))
        for key, command in peers.items():
            samples[key].append(_run_command(command)[0])
    return samples


def _summary(results: list[dict[str, float] | None]) -> dict[str, float] | None:
    """The median seconds and highest peak of a stage's rounds (or why there are none)."""
    if not results or results[-1] is None or "seconds" not in results[-1]:
        return results[-1] if results else None
    summary = {
        "seconds": statistics.median(r["seconds"] for r in results if r),
        "peak_mb": max(r["peak_mb"] for r in results if r),
    }
    if "scale" in results[-1]:
        summary["scale"] = results[-1]["scale"]  # the same in every round
    return summary


def _seconds(samples: list[Any]) -> list[float]:
    """The times among a stage's or a peer's samples (a stage's refusals and failures
    are not times)."""
    return [
        sample["seconds"] if isinstance(sample, dict) else sample
        for sample in samples
        if isinstance(sample, float) or (isinstance(sample, dict) and "seconds" in sample)
    ]


def _ratios(size: int, samples: dict[str, list[Any]]) -> str:
    """archdsl's validate against each peer measured on the same file, as a sentence: the
    median of the rounds' ratios."""
    validate = _seconds(samples.get("validate", []))
    if not validate:
        return ""
    peers = {
        "merman": "merman's validate",
        "mermaid_parse": "Mermaid's parser (whole command)",
        "mermaid_validate": "Mermaid's full parse (whole command)",
    }
    found = []
    for key, name in peers.items():
        theirs = _seconds(samples.get(key, []))
        if len(theirs) == len(validate):
            ratio = statistics.median(v / t for v, t in zip(validate, theirs, strict=True))
            found.append(f"{ratio:.2f}× {name}")
    if not found:
        return ""
    return f"{size:,} services: archdsl validate takes " + ", ".join(found) + "."


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stages", nargs="+", default=[*STAGES, *PEERS], choices=[*STAGES, *PEERS])
    parser.add_argument(
        "--render-limit",
        type=int,
        default=1000,
        help="skip svg / png / cloudformation above this many services (0: no limit)",
    )
    parser.add_argument(
        "--oracle", type=Path, help="a set-up Mermaid oracle folder (node_modules present)"
    )
    parser.add_argument(
        "--layout-sizes",
        type=int,
        nargs="*",
        default=[250, 500, 1000, 2000, 4000],
        help="sizes for the layout scaling table (none: skip it)",
    )
    parser.add_argument(
        "--layout-instructions",
        action="store_true",
        help="also count layout's instructions at the layout sizes (needs valgrind; slow)",
    )
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args()

    oracle = args.oracle
    if oracle is not None and not (oracle / "node_modules").is_dir():
        print(f"oracle at {oracle} is not set up (no node_modules): Mermaid's times are skipped")
        oracle = None
    elif oracle is None:
        print("no --oracle given: Mermaid's times are skipped")

    with tempfile.TemporaryDirectory() as pycache:
        env = installed_environment(Path(pycache))
        warm_up(args.stages, env)
        _measure_and_write(args, oracle, env)


def warm_up(stages: list[str], env: dict[str, str]) -> None:
    """Run every stage once on a small diagram, untimed: Python's bytecode cache then
    holds every module a stage imports, as in an installed copy."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "warm-up.mmd"
        path.write_text(generate(10), encoding="utf-8")
        for stage in stages:
            measure_stage(stage, path, 1, env)


def _measure_and_write(args: argparse.Namespace, oracle: Path | None, env: dict[str, str]) -> None:
    rows: list[str] = []
    ratios: list[str] = []
    names = {"merman": "merman validate (peer)"}
    header = ["services", *(names.get(stage, stage) for stage in args.stages)]
    header += ["mermaid parse", "mermaid validate"] if oracle else []
    rows.append("| " + " | ".join(header) + " |")
    rows.append("|" + "---|" * len(header))
    with tempfile.TemporaryDirectory() as scratch:
        for size in args.sizes:
            path = Path(scratch) / f"gen-{size}.mmd"
            path.write_text(generate(size), encoding="utf-8")
            stages = [
                stage
                for stage in args.stages
                if not (stage in LIMITED and 0 < args.render_limit < size)
            ]
            peers = oracle_commands(oracle, path) if oracle else {}
            samples = _rounds(stages, peers, path, args.runs, env)
            cells = [f"{size:,}"]
            for stage in args.stages:
                cells.append(_fmt(_summary(samples[stage]) if stage in stages else SKIPPED))
            cells += [f"{statistics.median(samples[key]) * 1000:,.0f} ms" for key in peers]
            rows.append("| " + " | ".join(cells) + " |")
            print(rows[-1], flush=True)
            ratio = _ratios(size, samples)
            if ratio:
                ratios.append(ratio)
                print(ratio, flush=True)
    scaling = layout_scaling(args.layout_sizes, args.runs) if args.layout_sizes else []
    counted = layout_instructions(args.layout_sizes) if args.layout_instructions else []
    render = render_comparison(oracle, 200, args.runs, env) if oracle else ""
    if render:
        print(render, flush=True)
    start = cold_start(args.runs * 2)
    cold = (
        f"Cold start, whole command (median of {args.runs * 2} rounds of the four commands in "
        "turn, bytecode cached as in an installed copy, parser cache warm): "
        f"`archdsl validate examples/aws-order-pipeline.mmd` {start['validate'] * 1000:,.0f} ms; "
        f"`archdsl --help` {start['help'] * 1000:,.0f} ms; "
        f"`python -c 'import pydantic'` {start['import_pydantic'] * 1000:,.0f} ms "
        f"(ratio {start['ratio']:.2f}×, the median of the rounds' ratios); "
        f"`python -c pass` {start['python'] * 1000:,.0f} ms (the floor: this environment's "
        "`.pth` files included). "
        f"CPU time (user + system): validate {start['validate_cpu'] * 1000:,.0f} ms, "
        f"import pydantic {start['import_pydantic_cpu'] * 1000:,.0f} ms "
        f"(ratio {start['ratio_cpu']:.2f}×), "
        f"python -c pass {start['python_cpu'] * 1000:,.0f} ms."
    )
    print(cold)
    machine = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
    document = "\n".join(
        [
            "# Benchmarks",
            "",
            f"Generated by `python3 benchmarks/run.py` on {time.strftime('%Y-%m-%d')} ({machine}).",
            "On a shared machine absolute times drift between runs (by half or more); compare",
            "the ratios, for which both sides run in the same rounds.",
            "Cells: median wall time of the stage inside one process (after `import archdsl.api`;",
            "the lazy imports and parser set-up of a first call are included, with Python's",
            "bytecode cache filled as in an installed copy) / peak RSS",
            "of that process. Diagrams from `benchmarks/generate.py` (~1.5 edges per service,",
            'groups, junctions, titles). "merman validate (peer)": the PyPI `merman` package',
            "(Rust re-implementation of Mermaid, Python bindings), `Merman().validate(text, None)`",
            'in-process, imports excluded, like archdsl\'s stages. "mermaid parse / validate":',
            "the whole Node command of the oracle (Node start-up included). svg, png and",
            f"cloudformation are skipped above {args.render_limit:,} services (`--render-limit`);",
            "png: at the SVG's size, or, where that passes the 50-million-pixel limit, at the",
            "largest `--scale` that fits (shown), as the limit's message suggests.",
            '"refused (size limit)": the back-end declined with its own limit.',
            "",
            *rows,
            "",
            *(f"- {ratio}" for ratio in ratios),
            "",
            cold,
            "",
            *([render, ""] if render else []),
            *(
                [
                    "## Layout as diagrams grow",
                    "",
                    "CPU time of `layout()` alone (best of the runs, in a fresh process),",
                    "on the same generated diagrams. A third of their edges join random",
                    "services, so the drawn edge length grows about n^1.5, but routing work",
                    "grows more slowly (see README, Performance): the last column, layout",
                    "CPU per pixel of edge drawn, falls as the diagrams grow.",
                    "",
                    *scaling,
                    "",
                ]
                if scaling
                else []
            ),
            *(
                [
                    "Instructions executed by `layout()` (valgrind's callgrind; runs agree to",
                    "within a millionth, free of the machine's timing noise, which the CPU",
                    "times above are not; memory caches make time per instruction rise a",
                    "little with size). `--layout-instructions` adds this table.",
                    "",
                    *counted,
                    "",
                ]
                if counted
                else []
            ),
        ]
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(document, encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
