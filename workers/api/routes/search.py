"""Full-text search with filters and facets."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from ...services import search as search_service
from ..deps import Ctx, Staff

router = APIRouter(prefix="/api/v1", tags=["search"])


@router.get("/search")
def search(
    who: Staff,
    ctx: Ctx,
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
    query = search_service.build_query(
        q,
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
    result = search_service.search(ctx, query)
    hits = [search_service.hit_view(h) for h in result.hits]
    return {"total": result.total, "hits": hits, "facets": result.facets}
