"""The web app's users, sessions, API tokens, batch owners and audit log (see ``workers.audit``), in the
relational store (:mod:`workers.db`, tables ``users``, ``sessions``, ``api_tokens``, ``batch_owners``,
``audit_log``): every API instance on the same database shares them, so a session started on one is
valid on the others (given the same ``SOHOA_SECRET_KEY``).

Passwords are stored as bcrypt hashes. Session and API tokens are random (256 bits); only their
HMAC-SHA256 under ``Settings.secret_key`` is stored, so a copy of the database does not let anyone sign
in. Roles are ranked: ``operator`` < ``staff`` < ``admin``; each role can do what the ones below can.

API tokens expire (``expires_at``) and have an id to list and revoke them one by one. A new
password ends every session and revokes every API token of the user: a reset is what an administrator
does when an account may be compromised.

Raises ``PermanentError`` (codes ``bad_role``, ``bad_name``, ``bad_password``, ``user_exists``) and
``NotFoundError`` (``not_found``) for bad input, and ``TransientError`` when the database cannot be
reached; nothing else on purpose.

Upgrades: earlier versions kept these tables in a SQLite file of their own (``Settings.app_db_path``);
:meth:`AppDB.open` copies its rows once (:mod:`workers.appdb_upgrade`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import bcrypt
from sqlalchemy import Engine, delete, func, insert, select, text, update
from sqlalchemy.engine import Connection

from .appdb_upgrade import copy_legacy
from .db import api_tokens, batch_owners, insert_new, open_database, run_once, sessions, translate, users
from .errors import NotFoundError, PermanentError
from .settings import Settings

ROLES = ("operator", "staff", "admin")
ROLE_NAMES = {"operator": "Nhân viên quét (operator)", "staff": "Cán bộ (staff)", "admin": "Quản trị (admin)"}
_RANK = {role: rank for rank, role in enumerate(ROLES)}
BCRYPT_ROUNDS = 12  # ~0.25 s per check; tests lower it
SESSION_HOURS = 12.0  # idle time after which a session ends
_TOUCH_SECONDS = 60  # update last_seen at most this often
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_MAX_PASSWORD_BYTES = 72  # bcrypt looks at no more
TOKEN_DAYS = 90  # default life of an API token


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    active: bool = True
    created_at: str = ""

    def can(self, role: str) -> bool:
        """True when this user's role is ``role`` or above it."""
        return self.active and _RANK.get(self.role, -1) >= _RANK[role]


def check_role(role: str) -> str:
    if role not in _RANK:
        raise PermanentError(f"vai trò phải là một trong / role must be one of {', '.join(ROLES)}", code="bad_role")
    return role


def check_password_rules(password: str) -> None:
    if len(password) < 8:
        raise PermanentError("mật khẩu ít nhất 8 ký tự / password needs 8+ characters", code="bad_password")
    if len(password.encode("utf-8")) > _MAX_PASSWORD_BYTES:
        raise PermanentError("mật khẩu quá dài (tối đa 72 byte) / password too long", code="bad_password")


def generate_password() -> str:
    return secrets.token_urlsafe(12)


class AppDB:
    """The web app's tables on an engine of the relational store; thread-safe (the engine pools
    connections). One instance per process: :meth:`open` it from Settings."""

    def __init__(self, engine: Engine, secret: str = "", *, owns_engine: bool = False) -> None:
        self.engine = engine
        self._owns_engine = owns_engine
        self._key = secret.encode("utf-8")
        self._dummy_hash: bytes | None = None

    @classmethod
    def open(cls, settings: Settings, engine: Engine | None = None) -> AppDB:
        """The app database of ``settings`` on ``engine`` (default: its own engine, disposed by :meth:`close`).

        An installation upgraded from a version that kept these tables in ``Settings.app_db_path`` gets
        that file's rows copied in once, when the tables are still empty (the file is left as it was).
        """
        own = engine is None
        engine = engine or open_database(settings)
        if settings.app_db_path.exists():
            run_once(engine, "app_sqlite", lambda conn: copy_legacy(conn, settings.app_db_path, TOKEN_DAYS))
        return cls(engine, settings.secret_key, owns_engine=own)

    def close(self) -> None:
        if self._owns_engine:
            self.engine.dispose()

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Run one textual statement (``:name`` parameters) in its own transaction; returns all rows. For
        health checks and maintenance: the methods below are the app's way in."""
        with translate("run a statement"), self.engine.begin() as conn:
            result = conn.execute(text(sql), params or {})
            return [tuple(row) for row in result] if result.returns_rows else []

    def _digest(self, token: str) -> str:
        return hmac.new(self._key, token.encode("utf-8"), hashlib.sha256).hexdigest()

    @contextmanager
    def _write(self, action: str) -> Iterator[Connection]:
        with translate(action), self.engine.begin() as conn:
            yield conn

    @contextmanager
    def _read(self, action: str) -> Iterator[Connection]:
        with translate(action), self.engine.connect() as conn:
            yield conn

    # ------------------------------------------------------------------ users
    def add_user(self, name: str, role: str, password: str) -> User:
        name = name.strip().lower()
        if not _NAME.match(name):
            raise PermanentError(
                "tên đăng nhập: 2-40 ký tự a-z, 0-9, . _ - / name: 2-40 chars a-z 0-9 . _ -", code="bad_name"
            )
        check_role(role)
        check_password_rules(password)
        hashed = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(BCRYPT_ROUNDS)).decode("ascii")
        now = _now()
        row = {"name": name, "role": role, "password_hash": hashed, "active": True, "created_at": now}
        with self._write("add a user") as conn:
            added = insert_new(conn, users, ["name"], row)
        if not added:
            raise PermanentError(f"người dùng đã có / user exists: {name}", code="user_exists")
        return User(name, role, True, _iso(now))

    def get_user(self, name: str, *, include_inactive: bool = False) -> User | None:
        query = select(users).where(users.c.name == name.strip().lower())
        with self._read("read a user") as conn:
            row = conn.execute(query).mappings().first()
        if row is None or (not row["active"] and not include_inactive):
            return None
        return _user(row)

    def users(self) -> list[User]:
        with self._read("list users") as conn:
            return [_user(row) for row in conn.execute(select(users).order_by(users.c.name)).mappings()]

    def _require(self, name: str) -> str:
        user = self.get_user(name, include_inactive=True)
        if user is None:
            raise NotFoundError(f"không có người dùng / no user {name}")
        return user.name

    def set_role(self, name: str, role: str) -> None:
        check_role(role)
        name = self._require(name)
        with self._write("change a role") as conn:
            conn.execute(update(users).where(users.c.name == name).values(role=role))

    def set_password(self, name: str, password: str) -> None:
        """A new password; it ends every session and revokes every API token of the user."""
        check_password_rules(password)
        hashed = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(BCRYPT_ROUNDS)).decode("ascii")
        name = self._require(name)
        with self._write("change a password") as conn:
            conn.execute(update(users).where(users.c.name == name).values(password_hash=hashed))
            _sign_out(conn, name)

    def set_active(self, name: str, active: bool) -> None:
        """Disabling a user also ends their sessions and revokes their API tokens."""
        name = self._require(name)
        with self._write("enable or disable a user") as conn:
            conn.execute(update(users).where(users.c.name == name).values(active=active))
            if not active:
                _sign_out(conn, name)

    def authenticate(self, name: str, password: str) -> User | None:
        """The active user if ``password`` is right (takes a bcrypt check's time either way)."""
        query = select(users.c.password_hash).where(users.c.name == name.strip().lower(), users.c.active.is_(True))
        with self._read("check a password") as conn:
            stored = conn.execute(query).scalar()
        candidate = password.encode("utf-8")
        if len(candidate) > _MAX_PASSWORD_BYTES:
            return None
        if stored is None:
            if self._dummy_hash is None:
                self._dummy_hash = bcrypt.hashpw(b"not-a-password", bcrypt.gensalt(BCRYPT_ROUNDS))
            bcrypt.checkpw(candidate, self._dummy_hash)
            return None
        if not bcrypt.checkpw(candidate, str(stored).encode("ascii")):
            return None
        return self.get_user(name.strip())

    # ------------------------------------------------------------------ sessions
    def new_session(self, user: User) -> tuple[str, str]:
        """(session token for the cookie, CSRF token for the pages' forms)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        now = _now()
        row = {"digest": self._digest(token), "user_name": user.name, "csrf": csrf, "created_at": now, "last_seen": now}
        with self._write("start a session") as conn:
            conn.execute(insert(sessions).values(**row))
        return token, csrf

    def session(self, token: str) -> tuple[User, str] | None:
        """(user, csrf token) of a live session; idle sessions expire after ``SESSION_HOURS``."""
        digest = self._digest(token)
        with self._read("read a session") as conn:
            row = conn.execute(select(sessions).where(sessions.c.digest == digest)).mappings().first()
        if row is None:
            return None
        now = _now()
        idle = now - row["last_seen"]
        if idle > timedelta(hours=SESSION_HOURS):
            self.end_session(token)
            return None
        user = self.get_user(row["user_name"])
        if user is None:
            return None
        if idle.total_seconds() > _TOUCH_SECONDS:
            with self._write("touch a session") as conn:
                conn.execute(update(sessions).where(sessions.c.digest == digest).values(last_seen=now))
        return user, str(row["csrf"])

    def end_session(self, token: str) -> None:
        with self._write("end a session") as conn:
            conn.execute(delete(sessions).where(sessions.c.digest == self._digest(token)))

    # ------------------------------------------------------------------ API tokens
    def new_token(self, name: str, label: str | None = None, days: float = TOKEN_DAYS) -> str:
        """A new API token for ``name``, valid ``days`` days (shown once; only its digest is kept)."""
        name = self._require(name)
        if not 0 < days <= 3650:
            raise PermanentError("số ngày hiệu lực: 1-3650 / days: 1-3650", code="bad_value")
        token = "sohoa_" + secrets.token_urlsafe(32)
        now = _now()
        row = {"digest": self._digest(token), "user_name": name, "label": label, "created_at": now}
        with self._write("make an API token") as conn:
            conn.execute(insert(api_tokens).values(**row, expires_at=now + timedelta(days=days)))
        return token

    def token_user(self, token: str) -> User | None:
        """The active user of a live token; None for an unknown, revoked or expired one."""
        digest = self._digest(token)
        with self._read("read an API token") as conn:
            row = conn.execute(select(api_tokens).where(api_tokens.c.digest == digest)).mappings().first()
        if row is None:
            return None
        now = _now()
        if row["expires_at"] and row["expires_at"] <= now:
            return None
        user = self.get_user(row["user_name"])
        last_used = row["last_used"]
        if user and (last_used is None or (now - last_used).total_seconds() > _TOUCH_SECONDS):
            with self._write("touch an API token") as conn:
                conn.execute(update(api_tokens).where(api_tokens.c.digest == digest).values(last_used=now))
        return user

    def tokens(self, name: str | None = None) -> list[dict[str, Any]]:
        """API tokens (never the tokens themselves): id, user, label, created_at, last_used, expires_at,
        expired; of ``name`` or of everyone, newest first."""
        query = select(api_tokens).order_by(api_tokens.c.id.desc())
        if name:
            query = query.where(api_tokens.c.user_name == name.lower())
        with self._read("list API tokens") as conn:
            rows = list(conn.execute(query).mappings())
        now = _now()
        return [
            {
                "id": row["id"],
                "user": row["user_name"],
                "label": row["label"],
                "created_at": _iso(row["created_at"]),
                "last_used": _iso(row["last_used"]) if row["last_used"] else None,
                "expires_at": _iso(row["expires_at"]) if row["expires_at"] else None,
                "expired": row["expires_at"] is not None and row["expires_at"] <= now,
            }
            for row in rows
        ]

    def revoke_token(self, token_id: int) -> str:
        """Revoke one API token by its id; returns its user. Raises ``NotFoundError``."""
        with self._write("revoke an API token") as conn:
            owner = conn.execute(
                delete(api_tokens).where(api_tokens.c.id == token_id).returning(api_tokens.c.user_name)
            )
            name = owner.scalar()
        if name is None:
            raise NotFoundError(f"không có API token / no API token {token_id}")
        return str(name)

    def token_count(self, name: str) -> int:
        query = select(func.count()).select_from(api_tokens).where(api_tokens.c.user_name == name)
        with self._read("count API tokens") as conn:
            return int(conn.execute(query).scalar_one())

    def revoke_tokens(self, name: str) -> int:
        with self._write("revoke API tokens") as conn:
            return int(conn.execute(delete(api_tokens).where(api_tokens.c.user_name == name)).rowcount)

    # ------------------------------------------------------------------ batch owners
    def claim_batch(self, batch: str, user: str, dossier: str | None) -> None:
        """Record who created ``batch`` (first uploader wins)."""
        row = {"batch": batch, "created_by": user, "dossier": dossier, "created_at": _now()}
        with self._write("record a batch owner") as conn:
            insert_new(conn, batch_owners, ["batch"], row)

    def batch_owner(self, batch: str) -> str | None:
        query = select(batch_owners.c.created_by).where(batch_owners.c.batch == batch)
        with self._read("read a batch owner") as conn:
            owner = conn.execute(query).scalar()
        return str(owner) if owner is not None else None

    def batch_owners(self) -> dict[str, str]:
        with self._read("read batch owners") as conn:
            return {b: u for b, u in conn.execute(select(batch_owners.c.batch, batch_owners.c.created_by))}

    def batch_dossier_codes(self) -> dict[str, str]:
        """The dossier code each batch was created with (batches without one are left out)."""
        query = select(batch_owners.c.batch, batch_owners.c.dossier).where(batch_owners.c.dossier.is_not(None))
        with self._read("read batch dossiers") as conn:
            return {b: d for b, d in conn.execute(query)}

    def batch_dossiers(self, user: str) -> list[str]:
        """Dossier codes of the batches ``user`` created, sorted."""
        query = (
            select(batch_owners.c.dossier)
            .where(batch_owners.c.created_by == user, batch_owners.c.dossier.is_not(None))
            .distinct()
        )
        with self._read("read batch dossiers") as conn:
            return sorted(str(d) for d in conn.execute(query).scalars())


def _user(row: Any) -> User:
    return User(row["name"], row["role"], bool(row["active"]), _iso(row["created_at"]))


def _sign_out(conn: Connection, name: str) -> None:
    conn.execute(delete(sessions).where(sessions.c.user_name == name))
    conn.execute(delete(api_tokens).where(api_tokens.c.user_name == name))
