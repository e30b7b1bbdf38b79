"""Whether a result is in force on a day, as the pages show it: Còn hiệu lực / Hết hiệu lực / Không thời hạn.

The rule is the coverage report's (``workers.coverage.is_valid``): in force from its ngày ban hành to its
hiệu lực đến, both inclusive; no end date means no time limit. Only results carry a badge: a document
with a hiệu lực đến, a licence or decision, or one linked to the register.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ...localtime import vn_today as vn_today
from .labels import vn_date

RESULT_DOC_TYPES = frozenset({"giay_phep", "quyet_dinh"})


@dataclass(frozen=True)
class Validity:
    state: str  # valid | expired | not_yet | open
    label: str
    detail: str  # follows the label: "đến 15/03/2028"


def validity(values: Mapping[str, Any], day: date, *, result: bool = False) -> Validity | None:
    """The badge of ``values`` (a record or a register entry) on ``day``; None for a document that is not
    a result (``result`` says it is one, e.g. because it is linked to the register)."""
    start = str(values.get("ngay_ban_hanh") or "")[:10]
    end = str(values.get("hieu_luc_den") or "")[:10]
    if not end and not (result or values.get("doc_type") in RESULT_DOC_TYPES):
        return None
    iso = day.isoformat()
    if start and start > iso:
        return Validity("not_yet", "Chưa có hiệu lực", f"(ban hành ngày {vn_date(start)})")
    if not end:
        return Validity("open", "Không thời hạn", "")
    if end >= iso:
        return Validity("valid", "Còn hiệu lực", f"đến {vn_date(end)}")
    try:
        after = (date.fromisoformat(end) + timedelta(days=1)).isoformat()
    except ValueError:
        return Validity("expired", "Hết hiệu lực", "")
    return Validity("expired", "Hết hiệu lực", f"từ {vn_date(after)}")
