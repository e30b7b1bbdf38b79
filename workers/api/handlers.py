"""Where errors become responses: the one place the API turns a ``SohoaError`` into a status.

Under ``/api/`` every error is ``{"code", "message"}`` with the status of its code in the catalogue
(``exc.http_status``); a 401 also says ``WWW-Authenticate: Bearer``. Elsewhere (the web pages) a 401
redirects to ``/login?next=…`` and other errors render the error page that the web app registers as
``app.state.render_error`` (a bare HTML status when the app serves the API only).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ..errors import SohoaError, describe
from ..logs import get_logger

log = get_logger(__name__)


async def _sohoa_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SohoaError)
    status = exc.http_status
    message = exc.message
    if status >= 500:
        # A dependency's or the installation's trouble: the caller gets the catalogue's words (what to do,
        # in Vietnamese and English); the detail, which names internal hosts, goes to the log only.
        log.warning("request failed", path=request.url.path, code=exc.code, detail=exc.message)
        message = describe(exc.code)
    if request.url.path.startswith("/api/"):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if status == 503:
            headers = {"Retry-After": "30"}
        return JSONResponse({"code": exc.code, "message": message}, status_code=status, headers=headers)
    if status == 401:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(here, safe='')}", status_code=303)
    render = getattr(request.app.state, "render_error", None)
    if render is not None:
        page: Response = render(request, status, message)
        return page
    return HTMLResponse(f"<h1>{status}</h1>", status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handler of every ``SohoaError`` (``AuthError`` included) on ``app``."""
    app.add_exception_handler(SohoaError, _sohoa_error)
