"""Scale-out with the OCR stand-in: 8 worker processes over 16 partitions of real Kafka, with real MinIO and
Elasticsearch, each file taking a fixed time in the pipeline. The processing span must come within 10 %
of the ideal: the time one worker alone takes per file (the stand-in's delay plus the real round trips to
the store, index and bus), times the files, over the eight workers. Eight processes on any number of
cores lose nothing to each other, to the group or to idle partitions.

The stand-in takes 2 s per file, about what reading one 200 dpi page takes. With all four servers on the
test machine's one disk, eight workers make every store and index round trip slower than one worker
alone does (on a slow disk, 1 s per file came out 1.2-1.3 x the ideal, all of it in those round trips);
the test reports a worker's cycle per file alone and with eight at once, so that cost shows apart from
the workers'.

The files are chosen so that every partition holds the same number of them: with keys hashed onto
partitions, a random set leaves some consumers ~8 % more work than others, which is the key
distribution's cost, not the workers'; the test measures the workers. It also reports how long the
group took to form (start to first file processed) and the span against the stand-in's delay alone.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from itertools import pairwise
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

FILES = int(os.environ.get("SOHOA_SCALE_FILES", "400"))  # SOHOA_SCALE_FILES=2000 for the full run
WORKERS = 8
PARTITIONS = 16
DELAY = float(os.environ.get("SOHOA_SCALE_DELAY", "2.0"))
BASELINE = 32  # files one worker processes alone to measure its time per file (a multiple of PARTITIONS)

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
) -> tuple[list[tuple[float, float]], float]:
    """Ingest ``folder`` as ``batch``, run ``workers`` processes until every file is indexed; returns each
    file's (started, processed) in seconds since the workers were started, in start order, and the median
    time from one file's start to the next's in the same partition (one worker's whole cycle per file:
    the stand-in, the store, index and bus round trips, the commit and the next fetch)."""
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
    rows = list(ctx.index.records(SearchQuery(batch=batch, fields=("doc_id", "started_at", "processed_at"))))
    spans = sorted((_seconds(r["started_at"]) - started, _seconds(r["processed_at"]) - started) for r in rows)
    starts: dict[int, list[float]] = {}
    for row in rows:
        starts.setdefault(_partition(row["doc_id"]), []).append(_seconds(row["started_at"]))
    cycles = [b - a for times in starts.values() for a, b in pairwise(sorted(times))]
    return spans, statistics.median(cycles)


def _all_busy(spans: list[tuple[float, float]], workers: int) -> float:
    """The first moment ``workers`` files were in the pipeline at once: the group has formed and every
    worker holds partitions (before it, members join and partitions move)."""
    events = sorted([(a, 1) for a, _ in spans] + [(b, -1) for _, b in spans], key=lambda e: (e[0], e[1]))
    busy = 0
    for moment, step in events:
        busy += step
        if busy >= workers:
            return moment
    raise AssertionError(f"never {workers} files in the pipeline at once")


def test_eight_workers_over_sixteen_partitions_within_ten_percent_of_ideal(
    cluster_settings: Settings, tmp_path: Path
) -> None:
    """Ideal: what one worker takes per file (the stand-in's delay plus the real store, index and bus
    round trips, measured on a first batch), times the files, over the eight workers. Measured from the
    moment all eight are busy: before it the group forms and partitions move, which is reported apart
    (the files in flight then count whole, a margin of at most one file per worker)."""
    assert FILES % PARTITIONS == 0
    settings = cluster_settings.model_copy(update={"topic_partitions": PARTITIONS})
    _balanced_files(tmp_path / "alone", BASELINE, tag="alone")
    _balanced_files(tmp_path / "scans", FILES, tag="scale")
    ctx = Context.open(settings)
    try:
        alone, alone_cycle = _run_batch(settings, ctx, tmp_path / "alone", "alone", 1, tmp_path / "alone.log")
        per_file = (max(processed for _started, processed in alone) - alone[0][0]) / BASELINE
        spans, cycle = _run_batch(settings, ctx, tmp_path / "scans", "scale-out", WORKERS, tmp_path / "workers.log")
        formed = _all_busy(spans, WORKERS)
        left = sum(1 for _started, processed in spans if processed > formed)  # in flight or not begun
        span = max(processed for _started, processed in spans) - formed
        ideal = left * per_file / WORKERS
        print(
            squash(
                f"scale-out: {FILES} files, {WORKERS} workers, {PARTITIONS} partitions, stand-in {DELAY} s per "
                f"file; one worker {per_file:.3f} s per file; a worker's cycle per file (median) {alone_cycle:.3f} s "
                f"alone, {cycle:.3f} s with {WORKERS} at once; first file started {spans[0][0]:.1f} s "
                f"and all {WORKERS} workers busy {formed:.1f} s after the workers did; the {left} files left then "
                f"took {span:.1f} s, ideal {ideal:.1f} s ({span / ideal:.3f} x)"
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
