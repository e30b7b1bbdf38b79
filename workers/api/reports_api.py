"""Register and coverage endpoints (``/api/v1``): import and list the register, link documents to
entries, and the coverage report as JSON or XLSX. Handlers are plain functions so that access control
can be attached to :data:`router` as ``dependencies=[...]``. Errors are ``SohoaError``s, turned into
status codes by the app's handler (not found -> 404, bad input -> 400)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ..context import Context
from ..coverage import coverage, coverage_xlsx, parse_as_of
from ..errors import PermanentError
from ..register import MAX_REGISTER_BYTES, import_register, link, register_info, unlink

router = APIRouter(prefix="/api/v1", tags=["reports"])
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DATE = r"^\d{4}-\d{2}-\d{2}$"


class LinkRequest(BaseModel):
    doc_id: str = Field(min_length=1)
    register_key: str = Field(min_length=3, description="SO_KY_HIEU|YYYY-MM-DD, e.g. 15/GP-SCT|2022-04-08")
    by: str = Field(min_length=1, description="who links (recorded)")


def _ctx(request: Request) -> Context:
    ctx: Context = request.app.state.ctx()
    return ctx


@router.post("/register/import")
def import_register_file(
    request: Request,
    file: Annotated[UploadFile, File(description="register as CSV (UTF-8) or XLSX")],
    replace: Annotated[bool, Form()] = False,
) -> dict[str, Any]:
    """Add or update register entries; rejected rows come back with line number and reason."""
    data = file.file.read(MAX_REGISTER_BYTES + 1)
    if len(data) > MAX_REGISTER_BYTES:
        raise PermanentError("Tệp sổ quá lớn. (Register file too large.)", code="bad_register")
    return import_register(_ctx(request), data, file.filename, replace=replace).to_dict()


@router.get("/register")
def get_register(request: Request) -> dict[str, Any]:
    """``{"count", "updated_at", "entries": [...]}``."""
    return register_info(_ctx(request))


@router.post("/register/links", status_code=201)
def post_link(request: Request, body: LinkRequest) -> dict[str, Any]:
    """Staff confirm or correct which entry a document is; overrides automatic matching."""
    return link(_ctx(request), body.doc_id, body.register_key, body.by)


@router.delete("/register/links/{doc_id}")
def delete_link(request: Request, doc_id: str, by: Annotated[str, Query(min_length=1)] = "api") -> dict[str, Any]:
    """The document is no register entry (recorded with ``by``); overrides automatic matching."""
    return unlink(_ctx(request), doc_id, by)


@router.get("/reports/coverage")
def get_coverage(
    request: Request, as_of: Annotated[str | None, Query(pattern=_DATE, description="default: today")] = None
) -> dict[str, Any]:
    """The coverage report, same shape as ``sohoa report coverage --json``."""
    return coverage(_ctx(request), parse_as_of(as_of))


@router.get("/reports/coverage.xlsx")
def get_coverage_xlsx(
    request: Request, as_of: Annotated[str | None, Query(pattern=_DATE, description="default: today")] = None
) -> Response:
    """The coverage report as a workbook for an inspection team."""
    report = coverage(_ctx(request), parse_as_of(as_of))
    headers = {"Content-Disposition": f'attachment; filename="bao-cao-so-hoa-{report["as_of"]}.xlsx"'}
    return Response(coverage_xlsx(report), media_type=_XLSX, headers=headers)
