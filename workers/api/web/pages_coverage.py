"""The coverage report page (staff) and its workbook: the rate, by field and by year, what is missing,
and which document proves each digitized result. The default day is today in Vietnam."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ... import audit
from ...coverage import XLSX_MEDIA_TYPE
from ...localtime import vn_today
from ...register import register_info
from ...services.proofs import coverage_with_proofs, coverage_workbook
from ..deps import DB, Ctx, Staff, client_ip
from .dates import parse_vn_date
from .labels import field_name
from .render import render

router = APIRouter(include_in_schema=False)
LIST_LIMIT = 200


def _year_columns(by_year: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Geometry of the by-year SVG chart: one column per year, height = rate."""
    columns = []
    for i, (year, group) in enumerate(sorted(by_year.items())):
        height = round(group["rate"] * 120, 1)
        columns.append({"year": year, "x": 48 + i * 52, "y": 150 - height, "height": height, **group})
    return columns


@router.get("/coverage")
def coverage_page(request: Request, who: Staff, ctx: Ctx, as_of: str = "") -> Response:
    typed = as_of.strip()
    day = parse_vn_date(typed) if typed else vn_today()
    error = ""
    if day is None:  # shown on the page, with today's report
        day, error = vn_today(), f"«{typed}» không phải ngày; hãy nhập dạng dd/mm/yyyy, ví dụ 01/06/2024."
    info = register_info(ctx)
    report, proofs = coverage_with_proofs(ctx, day) if info["count"] else (None, [])
    fields = []
    if report:
        fields = [{"code": code, "name": field_name(code), **g} for code, g in report["by_field"].items()]
        fields.sort(key=lambda f: (-f["valid"], f["name"]))
    return render(
        request,
        "coverage.html",
        who,
        as_of=day.isoformat(),
        report=report,
        proofs=proofs,
        register=info,
        fields=fields,
        years=_year_columns(report["by_year"]) if report else [],
        limit=LIST_LIMIT,
        error=error,
    )


@router.get("/coverage.xlsx")
def coverage_export(request: Request, who: Staff, ctx: Ctx, db: DB, as_of: str = "") -> Response:
    typed = as_of.strip()
    day = parse_vn_date(typed) if typed else vn_today()
    if day is None:
        return coverage_page(request, who, ctx, as_of)
    _report, data = coverage_workbook(ctx, day, who.name, str(request.base_url))
    audit.record(db, who.name, "export", "coverage.xlsx", client_ip(request), as_of=day.isoformat())
    filename = f"bao-cao-so-hoa-{day.isoformat()}.xlsx"
    return Response(
        data, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
