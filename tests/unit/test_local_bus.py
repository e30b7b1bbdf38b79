from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

from workers.adapters.local_bus import LocalBus


def test_publish_receive_ack(tmp_path: Path) -> None:
    bus = LocalBus(tmp_path / "q.sqlite3", lease_seconds=30)
    bus.publish("t", "k1", b"one")
    bus.publish("t", "k2", b"two")
    first = bus.receive("t", timeout=0.1)
    assert first is not None and first.value == b"one" and first.deliveries == 1
    second = bus.receive("t", timeout=0.1)
    assert second is not None and second.value == b"two"
    assert bus.receive("t", timeout=0.1) is None  # both leased
    assert bus.pending("t") == 2
    bus.ack(first)
    bus.release(second)
    again = bus.receive("t", timeout=0.1)
    assert again is not None and again.value == b"two" and again.deliveries == 2
    bus.ack(again)
    assert bus.pending("t") == 0


def test_expired_lease_is_redelivered(tmp_path: Path) -> None:
    bus = LocalBus(tmp_path / "q.sqlite3", lease_seconds=0.3)
    bus.publish("t", "k", b"x")
    assert bus.receive("t", timeout=0.1) is not None
    other = LocalBus(tmp_path / "q.sqlite3", lease_seconds=0.3)
    time.sleep(0.4)
    message = other.receive("t", timeout=0.5)
    assert message is not None and message.deliveries == 2


def _claim_and_hang(path: str, ready: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    bus = LocalBus(Path(path), lease_seconds=3600)
    assert bus.receive("t", timeout=5) is not None
    ready.set()
    time.sleep(3600)


def test_message_of_killed_owner_is_redelivered_at_once(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    bus = LocalBus(path, lease_seconds=3600)
    bus.publish("t", "k", b"payload")
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Event()
    child = ctx.Process(target=_claim_and_hang, args=(str(path), ready))
    child.start()
    assert ready.wait(10)
    assert bus.receive("t", timeout=0.2) is None  # leased to a live process for an hour
    os.kill(child.pid or 0, signal.SIGKILL)
    child.join()
    message = bus.receive("t", timeout=2)
    assert message is not None and message.value == b"payload" and message.deliveries == 2


def test_queue_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    bus = LocalBus(path)
    bus.publish("t", "k", b"durable")
    bus.close()
    reopened = LocalBus(path)
    message = reopened.receive("t", timeout=0.1)
    assert message is not None and message.value == b"durable"
