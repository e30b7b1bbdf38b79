"""The document page (staff): pages with zoom, text, metadata with its correction form, the register
entry it proves, validity, downloads; and the forms it posts (correct, confirm, retry, reprocess, link).

Opened from search results, the page keeps the search (``?q=…&n=3``): it leads back to the results and
on to the previous and next hit. Opened from the review queue (``?review=1``), saving moves on to the
next document to read and says which one was saved, with a way back to it.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ... import audit
from ...context import Context, original_key
from ...corrections import history
from ...errors import NotFoundError, PermanentError, SohoaError
from ...ingest import upload_entries
from ...records import CORRECTABLE, get_record, taxonomy_names
from ...services import documents, register_links, review
from ...services import search as search_service
from ..deps import DB, Admin, Ctx, Principal, Staff, client_ip
from .corrections_form import check_form, form_values
from .dates import iso_or_typed
from .labels import subtype_names
from .messages import error_text
from .pages_search import SEARCH_PAGE, search_link, search_params, search_query
from .register_view import register_view
from .render import render
from .validity import validity, vn_today

router = APIRouter(include_in_schema=False)
MAX_PREVIEW_PAGES = 60
MESSAGES = {
    "saved": "Đã lưu sửa đổi.",
    "confirmed": "Đã xác nhận.",
    "nochange": "Không có gì thay đổi.",
    "queued": "Đã đưa vào hàng đợi xử lý lại.",
    "linked": "Đã liên kết tài liệu với mục sổ.",
    "unlinked": "Đã ghi nhận: tài liệu không ứng với mục nào trong sổ.",
}


def _options(names: dict[str, str], current: str | None) -> list[tuple[str, str]]:
    options = sorted(names.items(), key=lambda item: item[1])
    if current and current not in names:
        options.insert(0, (current, current))
    return options


def _neighbours(ctx: Context, params: dict[str, str], n: int, doc_id: str) -> dict[str, Any]:
    """Back to the results, and the previous and next hit around rank ``n`` of the search ``params``."""
    around: dict[str, Any] = {"back": search_link(params, page=(n - 1) // SEARCH_PAGE + 1 if n > 1 else "")}
    first = max(1, n - 1)
    hits = search_service.search(ctx, search_query(params, 3, first - 1)).hits
    ranked = {first + i: hit.record for i, hit in enumerate(hits)}
    if ranked.get(n, {}).get("doc_id") != doc_id:
        return around  # the results changed since: no previous / next to trust
    for key, rank in (("prev", n - 1), ("next", n + 1)):
        record = ranked.get(rank)
        if record:
            around[key] = {
                "href": f"/documents/{record['doc_id']}?" + urlencode({**params, "n": rank}),
                "title": record.get("trich_yeu") or record.get("filename") or record["doc_id"][:12],
            }
    return around


def _readable(entry: dict[str, Any]) -> dict[str, Any]:
    """A history entry as the page lists it: a confirmation (every value kept) shows no changes."""
    previous = entry.get("previous") or {}
    changed = {k: v for k, v in (entry.get("changes") or {}).items() if previous.get(k) != v}
    return entry | {"changes": changed, "previous": previous}


def _uploaded_dossier(record: dict[str, Any]) -> str:
    """The mã hồ sơ the file was uploaded with (its batch's), the latest one given."""
    return next((str(u["dossier"]) for u in reversed(upload_entries(record)) if u.get("dossier")), "")


def _document(
    request: Request, ctx: Context, who: Principal, doc_id: str, *, error: str = "", form: dict[str, str] | None = None
) -> Response:
    record = get_record(ctx, doc_id)
    types, fields = taxonomy_names()
    query = request.query_params
    in_review = query.get("review") == "1"
    params = search_params(query)
    rank = int(query["n"]) if str(query.get("n", "")).isdigit() else 0
    pages = min(int(record.get("pages") or 1), MAX_PREVIEW_PAGES)
    register = register_view(ctx, record)
    day = date.fromisoformat(params["valid_on"]) if params.get("valid_on") else vn_today()
    source = register.entry or record
    saved_prev = _record_or_none(ctx, str(query.get("prev") or "")) if query.get("msg") == "saved" else None
    return render(
        request,
        "document.html",
        who,
        status_code=400 if error else 200,
        doc=record,
        doc_id=doc_id,
        values=form_values(record) | (form or {}),
        pages=pages,
        more_pages=int(record.get("pages") or 1) - pages,
        type_options=_options(types, record.get("doc_type")),
        field_options=_options(fields, record.get("field")),
        subtype_options=_options(subtype_names(), record.get("doc_subtype")),
        history=[_readable(h) for h in reversed(history(ctx, doc_id))],
        review=in_review,
        skip=review.next_in_review(ctx, doc_id) if in_review else None,
        error=error,
        message=MESSAGES.get(query.get("msg", ""), ""),
        saved_prev=saved_prev,
        around=_neighbours(ctx, params, rank, doc_id) if rank else None,
        search_q=params.get("q", ""),
        register=register,
        validity=validity(source, day, result=register.entry is not None),
        day=day,
        today=day == vn_today(),
        has_original=ctx.store.exists(original_key(doc_id)),
        uploaded_dossier=_uploaded_dossier(record),
    )


def _record_or_none(ctx: Context, doc_id: str) -> dict[str, Any] | None:
    if not doc_id:
        return None
    try:
        return get_record(ctx, doc_id)
    except NotFoundError:
        return None


@router.get("/documents/{doc_id}")
def document_page(doc_id: str, request: Request, who: Staff, ctx: Ctx, db: DB) -> Response:
    response = _document(request, ctx, who, doc_id)
    audit.record(db, who.name, "view", doc_id, client_ip(request))
    return response


def _back(ctx: Context, doc_id: str, in_review: bool, msg: str) -> Response:
    """Where a form goes next: the following document of the review queue (naming the one just saved, so
    the page can say so and lead back to it), or back to this one."""
    if in_review:
        following = review.next_in_review(ctx, doc_id)
        tail = urlencode({"msg": msg, "prev": doc_id})
        target = f"/documents/{following}?review=1&{tail}" if following else f"/review?{tail}"
    else:
        target = f"/documents/{doc_id}?msg={msg}"
    return RedirectResponse(target, status_code=303)


@router.post("/documents/{doc_id}/correct")
async def correct_document(doc_id: str, request: Request, who: Staff, ctx: Ctx, db: DB) -> Response:
    form = await request.form()
    submitted = {k: str(form.get(k) or "").strip() for k in CORRECTABLE if k in form}
    in_review = form.get("review") == "1"
    try:
        cleaned = check_form(get_record(ctx, doc_id), submitted)
        changes = documents.correct_changed(ctx, doc_id, cleaned, by=who.name)
    except PermanentError as exc:  # shown on the form, with what was typed
        return _document(request, ctx, who, doc_id, error=error_text(exc.code, exc.message), form=submitted)
    if not changes:
        return _back(ctx, doc_id, in_review, "nochange")
    audit.record(db, who.name, "correct", doc_id, client_ip(request), changes=changes)
    return _back(ctx, doc_id, in_review, "saved")


@router.post("/documents/{doc_id}/confirm")
async def confirm_document(doc_id: str, request: Request, who: Staff, ctx: Ctx, db: DB) -> Response:
    form = await request.form()
    try:
        review.confirm(ctx, doc_id, by=who.name)
    except PermanentError as exc:  # e.g. a số ký hiệu read wrong: it must be corrected, not confirmed
        return _document(request, ctx, who, doc_id, error=error_text(exc.code, exc.message))
    audit.record(db, who.name, "confirm", doc_id, client_ip(request))
    return _back(ctx, doc_id, form.get("review") == "1", "confirmed")


@router.post("/documents/{doc_id}/retry")
def retry_document(doc_id: str, request: Request, who: Staff, ctx: Ctx, db: DB) -> Response:
    try:
        documents.retry(ctx, get_record(ctx, doc_id))
    except PermanentError as exc:
        return _document(request, ctx, who, doc_id, error=error_text(exc.code, exc.message))
    audit.record(db, who.name, "retry", doc_id, client_ip(request))
    return RedirectResponse(f"/documents/{doc_id}?msg=queued", status_code=303)


@router.post("/documents/{doc_id}/reprocess")
def reprocess_document(doc_id: str, request: Request, who: Admin, ctx: Ctx, db: DB) -> Response:
    try:
        documents.reprocess(ctx, doc_id)
    except PermanentError as exc:
        return _document(request, ctx, who, doc_id, error=error_text(exc.code, exc.message))
    audit.record(db, who.name, "reprocess", doc_id, client_ip(request))
    return RedirectResponse(f"/documents/{doc_id}?msg=queued", status_code=303)


@router.post("/documents/{doc_id}/link")
async def link_document(doc_id: str, request: Request, who: Staff, ctx: Ctx, db: DB) -> Response:
    """Link to a register entry (``register_key`` from the suggestions, or ``so_ky_hieu`` + ``ngay``
    typed), or state that the document is no entry (``action=unlink``)."""
    form = await request.form()
    unlink = form.get("action") == "unlink"
    key = str(form.get("register_key") or "")
    so, day = str(form.get("so_ky_hieu") or "").strip(), str(form.get("ngay") or "").strip()
    if not unlink and not key:
        key = f"{so}|{iso_or_typed(day)}" if so or day else ""
    try:
        if unlink:
            register_links.unlink(ctx, doc_id, who.name)
        elif not key:
            raise PermanentError("Hãy chọn một mục sổ, hoặc nhập số ký hiệu và ngày ban hành.", code="bad_value")
        else:
            register_links.link(ctx, doc_id, key, who.name)
    except SohoaError as exc:
        message = error_text(exc.code, exc.message)
        if isinstance(exc, NotFoundError):
            wanted = f"{so} ngày {day}" if so else key.replace("|", " ngày ")
            message = f"Không có mục «{wanted}» trong sổ theo dõi; hãy kiểm tra số ký hiệu và ngày ban hành."
        return _document(request, ctx, who, doc_id, error=message)
    audit.record(db, who.name, "register_link", doc_id, client_ip(request), register_key=None if unlink else key)
    return RedirectResponse(f"/documents/{doc_id}?msg={'unlinked' if unlink else 'linked'}", status_code=303)
