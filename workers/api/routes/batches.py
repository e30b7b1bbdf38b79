"""Batches: upload files into one, list them, read one, and send failed files back to the queue."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from ... import audit
from ...appdb import AppDB
from ...context import Context
from ...ingest import Uploaded, ingest_file
from ...services import batches
from ..deps import DB, Ctx, Operator, client_ip

router = APIRouter(prefix="/api/v1", tags=["batches"])
_CHUNK = 1 << 20


def save_upload(source: BinaryIO, directory: Path, max_bytes: int) -> Path | None:
    """Copy an upload to disk; None (and nothing kept) when it exceeds ``max_bytes``. Blocking."""
    target = Path(tempfile.mkstemp(dir=directory, prefix="up-")[1])
    size = 0
    with target.open("wb") as out:
        while chunk := source.read(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                out.close()
                target.unlink(missing_ok=True)
                return None
            out.write(chunk)
    return target


def _ingest_all(
    ctx: Context, db: AppDB, who: str, ip: str | None, batch_id: str, dossier: str | None, files: list[UploadFile]
) -> list[Uploaded]:
    """Store, hash, index and queue every upload, auditing each. Blocking: runs in the thread pool so
    that a large upload never holds up other requests."""
    results: list[Uploaded] = []
    tmpdir = Path(tempfile.mkdtemp(prefix="sohoa-up-"))
    try:
        for upload in files:
            name = Path(upload.filename or "unnamed").name
            saved = save_upload(upload.file, tmpdir, ctx.settings.limits.max_bytes)
            if saved is None:  # rejected while copying: the file never reaches the store
                results.append(Uploaded("", name, "rejected", "file_too_large"))
            else:
                results.append(ingest_file(ctx, saved, name, batch_id, dossier, uploader=who))
                saved.unlink(missing_ok=True)
            done = results[-1]
            audit.record(
                db,
                who,
                "upload",
                done.doc_id or None,
                ip,
                filename=name,
                batch=batch_id,
                status=done.status,
                error_code=done.error_code,
            )
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return results


@router.post("/batches", status_code=201)
async def upload_batch(
    request: Request,
    who: Operator,
    ctx: Ctx,
    db: DB,
    files: Annotated[list[UploadFile], File(description="scans: PDF, TIFF, PNG, JPEG")],
    batch: Annotated[str | None, Form()] = None,
    dossier: Annotated[str | None, Form()] = None,
) -> dict[str, Any]:
    """Upload many files into one batch; each is queued, or rejected with a reason. (operator)

    ``files`` of a file already stored (the same bytes) come back as ``duplicate`` and join this batch
    under the name and dossier given here; nothing of the earlier upload is shown."""
    batch_id = await run_in_threadpool(batches.open_for_upload, ctx, db, who.user, batch, dossier)
    dossier = await run_in_threadpool(batches.clean_dossier, dossier, ctx)
    results = await run_in_threadpool(_ingest_all, ctx, db, who.name, client_ip(request), batch_id, dossier, files)
    return {"batch": batch_id, "files": [r.__dict__ for r in results]}


@router.get("/batches")
def list_batches(who: Operator, ctx: Ctx, db: DB) -> list[dict[str, Any]]:
    """Batches with counts by state (operators: only the batches they created). (operator)"""
    return batches.list_batches(ctx, db, who.user)


@router.get("/batches/{batch_id}")
def get_batch(batch_id: str, who: Operator, ctx: Ctx, db: DB) -> dict[str, Any]:
    """One batch and its files. (operator: own batches; staff: all)"""
    batches.check_access(ctx, db, who.user, batch_id)
    return batches.visible_to(batches.batch_summary(ctx, batch_id), who.user)


@router.post("/documents/{doc_id}/retry")
def retry_document(doc_id: str, request: Request, who: Operator, ctx: Ctx, db: DB) -> dict[str, Any]:
    """Queue a failed file again. (operator: files of own batches; staff: all)"""
    record = batches.retry_file(ctx, db, who.user, doc_id)
    audit.record(db, who.name, "retry", doc_id, client_ip(request), filename=record.get("filename"))
    return {"doc_id": doc_id, "state": "queued"}


@router.post("/batches/{batch_id}/retry")
def retry_batch(batch_id: str, request: Request, who: Operator, ctx: Ctx, db: DB) -> dict[str, Any]:
    """Queue every failed file of a batch again (files whose original is missing stay failed)."""
    queued, skipped = batches.retry_batch(ctx, db, who.user, batch_id)
    for record in queued:
        audit.record(db, who.name, "retry", record["doc_id"], client_ip(request), filename=record.get("filename"))
    return {"batch": batch_id, "queued": [r["doc_id"] for r in queued], "skipped": skipped}
