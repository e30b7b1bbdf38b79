"""Coverage report (staff), users and register import (admin), and the audit log (admin)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from ..errors import NotFoundError, PermanentError, SohoaError
from . import audit
from .admin_api import UserPatch, update_user, user_view
from .appdb import ROLES, generate_password
from .auth import Admin, Staff, client_ip, get_ctx, get_db
from .labels import field_name
from .web import render

router = APIRouter(include_in_schema=False)
AUDIT_PAGE = 100
MAX_REGISTER_UPLOAD = 20 * 1024 * 1024
LIST_LIMIT = 200


def _year_columns(by_year: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Geometry of the by-year SVG chart: one column per year, height = rate."""
    columns = []
    for i, (year, group) in enumerate(sorted(by_year.items())):
        height = round(group["rate"] * 120, 1)
        columns.append({"year": year, "x": 48 + i * 52, "y": 150 - height, "height": height, **group})
    return columns


@router.get("/coverage")
def coverage_page(request: Request, who: Staff, as_of: str = "") -> Response:
    from ..coverage import coverage, parse_as_of
    from ..register import register_info

    ctx = get_ctx(request)
    error = ""
    try:
        day = parse_as_of(as_of.strip() or None)
    except PermanentError as exc:
        day, error = date.today(), exc.message
    info = register_info(ctx)
    report = coverage(ctx, day) if info["count"] else None
    fields = []
    if report:
        fields = [{"code": code, "name": field_name(code), **g} for code, g in report["by_field"].items()]
        fields.sort(key=lambda f: (-f["valid"], f["name"]))
    return render(
        request,
        "coverage.html",
        who,
        as_of=day.isoformat(),
        report=report,
        register=info,
        fields=fields,
        years=_year_columns(report["by_year"]) if report else [],
        limit=LIST_LIMIT,
        error=error,
    )


@router.get("/coverage.xlsx")
def coverage_export(request: Request, who: Staff, as_of: str = "") -> Response:
    from ..coverage import coverage, coverage_xlsx, parse_as_of

    ctx = get_ctx(request)
    day = parse_as_of(as_of.strip() or None)
    data = coverage_xlsx(coverage(ctx, day))
    audit.record(get_db(request), who.name, "export", "coverage.xlsx", client_ip(request), as_of=day.isoformat())
    filename = f"bao-cao-so-hoa-{day.isoformat()}.xlsx"
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _admin_page(request: Request, who: Any, status_code: int = 200, **extra: Any) -> Response:
    from ..register import register_info

    db = get_db(request)
    users = [user_view(db, u) for u in db.users()]
    try:
        register = register_info(get_ctx(request))
    except SohoaError:
        register = {"count": 0, "updated_at": None}
    return render(
        request, "admin.html", who, status_code=status_code, users=users, roles=ROLES, register=register, **extra
    )


@router.get("/admin")
def admin_page(request: Request, who: Admin) -> Response:
    return _admin_page(request, who)


@router.post("/admin/users")
async def admin_add_user(request: Request, who: Admin) -> Response:
    form = await request.form()
    db = get_db(request)
    name, role = str(form.get("name") or ""), str(form.get("role") or "")
    password = str(form.get("password") or "")
    chosen = password or generate_password()
    try:
        user = db.add_user(name, role, chosen)
    except PermanentError as exc:
        return _admin_page(request, who, 400, error=exc.message)
    audit.record(db, who.name, "user_add", user.name, client_ip(request), role=user.role)
    notice = f"Đã tạo người dùng {user.name}."
    secret = None if password else {"label": f"Mật khẩu của {user.name}", "value": chosen}
    return _admin_page(request, who, notice=notice, secret=secret)


@router.post("/admin/users/{name}")
async def admin_update_user(name: str, request: Request, who: Admin) -> Response:
    form = await request.form()
    db = get_db(request)
    action = str(form.get("action") or "save")
    secret = None
    try:
        if db.get_user(name, include_inactive=True) is None:
            raise NotFoundError(f"không có người dùng / no user {name}")
        if action == "token":
            token = db.new_token(name, "web")
            audit.record(db, who.name, "token_create", name, client_ip(request), label="web")
            secret = {"label": f"API token của {name} (chỉ hiện một lần)", "value": token}
        elif action == "password":
            password = generate_password()
            update_user(db, who, name, UserPatch(password=password), client_ip(request))
            secret = {"label": f"Mật khẩu mới của {name}", "value": password}
        else:
            patch = UserPatch(role=str(form.get("role") or "") or None, active=form.get("active") == "on")
            update_user(db, who, name, patch, client_ip(request))
    except SohoaError as exc:
        return _admin_page(request, who, 400, error=exc.message)
    return _admin_page(request, who, notice=f"Đã cập nhật {name}.", secret=secret)


@router.post("/admin/register")
async def admin_register_import(request: Request, who: Admin) -> Response:
    from ..register import import_register

    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _admin_page(request, who, 400, error="Hãy chọn tệp sổ (CSV hoặc XLSX).")
    data = await upload.read(MAX_REGISTER_UPLOAD + 1)
    if len(data) > MAX_REGISTER_UPLOAD:
        return _admin_page(request, who, 400, error="Tệp sổ quá lớn (tối đa 20 MB).")
    try:
        report = import_register(get_ctx(request), data, upload.filename, replace=form.get("replace") == "on")
    except SohoaError as exc:
        return _admin_page(request, who, 400, error=exc.message)
    audit.record(
        get_db(request),
        who.name,
        "register_import",
        upload.filename,
        client_ip(request),
        added=report.added,
        updated=report.updated,
        rejected=len(report.rejected),
    )
    return _admin_page(request, who, import_report=report)


@router.get("/audit")
def audit_page(
    request: Request, who: Admin, user: str = "", action: str = "", page: int = Query(1, ge=1, le=100_000)
) -> Response:
    total, entries = audit.entries(
        get_db(request), user=user or None, action=action or None, limit=AUDIT_PAGE, offset=(page - 1) * AUDIT_PAGE
    )
    return render(
        request,
        "audit.html",
        who,
        entries=entries,
        total=total,
        page=page,
        pages=max(1, (total + AUDIT_PAGE - 1) // AUDIT_PAGE),
        user=user,
        action=action,
        actions=audit.ACTION_NAMES,
    )
