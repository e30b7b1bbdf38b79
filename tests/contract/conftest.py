"""The ``db_settings`` fixture: settings on SQLite (embedded) and on the real PostgreSQL, where each test
gets a database of its own, made before and dropped after it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import make_settings, require_service
from workers.db import database_url
from workers.settings import Settings


@pytest.fixture(params=["sqlite", "postgresql"])
def db_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    if request.param == "sqlite":
        yield make_settings(tmp_path / "home")
        return
    base = require_service("database")
    name = f"sohoa_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(database_url(make_settings(tmp_path / "x", database=base)), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_settings(tmp_path / "home", database=base.rsplit("/", 1)[0] + "/" + name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
