"""Ground truth: per-line records, the per-file record, the register of valid results and digitization coverage."""

from __future__ import annotations

from typing import Any

from .fonts import FONT
from .page import PageLayout
from .plan import EXTRA_REGISTER, FilePlan

AS_OF = ("2024-09-24", "2025-01-01")  # coverage is reported on these days
REGISTER_FIELDS = ["so_ky_hieu", "loai", "ngay_ban_hanh", "hieu_luc_den", "chu_the", "linh_vuc"]


def line_gt(layout: PageLayout) -> list[dict[str, Any]]:
    """Every line of a page in reading order, with its role, box, baseline, size and row in the page text."""
    rows = {round(ln.baseline, 2): i for i, ln in enumerate(r[0] for r in layout.rows())}
    return [
        {
            "text": ln.text,
            "role": ln.role,
            "bbox_pt": ln.bbox(),
            "baseline_pt": round(ln.baseline, 2),
            "size_pt": ln.size,
            "row": rows[round(ln.baseline, 2)],
        }
        for ln in sorted(layout.lines, key=lambda ln: (ln.baseline, ln.x0))
    ]


def gt_record(plan: FilePlan, stem: str, fname: str, page_data: list[dict[str, Any]]) -> dict[str, Any]:
    """The ground-truth JSON of one file; ``text`` joins the page texts with form feeds."""
    s, f = plan.spec, plan.filing
    scanned = [pd for pd in page_data if pd["scanned"]]
    marks = {
        "stamp": bool(s.signer.seal),
        "signature": bool(s.signer.signature),
        "copy_stamp": False,
    }
    return {
        "file": fname,
        "stem": stem,
        "format": f.fmt,
        "pages": len(page_data),
        "born_digital": not scanned,
        "has_text_layer": bool(f.digital_pages),
        "level": f.level,
        "font_family": FONT.family,
        "doc_type": s.doc_type,
        "doc_subtype": s.doc_subtype,
        "field": s.field_code,
        "so_ky_hieu": s.so_ky_hieu,
        "ngay_ban_hanh": s.ngay_ban_hanh,
        "co_quan_ban_hanh": s.co_quan,
        "co_quan_aliases": s.co_quan_aliases,
        "nguoi_ky": s.signer.name,
        "chuc_vu_nguoi_ky": " ".join(s.signer.titles),
        "trich_yeu": s.trich_yeu,
        "hieu_luc_den": s.hieu_luc_den,
        "ma_ho_so": s.ma_ho_so,
        "chu_the": s.chu_the,
        "tthc_result": s.tthc,
        "duplicate_of_result": f.duplicate,
        "marks": marks,
        "page_data": page_data,
        "text": "\f".join(pd["text"] for pd in page_data),
    }


def register_rows(
    plans: list[FilePlan], extra: list[tuple[str, str, str, str, str, str]] = EXTRA_REGISTER
) -> list[dict[str, str]]:
    """The province's register: results in the set that it lists, plus entries without a file; by date, number."""
    rows: dict[str, dict[str, str]] = {}
    for plan in plans:
        s = plan.spec
        if s.tthc and s.tthc["in_register"]:
            rows[s.tthc["register_key"]] = {
                "so_ky_hieu": s.so_ky_hieu or "",
                "loai": s.tthc["loai"],
                "ngay_ban_hanh": s.ngay_ban_hanh,
                "hieu_luc_den": s.hieu_luc_den or "",
                "chu_the": s.chu_the or "",
                "linh_vuc": s.field_code,
            }
    for so, loai, issued, until, chu_the, fld in extra:
        rows[f"{so}|{issued}"] = dict(zip(REGISTER_FIELDS, (so, loai, issued, until, chu_the, fld), strict=True))
    return sorted(rows.values(), key=lambda r: (r["ngay_ban_hanh"], r["so_ky_hieu"]))


def coverage(register: list[dict[str, str]], gts: list[dict[str, Any]]) -> dict[str, Any]:
    """Per AS_OF day: results valid that day (issued on or before, not expired before) and how many have a file."""
    digitized = {g["tthc_result"]["register_key"] for g in gts if g["tthc_result"] and g["tthc_result"]["in_register"]}
    out: dict[str, Any] = {}
    for day in AS_OF:
        valid = sorted(
            f"{r['so_ky_hieu']}|{r['ngay_ban_hanh']}"
            for r in register
            if r["ngay_ban_hanh"] <= day and (not r["hieu_luc_den"] or r["hieu_luc_den"] >= day)
        )
        dig = [k for k in valid if k in digitized]
        out[day] = {
            "register": len(register),
            "valid": len(valid),
            "digitized": len(dig),
            "rate": round(len(dig) / len(valid), 4) if valid else 0.0,
            "valid_keys": valid,
            "digitized_keys": dig,
        }
    return out
