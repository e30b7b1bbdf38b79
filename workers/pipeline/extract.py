"""Metadata fields of an administrative document, read from its :class:`~workers.pipeline.classify.Layout`.

Each ``extract_*`` function reads one field and returns None rather than guess. They work on clean text
and on raw OCR output: diacritics lost, O/0 and l/1 swapped, broken spacing, seal and signature noise
in the signature block. Dates are ISO ``YYYY-MM-DD``. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from workers.pipeline.classify import (
    Layout,
    Line,
    edit_distance,
    is_upper,
    letters_fold,
    loose,
    place_date_start,
    so_label,
    strip_junk,
)
from workers.pipeline.taxonomy import Taxonomy
from workers.pipeline.vndate import DateMatch, add_months, add_years, find_dates, to_int
from workers.textnorm import fold, squash

_SKH = re.compile(r"(?P<num>[0-9OoIl|]{1,6})/(?:(?P<year>[0-9OoIl|]{4})/)?(?P<sym>[^\W_]+(?:-[^\W_]+)*)")
_DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "i": "1"})
_VALID_TO = re.compile(
    r"(?:co\s*(?:hieu\s*luc|gia\s*tri)|thoi\s*han(?:\s*hieu\s*luc|\s*su\s*dung)?\s*:)[^.;]{0,60}?(?:den|toi)\s*(?:het\s*)?ngay"
)
_VALID_FOR = re.compile(
    r"(?:thoi\s*han|hieu\s*luc|gia\s*tri)[^.;]{0,30}?\s(?P<n>[0-9oil]{1,2})\s*(?P<u>nam|thang)\s*"
    r"(?:ke\s*)?tu\s*ngay\s*(?:ky|cap|ban\s*hanh)"
)
_MHS = re.compile(
    r"(?P<agency>[0-9A-Za-z|]{2,4}(?:\s?\.\s?[0-9A-Za-z|]{2,4}){2,4})\s?[-–]\s?(?P<day>[0-9OoIl|]{6})\s?[-–]\s?"
    r"(?P<seq>[0-9OoIl|]{3,5})(?![0-9])"
)


# ------------------------------------------------------------------------------------ số ký hiệu ----
_LOOKALIKE = str.maketrans({"8": "B", "0": "O", "5": "S", "6": "G", "1": "I"})


# Letters OCR confuses in the capitals of a symbol: C read as G or Œ (seal ink, blur), Đ as D, B as 8 ...
_CONFUSABLE = {frozenset(p) for p in ("CG", "CŒ", "CE", "CO", "DĐ", "B8", "S5", "O0", "IL", "I1", "L1")}


def _one_confusion(seg: str, known: str) -> bool:
    """``seg`` is ``known`` with one letter confused, or with one letter doubled ("TTTr" for "TTr")."""
    a, b = seg.upper(), known.upper()
    if len(a) == len(b):
        diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
        return len(diff) == 1 and frozenset(diff[0]) in _CONFUSABLE
    if len(a) == len(b) + 1 and len(b) >= 2:
        # one letter read twice ("TTTr"), or one speck read as a letter in a longer symbol ("GOCN", "QLUTM")
        return any(a[:i] + a[i + 1 :] == b and (a[i] == a[i - 1] or len(b) >= 3) for i in range(1, len(a)))
    return False


def _known_symbol(seg: str, symbols: tuple[str, ...], lookalike: bool) -> str | None:
    """The vocabulary spelling of a symbol OCR'd as ``seg`` ("QD" -> "QĐ", "8C" -> "BC", "GGNXD" -> "GCNXD")."""
    for cand in (seg, seg.translate(_LOOKALIKE)) if lookalike else (seg,):
        hits = {s for s in symbols if fold(s) == fold(cand)}
        if len(hits) == 1:
            return hits.pop()
    if lookalike and len(seg) >= 2 and not any(fold(s) == fold(seg) for s in symbols):
        near = {s for s in symbols if _one_confusion(seg, s)}
        if len(near) == 1:
            return near.pop()
    return None


def _unglue(sym: str, symbols: tuple[str, ...]) -> str:
    """Repair "BCSCT" -> "BC-SCT" when OCR lost the hyphen after a known type symbol."""
    if "-" in sym:
        return sym
    fits = [s for s in symbols if fold(sym).startswith(fold(s)) and len(sym) - len(s) >= 2]
    best = max(fits, key=len, default=None)
    return f"{sym[: len(best)]}-{sym[len(best) :]}" if best else sym


def _symbol_part(
    seg: str, symbols: tuple[str, ...], first: bool, units: tuple[str, ...] = ()
) -> tuple[str | None, bool]:
    """One "-"-separated part of the symbol, repaired; and whether the symbol ends here."""
    known = _known_symbol(seg, symbols, lookalike=first) or _known_symbol(seg, units, lookalike=True)
    if known:
        return known, False
    if sum(c.isupper() for c in seg) < max(1, len(seg) - 1) and not seg.isdigit():
        glued = re.match(r"([A-ZĐ0-9]{2,})[A-ZĐ][^\W\d_A-ZĐ]+$", seg)  # "SCTLạng": the place name glued on
        return (glued.group(1) if glued else None), True
    if sum(c.isalpha() for c in seg) >= 2:
        seg = re.sub(r"(?<=[A-ZĐ])0|0(?=[A-ZĐ])", "O", seg)
    return ("QĐ" if seg.upper() == "QD" else seg), False


def read_so_ky_hieu(raw: str, symbols: tuple[str, ...] = (), units: tuple[str, ...] = ()) -> str | None:
    """Normalize the text after "Số:" ("16 / GP - SCT", "l429/QD-UBND") to ``16/GP-SCT``.

    ``symbols`` are the known type symbols (QĐ, TB ...), ``units`` the known symbols of issuing bodies and
    units (SCT, QLTM ...); a part one confused letter away from exactly one of them is read as that one.
    """
    text = re.sub(r"\s*([/\-–—])\s*", lambda m: "/" if m.group(1) == "/" else "-", raw.strip())
    text = re.sub(r"^([0-9OoIl|]+)\s(?=[0-9OoIl|]+/)", r"\1", text)
    # OCR lost the slash: "19GCNXD-SCT" is "19/GCNXD-SCT" (a symbol always starts with a capital)
    text = re.sub(r"^([0-9]{1,5})(?=[A-ZĐ]{2,}[A-ZĐ0-9]*-)", r"\1/", text)
    m = _SKH.match(text)
    if not m:
        return None
    num = m.group("num").translate(_DIGITS)
    year = (m.group("year") or "").translate(_DIGITS)
    if not num.isdigit() or (year and not year.isdigit()):
        return None
    parts: list[str] = []
    for i, seg in enumerate(_unglue(m.group("sym"), symbols).split("-")):
        fixed, last = _symbol_part(seg, symbols, i == 0, units)
        parts += [fixed] if fixed else []
        if last:
            break
    return "/".join([num, *([year] if year else []), "-".join(parts)]) if parts else None


def extract_so_ky_hieu(layout: Layout, taxonomy: Taxonomy) -> str | None:
    """Number and symbol as printed after "Số:" (or "Số cấp:" on certificates)."""
    order = [layout.so_line] if layout.so_line is not None else []
    order += [i for i, ln in enumerate(layout.lines) if re.match(r"^\W{0,3}so\s?cap\s*[:;]", ln.fold)]
    order += [i for i, ln in enumerate(layout.lines) if re.match(r"^\W{0,3}s\s?[o06]\s*[:;]", ln.fold)]
    for i in order:
        line = layout.lines[i]
        m = so_label(line)
        value = read_so_ky_hieu(line.text[m.end() :], taxonomy.symbols, taxonomy.issuers.unit_symbols) if m else None
        if value:
            return value
    return None


# ------------------------------------------------------------------------------------ dates --------
def _is_place_date(line: Line, d: DateMatch) -> bool:
    """``d`` follows "<Place>," with nothing but the "Số:" part before the place."""
    prefix = line.text[: d.start]
    if not d.spelled:
        prefix = re.sub(r"\S{2,5}\s*$", "", prefix)  # "ngày " before "27/8/2024"
    prefix = prefix.rstrip()
    if not prefix.endswith((",", ".")):
        return False
    words = prefix[:-1].split()
    place = 0
    while place < min(4, len(words)) and words[-1 - place][:1].isupper() and words[-1 - place].isalpha():
        place += 1
    before = words[: len(words) - place]
    return place > 0 and (not before or not before[-1].isalpha())


def extract_ngay_ban_hanh(layout: Layout) -> str | None:
    """Issue date: the "<Place>, ngày .. tháng .. năm .." line; minutes: "Hôm nay, ... ngày ..."."""
    for line in layout.lines:
        found = next((d for d in find_dates(line.text) if _is_place_date(line, d)), None)
        if found:
            return found.iso
    for i, line in enumerate(layout.lines):
        found_at = re.search(r"hom\s*nay", line.fold)
        if found_at:
            pos = found_at.start()
            nxt = layout.lines[i + 1].text if i + 1 < len(layout.lines) else ""
            dates = find_dates(line.text[pos:] + "\n" + nxt)
            if dates:
                return dates[0].iso
    stop = (layout.title or [layout.body_start + 2])[0]
    dates = [d for ln in layout.lines[: stop + 1] for d in find_dates(ln.text) if d.spelled]
    return dates[0].iso if dates else None


def extract_hieu_luc_den(layout: Layout, issued: str | None) -> str | None:
    """Validity end: "có hiệu lực đến ngày ..." or "có thời hạn N năm kể từ ngày ký" (+N years)."""
    text, folded = layout.full_text, layout.full_fold
    for hit in _VALID_TO.finditer(folded):
        dates = find_dates(text[hit.end() - 4 : hit.end() + 60])  # from "ngày"
        if dates and dates[0].start <= 8:
            return dates[0].iso
    m = _VALID_FOR.search(folded.replace("\n", " "))
    count = to_int(m.group("n")) if m else None
    if not (m and count and issued):
        return None
    base = date.fromisoformat(issued)
    return (add_years(base, count) if m.group("u") == "nam" else add_months(base, count)).isoformat()


# ------------------------------------------------------------------------------------ mã hồ sơ -----
def _code_segment(seg: str) -> str:
    fixed = seg.translate(_DIGITS)
    if fixed.isdigit():
        return fixed
    if seg[:1].isalpha() and seg[1:].translate(_DIGITS).isdigit():
        return seg[0].upper() + seg[1:].translate(_DIGITS)  # "H37": province letter + digits
    return seg.upper()


def read_ma_ho_so(raw: str) -> str | None:
    """A dossier code ``000.12.37.H37-240703-0006`` in ``raw``, OCR confusions repaired."""
    m = _MHS.search(raw)
    if not m:
        return None
    agency = ".".join(_code_segment(s.strip()) for s in m.group("agency").split("."))
    day, seq = m.group("day").translate(_DIGITS), m.group("seq").translate(_DIGITS)
    if not (day.isdigit() and seq.isdigit()) or sum(c.isdigit() for c in agency) < 4:
        return None
    return f"{agency}-{day}-{seq}"


def extract_ma_ho_so(layout: Layout) -> str | None:
    """The mã hồ sơ printed on the document (receipts), preferring the "Mã hồ sơ:" line."""
    lines = sorted(layout.lines, key=lambda ln: not re.search(r"ma\s*ho\s*so", ln.fold))
    return next((v for ln in lines if (v := read_ma_ho_so(ln.text))), None)


# ------------------------------------------------------------------------------------ casing -------
def sentence_case(text: str, keep_upper: frozenset[str] = frozenset()) -> str:
    """Title to sentence case: "GIẤY PHÉP BÁN LẺ LPG CHAI" -> "Giấy phép bán lẻ LPG chai" (``keep_upper`` kept)."""
    words = [w if w.strip(",.;:()") in keep_upper else w.lower() for w in text.split()]
    out = " ".join(words)
    return out[:1].upper() + out[1:]


def body_spelling(layout: Layout, phrase: str, start: int = 0) -> str | None:
    """How ``phrase`` is written in the body (not all caps), matched without diacritics or spaces."""
    needle = re.sub(r"\W", "", fold(phrase))
    if not needle:
        return None
    pattern = r"\s?".join(map(re.escape, needle))
    text = " ".join(ln.text for ln in layout.lines[start:])
    folded = letters_fold(text)
    found = Counter(text[m.start() : m.end()] for m in re.finditer(rf"(?<![a-z]){pattern}(?![a-z])", folded))
    good = [(n, s) for s, n in found.items() if not is_upper(s)]
    return max(good)[1] if good else None


def close_name(text: str, names: tuple[str, ...]) -> str | None:
    """The canonical spelling in ``names`` that ``text`` is (diacritics-insensitive, OCR-tolerant)."""
    key = re.sub(r"\W", "", fold(text))
    for name in names:
        target = re.sub(r"\W", "", fold(name))
        close = len(target) >= 8 and key[:2] == target[:2] and edit_distance(key, target) <= len(target) // 10
        if key == target or close:
            return name
    return None


def title_words(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split())


def entity_start(text: str, taxonomy: Taxonomy, last: bool = False) -> int | None:
    """Where a business name ("Công ty ...", "Hộ kinh doanh ...") starts in ``text``."""
    folded = letters_fold(text)
    starts = [
        m.start()
        for p in taxonomy.issuers.entity_prefixes
        for m in re.finditer(rf"(?<![a-z]){loose(fold(p))}(?![a-z])", folded)
        if text[m.start()].isupper()  # "Công ty X" names a business, "các công ty" does not
    ]
    if not starts:
        return None
    return max(starts) if last else min(starts)


# ------------------------------------------------------------------------------------ issuer -------
def _expand(text: str, taxonomy: Taxonomy) -> str:
    abbrev = taxonomy.issuers.abbreviations
    return " ".join(abbrev.get(fold(w), abbrev.get(fold(w).strip(".,"), w)) for w in text.split())


def _starts_unit(text: str, taxonomy: Taxonomy) -> bool:
    folded = letters_fold(text)
    words = taxonomy.issuers.unit_words + taxonomy.issuers.entity_prefixes
    if any(re.match(rf"{loose(fold(w))}(?![a-z])", folded) for w in words):
        return True
    glued = re.sub(r"\W", "", folded)  # "SỞCÔNG THƯƠNG": a known name with its spaces lost
    return any(glued.startswith(re.sub(r"\W", "", fold(n))) for n in taxonomy.issuers.names)


def _groups(header: list[str], taxonomy: Taxonomy) -> list[str]:
    """Header lines grouped into bodies: the parent ("UBND TỈNH X") then the issuing unit."""
    groups: list[str] = []
    for line in header:
        if not groups or _starts_unit(line, taxonomy):
            groups.append(line)
        else:
            groups[-1] += " " + line
    return groups


def split_place(text: str, taxonomy: Taxonomy) -> tuple[str, str, str] | None:
    """("SỞ CÔNG THƯƠNG", "tỉnh", "LẠNG SƠN") from "SỞ CÔNG THƯƠNG TỈNH LẠNG SƠN"."""
    folded = letters_fold(text)
    hits = []
    for level in taxonomy.issuers.levels:
        m = re.search(rf"(?<![a-z]){re.escape(fold(level))}\s+(?=\w)", folded)
        if m:
            hits.append((m.start(), -len(level), m.end(), level))
    if not hits:
        return None
    start, _, end, level = min(hits)
    return text[:start].strip(), level, strip_junk(text[end:])


def _canon(text: str, layout: Layout, taxonomy: Taxonomy) -> str:
    return close_name(text, taxonomy.issuers.names) or body_spelling(layout, text) or sentence_case(text)


def _locality(level: str, place: str, layout: Layout) -> str:
    return f"{level} {body_spelling(layout, place) or title_words(place)}"


def _closest_entity(layout: Layout, name: str, taxonomy: Taxonomy) -> str | None:
    """The business named in the body whose name is closest to the (OCR-damaged) letterhead ``name``."""
    key = re.sub(r"\W", "", fold(name))
    best: tuple[float, str] | None = None
    for line in layout.lines[layout.body_start :]:
        start = entity_start(line.text, taxonomy)
        found = _cut_name(line.text[start:]) if start is not None else None
        if not found or is_upper(found):
            continue
        dist = edit_distance(key, re.sub(r"\W", "", fold(found))) / max(len(key), 1)
        if dist <= 0.2 and (best is None or dist < best[0]):
            best = (dist, found)
    return best[1] if best else None


def extract_co_quan_ban_hanh(layout: Layout, taxonomy: Taxonomy, applicant: str | None = None) -> str | None:
    """Canonical issuing body from the header block ("Sở Công Thương tỉnh X"); else ``applicant``.

    A company letterhead names the company (spelled as the body spells it); a two-line header names the
    issuing body of its second line qualified by the locality of the governing body on its first line.
    """
    # "CÔNG-TY": OCR joins words of a capitals line with a hyphen
    header = [_expand(re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", " ", h), taxonomy) for h in layout.header]
    if not header:
        return applicant
    groups = _groups(header, taxonomy)
    unit = groups[-1]
    if entity_start(unit, taxonomy) == 0:
        return body_spelling(layout, unit, layout.body_start) or _closest_entity(layout, unit, taxonomy) or unit
    own = split_place(unit, taxonomy)
    if own and own[0]:
        return f"{_canon(own[0], layout, taxonomy)} {_locality(own[1], own[2], layout)}"
    parent = split_place(groups[-2], taxonomy) if len(groups) > 1 else None
    territorial = parent and squash(fold(_expand(parent[0], taxonomy))) in taxonomy.issuers.territorial
    if parent and territorial:
        return f"{_canon(unit, layout, taxonomy)} {_locality(parent[1], parent[2], layout)}"
    level = _garbled_level(groups[-2], taxonomy) if len(groups) > 1 and not parent else None
    place = _place_of_date(layout) if level else None
    if level and place:  # "UBNDTỈNHHÀTĨNH" over "SỞ CÔNG THƯƠNG": the place of "Hà Tĩnh, ngày ..." names it
        return f"{_canon(unit, layout, taxonomy)} {level} {place}"
    return _canon(unit, layout, taxonomy)


def _garbled_level(parent: str, taxonomy: Taxonomy) -> str | None:
    """The administrative level named in a governing-body line whose spaces or letters OCR lost."""
    glued = re.sub(r"[^a-z]", "", letters_fold(parent))
    if not re.match(r"[a-z]{0,2}(?:bnd|ban\s?nhan\s?dan|banhandan)", glued):
        return None
    hits = [(glued.find(re.sub(r"\W", "", fold(lv))), lv) for lv in taxonomy.issuers.levels]
    found = sorted((i, -len(lv), lv) for i, lv in hits if i > 0)
    return found[0][2] if found else None


def _place_of_date(layout: Layout) -> str | None:
    """The place of the "<Place>, ngày ..." line in the header."""
    for line in layout.lines[:8]:
        start = place_date_start(line.text)
        if start is not None:
            place = line.text[start:].split(",", 1)[0].strip()
            return place if 1 <= len(place.split()) <= 4 else None
    return None


# ------------------------------------------------------------------------------------ chủ thể ------
_LABEL = re.compile(
    r"^\W{0,3}(?:\d{1,2}\s?[.)]\s*)?(?:ten\s*(?:thuong\s*nhan|to\s*chuc|doanh\s*nghiep|co\s*so|ho\s*kinh\s*doanh|don\s*vi)"
    r"|thuoc\s*(?:so\s*huu\s*cua\s*)?thuong\s*nhan|co\s*so)\s*[:;]\s*"
)
_NAME_STOP = re.compile(
    r"\s(?:có trách nhiệm|co trach nhiem|được|duoc|phải|xin|ngày|ngay|và hồ sơ|tại|hiện đang|với|theo|đã|"
    r"đề nghị|địa chỉ|trụ sở|mã số)\b|[;(,]|\s[-–]\s"
)
_PERSON = re.compile(r"\b(?:[ÔôOo]ng|[Bb][àa])\s+((?:[^\W\d_]+\s?){2,4})")


def _wrapped(layout: Layout, i: int, start: int) -> str:
    """Text of line ``i`` from ``start``, plus following lines that carry on a wrapped name."""
    text = layout.lines[i].text[start:]
    for nxt in layout.lines[i + 1 : i + 3]:
        ends = text.rstrip().endswith((".", ";", ")", ":"))
        if ends or ":" in nxt.text or is_upper(nxt.text) or re.match(r"^\W*(?:-|\d+\s?[.)]|dieu\b)", nxt.fold):
            break
        text += " " + nxt.text
    return text


def _cut_name(text: str) -> str | None:
    m = _NAME_STOP.search(text)
    words = strip_junk(text[: m.start()] if m else text).split()
    return " ".join(words[:15]) if len(words) >= 2 else None


def _entity_in(text: str, taxonomy: Taxonomy, last: bool = False) -> str | None:
    """A business name in ``text``; failing that, a person introduced by "ông"/"bà"."""
    start = entity_start(text, taxonomy, last)
    if start is not None:
        return _cut_name(text[start:])
    person = _PERSON.search(text)
    return _cut_name(person.group(1)) if person and not last else None


def _after(layout: Layout, pattern: str, taxonomy: Taxonomy, last: bool = False) -> str | None:
    for i, line in enumerate(layout.lines):
        m = re.search(pattern, line.fold)
        if m:
            found = _entity_in(_wrapped(layout, i, m.end()), taxonomy, last)
            if found:
                return found
    return None


def _from_label(layout: Layout, taxonomy: Taxonomy) -> str | None:
    for i, line in enumerate(layout.lines):
        m = _LABEL.match(line.fold)
        if not m:
            continue
        value = _cut_name(_wrapped(layout, i, m.end()))
        if value and (entity_start(value, taxonomy) == 0 or re.search(r"thuong\s*nhan", line.fold[: m.end()])):
            return value
    return None


def _from_receipt(layout: Layout) -> str | None:
    for i, line in enumerate(layout.lines):
        m = re.search(r"tiep\s*nhan\s*ho\s*so\s*cua\s*[:;]?\s*", line.fold)
        if not m:
            continue
        text = _wrapped(layout, i, m.end()) if "(" in line.text else line.text[m.end() :]
        if "(" in text:
            return _cut_name(text.split("(", 1)[1].split(")", 1)[0])
        person = _PERSON.search(text)
        return _cut_name(person.group(1) if person else text)
    return None


def extract_chu_the(layout: Layout, taxonomy: Taxonomy, doc_type: str | None, issuer: str | None) -> str | None:
    """The licensee / applicant / inspected business the document is about (None for other types)."""
    dtype = taxonomy.doc_type(doc_type)
    if not dtype or not dtype.has_subject:  # a decision or notice may still be about one business
        start = entity_start(layout.subject_text, taxonomy)
        return _cut_name(layout.subject_text[start:]) if start is not None else None
    if doc_type == "giay_bien_nhan":
        return _from_receipt(layout)
    if dtype.trich_yeu == "vv":
        is_entity = issuer is not None and entity_start(issuer, taxonomy) == 0
        return issuer if is_entity else _after(layout, r"^\W{0,3}kinh gui\s*[:;]\s*", taxonomy)
    return (
        _from_label(layout, taxonomy)
        or _after(layout, r"^\W{0,3}dieu\s?1\s?[.:]", taxonomy)
        or _after(
            layout,
            r"dai\s?d[a-z]{1,3}\s?(?:co\s?so|doanh\s?nghiep|don\s?vi|thuong\s?nhan)\s*[:;]?",
            taxonomy,
            last=True,
        )
        or _after(layout, r"^\W{0,3}xet\s*(?:ho\s*so|don|de\s*nghi)", taxonomy)
        or _after(layout, r"hom\s*nay\s*,", taxonomy)
    )


# ------------------------------------------------------------------------------------ signer -------
_ROLE_KEYS = ("giam doc", "chu tich", "truong", "dai dien", "nguoi", "thu ky", "chanh", "chu nhiem", "thanh vien")
_ROLE_STARTS = re.compile(
    r"(?<![a-z])(?:nguoi|dai\s*dien|truong\s*doan|pho\s*truong\s*doan|thu\s*ky|to\s*truong|giam\s*doc|chu\s*tich)"
)
_ROLE_PREFIX = re.compile(r"(?:KT|TM|TL|TUQ|Q)[.,]")


def _title_run(text: str) -> str:
    """Upper-case role words at the end of a signature-block line ("... ; PHÓ GIÁM ĐỐC")."""
    run: list[str] = []
    for tok in reversed(text.split()):
        if not ((tok.isalpha() and tok.isupper()) or _ROLE_PREFIX.fullmatch(tok)):
            break
        run.append(tok.replace(",", "."))
    title = " ".join(reversed(run))
    folded = fold(title)
    # "TM. ỦY BAN NHÂN DÂN" is a title; a lone "KT." is the tail of "- Lưu: VT, KT."
    return title if any(k in folded for k in _ROLE_KEYS) or (_ROLE_PREFIX.match(title) and len(run) > 1) else ""


def _name_words(text: str) -> list[str]:
    """Trailing words of ``text`` that look like a person's name (capitalised, no digits)."""
    toks = text.strip(" -–—_|'\"`~¬“”‘’.").split()
    out: list[str] = []
    for tok in reversed(toks):
        if not (tok.isalpha() and tok[:1].isupper() and not tok[1:].isupper()):
            break
        out.append(tok)
    before = toks[: len(toks) - len(out)]
    if before and (before[-1][-1:].isalpha() or before[-1].endswith(":")):
        return []  # "tỉnh Lạng Sơn", "Chủ cơ sở: Lê Văn A": words in running text, not a signature
    return list(reversed(out))


def _signature_region(layout: Layout) -> tuple[list[int], bool]:
    lines = layout.lines
    k = next((i for i in range(len(lines) - 1, -1, -1) if re.match(r"noi\s*nhan", strip_junk(lines[i].fold))), None)
    if k is not None:
        return [i for i in range(k, len(lines)) if lines[i].page == lines[k].page], True
    last = [i for i, ln in enumerate(lines) if ln.page == lines[-1].page] if lines else []
    return last[-8:], False


def _split_roles(line: Line) -> tuple[str, str] | None:
    if not is_upper(line.text):
        return None
    cuts = [m.start() for m in _ROLE_STARTS.finditer(line.fold) if m.start() > 0]
    for cut in cuts:
        left, right = strip_junk(line.text[:cut]), strip_junk(line.text[cut:])
        if len(left.split()) >= 2 and right:
            return left, right
    return None


def _split_names(line: Line, layout: Layout) -> str | None:
    """The right-hand name of a "Left Name  Right Name" line (two signers side by side)."""
    text = line.text
    parts = [p for p in (line.columns or re.split(r"\s[-–—_~.]+\s", text)) if _name_words(p)]
    if len(parts) < 2:
        parts = [p for p in re.split(r"\s[-–—_~.]+\s", text) if _name_words(p)]
    if len(parts) >= 2:
        return " ".join(_name_words(parts[-1]))
    words = _name_words(text)
    known = {squash(fold(m.group(1))) for m in _PERSON.finditer(layout.full_text)}
    for k in range(2, len(words) - 1):
        if fold(" ".join(words[:k])) in known:
            return " ".join(words[k:])
        if fold(" ".join(words[k:])) in known:
            return " ".join(words[k:])
    return " ".join(words[len(words) // 2 :]) if len(words) >= 4 else None


def _two_party(layout: Layout, region: list[int], keep: frozenset[str]) -> tuple[str | None, str | None] | None:
    """Two signers on one row: "NGƯỜI NỘP HỒ SƠ  NGƯỜI TIẾP NHẬN HỒ SƠ" over "Name A  Name B"."""
    for pos, i in enumerate(region):
        roles = _split_roles(layout.lines[i])
        if not roles:
            continue
        rest = [layout.lines[j] for j in region[pos + 1 :] if not layout.lines[j].text.startswith("(")]
        names = [ln for ln in rest if len(_name_words(ln.text)) >= 2]
        if not names:  # the seal or the scan hid the names: keep the role, say nothing of the person
            return None, sentence_case(roles[1], keep)
        name = _split_names(names[0], layout) if len(names) == 1 else (" ".join(_name_words(names[-1].text)) or None)
        return name, sentence_case(roles[1], keep)
    return None


def _signature_blocks(layout: Layout, region: list[int]) -> list[tuple[str, str | None]]:
    """(title, name) blocks in reading order: role lines, then the name under them."""
    blocks: list[tuple[str, str | None]] = []
    title = ""
    for i in region:
        line = layout.lines[i]
        run = _title_run(line.text)
        words = _name_words(line.text)
        if run:
            title = f"{title} {run}".strip()
        elif 2 <= len(words) <= 5 and len(words) == len(line.text.split()):
            blocks.append((title, " ".join(words)))
            title = ""
    if title:
        blocks.append((title, None))
    return blocks


def extract_signer(layout: Layout, taxonomy: Taxonomy) -> tuple[str | None, str | None]:
    """(nguoi_ky, chuc_vu_nguoi_ky): the name under the signature and the title block above it.

    Two signers side by side (receipts, minutes): the right-hand (or last) one, the official.
    """
    region, has_recipients = _signature_region(layout)
    keep = taxonomy.issuers.keep_upper
    if not has_recipients:
        both = _two_party(layout, region, keep)
        blocks = _signature_blocks(layout, region)
        if both or not blocks:
            return both or (None, None)
        role, signer = blocks[-1]
        return signer, (sentence_case(role, keep) if len(blocks) > 1 and role else role or None)
    title = squash(" ".join(_title_run(layout.lines[i].text) for i in region)) or None
    name = None
    for i in reversed(region):
        words = _name_words(layout.lines[i].text)
        if 2 <= len(words) <= 5:
            name = " ".join(words)
            break
    return name, title


# ------------------------------------------------------------------------------------ trích yếu ----
def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _without_place_date(text: str) -> str:
    """Cut out a "<Place>, ngày ..." that shares a row with the subject (two-column layout)."""
    for d in find_dates(text):
        prefix = text[: d.start] if d.spelled else re.sub(r"\S{2,5}\s*$", "", text[: d.start])
        if not prefix.rstrip().endswith(","):
            continue
        words = prefix.rstrip(" ,").split()
        cut = len(words)
        while cut > 0 and len(words) - cut < 4 and words[cut - 1][:1].isupper() and words[cut - 1].isalpha():
            cut -= 1
        if cut < len(words):
            return squash(" ".join(words[:cut]) + " " + text[d.end :]).strip(" ,.;")
    return text


def extract_trich_yeu(layout: Layout, taxonomy: Taxonomy, doc_type: str | None) -> str | None:
    """Subject line as the type prints it: "Về việc ...", "V/v ...", or the title in sentence case."""
    dtype = taxonomy.doc_type(doc_type)
    mode = "vv" if layout.vv else (dtype.trich_yeu if dtype else "subtitle")
    keep = taxonomy.issuers.keep_upper
    title = sentence_case(layout.title_text, keep) if layout.title else ""
    subject = _without_place_date(layout.subject_text)
    if mode == "vv":
        return re.sub(r"^\W{0,3}v\s?[/|l1i]\s?[vy]\s*", "V/v ", subject, flags=re.I) if subject else None
    if mode == "title+subtitle" and title and subject:
        return f"{title} {_lower_first(subject)}"
    if mode in ("title", "title+subtitle"):
        return title or subject or None
    return subject or title or None
