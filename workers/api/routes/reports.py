"""The register of issued results and the coverage report: import and list the register (import needs
``admin``), link documents to entries, and the coverage report as JSON or XLSX (``staff``).

Imports, link changes and exports are audited with the path and query asked for.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ... import audit
from ...coverage import XLSX_MEDIA_TYPE, coverage, parse_as_of
from ...register import MAX_REGISTER_BYTES, import_register, register_info
from ...services import register_links
from ...services.proofs import coverage_workbook
from ..deps import DB, Admin, Ctx, Principal, Staff, client_ip

router = APIRouter(prefix="/api/v1", tags=["reports"])
_DATE = r"^\d{4}-\d{2}-\d{2}$"
AsOf = Annotated[str | None, Query(pattern=_DATE, description="default: today in Vietnam (UTC+7)")]


class LinkRequest(BaseModel):
    doc_id: str = Field(min_length=1)
    register_key: str = Field(min_length=3, description="SO_KY_HIEU|YYYY-MM-DD, e.g. 15/GP-SCT|2022-04-08")
    by: str | None = Field(None, description="ignored: the signed-in user is who is recorded")


def _audit(request: Request, db: DB, who: Principal, action: str) -> None:
    query = request.url.query or None
    audit.record(db, who.name, action, request.url.path, client_ip(request), query=query)


@router.post("/register/import")
def import_register_file(
    request: Request,
    who: Admin,
    ctx: Ctx,
    db: DB,
    file: Annotated[UploadFile, File(description="register as CSV (UTF-8) or XLSX")],
    replace: Annotated[bool, Form()] = False,
) -> dict[str, Any]:
    """Add or update register entries; rejected rows come back with line number and reason. (admin)"""
    _audit(request, db, who, "register_import")
    data = file.file.read(MAX_REGISTER_BYTES + 1)  # one byte over is enough for the size rule to see it
    return import_register(ctx, data, file.filename, replace=replace).to_dict()


@router.get("/register")
def get_register(who: Staff, ctx: Ctx) -> dict[str, Any]:
    """``{"count", "updated_at", "entries": [...]}``. (staff)"""
    return register_info(ctx)


@router.post("/register/links", status_code=201)
def post_link(request: Request, body: LinkRequest, who: Staff, ctx: Ctx, db: DB) -> dict[str, Any]:
    """Staff confirm or correct which entry a document is; overrides automatic matching. (staff)"""
    _audit(request, db, who, "register_link")
    return register_links.link(ctx, body.doc_id, body.register_key, who.name)


@router.delete("/register/links/{doc_id}")
def delete_link(request: Request, doc_id: str, who: Staff, ctx: Ctx, db: DB) -> dict[str, Any]:
    """The document is no register entry (recorded as the signed-in user's); overrides automatic matching.
    (staff)"""
    _audit(request, db, who, "register_link")
    return register_links.unlink(ctx, doc_id, who.name)


@router.get("/reports/coverage")
def get_coverage(who: Staff, ctx: Ctx, as_of: AsOf = None) -> dict[str, Any]:
    """The coverage report, same shape as ``sohoa report coverage --json``. (staff)"""
    return coverage(ctx, parse_as_of(as_of))


@router.get("/reports/coverage.xlsx")
def get_coverage_xlsx(request: Request, who: Staff, ctx: Ctx, db: DB, as_of: AsOf = None) -> Response:
    """The coverage report as a workbook for an inspection team, with the document proving each digitized
    result and who exported it when (audited as an export). (staff)"""
    _audit(request, db, who, "export")
    report, data = coverage_workbook(ctx, parse_as_of(as_of), who.name, str(request.base_url))
    headers = {"Content-Disposition": f'attachment; filename="bao-cao-so-hoa-{report["as_of"]}.xlsx"'}
    return Response(data, media_type=XLSX_MEDIA_TYPE, headers=headers)
