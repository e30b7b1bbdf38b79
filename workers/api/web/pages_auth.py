"""Sign-in, sign-out and the home redirect.

The sign-in form is protected against login CSRF by a double-submit token (a short-lived cookie that must
match a hidden field). After ``MAX_FAILURES`` wrong passwords for one name or from one address within
``WINDOW_SECONDS``, sign-in is refused for a while (each check already costs a bcrypt hash).
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
    set_session_cookie,
)
from .render import render

router = APIRouter(include_in_schema=False)
LOGIN_COOKIE = "sohoa_login"
MAX_FAILURES = 10
WINDOW_SECONDS = 900.0
_failures: dict[str, deque[float]] = defaultdict(deque)
_failures_lock = threading.Lock()


def _blocked(*keys: str) -> bool:
    now = time.monotonic()
    with _failures_lock:
        for key in keys:
            times = _failures[key]
            while times and now - times[0] > WINDOW_SECONDS:
                times.popleft()
            if len(times) >= MAX_FAILURES:
                return True
    return False


def _failed(*keys: str) -> None:
    with _failures_lock:
        for key in keys:
            _failures[key].append(time.monotonic())


def _login_page(request: Request, next_url: str, error: str = "", name: str = "", status: int = 200) -> Response:
    token = secrets.token_urlsafe(16)
    response = render(
        request, "login.html", None, status_code=status, login_token=token, next_url=next_url, error=error, name=name
    )
    response.set_cookie(
        LOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="lax", secure=request.url.scheme == "https"
    )
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
    if _blocked(f"user:{name}", f"ip:{ip}"):
        message = "Sai mật khẩu quá nhiều lần; hãy đợi 15 phút rồi thử lại. (Too many failed sign-ins.)"
        return _login_page(request, target, message, username, 429)
    db = get_db(request)
    user = db.authenticate(name, password)
    if user is None:
        _failed(f"user:{name}", f"ip:{ip}")
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
