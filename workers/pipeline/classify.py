"""Document structure, document type and lĩnh vực (field) of an administrative document.

:func:`parse_layout` finds the parts Nghị định 30/2020/NĐ-CP fixes: the issuer block top left (beside
the national motto), the "Số:" line, the title ("QUYẾT ĐỊNH", "GIẤY PHÉP ..."), and the subject
(trích yếu) under it, or the "V/v ..." line of a công văn, which has no title. :func:`classify` maps the
title to a type of the :class:`~workers.pipeline.taxonomy.Taxonomy` (OCR-tolerant), falls back to
keywords when no title is readable, and scores fields by keywords weighted by where they occur.
Confidences are 0..1. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from workers.pipeline.taxonomy import DocType, Taxonomy
from workers.pipeline.vndate import find_dates, fold_aligned
from workers.textnorm import nfc, squash

# "Độậc lập": a speck read as a second vowel in "Độc"
_MOTTO = re.compile(
    r"(?<![a-z])(?:c\s?[o0]\s?n\s?g\s*h\s?[o0]\s?a|x\s?a\s*h\s?[o0]\s?i\s*ch|d\s?[o0][a-z]?\s?c\s*[l1i|]\s?[a4]\s?p\b"
    r"|t\s?u\s*d\s?o\s*-|h\s?a\s?n\s?h\s*ph)"
)
# What is left of the Quốc hiệu when OCR garbled "CỘNG HÒA" ("Gộng Hòa", "Cộng:hòa", "KHẨU2ÔNG HÒA"): "xã hội
# chủ nghĩa" is still there, and the remains of "cộng hòa" just before it belong to the motto, not to the issuer.
_MOTTO_CORES = (
    (  # "xã hội chủ nghĩa": what precedes it is the rest of "cộng hòa", possibly glued to the issuer's last word
        re.compile(r"(?<![a-z])(?:x\s?[a4]\s*h\s?[o0]\s?[il1]\s*ch|h\s?[o0]\s?[il1]\s*ch\s?[uư]\s*ngh)"),
        re.compile(
            r"(?:c\s?[o0]\s?n\s?g|(?:(?<![a-z])[a-z0-9(]|(?<=[0-9]))?\W?[o0]\s?n\s?g)\W{0,2}\s*(?:[a-z]?\s?[o0]\s?a)?"
            r"\W{0,2}\s*$"
        ),
    ),
    (  # "tự do -": what precedes it is the rest of "độc lập -"
        re.compile(r"(?<![a-z])t\s?[uư]\s*d\s?[o0]\s*[-–]"),
        re.compile(r"(?<![a-z])(?:[a-z]\s?[a-z0]\s?c\s*[l1i|]\s?[a-z4]\s?p)?\W{0,3}\s*$"),
    ),
)
# "Sã:", "§ố:", "8õ:", "S:" are "Số:" misread; only with the colon, so that words starting "sa" do not count;
# "Số.123" with a dot for the colon
_SO_LABEL = re.compile(
    r"(?:^|[^a-z])(?:(?:s\s?[o06]\s*(?:cap\s*)?|[s§]\s?[ad]?|§\s?[o06]|8\s?[o0])\s*[:;][:;.,']*|s\s?[o06]\s*\.(?=\s?\d))\s*"
)
# "Số 16/GP-SCT", "Số58GP-SCT": the colon lost, the number glued on (checked for a capital S in so_label)
_SO_BARE = re.compile(r"(?<![a-z])s\s?[o06]\s*(?=[0-9oil|]{1,6}\s?(?:/|[a-z]{2,}\s?-))")
# "10/TTr-SCT" alone at the start of a header line: OCR lost the "Số:" label (a speck, a fold of the page)
_SO_UNLABELLED = re.compile(r"^[^a-z0-9]{0,4}(?=[0-9oil]{1,5}\s?/\s?(?:[0-9]{4}\s?/\s?)?[a-z]{1,7}\s?-\s?[a-z]{2})")
# "V/v", and OCR's "V/y", "Vlv", "V#", "VíN", "Vý/ý", "V/ " (the second v lost); "Ví ", "VÝ " (the slash read as
# an accent)
_VV = re.compile(r"^[^a-z]{0,3}v\s?[yv]?(?:[/|l1i#]\s?[vy]|[i#]\s?n(?![a-z])|[/#]\s)")
_VV_ACCENT = re.compile(r"^\W{0,3}V[íÍýÝ]\s(?![dđ][uụ]\b)")
# Characters OCR puts for others: fraction and division slashes, the Icelandic eth for Đ; stray accents alone
_LOOKALIKES = str.maketrans({"⁄": "/", "∕": "/", "Ð": "Đ", "ð": "đ", "ˆ": " ", "˜": " ", "´": " ", "¨": " "})
_BODY_START = re.compile(
    r"^[^a-z]{0,3}(?:can\s*cu|kinh\s*gui|thuc\s*hien|hom\s*nay|xet\s|theo\s*de\s*nghi|ma\s*ho\s*so|ten\s|dieu\s*\d"
    r"|[ivx]+\s?[.,]\s|\d+\s?[.)]\s)"
)
_AUTHORITY = re.compile(
    r"^(?:kt\.?\s|tm\.?\s|tl\.?\s|giam\s*doc|chu\s*tich|truong\s*phong|bo\s*truong|so\s|uy\s*ban|ubnd|chung\s*nhan\b)"
)
_JUNK = " \t-–—_|:;,.'\"`~¬“”‘’"


@dataclass
class Line:
    text: str  # NFC, whitespace collapsed
    fold: str  # letters_fold(text): same length, no diacritics, lower case
    page: int  # 0-based
    columns: tuple[str, ...] = ()  # parts separated by wide gaps (text layers laid out with spaces)


@dataclass
class Layout:
    """Where the parts of the document are (indexes into ``lines``)."""

    lines: list[Line]
    header: list[str] = field(default_factory=list)  # issuer block lines, as printed
    body_start: int = 0  # first line after the header block
    so_line: int | None = None
    title: list[int] = field(default_factory=list)
    subject: list[int] = field(default_factory=list)  # trích yếu under the title, or the V/v lines
    vv: bool = False  # the subject is a "V/v ..." line (công văn)

    def text_of(self, idx: list[int]) -> str:
        return squash(" ".join(strip_junk(self.lines[i].text) for i in idx)).strip(" .;:-_")

    @property
    def title_text(self) -> str:
        return self.text_of(self.title)

    @property
    def subject_text(self) -> str:
        return self.text_of(self.subject)

    @property
    def full_text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)

    @property
    def full_fold(self) -> str:
        return "\n".join(ln.fold for ln in self.lines)


@dataclass
class Classification:
    doc_type: str | None = None
    doc_type_confidence: float = 0.0
    doc_subtype: str | None = None
    field: str | None = None
    field_confidence: float = 0.0


def strip_junk(text: str) -> str:
    return text.strip(_JUNK)


def is_upper(text: str) -> bool:
    """Mostly upper-case letters (a title or a header line)."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.75 * len(letters)


def so_label(line: Line) -> re.Match[str] | None:
    """The "Số:" / "Số cấp:" label at the start of ``line`` when a number follows it.

    OCR may drop the colon: a capitalised "Số" directly followed by "<digits>/" still counts.
    """
    m = _SO_LABEL.search(line.fold[:12])
    if m is None:
        m = _SO_BARE.search(line.fold[:12])
        m = m if m and line.text[m.start() : m.start() + 1] == "S" else None
    return m if m and re.search(r"\d", line.text[m.end() : m.end() + 6]) else None


def unlabelled_number(line: Line) -> re.Match[str] | None:
    """A "10/TTr-SCT" at the start of ``line`` without its "Số:" label (only meaningful in the header)."""
    return _SO_UNLABELLED.match(line.fold)


def number_start(line: Line) -> int | None:
    """Where the số ký hiệu starts on the number line: after the "Số:" label, or where the label was lost."""
    m = so_label(line) or unlabelled_number(line)
    return m.end() if m else None


def vv_end(text: str) -> int | None:
    """The end of the "V/v" mark (OCR-garbled or not) that starts ``text``, else None."""
    m = _VV.match(letters_fold(text)) or _VV_ACCENT.match(text)
    return m.end() if m else None


def _is_vv(line: Line) -> bool:
    return bool(_VV.match(line.fold) or _VV_ACCENT.match(line.text))


# ------------------------------------------------------------------------------------ layout -------
def letters_fold(text: str) -> str:
    """:func:`fold_aligned`, then digits OCR'd inside words read as letters ("1ập" -> "lap", "Đ0ÀN" -> "doan")."""
    folded = fold_aligned(text)
    folded = re.sub(r"(?<=[a-z])[1|](?=[a-z])|(?<![\w/.-])[1|](?=[a-z]{2})", "l", folded)
    return re.sub(r"(?<=[a-z])0(?=[a-z])|(?<![\w/.-])0(?=[a-z]{2})", "o", folded)


def _lines(text: str) -> list[Line]:
    out = []
    for page, page_text in enumerate(nfc(text).translate(_LOOKALIKES).split("\f")):
        for raw in page_text.splitlines():
            clean = re.sub(r"^\|\s+|\s+\|$", "", squash(raw).strip(" _~`¬'\""))
            if any(c.isalnum() for c in clean) and not re.fullmatch(r"[-–\s]*\d{1,3}[-–\s]*", clean):
                columns = tuple(p for p in re.split(r"\s{3,}|\t", raw.strip()) if p.strip())
                out.append(Line(clean, letters_fold(clean), page, columns))
    return out


def motto_start(folded: str) -> int | None:
    """Where the national motto (right header column) starts in a folded line, OCR-garbled or not."""
    m = _MOTTO.search(folded)
    starts = [m.start()] if m else []
    for core_re, lead_re in _MOTTO_CORES:
        core = core_re.search(folded)
        if core:
            lead = lead_re.search(folded[: core.start()])
            starts.append(lead.start() if lead else core.start())
    return min(starts, default=None)


def place_date_start(text: str) -> int | None:
    """Where a "<Place>, ngày ..." (right header column) starts in ``text``, e.g. after the issuer's last line."""
    for d in find_dates(text):
        prefix = text[: d.start] if d.spelled else re.sub(r"\S{2,5}\s*$", "", text[: d.start])
        prefix = prefix.rstrip()
        if not prefix.endswith((",", ".")):
            continue
        words = list(re.finditer(r"\S+", prefix[:-1]))
        place = 0
        while place < min(4, len(words)):
            word = words[-1 - place].group()
            if not (word[:1].isupper() and word.isalpha() and not (place and word.isupper() and len(word) > 1)):
                break
            place += 1
        if place:
            return words[-place].start()
    return None


def _drop_specks(left: str) -> str:
    """Drop specks read as short lower-case words after an issuer line ("CỤC HÓA CHẤT Ta" -> "CỤC HÓA CHẤT")."""
    words = left.split()
    while len(words) > 1 and len(words[-1]) <= 3 and any(c.islower() for c in words[-1]):
        words.pop()
    return " ".join(words)


def _find_header(layout: Layout, is_title: Callable[[str], bool]) -> None:
    """Issuer lines: left of the motto (row order), or all lines above it (column/block order).

    Lines are cut at the motto and at a place and date that shares their row (columns close together).
    """
    motto_seen = motto_prev = False
    for i, line in enumerate(layout.lines[:10]):
        cut = motto_start(line.fold)
        dated = bool(find_dates(line.text))
        place = place_date_start(line.text) if dated and cut is None else None
        if place is not None and is_upper(line.text[:place]) and strip_junk(line.text[:place]):
            cut, dated = place, False  # "PHẨM HỒNG PHÁT Cao Bằng, ngày ...": the issuer's last line
        if so_label(line) or unlabelled_number(line) or _is_vv(line) or dated:
            break
        if cut is None and is_title(line.fold):
            break
        left = re.sub(r"['`\"‘’“”^~|_]", " ", line.text[:cut] if cut is not None else line.text)
        left = strip_junk(squash(re.sub(r"(?<=[A-ZĐ])0|0(?=[A-ZĐ])", "O", left)))
        left = re.sub(r"(?<=[^\W\d_])\d+$", "", left)  # "KHẨU2": the motto's first letter read as a digit
        speck = not re.search(r"[^\W\d_]{2}", left) or (len(left) <= 8 and not is_upper(left))
        if left and cut is None and not layout.header and speck:
            continue  # a speck, a stamped number, a smudge read as "nem", a form's "Mẫu số 01" above the header
        left = _drop_specks(left)
        if (cut is None and motto_seen and not motto_prev) or (left and not is_upper(left)):
            break
        if left:
            layout.header.append(left)
        layout.body_start, motto_prev = i + 1, cut is not None
        motto_seen = motto_seen or motto_prev
        if place is not None and cut == place:
            break


def _find_title(layout: Layout, is_title: Callable[[str], bool]) -> None:
    candidates: list[int] = []
    for i in range(layout.body_start, min(len(layout.lines), layout.body_start + 7)):
        line = layout.lines[i]
        if so_label(line) or (layout.so_line is None and not candidates and unlabelled_number(line)):
            layout.so_line = i
        elif (_is_vv(line) or _unmarked_vv(layout, i)) and not candidates:
            layout.vv, layout.subject = True, _subject_from(layout, i)
            return
        elif _BODY_START.match(line.fold):
            break
        elif is_upper(line.text) and not find_dates(line.text):
            candidates.append(i)
    chosen = [i for i in candidates if is_title(layout.lines[i].fold)] or candidates
    if chosen:
        layout.title = [chosen[0], *_title_rest(layout, chosen[0])]
        layout.subject = _subject_from(layout, layout.title[-1] + 1)


def _unmarked_vv(layout: Layout, i: int) -> bool:
    """Line ``i`` is the subject of a letter whose "V/v" OCR lost or garbled beyond reading ("báo cáo tình hình",
    "- Xi xác nhận"): right under the number, in running text, not a typed document's "Về việc", and "Kính gửi"
    follows within four lines."""
    line = layout.lines[i]
    if layout.so_line != i - 1 or is_upper(line.text) or _BODY_START.match(line.fold) or find_dates(line.text):
        return False
    if re.match(r"^\W*ve\s*viec", line.fold):
        return False
    return any(re.match(r"^\W{0,3}kinh\s*gui", ln.fold) for ln in layout.lines[i + 1 : i + 5])


def _title_rest(layout: Layout, first: int) -> list[int]:
    rest = []
    for j in range(first + 1, min(len(layout.lines), first + 4)):
        line = layout.lines[j]
        if not is_upper(line.text) or _AUTHORITY.match(line.fold.lstrip(_JUNK)) or find_dates(line.text):
            break
        rest.append(j)
    return rest


def _subject_from(layout: Layout, start: int) -> list[int]:
    out: list[int] = []
    for j in range(start, min(len(layout.lines), start + 4)):
        line = layout.lines[j]
        short_tail = bool(out) and len(line.text) <= 12  # "LPG", "Mạ": the last word wrapped alone
        if (is_upper(line.text) and not short_tail) or _BODY_START.match(line.fold) or so_label(line):
            break
        if out and not _continues(layout.lines[out[-1]].text, line.text):
            break
        out.append(j)
    return out


_CONNECTORS = {"cua", "va", "ve", "cho", "tai", "trong", "voi", "thuoc", "theo", "tren", "cac", "nhung", "tu", "den"}


def _continues(prev: str, nxt: str) -> bool:
    """Whether ``nxt`` carries on the wrapped subject line ``prev``."""
    first = strip_junk(nxt)[:1]
    if prev.rstrip(" -_|").endswith((".", ";", ":")) or re.search(r"[,.]\s*ng\w{0,3}\s*\d", fold_aligned(nxt)):
        return False  # a sentence ended, or the "<Place>, ngày ..." line follows
    if first.islower() or first.isdigit() or fold_aligned(prev).split()[-1:] in ([c] for c in _CONNECTORS):
        return True  # "... của" / "... trong" cannot end a subject
    return len(nxt) <= 40 and not nxt.rstrip().endswith(":")


def parse_layout(text: str, taxonomy: Taxonomy | None = None) -> Layout:
    """Split ``text`` (pages joined by ``\\f``) into the parts of an ND30 document."""
    layout = Layout(_lines(text))
    is_title = (lambda f: match_title(f, taxonomy) is not None) if taxonomy else (lambda f: False)
    _find_header(layout, is_title)
    _find_title(layout, is_title)
    if layout.so_line is None:
        layout.so_line = next((i for i, ln in enumerate(layout.lines[:12]) if so_label(ln)), None)
    return layout


# ------------------------------------------------------------------------------------ doc type -----
def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (small strings: titles, unit names)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _title_distance(folded_line: str, title: str) -> int | None:
    words = re.sub(r"[^a-z0-9 ]", " ", folded_line).split()
    target = title.replace(" ", "")
    allowed = 0 if len(target) <= 4 else len(target) // 7
    n = len(title.split())
    dists = [edit_distance("".join(words[:k]), target) for k in range(max(1, n - 1), n + 2) if k <= len(words)]
    best = min(dists, default=allowed + 1)
    return best if best <= allowed else None


def match_title(folded_line: str, taxonomy: Taxonomy) -> tuple[DocType, float] | None:
    """The type whose title starts ``folded_line`` (longest title wins) and a confidence."""
    best: tuple[int, DocType, float] | None = None
    for dtype in taxonomy.doc_types:
        for title in dtype.titles:
            dist = _title_distance(folded_line, title)
            if dist is not None and (best is None or len(title) > best[0]):
                best = (len(title), dtype, 0.97 - 0.08 * dist)
    return (best[1], best[2]) if best else None


def _by_keywords(folded: str, taxonomy: Taxonomy) -> tuple[str | None, float]:
    scores = {t.code: sum(folded.count(k) for k in t.keywords) for t in taxonomy.doc_types if t.keywords}
    code = max(scores, key=lambda c: scores[c], default=None)
    if not code or not scores[code]:
        return None, 0.0
    return code, round(0.3 + 0.3 * scores[code] / sum(scores.values()), 2)


def _doc_type(layout: Layout, taxonomy: Taxonomy) -> tuple[str | None, float]:
    for i in layout.title:
        found = match_title(layout.lines[i].fold, taxonomy)
        if found:
            return found[0].code, found[1]
    if layout.vv:
        return "cong_van", 0.9
    by_symbol = _symbol_type(layout, taxonomy)
    if by_symbol:
        return by_symbol, 0.75
    code, conf = _by_keywords(layout.full_fold, taxonomy)
    if code:
        return code, conf
    if layout.title:
        words = re.sub(r"[^a-z ]", " ", layout.lines[layout.title[0]].fold).split()[:2]
        return "_".join(words) or None, 0.2
    return None, 0.0


def _symbol_type(layout: Layout, taxonomy: Taxonomy) -> str | None:
    """Type named by the symbol of the số ký hiệu ("TB" in 12/TB-SCT) when the title is unreadable."""
    if layout.so_line is None:
        return None
    line = layout.lines[layout.so_line]
    m = so_label(line)
    seg = re.match(r"[^/\s]+\s?/\s?(?:\d{4}\s?/\s?)?([^\W\d_]+)", line.text[m.end() :]) if m else None
    dtype = taxonomy.by_symbol(seg.group(1)) if seg else None
    return dtype.code if dtype else None


def _subtype(dtype: DocType | None, folded: str) -> tuple[str | None, str | None]:
    for sub in dtype.subtypes if dtype else ():
        if any(p in folded for p in sub.patterns):
            return sub.code, sub.field
    return None, None


# ------------------------------------------------------------------------------------ field --------
def loose(phrase: str) -> str:
    """Regex for a folded phrase whose words OCR may have glued together or split apart."""
    return r"\s*".join(re.escape(w) for w in phrase.split())


def _count(keyword: str, text: str) -> int:
    return len(re.findall(rf"(?<![a-z]){loose(keyword)}(?![a-z])", text))


def _head(layout: Layout) -> str:
    """Folded title + subject (+ the request line of a receipt): where keywords weigh most."""
    request = next((ln.text for ln in layout.lines if re.search(r"noi\s*dung\s*yeu\s*cau", ln.fold)), "")
    return letters_fold(f"{layout.title_text} {layout.subject_text} {request}")


def _field(layout: Layout, taxonomy: Taxonomy) -> tuple[str | None, float]:
    """Keyword score per field: the subject (trích yếu, V/v) and the cited laws weigh most, passing mentions least.

    A letter on petrol names wine and tobacco in passing: body hits count 1 each (at most 6), a hit in the title
    or subject 8, a law or decree of the field cited in the body 4.
    """
    head = _head(layout)
    body = layout.full_fold
    scores: dict[str, float] = {}
    for fld in taxonomy.fields:
        score = 0.0
        for kw in fld.keywords:
            in_head, in_body = _count(kw, head), min(_count(kw, body), 6)
            named = 10 * _count("linh vuc " + kw, head) + 3 * _count("linh vuc " + kw, body)
            score += 8 * in_head + named + in_body
        score += 4 * sum(min(body.count(b), 2) for b in fld.bases)
        scores[fld.code] = score * fld.weight
    code = max(scores, key=lambda c: scores[c])
    total = sum(scores.values())
    if not scores[code]:
        return None, 0.0
    return code, round(min(0.95, scores[code] / total), 2)


def classify(layout: Layout, taxonomy: Taxonomy) -> Classification:
    """Type, subtype and field of the document laid out in ``layout``."""
    code, conf = _doc_type(layout, taxonomy)
    sub, sub_field = _subtype(taxonomy.doc_type(code), _head(layout))
    fld, fconf = (sub_field, 0.95) if sub_field else _field(layout, taxonomy)
    return Classification(code, conf, sub, fld, fconf)


def classify_text(text: str, taxonomy: Taxonomy) -> Classification:
    """:func:`classify` of raw text (pages joined by ``\\f``)."""
    return classify(parse_layout(text, taxonomy), taxonomy)
