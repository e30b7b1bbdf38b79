"""HTTP API (``/api/v1``) and, when present, the web app. ``create_app(settings)`` builds everything;
it binds nowhere by itself (``sohoa serve`` binds 127.0.0.1 by default).

Every endpoint but ``/api/v1/health`` needs a signed-in caller of a given role (``workers.api.auth``):
``operator`` uploads and sees the batches they created, ``staff`` also searches, views and corrects
documents and reads reports, ``admin`` also manages users and imports the register. Uploads, views and
downloads of documents are written to the audit log (``workers.api.audit``).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response

from ..context import Context, derived_key, original_key
from ..errors import NotFoundError, SohoaError
from ..ingest import Uploaded, ingest_file
from ..ports import SearchQuery
from ..records import dump_view
from ..settings import Settings
from . import audit, auth
from .appdb import AppDB
from .auth import Operator, Staff, client_ip
from .batches import batch_summary, check_batch_access, clean_batch_name, list_batch_entries

log = logging.getLogger(__name__)
_CHUNK = 1 << 20


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
    db_holder: dict[str, AppDB] = {}
    db_lock = threading.Lock()

    def appdb() -> AppDB:
        with db_lock:
            if "db" not in db_holder:
                db_holder["db"] = AppDB(settings.app_db_path, settings.secret_key)
            return db_holder["db"]

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        ctx_holder["ctx"] = Context.open(settings)
        appdb()
        yield
        ctx_holder.pop("ctx").close()
        with db_lock:
            if "db" in db_holder:
                db_holder.pop("db").close()

    app = FastAPI(
        title="Sohoa API",
        version="1",
        lifespan=lifespan,
        description="Số hóa hồ sơ, giấy tờ, kết quả giải quyết TTHC. Authenticate with "
        "`Authorization: Bearer <token>` (`sohoa user token NAME`).",
    )

    def ctx() -> Context:
        return ctx_holder["ctx"]

    app.state.ctx = ctx
    app.state.appdb = appdb
    app.state.settings = settings
    auth.install(app)

    @app.exception_handler(SohoaError)
    async def _sohoa_error(request: Request, exc: SohoaError) -> Response:
        status = exc.http_status
        render = getattr(app.state, "render_error", None)
        if render is not None and not request.url.path.startswith("/api/"):
            page: Response = render(request, status, exc.message)
            return page
        return JSONResponse({"code": exc.code, "message": exc.message}, status_code=status)

    @app.post("/api/v1/batches", status_code=201, tags=["batches"])
    async def upload_batch(
        request: Request,
        who: Operator,
        files: Annotated[list[UploadFile], File(description="scans: PDF, TIFF, PNG, JPEG")],
        batch: Annotated[str | None, Form()] = None,
        dossier: Annotated[str | None, Form()] = None,
    ) -> dict[str, Any]:
        """Upload many files into one batch; each is queued, or rejected with a reason. (operator)"""
        batch_id = clean_batch_name(batch)
        dossier = (dossier or "").strip()[:100] or None
        db = appdb()
        if db.batch_owner(batch_id) is None and not any(True for _ in ctx().index.scan(batch_id)):
            db.claim_batch(batch_id, who.name, dossier)
        check_batch_access(ctx(), db, who, batch_id)
        results: list[Uploaded] = []
        tmpdir = Path(tempfile.mkdtemp(prefix="sohoa-up-"))
        try:
            for upload in files:
                name = Path(upload.filename or "unnamed").name
                saved = await save_upload(upload, tmpdir, settings.limits.max_bytes)
                if saved is None:
                    results.append(Uploaded("", name, "rejected", "file_too_large"))
                else:
                    results.append(ingest_file(ctx(), saved, name, batch_id, dossier, uploader=who.name))
                    saved.unlink(missing_ok=True)
                done = results[-1]
                audit.record(
                    db,
                    who.name,
                    "upload",
                    done.doc_id or None,
                    client_ip(request),
                    filename=name,
                    batch=batch_id,
                    status=done.status,
                    error_code=done.error_code,
                )
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
        return {"batch": batch_id, "files": [r.__dict__ for r in results]}

    @app.get("/api/v1/batches", tags=["batches"])
    def list_batches(who: Operator) -> list[dict[str, Any]]:
        """Batches with counts by state (operators: only the batches they created). (operator)"""
        return list_batch_entries(ctx(), appdb(), who)

    @app.get("/api/v1/batches/{batch_id}", tags=["batches"])
    def get_batch(batch_id: str, who: Operator) -> dict[str, Any]:
        """One batch and its files. (operator: own batches; staff: all)"""
        check_batch_access(ctx(), appdb(), who, batch_id)
        return batch_summary(ctx(), batch_id)

    def _record(doc_id: str) -> dict[str, Any]:
        record = ctx().index.get(doc_id)
        if record is None:
            raise NotFoundError(f"không có tài liệu / no document {doc_id}")
        return record

    @app.get("/api/v1/documents/{doc_id}", tags=["documents"])
    def get_document(doc_id: str, request: Request, who: Staff) -> dict[str, Any]:
        """The record (metadata, state, text). (staff)"""
        record = _record(doc_id)
        audit.record(appdb(), who.name, "view", doc_id, client_ip(request), via="api")
        return dump_view(record) | {"page_info": record.get("page_info")}

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
    def get_original(doc_id: str, request: Request, who: Staff) -> Response:
        """The uploaded file, byte for byte (audited). (staff)"""
        record = _record(doc_id)
        response = _blob(original_key(doc_id), _media_type(record), record.get("filename") or doc_id)
        audit.record(appdb(), who.name, "download_original", doc_id, client_ip(request))
        return response

    @app.get("/api/v1/documents/{doc_id}/pdf", tags=["documents"])
    def get_pdf(doc_id: str, request: Request, who: Staff) -> Response:
        """The searchable PDF made by OCR (audited). (staff)"""
        record = _record(doc_id)
        stem = Path(record.get("filename") or doc_id).stem
        response = _blob(derived_key(doc_id, "searchable.pdf"), "application/pdf", f"{stem}.ocr.pdf")
        audit.record(appdb(), who.name, "download_pdf", doc_id, client_ip(request))
        return response

    @app.get("/api/v1/documents/{doc_id}/text", tags=["documents"])
    def get_text(doc_id: str, who: Staff) -> PlainTextResponse:
        """The OCR / text-layer text, pages separated by form feeds. (staff)"""
        return PlainTextResponse(_record(doc_id).get("text") or "")

    @app.get("/api/v1/search", tags=["search"])
    def search(
        who: Staff,
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
        """Full-text search with filters and facet counts. (staff)"""
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
        """Liveness; needs no sign-in."""
        return {"status": "ok"}

    from .admin_api import router as admin_router
    from .docs_api import router as docs_router
    from .live import router as live_router
    from .reports_api import router as reports_router

    app.include_router(live_router)
    app.include_router(docs_router)
    app.include_router(admin_router)
    app.include_router(reports_router, dependencies=[Depends(auth.reports_guard)])

    if web:
        try:
            from .web import mount_web
        except ImportError:  # the web app is optional for API-only deployments
            log.warning("web app unavailable; serving the API only", exc_info=True)
        else:
            mount_web(app, settings)
    return app


def _media_type(record: dict[str, Any]) -> str:
    return {"pdf": "application/pdf", "tiff": "image/tiff", "png": "image/png", "jpeg": "image/jpeg"}.get(
        record.get("kind") or "", "application/octet-stream"
    )
