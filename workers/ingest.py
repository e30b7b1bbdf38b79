"""Upload: store the original under its SHA-256, record it as ``queued`` and publish ``file.uploaded``.

Re-uploading the same bytes is harmless: an already indexed document is not processed again (it only
joins the new batch). Files that are empty or over the byte limit are recorded as ``failed`` at once,
with their reason, and never reach a worker. User filenames are display names only.

Every upload is also kept in the record's ``uploads`` list (``batch``, ``filename``, ``dossier``,
``uploader``, ``at``; the last ``MAX_UPLOADS``): the same bytes uploaded by two people into two batches
carry two names and dossiers, and each batch shows its own (``workers.services.batches``).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import metrics
from .clock import now_iso
from .context import Context, original_key
from .errors import PermanentError, describe
from .events import FileUploaded, encode
from .logs import get_logger
from .records import store_meta

log = get_logger(__name__)
SCAN_SUFFIXES = {".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg"}
MAX_UPLOADS = 100


def new_batch_id() -> str:
    return datetime.now(UTC).strftime("b%Y%m%d-%H%M%S-") + secrets.token_hex(2)


@dataclass
class Uploaded:
    doc_id: str
    filename: str
    status: str  # queued | duplicate | rejected
    error_code: str | None = None


@dataclass
class IngestReport:
    batch: str
    files: list[Uploaded] = field(default_factory=list)


def sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as src:
        while chunk := src.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and scan files found under folders (sorted; hidden files skipped)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not child.name.startswith(".") and child.suffix.lower() in SCAN_SUFFIXES:
                    yield child
        else:
            yield path


def skipped_files(paths: Iterable[Path]) -> list[Path]:
    """Files under the folders in ``paths`` that :func:`expand` passes over (not a scan type), so the
    person who uploaded the folder is told which ones were not taken."""
    return [
        child
        for path in paths
        if path.is_dir()
        for child in sorted(path.rglob("*"))
        if child.is_file() and not child.name.startswith(".") and child.suffix.lower() not in SCAN_SUFFIXES
    ]


def upload_entries(record: dict[str, object]) -> list[dict[str, object]]:
    """The record's uploads, oldest first; a record made before they were kept has its one upload."""
    kept = record.get("uploads")
    if isinstance(kept, list):
        return kept
    return [
        {
            "batch": record.get("batch"),
            "filename": record.get("filename"),
            "dossier": record.get("dossier"),
            "uploader": record.get("uploader"),
            "at": record.get("uploaded_at"),
        }
    ]


def _precheck(path: Path, size: int, max_bytes: int) -> tuple[str | None, str | None]:
    """Reject at upload what no worker could read: empty, too large, or not a PDF/TIFF/PNG/JPEG."""
    from .pipeline.sniff import HEAD_BYTES, sniff_bytes

    if size > max_bytes:
        return "file_too_large", describe("file_too_large")
    with path.open("rb") as src:
        head = src.read(HEAD_BYTES)
    try:
        sniff_bytes(head)
    except PermanentError as exc:
        return exc.code, exc.message
    return None, None


def ingest_file(
    ctx: Context,
    path: Path,
    filename: str,
    batch: str,
    dossier: str | None = None,
    *,
    uploader: str | None = None,
) -> Uploaded:
    """Store one file and queue it. ``filename`` is kept only as a display name."""
    uploaded, size = _ingest_file(ctx, path, filename, batch, dossier, uploader)
    ctx.index.refresh()  # the batch page shown next lists this file
    metrics.uploaded(uploaded.status, size)
    return uploaded


def _ingest_file(
    ctx: Context, path: Path, filename: str, batch: str, dossier: str | None, uploader: str | None
) -> tuple[Uploaded, int]:
    doc_id, size = sha256_file(path)
    display = Path(filename).name[:255] or "unnamed"
    existing = ctx.index.get(doc_id)
    base = {"filename": display, "batch": batch, "dossier": dossier, "size": size}
    upload = {"batch": batch, "filename": display, "dossier": dossier, "uploader": uploader, "at": now_iso()}
    uploads = [*upload_entries(existing), upload][-MAX_UPLOADS:] if existing else [upload]
    # A record left ``queued`` by an attempt that died before its event was durable (the bus was down)
    # is not a duplicate: this attempt repairs it by storing and publishing again.
    half_done = existing is not None and existing.get("state") == "queued" and existing.get("published") is False
    if existing and existing.get("state") in ("indexed", "queued", "processing") and not half_done:
        # Same bytes again: join the batch, keep the first name and results.
        batches = list(dict.fromkeys([*(existing.get("batches") or []), batch]))
        ctx.index.upsert(doc_id, {"batches": batches, "uploads": uploads})
        return Uploaded(doc_id, display, "duplicate"), size
    code, message = _precheck(path, size, ctx.settings.limits.max_bytes)
    record = {**base, "uploaded_at": now_iso(), "uploader": uploader, "attempts": 0, "uploads": uploads}
    if code:
        record |= {"state": "failed", "stage": "failed", "error_code": code, "error_message": message}
        ctx.index.upsert(doc_id, record)
        store_meta(ctx, doc_id, record)
        log.info("rejected at upload", doc_id=doc_id, batch=batch, filename=display, code=code)
        return Uploaded(doc_id, display, "rejected", code), size
    key = original_key(doc_id)
    if not ctx.store.exists(key):
        ctx.store.put_file(key, path, "application/octet-stream", sha256=doc_id)
    record |= {"state": "queued", "stage": "queued", "error_code": None, "error_message": None, "published": False}
    ctx.index.upsert(doc_id, record)
    store_meta(ctx, doc_id, record)
    event = FileUploaded(doc_id=doc_id, filename=display, size=size, batch=batch, dossier=dossier, original_key=key)
    ctx.bus.publish(ctx.settings.topic_uploaded, doc_id, encode(event))
    # Only now is the upload acknowledged: its event is durable. (A worker may already have moved the
    # record on, hence only the flag is written.)
    ctx.index.upsert(doc_id, {"published": True})
    return Uploaded(doc_id, display, "queued"), size


def ingest_paths(
    ctx: Context,
    paths: Iterable[Path],
    batch: str | None = None,
    dossier: str | None = None,
    on_file: Callable[[Uploaded], None] | None = None,
) -> IngestReport:
    """Upload every file under ``paths`` into one batch (created if ``batch`` is None)."""
    report = IngestReport(batch=batch or new_batch_id())
    for path in expand(paths):
        uploaded = ingest_file(ctx, path, path.name, report.batch, dossier)
        report.files.append(uploaded)
        if on_file:
            on_file(uploaded)
    return report
