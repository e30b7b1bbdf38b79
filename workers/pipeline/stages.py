"""Where the time of reading a document goes: wall-clock seconds per named stage, summed over its pages
(and over the threads that read them), carried on :class:`~workers.pipeline.types.ReadResult`.

Cheap enough to stay on: one ``perf_counter`` pair and a lock per stage of a page. The stages of the OCR
stage are :data:`READ_STAGES`; ``scripts/bench_ocr`` prints them per page beside the worker's own
(``analyze``, ``store``, ``index``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

READ_STAGES = ("sniff", "render", "prepare", "orientation", "recognition", "pdf")
"""``sniff``: type, size, page structure and text layers of the file; ``render``: a page's pixels
(decoded, extracted or rasterised); ``prepare``: black and white, geometry, deskew, the scan for the PDF;
``orientation``: Tesseract's orientation detection; ``recognition``: Tesseract reading the page, and its
words put in reading order; ``pdf``: assembling the searchable PDF."""


class StageClock:
    """Wall-clock and CPU seconds per stage, summed. Thread-safe.

    CPU is the timing thread's own (``time.thread_time``), plus what :meth:`add_cpu` adds for work done
    in a child process that reports it (the recognizer); other child processes' CPU is not counted.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wall: dict[str, float] = {}
        self._cpu: dict[str, float] = {}

    def add(self, stage: str, wall: float, cpu: float = 0.0) -> None:
        with self._lock:
            self._wall[stage] = self._wall.get(stage, 0.0) + wall
            self._cpu[stage] = self._cpu.get(stage, 0.0) + cpu

    def add_cpu(self, stage: str, cpu: float) -> None:
        self.add(stage, 0.0, cpu)

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        """Time the block as ``stage`` (also when it raises)."""
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            yield
        finally:
            self.add(stage, time.perf_counter() - wall, time.thread_time() - cpu)

    def totals(self) -> dict[str, float]:
        """Wall-clock seconds per stage, rounded to milliseconds."""
        with self._lock:
            return {stage: round(seconds, 3) for stage, seconds in self._wall.items()}

    def cpu_totals(self) -> dict[str, float]:
        """CPU seconds per stage (see the class), rounded to milliseconds."""
        with self._lock:
            return {stage: round(seconds, 3) for stage, seconds in self._cpu.items()}
