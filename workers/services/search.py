"""Search: one way to turn what a caller asks (CLI flags, API query, search form) into a ``SearchQuery``."""

from __future__ import annotations

import time
from typing import Any

from .. import metrics
from ..context import Context
from ..errors import PermanentError
from ..ports import Hit, SearchQuery, SearchResult
from ..records import dump_view

SORTS = ("relevance", "date_desc", "date_asc")


def _text_or_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def build_query(
    text: str = "",
    *,
    doc_type: str | None = None,
    field: str | None = None,
    issuer: str | None = None,
    year: int | None = None,
    valid_on: str | None = None,
    low_confidence: bool | None = None,
    state: str | None = None,
    sort: str = "relevance",
    limit: int = 10,
    offset: int = 0,
) -> SearchQuery:
    """The query: empty filters mean no filter. Raises ``PermanentError`` (``bad_value``) for an unknown
    ``sort`` or a negative ``limit``/``offset``."""
    if sort not in SORTS:
        raise PermanentError(f"sort: một trong / one of {', '.join(SORTS)}", code="bad_value")
    if limit < 1 or offset < 0:
        raise PermanentError("limit >= 1, offset >= 0", code="bad_value")
    return SearchQuery(
        text=text.strip(),
        doc_type=_text_or_none(doc_type),
        field=_text_or_none(field),
        issuer=_text_or_none(issuer),
        year=year,
        valid_on=_text_or_none(valid_on),
        low_confidence=low_confidence,
        state=_text_or_none(state),
        sort=sort,
        limit=limit,
        offset=offset,
    )


def search(ctx: Context, query: SearchQuery) -> SearchResult:
    """Run ``query`` on the index (hits, total and facet counts)."""
    started = time.monotonic()
    result = ctx.index.search(query)
    metrics.search_done(time.monotonic() - started)
    return result


def hit_view(hit: Hit) -> dict[str, Any]:
    """A hit as the API returns it: the record without its text, its score and highlighted snippets."""
    return dump_view(hit.record, text=False) | {"score": hit.score, "highlights": hit.highlights}
