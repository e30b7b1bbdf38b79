"""The review queue: documents that need a person, in upload order, and confirming the machine's values.

A document needs review when it ``failed``, or is indexed with ``review`` set: ``low_confidence`` when
the OCR confidence is low, else ``uncertain`` (type or field), or - reason ``link`` - when it is a result
document that no register entry is linked to but some entries fit in part. Every item carries
``link_candidates``: those entries, best first, with ``score`` (0..1) and ``reasons``; staff confirm one
with the link endpoint (``register_key``). A document that fits several dossiers of the one-stop list by
content (reason ``dossier`` when nothing else) carries their codes in ``dossier_candidates``. Confirming values is a correction that keeps every current
value, so reprocessing keeps them too, and clears ``review``.
"""

from __future__ import annotations

from typing import Any

from .. import dossiers
from ..context import Context
from ..corrections import correct
from ..coverage import link_suggestions
from ..errors import PermanentError
from ..records import CORRECTABLE, dump_view, get_record
from ..register import load_links, load_register

REASONS = ("failed", "low_confidence", "uncertain", "link", "dossier")
_ONE_BY_ONE = ("low_confidence", "uncertain")  # failed files need a retry or a new scan, not a reading


def review_reason(record: dict[str, Any]) -> str | None:
    """Why a record needs a person (one of :data:`REASONS`), or None."""
    if record.get("state") == "failed":
        return "failed"
    if record.get("state") == "indexed" and record.get("review"):
        return "low_confidence" if record.get("low_confidence") else "uncertain"
    return None


def review_queue(ctx: Context, limit: int = 50, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    """(total, page) of records to review, in index order, each with its ``reason`` and ``link_candidates``.

    Reads the index once; register entries are looked up by key, not scanned.
    """
    views = [
        dump_view(record, text=False) | {"reason": review_reason(record), "uploaded_at": record.get("uploaded_at")}
        for record in ctx.index.scan()
    ]
    entries = load_register(ctx)
    suggested = link_suggestions(views, entries, load_links(ctx)) if entries else {}
    in_dossiers, dossier_list = _dossier_state(ctx)
    items = []
    for view in views:
        candidates = suggested.get(view["doc_id"], [])
        if view["reason"] is None and candidates:
            view["reason"] = "link"
        # a document that fits several dossiers by content: staff pick one (sohoa dossiers link)
        fits = [] if view["doc_id"] in in_dossiers else dossiers.content_fits(view, dossier_list)
        fits = fits if len(fits) > 1 else []
        if view["reason"] is None and fits:
            view["reason"] = "dossier"
        if view["reason"]:
            items.append(view | {"link_candidates": candidates, "dossier_candidates": fits})
    return len(items), items[offset : offset + limit]


def _dossier_state(ctx: Context) -> tuple[set[str], list[dict[str, Any]]]:
    engine = ctx.database()
    if not dossiers.has_any(engine):
        return set(), []
    return set(dossiers.links(engine)), dossiers.all_dossiers(engine)


def next_in_review(ctx: Context, after: str | None = None) -> str | None:
    """The document to read after ``after`` in queue order, wrapping around; failed files are skipped.
    None when nothing else waits."""
    ids = [r["doc_id"] for r in ctx.index.scan() if review_reason(r) in _ONE_BY_ONE]
    if after in ids:
        i = ids.index(after)
        ids = ids[i + 1 :] + ids[:i]
    return ids[0] if ids else None


def confirm(ctx: Context, doc_id: str, by: str) -> dict[str, Any]:
    """Confirm the machine's values of ``doc_id`` as right; returns the updated record.

    Raises ``NotFoundError`` and ``PermanentError`` (``not_indexed``: only a processed document has values
    to confirm).
    """
    record = get_record(ctx, doc_id)
    if record.get("state") != "indexed":
        raise PermanentError("chỉ xác nhận được tài liệu đã xử lý xong / only indexed documents", code="not_indexed")
    kept = {k: record[k] for k in CORRECTABLE if record.get(k) not in (None, "")}
    return correct(ctx, doc_id, kept, by=by)
