"""An installation upgraded from a version with its own app database file keeps its users, sessions, API
tokens, batch owners and audit log: the rows are copied into the relational store once."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from contextlib import closing
from pathlib import Path

import bcrypt
import pytest

from tests.conftest import make_settings
from workers import audit
from workers.appdb import AppDB
from workers.errors import ConfigError
from workers.settings import Settings

# What an earlier version created in HOME/app.sqlite3 (tokens from before tokens expired: no expires_at).
OLD_SCHEMA = """
CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,
                    active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL);
CREATE TABLE sessions (digest TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name), csrf TEXT NOT NULL,
                       created_at TEXT NOT NULL, last_seen TEXT NOT NULL);
CREATE TABLE tokens (digest TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name), label TEXT,
                     created_at TEXT NOT NULL, last_used TEXT);
CREATE TABLE batches (batch TEXT PRIMARY KEY, created_by TEXT NOT NULL, dossier TEXT, created_at TEXT NOT NULL);
CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, user TEXT, action TEXT NOT NULL,
                    target TEXT, detail TEXT, ip TEXT);
"""


def _digest(settings: Settings, token: str) -> str:
    return hmac.new(settings.secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def _old_home(settings: Settings) -> None:
    settings.home.mkdir(parents=True, exist_ok=True)
    hashed = bcrypt.hashpw(b"lan-password", bcrypt.gensalt(4)).decode()
    with closing(sqlite3.connect(settings.app_db_path)) as db, db:
        db.executescript(OLD_SCHEMA)
        db.execute("INSERT INTO users VALUES ('lan', 'staff', ?, 1, '2024-01-01T00:00:00+00:00')", (hashed,))
        db.execute("INSERT INTO users VALUES ('old', 'operator', ?, 0, '2024-01-01T00:00:00+00:00')", (hashed,))
        db.execute(
            "INSERT INTO tokens VALUES (?, 'lan', 'script', '2024-01-02T00:00:00+00:00', NULL)",
            (_digest(settings, "sohoa_old-token"),),
        )
        db.execute("INSERT INTO batches VALUES ('lo-1', 'lan', 'HS-1', '2024-01-03T00:00:00+00:00')")
        db.executemany(
            "INSERT INTO audit(at, user, action, target, detail, ip) VALUES (?, ?, ?, ?, ?, ?)",
            [
                ("2024-01-04T00:00:00.000+00:00", "lan", "login", None, None, "10.0.0.1"),
                ("2024-01-04T00:01:00.000+00:00", "lan", "view", "doc-1", '{"page": 1}', "10.0.0.1"),
            ],
        )


def test_the_rows_of_the_old_file_are_copied_once(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home")
    _old_home(settings)
    with closing(AppDB.open(settings)) as db:
        assert db.authenticate("lan", "lan-password") is not None
        assert db.get_user("old") is None and db.get_user("old", include_inactive=True) is not None
        user = db.token_user("sohoa_old-token")
        assert user is not None and user.name == "lan"
        (token,) = db.tokens("lan")
        assert token["expires_at"] and not token["expired"]  # given the default life, as before
        assert db.batch_owners() == {"lo-1": "lan"}
        total, entries = audit.entries(db, user="lan")
        assert total == 2 and [(e.action, e.detail) for e in entries] == [("view", {"page": 1}), ("login", {})]
        assert entries[1].at == "2024-01-04T00:00:00.000+00:00"
    with closing(AppDB.open(settings)) as db:  # a second start copies nothing again
        assert len(db.users()) == 2 and audit.entries(db)[0] == 2


def test_an_unreadable_old_file_stops_the_start_with_advice(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home")
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.app_db_path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ConfigError) as err:
        AppDB.open(settings)
    assert "app.sqlite3" in err.value.message and "backup" in err.value.message
