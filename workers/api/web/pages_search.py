"""The search page (staff): full text with filters, facets, a validity badge and thumbnails; scans of the
same result (same số ký hiệu and ngày ban hành) are shown as one group.

The search form's state travels to each document page (``search_params`` / ``search_query``), so that
a document page can lead back to the results and on to the previous or next hit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ...ports import Hit, SearchQuery
from ...services import search as search_service
from ..deps import Ctx, Staff
from .dates import parse_vn_date
from .render import paging, render
from .validity import validity, vn_today

router = APIRouter(include_in_schema=False)
SEARCH_PAGE = 20
PARAMS = ("q", "type", "field", "issuer", "year", "valid_on", "low_confidence", "state", "sort")
_FILTERS = ("type", "field", "issuer", "year", "valid_on", "low_confidence", "state")


def search_params(source: Mapping[str, str]) -> dict[str, str]:
    """The search form's parameters found in ``source`` (a query string), empty ones left out; a
    ``valid_on`` typed as dd/mm/yyyy is kept as ISO, one that is no date is dropped."""
    params = {k: str(source.get(k) or "").strip() for k in PARAMS}
    if params["valid_on"]:
        day = parse_vn_date(params["valid_on"])
        params["valid_on"] = day.isoformat() if day else ""
    if params["sort"] not in search_service.SORTS or params["sort"] == "relevance":
        params["sort"] = ""
    if params["low_confidence"] not in ("true", "false"):
        params["low_confidence"] = ""
    return {k: v for k, v in params.items() if v}


def search_query(params: Mapping[str, str], limit: int, offset: int) -> SearchQuery:
    """The query of the search form's ``params`` (see :func:`search_params`)."""
    year = params.get("year", "")
    return search_service.build_query(
        params.get("q", ""),
        doc_type=params.get("type"),
        field=params.get("field"),
        issuer=params.get("issuer"),
        year=int(year) if year.isdigit() else None,  # a form field: anything else means no filter
        valid_on=params.get("valid_on"),
        low_confidence={"true": True, "false": False}.get(params.get("low_confidence", "")),
        state=params.get("state"),
        sort=params.get("sort") or "relevance",
        limit=limit,
        offset=offset,
    )


def search_link(params: Mapping[str, str], **changes: Any) -> str:
    merged = {**params, **changes}
    return "/search?" + urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def group_hits(hits: list[Hit], first: int) -> list[dict[str, Any]]:
    """The page's hits with scans of one result (same số ký hiệu and ngày ban hành, both known) folded
    into the best-ranked one: ``{"hit", "n" (1-based rank), "others": [{"hit", "n"}]}``."""
    groups: list[dict[str, Any]] = []
    by_result: dict[tuple[str, str], dict[str, Any]] = {}
    for i, hit in enumerate(hits):
        record = hit.record
        so = "".join(str(record.get("so_ky_hieu") or "").split()).casefold()
        day = str(record.get("ngay_ban_hanh") or "")
        key = (so, day)
        if so and day and key in by_result:
            by_result[key]["others"].append({"hit": hit, "n": first + i})
            continue
        group = {"hit": hit, "n": first + i, "others": []}
        groups.append(group)
        if so and day:
            by_result[key] = group
    return groups


@router.get("/search")
def search_page(
    request: Request,
    who: Staff,
    ctx: Ctx,
    page: int = Query(1, ge=1, le=10_000),
) -> Response:
    params = search_params(request.query_params)
    typed_day = str(request.query_params.get("valid_on") or "").strip()
    error = (
        "" if params.get("valid_on") or not typed_day else "Ngày hiệu lực phải có dạng dd/mm/yyyy, ví dụ 01/06/2024."
    )
    offset = (page - 1) * SEARCH_PAGE
    result = search_service.search(ctx, search_query(params, SEARCH_PAGE, offset))
    day = date.fromisoformat(params["valid_on"]) if params.get("valid_on") else vn_today()
    groups = group_hits(result.hits, offset + 1)
    for group in groups:
        for item in [group, *group["others"]]:
            item["validity"] = validity(item["hit"].record, day)
            item["href"] = f"/documents/{item['hit'].record['doc_id']}?" + urlencode({**params, "n": item["n"]})
    return render(
        request,
        "search.html",
        who,
        q=params.get("q", ""),
        params=params,
        result=result,
        groups=groups,
        day=day,
        today=day == vn_today(),
        error=error,
        typed_day=typed_day,
        **paging(result.total, page, SEARCH_PAGE),
        active=[(name, params[name]) for name in _FILTERS if params.get(name)],
        link=lambda **kw: search_link(params, **kw),
    )
