"""Who am I, users and API tokens, and the audit log. Everything but ``/me`` needs ``admin``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import AwareDatetime, BaseModel

from ... import audit
from ...services import users
from ..deps import DB, Admin, Operator, client_ip

router = APIRouter(prefix="/api/v1", tags=["users"])


class UserIn(BaseModel):
    name: str
    role: str
    password: str | None = None


class UserPatch(BaseModel):
    role: str | None = None
    active: bool | None = None
    password: str | None = None


@router.get("/me")
def me(who: Operator) -> dict[str, Any]:
    """The signed-in user and their role. (any role)"""
    return {"name": who.name, "role": who.user.role, "via": who.via}


@router.get("/users")
def list_users(who: Admin, db: DB) -> list[dict[str, Any]]:
    """Every user with their role and number of API tokens. (admin)"""
    return users.list_users(db)


@router.post("/users", status_code=201)
def add_user(body: UserIn, request: Request, who: Admin, db: DB) -> dict[str, Any]:
    """Create a user; without a password one is generated and returned once. (admin)"""
    user, generated = users.add_user(db, body.name, body.role, body.password)
    audit.record(db, who.name, "user_add", user.name, client_ip(request), role=user.role)
    out = users.user_view(db, user)
    if generated:
        out["password"] = generated
    return out


@router.patch("/users/{name}")
def patch_user(name: str, body: UserPatch, request: Request, who: Admin, db: DB) -> dict[str, Any]:
    """Change a user's role, password or active flag (a new password or disabling ends the user's sessions
    and revokes their API tokens). (admin)"""
    changed = users.update_user(db, name, role=body.role, active=body.active, password=body.password, actor=who.name)
    audit.record(db, who.name, "user_update", name.lower(), client_ip(request), **changed)
    return users.user_view(db, users.get_user(db, name))


@router.post("/users/{name}/tokens", status_code=201)
def new_token(
    name: str,
    request: Request,
    who: Admin,
    db: DB,
    label: str | None = None,
    days: int | None = Query(None, ge=1, le=3650, description="days valid (default SOHOA_TOKEN_DAYS, 90)"),
) -> dict[str, Any]:
    """A new API token for ``name``, shown once, valid ``days`` days. (admin)"""
    valid = days or request.app.state.settings.token_days
    token = users.new_token(db, name, label, valid)
    audit.record(db, who.name, "token_create", name.lower(), client_ip(request), label=label, days=valid)
    created = users.list_tokens(db, name)[0]
    return {"name": name.lower(), "token": token, "id": created["id"], "expires_at": created["expires_at"]}


@router.get("/tokens")
def list_tokens(who: Admin, db: DB, user: str | None = None) -> list[dict[str, Any]]:
    """API tokens (ids, labels, dates; never the tokens), of ``user`` or everyone, newest first. (admin)"""
    return users.list_tokens(db, user)


@router.delete("/tokens/{token_id}")
def revoke_token(token_id: int, request: Request, who: Admin, db: DB) -> dict[str, Any]:
    """Revoke one API token by its id. (admin)"""
    owner = users.revoke_token(db, token_id)
    audit.record(db, who.name, "token_revoke", owner, client_ip(request), token_id=token_id)
    return {"id": token_id, "user": owner, "revoked": True}


@router.get("/audit", tags=["audit"])
def get_audit(
    who: Admin,
    db: DB,
    user: str | None = None,
    action: str | None = None,
    target: str | None = None,
    since: AwareDatetime | None = Query(None, description="from this moment on (ISO 8601 with a zone)"),
    until: AwareDatetime | None = Query(None, description="before this moment (ISO 8601 with a zone)"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """The audit log, newest first; ``since``/``until`` bound the time as [since, until). (admin)"""
    total, rows = audit.entries(
        db, user=user, action=action, target=target, since=since, until=until, limit=limit, offset=offset
    )
    return {"total": total, "entries": [r.__dict__ for r in rows]}
