from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.unit.fake_pipeline import fake_file, fake_process
from workers import worker
from workers.context import Context, derived_key
from workers.ingest import ingest_paths
from workers.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _files(tmp_path: Path, contents: dict[str, bytes]) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in contents.items():
        (folder / name).write_bytes(fake_file(data))
    return folder


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "process", fake_process)


def test_bad_files_fail_with_codes_and_the_rest_is_indexed(fake: None, settings: Settings, tmp_path: Path) -> None:
    folder = _files(
        tmp_path,
        {
            "a.png": b"good one",
            "b.png": b"BAD bytes",
            "c.png": b"BUG trigger",
            "d.png": b"",
            "e.png": b"good two",
        },
    )
    (folder / "f.png").write_bytes(b"PK\x03\x04 a zip file named .png")
    ctx = Context.open(settings)
    report = ingest_paths(ctx, [folder], batch="b1")
    assert [f.status for f in report.files] == ["queued", "queued", "queued", "rejected", "queued", "rejected"]
    assert worker.run_worker(settings, drain=True) == 4
    states = {r["filename"]: (r["state"], r.get("error_code")) for r in ctx.index.scan("b1")}
    assert states == {
        "a.png": ("indexed", None),
        "b.png": ("failed", "corrupt_file"),
        "c.png": ("failed", "internal_error"),
        "d.png": ("failed", "empty_file"),
        "e.png": ("indexed", None),
        "f.png": ("failed", "unsupported_type"),
    }
    failed = ctx.index.get(report.files[1].doc_id)
    assert failed is not None and "quét" in failed["error_message"]  # a message an operator can act on
    # derived files are stored beside the original; dead letters carry the reason
    good = report.files[0].doc_id
    assert ctx.store.get_bytes(derived_key(good, "text.txt")) == b"good one"
    assert json.loads(ctx.store.get_bytes(derived_key(good, "meta.json")))["so_ky_hieu"] == "1/GP-SCT"
    dead = []
    while (m := ctx.bus.receive(settings.topic_dead, timeout=0.1)) is not None:
        dead.append(json.loads(m.value))
        ctx.bus.ack(m)
    assert sorted(d["code"] for d in dead) == ["corrupt_file", "internal_error"]
    assert ctx.bus.pending(settings.topic_uploaded) == 0


def test_reupload_is_harmless(fake: None, settings: Settings, tmp_path: Path) -> None:
    folder = _files(tmp_path, {"a.png": b"same bytes"})
    ctx = Context.open(settings)
    first = ingest_paths(ctx, [folder], batch="b1")
    worker.run_worker(settings, drain=True)
    second = ingest_paths(ctx, [folder], batch="b2")
    assert second.files[0].status == "duplicate"
    assert second.files[0].doc_id == first.files[0].doc_id
    assert ctx.bus.pending(settings.topic_uploaded) == 0
    records = list(ctx.index.scan())
    assert len(records) == 1 and records[0]["batches"] == ["b1", "b2"]
    assert [r["doc_id"] for r in ctx.index.scan("b2")] == [first.files[0].doc_id]


def test_undecodable_message_is_dead_lettered(settings: Settings) -> None:
    ctx = Context.open(settings)
    ctx.bus.publish(settings.topic_uploaded, "x", b"{not json")
    worker.run_worker(settings, drain=True)
    dead = ctx.bus.receive(settings.topic_dead, timeout=0.5)
    assert dead is not None and json.loads(dead.value)["code"] == "bad_event"


_CHILD = """
import sys
from tests.unit.fake_pipeline import fake_file, fake_process
from workers import worker
from workers.settings import Settings
worker.process = fake_process
worker.run_worker(Settings(home=sys.argv[1], lease_seconds=600), drain=True)
"""


def test_sigkill_mid_batch_then_restart_indexes_every_file_once(settings: Settings, tmp_path: Path) -> None:
    count = 12
    folder = _files(tmp_path, {f"f{i:02}.png": f"document {i}".encode() for i in range(count)})
    ctx = Context.open(settings)
    report = ingest_paths(ctx, [folder], batch="kill")
    log = tmp_path / "done.log"
    env = {**os.environ, "FAKE_PIPELINE_DELAY": "0.25", "FAKE_PIPELINE_LOG": str(log)}
    cmd = [sys.executable, "-c", _CHILD, str(settings.home)]
    child = subprocess.Popen(cmd, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (not log.exists() or len(log.read_text().splitlines()) < 3):
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    done_before = len(log.read_text().splitlines())
    assert 3 <= done_before < count, "the worker must die mid-batch"
    indexed_at_kill = {r["doc_id"] for r in ctx.index.scan("kill") if r["state"] == "indexed"}
    # the pipeline's log line is written before the record turns indexed: the kill may fall in between
    assert len(indexed_at_kill) in (done_before - 1, done_before)
    # restart: the message the dead worker held is handed out again at once (its owner is gone)
    restarted = subprocess.run(cmd, cwd=ROOT, env={**env, "FAKE_PIPELINE_DELAY": "0"}, timeout=60)
    assert restarted.returncode == 0
    records = list(ctx.index.scan("kill"))
    assert len(records) == count
    assert {r["doc_id"] for r in records} == {f.doc_id for f in report.files}
    assert all(r["state"] == "indexed" for r in records)
    completed = log.read_text().splitlines()
    assert sorted(set(completed)) == sorted(f"document {i}" for i in range(count))
    # an indexed document is never processed again; only the one in flight when the worker died (one
    # process, one document at a time) may have been processed twice
    twice = [text for text in set(completed) if completed.count(text) > 1]
    assert len(completed) == count + len(twice) and len(twice) <= 1
    name_of = {f.doc_id: f.filename for f in report.files}
    indexed_names = {name_of[d] for d in indexed_at_kill}
    assert not any(f"f{int(t.split()[1]):02}.png" in indexed_names for t in twice)
    assert ctx.bus.pending(settings.topic_uploaded) == 0
    processed: list[str] = []
    while (m := ctx.bus.receive(settings.topic_results, timeout=0.1)) is not None:
        processed.append(json.loads(m.value)["doc_id"])
        ctx.bus.ack(m)
    # at least once: every document's result event is there; a second copy only for the one in flight
    assert set(processed) == {f.doc_id for f in report.files}
    assert count <= len(processed) <= count + 1
