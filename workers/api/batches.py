"""Batches: the files uploaded together, with progress derived from their records, and who owns them.

A batch is created by its first upload; the app database remembers who created it
(``AppDB.claim_batch``). Operators see and add to their own batches only; staff and admins see all,
including batches made with ``sohoa ingest`` (which have no owner).
"""

from __future__ import annotations

import re
from typing import Any

from ..context import Context
from ..errors import NotFoundError, PermanentError
from ..ingest import new_batch_id
from ..records import dump_view
from . import auth
from .appdb import AppDB
from .auth import Principal
from .labels import doc_type_name

_BAD_BATCH = re.compile(r"[/\\\x00-\x1f\x7f?#%]")
FINAL_STATES = ("indexed", "failed")


def batch_summary(ctx: Context, batch: str) -> dict[str, Any]:
    """Counts by state and time taken for one batch (derived from the records)."""
    files = [
        dump_view(r)
        | {
            "stage": r.get("stage"),
            "uploaded_at": r.get("uploaded_at"),
            "processed_at": r.get("processed_at"),
            "pages_done": r.get("pages_done"),
            "doc_type_name": r.get("doc_type_name") or (doc_type_name(r["doc_type"]) if r.get("doc_type") else None),
        }
        for r in ctx.index.scan(batch)
    ]
    if not files:
        raise NotFoundError(f"không có lô / no batch {batch}")
    for f in files:
        f.pop("text", None)
    states: dict[str, int] = {}
    for f in files:
        states[f["state"]] = states.get(f["state"], 0) + 1
    started = min((f["uploaded_at"] for f in files if f["uploaded_at"]), default=None)
    finished = max((f["processed_at"] for f in files if f["processed_at"]), default=None)
    done = all(f["state"] in ("indexed", "failed") for f in files)
    return {
        "batch": batch,
        "files": files,
        "counts": states,
        "done": done,
        "started_at": started,
        "finished_at": finished if done else None,
    }


def list_batch_entries(ctx: Context, db: AppDB, who: Principal) -> list[dict[str, Any]]:
    """Every batch the caller may see (operators: the ones they created), newest first."""
    owners = db.batch_owners()
    seen: dict[str, dict[str, Any]] = {}
    for record in ctx.index.scan():
        for b in record.get("batches") or [record.get("batch")]:
            if not who.can("staff") and owners.get(b) != who.name:
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
            st = record.get("state")
            entry["counts"][st] = entry["counts"].get(st, 0) + 1
            entry["done"] = entry["done"] and st in ("indexed", "failed")
            processed = record.get("processed_at")
            if processed and (entry["finished_at"] is None or processed > entry["finished_at"]):
                entry["finished_at"] = processed
    for entry in seen.values():
        if not entry["done"]:
            entry["finished_at"] = None
    return sorted(seen.values(), key=lambda e: e["started_at"] or "", reverse=True)


def check_batch_access(ctx: Context, db: AppDB, who: Principal, batch: str) -> None:
    """Operators may only see or add to batches they created; raises ``AuthError`` (403)."""
    if who.can("staff"):
        return
    owner = db.batch_owner(batch)
    if owner == who.name:
        return
    if owner is None and not any(True for _ in ctx.index.scan(batch)):
        raise NotFoundError(f"không có lô / no batch {batch}")
    raise auth.forbidden("Lô này do người khác tạo. (This batch belongs to someone else.)")


def clean_batch_name(name: str | None) -> str:
    """The batch id to use: the given name (trimmed) or a new generated one."""
    value = (name or "").strip()
    if not value:
        return new_batch_id()
    if len(value) > 100 or _BAD_BATCH.search(value):
        raise PermanentError(
            "tên lô tối đa 100 ký tự, không chứa / \\ ? # % / batch name: up to 100 chars, no / \\ ? # %",
            code="bad_batch",
        )
    return value
