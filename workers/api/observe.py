"""Request timing for ``/metrics``: a pure ASGI middleware (server-sent event streams pass through
untouched) that records method, route template and status of every request."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import metrics


class RequestMetrics:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        status = 500

        async def remember_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, remember_status)
        finally:
            route = scope.get("route")
            # The template ("/api/v1/documents/{doc_id}"), never the path itself: labels stay bounded.
            template = getattr(route, "path", None) or "unmatched"
            metrics.request_done(scope["method"], template, status, time.monotonic() - started)
