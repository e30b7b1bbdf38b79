"""A document and the register of issued results, as the document page shows it: which entry it is
(and how that was decided), or which entries may be it, for staff to link or unlink.

Suggestions need the entries that share the number or the date, up to OCR look-alikes, so the page
needs the whole register and its linking index: they are kept (:mod:`workers.linkstate`) and rebuilt
only when the register changes (its entry count or last update, one small query per view). Matching is
``workers.linking.match_documents`` on this one document and its staff link.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ... import linkstate
from ...context import Context
from ...coverage import wants_link
from ...linking import RegisterIndex, match_documents, suggestions
from ...register import NON_RESULT_TYPES, load_links_for, load_register

HOW = {
    "exact": "khớp đúng số ký hiệu và ngày ban hành",
    "repaired": "khớp sau khi sửa lỗi OCR theo sổ",
    "manual": "cán bộ xác nhận",
}


@dataclass
class RegisterView:
    """What the page needs: ``shown`` False hides the section (no register, or not a result document)."""

    shown: bool = False
    entry: dict[str, Any] | None = None
    how: str = ""
    link: dict[str, Any] | None = None  # the staff link or unlink, when there is one
    candidates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def unlinked_by_staff(self) -> bool:
        return bool(self.link) and self.link.get("entry_id") is None  # type: ignore[union-attr]


def register_view(ctx: Context, record: dict[str, Any]) -> RegisterView:
    """The register side of ``record`` (see :class:`RegisterView`)."""
    if record.get("state") != "indexed" or record.get("doc_type") in NON_RESULT_TYPES:
        return RegisterView()
    entries, index = _register(ctx)
    if not entries:
        return RegisterView()
    doc_id = record["doc_id"]
    links = load_links_for(ctx, [doc_id])  # matching one document needs its own staff link only
    match = match_documents([record], entries, links, index).get(doc_id)
    link = links.get(doc_id)
    if match is not None:
        return RegisterView(True, index.entries.get(match.entry_id), HOW.get(match.how, match.how), link)
    candidates = suggestions(record, index) if wants_link(record, links) or link else []
    shown = bool(link or candidates or wants_link(record, {}))
    return RegisterView(shown, None, "", link, candidates)


def _register(ctx: Context) -> tuple[list[dict[str, Any]], RegisterIndex]:
    """The register and its linking index (shared, read only), read again only when it changed."""
    return linkstate.remembered(ctx, "register", _load_register, stamp=linkstate.register_version, max_seconds=math.inf)


def _load_register(ctx: Context) -> tuple[list[dict[str, Any]], RegisterIndex]:
    entries = load_register(ctx)
    return entries, RegisterIndex(entries)
