"""Live batch progress as server-sent events.

``GET /api/v1/batches/{id}/events`` streams the batch summary (the same JSON as ``GET
/api/v1/batches/{id}``) as ``event: batch`` whenever it changes, checking about once a second, then
``event: done`` when every file is indexed or failed. A stream ends after ``STREAM_SECONDS`` so that
the server can always shut down promptly; browsers reconnect by themselves (``retry:``).

Streams on one batch share its summary: it is computed at most once per ``POLL_SECONDS`` per batch
(:class:`SummaryCache`), however many people watch, then cut to what each viewer may see.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from ... import metrics
from ...context import Context
from ...services.batches import batch_summary, check_access, visible_to
from ..deps import DB, Ctx, Operator

router = APIRouter(prefix="/api/v1", tags=["batches"])
STREAM_SECONDS = 30.0
POLL_SECONDS = 1.0
_KEEPALIVE_SECONDS = 10.0


class SummaryCache:
    """Batch summaries shared by every stream of one app: one computation per batch per ``ttl`` seconds
    (concurrent askers wait for the one in progress instead of starting their own)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, dict[str, Any]]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, ctx: Context, batch: str) -> dict[str, Any]:
        """The summary of ``batch``, at most ``ttl`` seconds old; raises like ``batch_summary``."""
        lock = self._locks.setdefault(batch, asyncio.Lock())
        async with lock:
            now = time.monotonic()
            cached = self._entries.get(batch)
            if cached is not None and now - cached[0] < self.ttl:
                return cached[1]
            summary = await run_in_threadpool(batch_summary, ctx, batch)
            self._entries[batch] = (time.monotonic(), summary)
            for stale in [b for b, (at, _) in self._entries.items() if now - at > 60 * self.ttl]:
                self._entries.pop(stale, None)
                self._locks.pop(stale, None)
            return summary


def _cache(request: Request) -> SummaryCache:
    cache = getattr(request.app.state, "batch_summaries", None)
    if cache is None:
        cache = request.app.state.batch_summaries = SummaryCache(POLL_SECONDS)
    return cache


@router.get("/batches/{batch_id}/events")
async def batch_events(batch_id: str, request: Request, who: Operator, ctx: Ctx, db: DB) -> StreamingResponse:
    """Server-sent events with the batch summary while it changes. (operator: own batches; staff: all)"""
    await run_in_threadpool(check_access, ctx, db, who.user, batch_id)
    cache = _cache(request)
    first = visible_to(await cache.get(ctx, batch_id), who.user)  # 404 before streaming starts

    async def stream() -> AsyncIterator[str]:
        metrics.sse_streams(+1)
        try:
            async for chunk in _events():
                yield chunk
        finally:
            metrics.sse_streams(-1)

    async def _events() -> AsyncIterator[str]:
        summary: dict[str, Any] | None = first
        last, quiet_since = "", time.monotonic()
        ends = time.monotonic() + STREAM_SECONDS
        yield "retry: 2000\n\n"
        while time.monotonic() < ends:
            if summary is None:
                summary = visible_to(await cache.get(ctx, batch_id), who.user)
            payload = json.dumps(summary, ensure_ascii=False, default=str)
            if payload != last:
                yield f"event: batch\ndata: {payload}\n\n"
                last, quiet_since = payload, time.monotonic()
            elif time.monotonic() - quiet_since > _KEEPALIVE_SECONDS:
                yield ": keepalive\n\n"
                quiet_since = time.monotonic()
            if summary["done"]:
                yield "event: done\ndata: {}\n\n"
                return
            if await request.is_disconnected():
                return
            await asyncio.sleep(POLL_SECONDS)
            summary = None

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)
