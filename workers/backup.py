"""Backup and restore of an embedded home (``SOHOA_HOME``): a consistent copy while workers run.

What a home holds: SQLite files (the index, the queue, and the relational store ``sohoa.db`` of
``workers.db``: dossiers, the register, staff links and corrections, users, sessions, tokens and the
audit log), the object store (originals, derived files), and the secret key that signs sessions and
tokens. The databases are copied with SQLite's online backup (a consistent snapshot, writers keep going),
*then* the objects: everything a snapshot refers to was written before it, so it is in the copy; objects
written later are harmless extras. A restored home carries on where the snapshot was: documents that
were in flight are handed out again. A backup made by an earlier version (with the app database
``app.sqlite3`` of its own) restores too: its rows move into the relational store on first start.

On the cluster profile the same parts live in PostgreSQL/Kafka/S3/Elasticsearch: back up the bucket
(versioning or replication) and the database; the index is rebuilt with ``sohoa reindex``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from sqlalchemy.engine import make_url

from .clock import now_iso
from .db import database_url
from .errors import ConfigError, PermanentError
from .settings import Settings

MANIFEST = "sohoa-backup.json"


def _databases(settings: Settings) -> dict[str, Path]:
    """The SQLite files of a home by their name in the manifest."""
    return {
        "index": settings.db_path,
        "queue": settings.queue_path,
        "database": _relational_file(settings),
        "app": settings.app_db_path,  # the app database of versions before the relational store held it
    }


def _relational_file(settings: Settings) -> Path:
    url = make_url(database_url(settings))
    if url.get_backend_name() != "sqlite" or not url.database:
        raise ConfigError(
            "sohoa backup copies an embedded home, but SOHOA_DATABASE is a database server: back it up with "
            "its own tools (pg_dump), the bucket or folder of objects, and rebuild the index with `sohoa reindex`."
        )
    return Path(url.database)


def _object_root(settings: Settings) -> Path:
    parsed = urlparse(settings.store)
    if parsed.scheme != "file":
        raise ConfigError(
            "sohoa backup copies an embedded home; with S3 back up the bucket (versioning or replication) "
            "and the database instead, and rebuild the index with `sohoa reindex`."
        )
    return Path(parsed.path)


def _copy_sqlite(source: Path, target: Path) -> None:
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # pages copied under SQLite's own locking: one consistent snapshot
    finally:
        dst.close()
        src.close()


def backup(settings: Settings, target: Path) -> dict[str, Any]:
    """Copy the home of ``settings`` into the new or empty directory ``target``; returns the manifest."""
    if target.exists() and any(target.iterdir()):
        raise PermanentError(f"thư mục sao lưu phải trống / the backup folder must be empty: {target}")
    objects = _object_root(settings)
    target.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {"made_at": now_iso(), "databases": {}, "objects": 0}
    for name, path in _databases(settings).items():
        if path.exists():
            _copy_sqlite(path, target / f"{name}.sqlite3")
            manifest["databases"][name] = f"{name}.sqlite3"
    secret = settings.home / "secret.key"
    if secret.exists():
        shutil.copy2(secret, target / "secret.key")
        os.chmod(target / "secret.key", 0o600)
    if objects.exists():
        for source in sorted(objects.rglob("*")):
            if source.is_file() and not source.name.startswith(".tmp-"):
                copy = target / "objects" / source.relative_to(objects)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, copy)
                manifest["objects"] += 1
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def restore(settings: Settings, source: Path) -> dict[str, Any]:
    """Fill the (new, empty) home of ``settings`` from the backup in ``source``; returns its manifest."""
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise PermanentError(f"không phải bản sao lưu của Sohoa / not a Sohoa backup: {source}") from exc
    home = settings.home
    targets = _databases(settings)
    if any(p.exists() for p in targets.values()):
        raise PermanentError(
            f"thư mục dữ liệu đã có dữ liệu / {home} already holds data: restore into a new SOHOA_HOME"
        )
    objects = _object_root(settings)
    home.mkdir(parents=True, exist_ok=True)
    for name, copy in manifest["databases"].items():
        if name not in targets:
            raise PermanentError(f"bản sao lưu có cơ sở dữ liệu lạ / unknown database {name!r} in {source}")
        targets[name].parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / copy, targets[name])
    if (source / "secret.key").exists():
        shutil.copy2(source / "secret.key", home / "secret.key")
        os.chmod(home / "secret.key", 0o600)
    if (source / "objects").exists():
        shutil.copytree(source / "objects", objects, dirs_exist_ok=True)
    return manifest
