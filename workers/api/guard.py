"""``RequestGuard``: what a hostile client can make the server do before anyone knows who it is.

A pure ASGI middleware in front of the whole app (streams pass through untouched). For every request:

* a client address (``deps.resolve_client``) may have at most ``Settings.max_requests_per_client``
  requests in flight; more get 429 ``too_many_requests``;
* a request with a body is refused *before its body is read*: with the app's usual 401 (or, on pages,
  the redirect to the sign-in page) when the headers carry no valid API token or session, except on the
  routes in ``PUBLIC_BODY_ROUTES`` (the sign-in form), and with 413 ``request_too_large`` when its
  ``Content-Length`` is over the limit (``Settings.max_request_bytes`` for multipart uploads,
  ``Settings.max_json_bytes`` for anything else);
* while the body is read, a body that grows past its limit (chunked, or longer than announced) ends
  with 413, and one that makes no progress for ``Settings.body_idle_seconds`` ends with 408
  ``request_timeout``.

Refusals carry ``Connection: close``: the server then drops the connection instead of reading the
rest of the body to keep it alive.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import Counter
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import AuthError, SohoaError
from ..logs import get_logger
from ..settings import Settings
from .deps import identify, resolve_client

log = get_logger(__name__)
PUBLIC_BODY_ROUTES = frozenset({("POST", "/login")})


class _BodyRefused(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class RequestGuard:
    """See the module docstring. ``settings`` are the app's (read once)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self._in_flight: Counter[str] = Counter()
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        peer = scope["client"][0] if scope.get("client") else None
        who = resolve_client(peer, headers.get("x-forwarded-for"), self.settings.trusted_proxies) or "?"
        with self._lock:
            busy = self._in_flight[who] >= self.settings.max_requests_per_client
            if not busy:
                self._in_flight[who] += 1
        if busy:
            log.warning("too many requests from one client", client=who)
            await _refuse(scope, send, SohoaError(code="too_many_requests"))
            return
        try:
            await self._guarded(scope, receive, send, headers)
        finally:
            with self._lock:
                self._in_flight[who] -= 1
                if self._in_flight[who] <= 0:
                    del self._in_flight[who]

    async def _guarded(self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]) -> None:
        length_header = headers.get("content-length")
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        try:
            announced = int(length_header) if length_header is not None else None
        except ValueError:
            announced = None
        has_body = chunked or bool(announced)
        if not has_body:
            await self.app(scope, receive, send)
            return
        multipart = headers.get("content-type", "").lower().startswith("multipart/")
        limit = self.settings.max_request_bytes if multipart else self.settings.max_json_bytes
        if (scope["method"], scope["path"]) not in PUBLIC_BODY_ROUTES:
            refusal = await run_in_threadpool(_authentication_error, scope)
            if refusal is not None:
                await _refuse(scope, send, refusal)
                return
        if announced is not None and announced > limit:
            await _refuse(scope, send, SohoaError(code="request_too_large"))
            return
        await self._bounded(scope, receive, send, limit)

    async def _bounded(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Run the app with a receive that enforces the size and idle limits of the body."""
        received = 0
        body_done = False
        refused: str | None = None
        started = False

        async def bounded_receive() -> Message:
            nonlocal received, body_done, refused
            if body_done:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), timeout=self.settings.body_idle_seconds)
            except TimeoutError:
                refused = "request_timeout"
                raise _BodyRefused(refused) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = "request_too_large"
                    raise _BodyRefused(refused)
                body_done = not message.get("more_body", False)
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused is not None:
                # The app answered a body it could not read (e.g. a 400 "error parsing the body"): the
                # client gets the reason instead.
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        with contextlib.suppress(_BodyRefused):  # the reason is in ``refused``
            await self.app(scope, bounded_receive, guarded_send)
        if refused is not None:
            log.warning("request body refused", path=scope["path"], code=refused, bytes=received)
            if not started:
                await _refuse(scope, send, SohoaError(code=refused))


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _authentication_error(scope: Scope) -> AuthError | None:
    """None when the headers carry a valid API token or session, else the error to answer with."""
    try:
        principal = identify(Request(scope))
    except AuthError as exc:
        return exc
    return None if principal is not None else AuthError(code="unauthorized")


async def _refuse(scope: Scope, send: Send, error: SohoaError) -> None:
    """Answer ``error`` the way the app would (its handler: JSON under /api/, pages otherwise), then
    close the connection without reading what is left of the body."""
    request = Request(scope)
    app: Any = scope.get("app")
    handler = app.exception_handlers.get(SohoaError) if app is not None else None
    if handler is None:
        from starlette.responses import PlainTextResponse

        response: Any = PlainTextResponse(error.message, status_code=error.http_status)
    else:
        response = await handler(request, error)
    response.headers["Connection"] = "close"

    async def no_body() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, no_body, send)
