"""Pages for staff: search, one document (with its correction form), and the review queue."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from ..commands.maintenance import requeue
from ..corrections import correct, history
from ..errors import PermanentError
from ..ports import SearchQuery
from ..records import CORRECTABLE
from . import audit
from .auth import Admin, Principal, Staff, client_ip, get_ctx, get_db
from .docs_api import confirm_changes, get_record, next_in_review, review_queue
from .labels import taxonomy_names
from .web import render

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
    query = SearchQuery(
        text=q.strip(),
        doc_type=type or None,
        field=field or None,
        issuer=issuer or None,
        year=int(year) if year.isdigit() else None,
        valid_on=valid_on or None,
        low_confidence={"true": True, "false": False}.get(low_confidence),
        state=state or None,
        sort=sort,
        limit=SEARCH_PAGE,
        offset=(page - 1) * SEARCH_PAGE,
    )
    result = get_ctx(request).index.search(query)
    pages = max(1, (result.total + SEARCH_PAGE - 1) // SEARCH_PAGE)
    active = [(name, params[name]) for name in _FILTERS if params.get(name)]
    return render(
        request,
        "search.html",
        who,
        q=q,
        params=params,
        result=result,
        page=page,
        pages=pages,
        active=active,
        link=lambda **kw: _search_link(params, **kw),
    )


def _options(names: dict[str, str], current: str | None) -> list[tuple[str, str]]:
    options = sorted(names.items(), key=lambda item: item[1])
    if current and current not in names:
        options.insert(0, (current, current))
    return options


def _document(
    request: Request, who: Principal, doc_id: str, *, error: str = "", form: dict[str, str] | None = None
) -> Response:
    ctx = get_ctx(request)
    record = get_record(ctx, doc_id)
    types, fields = taxonomy_names()
    review = request.query_params.get("review") == "1"
    pages = min(int(record.get("pages") or 1), MAX_PREVIEW_PAGES)
    values = {k: ("" if record.get(k) is None else str(record.get(k))) for k in CORRECTABLE} | (form or {})
    return render(
        request,
        "document.html",
        who,
        status_code=400 if error else 200,
        doc=record,
        doc_id=doc_id,
        values=values,
        pages=pages,
        more_pages=int(record.get("pages") or 1) - pages,
        type_options=_options(types, record.get("doc_type")),
        field_options=_options(fields, record.get("field")),
        history=list(reversed(history(ctx, doc_id))),
        review=review,
        skip=next_in_review(ctx, doc_id) if review else None,
        error=error,
        message=_MESSAGES.get(request.query_params.get("msg", ""), ""),
    )


@router.get("/documents/{doc_id}")
def document_page(doc_id: str, request: Request, who: Staff) -> Response:
    response = _document(request, who, doc_id)
    audit.record(get_db(request), who.name, "view", doc_id, client_ip(request))
    return response


def _back(doc_id: str, review: bool, msg: str, request: Request) -> Response:
    if review:
        following = next_in_review(get_ctx(request), doc_id)
        target = f"/documents/{following}?review=1&msg={msg}" if following else f"/review?msg={msg}"
    else:
        target = f"/documents/{doc_id}?msg={msg}"
    return RedirectResponse(target, status_code=303)


@router.post("/documents/{doc_id}/correct")
async def correct_document(doc_id: str, request: Request, who: Staff) -> Response:
    form = await request.form()
    ctx = get_ctx(request)
    record = get_record(ctx, doc_id)
    submitted = {k: str(form.get(k) or "").strip() for k in CORRECTABLE if k in form}
    changes = {k: v for k, v in submitted.items() if v != ("" if record.get(k) is None else str(record.get(k)))}
    review = form.get("review") == "1"
    if not changes:
        return _back(doc_id, review, "nochange", request)
    try:
        correct(ctx, doc_id, changes, by=who.name)
    except PermanentError as exc:
        return _document(request, who, doc_id, error=exc.message, form=submitted)
    audit.record(get_db(request), who.name, "correct", doc_id, client_ip(request), changes=changes)
    return _back(doc_id, review, "saved", request)


@router.post("/documents/{doc_id}/confirm")
async def confirm_document(doc_id: str, request: Request, who: Staff) -> Response:
    form = await request.form()
    ctx = get_ctx(request)
    correct(ctx, doc_id, confirm_changes(get_record(ctx, doc_id)), by=who.name)
    audit.record(get_db(request), who.name, "confirm", doc_id, client_ip(request))
    return _back(doc_id, form.get("review") == "1", "confirmed", request)


@router.post("/documents/{doc_id}/retry")
def retry_document(doc_id: str, request: Request, who: Staff) -> Response:
    ctx = get_ctx(request)
    record = get_record(ctx, doc_id)
    if record.get("state") != "failed":
        raise PermanentError("chỉ xử lý lại được tệp bị lỗi / only failed files can be retried", code="not_failed")
    requeue(ctx, record)
    audit.record(get_db(request), who.name, "retry", doc_id, client_ip(request))
    return RedirectResponse(f"/documents/{doc_id}?msg=queued", status_code=303)


@router.post("/documents/{doc_id}/reprocess")
def reprocess_document(doc_id: str, request: Request, who: Admin) -> Response:
    ctx = get_ctx(request)
    requeue(ctx, get_record(ctx, doc_id))
    audit.record(get_db(request), who.name, "reprocess", doc_id, client_ip(request))
    return RedirectResponse(f"/documents/{doc_id}?msg=queued", status_code=303)


@router.get("/review")
def review_page(request: Request, who: Staff, page: int = Query(1, ge=1)) -> Response:
    ctx = get_ctx(request)
    total, items = review_queue(ctx, REVIEW_PAGE, (page - 1) * REVIEW_PAGE)
    return render(
        request,
        "review.html",
        who,
        total=total,
        items=items,
        page=page,
        pages=max(1, (total + REVIEW_PAGE - 1) // REVIEW_PAGE),
        first=next_in_review(ctx),
        message=_MESSAGES.get(request.query_params.get("msg", ""), ""),
    )
