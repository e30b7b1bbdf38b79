"""The role x endpoint matrix: every route of the app, every role, the status it must get.

``LEAST_ROLE`` below is written by hand from the README's table of pages and roles and the API docs; it
deliberately imports nothing from the code under test, so a route guarded with the wrong role fails here.
For each route and each caller (anonymous, operator, staff, admin):

* anonymous: 401 under ``/api/`` (code ``unauthorized``); a page answers a 401 with a redirect to
  ``/login?next=…``, so that is what a browser must get there;
* a role below the least role: 403;
* a role at or above it: anything but 401, 403 and 5xx (a crash is not "allowed").

A route that exists in the app but not in ``LEAST_ROLE`` fails the test, so a new endpoint cannot ship
unguarded; so does an entry of ``LEAST_ROLE`` without a route.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.api.conftest import World, png_bytes

PUBLIC = None
CALLERS = (None, "operator", "staff", "admin")
RANK = {None: -1, "operator": 0, "staff": 1, "admin": 2}

# (method, route path) -> least role (PUBLIC: no sign-in needed)
LEAST_ROLE: dict[tuple[str, str], str | None] = {
    # API: batches and live progress
    ("POST", "/api/v1/batches"): "operator",
    ("GET", "/api/v1/batches"): "operator",
    ("GET", "/api/v1/batches/{batch_id}"): "operator",
    ("GET", "/api/v1/batches/{batch_id}/events"): "operator",
    ("POST", "/api/v1/batches/{batch_id}/retry"): "operator",
    ("POST", "/api/v1/documents/{doc_id}/retry"): "operator",
    # API: documents and review
    ("GET", "/api/v1/documents/{doc_id}"): "staff",
    ("GET", "/api/v1/documents/{doc_id}/original"): "staff",
    ("GET", "/api/v1/documents/{doc_id}/pdf"): "staff",
    ("GET", "/api/v1/documents/{doc_id}/text"): "staff",
    ("GET", "/api/v1/documents/{doc_id}/corrections"): "staff",
    ("POST", "/api/v1/documents/{doc_id}/corrections"): "staff",
    ("POST", "/api/v1/documents/{doc_id}/confirm"): "staff",
    ("GET", "/api/v1/documents/{doc_id}/pages/{page}.png"): "staff",
    ("POST", "/api/v1/documents/{doc_id}/reprocess"): "admin",
    ("GET", "/api/v1/review"): "staff",
    ("GET", "/api/v1/search"): "staff",
    # API: register and reports
    ("POST", "/api/v1/register/import"): "admin",
    ("GET", "/api/v1/register"): "staff",
    ("POST", "/api/v1/register/links"): "staff",
    ("DELETE", "/api/v1/register/links/{doc_id}"): "staff",
    ("GET", "/api/v1/reports/coverage"): "staff",
    ("GET", "/api/v1/reports/coverage.xlsx"): "staff",
    # API: users and audit
    ("GET", "/api/v1/me"): "operator",
    ("GET", "/api/v1/users"): "admin",
    ("POST", "/api/v1/users"): "admin",
    ("PATCH", "/api/v1/users/{name}"): "admin",
    ("POST", "/api/v1/users/{name}/tokens"): "admin",
    ("GET", "/api/v1/tokens"): "admin",
    ("DELETE", "/api/v1/tokens/{token_id}"): "admin",
    ("GET", "/api/v1/audit"): "admin",
    # API: public
    ("GET", "/api/v1/health"): PUBLIC,
    ("GET", "/api/v1/health/live"): PUBLIC,
    ("GET", "/api/v1/health/ready"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    # pages
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): "operator",
    ("GET", "/"): "operator",
    ("GET", "/upload"): "operator",
    ("GET", "/upload/check"): "operator",
    ("GET", "/batches"): "operator",
    ("GET", "/batches/{batch_id}"): "operator",
    ("GET", "/batches/{batch_id}/notes"): "operator",
    ("GET", "/search"): "staff",
    ("GET", "/documents/{doc_id}"): "staff",
    ("POST", "/documents/{doc_id}/correct"): "staff",
    ("POST", "/documents/{doc_id}/confirm"): "staff",
    ("POST", "/documents/{doc_id}/retry"): "staff",
    ("POST", "/documents/{doc_id}/reprocess"): "admin",
    ("POST", "/documents/{doc_id}/link"): "staff",
    ("GET", "/review"): "staff",
    ("GET", "/coverage"): "staff",
    ("GET", "/dossiers"): "staff",
    ("GET", "/dossiers/{code}"): "staff",
    ("GET", "/api/v1/dossiers/report"): "staff",
    ("GET", "/api/v1/dossiers/{code}"): "staff",
    ("GET", "/api/v1/dossiers.xlsx"): "staff",
    ("GET", "/coverage.xlsx"): "staff",
    ("GET", "/admin"): "admin",
    ("POST", "/admin/users"): "admin",
    ("POST", "/admin/users/{name}"): "admin",
    ("POST", "/admin/register"): "admin",
    ("GET", "/audit"): "admin",
    ("GET", "/audit.csv"): "admin",
}

Body = Callable[[World], dict[str, Any]]
REGISTER_CSV = b"so_ky_hieu,loai,ngay_ban_hanh,hieu_luc_den,chu_the,linh_vuc\n12/GP-SCT,GP,2023-03-15,,Hoa Mai,ruou\n"

# Requests that need a body get one that the endpoint accepts, so an allowed role reaches the handler.
BODIES: dict[tuple[str, str], Body] = {
    ("POST", "/api/v1/batches"): lambda w: {
        "files": {"files": ("x.png", png_bytes("red"), "image/png")},
        "data": {"batch": w.batch},
    },
    ("POST", "/api/v1/documents/{doc_id}/corrections"): lambda w: {"json": {"changes": {"field": "ruou"}}},
    ("GET", "/api/v1/search"): lambda w: {"params": {"q": "giay phep"}},
    ("POST", "/api/v1/register/import"): lambda w: {"files": {"file": ("so.csv", REGISTER_CSV, "text/csv")}},
    ("POST", "/api/v1/register/links"): lambda w: {
        "json": {"doc_id": w.doc, "register_key": "12/GP-SCT|2023-03-15", "by": "tester"}
    },
    ("DELETE", "/api/v1/register/links/{doc_id}"): lambda w: {"params": {"by": "tester"}},
    ("POST", "/api/v1/users"): lambda w: {"json": {"name": "newbie", "role": "staff"}},
    ("PATCH", "/api/v1/users/{name}"): lambda w: {"json": {"role": "operator"}},
    ("GET", "/search"): lambda w: {"params": {"q": "ruou"}},
    ("POST", "/documents/{doc_id}/correct"): lambda w: {"data": {"field": "thuoc_la"}},
    ("POST", "/documents/{doc_id}/link"): lambda w: {"data": {"action": "unlink"}},
    ("POST", "/admin/users"): lambda w: {"data": {"name": "newbie2", "role": "operator"}},
    ("POST", "/admin/users/{name}"): lambda w: {"data": {"role": "operator", "active": "on"}},
}


def app_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, full path) of every route that answers requests, through included routers (newer FastAPI
    keeps them as lazy entries holding the original router and the prefix they were included with)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        context = getattr(route, "include_context", None)
        if included is not None and context is not None:
            yield from app_routes(included.routes, prefix + context.prefix)
        elif getattr(route, "methods", None):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, prefix + route.path


def _fill(world: World, path: str) -> str:
    doc = world.failed if path.endswith("/retry") and "documents" in path else world.doc
    return (
        path.replace("{batch_id}", world.batch)
        .replace("{doc_id}", doc)
        .replace("{name}", "operator2")
        .replace("{page}", "1")
        .replace("{token_id}", "999999")
        .replace("{code}", "000.12.37.H37-240301-0001")
    )


def _check(world: World, method: str, path: str, least: str | None) -> None:
    url = _fill(world, path)
    body = BODIES.get((method, path), lambda _w: {})
    for caller in CALLERS:
        response = world.client.request(
            method, url, headers=world.as_role(caller), follow_redirects=False, **body(world)
        )
        where = f"{method} {url} as {caller or 'anonymous'}: {response.status_code} {response.text[:200]}"
        if RANK[caller] >= RANK[least]:
            assert response.status_code not in (401, 403), where
            assert response.status_code < 500, where
        elif caller is None and url.startswith("/api/"):
            assert response.status_code == 401, where
            assert response.json()["code"] == "unauthorized", where
        elif caller is None:
            assert response.status_code == 303, where
            assert response.headers["location"].startswith("/login?next="), where
        else:
            assert response.status_code == 403, where


@pytest.mark.parametrize(
    ("method", "path", "least"),
    [(m, p, r) for (m, p), r in LEAST_ROLE.items()],
    ids=[f"{m} {p}" for m, p in LEAST_ROLE],
)
def test_endpoint_enforces_its_role(world: World, method: str, path: str, least: str | None) -> None:
    _check(world, method, path, least)


def test_every_route_is_in_the_table(world: World) -> None:
    """A route missing here would be untested for access control."""
    routes = set(app_routes(world.app.routes))
    assert routes - set(LEAST_ROLE) == set(), "routes without an entry in LEAST_ROLE"
    assert set(LEAST_ROLE) - routes == set(), "LEAST_ROLE entries without a route"


def test_operators_see_only_their_own_batches(world: World) -> None:
    op = world.as_role("operator")
    listed = world.client.get("/api/v1/batches", headers=op).json()
    assert [b["batch"] for b in listed] == [world.batch]
    assert world.client.get(f"/api/v1/batches/{world.other_batch}", headers=op).status_code == 403
    assert world.client.get(f"/batches/{world.other_batch}", headers=op).status_code == 403
    assert world.client.get(f"/api/v1/batches/{world.other_batch}/events", headers=op).status_code == 403
    assert world.client.post(f"/api/v1/documents/{world.other_doc}/retry", headers=op).status_code == 403
    upload = BODIES[("POST", "/api/v1/batches")](world) | {"data": {"batch": world.other_batch}}
    assert world.client.post("/api/v1/batches", headers=op, **upload).status_code == 403
    # staff see every batch, including the other operator's
    staff = world.client.get("/api/v1/batches", headers=world.as_role("staff")).json()
    assert {b["batch"] for b in staff} == {world.batch, world.other_batch}
    assert world.client.get("/batches", headers=op).text.count("/batches/lo-op2") == 0


def test_bad_or_revoked_token_is_401(world: World) -> None:
    bad = world.client.get("/api/v1/me", headers={"Authorization": "Bearer sohoa_nope"})
    assert bad.status_code == 401 and bad.json()["code"] == "bad_token"
    assert bad.headers["www-authenticate"] == "Bearer"
    world.db.set_active("staff", False)
    assert world.client.get("/api/v1/me", headers=world.as_role("staff")).status_code == 401
