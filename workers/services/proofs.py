"""Which document proves each digitized result: the list an inspection team samples from.

The coverage report counts a still-valid register entry as digitized when an indexed document is linked
to it (``workers.coverage``); this lists those entries with the documents linked to each and how the link
was made, from the same register, links and index records as the report (read once for both).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from ..context import Context
from ..coverage import compute_coverage, coverage_xlsx, is_valid, result_records
from ..linking import match_documents
from ..localtime import vn_now
from ..register import COLUMNS, entry_id, load_links, load_register

HOW = {"exact": "khớp đúng số ký hiệu", "repaired": "sửa lỗi OCR theo sổ", "manual": "cán bộ xác nhận"}


def coverage_with_proofs(ctx: Context, as_of: date) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the coverage report as of ``as_of``, its digitized entries with their proving documents).

    Each proof is the entry's register columns plus ``documents``: ``{"doc_id", "filename", "batch",
    "how" (in words), "co_quan_ban_hanh"}``, best first (a staff link, then an exact reading)."""
    entries = load_register(ctx)
    links = load_links(ctx)
    records = list(result_records(ctx))
    matches = match_documents(records, entries, links)  # once, for the report and its proofs
    report = compute_coverage(entries, records, links, as_of, matches)
    by_doc = {r["doc_id"]: r for r in records}
    linked: dict[str, list[dict[str, Any]]] = defaultdict(list)
    order = {"manual": 0, "exact": 1, "repaired": 2}
    for match in sorted(matches.values(), key=lambda m: (order[m.how], m.doc_id)):
        record = by_doc[match.doc_id]
        batches = record.get("batches") or [record.get("batch")]
        linked[match.entry_id].append(
            {
                "doc_id": match.doc_id,
                "filename": record.get("filename"),
                "batch": batches[0] if batches else None,
                "how": HOW.get(match.how, match.how),
                "co_quan_ban_hanh": record.get("co_quan_ban_hanh"),
            }
        )
    day = as_of.isoformat()
    proofs = [
        {c: e.get(c) for c in COLUMNS} | {"documents": linked[ident]}
        for e in sorted(entries, key=lambda e: (e["ngay_ban_hanh"], e["so_ky_hieu"]))
        if is_valid(e, day) and (ident := entry_id(e["so_ky_hieu"], e["ngay_ban_hanh"])) in linked
    ]
    return report, proofs


def office_name(proofs: list[dict[str, Any]]) -> str:
    """The issuing office most of the proving documents name (the department that issued the results);
    "" when none is read."""
    names = Counter(
        str(d["co_quan_ban_hanh"]).strip() for p in proofs for d in p["documents"] if d.get("co_quan_ban_hanh")
    )
    return names.most_common(1)[0][0] if names else ""


def coverage_workbook(ctx: Context, as_of: date, exported_by: str, base_url: str) -> tuple[dict[str, Any], bytes]:
    """(the report, the workbook an inspection team gets): proofs linked to ``base_url``'s document pages,
    the office, who exported it and when (Vietnam time)."""
    report, proofs = coverage_with_proofs(ctx, as_of)
    base = base_url.rstrip("/")
    data = coverage_xlsx(
        report,
        proofs=proofs,
        office=office_name(proofs),
        exported_by=exported_by,
        exported_at=vn_now(),
        document_url=lambda doc_id: f"{base}/documents/{doc_id}",
    )
    return report, data
