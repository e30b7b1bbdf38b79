"""The default number of worker processes and OCR threads follows what this process may use: its CPU set
and a cgroup CPU quota (a container limited to 2 cores on a 16-core node runs 2, not 16)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workers import cores


@pytest.mark.parametrize(
    ("cpu_max", "limit"),
    [("200000 100000\n", 2), ("150000 100000\n", 2), ("50000 100000\n", 1), ("max 100000\n", None), ("junk", None)],
)
def test_a_cgroup_quota_caps_the_cores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cpu_max: str, limit: int | None
) -> None:
    path = tmp_path / "cpu.max"
    path.write_text(cpu_max)
    monkeypatch.setattr(cores, "_CGROUP_CPU_MAX", path)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(16)))
    assert cores.available_cores() == (limit or 16)


def test_without_a_cgroup_file_the_cpu_set_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cores, "_CGROUP_CPU_MAX", tmp_path / "absent")
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 3, 5})
    assert cores.available_cores() == 3
