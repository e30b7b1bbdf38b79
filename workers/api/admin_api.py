"""Who am I, users and API tokens, and the audit log. Everything but ``/me`` needs ``admin``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from ..errors import PermanentError
from . import audit
from .appdb import AppDB, User, generate_password
from .auth import Admin, Operator, Principal, client_ip, get_db

router = APIRouter(prefix="/api/v1", tags=["users"])


class UserIn(BaseModel):
    name: str
    role: str
    password: str | None = None


class UserPatch(BaseModel):
    role: str | None = None
    active: bool | None = None
    password: str | None = None


def user_view(db: AppDB, user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "role": user.role,
        "active": user.active,
        "created_at": user.created_at,
        "tokens": db.token_count(user.name),
    }


def update_user(db: AppDB, who: Principal, name: str, patch: UserPatch, ip: str | None) -> None:
    """Apply ``patch``; an admin cannot lower their own role or disable themselves (no lock-out)."""
    if name.lower() == who.name and (patch.active is False or (patch.role and patch.role != "admin")):
        raise PermanentError(
            "không thể tự hạ quyền hoặc tự khóa mình / you cannot demote or disable yourself", code="bad_value"
        )
    if patch.role:
        db.set_role(name, patch.role)
    if patch.password:
        db.set_password(name, patch.password)
    if patch.active is not None:
        db.set_active(name, patch.active)
    changed = {k: v for k, v in patch.model_dump(exclude_none=True).items() if k != "password"}
    if patch.password:
        changed["password"] = "changed"
    audit.record(db, who.name, "user_update", name.lower(), ip, **changed)


@router.get("/me")
def me(who: Operator) -> dict[str, Any]:
    """The signed-in user and their role. (any role)"""
    return {"name": who.name, "role": who.user.role, "via": who.via}


@router.get("/users")
def list_users(request: Request, who: Admin) -> list[dict[str, Any]]:
    db = get_db(request)
    return [user_view(db, u) for u in db.users()]


@router.post("/users", status_code=201)
def add_user(body: UserIn, request: Request, who: Admin) -> dict[str, Any]:
    """Create a user; without a password one is generated and returned once."""
    db = get_db(request)
    password = body.password or generate_password()
    user = db.add_user(body.name, body.role, password)
    audit.record(db, who.name, "user_add", user.name, client_ip(request), role=user.role)
    out = user_view(db, user)
    if not body.password:
        out["password"] = password
    return out


@router.patch("/users/{name}")
def patch_user(name: str, body: UserPatch, request: Request, who: Admin) -> dict[str, Any]:
    """Change a user's role, password or active flag (disabling ends sessions and revokes tokens)."""
    db = get_db(request)
    update_user(db, who, name, body, client_ip(request))
    user = db.get_user(name, include_inactive=True)
    assert user is not None
    return user_view(db, user)


@router.post("/users/{name}/tokens", status_code=201)
def new_token(name: str, request: Request, who: Admin, label: str | None = None) -> dict[str, str]:
    """A new API token for ``name``, shown once."""
    db = get_db(request)
    token = db.new_token(name, label)
    audit.record(db, who.name, "token_create", name.lower(), client_ip(request), label=label)
    return {"name": name.lower(), "token": token}


@router.get("/audit", tags=["audit"])
def get_audit(
    request: Request,
    who: Admin,
    user: str | None = None,
    action: str | None = None,
    target: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """The audit log, newest first. (admin)"""
    total, rows = audit.entries(get_db(request), user=user, action=action, target=target, limit=limit, offset=offset)
    return {"total": total, "entries": [r.__dict__ for r in rows]}
