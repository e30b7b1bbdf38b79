"""Live progress streams share one summary per batch: 30 watchers cost one computation a second."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from workers.api.routes import live


def test_concurrent_streams_compute_a_batch_summary_once_per_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def counting(_ctx: object, batch: str) -> dict[str, Any]:
        calls.append(batch)
        time.sleep(0.05)  # a slow summary: the other streams wait for it instead of starting their own
        return {"batch": batch, "files": [], "done": False}

    monkeypatch.setattr(live, "batch_summary", counting)
    cache = live.SummaryCache(ttl=0.5)

    async def watchers() -> None:
        await asyncio.gather(*(cache.get(None, "lo-1") for _ in range(30)))  # type: ignore[arg-type]
        await asyncio.gather(*(cache.get(None, "lo-2") for _ in range(30)))  # type: ignore[arg-type]
        await asyncio.gather(*(cache.get(None, "lo-1") for _ in range(30)))  # type: ignore[arg-type]
        await asyncio.sleep(0.6)
        await asyncio.gather(*(cache.get(None, "lo-1") for _ in range(30)))  # type: ignore[arg-type]

    asyncio.run(watchers())
    assert calls == ["lo-1", "lo-2", "lo-1"]
