"""Where reading a document spends its time, and the work it no longer does: stage times carried on the
result, quarter turns decided from line profiles, the cheaper paper-brightness maximum. Real Tesseract."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image

from tests.unit.test_ocr import _lines, overlap, png_file, render_page
from workers.pipeline import prepare, tesseract
from workers.pipeline.ocr import read_document
from workers.pipeline.process import process
from workers.pipeline.stages import READ_STAGES, StageClock
from workers.settings import Settings


def test_a_read_carries_the_seconds_of_each_stage(tmp_path: Path, settings: Settings) -> None:
    path = png_file(render_page(_lines()), tmp_path / "page.png")
    started = time.perf_counter()
    result = read_document(path, tmp_path / "work", settings)
    wall = time.perf_counter() - started
    assert {"sniff", "render", "prepare", "recognition", "pdf"} <= set(result.stages) <= set(READ_STAGES)
    assert "orientation" not in result.stages  # an upright page is never sent to orientation detection
    assert all(v >= 0 for v in result.stages.values())
    assert sum(result.stages.values()) <= wall + 0.01  # one page, one thread: the stages do not overlap
    assert result.stages["recognition"] > 0.5 * sum(result.stages.values())  # Tesseract's time dominates
    assert result.stage_cpu["recognition"] > 0.05  # the recognizer's own CPU seconds, reported by it


def test_the_worker_sees_the_read_stages(tmp_path: Path, settings: Settings) -> None:
    path = png_file(render_page(_lines()), tmp_path / "page.png")
    done = process(path, tmp_path / "work", settings)
    assert done.stages["read.recognition"] > 0 and done.stages["read.recognition_cpu"] > 0
    assert done.stages["read.recognition"] <= done.stages["read"]


@pytest.mark.parametrize(
    ("transpose", "expected"), [(Image.Transpose.ROTATE_90, 90), (Image.Transpose.ROTATE_270, 270)]
)
def test_a_full_sideways_page_is_turned_the_right_way_without_orientation_detection(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch, transpose: Image.Transpose, expected: int
) -> None:
    def no_osd(*args: object, **kwargs: object) -> None:
        raise AssertionError("a full page should be turned from its line profiles alone")

    monkeypatch.setattr(tesseract, "orientation", no_osd)
    lines = _lines() * 2
    page = render_page(lines, size_in=(8.27, 9.0)).transpose(transpose)
    result = read_document(png_file(page, tmp_path / "sideways.png"), tmp_path / "work", settings)
    assert result.pages[0].rotation == expected
    assert overlap("\n".join(lines), result.text) >= 0.85
    assert "orientation" not in result.stages


def test_the_window_maximum_is_the_square_window_maximum() -> None:
    rng = np.random.default_rng(7)
    for shape in [(1, 1), (2, 9), (5, 5), (292, 206)]:
        a = rng.random(shape) * 255
        square = sliding_window_view(np.pad(a, 2, mode="edge"), (5, 5)).max(axis=(2, 3))
        assert np.array_equal(prepare._window_max(a, 2), square)


def test_the_stage_clock_sums_and_survives_errors() -> None:
    clock = StageClock()
    with clock("prepare"):
        time.sleep(0.01)
    with pytest.raises(ValueError), clock("prepare"):
        raise ValueError("a failing page still counts its time")
    clock.add_cpu("recognition", 0.5)
    assert clock.totals()["prepare"] >= 0.01
    assert clock.cpu_totals()["recognition"] == 0.5 and clock.totals()["recognition"] == 0.0
