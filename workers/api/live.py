"""Live batch progress (server-sent events) and sending failed files back to the queue.

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

from ..commands.maintenance import requeue
from ..context import Context
from ..errors import NotFoundError, PermanentError
from . import audit
from .appdb import AppDB
from .auth import Admin, Operator, Principal, client_ip, forbidden, get_ctx, get_db
from .batches import batch_summary, check_batch_access

router = APIRouter(prefix="/api/v1")
STREAM_SECONDS = 30.0
POLL_SECONDS = 1.0
_KEEPALIVE_SECONDS = 10.0


@router.get("/batches/{batch_id}/events", tags=["batches"])
async def batch_events(batch_id: str, request: Request, who: Operator) -> StreamingResponse:
    """Server-sent events with the batch summary while it changes. (operator: own batches; staff: all)"""
    ctx = get_ctx(request)
    await run_in_threadpool(check_batch_access, ctx, get_db(request), who, batch_id)
    first = await run_in_threadpool(batch_summary, ctx, batch_id)  # 404 before streaming starts

    async def stream() -> AsyncIterator[str]:
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


def may_retry(ctx: Context, db: AppDB, who: Principal, record: dict[str, Any]) -> bool:
    """Staff may retry any file; operators the files of batches they created."""
    if who.can("staff"):
        return True
    owners = db.batch_owners()
    return any(owners.get(b) == who.name for b in record.get("batches") or [record.get("batch")])


def _retry(ctx: Context, db: AppDB, who: Principal, doc_id: str, ip: str | None) -> dict[str, Any]:
    record = ctx.index.get(doc_id)
    if record is None:
        raise NotFoundError(f"không có tài liệu / no document {doc_id}")
    if not may_retry(ctx, db, who, record):
        raise forbidden("Tệp này thuộc lô của người khác. (Not your batch.)")
    if record.get("state") != "failed":
        raise PermanentError("chỉ xử lý lại được tệp bị lỗi / only failed files can be retried", code="not_failed")
    requeue(ctx, record)
    audit.record(db, who.name, "retry", doc_id, ip, filename=record.get("filename"))
    return {"doc_id": doc_id, "state": "queued"}


@router.post("/documents/{doc_id}/retry", tags=["batches"])
def retry_document(doc_id: str, request: Request, who: Operator) -> dict[str, Any]:
    """Queue a failed file again. (operator: files of own batches; staff: all)"""
    return _retry(get_ctx(request), get_db(request), who, doc_id, client_ip(request))


@router.post("/batches/{batch_id}/retry", tags=["batches"])
def retry_batch(batch_id: str, request: Request, who: Operator) -> dict[str, Any]:
    """Queue every failed file of a batch again (files whose original is missing stay failed)."""
    ctx, db = get_ctx(request), get_db(request)
    check_batch_access(ctx, db, who, batch_id)
    queued, skipped = [], []
    for record in ctx.index.scan(batch_id):
        if record.get("state") != "failed":
            continue
        try:
            _retry(ctx, db, who, record["doc_id"], client_ip(request))
            queued.append(record["doc_id"])
        except PermanentError as exc:
            skipped.append({"doc_id": record["doc_id"], "code": exc.code})
    return {"batch": batch_id, "queued": queued, "skipped": skipped}


@router.post("/documents/{doc_id}/reprocess", tags=["documents"])
def reprocess_document(doc_id: str, request: Request, who: Admin) -> dict[str, Any]:
    """Process a document again whatever its state; corrections stay. (admin)"""
    ctx = get_ctx(request)
    record = ctx.index.get(doc_id)
    if record is None:
        raise NotFoundError(f"không có tài liệu / no document {doc_id}")
    requeue(ctx, record)
    audit.record(get_db(request), who.name, "reprocess", doc_id, client_ip(request))
    return {"doc_id": doc_id, "state": "queued"}
