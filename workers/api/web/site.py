"""``mount_web(app)``: add the pages, static files and security headers to an API app.

Pages (least role):

=======================  ==========  ==================================================
path                     least role  what
=======================  ==========  ==================================================
/login, /logout          —           sign in / out (session cookie)
/                        operator    redirect: operators to /upload, others to /search
/upload                  operator    drag-and-drop upload with live progress
/upload/check            operator    JSON: would this batch name and dossier code do?
/batches, /batches/ID    operator    batches (operators: their own) and their files
/batches/ID/notes        operator    JSON: refused, no text found, duplicate, by file
/search                  staff       full-text search with facets, grouped by result
/documents/ID            staff       pages, text, metadata, register entry, downloads
/documents/ID/…          staff       forms: correct, confirm, retry, link (admin: reprocess)
/review                  staff       documents waiting for a person
/coverage, .xlsx         staff       coverage of still-valid results, with proofs
/dossiers, /dossiers/ID  staff       one-stop dossiers: digitized, late
/admin                   admin       users and register import
/audit, /audit.csv       admin       the audit log, and its export
=======================  ==========  ==================================================

Every HTML response gets a strict Content-Security-Policy: no inline script, nothing from other origins.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import (
    pages_admin,
    pages_audit,
    pages_auth,
    pages_batches,
    pages_coverage,
    pages_docs,
    pages_dossiers,
    pages_review,
    pages_search,
)
from .render import STATIC, render_error, templates

_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
)


def mount_web(app: FastAPI) -> None:
    """Add the pages, static files and security headers to ``app``."""
    app.state.templates = templates()
    app.state.render_error = render_error
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    pages = (pages_auth, pages_batches, pages_search, pages_docs, pages_review, pages_coverage, pages_dossiers)
    for module in (*pages, pages_admin, pages_audit):
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
