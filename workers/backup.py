"""Backup and restore of an embedded home (``SOHOA_HOME``): a consistent copy while workers run.

What a home holds: three SQLite files (the index, the queue, the app database of users, sessions,
tokens and the audit log), the object store (originals, derived files, the register, links and
corrections), and the secret key that signs sessions and tokens. The databases are copied with SQLite's
online backup (a consistent snapshot, writers keep going), *then* the objects: everything a snapshot
refers to was written before it, so it is in the copy; objects written later are harmless extras.
A restored home carries on where the snapshot was: documents that were in flight are handed out again.

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

from .clock import now_iso
from .errors import ConfigError, PermanentError
from .settings import Settings

MANIFEST = "sohoa-backup.json"


def _databases(settings: Settings) -> dict[str, Path]:
    return {"index": settings.db_path, "queue": settings.queue_path, "app": settings.app_db_path}


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
            _copy_sqlite(path, target / path.name)
            manifest["databases"][name] = path.name
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
    if any(p.exists() for p in _databases(settings).values()):
        raise PermanentError(
            f"thư mục dữ liệu đã có dữ liệu / {home} already holds data: restore into a new SOHOA_HOME"
        )
    objects = _object_root(settings)
    home.mkdir(parents=True, exist_ok=True)
    for name in manifest["databases"].values():
        shutil.copy2(source / name, home / name)
    if (source / "secret.key").exists():
        shutil.copy2(source / "secret.key", home / "secret.key")
        os.chmod(home / "secret.key", 0o600)
    if (source / "objects").exists():
        shutil.copytree(source / "objects", objects, dirs_exist_ok=True)
    return manifest
