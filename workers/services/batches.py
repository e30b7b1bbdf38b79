"""Batches: the files uploaded together, their progress (derived from the records) and who owns them.

A batch is created by its first upload; the app database remembers who created it
(``AppDB.claim_batch``). Operators see, add to and retry in their own batches only; staff and admins see
all, including batches made with ``sohoa ingest`` (which have no owner).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from ..appdb import AppDB, User
from ..context import Context
from ..errors import AuthError, NotFoundError, PermanentError
from ..ingest import new_batch_id
from ..records import doc_type_name, dump_view, get_record
from .documents import retry

FINAL_STATES = ("indexed", "failed")
MAX_NAME = 100
MAX_DOSSIER = 100
_BAD_BATCH = re.compile(r"[/\\\x00-\x1f\x7f?#%]")  # the name appears in URLs and object keys


def clean_batch_name(name: str | None) -> str:
    """The batch id to use: the given name (trimmed) or a new generated one.

    Raises ``PermanentError`` (``bad_batch``) for a name over ``MAX_NAME`` characters or with / \\ ? # %.
    """
    value = (name or "").strip()
    if not value:
        return new_batch_id()
    if len(value) > MAX_NAME or _BAD_BATCH.search(value):
        raise PermanentError(
            "tên lô tối đa 100 ký tự, không chứa / \\ ? # % / batch name: up to 100 chars, no / \\ ? # %",
            code="bad_batch",
        )
    return value


def clean_dossier(dossier: str | None) -> str | None:
    """A dossier code as stored: trimmed, at most ``MAX_DOSSIER`` characters, None when empty."""
    return (dossier or "").strip()[:MAX_DOSSIER] or None


def _exists(ctx: Context, batch: str) -> bool:
    return any(True for _ in ctx.index.scan(batch))


def check_access(ctx: Context, db: AppDB, user: User, batch: str) -> None:
    """Operators may only see or add to batches they created.

    Raises ``NotFoundError`` for a batch nobody created, ``AuthError`` (``forbidden``) for someone else's.
    """
    if user.can("staff"):
        return
    owner = db.batch_owner(batch)
    if owner == user.name:
        return
    if owner is None and not _exists(ctx, batch):
        raise NotFoundError(f"không có lô / no batch {batch}")
    raise AuthError("Lô này do người khác tạo. (This batch belongs to someone else.)", code="forbidden")


def open_for_upload(ctx: Context, db: AppDB, user: User, batch: str | None, dossier: str | None) -> str:
    """The batch ``user`` uploads into: a new one (named or generated) is claimed by them; an existing one
    must be theirs (operators). Raises like :func:`clean_batch_name` and :func:`check_access`."""
    batch_id = clean_batch_name(batch)
    if db.batch_owner(batch_id) is None and not _exists(ctx, batch_id):
        db.claim_batch(batch_id, user.name, clean_dossier(dossier))
    check_access(ctx, db, user, batch_id)
    return batch_id


def batch_summary(ctx: Context, batch: str) -> dict[str, Any]:
    """Counts by state and time taken for one batch, with its files; raises ``NotFoundError``."""
    files = [
        dump_view(r, text=False)
        | {
            "stage": r.get("stage"),
            "uploaded_at": r.get("uploaded_at"),
            "processed_at": r.get("processed_at"),
            "pages_done": r.get("pages_done"),
            "doc_type_name": r.get("doc_type_name") or doc_type_name(r.get("doc_type")),
        }
        for r in ctx.index.scan(batch)
    ]
    if not files:
        raise NotFoundError(f"không có lô / no batch {batch}")
    done = all(f["state"] in FINAL_STATES for f in files)
    finished = max((f["processed_at"] for f in files if f["processed_at"]), default=None)
    return {
        "batch": batch,
        "files": files,
        "counts": dict(Counter(f["state"] for f in files)),
        "done": done,
        "started_at": min((f["uploaded_at"] for f in files if f["uploaded_at"]), default=None),
        "finished_at": finished if done else None,
    }


def list_batches(ctx: Context, db: AppDB, user: User) -> list[dict[str, Any]]:
    """Every batch ``user`` may see (operators: the ones they created), newest first."""
    owners = db.batch_owners()
    seen: dict[str, dict[str, Any]] = {}
    for record in ctx.index.scan():
        for b in record.get("batches") or [record.get("batch")]:
            if not user.can("staff") and owners.get(b) != user.name:
                continue
            entry = seen.setdefault(
                b,
                {
                    "batch": b,
                    "files": 0,
                    "counts": {},
                    "started_at": record.get("uploaded_at"),
                    "finished_at": None,
                    "created_by": owners.get(b),
                    "dossier": record.get("dossier"),
                    "done": True,
                },
            )
            entry["files"] += 1
            state = record.get("state")
            entry["counts"][state] = entry["counts"].get(state, 0) + 1
            entry["done"] = entry["done"] and state in FINAL_STATES
            processed = record.get("processed_at")
            if processed and (entry["finished_at"] is None or processed > entry["finished_at"]):
                entry["finished_at"] = processed
    for entry in seen.values():
        if not entry["done"]:
            entry["finished_at"] = None
    return sorted(seen.values(), key=lambda e: e["started_at"] or "", reverse=True)


def dossiers(ctx: Context, db: AppDB, user: User) -> list[str]:
    """Dossier codes ``user`` has uploaded into (staff: every dossier), sorted, to offer at upload."""
    if user.can("staff"):
        return sorted({r["dossier"] for r in ctx.index.scan() if r.get("dossier")})
    return db.batch_dossiers(user.name)


def retry_file(ctx: Context, db: AppDB, user: User, doc_id: str) -> dict[str, Any]:
    """Queue a failed file again; operators only files of batches they created. Returns the record.

    Raises ``NotFoundError``, ``AuthError`` (``forbidden``) and ``PermanentError`` (``not_failed``,
    ``original_missing``).
    """
    record = get_record(ctx, doc_id)
    if not user.can("staff"):
        owners = db.batch_owners()
        if not any(owners.get(b) == user.name for b in record.get("batches") or [record.get("batch")]):
            raise AuthError("Tệp này thuộc lô của người khác. (Not your batch.)", code="forbidden")
    retry(ctx, record)
    return record


def retry_batch(ctx: Context, db: AppDB, user: User, batch: str) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Queue every failed file of ``batch`` again: (queued records, skipped ``{"doc_id", "code"}``, e.g.
    files whose original is missing). Raises like :func:`check_access`."""
    check_access(ctx, db, user, batch)
    queued: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    for record in ctx.index.scan(batch):
        if record.get("state") != "failed":
            continue
        try:
            queued.append(retry_file(ctx, db, user, record["doc_id"]))
        except PermanentError as exc:
            skipped.append({"doc_id": record["doc_id"], "code": exc.code})
    return queued, skipped


def status_rows(ctx: Context, batch: str | None) -> list[dict[str, Any]]:
    """Each file's state, progress and failure (every file, or those of ``batch``), for ``sohoa status``."""
    keys = (
        "filename",
        "batch",
        "state",
        "stage",
        "pages",
        "pages_ocr",
        "doc_type",
        "ocr_confidence",
        "low_confidence",
        "review",
        "error_code",
        "error_message",
        "seconds",
    )
    return [{"doc_id": r["doc_id"]} | {k: r.get(k) for k in keys} for r in ctx.index.scan(batch)]


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts a scanning operator wants after a batch, from :func:`status_rows`."""
    indexed = [r for r in rows if r["state"] == "indexed"]
    return {
        "files": len(rows),
        "states": dict(Counter(r["state"] for r in rows)),
        "pages": sum(r.get("pages") or 0 for r in indexed),
        "pages_ocr": sum(r.get("pages_ocr") or 0 for r in indexed),
        "pages_text_layer": sum((r.get("pages") or 0) - (r.get("pages_ocr") or 0) for r in indexed),
        "doc_types": dict(Counter(r.get("doc_type") or "?" for r in indexed).most_common()),
        "low_confidence": sum(1 for r in indexed if r.get("low_confidence")),
        "failures": [
            {"filename": r["filename"], "error_code": r["error_code"], "error_message": r["error_message"]}
            for r in rows
            if r["state"] == "failed"
        ],
        "processing_seconds": round(sum(r.get("seconds") or 0 for r in indexed), 1),
    }
