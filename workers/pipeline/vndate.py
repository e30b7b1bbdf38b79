"""Vietnamese dates in OCR text: "ngày 27 tháng 8 năm 2024", "ngay 27 thang 8 nam 2024", "27/8/2024".

Pure functions, no I/O. Matching runs on :func:`fold_aligned` text (diacritics and case removed, same
length as the input), so spans returned by :func:`find_dates` index the caller's original string.
OCR confusions inside the number slots are repaired (``O``/``o`` -> 0, ``l``/``I``/``|``/``!``/``]`` -> 1,
``G`` -> 6 after a digit), so are specks between the parts ("tháng,12"), a month read twice ("tháng 5 5") and
a misread century in a spelled year ("2623" -> 2023); a value that is not a real calendar date in 1900..2100 is
never returned.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from workers.textnorm import fold

_DIGIT_FIX = str.maketrans(
    {"o": "0", "O": "0", "i": "1", "l": "1", "I": "1", "|": "1", "!": "1", "t": "1", "T": "1", "]": "1", "g": "6"}
)
_N = r"[0-9oil|!]{1,2}"
_Y = r"(?:[0-9oil|!]{4}|[0-9]{3}\]|[0-9]{2}\s[0-9]{2})"  # "203]": the last 1 read as a bracket
_DAY_WORD = r"ng\s?[aeo]\s?[yvj]?"
_MONTH_WORD = r"th\s?[a-z]\s?n\s?g"
_YEAR_WORD = r"n\s?[a-z]\s?(?:m|rn|n)"
# Two-column layouts can put the signer's title between "năm" and the year ("năm GIÁM ĐỐC\n2024").
_YEAR_JUNK = r"(?:[^\d\n]{0,30}\n\s*)?"
# spelled dates only: "ngày 086 tháng" is "08" with a speck read as a digit; "T0" is 10 with the 1 read as a T;
# "2G" is 26 with the 6 read as a G, "1T" is 11
_N3 = r"(?:t[0-9]|[0-9][gt]|[0-9oil|!]{1,3})"
_SEP = r"\s*[,.:;\-–]?\s*"  # a speck between the parts: "ngày 11 -tháng 3", "tháng,12" (and "26G tháng" below)
# the month read twice ("tháng 5 5 năm"), or its two digits split ("tháng 1 2 năm"): see _month_slot
_MONTH = rf"(?P<m>{_N3})(?:\s(?P<m2>[0-9]))?"
_TEXT_DATE = re.compile(  # "ngày" may be lost by OCR; "tháng" and "năm" are then required anyway
    rf"(?:(?<![a-z]){_DAY_WORD}\s*[:.]?\s*|(?<![\w/.-]))(?P<d>{_N3})[a-z]?{_SEP}{_MONTH_WORD}{_SEP}{_MONTH}{_SEP}"
    rf"{_YEAR_WORD}\s*[:.]?\s*{_YEAR_JUNK}(?:[a-z]\s+)?(?P<y>{_Y})(?![0-9])"
)
# "ngày 15 7 năm 2024": OCR lost "tháng" on a noisy scan; "ngày" and "năm" must then both be there.
_TEXT_DATE_NO_MONTH = re.compile(
    rf"(?<![a-z]){_DAY_WORD}\s*[:.]?\s*(?P<d>{_N})\s+(?P<m>{_N})\s*[,.]?\s*{_YEAR_WORD}\s*[:.]?\s*(?P<y>{_Y})(?![0-9])"
)
_NUM_DATE = re.compile(
    rf"(?<![\w./-])(?P<d>{_N})\s?(?P<s>[/.-])\s?(?P<m>{_N})\s?(?P=s)\s?(?P<y>[0-9oil|!]{{4}})(?![\w/])"
)


@dataclass(frozen=True)
class DateMatch:
    """A date found in a text: ``text[start:end]`` is the phrase it was read from."""

    start: int
    end: int
    value: date
    spelled: bool  # True for "ngày .. tháng .. năm ..", False for "dd/mm/yyyy"

    @property
    def iso(self) -> str:
        return self.value.isoformat()


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    folded = fold(ch)
    return folded[0] if folded else " "


def fold_aligned(text: str) -> str:
    """:func:`workers.textnorm.fold` applied per character, so the result has ``len(text)``.

    Lets a regex run on folded text while its match positions still slice the original.
    """
    return "".join(_fold_char(ch) for ch in text)


def to_int(token: str) -> int | None:
    """Read an OCR'd number ("2O24", "l2", "2 0"), or None when it is not one."""
    cleaned = token.translate(_DIGIT_FIX).replace(" ", "")
    return int(cleaned) if cleaned.isdigit() else None


def make_date(year: int | None, month: int | None, day: int | None) -> date | None:
    """A valid date in 1900..2100, else None."""
    if year is None or month is None or day is None or not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _slot(token: str) -> list[int]:
    """Readings of a day/month slot; a 3-character slot has one extra character, first or last."""
    if len(token) < 3:
        return [v] if (v := to_int(token)) is not None else []
    return [v for t in (token[:2], token[1:]) if (v := to_int(t)) is not None]


def _year(token: str, spelled: bool) -> int | None:
    """The year; in a spelled date a misread second digit is repaired ("2623" -> 2023: years are 19xx or 20xx)."""
    year = to_int(token)
    if spelled and year is not None and 2100 <= year <= 2999:
        return 2000 + year % 100
    return year


def _month_slot(m: re.Match[str]) -> list[int]:
    """Readings of the month: "1 2" is 12, "5 5" is 5 read twice; other pairs are not a month."""
    second = m.groupdict().get("m2")
    if not second:
        return _slot(m.group("m"))
    joined = to_int(m.group("m") + second)
    if joined is not None and 1 <= joined <= 12:
        return [joined]
    return _slot(m.group("m")) if m.group("m") == second else []


def _from_match(m: re.Match[str], spelled: bool) -> DateMatch | None:
    year = _year(m.group("y"), spelled)
    for month in _month_slot(m):
        for day in _slot(m.group("d")):
            value = make_date(year, month, day)
            if value:
                return DateMatch(m.start(), m.end(), value, spelled)
    return None


def find_dates(text: str) -> list[DateMatch]:
    """Every date in ``text`` (spelled-out and numeric forms), in order of position."""
    folded = fold_aligned(text)
    found = [_from_match(m, True) for m in _TEXT_DATE.finditer(folded)]
    spelled = [d for d in found if d]
    covered = [(d.start, d.end) for d in spelled]
    for m in _TEXT_DATE_NO_MONTH.finditer(folded):
        match = _from_match(m, True)
        if match and not any(s <= match.start < e for s, e in covered):
            spelled.append(match)
    spelled.sort(key=lambda d: d.start)
    taken = [(d.start, d.end) for d in spelled]
    numeric = [_from_match(m, False) for m in _NUM_DATE.finditer(folded)]
    extra = [d for d in numeric if d and not any(s <= d.start < e for s, e in taken)]
    return sorted(spelled + extra, key=lambda d: d.start)


def parse_date(text: str) -> date | None:
    """The first date in ``text``, or None."""
    dates = find_dates(text)
    return dates[0].value if dates else None


def parse_iso(text: str) -> str | None:
    """The first date in ``text`` as ISO ``YYYY-MM-DD``, or None."""
    value = parse_date(text)
    return value.isoformat() if value else None


def add_months(start: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def add_years(start: date, years: int) -> date:
    """Same day ``years`` later (29 Feb -> 28 Feb in a common year)."""
    return add_months(start, 12 * years)
