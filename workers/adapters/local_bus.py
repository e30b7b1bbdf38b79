"""Embedded durable queue on SQLite (WAL): at-least-once, safe for several worker processes.

A delivery is leased to one process (``owner`` = pid and its start time, so a reused pid never looks
alive) until ``lease_until``. A message whose lease ran out, or whose owner process is gone (killed with
SIGKILL, crashed), is handed out again. ``ack`` deletes the row. Survives a killed process: every state
change is one committed transaction.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from ..errors import TransientError
from ..ports import Message

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    key TEXT NOT NULL,
    value BLOB NOT NULL,
    created REAL NOT NULL,
    lease_until REAL,
    owner TEXT,
    deliveries INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS messages_topic ON messages(topic, id);
"""


def _start_time(pid: int) -> str | None:
    """Start time of ``pid`` in clock ticks, or None if it is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] in ("Z", "X"):
        return None
    return fields[19]


def _owner_id() -> str:
    pid = os.getpid()
    return f"{pid}:{_start_time(pid)}"


def _owner_alive(owner: str | None) -> bool:
    if not owner:
        return False
    pid_text, _, started = owner.partition(":")
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    return _start_time(pid) == started


class LocalBus:
    """``Bus`` on one SQLite file; ``lease_seconds`` bounds how long a silent worker keeps a message."""

    def __init__(self, path: Path, lease_seconds: float = 120.0) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._lease = lease_seconds
        self._owner = _owner_id()
        self._db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=60000")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()  # one connection, used by the worker and its keepalive thread

    def publish(self, topic: str, key: str, value: bytes) -> None:
        try:
            with self._lock:
                self._db.execute(
                    "INSERT INTO messages(topic, key, value, created) VALUES (?, ?, ?, ?)",
                    (topic, key, value, time.time()),
                )
        except sqlite3.Error as exc:
            raise TransientError(f"local queue write failed: {exc}") from exc

    def receive(self, topic: str, timeout: float) -> Message | None:
        deadline = time.monotonic() + timeout
        while True:
            message = self._claim(topic)
            if message is not None or time.monotonic() >= deadline:
                return message
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))

    def _claim(self, topic: str) -> Message | None:
        with self._lock:
            return self._claim_locked(topic)

    def _claim_locked(self, topic: str) -> Message | None:
        now = time.time()
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                rows = self._db.execute(
                    "SELECT id, key, value, lease_until, owner, deliveries FROM messages "
                    "WHERE topic = ? ORDER BY id LIMIT 200",
                    (topic,),
                ).fetchall()
                for msg_id, key, value, lease_until, owner, deliveries in rows:
                    free = lease_until is None or lease_until < now or not _owner_alive(owner)
                    if not free:
                        continue
                    self._db.execute(
                        "UPDATE messages SET lease_until = ?, owner = ?, deliveries = deliveries + 1 WHERE id = ?",
                        (now + self._lease, self._owner, msg_id),
                    )
                    self._db.execute("COMMIT")
                    return Message(topic, key, bytes(value), handle=msg_id, deliveries=deliveries + 1)
                self._db.execute("COMMIT")
                return None
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise TransientError(f"local queue read failed: {exc}") from exc

    def ack(self, message: Message) -> None:
        self._write("DELETE FROM messages WHERE id = ? AND owner = ?", (message.handle, self._owner))

    def release(self, message: Message) -> None:
        self._write(
            "UPDATE messages SET lease_until = NULL, owner = NULL WHERE id = ? AND owner = ?",
            (message.handle, self._owner),
        )

    def keepalive(self, message: Message) -> None:
        self._write(
            "UPDATE messages SET lease_until = ? WHERE id = ? AND owner = ?",
            (time.time() + self._lease, message.handle, self._owner),
        )

    def _write(self, sql: str, params: tuple[object, ...]) -> None:
        try:
            with self._lock:
                self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise TransientError(f"local queue write failed: {exc}") from exc

    def pending(self, topic: str) -> int:
        with self._lock:
            row = self._db.execute("SELECT count(*) FROM messages WHERE topic = ?", (topic,)).fetchone()
        return int(row[0])

    def lag(self, topic: str) -> dict[int, int]:
        """One partition: the embedded queue is a single ordered table."""
        return {0: self.pending(topic)}

    def close(self) -> None:
        self._db.close()
