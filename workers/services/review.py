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

import heapq
import itertools
from dataclasses import replace
from typing import Any

from .. import dossiers, linkstate
from ..context import Context
from ..corrections import correct
from ..coverage import link_suggestions
from ..errors import PermanentError
from ..ports import SearchQuery
from ..reasons import RECORD_REASONS, review_reason
from ..records import CORRECTABLE, dump_view, get_record
from ..register import load_links, load_register

REASONS = ("failed", "low_confidence", "uncertain", "link", "dossier")
_ONE_BY_ONE = ("low_confidence", "uncertain")  # failed files need a retry or a new scan, not a reading
MAX_DEPTH = 10_000  # deepest item of the queue a page may start at


def review_queue(ctx: Context, limit: int = 50, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    """(total, page) of records to review, in upload order, each with its ``reason`` and ``link_candidates``.

    Records that need a person by themselves (failed, low confidence, uncertain) come from one filtered
    index query; documents that need a register link or a dossier are found from the indexed records'
    metadata (no text), read a page at a time, when there is a register or a dossier list at all.
    """
    offset = min(max(offset, 0), MAX_DEPTH)
    query = SearchQuery(
        review_reasons=RECORD_REASONS, sort="uploaded", limit=offset + limit, with_text=False, facets=False
    )
    found = ctx.index.search(query)
    suggested, fits_of = _link_and_dossier_state(ctx)
    extra = sorted(
        (
            (meta.get("uploaded_at") or "", doc_id)
            for doc_id, meta in {**suggested, **fits_of}.items()
            if meta.get("reason") is None
        ),
    )
    own = [((h.record.get("uploaded_at") or ""), h.record["doc_id"], h.record) for h in found.hits]
    merged = heapq.merge(own, [(at, doc_id, None) for at, doc_id in extra], key=lambda item: (item[0], item[1]))
    items = []
    for at, doc_id, record in itertools.islice(merged, offset, offset + limit):
        record = record if record is not None else ctx.index.get(doc_id)
        if record is None:
            continue
        view = dump_view(record, text=False) | {"reason": review_reason(record), "uploaded_at": at or None}
        candidates = suggested.get(doc_id, {}).get("candidates", [])
        fits = fits_of.get(doc_id, {}).get("fits", [])
        if view["reason"] is None:
            view["reason"] = "link" if candidates else "dossier"
        items.append(view | {"link_candidates": candidates, "dossier_candidates": fits})
    return found.total + len(extra), items


def _link_and_dossier_state(ctx: Context) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """doc_id -> {uploaded_at, reason, candidates} for result documents some register entries fit (not
    linked), and doc_id -> {uploaded_at, reason, fits} for documents that fit several dossiers by content.

    Computing it reads every indexed record's metadata; it is remembered while nothing it counts changes
    (``workers.linkstate``)."""
    return linkstate.remembered(ctx, "review", _compute_state)


def _compute_state(ctx: Context) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    entries = load_register(ctx)
    in_dossiers, dossier_list = _dossier_state(ctx)
    if not entries and not dossier_list:
        return {}, {}
    views = list(ctx.index.records(SearchQuery(state="indexed", with_text=False)))
    suggested = link_suggestions(views, entries, load_links(ctx)) if entries else {}
    by_id = {v["doc_id"]: v for v in views}
    links = {
        doc_id: {
            "uploaded_at": by_id[doc_id].get("uploaded_at"),
            "reason": review_reason(by_id[doc_id]),
            "candidates": c,
        }
        for doc_id, c in suggested.items()
    }
    fits_of = {}
    for view in views:
        if view["doc_id"] in in_dossiers:
            continue
        fits = dossiers.content_fits(view, dossier_list)
        if len(fits) > 1:  # a document that fits several dossiers by content: staff pick one
            fits_of[view["doc_id"]] = {
                "uploaded_at": view.get("uploaded_at"),
                "reason": review_reason(view),
                "fits": fits,
            }
    return links, fits_of


def _dossier_state(ctx: Context) -> tuple[set[str], list[dict[str, Any]]]:
    engine = ctx.database()
    if not dossiers.has_any(engine):
        return set(), []
    return set(dossiers.links(engine)), dossiers.all_dossiers(engine)


def next_in_review(ctx: Context, after: str | None = None) -> str | None:
    """The document to read after ``after`` in queue order, wrapping around; failed files are skipped.
    None when nothing else waits."""
    query = SearchQuery(review_reasons=_ONE_BY_ONE, sort="uploaded", limit=2, with_text=False, facets=False)
    current = ctx.index.get(after) if after else None
    if current is not None and after is not None:
        later = replace(query, uploaded_after=(current.get("uploaded_at") or "", after))
        hits = ctx.index.search(later).hits
        if hits:
            return str(hits[0].record["doc_id"])
    first = [h.record["doc_id"] for h in ctx.index.search(query).hits if h.record["doc_id"] != after]
    return str(first[0]) if first else None


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
