"""FastAPI dependencies, all in one place: the backends (context, app database), the caller and their
role, and the CSRF check.

A caller is identified by an API token (``Authorization: Bearer sohoa_…``, for scripts and the CLI) or by
the session cookie of the web pages. Every endpoint declares the least role it needs through the
``Operator`` / ``Staff`` / ``Admin`` annotations below; failures raise :class:`AuthError` (401
``unauthorized`` / ``bad_token``, 403 ``forbidden`` / ``csrf_failed``), which ``workers.api.handlers``
turns into JSON under ``/api/`` and into a redirect to ``/login`` or an error page elsewhere.

Cookie-authenticated requests that change something (POST, PUT, PATCH, DELETE) must carry the session's
CSRF token in the ``X-CSRF-Token`` header or a ``csrf_token`` form field. Bearer requests need none: a
browser never attaches that header by itself.
"""

from __future__ import annotations

import hmac
import ipaddress
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from ..appdb import AppDB, User
from ..context import Context
from ..errors import AuthError
from ..settings import Settings, is_loopback

SESSION_COOKIE = "sohoa_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Backends:
    """The context and app database of one app, opened by its lifespan and closed when it ends.

    The app database opens lazily under a lock: requests may arrive from several threads, and a test
    client may ask for it before the first request.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._ctx: Context | None = None
        self._db: AppDB | None = None
        self._lock = threading.Lock()

    def open(self) -> None:
        self._ctx = Context.open(self.settings)
        self.db()

    def close(self) -> None:
        if self._ctx is not None:
            self._ctx.close()
            self._ctx = None
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def ctx(self) -> Context:
        if self._ctx is None:
            raise RuntimeError("the app is not started (use it inside its lifespan)")
        return self._ctx

    def db(self) -> AppDB:
        with self._lock:
            if self._db is None:  # on the context's engine once it is open: one pool for both
                engine = self._ctx.database() if self._ctx is not None else None
                self._db = AppDB.open(self.settings, engine)
            return self._db


def get_ctx(request: Request) -> Context:
    backends: Backends = request.app.state.backends
    return backends.ctx()


def get_db(request: Request) -> AppDB:
    backends: Backends = request.app.state.backends
    return backends.db()


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(spec: str) -> tuple[Network, ...]:
    """The networks of ``Settings.trusted_proxies`` (comma-separated addresses or CIDR networks)."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip())


def _within(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def resolve_client(peer: str | None, forwarded: str | None, trusted: str) -> str | None:
    """The client's address: the peer, unless the peer is a trusted proxy; then the last address of
    ``X-Forwarded-For`` that is not itself a trusted proxy. A header from anyone else is ignored (it is
    whatever the client wrote)."""
    networks = trusted_networks(trusted)
    if peer is None or not networks or not forwarded or not _within(peer, networks):
        return peer
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _within(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:  # garbage where an address should be: trust no further
                return peer
    return peer


def client_ip(request: Request) -> str | None:
    """The caller's address (see :func:`resolve_client`), for the audit log and sign-in throttling."""
    settings: Settings = request.app.state.settings
    peer = request.client.host if request.client else None
    return resolve_client(peer, request.headers.get("x-forwarded-for"), settings.trusted_proxies)


def secure_cookies(settings: Settings) -> bool:
    """Whether cookies carry the Secure flag: ``Settings.secure_cookies``, by default on unless the
    server is bound to a loopback address (never decided by a request header a client can write)."""
    if settings.secure_cookies is not None:
        return settings.secure_cookies
    return not is_loopback(settings.host)


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


def identify(request: Request) -> Principal | None:
    """The caller from a Bearer token or the session cookie, or None. A bad Bearer token is not a fallback
    to the cookie: it is an error (401 ``bad_token``)."""
    db = get_db(request)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        user = db.token_user(token.strip())
        if user is None:
            raise AuthError(code="bad_token")
        return Principal(user, "token")
    cookie = request.cookies.get(SESSION_COOKIE)
    found = db.session(cookie) if cookie else None
    return Principal(found[0], "session", found[1]) if found else None


def optional_principal(request: Request) -> Principal | None:
    """The caller if signed in (for pages that also show something to visitors, like /login)."""
    try:
        return identify(request)
    except AuthError:
        return None


async def check_csrf(request: Request, expected: str) -> None:
    """Raises ``AuthError`` (``csrf_failed``) unless the request carries the session's CSRF token."""
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
            raise AuthError(code="unauthorized")
        if not principal.can(role):
            raise AuthError(code="forbidden")
        if principal.via == "session" and request.method not in SAFE_METHODS:
            await check_csrf(request, principal.csrf)
        request.state.principal = principal
        return principal

    dependency.__name__ = f"require_{role}"
    return dependency


Operator = Annotated[Principal, Depends(require("operator"))]
Staff = Annotated[Principal, Depends(require("staff"))]
Admin = Annotated[Principal, Depends(require("admin"))]
Ctx = Annotated[Context, Depends(get_ctx)]
DB = Annotated[AppDB, Depends(get_db)]


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    secure = secure_cookies(request.app.state.settings)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure, path="/")


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


def safe_next(target: str | None) -> str:
    """A local path to go to after sign-in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
