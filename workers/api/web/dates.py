"""Dates as people type them in the Vietnamese UI: dd/mm/yyyy (also d/m/yyyy, with - or .), or ISO."""

from __future__ import annotations

import re
from datetime import date

_VN = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_vn_date(text: str | None) -> date | None:
    """The date in ``text`` (``15/03/2024``, ``5/3/2024``, ``2024-03-15``), or None when it is none."""
    value = (text or "").strip()
    if m := _VN.match(value):
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO.match(value):
        year, month, day = (int(g) for g in m.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def iso_or_typed(text: str | None) -> str:
    """``text`` as ISO when it is a date (so services get ``YYYY-MM-DD``), else unchanged (so they say
    why it is refused)."""
    day = parse_vn_date(text)
    return day.isoformat() if day else (text or "").strip()
