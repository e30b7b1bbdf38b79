"""A document and the register of issued results, as the document page shows it: which entry it is
(and how that was decided), or which entries may be it, for staff to link or unlink.

Reads the whole register once per page (suggestions need the entries that share the number or the
date, up to OCR look-alikes) and this document's staff link; matching is
``workers.linking.match_documents`` on this one document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    entries = load_register(ctx)
    if not entries:
        return RegisterView()
    doc_id = record["doc_id"]
    links = load_links_for(ctx, [doc_id])  # matching one document needs its own staff link only
    index = RegisterIndex(entries)
    match = match_documents([record], entries, links, index).get(doc_id)
    link = links.get(doc_id)
    if match is not None:
        return RegisterView(True, index.entries.get(match.entry_id), HOW.get(match.how, match.how), link)
    candidates = suggestions(record, index) if wants_link(record, links) or link else []
    shown = bool(link or candidates or wants_link(record, {}))
    return RegisterView(shown, None, "", link, candidates)
