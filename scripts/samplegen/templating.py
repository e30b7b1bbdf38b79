"""Text templates of the document kinds: ``str.format`` fields filled from a document's context.

Field formats understood on top of Python's own:

* a date renders as ``ngày DD tháng M năm YYYY`` (see :func:`vn_date`), or as ISO with ``{issued:iso}``;
* ``upper``, ``lower``, ``sentence`` (first letter kept, rest lower case) and ``lcfirst`` transform text;
* a :class:`Phrase` in the context is itself a template, filled from the same context when used.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Mapping
from typing import Any


class Phrase(str):
    """A context value that is itself a template (an issuer's authority line, a kind's fixed sentence)."""


def vn_date(d: dt.date) -> str:
    """``ngày 05 tháng 9 năm 2024``: day in two digits, months 1 and 2 zero-padded (Nghị định 30/2020 style)."""
    day = f"{d.day:02d}"
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"


def plus_years(d: dt.date, years: int) -> dt.date:
    """Same day and month ``years`` later (the sample dates avoid 29 February)."""
    return d.replace(year=d.year + years)


TEXT_FORMATS: dict[str, Callable[[str], str]] = {
    "upper": str.upper,
    "lower": str.lower,
    "sentence": lambda s: s[:1] + s[1:].lower(),
    "lcfirst": lambda s: s[:1].lower() + s[1:],
}


class Filler(string.Formatter):
    """Fills templates from one mutable context; a missing field raises KeyError naming it."""

    def __init__(self, ctx: dict[str, Any]) -> None:
        super().__init__()
        self.ctx = ctx

    def fill(self, template: str) -> str:
        return self.vformat(template, (), self.ctx)

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        value = super().get_value(key, args, kwargs)
        return self.fill(value) if isinstance(value, Phrase) else value

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, dt.date):
            return value.isoformat() if format_spec == "iso" else vn_date(value)
        if format_spec in TEXT_FORMATS:
            return TEXT_FORMATS[format_spec](str(value))
        return str(super().format_field(value, format_spec))
