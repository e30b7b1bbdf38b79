"""Pages for staff: dossiers received in a period with what they lack and whether they were late, and one
dossier with its documents and timeline. Days are typed dd/mm/yyyy (ISO is taken too)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ...services import dossiers
from ..deps import Ctx, Staff
from .dates import parse_vn_date
from .render import render

router = APIRouter(include_in_schema=False)


@router.get("/dossiers")
def dossiers_page(
    request: Request,
    who: Staff,
    ctx: Ctx,
    start: str = Query("", alias="from"),
    end: str = Query("", alias="to"),
    lag_days: int = Query(7, ge=0, le=3650),
) -> Response:
    days = [parse_vn_date(typed) for typed in (start, end)]
    bad = [typed for typed, day in zip((start, end), days, strict=True) if typed.strip() and day is None]
    error = f"«{bad[0]}» không phải ngày; hãy nhập dạng dd/mm/yyyy, ví dụ 01/03/2024." if bad else ""
    span = dossiers.period(*(day.isoformat() if day else None for day in days))
    report = dossiers.report(ctx, span, lag_days)
    return render(
        request,
        "dossiers.html",
        who,
        report=report,
        start=span[0].isoformat(),
        end=span[1].isoformat(),
        error=error,
    )


@router.get("/dossiers/{code}")
def dossier_page(code: str, request: Request, who: Staff, ctx: Ctx) -> Response:
    return render(request, "dossier.html", who, dossier=dossiers.dossier_view(ctx, code))
