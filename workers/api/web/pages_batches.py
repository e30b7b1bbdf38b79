"""Pages for scanning operators: upload with live progress, the batches list and one batch.

Two small JSON helpers serve the upload and batch pages' script: ``/upload/check`` says, before any file
is sent, whether the batch name and dossier code will be accepted (and the name the batch will get), and
``/batches/ID/notes`` says what the batch summary does not: which files were refused at upload, which
held no text, and which were uploaded before (duplicates).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ...context import Context
from ...errors import AuthError, NotFoundError, PermanentError
from ...ingest import upload_entries
from ...ports import SearchQuery
from ...services import batches
from ..deps import DB, Ctx, Operator, Principal
from .messages import client_texts, error_text, refused_at_upload
from .render import paging, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
RECENT = 20
_SLASHES = re.compile(r"\s*[/\\]+\s*")
_DROPPED = re.compile(r"[?#%\x00-\x1f\x7f]+")
_SPACES = re.compile(r"\s+")


def batch_name(typed: str) -> str:
    """The batch name to use for what a person typed: a date such as ``15/03`` becomes ``15-03``, and the
    characters a batch name cannot hold (``? # %``, control characters) are dropped; at most
    ``batches.MAX_NAME`` characters. "" when nothing is left (a name is then generated)."""
    name = _SLASHES.sub("-", typed)
    name = _SPACES.sub(" ", _DROPPED.sub(" ", name)).strip(" -")
    return name[: batches.MAX_NAME].rstrip()


@router.get("/upload")
def upload_page(request: Request, who: Operator, ctx: Ctx, db: DB) -> Response:
    mine = [b for b in batches.list_batches(ctx, db, who.user) if b["created_by"] == who.name][:RECENT]
    max_bytes = ctx.settings.limits.max_bytes
    dossiers = batches.dossiers(ctx, db, who.user)
    return render(
        request,
        "upload.html",
        who,
        dossiers=dossiers,
        recent=mine,
        max_bytes=max_bytes,
        max_mb=max_bytes // (1024 * 1024),
        errors=client_texts(),
    )


@router.get("/upload/check")
def upload_check(who: Operator, ctx: Ctx, db: DB, batch: str = "", dossier: str = "") -> dict[str, Any]:
    """Whether an upload with this batch name and dossier code would be accepted, before sending files:
    ``{"batch": name to use, "dossier": code as stored, "errors": {"batch"|"dossier": Vietnamese text}}``."""
    errors: dict[str, str] = {}
    name = batch_name(batch)
    if name:
        try:
            batches.clean_batch_name(name)
            batches.check_access(ctx, db, who.user, name)
        except NotFoundError:
            pass  # a new batch: it will be created by the first file
        except AuthError:
            errors["batch"] = f"Lô «{name}» do người khác tạo; hãy đặt tên lô khác."
        except PermanentError as exc:
            errors["batch"] = error_text(exc.code, exc.message)
    code = None
    try:
        code = batches.clean_dossier(dossier, ctx)
    except PermanentError as exc:
        errors["dossier"] = error_text(exc.code, exc.message)
    return {"batch": name, "dossier": code, "errors": errors}


def file_notes(ctx: Context, who: Principal, batch: str) -> dict[str, dict[str, Any]]:
    """What the page says of each file beyond its state: ``refused`` (at upload: nothing to retry),
    ``no_text`` (processed, but no text was found), ``duplicate`` (the same file was uploaded before this
    batch; where and as what only when ``who`` is staff or uploaded that first copy)."""
    notes: dict[str, dict[str, Any]] = {}
    for record in ctx.index.records(SearchQuery(batch=batch, with_text=False)):
        note: dict[str, Any] = {}
        if refused_at_upload(record):
            note["refused"] = True
        if record.get("state") == "indexed" and record.get("no_text"):
            note["no_text"] = True
        first = upload_entries(record)[0]
        # a file that failed is processed again when uploaded again: only a done or running one is a copy
        if record.get("state") != "failed" and first.get("batch") and first.get("batch") != batch:
            shown = who.can("staff") or first.get("uploader") == who.name
            note["duplicate"] = {
                "batch": first.get("batch") if shown else None,
                "filename": first.get("filename") if shown else None,
                "at": first.get("at"),
            }
        if note:
            notes[str(record["doc_id"])] = note
    return notes


@router.get("/batches/{batch_id}/notes")
def batch_notes(batch_id: str, who: Operator, ctx: Ctx, db: DB) -> dict[str, Any]:
    """:func:`file_notes` of a batch the caller may see, by document id."""
    batches.check_access(ctx, db, who.user, batch_id)
    return {"files": file_notes(ctx, who, batch_id)}


@router.get("/batches")
def batches_page(request: Request, who: Operator, ctx: Ctx, db: DB, page: int = Query(1, ge=1)) -> Response:
    entries = batches.list_batches(ctx, db, who.user)
    shown = entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return render(request, "batches.html", who, batches=shown, **paging(len(entries), page, PAGE_SIZE))


@router.get("/batches/{batch_id}")
def batch_page(batch_id: str, request: Request, who: Operator, ctx: Ctx, db: DB) -> Response:
    batches.check_access(ctx, db, who.user, batch_id)
    summary = batches.visible_to(batches.batch_summary(ctx, batch_id), who.user)
    notes = file_notes(ctx, who, batch_id)
    retryable = any(f["state"] == "failed" and "refused" not in notes.get(f["doc_id"], {}) for f in summary["files"])
    return render(
        request,
        "batch.html",
        who,
        summary=summary,
        owner=db.batch_owner(batch_id),
        notes=notes,
        retryable=retryable,
        errors=client_texts(),
    )
