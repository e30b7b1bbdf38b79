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
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    insert,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.sql.dml import Insert

from .errors import ConfigError, TransientError
from .settings import Settings

METADATA = MetaData()


class UTCDateTime(TypeDecorator[datetime]):
    """A moment, aware and in UTC both ways, on SQLite too (which keeps no time zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"a naive datetime cannot be stored (give it a time zone): {value!r}")
        moment = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


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


# v2: the register of issued results, staff links document -> entry, staff corrections (workers.register,
# workers.correction_log); before v2 they were JSON objects in the object store.

register_entries = Table(
    "register_entries",
    METADATA,
    Column("entry_id", Text, primary_key=True),  # workers.register.entry_id: normalized số ký hiệu|ngày
    Column("symbol_key", Text, nullable=False, index=True),  # the normalized số ký hiệu alone
    Column("so_ky_hieu", Text, nullable=False),  # as written in the register
    Column("loai", Text),
    Column("ngay_ban_hanh", Date, nullable=False),
    Column("hieu_luc_den", Date),
    Column("chu_the", Text),
    Column("linh_vuc", String(64), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

register_imports = Table(
    "register_imports",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("added", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("total", Integer, nullable=False),
)

register_links = Table(
    "register_links",
    METADATA,
    Column("doc_id", String(64), primary_key=True),  # one statement per document: the latest
    Column("entry_id", Text),  # None: staff said the document is no entry
    Column("register_key", Text),  # SO_KY_HIEU|YYYY-MM-DD as written in the register
    Column("by_user", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    UniqueConstraint("entry_id", name="uq_register_link_entry"),  # an entry is one document (NULLs differ)
)

register_link_history = Table(
    "register_link_history",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(64), nullable=False, index=True),
    Column("action", String(16), nullable=False),  # link | unlink
    Column("entry_id", Text),
    Column("register_key", Text),
    Column("by_user", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

corrections = Table(
    "corrections",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),  # the order they were made in
    Column("change_id", String(32), nullable=False),  # the fields corrected together share it
    Column("doc_id", String(64), nullable=False, index=True),
    Column("field", String(64), nullable=False),
    Column("value", Text, nullable=False),  # JSON: the corrected value (null: cleared)
    Column("previous", Text, nullable=False),  # JSON: the record's value before
    Column("by_user", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
)

state_upgrades = Table(
    "state_upgrades",
    METADATA,
    Column("name", String(64), primary_key=True),  # a one-time import that has run (see run_once)
    Column("at", UTCDateTime, nullable=False),
)

locks = Table(
    "locks",
    METADATA,
    Column("name", String(64), primary_key=True),  # see exclusive()
    Column("taken", Integer, nullable=False),
)


# v3: the web app's users, sessions, API tokens, batch owners and audit log (workers.appdb, workers.audit);
# before v3 they were in a SQLite file of their own (HOME/app.sqlite3).

users = Table(
    "users",
    METADATA,
    Column("name", String(40), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),  # bcrypt
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

sessions = Table(
    "sessions",
    METADATA,
    Column("digest", String(64), primary_key=True),  # HMAC of the cookie's token, never the token
    Column("user_name", String(40), ForeignKey("users.name"), nullable=False, index=True),
    Column("csrf", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),  # what lists show and revoke takes
    Column("digest", String(64), nullable=False, unique=True),  # HMAC of the token, never the token
    Column("user_name", String(40), ForeignKey("users.name"), nullable=False, index=True),
    Column("label", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used", UTCDateTime),
    Column("expires_at", UTCDateTime),
)

batch_owners = Table(
    "batch_owners",
    METADATA,
    Column("batch", Text, primary_key=True),
    Column("created_by", Text, nullable=False, index=True),
    Column("dossier", Text),
    Column("created_at", UTCDateTime, nullable=False),
)

audit_log = Table(
    "audit_log",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),  # the order things happened in
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("user_name", Text),  # not a key: a failed sign-in records the name that was typed
    Column("action", String(32), nullable=False),
    Column("target", Text),
    Column("detail", Text),  # JSON
    Column("ip", Text),
    Index("ix_audit_log_user_name_id", "user_name", "id"),
    Index("ix_audit_log_action_id", "action", "id"),
)


def _v1(conn: Connection) -> None:
    for table in (dossiers, dossier_events, dossier_links):
        table.create(conn, checkfirst=True)


def _v2(conn: Connection) -> None:
    tables = (register_entries, register_imports, register_links, register_link_history, corrections)
    for table in (*tables, state_upgrades, locks):
        table.create(conn, checkfirst=True)


def _v3(conn: Connection) -> None:
    for table in (users, sessions, api_tokens, batch_owners, audit_log):
        table.create(conn, checkfirst=True)


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_v1, _v2, _v3)
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


def upsert(conn: Connection, table: Table, keys: Sequence[str], rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` into ``table``, updating the other columns of a row whose ``keys`` exist already."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    changed = {name: stmt.excluded[name] for name in rows[0] if name not in keys}
    final: Insert = stmt.on_conflict_do_update(index_elements=list(keys), set_=changed)
    conn.execute(final, rows)


def insert_new(conn: Connection, table: Table, keys: Sequence[str], row: dict[str, Any]) -> bool:
    """Insert ``row`` unless a row with its ``keys`` exists (then change nothing); True when inserted."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table).values(**row).on_conflict_do_nothing(index_elements=list(keys))
    # RETURNING, not rowcount: with RETURNING implied by the driver, rowcount says -1 either way
    return conn.execute(stmt.returning(table.c[keys[0]])).first() is not None


def exclusive(conn: Connection, name: str) -> None:
    """Hold the lock ``name`` until ``conn``'s transaction ends: writers that take it run one at a time.

    One row of ``locks`` written first thing: PostgreSQL holds its row lock to the commit, SQLite its
    write lock, so what the transaction reads afterwards stays true until it commits.
    """
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(locks).values(name=name, taken=1)
    conn.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={"taken": locks.c.taken + 1}))


_upgraded: weakref.WeakKeyDictionary[Engine, set[str]] = weakref.WeakKeyDictionary()
_upgraded_lock = threading.Lock()


def run_once(engine: Engine, name: str, step: Callable[[Connection], None]) -> None:
    """Run the one-time import ``step`` unless it ran before on this database (in any process).

    The mark and the step commit together; a process that loses the race finds the mark and skips.
    Within a process the answer is remembered, so callers may ask on every use.
    """
    with _upgraded_lock:
        if name in _upgraded.get(engine, set()):
            return
    with translate(f"run the one-time step {name}"):
        with engine.connect() as conn:
            done = conn.execute(select(state_upgrades.c.name).where(state_upgrades.c.name == name)).first()
        if done is None:
            try:
                with engine.begin() as conn:
                    conn.execute(insert(state_upgrades).values(name=name, at=_now()))
                    step(conn)
            except IntegrityError:
                with engine.connect() as conn:
                    if conn.execute(select(state_upgrades).where(state_upgrades.c.name == name)).first() is None:
                        raise
    with _upgraded_lock:
        _upgraded.setdefault(engine, set()).add(name)
