"""The long-lived recognizer (one Tesseract child that keeps ``vie`` loaded): the same output as one
``tesseract`` process per page, and a timeout or crash on one page fails only that page's document.
Real Tesseract; each test reads a few small pages."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import make_settings
from tests.unit.test_ocr import _lines, overlap, png_file, render_page
from workers.errors import ConfigError, PermanentError, TransientError
from workers.pipeline import prepare, recognizer, tesseract
from workers.pipeline.ocr import read_document
from workers.settings import Limits

ENV = {**{k: v for k, v in os.environ.items() if not k.startswith("OMP_")}, "OMP_THREAD_LIMIT": "1"}
OTHER_LINES = [
    "Số: 1429/QĐ-UBND ngày 12 tháng 3 năm 2024",
    "QUYẾT ĐỊNH về việc cấp giấy phép bán buôn rượu",
    "Điều 1. Cấp giấy phép cho Công ty TNHH Thương mại Hòa Bình.",
]


@pytest.fixture(autouse=True)
def _fresh_pool() -> Iterator[None]:
    recognizer.close_all()
    yield
    recognizer.close_all()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two different black-and-white page images, as the pipeline hands them to Tesseract."""
    out = tmp_path_factory.mktemp("pages")
    paths = []
    for i, lines in enumerate((_lines(), OTHER_LINES)):
        bw, _ = prepare.clean(render_page(lines), 200)
        path = out / f"page{i}.pbm"
        bw.save(path)
        paths.append(path)
    return paths


def _pdf_body(path: Path) -> bytes:
    """A text-only PDF page without its creation date (the only byte that differs between two runs)."""
    return b"\n".join(line for line in path.read_bytes().split(b"\n") if b"/CreationDate" not in line)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_one_recognizer_reads_page_after_page_as_one_process_per_page_does(tmp_path: Path, pages: list[Path]) -> None:
    order = [pages[0], pages[1], pages[0]]
    with recognizer.session("vie", 1536, ENV) as rec:
        pid = rec.pid
        done = [
            rec.read(p, tmp_path / f"long{i}", dpi=200, pdf=True, timeout=60, cancel=None) for i, p in enumerate(order)
        ]
    for i, page in enumerate(order):
        tesseract.ocr_once(page, tmp_path / f"once{i}", lang="vie", dpi=200, timeout=60, memory_mb=1536, pdf=True)
        assert (tmp_path / f"long{i}.tsv").read_bytes() == (tmp_path / f"once{i}.tsv").read_bytes()
        assert _pdf_body(tmp_path / f"long{i}.pdf") == _pdf_body(tmp_path / f"once{i}.pdf")
    assert all(d.cpu > 0 for d in done)
    # The words really are the page's (not an empty TSV on both sides).
    words = tesseract.parse_tsv((tmp_path / "long1.tsv").read_text(encoding="utf-8"))
    assert overlap("\n".join(OTHER_LINES), " ".join(w.text for w in words)) > 0.8
    # The same process read all three pages, and is kept for the next ones.
    with recognizer.session("vie", 1536, ENV) as rec:
        assert rec.pid == pid


def test_a_page_over_its_time_kills_the_recognizer_and_the_next_page_gets_a_new_one(
    tmp_path: Path, pages: list[Path]
) -> None:
    with recognizer.session("vie", 1536, ENV) as rec:
        first = rec.pid
        with pytest.raises(PermanentError) as err:
            rec.read(pages[0], tmp_path / "slow", dpi=200, pdf=False, timeout=0.05, cancel=None)
    assert err.value.code == "page_timeout"
    assert not _alive(first)
    out = tesseract.ocr(pages[1], tmp_path / "next", lang="vie", dpi=200, timeout=60, memory_mb=1536)
    assert overlap("\n".join(OTHER_LINES), " ".join(w.text for w in out.words)) > 0.8
    with recognizer.session("vie", 1536, ENV) as rec:
        assert rec.pid != first


def test_a_crash_fails_that_page_only_and_the_next_page_is_read(tmp_path: Path, pages: list[Path]) -> None:
    with recognizer.session("vie", 1536, ENV) as rec:
        victim = rec.pid
        threading.Timer(0.3, os.kill, (victim, signal.SIGKILL)).start()
        with pytest.raises(TransientError):
            rec.read(pages[0], tmp_path / "crash", dpi=200, pdf=True, timeout=60, cancel=None)
    out = tesseract.ocr(pages[0], tmp_path / "after", lang="vie", dpi=200, timeout=60, memory_mb=1536)
    assert overlap("\n".join(_lines()), " ".join(w.text for w in out.words)) > 0.8


def test_cancel_stops_the_page_at_once(tmp_path: Path, pages: list[Path]) -> None:
    cancel = threading.Event()
    with recognizer.session("vie", 1536, ENV) as rec:
        threading.Timer(0.2, cancel.set).start()
        started = time.monotonic()
        with pytest.raises(InterruptedError):
            rec.read(pages[0], tmp_path / "cancelled", dpi=200, pdf=False, timeout=60, cancel=cancel)
        stopped = time.monotonic() - started
    # Cancellation is looked at every 0.25 s; reading the page takes several times longer than that.
    assert stopped < 1.0
    assert not _alive(rec.pid)


def _recognizer_children() -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == os.getpid() and recognizer.SERVER.name.encode() in cmdline:
            found.append(int(proc.name))
    return found


def test_a_recognizer_crash_fails_only_the_document_it_was_reading(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home", ocr_jobs=1)
    good = png_file(render_page(_lines()), tmp_path / "good.png")
    other = png_file(render_page(OTHER_LINES), tmp_path / "other.png")
    before = read_document(good, tmp_path / "w1", settings)
    [pid] = _recognizer_children()  # the warm recognizer, idle in the pool

    def kill_when_busy() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # the child reads the page's image once it is handed over
            fds = [os.readlink(f) for f in Path(f"/proc/{pid}/fd").iterdir() if f.name.isdigit()]
            if any(".pbm" in fd for fd in fds) or any(".tsv" in fd for fd in fds):
                os.kill(pid, signal.SIGKILL)
                return
            time.sleep(0.01)
        os.kill(pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_when_busy)
    killer.start()
    with pytest.raises(TransientError):
        read_document(other, tmp_path / "w2", settings)
    killer.join()
    # The next documents are read by a new recognizer, with the text one process per page gives.
    again = read_document(good, tmp_path / "w3", settings)
    assert again.text == before.text and overlap("\n".join(_lines()), again.text) > 0.8
    assert overlap("\n".join(OTHER_LINES), read_document(other, tmp_path / "w4", settings).text) > 0.8
    assert pid not in _recognizer_children()


def test_a_timeout_fails_only_that_document(tmp_path: Path) -> None:
    good = png_file(render_page(_lines()), tmp_path / "good.png")
    normal = make_settings(tmp_path / "home", ocr_jobs=1)
    hurried = make_settings(tmp_path / "home", ocr_jobs=1, limits=Limits(page_seconds=0.05))
    first = read_document(good, tmp_path / "w1", normal)
    with pytest.raises(PermanentError) as err:
        read_document(good, tmp_path / "w2", hurried)
    assert err.value.code == "page_timeout"
    assert read_document(good, tmp_path / "w3", normal).text == first.text


def test_the_pipeline_gives_the_same_text_without_the_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = png_file(render_page(_lines()), tmp_path / "good.png")
    settings = make_settings(tmp_path / "home", ocr_jobs=1)
    kept = read_document(good, tmp_path / "w1", settings)

    def no_library(*_args: object, **_kwargs: object) -> Iterator[recognizer.Recognizer]:
        raise recognizer.Unavailable("test: library missing")

    monkeypatch.setattr(recognizer, "session", no_library)
    fallback = read_document(good, tmp_path / "w2", settings)
    assert fallback.text == kept.text and overlap("\n".join(_lines()), kept.text) > 0.8
    assert fallback.searchable_pdf is not None and fallback.searchable_pdf.stat().st_size > 0


def test_a_forked_process_does_not_use_or_stop_its_parents_recognizers(tmp_path: Path, pages: list[Path]) -> None:
    with recognizer.session("vie", 1536, ENV) as rec:
        pid = rec.pid
    child = os.fork()
    if child == 0:  # the forked process: an empty pool of its own; leaving it must not stop the parent's
        os._exit(0 if not recognizer._POOL.idle else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    with recognizer.session("vie", 1536, ENV) as rec:
        assert rec.pid == pid and rec.alive
        rec.read(pages[1], tmp_path / "after_fork", dpi=200, pdf=False, timeout=60, cancel=None)
    words = tesseract.parse_tsv((tmp_path / "after_fork.tsv").read_text(encoding="utf-8"))
    assert overlap("\n".join(OTHER_LINES), " ".join(w.text for w in words)) > 0.8


def test_variables_are_set_in_the_child_and_a_recognizer_is_reused_only_with_the_same_ones(
    tmp_path: Path, pages: list[Path]
) -> None:
    with recognizer.session("vie", 1536, ENV, tesseract.PAGE_VARIABLES) as rec:
        first = rec.pid
        rec.read(pages[1], tmp_path / "with", dpi=200, pdf=False, timeout=60, cancel=None)
    with recognizer.session("vie", 1536, ENV, {"tessedit_char_whitelist": "0123456789"}) as rec:
        assert rec.pid != first  # other variables, another child
        rec.read(pages[1], tmp_path / "digits", dpi=200, pdf=False, timeout=60, cancel=None)
    with recognizer.session("vie", 1536, ENV, tesseract.PAGE_VARIABLES) as rec:
        assert rec.pid == first
    digits = " ".join(w.text for w in tesseract.parse_tsv((tmp_path / "digits.tsv").read_text(encoding="utf-8")))
    assert digits and set(digits) <= set("0123456789 ")  # the variable took effect in that child
    with pytest.raises(ConfigError, match="no_such_variable"):
        recognizer.Recognizer("vie", 1536, ENV, {"no_such_variable": "1"})
