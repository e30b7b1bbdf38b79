"""HTTP API (``/api/v1``) and, when present, the web app. ``create_app(settings)`` builds everything;
it binds nowhere by itself (``sohoa serve`` binds 127.0.0.1 by default)."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response

from ..context import Context, derived_key, original_key
from ..errors import NotFoundError, PermanentError, SohoaError, TransientError
from ..ingest import Uploaded, ingest_file, new_batch_id
from ..ports import SearchQuery
from ..records import dump_view
from ..settings import Settings

log = logging.getLogger(__name__)
_CHUNK = 1 << 20
_STATUS = {NotFoundError: 404, PermanentError: 400, TransientError: 503}


def batch_summary(ctx: Context, batch: str) -> dict[str, Any]:
    """Counts by state and time taken for one batch (derived from the records)."""
    files = [
        dump_view(r)
        | {
            "stage": r.get("stage"),
            "uploaded_at": r.get("uploaded_at"),
            "processed_at": r.get("processed_at"),
            "pages_done": r.get("pages_done"),
        }
        for r in ctx.index.scan(batch)
    ]
    if not files:
        raise NotFoundError(f"không có lô / no batch {batch}")
    for f in files:
        f.pop("text", None)
    states: dict[str, int] = {}
    for f in files:
        states[f["state"]] = states.get(f["state"], 0) + 1
    started = min((f["uploaded_at"] for f in files if f["uploaded_at"]), default=None)
    finished = max((f["processed_at"] for f in files if f["processed_at"]), default=None)
    done = all(f["state"] in ("indexed", "failed") for f in files)
    return {
        "batch": batch,
        "files": files,
        "counts": states,
        "done": done,
        "started_at": started,
        "finished_at": finished if done else None,
    }


async def save_upload(upload: UploadFile, directory: Path, max_bytes: int) -> Path | None:
    """Stream an upload to disk; None (and nothing kept) when it exceeds ``max_bytes``."""
    target = Path(tempfile.mkstemp(dir=directory, prefix="up-")[1])
    size = 0
    with target.open("wb") as out:
        while chunk := await upload.read(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                out.close()
                target.unlink(missing_ok=True)
                return None
            out.write(chunk)
    return target


def create_app(settings: Settings, *, web: bool = True) -> FastAPI:
    ctx_holder: dict[str, Context] = {}

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        ctx_holder["ctx"] = Context.open(settings)
        yield
        ctx_holder.pop("ctx").close()

    app = FastAPI(
        title="Sohoa API",
        version="1",
        lifespan=lifespan,
        description="Số hóa hồ sơ, giấy tờ, kết quả giải quyết TTHC",
    )

    def ctx() -> Context:
        return ctx_holder["ctx"]

    app.state.ctx = ctx
    app.state.settings = settings

    @app.exception_handler(SohoaError)
    async def _sohoa_error(_request: Request, exc: SohoaError) -> JSONResponse:
        status = next((s for t, s in _STATUS.items() if isinstance(exc, t)), 500)
        return JSONResponse({"code": exc.code, "message": exc.message}, status_code=status)

    @app.post("/api/v1/batches", status_code=201, tags=["batches"])
    async def upload_batch(
        files: Annotated[list[UploadFile], File(description="scans: PDF, TIFF, PNG, JPEG")],
        batch: Annotated[str | None, Form()] = None,
        dossier: Annotated[str | None, Form()] = None,
    ) -> dict[str, Any]:
        """Upload many files into one batch; each is queued, or rejected with a reason."""
        batch_id = batch or new_batch_id()
        results: list[Uploaded] = []
        tmpdir = Path(tempfile.mkdtemp(prefix="sohoa-up-"))
        try:
            for upload in files:
                name = Path(upload.filename or "unnamed").name
                saved = await save_upload(upload, tmpdir, settings.limits.max_bytes)
                if saved is None:
                    results.append(Uploaded("", name, "rejected", "file_too_large"))
                    continue
                results.append(ingest_file(ctx(), saved, name, batch_id, dossier))
                saved.unlink(missing_ok=True)
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
        return {"batch": batch_id, "files": [r.__dict__ for r in results]}

    @app.get("/api/v1/batches", tags=["batches"])
    def list_batches() -> list[dict[str, Any]]:
        seen: dict[str, dict[str, Any]] = {}
        for record in ctx().index.scan():
            for b in record.get("batches") or [record.get("batch")]:
                entry = seen.setdefault(
                    b, {"batch": b, "files": 0, "counts": {}, "started_at": record.get("uploaded_at")}
                )
                entry["files"] += 1
                st = record.get("state")
                entry["counts"][st] = entry["counts"].get(st, 0) + 1
        return sorted(seen.values(), key=lambda e: e["started_at"] or "", reverse=True)

    @app.get("/api/v1/batches/{batch_id}", tags=["batches"])
    def get_batch(batch_id: str) -> dict[str, Any]:
        return batch_summary(ctx(), batch_id)

    def _record(doc_id: str) -> dict[str, Any]:
        record = ctx().index.get(doc_id)
        if record is None:
            raise NotFoundError(f"không có tài liệu / no document {doc_id}")
        return record

    @app.get("/api/v1/documents/{doc_id}", tags=["documents"])
    def get_document(doc_id: str) -> dict[str, Any]:
        return dump_view(_record(doc_id)) | {"page_info": _record(doc_id).get("page_info")}

    def _blob(key: str, media_type: str, filename: str) -> Response:
        store = ctx().store
        url = store.url(key)
        if url:
            return RedirectResponse(url, status_code=307)
        local = getattr(store, "local_path", None)
        if local is not None:
            path = local(key)
            if not path.is_file():
                raise NotFoundError("tệp chưa có / file not available yet")
            return FileResponse(path, media_type=media_type, filename=filename)
        return Response(store.get_bytes(key), media_type=media_type)

    @app.get("/api/v1/documents/{doc_id}/original", tags=["documents"])
    def get_original(doc_id: str) -> Response:
        record = _record(doc_id)
        return _blob(original_key(doc_id), _media_type(record), record.get("filename") or doc_id)

    @app.get("/api/v1/documents/{doc_id}/pdf", tags=["documents"])
    def get_pdf(doc_id: str) -> Response:
        record = _record(doc_id)
        stem = Path(record.get("filename") or doc_id).stem
        return _blob(derived_key(doc_id, "searchable.pdf"), "application/pdf", f"{stem}.ocr.pdf")

    @app.get("/api/v1/documents/{doc_id}/text", tags=["documents"])
    def get_text(doc_id: str) -> PlainTextResponse:
        return PlainTextResponse(_record(doc_id).get("text") or "")

    @app.get("/api/v1/search", tags=["search"])
    def search(
        q: str = "",
        type: str | None = None,
        field: str | None = None,
        issuer: str | None = None,
        year: int | None = None,
        valid_on: str | None = Query(None, pattern=r"^\d{4}-\d{2}-\d{2}$"),
        low_confidence: bool | None = None,
        sort: str = Query("relevance", pattern="^(relevance|date_desc|date_asc)$"),
        limit: int = Query(10, ge=1, le=100),
        offset: int = Query(0, ge=0),
    ) -> dict[str, Any]:
        query = SearchQuery(
            text=q,
            doc_type=type,
            field=field,
            issuer=issuer,
            year=year,
            valid_on=valid_on,
            low_confidence=low_confidence,
            sort=sort,
            limit=limit,
            offset=offset,
        )
        result = ctx().index.search(query)
        hits = []
        for h in result.hits:
            view = dump_view(h.record)
            view.pop("text", None)
            hits.append(view | {"score": h.score, "highlights": h.highlights})
        return {"total": result.total, "hits": hits, "facets": result.facets}

    @app.get("/api/v1/health", tags=["system"])
    def health() -> dict[str, str]:
        return {"status": "ok"}

    from .reports_api import router as reports_router

    app.include_router(reports_router)

    if web:
        try:
            from .web import mount_web
        except ImportError:  # the web app is optional for API-only deployments
            mount_web = None
        if mount_web is not None:
            mount_web(app, settings)
    return app


def _media_type(record: dict[str, Any]) -> str:
    return {"pdf": "application/pdf", "tiff": "image/tiff", "png": "image/png", "jpeg": "image/jpeg"}.get(
        record.get("kind") or "", "application/octet-stream"
    )
