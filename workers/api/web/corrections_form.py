"""The correction form of the document page: values shown as people read them (dates dd/mm/yyyy), and
what was typed turned back into what the correction service takes (ISO dates), with reasons in
Vietnamese for what cannot be taken."""

from __future__ import annotations

from typing import Any

from ...corrections import check_validity_dates
from ...errors import PermanentError
from ...services.documents import current_values
from .dates import parse_vn_date
from .labels import METADATA, vn_date

DATE_FIELDS = ("ngay_ban_hanh", "hieu_luc_den")


def form_values(record: dict[str, Any]) -> dict[str, str]:
    """The correctable fields of ``record`` as the form shows them ("" for none, dates dd/mm/yyyy)."""
    values = current_values(record)
    for key in DATE_FIELDS:
        values[key] = vn_date(values[key]) if values[key] else ""
    return values


def check_form(record: dict[str, Any], submitted: dict[str, str]) -> dict[str, str]:
    """``submitted`` as the correction service takes it (dates as ISO). Raises ``PermanentError``
    (``bad_value``, a message naming the field) for a date that is no date, or a hiệu lực đến before the
    ngày ban hành (``workers.corrections.check_validity_dates``)."""
    cleaned = dict(submitted)
    for key in DATE_FIELDS:
        typed = cleaned.get(key, "").strip()
        if not typed:
            continue
        day = parse_vn_date(typed)
        if day is None:
            raise PermanentError(
                f"{METADATA[key]}: «{typed}» không phải ngày; hãy nhập dạng dd/mm/yyyy, ví dụ 15/03/2024.",
                code="bad_value",
            )
        cleaned[key] = day.isoformat()
    changed = {k: v for k, v in cleaned.items() if k in DATE_FIELDS}
    check_validity_dates(record, changed)
    return cleaned
