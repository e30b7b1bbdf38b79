"""Pages for staff: search, one document (with its correction form), and the review queue."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from ... import audit
from ...context import Context
from ...corrections import history
from ...errors import PermanentError
from ...records import CORRECTABLE, get_record, taxonomy_names
from ...services import documents, review
from ...services import search as search_service
from ..deps import DB, Admin, Ctx, Principal, Staff, client_ip
from .render import paging, render

router = APIRouter(include_in_schema=False)
SEARCH_PAGE = 20
REVIEW_PAGE = 50
MAX_PREVIEW_PAGES = 60
_FILTERS = ("type", "field", "issuer", "year", "valid_on", "low_confidence", "state")
_MESSAGES = {
    "saved": "Đã lưu sửa đổi.",
    "confirmed": "Đã xác nhận.",
    "nochange": "Không có gì thay đổi.",
    "queued": "Đã đưa vào hàng đợi xử lý lại.",
}


def _search_link(params: dict[str, str], **changes: Any) -> str:
    merged = {**params, **changes}
    return "/search?" + urlencode({k: v for k, v in merged.items() if v not in (None, "")})


@router.get("/search")
def search_page(
    request: Request,
    who: Staff,
    ctx: Ctx,
    q: str = "",
    type: str = "",
    field: str = "",
    issuer: str = "",
    year: str = "",
    valid_on: str = Query("", pattern=r"^(\d{4}-\d{2}-\d{2})?$"),
    low_confidence: str = Query("", pattern="^(true|false)?$"),
    state: str = "",
    sort: str = Query("relevance", pattern="^(relevance|date_desc|date_asc)$"),
    page: int = Query(1, ge=1, le=10_000),
) -> Response:
    params = {"q": q, "type": type, "field": field, "issuer": issuer, "year": year, "valid_on": valid_on}
    params |= {"low_confidence": low_confidence, "state": state, "sort": sort if sort != "relevance" else ""}
    query = search_service.build_query(
        q,
        doc_type=type,
        field=field,
        issuer=issuer,
        year=int(year) if year.isdigit() else None,  # a form field: anything else means no filter
        valid_on=valid_on,
        low_confidence={"true": True, "false": False}.get(low_confidence),
        state=state,
        sort=sort,
        limit=SEARCH_PAGE,
        offset=(page - 1) * SEARCH_PAGE,
    )
    result = search_service.search(ctx, query)
    active = [(name, params[name]) for name in _FILTERS if params.get(name)]
    return render(
        request,
        "search.html",
        who,
        q=q,
        params=params,
        result=result,
        **paging(result.total, page, SEARCH_PAGE),
        active=active,
        link=lambda **kw: _search_link(params, **kw),
    )


def _options(names: dict[str, str], current: str | None) -> list[tuple[str, str]]:
    options = sorted(names.items(), key=lambda item: item[1])
    if current and current not in names:
        options.insert(0, (current, current))
    return options


def _document(
    request: Request, ctx: Context, who: Principal, doc_id: str, *, error: str = "", form: dict[str, str] | None = None
) -> Response:
    record = get_record(ctx, doc_id)
    types, fields = taxonomy_names()
    in_review = request.query_params.get("review") == "1"
    pages = min(int(record.get("pages") or 1), MAX_PREVIEW_PAGES)
    return render(
        request,
        "document.html",
        who,
        status_code=400 if error else 200,
        doc=record,
        doc_id=doc_id,
        values=documents.current_values(record) | (form or {}),
        pages=pages,
        more_pages=int(record.get("pages") or 1) - pages,
        type_options=_options(types, record.get("doc_type")),
        field_options=_options(fields, record.get("field")),
        history=list(reversed(history(ctx, doc_id))),
        review=in_review,
        skip=review.next_in_review(ctx, doc_id) if in_review else None,
        error=error,
        message=_MESSAGES.get(request.query_params.get("msg", ""), ""),
    )


@router.get("/documents/{doc_id}")
def document_page(doc_id: str, request: Request, who: Staff, ctx: Ctx, db: DB) -> Response:
    response = _document(request, ctx, who, doc_id)
    audit.record(db, who.name, "view", doc_id, client_ip(request))
    return response


def _back(ctx: Context, doc_id: str, in_review: bool, msg: str) -> Response:
    """Where a form goes next: the following document of the review queue, or back to this one."""
    if in_review:
        following = review.next_in_review(ctx, doc_id)
        target = f"/documents/{following}?review=1&msg={msg}" if following else f"/review?msg={msg}"
    else:
        target = f"/documents/{doc_id}?msg={msg}"
    return RedirectResponse(target, status_code=303)


@router.post("/documents/{doc_id}/correct")
async def correct_document(doc_id: str, request: Request, who: Staff, ctx: Ctx, db: DB) -> Response:
    form = await request.form()
    submitted = {k: str(form.get(k) or "").strip() for k in CORRECTABLE if k in form}
    in_review = form.get("review") == "1"
    try:
        changes = documents.correct_changed(ctx, doc_id, submitted, by=who.name)
    except PermanentError as exc:  # shown on the form, with what was typed
        return _document(request, ctx, who, doc_id, error=exc.message, form=submitted)
    if not changes:
        return _back(ctx, doc_id, in_review, "nochange")
    audit.record(db, who.name, "correct", doc_id, client_ip(request), changes=changes)
    return _back(ctx, doc_id, in_review, "saved")


@router.post("/documents/{doc_id}/confirm")
async def confirm_document(doc_id: str, request: Request, who: Staff, ctx: Ctx, db: DB) -> Response:
    form = await request.form()
    review.confirm(ctx, doc_id, by=who.name)
    audit.record(db, who.name, "confirm", doc_id, client_ip(request))
    return _back(ctx, doc_id, form.get("review") == "1", "confirmed")


@router.post("/documents/{doc_id}/retry")
def retry_document(doc_id: str, request: Request, who: Staff, ctx: Ctx, db: DB) -> Response:
    documents.retry(ctx, get_record(ctx, doc_id))
    audit.record(db, who.name, "retry", doc_id, client_ip(request))
    return RedirectResponse(f"/documents/{doc_id}?msg=queued", status_code=303)


@router.post("/documents/{doc_id}/reprocess")
def reprocess_document(doc_id: str, request: Request, who: Admin, ctx: Ctx, db: DB) -> Response:
    documents.reprocess(ctx, doc_id)
    audit.record(db, who.name, "reprocess", doc_id, client_ip(request))
    return RedirectResponse(f"/documents/{doc_id}?msg=queued", status_code=303)


@router.get("/review")
def review_page(request: Request, who: Staff, ctx: Ctx, page: int = Query(1, ge=1)) -> Response:
    total, items = review.review_queue(ctx, REVIEW_PAGE, (page - 1) * REVIEW_PAGE)
    return render(
        request,
        "review.html",
        who,
        items=items,
        **paging(total, page, REVIEW_PAGE),
        first=review.next_in_review(ctx),
        message=_MESSAGES.get(request.query_params.get("msg", ""), ""),
    )
