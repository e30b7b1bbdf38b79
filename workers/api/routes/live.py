"""Live batch progress as server-sent events.

``GET /api/v1/batches/{id}/events`` streams the batch summary (the same JSON as ``GET
/api/v1/batches/{id}``) as ``event: batch`` whenever it changes, checking about once a second, then
``event: done`` when every file is indexed or failed. A stream ends after ``STREAM_SECONDS`` so that
the server can always shut down promptly; browsers reconnect by themselves (``retry:``).
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
from ...services.batches import batch_summary, check_access
from ..deps import DB, Ctx, Operator

router = APIRouter(prefix="/api/v1", tags=["batches"])
STREAM_SECONDS = 30.0
POLL_SECONDS = 1.0
_KEEPALIVE_SECONDS = 10.0


@router.get("/batches/{batch_id}/events")
async def batch_events(batch_id: str, request: Request, who: Operator, ctx: Ctx, db: DB) -> StreamingResponse:
    """Server-sent events with the batch summary while it changes. (operator: own batches; staff: all)"""
    await run_in_threadpool(check_access, ctx, db, who.user, batch_id)
    first = await run_in_threadpool(batch_summary, ctx, batch_id)  # 404 before streaming starts

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
                summary = await run_in_threadpool(batch_summary, ctx, batch_id)
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
