"""The relational store of shared state: SQLite on one machine, PostgreSQL in the cluster profile.

One code path for both (SQLAlchemy Core): tables are declared once in :data:`METADATA`, schema
changes are numbered migrations applied by :func:`migrate` (idempotent, safe when several processes
start at once: PostgreSQL takes an advisory lock, SQLite an immediate transaction), and writers rely on
transactions and unique constraints instead of rewriting whole objects.

``SOHOA_DATABASE`` picks it: ``sqlite:///PATH`` (default ``HOME/sohoa.db``) or
``postgresql://USER[:PASS]@HOST:PORT/DB`` (the cluster profile's default is the server that
``scripts/services.sh`` runs). Errors are translated at this edge: a server that cannot be reached is a
``TransientError``, a URL that cannot work a ``ConfigError``.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError

from .errors import ConfigError, TransientError
from .settings import Settings

METADATA = MetaData()

schema_version = Table(
    "schema_version",
    METADATA,
    Column("version", Integer, primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

dossiers = Table(
    "dossiers",
    METADATA,
    Column("ma_ho_so", String(64), primary_key=True),
    Column("thu_tuc", Text),
    Column("linh_vuc", String(64)),
    Column("chu_the", Text),
    Column("ngay_tiep_nhan", Date),
    Column("ngay_hen_tra", Date),
    Column("ngay_tra_ket_qua", Date),
    Column("trang_thai", String(64)),
    Column("ket_qua_so_ky_hieu", String(128)),
    Column("ket_qua_ngay_ban_hanh", Date),
    Column("source", String(16), nullable=False),  # import | event
    Column("last_event_id", String(64)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

dossier_events = Table(
    "dossier_events",
    METADATA,
    Column("event_id", String(64), primary_key=True),  # a redelivered event is a no-op
    Column("ma_ho_so", String(64), nullable=False),
    Column("type", String(32), nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
)

dossier_links = Table(
    "dossier_links",
    METADATA,
    Column("doc_id", String(64), primary_key=True),  # a document belongs to one dossier at most
    Column("ma_ho_so", String(64), nullable=False, index=True),
    Column("role", String(32), nullable=False),
    Column("how", String(16), nullable=False),  # upload | printed | content | staff
    Column("linked_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("doc_id", "ma_ho_so", name="uq_dossier_link"),
)


def _v1(conn: Connection) -> None:
    for table in (dossiers, dossier_events, dossier_links):
        table.create(conn, checkfirst=True)


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_v1,)
"""Migration N (1-based) brings the schema from version N-1 to N. Append; never edit a shipped one."""


def database_url(settings: Settings) -> str:
    """The SQLAlchemy URL of ``settings.database`` (a plain ``postgresql://`` uses psycopg 3)."""
    url = settings.database or f"sqlite:///{settings.home / 'sohoa.db'}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def open_database(settings: Settings) -> Engine:
    """An engine on the configured database, migrated to the current schema."""
    url = database_url(settings)
    try:
        if url.startswith("sqlite"):
            settings.home.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True, pool_size=5, connect_args={"connect_timeout": 5})
    except (ArgumentError, NoSuchModuleError) as exc:
        raise ConfigError(
            f"SOHOA_DATABASE={_redact(url)!r}: use sqlite:///PATH or postgresql://USER@HOST:PORT/DB"
        ) from exc
    with translate("open the database"):
        migrate(engine)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _redact(url: str) -> str:
    head, sep, tail = url.partition("@")
    if not sep:
        return url
    scheme, _, creds = head.partition("://")
    return f"{scheme}://{creds.split(':', 1)[0]}:***@{tail}" if ":" in creds else url


def migrate(engine: Engine) -> int:
    """Apply the pending migrations; returns the schema version. Concurrent callers apply each once."""
    if engine.dialect.name == "sqlite" and engine.url.database:
        with _file_lock(f"{engine.url.database}.migrate.lock"):
            return _migrate(engine)
    return _migrate(engine)


def _migrate(engine: Engine) -> int:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(7411001)"))  # one migrator at a time
        schema_version.create(conn, checkfirst=True)
        current = conn.execute(text("SELECT COALESCE(MAX(version), 0) FROM schema_version")).scalar_one()
        for number, step in enumerate(MIGRATIONS, start=1):
            if number > current:
                step(conn)
                conn.execute(schema_version.insert().values(version=number, applied_at=_now()))
        return len(MIGRATIONS)


@contextmanager
def _file_lock(path: str) -> Iterator[None]:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def translate(action: str) -> Iterator[None]:
    """Database errors as Sohoa errors: unreachable or locked -> TransientError, the rest are bugs."""
    try:
        yield
    except OperationalError as exc:
        raise TransientError(f"database could not {action}: {exc.orig!r}") from exc
    except SQLAlchemyError:
        raise
