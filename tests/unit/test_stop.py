"""SIGTERM (what systemd and Kubernetes send) stops `sohoa worker` and `sohoa serve` within the grace
period, leaves no process behind, and loses no document: it is finished, or delivered again."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.unit.fake_pipeline import fake_file
from workers.context import Context
from workers.ingest import ingest_paths
from workers.settings import Settings

ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
import sys
from tests.unit.fake_pipeline import fake_process
from workers import cli, worker
worker.process = fake_process
sys.exit(cli.main(sys.argv[1:]))
"""


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    return env | {"SOHOA_HOME": str(settings.home), "SOHOA_LEASE_SECONDS": "5"} | extra


def _spawn(settings: Settings, *args: str, **extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, *args], cwd=ROOT, env=_env(settings, **extra), stderr=subprocess.DEVNULL
    )


def _wait_state(ctx: Context, doc_id: str, state: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = ctx.index.get(doc_id)
        if record and record.get("state") == state:
            return
        time.sleep(0.05)
    raise AssertionError(f"{doc_id[:12]} never reached {state}")


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _batch(settings: Settings, tmp_path: Path, n: int) -> list[str]:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(n):
        (folder / f"f{i}.png").write_bytes(fake_file(f"document {i}".encode()))
    with Context.open(settings) as ctx:
        return [f.doc_id for f in ingest_paths(ctx, [folder], batch="stop").files]


def test_worker_finishes_the_document_in_hand_then_exits(settings: Settings, tmp_path: Path) -> None:
    first, second = _batch(settings, tmp_path, 2)
    log = tmp_path / "done.log"
    worker = _spawn(
        settings,
        "worker",
        "-j",
        "1",
        FAKE_PIPELINE_DELAY="2",
        FAKE_PIPELINE_LOG=str(log),
        SOHOA_STOP_GRACE_SECONDS="20",
    )
    with Context.open(settings) as ctx:
        _wait_state(ctx, first, "processing")
        sent = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=25) == 0
        assert time.monotonic() - sent < 20
        assert ctx.index.get(first)["state"] == "indexed"  # type: ignore[index]  # finished, not dropped
        assert ctx.index.get(second)["state"] == "queued"  # type: ignore[index]  # nothing new taken
        assert ctx.bus.pending(settings.topic_uploaded) == 1


def test_worker_past_its_grace_period_exits_and_the_document_comes_back(settings: Settings, tmp_path: Path) -> None:
    (doc_id,) = _batch(settings, tmp_path, 1)
    log = tmp_path / "done.log"
    worker = _spawn(
        settings,
        "worker",
        "-j",
        "1",
        FAKE_PIPELINE_DELAY="30",
        FAKE_PIPELINE_LOG=str(log),
        SOHOA_STOP_GRACE_SECONDS="1",
    )
    with Context.open(settings) as ctx:
        _wait_state(ctx, doc_id, "processing")
        sent = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 143
        assert time.monotonic() - sent < 10
        assert not log.exists()  # it did not finish
        again = _spawn(settings, "worker", "-j", "1", "--drain", FAKE_PIPELINE_DELAY="0", FAKE_PIPELINE_LOG=str(log))
        assert again.wait(timeout=60) == 0
        assert ctx.index.get(doc_id)["state"] == "indexed"  # type: ignore[index]
        assert log.read_text().splitlines() == ["document 0"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_with_workers_stops_on_sigterm_and_leaves_nothing_running(settings: Settings, tmp_path: Path) -> None:
    (doc_id,) = _batch(settings, tmp_path, 1)
    port = _free_port()
    serve = _spawn(
        settings, "serve", "--port", str(port), "--workers", "2", FAKE_PIPELINE_DELAY="3", SOHOA_STOP_GRACE_SECONDS="10"
    )
    with Context.open(settings) as ctx:
        _wait_state(ctx, doc_id, "processing")
        family = _descendants(serve.pid)
        assert len(family) >= 3  # the pool and its two workers
        sent = time.monotonic()
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
        deadline = time.monotonic() + 20
        while any(_alive(p) for p in family) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [p for p in family if _alive(p)]
        for p in left:
            os.kill(p, signal.SIGKILL)
        assert not left, "worker processes outlived sohoa serve"
        assert time.monotonic() - sent < 20
        # the document in hand was finished within the grace period
        assert ctx.index.get(doc_id)["state"] == "indexed"  # type: ignore[index]
