"""Backup while a worker runs, restore into a fresh home: every document, correction, link, user and
audit entry is there, and the documents that were in flight finish after the restore."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.unit.fake_pipeline import fake_file
from workers import audit
from workers.appdb import AppDB
from workers.backup import backup, restore
from workers.context import Context
from workers.corrections import correct
from workers.errors import PermanentError
from workers.ingest import ingest_paths
from workers.register import import_register, load_links
from workers.services.register_links import unlink
from workers.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
_CHILD = """
import sys
from tests.unit.fake_pipeline import fake_process
from workers import cli, worker
worker.process = fake_process
sys.exit(cli.main(sys.argv[1:]))
"""
REGISTER = b"so_ky_hieu,loai,ngay_ban_hanh,hieu_luc_den,chu_the,linh_vuc\n1/GP-SCT,giay_phep,2024-01-02,,Cty A,ruou\n"


def test_backup_while_a_worker_runs_then_restore_into_a_fresh_home(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(12):
        (folder / f"f{i:02}.png").write_bytes(fake_file(f"document {i}".encode()))
    with Context.open(settings) as ctx:
        ids = [f.doc_id for f in ingest_paths(ctx, [folder], batch="b").files]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env |= {"SOHOA_HOME": str(settings.home), "FAKE_PIPELINE_DELAY": "1.0", "SOHOA_LEASE_SECONDS": "5"}
    worker = subprocess.Popen(
        [sys.executable, "-c", _CHILD, "worker", "-j", "1"], cwd=ROOT, env=env, stderr=subprocess.DEVNULL
    )
    try:
        with Context.open(settings) as ctx:
            deadline = time.monotonic() + 60
            while sum(1 for r in ctx.index.scan("b") if r["state"] == "indexed") < 2:
                assert time.monotonic() < deadline, "the worker does not progress"
                time.sleep(0.1)
            correct(ctx, ids[0], {"so_ky_hieu": "1/GP-SCT"}, by="staff1")
            import_register(ctx, REGISTER, "register.csv")
            unlink(ctx, ids[1], by="staff1")
        db = AppDB.open(settings)
        db.add_user("clerk", "staff", "clerk-password")
        audit.record(db, "clerk", "view", ids[0], "127.0.0.1")
        db.close()
        with Context.open(settings) as ctx:
            before = {r["doc_id"] for r in ctx.index.scan("b") if r["state"] == "indexed"}
        saved = tmp_path / "backup"
        manifest = backup(settings, saved)  # the worker is still running
        assert worker.poll() is None, "the backup must be taken while the worker runs"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert manifest["objects"] >= len(ids) and set(manifest["databases"]) == {"index", "queue", "database"}
    assert len(before) >= 2

    fresh = Settings(home=tmp_path / "restored", lease_seconds=1.0)  # type: ignore[call-arg]
    restore(fresh, saved)
    restored = Settings(home=tmp_path / "restored", lease_seconds=1.0)  # type: ignore[call-arg]
    assert restored.secret_key == settings.secret_key  # sessions and tokens stay valid
    with Context.open(restored) as ctx:
        records = {r["doc_id"]: r for r in ctx.index.scan("b")}
        assert set(records) == set(ids)
        # what was indexed before the backup began is indexed in the copy; the rest was still in flight
        assert {d for d, r in records.items() if r["state"] == "indexed"} >= before
        assert any(r["state"] != "indexed" for r in records.values()), "the backup was taken mid-run"
        assert records[ids[0]]["so_ky_hieu"] == "1/GP-SCT" and records[ids[0]].get("corrected")
        assert ids[1] in load_links(ctx)
    db = AppDB.open(restored)
    assert db.authenticate("clerk", "clerk-password") is not None
    total, entries = audit.entries(db, user="clerk")
    assert total == 1 and entries[0].target == ids[0]
    db.close()
    # the documents in flight or queued at the backup finish in the restored home
    env |= {"SOHOA_HOME": str(restored.home), "FAKE_PIPELINE_DELAY": "0", "SOHOA_LEASE_SECONDS": "1"}
    time.sleep(1.2)  # the leases taken by the dead worker of the backup run out
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, "worker", "-j", "1", "--drain"], cwd=ROOT, env=env, timeout=120
    )
    assert done.returncode == 0
    with Context.open(restored) as ctx:
        assert {r["state"] for r in ctx.index.scan("b")} == {"indexed"}


def test_restore_refuses_a_home_that_holds_data(settings: Settings, tmp_path: Path) -> None:
    with Context.open(settings):
        pass
    saved = tmp_path / "backup"
    backup(settings, saved)
    with pytest.raises(PermanentError, match="new SOHOA_HOME"):
        restore(settings, saved)
    with pytest.raises(PermanentError, match="empty"):
        backup(settings, saved)
