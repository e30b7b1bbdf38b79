"""Raw line images (``workers/pipeline/_rawlines.c``): built from source here, loaded into the recognizer,
used on every text line, and the same TSV and PDF as the ``tesseract`` command line without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.unit.test_ocr import _lines, render_page
from tests.unit.test_recognizer import ENV, _fresh_pool, _pdf_body  # noqa: F401 - _fresh_pool is autouse
from workers.pipeline import prepare, rawlines, recognizer, tesseract

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not rawlines.compiler() and not IN_CI:
        pytest.skip("no C compiler on this machine")
    return rawlines.build(tmp_path_factory.mktemp("rawlines") / "rawlines-test.so")


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    bw, _ = prepare.clean(render_page(_lines()), 200)
    path = tmp_path_factory.mktemp("page") / "page.pbm"
    bw.save(path)
    return path


def test_setup_built_the_library_for_the_current_source() -> None:
    if not IN_CI and rawlines.find({}) is None:
        pytest.skip("not built here: run python -m workers.pipeline.rawlines")
    assert rawlines.find({}) == rawlines.built()
    assert rawlines.built().name.startswith("_rawlines-") and rawlines.ready(rawlines.built())


def test_lines_are_passed_raw_and_the_output_is_the_command_lines(tmp_path: Path, library: Path, page: Path) -> None:
    with recognizer.session("vie", 1536, {**ENV, rawlines.ENV: str(library)}) as rec:
        assert rec.rawlines
        done = rec.read(page, tmp_path / "raw", dpi=200, pdf=True, timeout=60, cancel=None)
    assert done.raw_lines >= len(_lines())  # every text line went through the library
    tesseract.ocr_once(page, tmp_path / "cli", lang="vie", dpi=200, timeout=60, memory_mb=1536, pdf=True)
    assert (tmp_path / "raw.tsv").read_bytes() == (tmp_path / "cli.tsv").read_bytes()
    assert _pdf_body(tmp_path / "raw.pdf") == _pdf_body(tmp_path / "cli.pdf")
    words = tesseract.parse_tsv((tmp_path / "raw.tsv").read_text(encoding="utf-8"))
    assert len([w for w in words if w.text.strip()]) > 20


def test_off_means_without(tmp_path: Path, page: Path) -> None:
    with recognizer.session("vie", 1536, {**ENV, rawlines.ENV: "off"}) as rec:
        assert not rec.rawlines
        done = rec.read(page, tmp_path / "plain", dpi=200, pdf=False, timeout=60, cancel=None)
    assert done.raw_lines == 0 and done.cpu > 0


def test_a_library_that_does_not_load_is_logged_and_ocr_goes_on_without_it(
    tmp_path: Path, page: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recognizer._POOL, "raw_lines", True)  # this process's verdict, restored after the test
    broken = tmp_path / "broken.so"
    broken.write_bytes(b"\x7fELF not really")
    env = {**ENV, rawlines.ENV: str(broken)}
    with pytest.raises(recognizer.RawlinesFailed, match="rawlines --force"):
        recognizer.Recognizer("vie", 1536, env)
    with recognizer.session("vie", 1536, env) as rec:
        assert not rec.rawlines
        done = rec.read(page, tmp_path / "without", dpi=200, pdf=False, timeout=60, cancel=None)
    assert done.raw_lines == 0 and (tmp_path / "without.tsv").stat().st_size > 0
    assert "raw line images library not loaded" in caplog.text and "rawlines --force" in caplog.text
    assert not recognizer._POOL.raw_lines  # the next recognizers of this process start without it at once


def test_the_built_name_follows_the_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "_rawlines.c"
    source.write_text("int x;\n")
    monkeypatch.setattr(rawlines, "SOURCE", source)
    first = rawlines.built()
    source.write_text("int y;\n")
    assert rawlines.built() != first and rawlines.built().parent == tmp_path
    assert rawlines.find({}) is None  # nothing built for this source
    assert rawlines.find({rawlines.ENV: str(tmp_path / "missing.so")}) is None
