"""Who is calling and may they: FastAPI dependencies for sign-in, roles and CSRF.

A caller is identified by an API token (``Authorization: Bearer sohoa_…``, for scripts and the CLI) or by
the session cookie of the web pages. Every endpoint declares the least role it needs through the
``Operator`` / ``Staff`` / ``Admin`` annotations below; failures raise :class:`AuthError`, which the
handler installed by :func:`install` turns into ``401``/``403`` JSON under ``/api/`` and into a redirect
to ``/login`` (401) or an error page (403) elsewhere.

Cookie-authenticated requests that change something (POST, PUT, PATCH, DELETE) must carry the session's
CSRF token in the ``X-CSRF-Token`` header or a ``csrf_token`` form field. Bearer requests need none: a
browser never attaches that header by itself.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ..context import Context
from ..errors import AuthError
from .appdb import AppDB, User

SESSION_COOKIE = "sohoa_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Principal:
    """The signed-in caller."""

    user: User
    via: str  # "session" | "token"
    csrf: str = ""

    @property
    def name(self) -> str:
        return self.user.name

    def can(self, role: str) -> bool:
        return self.user.can(role)


def not_signed_in() -> AuthError:
    return AuthError(code="unauthorized")


def forbidden(message: str | None = None) -> AuthError:
    return AuthError(message, code="forbidden")


def get_db(request: Request) -> AppDB:
    db: AppDB = request.app.state.appdb()
    return db


def get_ctx(request: Request) -> Context:
    ctx: Context = request.app.state.ctx()
    return ctx


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def identify(request: Request) -> Principal | None:
    """The caller from a Bearer token or the session cookie, or None. A bad Bearer token is not a fallback
    to the cookie: it is an error (401)."""
    db = get_db(request)
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer":
        user = db.token_user(token.strip())
        if user is None:
            raise AuthError(code="bad_token")
        return Principal(user, "token")
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        found = db.session(cookie)
        if found:
            return Principal(found[0], "session", found[1])
    return None


async def check_csrf(request: Request, expected: str) -> None:
    sent = request.headers.get("x-csrf-token", "")
    content_type = request.headers.get("content-type", "")
    if not sent and content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # cached by Starlette: the endpoint reads the same form
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else ""
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise AuthError(code="csrf_failed")


def require(role: str) -> Callable[[Request], Awaitable[Principal]]:
    """Dependency: the caller, who must be signed in with ``role`` or above (and pass CSRF)."""

    async def dependency(request: Request) -> Principal:
        principal = identify(request)
        if principal is None:
            raise not_signed_in()
        if not principal.can(role):
            raise forbidden()
        if principal.via == "session" and request.method not in SAFE_METHODS:
            await check_csrf(request, principal.csrf)
        request.state.principal = principal
        return principal

    dependency.__name__ = f"require_{role}"
    return dependency


Operator = Annotated[Principal, Depends(require("operator"))]
Staff = Annotated[Principal, Depends(require("staff"))]
Admin = Annotated[Principal, Depends(require("admin"))]


ADMIN_REPORT_PATHS = ("/api/v1/register/import",)


async def reports_guard(request: Request) -> Principal:
    """Guard of the reports router (``workers.api.reports_api``): importing the register needs ``admin``,
    everything else there (reading reports, linking documents to register entries) ``staff``. Exports
    (XLSX / CSV), imports and link changes are audited here, when they are asked for."""
    path = request.url.path
    role = "admin" if path.startswith(ADMIN_REPORT_PATHS) else "staff"
    principal = await require(role)(request)
    from . import audit

    action = None
    if request.method in SAFE_METHODS:
        wants_file = request.query_params.get("format") in ("xlsx", "csv") or path.endswith((".xlsx", ".csv"))
        action = "export" if wants_file or "export" in path else None
    elif "/register/import" in path:
        action = "register_import"
    elif "/register/links" in path:
        action = "register_link"
    if action:
        audit.record(get_db(request), principal.name, action, path, client_ip(request), query=request.url.query or None)
    return principal


def optional_principal(request: Request) -> Principal | None:
    """The caller if signed in (for pages that also show something to visitors, like /login)."""
    try:
        return identify(request)
    except AuthError:
        return None


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


def safe_next(target: str | None) -> str:
    """A local path to go to after sign-in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def install(app: FastAPI) -> None:
    """Register the handler that turns :class:`AuthError` into a response."""

    @app.exception_handler(AuthError)
    async def _auth_error(request: Request, exc: AuthError) -> Response:
        if request.url.path.startswith("/api/"):
            headers = {"WWW-Authenticate": "Bearer"} if exc.http_status == 401 else None
            return JSONResponse(
                {"code": exc.code, "message": exc.message}, status_code=exc.http_status, headers=headers
            )
        if exc.http_status == 401:
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(here, safe='')}", status_code=303)
        render = getattr(request.app.state, "render_error", None)
        if render is not None:
            rendered: Response = render(request, exc.http_status, exc.message)
            return rendered
        return HTMLResponse(f"<h1>{exc.http_status}</h1>", status_code=exc.http_status)
