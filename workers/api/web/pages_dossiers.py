"""Pages for staff: dossiers received in a period with what they lack and whether they were late, and one
dossier with its documents and timeline."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ...services import dossiers
from ..deps import Ctx, Staff
from .render import render

router = APIRouter(include_in_schema=False)


@router.get("/dossiers")
def dossiers_page(
    request: Request,
    who: Staff,
    ctx: Ctx,
    start: str | None = Query(None, alias="from", pattern=r"^\d{4}-\d{2}-\d{2}$"),
    end: str | None = Query(None, alias="to", pattern=r"^\d{4}-\d{2}-\d{2}$"),
    lag_days: int = Query(7, ge=0, le=3650),
) -> Response:
    span = dossiers.period(start, end)
    report = dossiers.report(ctx, span, lag_days)
    return render(request, "dossiers.html", who, report=report, start=span[0].isoformat(), end=span[1].isoformat())


@router.get("/dossiers/{code}")
def dossier_page(code: str, request: Request, who: Staff, ctx: Ctx) -> Response:
    return render(request, "dossier.html", who, dossier=dossiers.dossier_view(ctx, code))
