"""The worker waits out backend outages and counts only real crashes (faults injected through fakes)."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_settings
from tests.unit.fake_pipeline import fake_file, fake_process
from workers import worker
from workers.context import Context, original_key
from workers.errors import TransientError
from workers.events import FileUploaded, encode
from workers.ingest import ingest_paths
from workers.settings import Settings


class Outage:
    """Wraps a backend; while ``down`` every call raises TransientError, like an adapter whose server
    went away."""

    def __init__(self, target: Any) -> None:
        self._target = target
        self.down = False
        self.refused = 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not callable(attr) or name == "close":
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            if self.down:
                self.refused += 1
                raise TransientError(f"fake outage: {name}")
            return attr(*args, **kwargs)

        return call


@pytest.fixture
def fast(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "home", retry_delay=0.01, outage_backoff_max=0.2, max_attempts=3)


def _with_outage(monkeypatch: pytest.MonkeyPatch, which: str) -> Outage:
    real_open = Context.open.__func__  # type: ignore[attr-defined]
    holder: dict[str, Outage] = {}

    def open_with_outage(cls: type[Context], settings: Settings) -> Context:
        ctx = real_open(cls, settings)
        outage = holder.setdefault("o", Outage(getattr(ctx, which)))
        outage._target = getattr(ctx, which)
        setattr(ctx, which, outage)
        return ctx

    monkeypatch.setattr(Context, "open", classmethod(open_with_outage))
    monkeypatch.setattr(worker, "process", fake_process)
    # the fixture's Context.open is patched too: make the Outage exist before the test uses it
    holder["o"] = Outage(None)
    return holder["o"]


def _batch(tmp_path: Path, settings: Settings, n: int) -> list[str]:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(n):
        (folder / f"f{i}.png").write_bytes(fake_file(f"document {i}".encode()))
    with Context.open(settings) as ctx:
        return [f.doc_id for f in ingest_paths(ctx, [folder], batch="outage").files]


@pytest.mark.parametrize("which", ["index", "store"])
def test_an_outage_longer_than_every_retry_is_waited_out(
    which: str, fast: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _batch(tmp_path, fast, 3)
    outage = _with_outage(monkeypatch, which)
    outage.down = True
    timer = threading.Timer(2.0, lambda: setattr(outage, "down", False))
    timer.start()
    try:
        worker.run_worker(fast, drain=True)  # must not raise, must not give up
    finally:
        timer.cancel()
    assert outage.refused > 3 * fast.max_attempts  # the outage outlasted the per-document retries
    outage.down = False
    with Context.open(fast) as ctx:
        records = {r["doc_id"]: r for r in ctx.index.scan("outage")}
        assert set(records) == set(ids)
        assert {r["state"] for r in records.values()} == {"indexed"}  # no false worker_crashed
        assert all(int(r.get("crashes") or 0) == 0 for r in records.values())
        results = []
        while (m := ctx.bus.receive(fast.topic_results, timeout=0.1)) is not None:
            results.append(json.loads(m.value)["doc_id"])
            ctx.bus.ack(m)
        assert sorted(results) == sorted(ids)


class _Killed(BaseException):
    """Stands for the process dying mid-OCR (nothing in the worker catches a BaseException)."""


def test_only_deliveries_that_died_mid_processing_count_toward_worker_crashed(
    fast: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (doc_id,) = _batch(tmp_path, fast, 1)

    def dies(*_: Any, **__: Any) -> Any:
        raise _Killed

    monkeypatch.setattr(worker, "process", dies)
    with Context.open(fast) as ctx:
        for death in range(fast.max_attempts):
            message = ctx.bus.receive(fast.topic_uploaded, timeout=1)
            assert message is not None
            with pytest.raises(_Killed):
                worker.handle(ctx, message)
            record = ctx.index.get(doc_id)
            assert record is not None and record["state"] == "processing" and record["crashes"] == death
            ctx.bus.release(message)  # what the lease running out does for a dead worker
        message = ctx.bus.receive(fast.topic_uploaded, timeout=1)
        assert message is not None
        assert worker.handle(ctx, message) == "failed"
        record = ctx.index.get(doc_id)
        assert record is not None and record["error_code"] == "worker_crashed"


def test_an_external_event_fills_the_record_and_a_wrong_hash_is_refused(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "process", fake_process)
    good = fake_file(b"put in the bucket by another system")
    good_id = hashlib.sha256(good).hexdigest()
    other = fake_file(b"bytes whose hash is not the id")
    wrong_id = "0" * 64
    with Context.open(settings) as ctx:
        for doc_id, data in ((good_id, good), (wrong_id, other)):
            ctx.store.put_bytes(original_key(doc_id), data, "image/png")
            event = FileUploaded(
                doc_id=doc_id, filename="scan.png", size=len(data), batch="ext", original_key=original_key(doc_id)
            )
            ctx.bus.publish(settings.topic_uploaded, doc_id, encode(event))
        worker.run_worker(settings, drain=True)
        record = ctx.index.get(good_id)
        assert record is not None and record["state"] == "indexed"
        assert (record["filename"], record["batch"], record["size"]) == ("scan.png", "ext", len(good))
        assert record["uploaded_at"]
        # both are visible in their batch, the refused one with its reason
        assert sorted(r["doc_id"] for r in ctx.index.scan("ext")) == sorted([good_id, wrong_id])
        wrong = ctx.index.get(wrong_id)
        assert wrong is not None and (wrong["state"], wrong["error_code"]) == ("failed", "hash_mismatch")


def test_redelivery_of_an_indexed_document_republishes_the_same_event_without_reprocessing(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0])
        return fake_process(*args, **kwargs)

    monkeypatch.setattr(worker, "process", counting)
    (doc_id,) = _batch(tmp_path, settings, 1)
    with Context.open(settings) as ctx:
        worker.run_worker(settings, drain=True)
        record = ctx.index.get(doc_id)
        assert record is not None
        event = FileUploaded(
            doc_id=doc_id, filename="f0.png", size=1, batch="outage", original_key=original_key(doc_id)
        )
        ctx.bus.publish(settings.topic_uploaded, doc_id, encode(event))  # a redelivery after a lost publish
        worker.run_worker(settings, drain=True)
        assert len(calls) == 1  # never OCR'd again
        events = []
        while (m := ctx.bus.receive(settings.topic_results, timeout=0.1)) is not None:
            events.append(json.loads(m.value))
            ctx.bus.ack(m)
        assert [e["doc_id"] for e in events] == [doc_id, doc_id]
        assert events[0]["event_id"] == events[1]["event_id"]  # one effective event for consumers


def test_a_file_over_the_workers_memory_ceiling_fails_alone(settings: Settings, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-hog.png").write_bytes(fake_file(b"HOG needs 2 GiB"))
    (folder / "b-good.png").write_bytes(fake_file(b"an ordinary page"))
    with Context.open(settings) as ctx:
        report = ingest_paths(ctx, [folder], batch="mem")
    child = (
        "import sys\nfrom tests.unit.fake_pipeline import fake_process\nfrom workers import cli, worker\n"
        "worker.process = fake_process\nsys.exit(cli.main(['worker', '-j', '1', '--drain']))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env |= {"SOHOA_HOME": str(settings.home), "SOHOA_WORKER_MEMORY_MB": "1024"}
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, "-c", child], cwd=root, env=env, capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    with Context.open(settings) as ctx:
        states = {r["filename"]: (r["state"], r.get("error_code")) for r in ctx.index.scan("mem")}
    assert states == {"a-hog.png": ("failed", "page_too_large"), "b-good.png": ("indexed", None)}
    assert {f.filename for f in report.files} == set(states)
