"""Batches: the files uploaded together, their progress (derived from the records) and who owns them.

A batch is created by its first upload; the app database remembers who created it
(``AppDB.claim_batch``). Operators see, add to and retry in their own batches only; staff and admins see
all, including batches made with ``sohoa ingest`` (which have no owner).

A file shows, in each batch, the name and dossier it was uploaded with *into that batch* (the record's
``uploads``): the same bytes uploaded by someone else elsewhere reveal nothing of the other upload to an
operator (:func:`visible_to` also drops the other batches a file is in).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from ..appdb import AppDB, User
from ..context import Context
from ..errors import AuthError, NotFoundError, PermanentError
from ..ingest import new_batch_id, upload_entries
from ..ports import SearchQuery
from ..records import doc_type_name, dump_view, get_record
from .documents import retry

FINAL_STATES = ("indexed", "failed")
MAX_FILES_SHOWN = 500  # files of one batch on one page
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


def clean_dossier(dossier: str | None, ctx: Context | None = None) -> str | None:
    """A dossier code as stored: trimmed, at most ``MAX_DOSSIER`` characters, None when empty.

    With ``ctx``, and once the one-stop system's list has been imported, the code must be in it (read
    through typing slips: O for 0, missing dots); it is stored as the list writes it. Raises
    ``PermanentError`` (``bad_value``) for a code the list does not have.
    """
    value = (dossier or "").strip()[:MAX_DOSSIER] or None
    if value is None or ctx is None:
        return value
    from .. import dossiers as dossier_list

    engine = ctx.database()
    if not dossier_list.has_any(engine):
        return value  # no list yet: keep what was typed; linking checks it when the list arrives
    code = dossier_list.normalize_code(value)
    if code is None or dossier_list.get_dossier(engine, code) is None:
        raise PermanentError(
            f"Mã hồ sơ {value!r} không có trong danh sách hồ sơ của hệ thống một cửa; hãy chọn trong danh "
            "sách gợi ý hoặc để trống. (Unknown dossier code.)",
            code="bad_value",
        )
    return code


def _exists(ctx: Context, batch: str) -> bool:
    return bool(ctx.index.batch_stats([batch]))


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
    code = clean_dossier(dossier, ctx)
    if db.batch_owner(batch_id) is None and not _exists(ctx, batch_id):
        db.claim_batch(batch_id, user.name, code)
    check_access(ctx, db, user, batch_id)
    return batch_id


def _upload_into(record: dict[str, Any], batch: str) -> dict[str, Any] | None:
    """The latest upload of ``record`` into ``batch`` (None: it joined the batch before uploads were kept)."""
    return next((u for u in reversed(upload_entries(record)) if u.get("batch") == batch), None)


def _file_view(record: dict[str, Any], batch: str) -> dict[str, Any]:
    upload = _upload_into(record, batch) or {"filename": None, "dossier": None, "uploader": None}
    return dump_view(record, text=False) | {
        "filename": upload.get("filename"),
        "dossier": upload.get("dossier"),
        "batch": batch,
        "uploader": upload.get("uploader"),
        "stage": record.get("stage"),
        "uploaded_at": upload.get("at") or record.get("uploaded_at"),
        "processed_at": record.get("processed_at"),
        "pages_done": record.get("pages_done"),
        "doc_type_name": record.get("doc_type_name") or doc_type_name(record.get("doc_type")),
    }


def batch_summary(ctx: Context, batch: str, limit: int = MAX_FILES_SHOWN, offset: int = 0) -> dict[str, Any]:
    """Counts by state and time taken for one batch (by aggregation), with a page of its files as uploaded
    into it (``total_files`` says how many there are); raises ``NotFoundError``. Pass it through
    :func:`visible_to` before showing it to someone."""
    stats = ctx.index.batch_stats([batch])
    if not stats:
        raise NotFoundError(f"không có lô / no batch {batch}")
    counts = stats[0].counts
    query = SearchQuery(batch=batch, sort="uploaded", limit=limit, offset=offset, with_text=False, facets=False)
    files = [_file_view(hit.record, batch) for hit in ctx.index.search(query).hits]
    done = all(state in FINAL_STATES for state in counts)
    return {
        "batch": batch,
        "files": files,
        "total_files": stats[0].files,
        "counts": counts,
        "done": done,
        "started_at": stats[0].started_at,
        "finished_at": stats[0].last_processed_at if done else None,
    }


def visible_to(summary: dict[str, Any], user: User) -> dict[str, Any]:
    """``summary`` as ``user`` may see it: staff see it all; an operator sees of each file only this
    batch and the name and dossier of their own upload (never another uploader's)."""
    if user.can("staff"):
        return summary
    files = []
    for view in summary["files"]:
        mine = view.get("uploader") == user.name
        files.append(
            view
            | {
                "batches": [summary["batch"]],
                "filename": view["filename"] if mine else "—",
                "dossier": view["dossier"] if mine else None,
                "uploader": view["uploader"] if mine else None,
            }
        )
    return summary | {"files": files}


def list_batches(ctx: Context, db: AppDB, user: User) -> list[dict[str, Any]]:
    """Every batch ``user`` may see (operators: the ones they created), newest first."""
    owners = db.batch_owners()
    mine = None if user.can("staff") else [b for b, owner in owners.items() if owner == user.name]
    dossiers_of = db.batch_dossier_codes()
    out = []
    for stats in ctx.index.batch_stats(mine):
        done = all(state in FINAL_STATES for state in stats.counts)
        out.append(
            {
                "batch": stats.batch,
                "files": stats.files,
                "counts": stats.counts,
                "started_at": stats.started_at,
                "finished_at": stats.last_processed_at if done else None,
                "created_by": owners.get(stats.batch),
                "dossier": dossiers_of.get(stats.batch),
                "done": done,
            }
        )
    return sorted(out, key=lambda e: e["started_at"] or "", reverse=True)


def dossiers(ctx: Context, db: AppDB, user: User) -> list[str]:
    """Dossier codes to offer at upload: the one-stop system's list (newest first), then the codes
    ``user`` typed before."""
    from .. import dossiers as dossier_list

    listed = dossier_list.recent_codes(ctx.database())
    typed = [code for code in db.batch_dossiers(user.name) if code not in listed]
    return listed + typed


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
    for record in ctx.index.records(SearchQuery(batch=batch, state="failed", fields=("state",))):
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
    query = SearchQuery(batch=batch, fields=keys)
    return [{"doc_id": r["doc_id"]} | {k: r.get(k) for k in keys} for r in ctx.index.records(query)]


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
