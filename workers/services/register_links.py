"""Staff links between documents and register entries: the rules around ``workers.register``'s storage."""

from __future__ import annotations

from typing import Any

from ..context import Context
from ..errors import PermanentError
from ..records import get_record
from ..register import NON_RESULT_TYPES, get_entry, save_link


def _check(ctx: Context, doc_id: str, by: str, linking: bool) -> str:
    """The cleaned ``by``, after checking that the document exists and may be linked."""
    if not by.strip():
        raise PermanentError("cần tên người thực hiện (--by) / who is required", code="bad_value")
    record = get_record(ctx, doc_id)
    if linking and record.get("doc_type") in NON_RESULT_TYPES:
        raise PermanentError(
            f"Tài liệu {doc_id} là {record.get('doc_type')}, không phải kết quả TTHC. Nếu phân loại sai, hãy sửa "
            f"trước: sohoa correct {doc_id} --set doc_type=giay_phep --by ... (Not a result document.)",
            code="not_a_result",
        )
    return by.strip()


def link(ctx: Context, doc_id: str, key: str, by: str) -> dict[str, Any]:
    """Staff confirm that ``doc_id`` is the result ``SO_KY_HIEU|YYYY-MM-DD``; overrides automatic matching.

    Raises ``NotFoundError`` (no such document / entry) or ``PermanentError`` (``bad_value`` for a bad key
    or an empty ``by``; ``link_conflict`` for an entry linked to another document already; ``not_a_result``
    for an application, receipt or minutes).
    """
    entry = get_entry(ctx, key)
    return save_link(ctx, doc_id, entry, _check(ctx, doc_id, by, linking=True))


def unlink(ctx: Context, doc_id: str, by: str) -> dict[str, Any]:
    """Staff state that ``doc_id`` is no register entry; overrides automatic matching. Raises like :func:`link`."""
    return save_link(ctx, doc_id, None, _check(ctx, doc_id, by, linking=False))
