"""The role x endpoint matrix: every route of the app, every role, the status it must get.

Anonymous callers get 401 from the API and a redirect to /login from pages; a role below the least
role of an endpoint gets 403; a role at or above it is let through (whatever the endpoint then says).
A test fails when a route exists that this matrix does not list, so a new endpoint cannot ship unguarded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute

from tests.api.conftest import World, png_bytes
from workers.api import auth

RANK = {None: -1, "operator": 0, "staff": 1, "admin": 2}
PUBLIC = {("GET", "/api/v1/health"), ("GET", "/login"), ("POST", "/login")}

Body = Callable[[World], dict[str, Any]]


def _none(_w: World) -> dict[str, Any]:
    return {}


def _upload(w: World) -> dict[str, Any]:
    return {"files": {"files": ("x.png", png_bytes("red"), "image/png")}, "data": {"batch": w.batch}}


# (method, route path, least role, request kwargs)
MATRIX: list[tuple[str, str, str, Body]] = [
    ("POST", "/api/v1/batches", "operator", _upload),
    ("GET", "/api/v1/batches", "operator", _none),
    ("GET", "/api/v1/batches/{batch_id}", "operator", _none),
    ("GET", "/api/v1/batches/{batch_id}/events", "operator", _none),
    ("POST", "/api/v1/batches/{batch_id}/retry", "operator", _none),
    ("POST", "/api/v1/documents/{doc_id}/retry", "operator", _none),
    ("POST", "/api/v1/documents/{doc_id}/reprocess", "admin", _none),
    ("GET", "/api/v1/documents/{doc_id}", "staff", _none),
    ("GET", "/api/v1/documents/{doc_id}/original", "staff", _none),
    ("GET", "/api/v1/documents/{doc_id}/pdf", "staff", _none),
    ("GET", "/api/v1/documents/{doc_id}/text", "staff", _none),
    ("GET", "/api/v1/documents/{doc_id}/corrections", "staff", _none),
    ("POST", "/api/v1/documents/{doc_id}/corrections", "staff", lambda w: {"json": {"changes": {"field": "ruou"}}}),
    ("POST", "/api/v1/documents/{doc_id}/confirm", "staff", _none),
    ("GET", "/api/v1/documents/{doc_id}/pages/{page}.png", "staff", _none),
    ("GET", "/api/v1/review", "staff", _none),
    ("GET", "/api/v1/search", "staff", lambda w: {"params": {"q": "giay phep"}}),
    ("GET", "/api/v1/me", "operator", _none),
    ("GET", "/api/v1/users", "admin", _none),
    ("POST", "/api/v1/users", "admin", lambda w: {"json": {"name": "newbie", "role": "staff"}}),
    ("PATCH", "/api/v1/users/{name}", "admin", lambda w: {"json": {"role": "operator"}}),
    ("POST", "/api/v1/users/{name}/tokens", "admin", _none),
    ("GET", "/api/v1/audit", "admin", _none),
    # pages
    ("GET", "/", "operator", _none),
    ("POST", "/logout", "operator", _none),
    ("GET", "/upload", "operator", _none),
    ("GET", "/batches", "operator", _none),
    ("GET", "/batches/{batch_id}", "operator", _none),
    ("GET", "/search", "staff", lambda w: {"params": {"q": "ruou"}}),
    ("GET", "/documents/{doc_id}", "staff", _none),
    ("POST", "/documents/{doc_id}/correct", "staff", lambda w: {"data": {"field": "thuoc_la"}}),
    ("POST", "/documents/{doc_id}/confirm", "staff", _none),
    ("POST", "/documents/{doc_id}/retry", "staff", _none),
    ("POST", "/documents/{doc_id}/reprocess", "admin", _none),
    ("GET", "/review", "staff", _none),
    ("GET", "/coverage", "staff", _none),
    ("GET", "/coverage.xlsx", "staff", _none),
    ("GET", "/admin", "admin", _none),
    ("POST", "/admin/users", "admin", lambda w: {"data": {"name": "newbie2", "role": "operator"}}),
    ("POST", "/admin/users/{name}", "admin", lambda w: {"data": {"role": "operator", "active": "on"}}),
    ("POST", "/admin/register", "admin", _none),
    ("GET", "/audit", "admin", _none),
]


def api_routes(
    routes: list[Any], prefix: str = "", deps: tuple[Any, ...] = ()
) -> Iterator[tuple[str, str, tuple[Any, ...]]]:
    """(method, full path, dependency callables) of every API route, through included routers (newer
    FastAPI keeps them as lazy ``_IncludedRouter`` entries holding the original router)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        context = getattr(route, "include_context", None)
        if included is not None and context is not None:
            extra = tuple(d.dependency for d in context.dependencies)
            yield from api_routes(included.routes, prefix + context.prefix, deps + extra)
        elif isinstance(route, APIRoute):
            own = tuple(d.dependency for d in route.dependencies)
            for method in sorted(route.methods - {"HEAD"}):
                yield method, prefix + route.path, deps + own


def _reports_routes(world: World) -> list[tuple[str, str, str, Body]]:
    """Routes of the reports router: import needs admin, the rest staff (``auth.reports_guard``)."""
    out: list[tuple[str, str, str, Body]] = []
    for method, path, deps in api_routes(world.app.routes):
        if auth.reports_guard in deps:
            role = "admin" if path.startswith(auth.ADMIN_REPORT_PATHS) else "staff"
            out.append((method, path, role, _none))
    return out


def _fill(world: World, path: str) -> str:
    doc = world.failed if path.endswith("/retry") and "documents" in path else world.doc
    return (
        path.replace("{batch_id}", world.batch)
        .replace("{doc_id}", doc)
        .replace("{name}", "operator2")
        .replace("{page}", "1")
    )


def _check(world: World, method: str, path: str, least: str, body: Body) -> None:
    url = _fill(world, path)
    for role in (None, "operator", "staff", "admin"):
        response = world.client.request(method, url, headers=world.as_role(role), follow_redirects=False, **body(world))
        where = f"{method} {url} as {role or 'anonymous'}: {response.status_code} {response.text[:200]}"
        if role is None:
            if url.startswith("/api/"):
                assert response.status_code == 401, where
                assert response.json()["code"] == "unauthorized", where
            else:
                assert response.status_code == 303, where
                assert response.headers["location"].startswith("/login?next="), where
        elif RANK[role] < RANK[least]:
            assert response.status_code == 403, where
        else:
            assert response.status_code not in (401, 403), where


@pytest.mark.parametrize(("method", "path", "least", "body"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
def test_endpoint_enforces_its_role(world: World, method: str, path: str, least: str, body: Body) -> None:
    _check(world, method, path, least, body)


def test_reports_endpoints_enforce_their_roles(world: World) -> None:
    routes = _reports_routes(world)
    assert routes, "the reports router is guarded"
    for method, path, least, body in routes:
        _check(world, method, path, least, body)


def test_every_route_is_in_the_matrix(world: World) -> None:
    """A route missing here would be untested for access control."""
    listed = {(m, p) for m, p, _, _ in MATRIX} | {(m, p) for m, p, _, _ in _reports_routes(world)} | PUBLIC
    routes = {(method, path) for method, path, _ in api_routes(world.app.routes)}
    assert routes - listed == set(), "routes without an entry in the role matrix"
    assert {(m, p) for m, p, _, _ in MATRIX} - routes == set(), "matrix entries without a route"


def test_operators_see_only_their_own_batches(world: World) -> None:
    op = world.as_role("operator")
    listed = world.client.get("/api/v1/batches", headers=op).json()
    assert [b["batch"] for b in listed] == [world.batch]
    assert world.client.get(f"/api/v1/batches/{world.other_batch}", headers=op).status_code == 403
    assert world.client.get(f"/batches/{world.other_batch}", headers=op).status_code == 403
    assert world.client.get(f"/api/v1/batches/{world.other_batch}/events", headers=op).status_code == 403
    assert world.client.post(f"/api/v1/documents/{world.other_doc}/retry", headers=op).status_code == 403
    upload = world.client.post("/api/v1/batches", headers=op, **_upload(world) | {"data": {"batch": world.other_batch}})
    assert upload.status_code == 403
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
