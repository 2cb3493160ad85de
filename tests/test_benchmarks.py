"""The benchmark harness's own bookkeeping (its timings are never asserted)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from benchmarks import run
from benchmarks.generate import generate


def test_summary_takes_the_median_time_and_the_highest_peak() -> None:
    rounds: list[dict[str, float] | None] = [
        {"seconds": 0.3, "peak_mb": 40.0},
        {"seconds": 0.1, "peak_mb": 45.0},
        {"seconds": 0.2, "peak_mb": 41.0},
    ]
    assert run._summary(rounds) == {"seconds": 0.2, "peak_mb": 45.0}


def test_summary_says_why_a_stage_has_no_time() -> None:
    assert run._summary([None]) is None
    assert run._summary([{"refused": 1.0}]) == {"refused": 1.0}
    assert run._fmt(run._summary([{"error": 1.0}])) == "failed"
    assert run._fmt(run._summary([{"refused": 1.0}])) == "refused (size limit)"
    assert run._fmt(None) == "n/a"


def test_ratios_are_medians_of_the_rounds_ratios() -> None:
    samples: dict[str, list[Any]] = {
        "validate": [{"seconds": 1.0, "peak_mb": 1.0}, {"seconds": 3.0, "peak_mb": 1.0}],
        "mermaid_parse": [2.0, 2.0],
        # A round whose two sides both ran slow keeps its ratio: 1.0/2.0 and 3.0/6.0.
        "merman": [{"seconds": 2.0, "peak_mb": 1.0}, {"seconds": 6.0, "peak_mb": 1.0}],
    }
    sentence = run._ratios(10, samples)
    assert "0.50× merman's validate" in sentence
    assert "1.00× Mermaid's parser" in sentence


def test_no_ratio_without_a_validate_time() -> None:
    assert run._ratios(10, {"validate": [{"error": 1.0}], "mermaid_parse": [1.0]}) == ""
    assert run._ratios(10, {"validate": [None], "mermaid_parse": [1.0]}) == ""


def test_a_stage_runs_in_a_fresh_process_and_reports_time_and_memory(tmp_path: Path) -> None:
    path = tmp_path / "ten.mmd"
    path.write_text(generate(10), encoding="utf-8")
    result = run.run_stage("validate", path, None)
    assert result is not None
    assert result["seconds"] > 0 and result["peak_mb"] > 0


def test_a_png_past_the_pixel_limit_is_timed_at_the_largest_scale_that_fits(
    tmp_path: Path,
) -> None:
    from archdsl.api import parse
    from archdsl.emit.png import DEFAULT_MAX_PIXELS
    from archdsl.layout import layout

    small, large = tmp_path / "ten.mmd", tmp_path / "large.mmd"
    small.write_text(generate(10), encoding="utf-8")
    large.write_text(generate(400), encoding="utf-8")
    diagram = parse(large.read_text(encoding="utf-8")).diagram
    assert diagram is not None
    placed = layout(diagram)
    assert placed.width * placed.height > DEFAULT_MAX_PIXELS  # the case this is about

    at_full_size = run.run_stage("png", small, None)
    scaled = run.run_stage("png", large, None)
    assert at_full_size is not None and "scale" not in at_full_size
    assert scaled is not None and scaled["seconds"] > 0
    scale = scaled["scale"]
    fits = (DEFAULT_MAX_PIXELS / (placed.width * placed.height)) ** 0.5
    assert fits - 0.01 < scale <= fits
    summary = run._summary([scaled, scaled])
    assert summary is not None and summary["scale"] == scale
    assert run._fmt(summary).endswith(f"MB (scale {scale:.2f})")


def test_the_layout_script_reports_the_picture_and_the_drawn_length(tmp_path: Path) -> None:
    path = tmp_path / "ten.mmd"
    path.write_text(generate(10), encoding="utf-8")
    data = run.run_script(run.LAYOUT_SCRIPT, str(path))
    assert data is not None
    assert data["cpu"] > 0 and data["width"] > 0 and data["height"] > 0
    assert data["length"] > 0


def test_the_layout_table_has_a_row_per_size_then_the_overall_growth() -> None:
    rows = run.layout_scaling([20, 10, 20], 2)  # sorted, each size once
    assert rows[:2] == [
        "| services | layout CPU | exponent | picture (px) | drawn edge length (px) "
        "| CPU per px drawn |",
        "|---|---|---|---|---|---|",
    ]
    assert rows[2].startswith("| 10 | ") and rows[3].startswith("| 20 | ")
    assert rows[2].split(" | ")[2] == "–"
    float(rows[3].split(" | ")[2])  # an exponent: a number, whatever this machine's speed
    assert rows[4] == ""
    assert rows[5].startswith("From 10 to 20 services the layout CPU grows with exponent ")


def test_callgrinds_count_is_read_from_its_report() -> None:
    report = "==123== Events    : Ir\n==123== Collected : 4037123456\n==123==\n==123== I   refs:"
    assert run.collected_instructions(report) == 4_037_123_456
    assert run.collected_instructions("valgrind: command not found") is None


def test_instructions_are_counted_by_callgrind_when_there_is_one() -> None:
    # Without valgrind the harness says so and leaves the table out.
    if shutil.which("valgrind") is None:
        assert run.layout_instructions([10, 20]) == []
        return
    small = run.count_instructions("pass")
    larger = run.count_instructions("sum(range(2_000_000))")
    assert small is not None and larger is not None
    assert 0 < small < larger


def test_the_instruction_table_takes_the_layout_as_the_difference_of_two_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def counted(script: str, path: str, what: str) -> int:
        services = int(Path(path).stem.split("-")[1])
        return 10**9 + (services * 2_000_000 if what == "layout" else 0)

    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/" + name)
    monkeypatch.setattr(run, "count_instructions", counted)
    assert run.layout_instructions([400, 100, 200]) == [
        "| services | layout instructions | exponent |",
        "|---|---|---|",
        "| 100 | 200 M | – |",
        "| 200 | 400 M | 1.00 |",
        "| 400 | 800 M | 1.00 |",
        "",
        "From 100 to 400 services the layout's instruction count grows with exponent 1.00"
        " (n log n: 1.19).",  # 4 x ln 400 / ln 100 = 5.20 = 4 ** 1.19
    ]


def test_the_overall_layout_growth_stands_beside_n_log_n() -> None:
    # Linear time: exponent 1; n log n over 250 to 4,000 grows as 4,000 ln 4,000 over
    # 250 ln 250, 16 x 1.502, whose exponent over a factor of 16 is 1.147.
    line = run.overall_growth((250, 0.1), (4_000, 1.6))
    assert line == (
        "From 250 to 4,000 services the layout CPU grows with exponent 1.00 (n log n: 1.15)."
    )
    assert "exponent 2.00" in run.overall_growth((100, 1.0), (1_000, 100.0))


def test_the_render_comparison_takes_medians_of_each_rounds_ratios() -> None:
    rounds = [
        {"cold": 0.3, "first": 0.2, "warm": 0.1, "mermaid_first": 2.0, "mermaid_warm": 1.0},
        # A slow round on both sides keeps its ratios (0.1 and 0.1, not 0.4 / 2.0).
        {"cold": 1.2, "first": 0.8, "warm": 0.4, "mermaid_first": 8.0, "mermaid_warm": 4.0},
        {"cold": 0.5, "first": 0.5, "warm": 0.2, "mermaid_first": 2.5, "mermaid_warm": 1.0},
    ]
    sentence = run.render_summary(rounds, 200)
    assert "Render 200 services" in sentence and "3 rounds" in sentence
    assert "archdsl 500 ms, Mermaid 2,500 ms, **0.10×**" in sentence  # first, core loaded
    assert "Pydantic's included: 500 ms, 0.15×" in sentence
    assert "archdsl 200 ms, Mermaid 1,000 ms, **0.10×**" in sentence  # warm


def test_the_render_script_times_a_first_and_a_warm_render(tmp_path: Path) -> None:
    path = tmp_path / "ten.mmd"
    path.write_text(generate(10), encoding="utf-8")
    data = run.run_script(run.RENDER_SCRIPT, str(path), "2")
    assert data is not None
    assert data["first"] > 0 and data["warm"] > 0
