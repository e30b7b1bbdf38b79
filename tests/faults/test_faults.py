"""Lose nothing when a server or a worker dies: each experiment on the real Kafka, S3 and Elasticsearch.

After every experiment: each file in exactly one terminal state with no manual step, originals intact,
one index record and one effective ``file.processed`` per document, no false ``worker_crashed``. The
measured recovery times are printed (``-s``) for the fault matrix in the notes.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.faults.conftest import (
    Services,
    check_invariants,
    finish_worker,
    ingest_cli,
    make_batch,
    start_slow_ingest,
    start_worker,
    states,
    stop_worker,
    wait_until,
)
from workers.context import Context
from workers.settings import Settings

pytestmark = [pytest.mark.live, pytest.mark.slow]

COUNT = 8


def _report(name: str, **figures: object) -> None:
    print(f"\nFAULT {name}: " + json.dumps(figures, default=str))


@pytest.mark.parametrize("point", ["mid_process", "before_index", "before_ack"])
def test_worker_killed_at_each_point_then_restarted(point: str, fault_settings: Settings, tmp_path: Path) -> None:
    folder = make_batch(tmp_path, COUNT)
    with Context.open(fault_settings) as ctx:
        assert ingest_cli(fault_settings, folder, "kill").returncode == 0
        doomed = start_worker(fault_settings, FAULT_POINT=point, FAULT_AT="3")
        doomed.wait(timeout=120)
        assert doomed.returncode == -9, "the fault point was never reached"
        started = time.monotonic()
        survivor = start_worker(fault_settings, drain=True, delay=0.05)
        finish_worker(survivor, 180)
        recovery = time.monotonic() - started
        assert survivor.returncode == 0
        found = check_invariants(ctx, fault_settings, folder, "kill")
        _report(f"kill -9 {point}", recovery_s=round(recovery, 1), **found.__dict__)
        ctx.index.drop()


def test_two_workers_one_killed(fault_settings: Settings, tmp_path: Path) -> None:
    folder = make_batch(tmp_path, COUNT * 2)
    with Context.open(fault_settings) as ctx:
        assert ingest_cli(fault_settings, folder, "pair").returncode == 0
        first, second = start_worker(fault_settings), start_worker(fault_settings)
        wait_until(lambda: list(states(ctx, "pair").values()).count("indexed") >= 3, 120, "three documents")
        first.kill()
        first.wait()
        killed_at = time.monotonic()
        recovery = wait_until(
            lambda: set(states(ctx, "pair").values()) == {"indexed"} and len(states(ctx, "pair")) == COUNT * 2,
            180,
            "the survivor to finish the batch",
        )
        stop_worker(second)
        found = check_invariants(ctx, fault_settings, folder, "pair")
        _report("two workers, one kill -9", recovery_s=round(time.monotonic() - killed_at, 1), **found.__dict__)
        assert recovery < 180
        ctx.index.drop()


@pytest.mark.parametrize("service", ["es", "s3", "kafka"])
def test_server_down_mid_batch(service: str, fault_settings: Settings, services: Services, tmp_path: Path) -> None:
    folder = make_batch(tmp_path, COUNT)
    with Context.open(fault_settings) as ctx:
        assert ingest_cli(fault_settings, folder, "outage").returncode == 0
        worker = start_worker(fault_settings)
        wait_until(lambda: "indexed" in states(ctx, "outage").values(), 120, "the first document")
        services.stop(service)
        # longer than every budget: bus timeout 5 s, 3 tries per document, backoff capped at 2 s
        time.sleep(20)
        assert worker.poll() is None, f"the worker exited during the {service} outage:\n{stop_worker(worker)}"
        restart = services.start(service)
        back = time.monotonic()
        try:
            wait_until(
                lambda: len(states(ctx, "outage")) == COUNT and set(states(ctx, "outage").values()) == {"indexed"},
                300,
                f"the batch to finish after {service} came back",
            )
        except AssertionError as exc:
            log = stop_worker(worker)[-4000:]
            raise AssertionError(f"{exc}; states {states(ctx, 'outage')}; worker log:\n{log}") from exc
        recovery = time.monotonic() - back
        log = stop_worker(worker)
        assert "Traceback" not in log, log[-3000:]
        found = check_invariants(ctx, fault_settings, folder, "outage")
        _report(
            f"{service} down 20 s mid-batch",
            restart_s=round(restart, 1),
            recovery_s=round(recovery, 1),
            **found.__dict__,
        )
        ctx.index.drop()


@pytest.mark.parametrize("service", ["es", "s3", "kafka"])
def test_server_down_during_ingest_then_ingest_again(
    service: str, fault_settings: Settings, services: Services, tmp_path: Path
) -> None:
    folder = make_batch(tmp_path, COUNT * 2)
    with Context.open(fault_settings) as ctx:
        ingest = start_slow_ingest(fault_settings, folder, "ingest", delay=0.5)
        wait_until(lambda: len(states(ctx, "ingest")) >= 3, 60, "the ingest to be under way")
        services.stop(service)
        _, err = ingest.communicate(timeout=180)
        assert ingest.returncode != 0, "an ingest that lost a server must not report success"
        assert "Traceback" not in err, err[-3000:]
        assert "thử lại" in err.lower() and "run it again" in err.lower(), err[-2000:]
        services.start(service)
        again = ingest_cli(fault_settings, folder, "ingest")  # the operator runs the same command again
        assert again.returncode == 0, again.stderr[-3000:]
        worker = start_worker(fault_settings, drain=True, delay=0.05)
        finish_worker(worker, 180)
        assert worker.returncode == 0
        found = check_invariants(ctx, fault_settings, folder, "ingest")
        _report(f"{service} down during ingest", **found.__dict__)
        ctx.index.drop()
