"""The web app: server-rendered Vietnamese pages (Jinja2, autoescaped) plus a little vanilla JS.

``mount_web(app, settings)`` adds the static files, the page routers and the headers every page gets
(a strict Content-Security-Policy: no inline script, nothing from other origins). Pages:

=====================  ==========  ====================================================
path                   least role  what
=====================  ==========  ====================================================
/login, /logout        —           sign in / out (session cookie)
/                      operator    redirect: operators to /upload, others to /search
/upload                operator    drag-and-drop upload with live progress
/batches, /batches/ID  operator    batches (operators: their own) and their files
/search                staff       full-text search with facets
/documents/ID          staff       pages, text, metadata, downloads, correction form
/review                staff       documents waiting for a person
/coverage              staff       digitization coverage of still-valid results (+ XLSX)
/admin                 admin       users and register import
/audit                 admin       the audit log
=====================  ==========  ====================================================
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..settings import Settings
from .auth import Principal, optional_principal
from .labels import jinja_filters, jinja_globals

HERE = Path(__file__).resolve().parent
_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
)

NAV = (
    ("/upload", "Tải lên", "operator"),
    ("/batches", "Lô quét", "operator"),
    ("/search", "Tìm kiếm", "staff"),
    ("/review", "Cần duyệt", "staff"),
    ("/coverage", "Báo cáo số hóa", "staff"),
    ("/admin", "Quản trị", "admin"),
    ("/audit", "Nhật ký", "admin"),
)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(jinja_filters())
    env.globals.update(jinja_globals())
    return env


def render(
    request: Request, template: str, who: Principal | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """Render a page template with the signed-in user, their navigation and CSRF token."""
    templates: Jinja2Templates = request.app.state.templates
    nav = [(href, label) for href, label, role in NAV if who and who.can(role)]
    base = {
        "who": who,
        "csrf": who.csrf if who else "",
        "nav": nav,
        "path": request.url.path,
    }
    return templates.TemplateResponse(request, template, base | context, status_code=status_code)


def _render_error(request: Request, status: int, message: str) -> Response:
    titles = {403: "Không có quyền", 404: "Không tìm thấy"}
    return render(
        request,
        "error.html",
        optional_principal(request),
        status_code=status,
        status=status,
        title=titles.get(status, "Lỗi"),
        message=message,
    )


def mount_web(app: FastAPI, settings: Settings) -> None:
    """Add the pages, static files and security headers to ``app``."""
    from . import pages_admin, pages_auth, pages_batches, pages_docs

    app.state.templates = Jinja2Templates(env=_environment())
    app.state.render_error = _render_error
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (pages_auth, pages_batches, pages_docs, pages_admin):
        app.include_router(module.router)

    app.add_middleware(SecurityHeaders)


class SecurityHeaders:
    """Pure ASGI middleware (streams such as the SSE endpoint pass through untouched) adding
    ``nosniff`` and ``Referrer-Policy`` everywhere and the CSP, frame and no-store headers to HTML."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", _CSP)
                    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
