"""Dossiers of the one-stop system: the timeliness report and one dossier with its documents. (staff)"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response

from ...services import dossiers as service
from ..deps import Ctx, Staff

router = APIRouter(prefix="/api/v1", tags=["dossiers"])
_DAY = r"^\d{4}-\d{2}-\d{2}$"


@router.get("/dossiers/report")
def report(
    who: Staff,
    ctx: Ctx,
    start: str | None = Query(None, alias="from", pattern=_DAY),
    end: str | None = Query(None, alias="to", pattern=_DAY),
    lag_days: int = Query(7, ge=0, le=3650),
) -> dict[str, Any]:
    """Dossiers received in the period: fully digitized or what is missing, late, digitized late. (staff)"""
    return service.report(ctx, service.period(start, end), lag_days)


@router.get("/dossiers/{code}")
def one(code: str, who: Staff, ctx: Ctx) -> dict[str, Any]:
    """One dossier: its data, its documents by role with their state, what is missing. (staff)"""
    return service.dossier_view(ctx, code)


@router.get("/dossiers.xlsx", response_class=Response)
def export(
    who: Staff,
    ctx: Ctx,
    start: str | None = Query(None, alias="from", pattern=_DAY),
    end: str | None = Query(None, alias="to", pattern=_DAY),
    lag_days: int = Query(7, ge=0, le=3650),
) -> Response:
    """The report as XLSX. (staff)"""
    data = service.report_xlsx(ctx, service.period(start, end), lag_days)
    return Response(data, media_type=service.XLSX, headers={"Content-Disposition": 'attachment; filename="ho-so.xlsx"'})
