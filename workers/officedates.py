"""Dates as offices write them in exported lists and registers: ISO or Vietnamese day-first."""

from __future__ import annotations

from datetime import date, datetime

_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(value: str) -> date | None:
    """ISO ``YYYY-MM-DD`` or ``dd/mm/yyyy`` (also with ``-`` or ``.``); empty -> None; raises ``ValueError``."""
    value = value.strip()
    if not value:
        return None
    for fmt in _FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    if " " in value:  # "2024-03-27 00:00:00" from a spreadsheet
        return parse_date(value.split(" ", 1)[0])
    raise ValueError(f"ngày không đọc được (dùng YYYY-MM-DD hoặc dd/mm/yyyy) / unreadable date: {value!r}")
