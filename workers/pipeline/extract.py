"""Metadata fields of an administrative document, read from its :class:`~workers.pipeline.classify.Layout`.

Each ``extract_*`` function reads one field and returns None rather than guess. They work on clean text
and on raw OCR output: diacritics lost, O/0 and l/1 swapped, broken spacing, seal and signature noise
in the signature block. Dates are ISO ``YYYY-MM-DD``. Pure functions, no I/O.

The số ký hiệu is read in :mod:`workers.pipeline.sokyhieu`, the issuing body in :mod:`workers.pipeline.issuer`,
the validity end in :mod:`workers.pipeline.validity`; names and their spellings in :mod:`workers.pipeline.naming`.
"""

from __future__ import annotations

import re

from workers.pipeline.classify import Layout, Line, is_upper, strip_junk, vv_end
from workers.pipeline.naming import cut_name, entity_start, sentence_case
from workers.pipeline.sokyhieu import DIGITS as _DIGITS
from workers.pipeline.sokyhieu import extract_so_ky_hieu as extract_so_ky_hieu  # re-exported
from workers.pipeline.sokyhieu import read_so_ky_hieu as read_so_ky_hieu  # re-exported
from workers.pipeline.taxonomy import Taxonomy
from workers.pipeline.vndate import DateMatch, find_dates
from workers.textnorm import fold, squash

_MHS = re.compile(
    r"(?P<agency>[0-9A-Za-z|]{2,4}(?:\s?\.\s?[0-9A-Za-z|]{2,4}){2,4})\s?[-–]\s?(?P<day>[0-9OoIl|]{6})\s?[-–]\s?"
    r"(?P<seq>[0-9OoIl|]{3,5})(?![0-9])"
)


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


# ------------------------------------------------------------------------------------ chủ thể ------
_LABEL = re.compile(
    r"^\W{0,3}(?:\d{1,2}\s?[.)]\s*)?(?:ten\s*(?:thuong\s*nhan|to\s*chuc|doanh\s*nghiep|co\s*so|ho\s*kinh\s*doanh|don\s*vi)"
    r"|thuoc\s*(?:so\s*huu\s*cua\s*)?thuong\s*nhan|co\s*so)\s*[:;]\s*"
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


def _entity_in(text: str, taxonomy: Taxonomy, last: bool = False) -> str | None:
    """A business name in ``text``; failing that, a person introduced by "ông"/"bà"."""
    start = entity_start(text, taxonomy, last)
    if start is not None:
        return cut_name(text[start:])
    person = _PERSON.search(text)
    return cut_name(person.group(1)) if person and not last else None


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
        value = cut_name(_wrapped(layout, i, m.end()))
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
            return cut_name(text.split("(", 1)[1].split(")", 1)[0])
        person = _PERSON.search(text)
        return cut_name(person.group(1) if person else text)
    return None


def extract_chu_the(layout: Layout, taxonomy: Taxonomy, doc_type: str | None, issuer: str | None) -> str | None:
    """The licensee / applicant / inspected business the document is about (None for other types)."""
    dtype = taxonomy.doc_type(doc_type)
    if not dtype or not dtype.has_subject:  # a decision or notice may still be about one business
        start = entity_start(layout.subject_text, taxonomy)
        return cut_name(layout.subject_text[start:]) if start is not None else None
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
        mark = vv_end(subject)
        return f"V/v {subject[mark:].lstrip()}" if mark is not None else (subject or None)
    if mode == "title+subtitle" and title and subject:
        return f"{title} {_lower_first(subject)}"
    if mode in ("title", "title+subtitle"):
        return title or subject or None
    return subject or title or None
