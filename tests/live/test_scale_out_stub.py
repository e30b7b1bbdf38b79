"""Scale-out with the OCR stand-in: 8 worker processes over 16 partitions of real Kafka, with real MinIO and
Elasticsearch, each file taking a fixed time in the pipeline. The processing span must come within 10 %
of the ideal: the time one worker alone takes per file (the stand-in's delay plus the real round trips to
the store, index and bus), times the files, over the eight workers. Eight processes on any number of
cores lose nothing to each other, to the group or to idle partitions.

The files are chosen so that every partition holds the same number of them: with keys hashed onto
partitions, a random set leaves some consumers ~8 % more work than others, which is the key
distribution's cost, not the workers'; the test measures the workers. It also reports how long the
group took to form (start to first file processed) and the span against the stand-in's delay alone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kafka.partitioner.default import murmur2

from tests.conftest import ROOT
from tests.unit.fake_pipeline import fake_file
from workers.context import Context
from workers.ingest import ingest_paths
from workers.ports import SearchQuery
from workers.settings import Settings
from workers.textnorm import squash

pytestmark = [pytest.mark.live, pytest.mark.slow]

FILES = int(os.environ.get("SOHOA_SCALE_FILES", "800"))  # SOHOA_SCALE_FILES=2000 for the full run
WORKERS = 8
PARTITIONS = 16
DELAY = float(os.environ.get("SOHOA_SCALE_DELAY", "1.0"))
BASELINE = 48  # files one worker processes alone to measure its time per file

_CHILD = """
import sys
from tests.unit.fake_pipeline import fake_process
from workers import cli, worker
worker.process = fake_process
sys.exit(cli.main(sys.argv[1:]))
"""


def _partition(doc_id: str) -> int:
    """The partition Kafka's default partitioner gives the key ``doc_id``."""
    return (murmur2(doc_id.encode()) & 0x7FFFFFFF) % PARTITIONS


def _balanced_files(folder: Path, count: int, tag: str) -> None:
    """``count`` stand-in scans whose SHA-256 ids spread evenly over the partitions."""
    import hashlib

    folder.mkdir()
    room = {p: count // PARTITIONS for p in range(PARTITIONS)}
    salt = 0
    written = 0
    while written < count:
        data = fake_file(f"{tag} {written} {salt}".encode())
        salt += 1
        part = _partition(hashlib.sha256(data).hexdigest())
        if room[part] == 0:
            continue
        room[part] -= 1
        (folder / f"f{written:05d}.png").write_bytes(data)
        written += 1


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_") or k.startswith("SOHOA_TEST_")}
    for name, value in settings.model_dump(exclude={"limits"}).items():
        if value is not None:
            env[f"SOHOA_{name.upper()}"] = str(value)
    return env | {"FAKE_PIPELINE_DELAY": str(DELAY)}


def _run_batch(
    settings: Settings, ctx: Context, folder: Path, batch: str, workers: int, log_path: Path
) -> tuple[float, float]:
    """Ingest ``folder`` as ``batch``, run ``workers`` processes until every file is indexed; returns
    (processing span: first file started to last processed, seconds from start to the first file)."""
    report = ingest_paths(ctx, [folder], batch=batch)
    count = len({f.doc_id for f in report.files})
    started = time.time()
    with log_path.open("w") as log_file:  # a file, not a pipe: a full pipe would stop the workers
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, "worker", "-j", str(workers)],
            cwd=ROOT,
            env=_env(settings),
            stdout=subprocess.DEVNULL,
            stderr=log_file,
            text=True,
        )
    try:
        deadline = time.monotonic() + count * DELAY * 3 / workers + 180
        done = 0
        while time.monotonic() < deadline and proc.poll() is None:
            stats = ctx.index.batch_stats([batch])
            done = stats[0].counts.get("indexed", 0) if stats else 0
            if done == count:
                break
            time.sleep(1)
    finally:
        _stop(proc)
    if done != count:
        log = log_path.read_text(errors="replace")
        pytest.fail(f"{done} of {count} indexed; worker log:\n{log[:3000]}\n…\n{log[-3000:]}")
    rows = list(ctx.index.records(SearchQuery(batch=batch, fields=("started_at", "processed_at"))))
    first = min(_seconds(r["started_at"]) for r in rows)
    last = max(_seconds(r["processed_at"]) for r in rows)
    return last - first, first - started


def test_eight_workers_over_sixteen_partitions_within_ten_percent_of_ideal(
    cluster_settings: Settings, tmp_path: Path
) -> None:
    """Ideal: what one worker takes per file (the stand-in's delay plus the real store, index and bus
    round trips, measured on a first batch), times the files, over the eight workers."""
    assert FILES % PARTITIONS == 0
    settings = cluster_settings.model_copy(update={"topic_partitions": PARTITIONS})
    _balanced_files(tmp_path / "alone", BASELINE, tag="alone")
    _balanced_files(tmp_path / "scans", FILES, tag="scale")
    ctx = Context.open(settings)
    try:
        alone, _ = _run_batch(settings, ctx, tmp_path / "alone", "alone", 1, tmp_path / "alone.log")
        per_file = alone / BASELINE
        span, formed = _run_batch(settings, ctx, tmp_path / "scans", "scale-out", WORKERS, tmp_path / "workers.log")
        ideal = FILES * per_file / WORKERS
        print(
            squash(
                f"scale-out: {FILES} files, {WORKERS} workers, {PARTITIONS} partitions, stand-in {DELAY} s per "
                f"file; one worker {per_file:.3f} s per file; processing span {span:.1f} s, ideal {ideal:.1f} s "
                f"({span / ideal:.3f} x; {span / (FILES * DELAY / WORKERS):.3f} x the stand-in's delay alone); "
                f"first file started {formed:.1f} s after the workers did"
            )
        )
        assert span <= ideal * 1.10, f"span {span:.1f} s is more than 10 % over the ideal {ideal:.1f} s"
    finally:
        ctx.index.drop()
        ctx.close()


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _seconds(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso).timestamp()
