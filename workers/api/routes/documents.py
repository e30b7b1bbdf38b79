"""One document: its record, files and text, corrections, page images, and processing it again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ... import audit
from ...context import Context, derived_key, original_key
from ...corrections import history
from ...errors import NotFoundError
from ...records import dump_view, get_record
from ...services import documents
from ...services.previews import render_page
from ..deps import DB, Admin, Ctx, Staff, client_ip

router = APIRouter(prefix="/api/v1", tags=["documents"])
_MEDIA_TYPES = {"pdf": "application/pdf", "tiff": "image/tiff", "png": "image/png", "jpeg": "image/jpeg"}


class CorrectionIn(BaseModel):
    changes: dict[str, str | None] = Field(
        description="field -> new value (empty or null clears it)", examples=[{"doc_type": "quyet_dinh"}]
    )


def _blob(ctx: Context, key: str, media_type: str, filename: str) -> Response:
    """A stored object: a redirect when the store can sign URLs, else the file or its bytes."""
    url = ctx.store.url(key)
    if url:
        return RedirectResponse(url, status_code=307)
    local = getattr(ctx.store, "local_path", None)
    if local is not None:
        path = local(key)
        if not path.is_file():
            raise NotFoundError("tệp chưa có / file not available yet")
        return FileResponse(path, media_type=media_type, filename=filename)
    return Response(ctx.store.get_bytes(key), media_type=media_type)


@router.get("/documents/{doc_id}")
def get_document(doc_id: str, request: Request, who: Staff, ctx: Ctx, db: DB) -> dict[str, Any]:
    """The record (metadata, state, text). (staff)"""
    record = get_record(ctx, doc_id)
    audit.record(db, who.name, "view", doc_id, client_ip(request), via="api")
    return dump_view(record) | {"page_info": record.get("page_info")}


@router.get("/documents/{doc_id}/original")
def get_original(doc_id: str, request: Request, who: Staff, ctx: Ctx, db: DB) -> Response:
    """The uploaded file, byte for byte (audited). (staff)"""
    record = get_record(ctx, doc_id)
    media_type = _MEDIA_TYPES.get(record.get("kind") or "", "application/octet-stream")
    response = _blob(ctx, original_key(doc_id), media_type, record.get("filename") or doc_id)
    audit.record(db, who.name, "download_original", doc_id, client_ip(request))
    return response


@router.get("/documents/{doc_id}/pdf")
def get_pdf(doc_id: str, request: Request, who: Staff, ctx: Ctx, db: DB) -> Response:
    """The searchable PDF made by OCR (audited). (staff)"""
    stem = Path(get_record(ctx, doc_id).get("filename") or doc_id).stem
    response = _blob(ctx, derived_key(doc_id, "searchable.pdf"), "application/pdf", f"{stem}.ocr.pdf")
    audit.record(db, who.name, "download_pdf", doc_id, client_ip(request))
    return response


@router.get("/documents/{doc_id}/text")
def get_text(doc_id: str, who: Staff, ctx: Ctx) -> PlainTextResponse:
    """The OCR / text-layer text, pages separated by form feeds. (staff)"""
    return PlainTextResponse(get_record(ctx, doc_id).get("text") or "")


@router.get("/documents/{doc_id}/corrections")
def get_corrections(doc_id: str, who: Staff, ctx: Ctx) -> list[dict[str, Any]]:
    """Who corrected what and when, oldest first. (staff)"""
    get_record(ctx, doc_id)
    return history(ctx, doc_id)


@router.post("/documents/{doc_id}/corrections")
def post_correction(doc_id: str, body: CorrectionIn, request: Request, who: Staff, ctx: Ctx, db: DB) -> dict[str, Any]:
    """Correct type and metadata; kept over reprocessing and audited. A ``hieu_luc_den`` before the
    ``ngay_ban_hanh`` (after the changes) is refused. (staff)"""
    updated = documents.correct_fields(ctx, doc_id, dict(body.changes), by=who.name)
    audit.record(db, who.name, "correct", doc_id, client_ip(request), changes=body.changes)
    return dump_view(updated, text=False)


@router.get("/documents/{doc_id}/pages/{page}.png", response_class=FileResponse)
async def get_page_png(
    doc_id: str, page: int, who: Staff, ctx: Ctx, width: int = Query(1000, ge=100, le=2000)
) -> FileResponse:
    """A PNG of one page (1-based), rendered on demand and cached. (staff)"""
    record = get_record(ctx, doc_id)
    path = await run_in_threadpool(render_page, ctx, record, page, width)
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.post("/documents/{doc_id}/reprocess")
def reprocess_document(doc_id: str, request: Request, who: Admin, ctx: Ctx, db: DB) -> dict[str, Any]:
    """Process a document again whatever its state; corrections stay. (admin)"""
    documents.reprocess(ctx, doc_id)
    audit.record(db, who.name, "reprocess", doc_id, client_ip(request))
    return {"doc_id": doc_id, "state": "queued"}
