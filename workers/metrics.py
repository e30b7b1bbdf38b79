"""Prometheus metrics of every Sohoa process, gathered in one place.

Workers, the pool and the API run in several processes, so the client library's multiprocess mode is
used: each process writes its values under one directory (``settings.home / "metrics"`` unless
``PROMETHEUS_MULTIPROC_DIR`` is set) and ``/metrics`` (the API, or a worker's own port) adds them up.
The directory must be chosen before the client library is imported, hence :func:`configure` at start-up
and the lazy import below. Label sets are bounded: outcomes, stable error codes, stage names, route
templates, status codes - never ids or file names.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from .errors import CATALOGUE
from .settings import Settings

STAGES = ("download", "read", "analyze", "store", "index")
_SECONDS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
_FAST = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)


def configure(settings: Settings) -> Path:
    """Choose the shared metrics directory for this process and its children (call before any metric)."""
    directory = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or settings.home / "metrics")
    directory.mkdir(parents=True, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
    return directory


class _Metrics:
    def __init__(self) -> None:
        from prometheus_client import Counter, Gauge, Histogram

        self.documents = Counter("sohoa_documents", "Documents by outcome and error code", ["outcome", "code"])
        self.pages = Counter("sohoa_pages", "Pages read, by route (ocr or text layer)", ["route"])
        self.document_seconds = Histogram("sohoa_document_seconds", "Seconds per document", buckets=_SECONDS)
        self.stage_seconds = Histogram("sohoa_stage_seconds", "Seconds per stage", ["stage"], buckets=_SECONDS)
        self.uploads = Counter("sohoa_uploads", "Uploaded files by status", ["status"])
        self.upload_bytes = Counter("sohoa_upload_bytes", "Bytes of accepted uploads")
        self.requests = Histogram(
            "sohoa_http_request_seconds", "API requests", ["method", "route", "status"], buckets=_FAST
        )
        self.search_seconds = Histogram("sohoa_search_seconds", "Search latency", buckets=_FAST)
        self.sse_streams = Gauge("sohoa_sse_streams", "Live progress streams open", multiprocess_mode="livesum")


@cache
def _metrics() -> _Metrics:
    return _Metrics()


def _code(code: str | None) -> str:
    return code if code in CATALOGUE else ("" if code is None else "other")


def document_done(
    outcome: str, code: str | None, seconds: float, stages: dict[str, float], pages: int, ocr: int
) -> None:
    """One document's outcome (from the worker's outcome line)."""
    m = _metrics()
    m.documents.labels(outcome=outcome, code=_code(code)).inc()
    if outcome == "indexed":
        m.document_seconds.observe(seconds)
        m.pages.labels(route="ocr").inc(ocr)
        m.pages.labels(route="text").inc(max(0, pages - ocr))
    for stage, value in stages.items():
        if stage in STAGES:
            m.stage_seconds.labels(stage=stage).observe(value)


def uploaded(status: str, size: int) -> None:
    m = _metrics()
    m.uploads.labels(status=status).inc()
    if status == "queued":
        m.upload_bytes.inc(size)


def request_done(method: str, route: str, status: int, seconds: float) -> None:
    _metrics().requests.labels(method=method, route=route, status=str(status)).observe(seconds)


def search_done(seconds: float) -> None:
    _metrics().search_seconds.observe(seconds)


def sse_streams(delta: int) -> None:
    _metrics().sse_streams.inc(delta)


def process_exited(pid: int) -> None:
    """Forget a dead process's live gauges (its counters stay counted). Nothing to do when this process
    was never given a shared metrics directory (a library caller that did not :func:`configure`)."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid)


_backlog_lock = threading.Lock()


def exposition(backlog: Callable[[], dict[str, dict[int, int]]] | None = None) -> tuple[bytes, str]:
    """The text format of every process's metrics, plus the bus backlog read now (``topic -> partition
    -> lag``, from ``backlog``) as ``sohoa_backlog``."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
    from prometheus_client.core import GaugeMetricFamily

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    if backlog is not None:
        read_lag = backlog

        class Backlog:
            def collect(self) -> Any:
                family = GaugeMetricFamily(
                    "sohoa_backlog", "Messages not yet acked (consumer lag)", labels=["topic", "partition"]
                )
                with _backlog_lock:
                    lags = read_lag()
                for topic, partitions in lags.items():
                    for partition, lag in partitions.items():
                        family.add_metric([topic, str(partition)], lag)
                yield family

        registry.register(Backlog())
    return generate_latest(registry), CONTENT_TYPE_LATEST
