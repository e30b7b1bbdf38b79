"""Validity end (hiệu lực đến) of a licence or certificate, read from OCR text.

Phrasings: "có hiệu lực đến (hết) ngày ...", "có giá trị đến ...", "Thời hạn (của Giấy phép): đến ngày ...",
"hết hạn vào ngày ...", and terms counted from the issue date: "có thời hạn 05 (năm) năm kể từ ngày ký".
A date that OCR damaged after "đến ngày" is completed from the issue date when what is left of it agrees with
the anniversary of that date (licences run whole years from the day they are signed), and a day one lost or
confused digit away from the anniversary's is read as it. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from datetime import date

from workers.pipeline.vndate import add_months, add_years, find_dates, fold_aligned, to_int

_LUC = r"[hb]i\s?e\s?u[\s\-]*[a-z1|]\s?u\s?c"  # "hiệu lực", also OCR'd "hiệu Iực", "hiệu Mực", "biệu lực", "hiệu-lực"
_HAN = r"[hb]\s?a\s?n"  # "hạn", OCR'd "bạn"
_VALID_TO = re.compile(
    rf"(?:co[\s\-]*(?:{_LUC}|gia\s*tri)|thoi\s*{_HAN}[^.;:\n]{{0,30}}?:|het\s*{_HAN})[^.;]{{0,60}}?"
    r"(?:den|toi|(?<![a-z])vao)\s*(?:het\s*)?(?:ng[a-z]{0,2}(?![a-z]))?"
)
_VALID_FOR = re.compile(
    rf"(?:thoi\s*{_HAN}|{_LUC}|gia\s*tri)[^.;]{{0,30}}?\s(?P<n>[0-9oil]{{1,2}})\s*(?:\([a-z\s]+\)\s*)?(?P<u>nam|thang)"
    r"\s*(?:ke\s*)?tu\s*ngay\s*(?:ky|cap|ban\s*hanh)"
)
_YEAR = re.compile(r"n\s?[a-z]\s?(?:m|rn|n)\W{0,2}\s*(?:[a-z]\s+)?(?P<y>[0-9oil|]{4})(?![0-9])")


def _anniversary(issued: date, year: int) -> date:
    return add_years(issued, year - issued.year)


def _from_remains(window: str, issued: date) -> date | None:
    """The anniversary of ``issued`` when ``window`` ("ngà áng 11 năm 2034") still shows its year and its day or
    month, and nothing read there contradicts it."""
    folded = fold_aligned(window)
    m = _YEAR.search(folded[:60])
    year = to_int(m.group("y")) if m else None
    if m is None or year is None or not issued.year < year <= issued.year + 50:
        return None
    target = _anniversary(issued, year)
    nums = [int(t) for t in re.findall(r"(?<![0-9])[0-9]{1,2}(?![0-9])", folded[: m.start()])]
    if not nums:
        return None
    return target if nums[0] == target.day or nums[-1] == target.month else None


# digits OCR confuses on a degraded print
_CONFUSED_DIGITS = {frozenset(p) for p in ("17", "27", "38", "56", "58", "68", "08", "89", "09", "06", "14")}


def _misread_day(found: int, target: int, token: str) -> bool:
    """Whether the day ``target`` could have been printed where OCR read ``token`` (day ``found``): letters read
    as digits ("li"), a digit lost ("1" for "11"; Nghị định 30 prints every day with two digits, "ngày 01"), or
    one digit confused ("12" for "17", "02" for "07")."""
    if not token.isdigit():
        return True
    if len(token) == 1:
        return target >= 10 and str(found) in str(target)
    a, b = f"{found:02d}", f"{target:02d}"
    diff = [frozenset((x, y)) for x, y in zip(a, b, strict=True) if x != y]
    return len(diff) == 1 and diff[0] in _CONFUSED_DIGITS


def _misread(found: date, printed: str, issued: date) -> date:
    """``found`` (read from ``printed``), or the anniversary of ``issued`` when it has the same month and year and
    a day OCR could have misread as ``found``'s (the anniversary is the common end of a licence; a real other day
    is kept)."""
    target = _anniversary(issued, found.year)
    day = re.match(r"\W*(?:ng\s?[a-z]{1,2}\W*)?([0-9a-z|!\]]{1,3})", fold_aligned(printed))
    token = day.group(1) if day else str(found.day)
    if found != target and found.month == target.month and _misread_day(found.day, target.day, token):
        return target
    return found


def extract_hieu_luc_den(text: str, folded: str, issued: str | None) -> str | None:
    """Validity end in ``text`` (``folded`` is its letters fold, same length), ISO; None when none is printed.

    ``issued``: the ngày ban hành (ISO), base of a term ("05 năm kể từ ngày ký") and of damaged dates.
    """
    base = date.fromisoformat(issued) if issued else None
    for hit in _VALID_TO.finditer(folded):
        start = max(hit.start(), hit.end() - 6)  # from "ngày" when it is there
        window = text[start : hit.end() + 70]
        dates = find_dates(window)
        if dates and dates[0].start <= 14:
            found, printed = dates[0].value, window[dates[0].start : dates[0].end]
            return (_misread(found, printed, base) if base else found).isoformat()
        remains = _from_remains(text[hit.end() : hit.end() + 70], base) if base else None
        if remains:
            return remains.isoformat()
    m = _VALID_FOR.search(folded.replace("\n", " "))
    count = to_int(m.group("n")) if m else None
    if not (m and count and base):
        return None
    return (add_years(base, count) if m.group("u") == "nam" else add_months(base, count)).isoformat()
