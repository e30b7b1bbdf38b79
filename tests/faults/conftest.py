"""Fault injection on the real servers: stop and start Kafka, Elasticsearch and S3 (through the project's
``scripts/services.sh``, which started them), and kill worker processes at chosen points.

Budgets are short here (bus timeout, retry delays, backoff) so that an outage longer than every timeout
and retry takes seconds, not minutes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import pytest

from tests.conftest import ROOT, make_settings, require_service
from tests.unit.fake_pipeline import fake_file
from workers.context import Context, original_key
from workers.settings import Settings

SERVICES = ROOT / "scripts" / "services.sh"


@pytest.fixture
def fault_settings(tmp_path: Path) -> Settings:
    """Settings on the real servers, names of their own, and short budgets."""
    bus, store, index = require_service("bus"), require_service("store"), require_service("index")
    tag = uuid.uuid4().hex[:8]
    store = urlunparse(urlparse(store)._replace(path=f"/sohoa-fault-{tag}"))
    return make_settings(
        tmp_path / "home",
        bus=bus,
        store=store,
        index=index,
        index_name=f"sohoa-fault-{tag}",
        topic_uploaded=f"fault-{tag}.uploaded",
        topic_results=f"fault-{tag}.processed",
        topic_dead=f"fault-{tag}.dead",
        consumer_group=f"fault-{tag}",
        topic_partitions=2,
        lease_seconds=60.0,
        bus_timeout_seconds=5.0,
        retry_delay=0.2,
        outage_backoff_max=2.0,
        max_attempts=3,
    )


class Services:
    """Stops and starts the servers that ``scripts/services.sh`` runs; restarts whatever a test stopped."""

    def __init__(self) -> None:
        self.stopped: set[str] = set()

    def _run(self, *args: str) -> None:
        subprocess.run([str(SERVICES), *args], check=True, capture_output=True, timeout=240)

    def stop(self, name: str) -> None:
        self.stopped.add(name)
        self._run("stop", name)

    def start(self, name: str) -> float:
        """Start ``name`` and wait until it is ready; returns the seconds that took."""
        started = time.monotonic()
        self._run("start", name)
        self.stopped.discard(name)
        return time.monotonic() - started

    def restore(self) -> None:
        for name in sorted(self.stopped):
            self._run("start", name)
        self.stopped.clear()


@pytest.fixture
def services() -> Iterator[Services]:
    control = Services()
    try:
        yield control
    finally:
        control.restore()


# A worker process on the real servers with the OCR stand-in. FAULT_POINT kills it (SIGKILL, no cleanup)
# when the FAULT_AT-th document reaches that point: "mid_process" (inside the pipeline), "before_index"
# (derived files stored and result published, record not yet indexed), "before_ack" (indexed, not acked).
_CHILD = """
import os, signal, sys
from tests.unit.fake_pipeline import fake_process
from workers import cli, worker

point, at = os.environ.get("FAULT_POINT", ""), int(os.environ.get("FAULT_AT", "0") or 0)
seen = {"n": 0}

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def process(*args, **kwargs):
    seen["n"] += 1
    if point == "mid_process" and seen["n"] == at:
        die()
    return fake_process(*args, **kwargs)

worker.process = process
publish = worker._publish_processed
def publish_then_maybe_die(ctx, doc_id, record):
    publish(ctx, doc_id, record)
    if point == "before_index" and seen["n"] == at:
        die()
worker._publish_processed = publish_then_maybe_die
run = worker._run_with_retries
def run_then_maybe_die(ctx, event, attempts):
    outcome = run(ctx, event, attempts)
    if point == "before_ack" and seen["n"] == at and outcome.outcome == "indexed":
        die()
    return outcome
worker._run_with_retries = run_then_maybe_die
sys.exit(cli.main(sys.argv[1:]))
"""


def settings_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_") or k.startswith("SOHOA_TEST_")}
    for name, value in settings.model_dump(exclude={"limits"}).items():
        if value is not None:  # unset: the default applies
            env[f"SOHOA_{name.upper()}"] = str(value)
    return env | extra


def start_worker(settings: Settings, *, drain: bool = False, delay: float = 0.3, **fault: str) -> subprocess.Popen[str]:
    env = settings_env(settings, FAKE_PIPELINE_DELAY=str(delay), **fault)
    args = [sys.executable, "-c", _CHILD, "worker", "-j", "1"] + (["--drain"] if drain else [])
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def stop_worker(proc: subprocess.Popen[str], grace: float = 60.0) -> str:
    """SIGTERM, wait up to ``grace`` s (then SIGKILL); returns what it logged."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.stderr.read() if proc.stderr else ""


def finish_worker(proc: subprocess.Popen[str], timeout: float) -> int:
    """Wait for a draining worker to exit; past ``timeout`` stop it, so that it cannot outlive the test and
    load the machine for the tests after it, and fail with its log."""
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        log = stop_worker(proc, grace=10)
        pytest.fail(f"the draining worker had not finished after {timeout} s; its log:\n{log[-3000:]}")


def make_batch(tmp_path: Path, count: int, tag: str = "doc") -> Path:
    folder = tmp_path / f"batch-{tag}"
    folder.mkdir()
    for i in range(count):
        (folder / f"{tag}{i:02}.png").write_bytes(fake_file(f"{tag} {i} {uuid.uuid4().hex}".encode()))
    return folder


# ``sohoa ingest`` with every file taking at least INGEST_DELAY seconds, so a server can be stopped in
# the middle of it.
_INGEST = """
import os, sys, time
from workers import cli, ingest
delay = float(os.environ.get("INGEST_DELAY", "0"))
real = ingest.ingest_file
def slow(*args, **kwargs):
    time.sleep(delay)
    return real(*args, **kwargs)
ingest.ingest_file = slow
sys.exit(cli.main(sys.argv[1:]))
"""


def ingest_args(folder: Path, batch: str) -> list[str]:
    return [sys.executable, "-c", _INGEST, "ingest", str(folder), "--batch", batch, "--json"]


def ingest_cli(settings: Settings, folder: Path, batch: str) -> subprocess.CompletedProcess[str]:
    env = settings_env(settings)
    return subprocess.run(ingest_args(folder, batch), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def start_slow_ingest(settings: Settings, folder: Path, batch: str, delay: float) -> subprocess.Popen[str]:
    env = settings_env(settings, INGEST_DELAY=str(delay))
    return subprocess.Popen(
        ingest_args(folder, batch), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.5)
    return time.monotonic() - started


def states(ctx: Context, batch: str) -> dict[str, str]:
    try:
        return {r["doc_id"]: str(r.get("state")) for r in ctx.index.scan(batch)}
    except Exception:  # the index may be the server that is down
        return {}


@dataclass
class Check:
    """What one experiment found, for the fault matrix in the notes."""

    documents: int
    lost: int
    stuck: int
    duplicate_records: int
    duplicate_events: int
    false_crashes: int


def read_events(ctx: Context, topic: str, enough: Callable[[list[dict[str, Any]]], bool]) -> list[dict[str, Any]]:
    """The events on ``topic``, acked as read. Reading joins the workers' consumer group, which first waits
    for a member killed without a goodbye to be evicted (the session timeout, 10 s): so wait up to a
    minute until ``enough`` holds of what was read, then read on until the topic stays quiet for 3 s, to
    catch duplicates."""
    events: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60
    while True:
        left = deadline - time.monotonic()
        waiting = left > 0 and not enough(events)
        m = ctx.bus.receive(topic, timeout=left if waiting else 3.0)
        if m is None:
            if waiting:
                continue
            return events
        events.append(json.loads(m.value))
        ctx.bus.ack(m)


def check_invariants(ctx: Context, settings: Settings, folder: Path, batch: str) -> Check:
    """Every file once in a terminal state, originals intact, one index record and one effective
    ``file.processed`` (one event id) per document, no ``worker_crashed``."""
    import hashlib

    expected = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in sorted(folder.iterdir())}
    records = list(ctx.index.scan(batch))
    by_id = Counter(r["doc_id"] for r in records)
    for doc_id, path in expected.items():
        assert ctx.store.get_bytes(original_key(doc_id)) == path.read_bytes(), f"original of {path.name} damaged"
    events: dict[str, set[str]] = {}
    for event in read_events(ctx, settings.topic_results, lambda seen: {e["doc_id"] for e in seen} >= set(expected)):
        events.setdefault(event["doc_id"], set()).add(event["event_id"])
    found = Check(
        documents=len(expected),
        lost=len(set(expected) - set(by_id)),
        stuck=sum(1 for r in records if r.get("state") not in ("indexed", "failed")),
        duplicate_records=sum(n - 1 for n in by_id.values()),
        duplicate_events=sum(len(ids) - 1 for ids in events.values()),
        false_crashes=sum(1 for r in records if r.get("error_code") == "worker_crashed"),
    )
    assert found.lost == 0 and found.stuck == 0 and found.duplicate_records == 0, found
    assert {r["state"] for r in records} == {"indexed"}, Counter(r.get("error_code") for r in records)
    assert found.false_crashes == 0, found
    assert set(events) == set(expected), "a document has no file.processed event"
    assert found.duplicate_events == 0, {d: ids for d, ids in events.items() if len(ids) > 1}
    return found
