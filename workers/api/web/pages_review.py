"""The review queue page (staff): documents waiting for a person, and where reading them one by one
starts. After the last one it says what is left: failed files wait for a retry or a new scan, not for
a reading, so "all reviewed" is only said when none are left either."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ...errors import NotFoundError
from ...records import get_record
from ...services import review
from ..deps import Ctx, Staff
from .pages_docs import MESSAGES
from .render import paging, render

router = APIRouter(include_in_schema=False)
REVIEW_PAGE = 50


@router.get("/review")
def review_page(request: Request, who: Staff, ctx: Ctx, page: int = Query(1, ge=1)) -> Response:
    total, items = review.review_queue(ctx, REVIEW_PAGE, (page - 1) * REVIEW_PAGE)
    for item in items:  # the queue does not say which scans held no text at all: the records do
        if item["reason"] in ("uncertain", "low_confidence"):
            item["no_text"] = bool((ctx.index.get(item["doc_id"]) or {}).get("no_text"))
    failed = sum(1 for item in items if item["reason"] == "failed") if total <= REVIEW_PAGE else None
    if failed is None:  # more than one page: count the failed files over the whole queue
        failed = sum(1 for item in review.review_queue(ctx, total, 0)[1] if item["reason"] == "failed")
    saved = None
    prev = request.query_params.get("prev", "")
    if prev:
        try:
            saved = get_record(ctx, prev)
        except NotFoundError:
            saved = None
    return render(
        request,
        "review.html",
        who,
        items=items,
        **paging(total, page, REVIEW_PAGE),
        first=review.next_in_review(ctx),
        failed=failed,
        saved=saved,
        message=MESSAGES.get(request.query_params.get("msg", ""), ""),
    )
