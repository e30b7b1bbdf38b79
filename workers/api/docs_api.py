"""Document endpoints beyond reading: corrections, confirmation, the review queue and page previews.

All need ``staff``. Corrections and confirmations go through :func:`workers.corrections.correct` with the
signed-in user as ``by`` and are audited.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..context import Context
from ..corrections import correct, history
from ..errors import NotFoundError, PermanentError
from ..records import CORRECTABLE, dump_view
from . import audit
from .auth import Staff, client_ip, get_ctx, get_db
from .preview import render_page

router = APIRouter(prefix="/api/v1", tags=["documents"])


class CorrectionIn(BaseModel):
    changes: dict[str, str | None] = Field(
        description="field -> new value (empty or null clears it)", examples=[{"doc_type": "quyet_dinh"}]
    )


def get_record(ctx: Context, doc_id: str) -> dict[str, Any]:
    record = ctx.index.get(doc_id)
    if record is None:
        raise NotFoundError(f"không có tài liệu / no document {doc_id}")
    return record


def review_reason(record: dict[str, Any]) -> str | None:
    """Why a record needs a person: ``failed``, ``low_confidence``, ``uncertain`` (type/field), or None."""
    if record.get("state") == "failed":
        return "failed"
    if record.get("state") == "indexed" and record.get("review"):
        return "low_confidence" if record.get("low_confidence") else "uncertain"
    return None


def review_queue(ctx: Context, limit: int = 50, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    """(total, page) of records to review, oldest upload first."""
    items = []
    for record in ctx.index.scan():
        reason = review_reason(record)
        if reason:
            view = dump_view(record)
            view.pop("text", None)
            items.append(view | {"reason": reason, "uploaded_at": record.get("uploaded_at")})
    return len(items), items[offset : offset + limit]


def next_in_review(ctx: Context, after: str | None = None) -> str | None:
    """The document to review after ``after`` in queue order (wrapping around; failed files are not
    reviewed one after another: they need a retry or a new scan). None when nothing else waits."""
    ids = [r["doc_id"] for r in ctx.index.scan() if review_reason(r) in ("low_confidence", "uncertain")]
    if after in ids:
        i = ids.index(after)
        ids = ids[i + 1 :] + ids[:i]
    return ids[0] if ids else None


def confirm_changes(record: dict[str, Any]) -> dict[str, Any]:
    """A confirmation keeps every current value (so reprocessing keeps them too) and clears review."""
    if record.get("state") != "indexed":
        raise PermanentError("chỉ xác nhận được tài liệu đã xử lý xong / only indexed documents", code="not_indexed")
    return {k: record[k] for k in CORRECTABLE if record.get(k) not in (None, "")}


@router.get("/documents/{doc_id}/corrections")
def get_corrections(doc_id: str, request: Request, who: Staff) -> list[dict[str, Any]]:
    """Who corrected what and when, oldest first. (staff)"""
    ctx = get_ctx(request)
    get_record(ctx, doc_id)
    return history(ctx, doc_id)


@router.post("/documents/{doc_id}/corrections")
def post_correction(doc_id: str, body: CorrectionIn, request: Request, who: Staff) -> dict[str, Any]:
    """Correct type and metadata; kept over reprocessing and audited. (staff)"""
    ctx = get_ctx(request)
    get_record(ctx, doc_id)
    if not body.changes:
        raise PermanentError("không có gì để sửa / no changes", code="bad_value")
    updated = correct(ctx, doc_id, dict(body.changes), by=who.name)
    audit.record(get_db(request), who.name, "correct", doc_id, client_ip(request), changes=body.changes)
    view = dump_view(updated)
    view.pop("text", None)
    return view


@router.post("/documents/{doc_id}/confirm")
def post_confirm(doc_id: str, request: Request, who: Staff) -> dict[str, Any]:
    """Confirm the machine's values as right: a correction that keeps them and clears review. (staff)"""
    ctx = get_ctx(request)
    changes = confirm_changes(get_record(ctx, doc_id))
    updated = correct(ctx, doc_id, changes, by=who.name)
    audit.record(get_db(request), who.name, "confirm", doc_id, client_ip(request))
    view = dump_view(updated)
    view.pop("text", None)
    return view | {"next": next_in_review(ctx, doc_id)}


@router.get("/review")
def get_review(
    request: Request, who: Staff, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)
) -> dict[str, Any]:
    """Documents waiting for a person: failed, low OCR confidence, or uncertain type. (staff)"""
    total, items = review_queue(get_ctx(request), limit, offset)
    return {"total": total, "items": items}


@router.get("/documents/{doc_id}/pages/{page}.png", response_class=FileResponse)
async def get_page_png(
    doc_id: str, page: int, request: Request, who: Staff, width: int = Query(1000, ge=100, le=2000)
) -> FileResponse:
    """A PNG of one page (1-based), rendered on demand and cached. (staff)"""
    ctx = get_ctx(request)
    record = get_record(ctx, doc_id)
    path = await run_in_threadpool(render_page, ctx, record, page, width)
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})
