"""archdsl's benchmark harness: one command, a table, ``docs/benchmarks.md``.

    python3 benchmarks/run.py                 # 10 / 100 / 1,000 / 10,000 services
    python3 benchmarks/run.py --sizes 100 1000 --runs 5
    python3 benchmarks/run.py --oracle /tmp/mermaid-oracle   # add Mermaid's own times

Each measurement runs in a fresh Python process (so peak memory is the stage's
own), several times; the table shows the median wall time and the peak RSS.
Stages that are not available in this build (a back-end not installed) are
shown as "n/a" rather than failing the run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from benchmarks.generate import generate  # noqa: E402

STAGE_SCRIPT = r"""
import json, resource, sys, time
stage, path = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
import archdsl.api as api
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
        from archdsl.emit.png import render_png
        render_png(api.parse(text, path).diagram)
    elif stage == "cloudformation":
        from archdsl.emit.cloudformation import to_cloudformation
        to_cloudformation(api.parse(text, path).diagram)
    else:
        raise SystemExit(f"unknown stage {stage}")
start = time.perf_counter()
try:
    run()
except ImportError as error:
    print(json.dumps({"unavailable": str(error)}))
    raise SystemExit(0)
seconds = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024}))
"""

STAGES = ("parse", "validate", "fmt", "svg", "png", "cloudformation")


def measure_stage(stage: str, path: Path, runs: int) -> dict[str, float] | None:
    """Median seconds and max peak MB of ``stage`` over ``runs`` fresh processes."""
    seconds: list[float] = []
    peaks: list[float] = []
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-c", STAGE_SCRIPT, stage, str(path)],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        if result.returncode != 0:
            return {"error": 1.0}
        data = json.loads(result.stdout.strip().splitlines()[-1])
        if "unavailable" in data:
            return None
        seconds.append(data["seconds"])
        peaks.append(data["peak_mb"])
    return {"seconds": statistics.median(seconds), "peak_mb": max(peaks)}


def time_command(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, cwd=REPO)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold_start(runs: int) -> dict[str, float]:
    example = str(REPO / "examples" / "aws-order-pipeline.mmd")
    archdsl = time_command([sys.executable, "-m", "archdsl", "validate", example], runs)
    help_ = time_command([sys.executable, "-m", "archdsl", "--help"], runs)
    pydantic = time_command([sys.executable, "-c", "import pydantic"], runs)
    return {"validate": archdsl, "help": help_, "import_pydantic": pydantic}


def oracle_times(oracle: Path, path: Path, runs: int) -> dict[str, float]:
    """Mermaid's parser alone and its full parse (whole command, Node start included)."""
    node = shutil.which("node")
    if node is None:
        return {}
    return {
        "mermaid_parse": time_command([node, str(oracle / "parse.mjs"), str(path)], runs),
        "mermaid_validate": time_command([node, str(oracle / "validate.mjs"), str(path)], runs),
    }


def _fmt(value: dict[str, float] | None) -> str:
    if value is None:
        return "n/a"
    if "error" in value:
        return "failed"
    return f"{value['seconds'] * 1000:,.0f} ms / {value['peak_mb']:,.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stages", nargs="+", default=list(STAGES), choices=STAGES)
    parser.add_argument(
        "--oracle", type=Path, help="a set-up Mermaid oracle folder (node_modules present)"
    )
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args()

    oracle = args.oracle
    if oracle is not None and not (oracle / "node_modules").is_dir():
        print(f"oracle at {oracle} is not set up (no node_modules): Mermaid's times are skipped")
        oracle = None
    elif oracle is None:
        print("no --oracle given: Mermaid's times are skipped")

    rows: list[str] = []
    header = ["services", *args.stages] + (["mermaid parse", "mermaid validate"] if oracle else [])
    rows.append("| " + " | ".join(header) + " |")
    rows.append("|" + "---|" * len(header))
    with tempfile.TemporaryDirectory() as scratch:
        for size in args.sizes:
            path = Path(scratch) / f"gen-{size}.mmd"
            path.write_text(generate(size), encoding="utf-8")
            cells = [f"{size:,}"]
            for stage in args.stages:
                cells.append(_fmt(measure_stage(stage, path, args.runs)))
            if oracle:
                times = oracle_times(oracle, path, args.runs)
                cells += [
                    f"{times.get(k, 0) * 1000:,.0f} ms"
                    for k in ("mermaid_parse", "mermaid_validate")
                ]
            rows.append("| " + " | ".join(cells) + " |")
            print(rows[-1], flush=True)
    start = cold_start(args.runs * 2)
    cold = (
        f"Cold start, whole command (median of {args.runs * 2}): "
        f"`archdsl validate examples/aws-order-pipeline.mmd` {start['validate'] * 1000:,.0f} ms; "
        f"`archdsl --help` {start['help'] * 1000:,.0f} ms; "
        f"`python -c 'import pydantic'` {start['import_pydantic'] * 1000:,.0f} ms "
        f"(ratio {start['validate'] / start['import_pydantic']:.2f}×)."
    )
    print(cold)
    machine = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
    document = "\n".join(
        [
            "# Benchmarks",
            "",
            f"Generated by `python3 benchmarks/run.py` on {time.strftime('%Y-%m-%d')} ({machine}).",
            "Cells: median wall time of the stage inside one process (imports excluded) / peak RSS",
            "of that process. Diagrams from `benchmarks/generate.py` (~1.5 edges per service,",
            "groups, junctions, titles).",
            "",
            *rows,
            "",
            cold,
            "",
        ]
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(document, encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
