"""One linear pipeline per document: read (text layer or OCR) -> analyze -> result.

Pure of bus, store and HTTP: it takes a local file and returns what to store and index. Raises
``PermanentError`` for bad input (with a stable code); everything else is a bug or a transient fault.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..settings import Settings
from .analyze import analyze
from .ocr import read_document
from .types import Analysis, ReadResult

log = logging.getLogger(__name__)
ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class Processed:
    read: ReadResult
    analysis: Analysis
    seconds: float
    stages: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each stage (``read``, ``analyze``), and within ``read`` in each of its own
    (``read.recognition`` ...: :attr:`ReadResult.stages`, summed over pages), with Tesseract's CPU
    seconds as ``read.recognition_cpu``."""


def process(path: Path, workdir: Path, settings: Settings, progress: ProgressFn | None = None) -> Processed:
    """Read and understand the document at ``path``; derived files are written into ``workdir``."""
    started = time.monotonic()
    if progress:
        progress("ocr", 0, 0)
    read = read_document(path, workdir, settings)
    read_done = time.monotonic()
    if progress:
        progress("classify", len(read.pages), len(read.pages))
    try:
        analysis = analyze(read.text)
    except Exception:
        # A bug in metadata extraction must not throw away the pages just read: keep the text, leave the
        # metadata empty (confidence 0 sends the document to the review queue) and log the bug.
        log.exception("analysis failed; document kept for review")
        analysis = Analysis(extra={"analysis_error": True})
    ended = time.monotonic()
    stages = {"read": round(read_done - started, 3), "analyze": round(ended - read_done, 3)}
    stages.update({f"read.{name}": seconds for name, seconds in read.stages.items()})
    if "recognition" in read.stage_cpu:
        stages["read.recognition_cpu"] = read.stage_cpu["recognition"]
    return Processed(read=read, analysis=analysis, seconds=round(ended - started, 3), stages=stages)
