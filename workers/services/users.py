"""Users of the web app and their API tokens: the rules on top of the app database (``workers.appdb``).

Used by ``sohoa user`` and by the administrators' API and pages. The one rule that is not storage: an
administrator changing their own account cannot lower their role or disable themselves (no lock-out).
"""

from __future__ import annotations

from typing import Any

from ..appdb import TOKEN_DAYS, AppDB, User, generate_password
from ..errors import NotFoundError, PermanentError

DEMO_USER = "demo"
DEMO_PASSWORD = "sohoa-demo"


def user_view(db: AppDB, user: User) -> dict[str, Any]:
    """A user as listed (never a password or token)."""
    return {
        "name": user.name,
        "role": user.role,
        "active": user.active,
        "created_at": user.created_at,
        "tokens": db.token_count(user.name),
    }


def list_users(db: AppDB) -> list[dict[str, Any]]:
    return [user_view(db, u) for u in db.users()]


def get_user(db: AppDB, name: str) -> User:
    """The user ``name`` (disabled ones too); raises ``NotFoundError``."""
    user = db.get_user(name, include_inactive=True)
    if user is None:
        raise NotFoundError(f"không có người dùng / no user {name}")
    return user


def add_user(db: AppDB, name: str, role: str, password: str | None = None) -> tuple[User, str | None]:
    """Create a user; without a password one is generated. Returns (user, the generated password or None).

    Raises ``PermanentError`` (``bad_name``, ``bad_role``, ``bad_password``, ``user_exists``).
    """
    chosen = password or generate_password()
    user = db.add_user(name, role, chosen)
    return user, None if password else chosen


def update_user(
    db: AppDB,
    name: str,
    *,
    role: str | None = None,
    active: bool | None = None,
    password: str | None = None,
    actor: str | None = None,
) -> dict[str, Any]:
    """Change role, password and/or active flag of ``name`` (a new password or disabling ends the user's
    sessions and revokes their API tokens).

    ``actor`` is the administrator asking (None: the command line, run by whoever owns the server).
    Returns what changed, the password shown as ``"changed"``. Raises ``NotFoundError`` and
    ``PermanentError`` (``bad_value`` for self-demotion, ``bad_role``, ``bad_password``).
    """
    target = get_user(db, name)
    if actor is not None and target.name == actor and (active is False or (role and role != "admin")):
        raise PermanentError(
            "không thể tự hạ quyền hoặc tự khóa mình / you cannot demote or disable yourself", code="bad_value"
        )
    if role:
        db.set_role(target.name, role)
    if password:
        db.set_password(target.name, password)
    if active is not None:
        db.set_active(target.name, active)
    changed: dict[str, Any] = {"role": role or None, "active": active, "password": "changed" if password else None}
    return {k: v for k, v in changed.items() if v is not None}


def new_token(db: AppDB, name: str, label: str | None = None, days: float = TOKEN_DAYS) -> str:
    """A new API token for ``name`` valid ``days`` days, to show once; raises ``NotFoundError`` and
    ``PermanentError`` (``bad_value``: days not within 1-3650)."""
    return db.new_token(name, label, days)


def list_tokens(db: AppDB, name: str | None = None) -> list[dict[str, Any]]:
    """The API tokens of ``name`` (everyone's when None) with id, label, dates and ``expired``."""
    if name is not None:
        get_user(db, name)
    return db.tokens(name)


def revoke_token(db: AppDB, token_id: int) -> str:
    """Revoke one API token; returns whose it was. Raises ``NotFoundError``."""
    return db.revoke_token(token_id)


def ensure_demo(db: AppDB) -> bool:
    """Create (or reset to) the documented demo administrator; True when it was created."""
    user = db.get_user(DEMO_USER, include_inactive=True)
    if user is None:
        db.add_user(DEMO_USER, "admin", DEMO_PASSWORD)
        return True
    if db.authenticate(DEMO_USER, DEMO_PASSWORD) is None or user.role != "admin" or not user.active:
        db.set_active(DEMO_USER, True)
        db.set_role(DEMO_USER, "admin")
        db.set_password(DEMO_USER, DEMO_PASSWORD)
    return False


def demo_password_in_use(db: AppDB) -> bool:
    """True while the active user ``demo`` still signs in with the documented ``DEMO_PASSWORD``."""
    return db.authenticate(DEMO_USER, DEMO_PASSWORD) is not None
