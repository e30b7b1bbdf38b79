"""Pages for scanning operators: upload with live progress, the batches list and one batch."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ...services import batches
from ..deps import DB, Ctx, Operator
from .render import paging, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
RECENT = 20


@router.get("/upload")
def upload_page(request: Request, who: Operator, ctx: Ctx, db: DB) -> Response:
    mine = [b for b in batches.list_batches(ctx, db, who.user) if b["created_by"] == who.name][:RECENT]
    max_bytes = ctx.settings.limits.max_bytes
    dossiers = batches.dossiers(ctx, db, who.user)
    return render(
        request,
        "upload.html",
        who,
        dossiers=dossiers,
        recent=mine,
        max_bytes=max_bytes,
        max_mb=max_bytes // (1024 * 1024),
    )


@router.get("/batches")
def batches_page(request: Request, who: Operator, ctx: Ctx, db: DB, page: int = Query(1, ge=1)) -> Response:
    entries = batches.list_batches(ctx, db, who.user)
    shown = entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return render(request, "batches.html", who, batches=shown, **paging(len(entries), page, PAGE_SIZE))


@router.get("/batches/{batch_id}")
def batch_page(batch_id: str, request: Request, who: Operator, ctx: Ctx, db: DB) -> Response:
    batches.check_access(ctx, db, who.user, batch_id)
    summary = batches.visible_to(batches.batch_summary(ctx, batch_id), who.user)
    return render(request, "batch.html", who, summary=summary, owner=db.batch_owner(batch_id))
