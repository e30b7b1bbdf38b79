"""Sign-in, sessions, cookies, CSRF and sign-in throttling."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.api.conftest import World, png_bytes
from workers import audit
from workers.api.web import pages_auth


def _client(world: World, base_url: str = "http://testserver") -> TestClient:
    return TestClient(world.app, base_url=base_url)


def test_sign_in_sets_a_safe_session_cookie_and_sign_out_ends_it(world: World) -> None:
    client = _client(world)
    csrf = world.sign_in(client, "staff", "staff-password")
    cookie = next(h for h in client.cookies.jar if h.name == "sohoa_session")
    assert cookie.has_nonstandard_attr("HttpOnly") and not cookie.secure
    page = client.get("/search")
    assert page.status_code == 200 and "staff" in page.text
    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert client.get("/search", follow_redirects=False).status_code == 303
    actions = [e.action for e in audit.entries(world.db)[1]]
    assert actions[:2] == ["logout", "login"]


def _sign_in_cookie(world: World, client: TestClient) -> str:
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert token
    response = client.post(
        "/login",
        data={"username": "admin", "password": "admin-password", "login_token": token.group(1)},
        headers={"X-Forwarded-Proto": "https"},
        follow_redirects=False,
    )
    return str(response.headers["set-cookie"].lower())


def test_cookie_secure_flag_comes_from_configuration_not_from_the_request(world: World) -> None:
    settings = world.app.state.settings
    try:
        settings.secure_cookies = True
        header = _sign_in_cookie(world, _client(world, "https://testserver"))
        assert "sohoa_session=" in header and "httponly" in header and "samesite=lax" in header
        assert "secure" in header
        settings.secure_cookies = False  # even over https: the flag is configured, not guessed
        assert "secure" not in _sign_in_cookie(world, _client(world, "https://testserver"))
        settings.secure_cookies = None  # default: off on loopback (the test app's host), on elsewhere
        assert "secure" not in _sign_in_cookie(world, _client(world))
        settings.host = "0.0.0.0"
        assert "secure" in _sign_in_cookie(world, _client(world, "https://testserver"))
    finally:
        settings.secure_cookies, settings.host = None, "127.0.0.1"


def test_wrong_password_and_login_csrf(world: World) -> None:
    client = _client(world)
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert token
    wrong = client.post("/login", data={"username": "staff", "password": "nope", "login_token": token.group(1)})
    assert wrong.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in wrong.text
    forged = TestClient(world.app).post(
        "/login", data={"username": "staff", "password": "staff-password", "login_token": "forged"}
    )
    assert forged.status_code == 400 and "sohoa_session" not in forged.headers.get("set-cookie", "")


def _try_sign_in(world: World, name: str, password: str, forwarded_for: str | None = None) -> int:
    client = TestClient(world.app, client=("127.0.0.1", 50000))
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert token
    data = {"username": name, "password": password, "login_token": token.group(1)}
    return client.post("/login", data=data, headers=headers, follow_redirects=False).status_code


def test_sign_in_is_throttled_per_address_and_account_without_locking_the_account_out(world: World) -> None:
    pages_auth._failures.clear()
    settings = world.app.state.settings
    try:
        for _ in range(pages_auth.MAX_FAILURES):
            assert _try_sign_in(world, "admin", "bad") == 401
        assert _try_sign_in(world, "admin", "admin-password") == 429  # this address, this account
        assert _try_sign_in(world, "staff", "staff-password") == 303  # this address, another account
        # A forged X-Forwarded-For from an untrusted peer changes nothing: still the same address.
        assert _try_sign_in(world, "admin", "admin-password", forwarded_for="198.51.100.7") == 429
        # Behind a trusted proxy the forwarded address counts: the owner elsewhere still signs in.
        settings.trusted_proxies = "127.0.0.0/8"
        assert _try_sign_in(world, "admin", "admin-password", forwarded_for="198.51.100.7") == 303
        for _ in range(pages_auth.MAX_ADDRESS_FAILURES):
            _try_sign_in(world, f"x{_}", "bad", forwarded_for="203.0.113.9")
        assert _try_sign_in(world, "staff", "staff-password", forwarded_for="203.0.113.9") == 429
        assert _try_sign_in(world, "staff", "staff-password", forwarded_for="198.51.100.8") == 303
    finally:
        settings.trusted_proxies = ""
        pages_auth._failures.clear()


def test_next_goes_only_to_local_pages(world: World) -> None:
    client = _client(world)
    assert client.get("/documents/abc", follow_redirects=False).headers["location"] == "/login?next=%2Fdocuments%2Fabc"
    page = client.get("/login?next=//evil.example/x")
    assert 'name="next" value="/"' in page.text
    token = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert token
    response = client.post(
        "/login",
        data={
            "username": "operator",
            "password": "operator-password",
            "login_token": token.group(1),
            "next": "https://evil.example",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/upload"  # operators land on the upload page


def test_cookie_requests_that_change_things_need_the_csrf_token(world: World) -> None:
    client = _client(world)
    csrf = world.sign_in(client, "operator", "operator-password")
    files = {"files": ("x.png", png_bytes("blue"), "image/png")}
    assert client.post("/api/v1/batches", files=files).status_code == 403
    assert client.post("/api/v1/batches", files=files, headers={"X-CSRF-Token": "wrong"}).status_code == 403
    ok = client.post("/api/v1/batches", files=files, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201
    # a form field works too, and GETs need none
    assert client.post("/logout", data={"csrf_token": "nope"}, follow_redirects=False).status_code == 403
    assert client.get("/api/v1/me").json() == {"name": "operator", "role": "operator", "via": "session"}
    # Bearer callers need no CSRF token: browsers never send that header on their own
    bearer = world.client.post("/api/v1/batches", files=files, headers=world.as_role("operator"))
    assert bearer.status_code == 201


def test_pages_answer_403_with_a_page_and_api_with_json(world: World) -> None:
    page = world.client.get("/search", headers=world.as_role("operator"))
    assert page.status_code == 403 and page.headers["content-type"].startswith("text/html")
    assert "Không có quyền" in page.text
    api = world.client.get("/api/v1/search", headers=world.as_role("operator"))
    assert api.status_code == 403 and api.json()["code"] == "forbidden"


def test_pages_carry_security_headers(world: World) -> None:
    page = world.client.get("/login")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    assert page.headers["x-content-type-options"] == "nosniff"
