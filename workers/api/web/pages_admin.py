"""Users and register import (admin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from ... import audit
from ...appdb import ROLES, AppDB, generate_password
from ...context import Context
from ...errors import PermanentError, SohoaError
from ...register import MAX_REGISTER_BYTES, import_register, register_info
from ...services import users
from ..deps import DB, Admin, Ctx, Principal, client_ip
from .messages import error_text
from .render import render

router = APIRouter(include_in_schema=False)
LIST_LIMIT = 200


def _admin_page(
    request: Request, ctx: Context, db: AppDB, who: Principal, status_code: int = 200, **extra: Any
) -> Response:
    try:
        register = register_info(ctx)
    except SohoaError:  # the users part of the page must still work when the register cannot be read
        register = {"count": 0, "updated_at": None}
    return render(
        request,
        "admin.html",
        who,
        status_code=status_code,
        users=users.list_users(db),
        tokens=[t for t in users.list_tokens(db) if not t["expired"]][:LIST_LIMIT],
        roles=ROLES,
        register=register,
        **extra,
    )


@router.get("/admin")
def admin_page(request: Request, who: Admin, ctx: Ctx, db: DB) -> Response:
    return _admin_page(request, ctx, db, who)


@router.post("/admin/users")
async def admin_add_user(request: Request, who: Admin, ctx: Ctx, db: DB) -> Response:
    form = await request.form()
    name, role = str(form.get("name") or ""), str(form.get("role") or "")
    try:
        user, generated = users.add_user(db, name, role, str(form.get("password") or "") or None)
    except PermanentError as exc:
        return _admin_page(request, ctx, db, who, 400, error=error_text(exc.code, exc.message))
    audit.record(db, who.name, "user_add", user.name, client_ip(request), role=user.role)
    secret = {"label": f"Mật khẩu của {user.name}", "value": generated} if generated else None
    return _admin_page(request, ctx, db, who, notice=f"Đã tạo người dùng {user.name}.", secret=secret)


@router.post("/admin/users/{name}")
async def admin_update_user(name: str, request: Request, who: Admin, ctx: Ctx, db: DB) -> Response:
    form = await request.form()
    action = str(form.get("action") or "save")
    secret = None
    try:
        users.get_user(db, name)
        if action == "token":
            days = request.app.state.settings.token_days
            token = users.new_token(db, name, "web", days)
            audit.record(db, who.name, "token_create", name, client_ip(request), label="web", days=days)
            secret = {"label": f"API token của {name} (chỉ hiện một lần, hiệu lực {days} ngày)", "value": token}
        elif action == "revoke":
            raw = str(form.get("token_id") or "")
            token_id = int(raw) if raw.isdigit() else 0
            if not any(t["id"] == token_id for t in users.list_tokens(db, name)):
                raise PermanentError("Không có API token này (có thể đã bị thu hồi).", code="bad_value")
            users.revoke_token(db, token_id)
            audit.record(db, who.name, "token_revoke", name, client_ip(request), token_id=token_id)
        else:
            if action == "password":
                password = generate_password()
                changed = users.update_user(db, name, password=password, actor=who.name)
                secret = {"label": f"Mật khẩu mới của {name}", "value": password}
            else:
                role = str(form.get("role") or "") or None
                changed = users.update_user(db, name, role=role, active=form.get("active") == "on", actor=who.name)
            audit.record(db, who.name, "user_update", name.lower(), client_ip(request), **changed)
    except SohoaError as exc:
        return _admin_page(request, ctx, db, who, 400, error=error_text(exc.code, exc.message))
    notice = f"Đã thu hồi API token của {name}." if action == "revoke" else f"Đã cập nhật {name}."
    return _admin_page(request, ctx, db, who, notice=notice, secret=secret)


@router.post("/admin/register")
async def admin_register_import(request: Request, who: Admin, ctx: Ctx, db: DB) -> Response:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _admin_page(request, ctx, db, who, 400, error="Hãy chọn tệp sổ (CSV hoặc XLSX).")
    data = await upload.read(MAX_REGISTER_BYTES + 1)  # one byte over is enough for the size rule to see it
    try:
        report = import_register(ctx, data, upload.filename, replace=form.get("replace") == "on")
    except SohoaError as exc:
        return _admin_page(request, ctx, db, who, 400, error=error_text(exc.code, exc.message))
    audit.record(
        db,
        who.name,
        "register_import",
        upload.filename,
        client_ip(request),
        added=report.added,
        updated=report.updated,
        rejected=len(report.rejected),
    )
    return _admin_page(request, ctx, db, who, import_report=report)
