"""One document: find it, queue it again, rebuild the index, correct it.

``retry`` is for a failed file (an operator's button); ``reprocess`` runs any document again (an
administrator's); both keep staff corrections, which live beside the original.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..context import Context, derived_key, original_key
from ..corrections import correct
from ..errors import NotFoundError, PermanentError
from ..events import FileUploaded, encode
from ..ports import SearchQuery
from ..records import CORRECTABLE, apply_corrections, get_record, load_corrections

REINDEX_BULK = 200  # records per bulk write while rebuilding the index
MIN_PREFIX = 6  # shorter id prefixes match too many documents to be useful


def find_record(ctx: Context, doc_id: str) -> dict[str, Any]:
    """The record of ``doc_id`` or of the one document whose id starts with it (at least ``MIN_PREFIX``
    characters, for typing ids at a terminal); raises ``NotFoundError``."""
    record = ctx.index.get(doc_id)
    if record is None and len(doc_id) >= MIN_PREFIX:
        found = ctx.index.search(SearchQuery(doc_id_prefix=doc_id, limit=1, facets=False))
        record = found.hits[0].record if found.total == 1 else None
    if record is None:
        raise NotFoundError(f"không có tài liệu / no document {doc_id}")
    return record


def requeue(ctx: Context, record: dict[str, Any]) -> None:
    """Queue an already uploaded document for processing again (corrections stay).

    Raises ``PermanentError`` (``original_missing``) when the original is no longer stored.
    """
    doc_id = str(record["doc_id"])
    if not ctx.store.exists(original_key(doc_id)):
        raise PermanentError(f"bản gốc không còn / original missing for {doc_id}", code="original_missing")
    ctx.index.upsert(doc_id, {"state": "queued", "stage": "queued", "attempts": 0, "error_code": None})
    ctx.index.refresh()
    event = FileUploaded(
        doc_id=doc_id,
        filename=str(record.get("filename") or doc_id),
        size=int(record.get("size") or 0),
        batch=str(record.get("batch") or "reprocess"),
        dossier=record.get("dossier"),
        original_key=original_key(doc_id),
    )
    ctx.bus.publish(ctx.settings.topic_uploaded, doc_id, encode(event))


def retry(ctx: Context, record: dict[str, Any]) -> None:
    """Queue a failed file again; raises ``PermanentError`` (``not_failed``) for any other state, since
    only a failure has something to retry, and ``original_missing`` like :func:`requeue`."""
    if record.get("state") != "failed":
        raise PermanentError("chỉ xử lý lại được tệp bị lỗi / only failed files can be retried", code="not_failed")
    requeue(ctx, record)


def reprocess(ctx: Context, doc_id: str) -> dict[str, Any]:
    """Queue ``doc_id`` again whatever its state; returns its record. Raises like :func:`requeue`."""
    record = get_record(ctx, doc_id)
    requeue(ctx, record)
    return record


def reprocess_many(ctx: Context, records: Iterable[dict[str, Any]]) -> int:
    """Queue each record whose original is still stored; returns how many were asked for."""
    count = 0
    for record in records:
        count += 1
        if ctx.store.exists(original_key(record["doc_id"])):
            requeue(ctx, record)
    return count


def reindex(ctx: Context) -> int:
    """Rebuild the search index from the object store alone; returns the number of records."""
    ctx.index.drop()
    ctx.index.ensure()
    count = 0
    pending: list[dict[str, Any]] = []
    for key in ctx.store.list("derived/"):
        if not key.endswith("/meta.json"):
            continue
        meta = json.loads(ctx.store.get_bytes(key))
        doc_id = meta["doc_id"]
        try:
            meta["text"] = ctx.store.get_bytes(derived_key(doc_id, "text.txt")).decode("utf-8")
        except NotFoundError:
            meta["text"] = None
        corrections = load_corrections(ctx, doc_id)
        if corrections.get("fields"):
            meta = apply_corrections(meta, corrections)
        pending.append(meta)
        count += 1
        if len(pending) >= REINDEX_BULK:
            ctx.index.put_many(pending)
            pending = []
    ctx.index.put_many(pending)
    ctx.index.refresh()
    return count


def current_values(record: dict[str, Any]) -> dict[str, str]:
    """The correctable fields of a record as text ("" for none), as a correction form shows them."""
    return {k: "" if record.get(k) is None else str(record.get(k)) for k in CORRECTABLE}


def correct_changed(ctx: Context, doc_id: str, submitted: dict[str, str], by: str) -> dict[str, str]:
    """Correct only the submitted fields whose value differs from the record's; returns those changes
    ({} when nothing changed, and then nothing is written). Raises like ``workers.corrections.correct``."""
    current = current_values(get_record(ctx, doc_id))
    changes = {k: v for k, v in submitted.items() if v != current.get(k, "")}
    if changes:
        correct(ctx, doc_id, changes, by=by)
    return changes


def correct_fields(ctx: Context, doc_id: str, changes: dict[str, Any], by: str) -> dict[str, Any]:
    """Apply a non-empty set of corrections; returns the updated record. Raises ``NotFoundError`` and
    ``PermanentError`` (``bad_value`` when there is nothing to change, ``bad_field``)."""
    get_record(ctx, doc_id)
    if not changes:
        raise PermanentError("không có gì để sửa / no changes", code="bad_value")
    return correct(ctx, doc_id, changes, by=by)
