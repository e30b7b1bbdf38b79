"""Sign-in, sign-out and the home redirect.

The sign-in form is protected against login CSRF by a double-submit token (a short-lived cookie that must
match a hidden field). Throttling never locks a named account out for everyone: after ``MAX_FAILURES``
wrong passwords for one name *from one address*, or ``MAX_ADDRESS_FAILURES`` from one address for any
names, within ``WINDOW_SECONDS``, that address is refused for a while (each check already costs a bcrypt
hash). The address is the peer's, or the one a trusted proxy names (``Settings.trusted_proxies``).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import defaultdict, deque
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from ... import audit
from ..deps import (
    SESSION_COOKIE,
    Operator,
    clear_session_cookie,
    client_ip,
    get_db,
    optional_principal,
    safe_next,
    secure_cookies,
    set_session_cookie,
)
from .render import render

router = APIRouter(include_in_schema=False)
LOGIN_COOKIE = "sohoa_login"
MAX_FAILURES = 10
MAX_ADDRESS_FAILURES = 50
WINDOW_SECONDS = 900.0
_failures: dict[str, deque[float]] = defaultdict(deque)
_failures_lock = threading.Lock()


def _keys(ip: str, name: str) -> dict[str, int]:
    """The throttling counters of a sign-in and how many failures each allows."""
    return {f"ip:{ip}": MAX_ADDRESS_FAILURES, f"pair:{ip}|{name}": MAX_FAILURES}


def _blocked(keys: dict[str, int]) -> bool:
    now = time.monotonic()
    with _failures_lock:
        for key, allowed in keys.items():
            times = _failures.get(key)
            if times is None:
                continue
            while times and now - times[0] > WINDOW_SECONDS:
                times.popleft()
            if not times:
                del _failures[key]
            elif len(times) >= allowed:
                return True
    return False


def _failed(keys: dict[str, int]) -> None:
    with _failures_lock:
        for key in keys:
            _failures[key].append(time.monotonic())


def _login_page(request: Request, next_url: str, error: str = "", name: str = "", status: int = 200) -> Response:
    token = secrets.token_urlsafe(16)
    response = render(
        request, "login.html", None, status_code=status, login_token=token, next_url=next_url, error=error, name=name
    )
    secure = secure_cookies(request.app.state.settings)
    response.set_cookie(LOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="lax", secure=secure)
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    if optional_principal(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, safe_next(next))


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    login_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    target = safe_next(next)
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not login_token or not hmac.compare_digest(cookie, login_token):
        message = "Phiên đăng nhập đã hết hạn hoặc trình duyệt chặn cookie; hãy thử lại."
        return _login_page(request, target, message, username, 400)
    ip = client_ip(request) or "?"
    name = username.strip().lower()
    keys = _keys(ip, name)
    if _blocked(keys):
        message = "Sai mật khẩu quá nhiều lần; hãy đợi 15 phút rồi thử lại. (Too many failed sign-ins.)"
        return _login_page(request, target, message, username, 429)
    db = get_db(request)
    user = db.authenticate(name, password)
    if user is None:
        _failed(keys)
        audit.record(db, name or None, "login_failed", None, ip)
        message = "Sai tên đăng nhập hoặc mật khẩu. (Wrong name or password.)"
        return _login_page(request, target, message, username, 401)
    token, _csrf = db.new_session(user)
    audit.record(db, user.name, "login", None, ip)
    if target == "/":
        target = "/upload" if not user.can("staff") else "/search"
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, request, token)
    response.delete_cookie(LOGIN_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, who: Operator) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    db = get_db(request)
    if token:
        db.end_session(token)
    audit.record(db, who.name, "logout", None, client_ip(request))
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response)
    return response


@router.get("/")
def home(who: Operator) -> Response:
    return RedirectResponse("/search" if who.can("staff") else "/upload", status_code=303)
