"""The web app's own SQLite database (``Settings.app_db_path``): users, sessions, API tokens, batch owners
and the audit log (see ``workers.audit``).

Passwords are stored as bcrypt hashes. Session and API tokens are random (256 bits); only their
HMAC-SHA256 under ``Settings.secret_key`` is stored, so a copy of the database does not let anyone sign
in. Roles are ranked: ``operator`` < ``staff`` < ``admin``; each role can do what the ones below can.

API tokens expire (``expires_at``) and have an id (the row id) to list and revoke them one by one. A new
password ends every session and revokes every API token of the user: a reset is what an administrator
does when an account may be compromised.

Raises ``PermanentError`` (codes ``bad_role``, ``bad_name``, ``bad_password``, ``user_exists``) and
``NotFoundError`` (``not_found``) for bad input; nothing else on purpose.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import bcrypt

from .errors import NotFoundError, PermanentError

ROLES = ("operator", "staff", "admin")
ROLE_NAMES = {"operator": "Nhân viên quét (operator)", "staff": "Cán bộ (staff)", "admin": "Quản trị (admin)"}
_RANK = {role: rank for rank, role in enumerate(ROLES)}
BCRYPT_ROUNDS = 12  # ~0.25 s per check; tests lower it
SESSION_HOURS = 12.0  # idle time after which a session ends
_TOUCH_SECONDS = 60  # update last_seen at most this often
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_MAX_PASSWORD_BYTES = 72  # bcrypt looks at no more
TOKEN_DAYS = 90  # default life of an API token

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    digest TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name),
    label TEXT,
    created_at TEXT NOT NULL,
    last_used TEXT,
    expires_at TEXT
);
CREATE TABLE IF NOT EXISTS batches (
    batch TEXT PRIMARY KEY,
    created_by TEXT NOT NULL,
    dossier TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS batches_owner ON batches(created_by);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT,
    ip TEXT
);
CREATE INDEX IF NOT EXISTS audit_at ON audit(at);
"""


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
    """Thread-safe access to the app database; one instance per process (the CLI opens its own)."""

    def __init__(self, path: Path, secret: str = "") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=30000")
        self._db.executescript(_SCHEMA)
        self._migrate()
        self._lock = threading.Lock()
        self._key = secret.encode("utf-8")
        self._dummy_hash: bytes | None = None

    def _migrate(self) -> None:
        """Bring a database made by an earlier version up to date (tokens made before expiry existed get
        ``TOKEN_DAYS`` from now)."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(tokens)")}
        if "expires_at" not in columns:
            self._db.execute("ALTER TABLE tokens ADD COLUMN expires_at TEXT")
            self._db.execute("UPDATE tokens SET expires_at = ?", (_iso(_now() + timedelta(days=TOKEN_DAYS)),))

    def close(self) -> None:
        self._db.close()

    def execute(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement under the lock; returns all rows."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _digest(self, token: str) -> str:
        return hmac.new(self._key, token.encode("utf-8"), hashlib.sha256).hexdigest()

    # ------------------------------------------------------------------ users
    def add_user(self, name: str, role: str, password: str) -> User:
        name = name.strip().lower()
        if not _NAME.match(name):
            raise PermanentError(
                "tên đăng nhập: 2-40 ký tự a-z, 0-9, . _ - / name: 2-40 chars a-z 0-9 . _ -", code="bad_name"
            )
        check_role(role)
        check_password_rules(password)
        if self.get_user(name, include_inactive=True):
            raise PermanentError(f"người dùng đã có / user exists: {name}", code="user_exists")
        hashed = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(BCRYPT_ROUNDS)).decode("ascii")
        self.execute(
            "INSERT INTO users(name, role, password_hash, active, created_at) VALUES (?, ?, ?, 1, ?)",
            (name, role, hashed, _iso(_now())),
        )
        return User(name, role, True, _iso(_now()))

    def get_user(self, name: str, *, include_inactive: bool = False) -> User | None:
        rows = self.execute("SELECT name, role, active, created_at FROM users WHERE name = ?", (name.lower(),))
        if not rows or (not rows[0][2] and not include_inactive):
            return None
        n, role, active, created = rows[0]
        return User(n, role, bool(active), created)

    def users(self) -> list[User]:
        rows = self.execute("SELECT name, role, active, created_at FROM users ORDER BY name")
        return [User(n, r, bool(a), c) for n, r, a, c in rows]

    def _require(self, name: str) -> str:
        user = self.get_user(name, include_inactive=True)
        if user is None:
            raise NotFoundError(f"không có người dùng / no user {name}")
        return user.name

    def set_role(self, name: str, role: str) -> None:
        self.execute("UPDATE users SET role = ? WHERE name = ?", (check_role(role), self._require(name)))

    def set_password(self, name: str, password: str) -> None:
        """A new password; it ends every session and revokes every API token of the user."""
        check_password_rules(password)
        hashed = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(BCRYPT_ROUNDS)).decode("ascii")
        name = self._require(name)
        self.execute("UPDATE users SET password_hash = ? WHERE name = ?", (hashed, name))
        self.execute("DELETE FROM sessions WHERE user = ?", (name,))
        self.execute("DELETE FROM tokens WHERE user = ?", (name,))

    def set_active(self, name: str, active: bool) -> None:
        """Disabling a user also ends their sessions and revokes their API tokens."""
        name = self._require(name)
        self.execute("UPDATE users SET active = ? WHERE name = ?", (1 if active else 0, name))
        if not active:
            self.execute("DELETE FROM sessions WHERE user = ?", (name,))
            self.execute("DELETE FROM tokens WHERE user = ?", (name,))

    def authenticate(self, name: str, password: str) -> User | None:
        """The active user if ``password`` is right (takes a bcrypt check's time either way)."""
        rows = self.execute("SELECT password_hash FROM users WHERE name = ? AND active = 1", (name.strip().lower(),))
        candidate = password.encode("utf-8")
        if len(candidate) > _MAX_PASSWORD_BYTES:
            return None
        if not rows:
            if self._dummy_hash is None:
                self._dummy_hash = bcrypt.hashpw(b"not-a-password", bcrypt.gensalt(BCRYPT_ROUNDS))
            bcrypt.checkpw(candidate, self._dummy_hash)
            return None
        if not bcrypt.checkpw(candidate, rows[0][0].encode("ascii")):
            return None
        return self.get_user(name.strip())

    # ------------------------------------------------------------------ sessions
    def new_session(self, user: User) -> tuple[str, str]:
        """(session token for the cookie, CSRF token for the pages' forms)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        now = _iso(_now())
        self.execute(
            "INSERT INTO sessions(digest, user, csrf, created_at, last_seen) VALUES (?, ?, ?, ?, ?)",
            (self._digest(token), user.name, csrf, now, now),
        )
        return token, csrf

    def session(self, token: str) -> tuple[User, str] | None:
        """(user, csrf token) of a live session; idle sessions expire after ``SESSION_HOURS``."""
        digest = self._digest(token)
        rows = self.execute("SELECT user, csrf, last_seen FROM sessions WHERE digest = ?", (digest,))
        if not rows:
            return None
        name, csrf, last_seen = rows[0]
        seen = datetime.fromisoformat(last_seen)
        now = _now()
        if now - seen > timedelta(hours=SESSION_HOURS):
            self.execute("DELETE FROM sessions WHERE digest = ?", (digest,))
            return None
        user = self.get_user(name)
        if user is None:
            return None
        if (now - seen).total_seconds() > _TOUCH_SECONDS:
            self.execute("UPDATE sessions SET last_seen = ? WHERE digest = ?", (_iso(now), digest))
        return user, csrf

    def end_session(self, token: str) -> None:
        self.execute("DELETE FROM sessions WHERE digest = ?", (self._digest(token),))

    # ------------------------------------------------------------------ API tokens
    def new_token(self, name: str, label: str | None = None, days: float = TOKEN_DAYS) -> str:
        """A new API token for ``name``, valid ``days`` days (shown once; only its digest is kept)."""
        name = self._require(name)
        if not 0 < days <= 3650:
            raise PermanentError("số ngày hiệu lực: 1-3650 / days: 1-3650", code="bad_value")
        token = "sohoa_" + secrets.token_urlsafe(32)
        now = _now()
        self.execute(
            "INSERT INTO tokens(digest, user, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            (self._digest(token), name, label, _iso(now), _iso(now + timedelta(days=days))),
        )
        return token

    def token_user(self, token: str) -> User | None:
        """The active user of a live token; None for an unknown, revoked or expired one."""
        digest = self._digest(token)
        rows = self.execute("SELECT user, last_used, expires_at FROM tokens WHERE digest = ?", (digest,))
        if not rows:
            return None
        name, last_used, expires_at = rows[0]
        now = _now()
        if expires_at and datetime.fromisoformat(expires_at) <= now:
            return None
        user = self.get_user(name)
        if user and (not last_used or (now - datetime.fromisoformat(last_used)).total_seconds() > _TOUCH_SECONDS):
            self.execute("UPDATE tokens SET last_used = ? WHERE digest = ?", (_iso(now), digest))
        return user

    def tokens(self, name: str | None = None) -> list[dict[str, Any]]:
        """API tokens (never the tokens themselves): id, user, label, created_at, last_used, expires_at,
        expired; of ``name`` or of everyone, newest first."""
        sql = "SELECT rowid, user, label, created_at, last_used, expires_at FROM tokens"
        rows = self.execute(
            sql + (" WHERE user = ?" if name else "") + " ORDER BY rowid DESC", (name.lower(),) if name else ()
        )
        now = _now()
        keys = ("id", "user", "label", "created_at", "last_used", "expires_at")
        return [
            dict(zip(keys, row, strict=True)) | {"expired": bool(row[5]) and datetime.fromisoformat(row[5]) <= now}
            for row in rows
        ]

    def revoke_token(self, token_id: int) -> str:
        """Revoke one API token by its id; returns its user. Raises ``NotFoundError``."""
        rows = self.execute("SELECT user FROM tokens WHERE rowid = ?", (token_id,))
        if not rows:
            raise NotFoundError(f"không có API token / no API token {token_id}")
        self.execute("DELETE FROM tokens WHERE rowid = ?", (token_id,))
        return str(rows[0][0])

    def token_count(self, name: str) -> int:
        return int(self.execute("SELECT count(*) FROM tokens WHERE user = ?", (name,))[0][0])

    def revoke_tokens(self, name: str) -> int:
        count = self.token_count(name)
        self.execute("DELETE FROM tokens WHERE user = ?", (name,))
        return count

    # ------------------------------------------------------------------ batch owners
    def claim_batch(self, batch: str, user: str, dossier: str | None) -> None:
        """Record who created ``batch`` (first uploader wins)."""
        self.execute(
            "INSERT OR IGNORE INTO batches(batch, created_by, dossier, created_at) VALUES (?, ?, ?, ?)",
            (batch, user, dossier, _iso(_now())),
        )

    def batch_owner(self, batch: str) -> str | None:
        rows = self.execute("SELECT created_by FROM batches WHERE batch = ?", (batch,))
        return rows[0][0] if rows else None

    def batch_owners(self) -> dict[str, str]:
        return {b: u for b, u in self.execute("SELECT batch, created_by FROM batches")}

    def batch_dossier_codes(self) -> dict[str, str]:
        """The dossier code each batch was created with (batches without one are left out)."""
        return {b: d for b, d in self.execute("SELECT batch, dossier FROM batches WHERE dossier IS NOT NULL")}

    def batch_dossiers(self, user: str) -> list[str]:
        """Dossier codes of the batches ``user`` created, sorted."""
        rows = self.execute(
            "SELECT DISTINCT dossier FROM batches WHERE created_by = ? AND dossier IS NOT NULL", (user,)
        )
        return sorted(d for (d,) in rows)
