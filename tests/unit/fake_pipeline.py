"""A stand-in for the OCR pipeline in unit tests: fast, deterministic, and able to fail on purpose."""

from __future__ import annotations

import os
import time
from pathlib import Path

from workers.errors import input_error
from workers.pipeline.process import Processed
from workers.pipeline.types import Analysis, PageText, ReadResult
from workers.settings import Settings

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def fake_file(text: bytes) -> bytes:
    """Bytes that pass the upload check as a PNG and carry ``text`` for the fake pipeline."""
    return PNG_MAGIC + text if text else b""


def fake_process(path: Path, workdir: Path, settings: Settings, progress: object = None) -> Processed:
    data = path.read_bytes().removeprefix(PNG_MAGIC)
    if data.startswith(b"BAD"):
        raise input_error("corrupt_file", "fake pipeline: marked bad")
    if data.startswith(b"BUG"):
        raise RuntimeError("fake pipeline bug")
    if data.startswith(b"HOG"):  # a file that needs far more memory than a page may take
        hog = bytearray(2048 * 1024 * 1024)
        hog[-1] = 1
    delay = float(os.environ.get("FAKE_PIPELINE_DELAY", "0"))
    if delay:
        time.sleep(delay)
    log = os.environ.get("FAKE_PIPELINE_LOG")
    if log:
        with open(log, "a") as out:
            out.write(data.decode("utf-8", "replace").splitlines()[0] + "\n")
    text = data.decode("utf-8", "replace")
    pdf = workdir / "out.pdf"
    pdf.write_bytes(b"%PDF-1.4 fake")
    read = ReadResult(kind="png", pages=[PageText(1, text, "ocr", confidence=91.0)], searchable_pdf=pdf)
    analysis = Analysis(doc_type="giay_phep", doc_type_confidence=0.9, field="ruou", so_ky_hieu="1/GP-SCT")
    return Processed(read=read, analysis=analysis, seconds=0.01)
