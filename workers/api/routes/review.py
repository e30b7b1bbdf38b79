"""The review queue and confirming a document's values."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from ... import audit
from ...records import dump_view
from ...services import review
from ..deps import DB, Ctx, Staff, client_ip

router = APIRouter(prefix="/api/v1", tags=["documents"])


@router.get("/review")
def get_review(
    who: Staff, ctx: Ctx, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)
) -> dict[str, Any]:
    """Documents waiting for a person: failed, low OCR confidence, uncertain type, or a result document
    not linked to the register (reason ``link``). Each item has ``link_candidates``: register entries, best
    first, with ``score`` and ``reasons``; confirm one with ``POST /register/links``. (staff)"""
    total, items = review.review_queue(ctx, limit, offset)
    return {"total": total, "items": items}


@router.post("/documents/{doc_id}/confirm")
def post_confirm(doc_id: str, request: Request, who: Staff, ctx: Ctx, db: DB) -> dict[str, Any]:
    """Confirm the machine's values as right: a correction that keeps them and clears review. (staff)"""
    updated = review.confirm(ctx, doc_id, by=who.name)
    audit.record(db, who.name, "confirm", doc_id, client_ip(request))
    return dump_view(updated, text=False) | {"next": review.next_in_review(ctx, doc_id)}
