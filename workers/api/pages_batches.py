"""Pages for scanning operators: upload with live progress, the batches list and one batch."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from .auth import Operator, get_ctx, get_db
from .batches import batch_summary, check_batch_access, list_batch_entries
from .web import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


@router.get("/upload")
def upload_page(request: Request, who: Operator) -> Response:
    ctx, db = get_ctx(request), get_db(request)
    batches = list_batch_entries(ctx, db, who)
    if who.can("staff"):
        dossiers = sorted({r["dossier"] for r in ctx.index.scan() if r.get("dossier")})
    else:
        rows = db.execute(
            "SELECT DISTINCT dossier FROM batches WHERE created_by = ? AND dossier IS NOT NULL", (who.name,)
        )
        dossiers = sorted(d for (d,) in rows)
    mine = [b for b in batches if b["created_by"] == who.name][:20]
    limits = ctx.settings.limits
    return render(
        request,
        "upload.html",
        who,
        dossiers=dossiers,
        recent=mine,
        max_bytes=limits.max_bytes,
        max_mb=limits.max_bytes // (1024 * 1024),
    )


@router.get("/batches")
def batches_page(request: Request, who: Operator, page: int = Query(1, ge=1)) -> Response:
    entries = list_batch_entries(get_ctx(request), get_db(request), who)
    pages = max(1, (len(entries) + PAGE_SIZE - 1) // PAGE_SIZE)
    shown = entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return render(request, "batches.html", who, batches=shown, total=len(entries), page=page, pages=pages)


@router.get("/batches/{batch_id}")
def batch_page(batch_id: str, request: Request, who: Operator) -> Response:
    ctx, db = get_ctx(request), get_db(request)
    check_batch_access(ctx, db, who, batch_id)
    summary = batch_summary(ctx, batch_id)
    return render(request, "batch.html", who, summary=summary, owner=db.batch_owner(batch_id))
