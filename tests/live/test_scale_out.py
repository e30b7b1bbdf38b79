"""Two worker processes in one consumer group share a batch; one is SIGKILLed mid-batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from workers.context import Context
from workers.ingest import ingest_paths
from workers.settings import Settings

pytestmark = [pytest.mark.live, pytest.mark.slow]


def _worker(settings: Settings, drain: bool) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    for name, value in settings.model_dump(exclude={"limits"}).items():
        if value is not None:  # unset: the default applies
            env[f"SOHOA_{name.upper()}"] = str(value)
    args = [sys.executable, "-m", "workers.cli", "worker"] + (["--drain"] if drain else [])
    return subprocess.Popen(args, cwd=ROOT, env=env)


def _indexed(ctx: Context) -> set[str]:
    return {r["doc_id"] for r in ctx.index.scan() if r.get("state") == "indexed"}


def test_sigkill_one_of_two_workers_every_file_indexed_once(cluster_settings: Settings, samples_dir: Path) -> None:
    ctx = Context.open(cluster_settings)
    try:
        report = ingest_paths(ctx, [samples_dir / "files"], batch="scale")
        uploaded = {f.doc_id for f in report.files}
        first, second = _worker(cluster_settings, drain=False), _worker(cluster_settings, drain=False)
        deadline = time.monotonic() + 300
        while len(_indexed(ctx)) < 3 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert len(_indexed(ctx)) < len(uploaded), "kill must happen mid-batch"
        first.send_signal(signal.SIGKILL)
        first.wait()
        while _indexed(ctx) != uploaded and time.monotonic() < deadline:
            time.sleep(1)
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=120)
        records = list(ctx.index.scan())
        assert sorted(r["doc_id"] for r in records) == sorted(uploaded)  # one record per SHA-256
        assert {r["state"] for r in records} == {"indexed"}
        assert ctx.bus.pending(cluster_settings.topic_uploaded) == 0  # lag back to zero
    finally:
        ctx.index.drop()
        ctx.close()
