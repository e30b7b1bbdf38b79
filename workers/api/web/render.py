"""Rendering a page: the Jinja2 environment, the navigation a role sees, and the error page.

Templates are autoescaped; every page gets the signed-in user, their navigation and the session's CSRF
token for its forms.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..deps import Principal, optional_principal
from .labels import jinja_filters, jinja_globals
from .messages import vietnamese

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

NAV = (
    ("/upload", "Tải lên", "operator"),
    ("/batches", "Lô quét", "operator"),
    ("/search", "Tìm kiếm", "staff"),
    ("/review", "Cần duyệt", "staff"),
    ("/coverage", "Báo cáo số hóa", "staff"),
    ("/dossiers", "Hồ sơ TTHC", "staff"),
    ("/admin", "Quản trị", "admin"),
    ("/audit", "Nhật ký", "admin"),
)
_ERROR_TITLES = {403: "Không có quyền", 404: "Không tìm thấy"}


def templates() -> Jinja2Templates:
    """The page templates with Sohoa's filters and globals."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(jinja_filters())
    env.globals.update(jinja_globals())
    return Jinja2Templates(env=env)


def paging(total: int, page: int, size: int) -> dict[str, int]:
    """The pager of a list page: ``total`` items, the current ``page`` (1-based) and how many ``pages``
    of ``size`` (at least one, even when empty)."""
    return {"total": total, "page": page, "pages": max(1, (total + size - 1) // size)}


def render(
    request: Request, template: str, who: Principal | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """Render a page template with the signed-in user, their navigation and CSRF token."""
    pages: Jinja2Templates = request.app.state.templates
    nav = [(href, label) for href, label, role in NAV if who and who.can(role)]
    base = {"who": who, "csrf": who.csrf if who else "", "nav": nav, "path": request.url.path}
    return pages.TemplateResponse(request, template, base | context, status_code=status_code)


def render_error(request: Request, status: int, message: str) -> Response:
    """The error page for ``status`` (the API's error handler calls it for paths outside ``/api/``), with
    the Vietnamese half of ``message``."""
    title = _ERROR_TITLES.get(status, "Lỗi")
    message = vietnamese(message) or message
    who = optional_principal(request)
    return render(request, "error.html", who, status_code=status, status=status, title=title, message=message)
