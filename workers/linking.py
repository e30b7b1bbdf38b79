"""Register-assisted linking: which register entry an indexed result document is, when OCR blurred its số ký hiệu.

Pure functions over register entries and index records; no I/O. Entries are found by normalized keys
(the số ký hiệu key, the number's confusion skeleton, the ngày ban hành), never by scanning the register.

**Scoring.** Each candidate entry gets a *penalty* (0 = a perfect fit; the ``score`` shown to staff is
``1 - penalty / 5`` clipped to 0..1) from everything the document carries:

* the number and year part: equal 0 (O/0, l/I/1 are already normalized); a letter read for a digit
  (S, B, G, Z for 5, 8, 6, 2) 0.5 each; 5↔8 swapped 1.0 each; year part lost 1.0; anything else is
  *another number* (3.0, or 2.5 when the document has none) and only ever a suggestion;
* the symbol, by a confusion-aware edit distance on the folded text: dash or slash lost/added 0.25;
  a look-alike (C/G, C/Œ, S/5, B/8, 5/8, O/0, l/1/I) 0.5; lost trailing segment(s) ("54/2024/CV" for
  "54/2024/CV-TC") 1.0; any other character 1.5;
* ngày ban hành: equal 0; one digit off 1.5; within 7 days 2.0; missing 2.0; otherwise 4.0;
* chủ thể (fuzzy match on folded text without legal-form words): close -2.0, fairly close -1.0,
  clearly different +1.0, unknown 0;
* type (register ``loai`` against the document type) and field: +0.5 each when they contradict.

**Automatic link** (``how="repaired"``): the best candidate has the right number (up to look-alikes),
a penalty of at most :data:`AUTO_MAX_PENALTY` and every other candidate is at least :data:`AUTO_MARGIN`
worse. With nothing but the số ký hiệu and the date that is about one repair (a few look-alikes, one
lost segment, one unknown character, or one date digit alone); a matching chủ thể allows more, a
different one less. Otherwise the candidates (best first, score :data:`MIN_SUGGESTION` and up) are
suggestions for staff.

**Which document holds an entry** (:func:`match_documents`):

1. a staff link always wins for its document (``how="manual"``, *confirmed*); a staff unlink keeps the
   document unlinked;
2. an exact reading (same normalized số ký hiệu and ngày ban hành) links (``exact``), as do all its
   second scans;
3. a repaired link never takes an entry that a staff link or an exact reading already holds for another
   document, unless it is a *duplicate scan*: its date is the entry's and its số ký hiệu differs from the
   entry's only by look-alikes, dashes or lost segments (it *is* that số ký hiệu after repair);
4. when only repaired readings claim an entry, they all link if they are the same reading (duplicate scans
   after repair count as one reading); different readings link none (staff decide).

A document is linked to at most one entry; an entry linked by several scans counts once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from functools import cache, lru_cache
from typing import Any

from .register import NON_RESULT_TYPES, SymbolKey, register_key, symbol_key
from .textnorm import fold

AUTO_MAX_PENALTY = 1.5
AUTO_MARGIN = 1.5
MIN_SUGGESTION = 0.3  # score; below it a candidate is noise
MAX_SUGGESTIONS = 5
SCORE_SCALE = 5.0
# A penalty above this can neither be suggested nor stop an automatic link (by the margin rule).
_HOPELESS = max(SCORE_SCALE * (1 - MIN_SUGGESTION), AUTO_MAX_PENALTY + AUTO_MARGIN)

_FREE_DIGITS = str.maketrans({"o": "0", "l": "1", "i": "1"})  # as in symbol_key: not even a repair
_LETTER_DIGITS = str.maketrans({"s": "5", "b": "8", "g": "6", "z": "2"})
_SWAP = {("5", "8"), ("8", "5")}
_LOOKALIKES = {frozenset(pair) for pair in ("cg", "cœ", "s5", "b8", "o0", "l1", "i1", "il", "58")}
_SEPARATORS = "-/"
_WORD = re.compile(r"[a-z0-9]+")
_LEGAL_FORMS = frozenset(
    _WORD.findall("cong ty tnhh co phan cp mtv mot thanh vien ho kinh doanh hkd chi nhanh dntn nghiep tu nhan htx")
)


@dataclass(frozen=True)
class Candidate:
    """One register entry scored against one document; ``reasons`` say why, in Vietnamese."""

    entry: dict[str, Any]
    entry_id: str
    penalty: float
    number_ok: bool  # the number (and year) is the entry's, up to look-alikes
    clean: bool  # same date and only look-alikes/dashes/lost segments: the entry's số ký hiệu after repair
    reasons: tuple[str, ...] = field(default=())

    @property
    def score(self) -> float:
        return round(min(1.0, max(0.0, 1.0 - self.penalty / SCORE_SCALE)), 2)

    def to_dict(self) -> dict[str, Any]:
        """The API shape of a suggestion; ``register_key`` is what the link endpoint takes."""
        e = self.entry
        return {
            "register_key": register_key(e),
            "so_ky_hieu": e["so_ky_hieu"],
            "ngay_ban_hanh": e["ngay_ban_hanh"],
            "loai": e.get("loai"),
            "chu_the": e.get("chu_the"),
            "linh_vuc": e.get("linh_vuc"),
            "score": self.score,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Match:
    """``doc_id`` is the result ``entry_id``; ``how`` is one of manual, exact, repaired."""

    doc_id: str
    entry_id: str
    how: str


# ------------------------------------------------------------------------------------------ distances


def _number(raw: str) -> tuple[str, float, list[str]] | None:
    """Digits of a number part with look-alike letters repaired, their cost and what was repaired."""
    free = raw.translate(_FREE_DIGITS)
    mapped = free.translate(_LETTER_DIGITS)
    if not mapped or not mapped.isdigit() or not mapped.isascii():
        return None
    fixes = [f"{a.upper()}→{b}" for a, b in zip(free, mapped, strict=True) if a != b]
    return str(int(mapped)), 0.5 * len(fixes), fixes


def _skeleton(digits: str) -> str:
    return digits.replace("8", "5")


def _digits_penalty(doc: str, reg: str) -> tuple[float, list[str]] | None:
    """Cost of reading ``reg`` as ``doc`` when only 5↔8 swaps are allowed; None for another number."""
    if doc == reg:
        return 0.0, []
    if len(doc) != len(reg) or any(a != b and (a, b) not in _SWAP for a, b in zip(doc, reg, strict=True)):
        return None
    swaps = [f"{a}→{b}" for a, b in zip(doc, reg, strict=True) if a != b]
    return 1.0 * len(swaps), swaps


def _op_cost(a: str, b: str) -> float:
    """Cost of reading register character ``b`` as ``a`` ("" = nothing there)."""
    if a == b:
        return 0.0
    if (not a or a in _SEPARATORS) and (not b or b in _SEPARATORS):
        return 0.25  # a dash or slash lost, added or swapped
    return 0.5 if a and b and frozenset((a, b)) in _LOOKALIKES else 1.5


def _edit(doc: str, reg: str) -> tuple[float, list[str], int]:
    """Weighted edit distance reading ``reg`` as ``doc``: (cost, repairs in words, unknown edits)."""
    n, m = len(doc), len(reg)
    dist = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        dist[i][0] = dist[i - 1][0] + _op_cost(doc[i - 1], "")
    for j in range(1, m + 1):
        dist[0][j] = dist[0][j - 1] + _op_cost("", reg[j - 1])
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            dist[i][j] = min(
                dist[i - 1][j - 1] + _op_cost(doc[i - 1], reg[j - 1]),
                dist[i - 1][j] + _op_cost(doc[i - 1], ""),
                dist[i][j - 1] + _op_cost("", reg[j - 1]),
            )
    repairs: list[str] = []
    unknown = 0
    i, j = n, m
    while i or j:  # walk back along one cheapest path to say what was repaired
        if i and j and dist[i][j] == dist[i - 1][j - 1] + _op_cost(doc[i - 1], reg[j - 1]):
            a, b = doc[i - 1], reg[j - 1]
            i, j = i - 1, j - 1
        elif i and dist[i][j] == dist[i - 1][j] + _op_cost(doc[i - 1], ""):
            a, b = doc[i - 1], ""
            i -= 1
        else:
            a, b = "", reg[j - 1]
            j -= 1
        if a != b:
            unknown += _op_cost(a, b) >= 1.5
            repairs.append(
                f"thiếu “{b.upper()}”" if not a else f"thừa “{a.upper()}”" if not b else f"{a.upper()}→{b.upper()}"
            )
    return dist[n][m], repairs[::-1], unknown


@lru_cache(maxsize=65536)
def _symbol(doc: str, reg: str) -> tuple[float, tuple[str, ...], int]:
    """Symbol distance, also trying the entry's symbol without its trailing segment(s) (cost 1.0).

    Cached: a register has few distinct symbols, so the pairs repeat across documents and entries.
    """
    cost, repairs, unknown = _edit(doc, reg)
    if cost == 0:
        return cost, (), 0
    for cut in (k for k, ch in enumerate(reg) if ch in _SEPARATORS and k > 0):
        c, r, u = _edit(doc, reg[:cut])
        if c + 1.0 < cost:
            cost, repairs, unknown = c + 1.0, [*r, f"mất đoạn cuối “{reg[cut:].upper()}”"], u
    return cost, tuple(repairs), unknown


def _date_penalty(doc: str | None, reg: str) -> tuple[float, str]:
    if not doc:
        return 2.0, "thiếu ngày ban hành"
    if doc == reg:
        return 0.0, "ngày ban hành khớp"
    if len(doc) == len(reg) and sum(a != b for a, b in zip(doc, reg, strict=True)) == 1:
        return 1.5, "ngày lệch một chữ số"
    try:
        days = abs((date.fromisoformat(doc) - date.fromisoformat(reg)).days)
    except ValueError:
        return 4.0, "ngày khác"
    return (2.0, f"ngày gần (lệch {days} ngày)") if days <= 7 else (4.0, "ngày khác")


@lru_cache(maxsize=8192)
def _words(name: str) -> tuple[str, ...]:
    words = _WORD.findall(fold(name))
    core = [w for w in words if w not in _LEGAL_FORMS]
    return tuple(core or words)


def subject_similarity(a: str, b: str, *, floor: float = 0.0) -> float:
    """0..1 likeness of two chủ thể names, ignoring diacritics, case and legal forms (Công ty TNHH ...).

    A result below ``floor`` may be any value below it (a cheap upper bound is tried first).
    """
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    short, long_ = sorted((wa, wb), key=len)
    if len(short) >= 2 and any(long_[k : k + len(short)] == short for k in range(len(long_) - len(short) + 1)):
        return max(0.9, SequenceMatcher(None, " ".join(wa), " ".join(wb)).ratio())
    matcher = SequenceMatcher(None, " ".join(wa), " ".join(wb))
    if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
        return 0.0
    return matcher.ratio()


def _subject_penalty(doc: str | None, reg: str | None) -> tuple[float, str | None]:
    if not (doc or "").strip() or not (reg or "").strip():
        return 0.0, None
    sim = subject_similarity(doc or "", reg or "", floor=0.45)
    if sim >= 0.85:
        return -2.0, f"chủ thể khớp ({sim:.0%})"
    if sim >= 0.7:
        return -1.0, f"chủ thể gần khớp ({sim:.0%})"
    if sim < 0.45:
        return 1.0, "chủ thể khác"
    return 0.0, None


@cache
def _type_prefixes() -> tuple[tuple[str, str], ...]:
    """(folded name prefix, type code), longest first, from the taxonomy ("Giấy phép / Giấy chứng nhận")."""
    from .records import taxonomy_names

    types, _fields = taxonomy_names()
    pairs = {(fold(part).strip(), code) for code, name in types.items() for part in name.split("/") if part.strip()}
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@lru_cache(maxsize=1024)
def _type_of(loai: str | None) -> str | None:
    text = fold(loai or "").strip()
    return next((code for prefix, code in _type_prefixes() if text.startswith(prefix)), None)


# ------------------------------------------------------------------------------------------ the index


class RegisterIndex:
    """Register entries keyed for linking: exact key, number skeleton (5/8 folded) and date."""

    def __init__(self, entries: Iterable[dict[str, Any]]) -> None:
        self.entries: dict[str, dict[str, Any]] = {}
        self._keys: dict[str, SymbolKey] = {}
        self._exact: dict[tuple[SymbolKey, str], str] = {}
        self._by_number: dict[str, list[str]] = defaultdict(list)
        self._by_date: dict[str, list[str]] = defaultdict(list)
        for e in entries:
            key = symbol_key(e["so_ky_hieu"])
            if key is None:
                continue
            ident = f"{key.text()}|{e['ngay_ban_hanh']}"  # entry_id() without normalizing twice
            self.entries[ident] = e
            self._keys[ident] = key
            self._exact[(key, e["ngay_ban_hanh"])] = ident
            self._by_number[_skeleton(key.number)].append(ident)
            self._by_date[e["ngay_ban_hanh"]].append(ident)

    def exact(self, record: dict[str, Any]) -> str | None:
        """The entry read exactly (normalized số ký hiệu and ngày ban hành), or None."""
        key = symbol_key(record.get("so_ky_hieu"))
        day = record.get("ngay_ban_hanh")
        return self._exact.get((key, day)) if key is not None and day else None

    def candidates(self, record: dict[str, Any]) -> list[Candidate]:
        """The entries sharing the number (up to look-alikes) or the date, scored, best first; those too far
        off to matter (see ``_HOPELESS``) are left out."""
        key = symbol_key(record.get("so_ky_hieu"))
        number = _number(key.number) if key else None
        idents = set(self._by_number.get(_skeleton(number[0]), ())) if number else set()
        if record.get("ngay_ban_hanh"):
            idents.update(self._by_date.get(record["ngay_ban_hanh"], ()))
        scored = [c for ident in idents if (c := self._score(record, key, number, ident)) is not None]
        return sorted(scored, key=lambda c: (c.penalty, c.entry["ngay_ban_hanh"], c.entry["so_ky_hieu"]))

    def decide(self, record: dict[str, Any]) -> tuple[str, Candidate | None, str] | None:
        """``("exact", None, entry_id)``, ``("repaired", candidate, entry_id)`` or None (see module doc)."""
        ident = self.exact(record)
        if ident is not None:
            return "exact", None, ident
        found = self.candidates(record)
        if not found:
            return None
        best = found[0]
        clear = len(found) == 1 or found[1].penalty - best.penalty >= AUTO_MARGIN
        if best.number_ok and best.penalty <= AUTO_MAX_PENALTY and clear:
            return "repaired", best, best.entry_id
        return None

    def _score(
        self, record: dict[str, Any], key: SymbolKey | None, number: tuple[str, float, list[str]] | None, ident: str
    ) -> Candidate | None:
        entry, reg = self.entries[ident], self._keys[ident]
        reasons: list[str] = []
        penalty = 0.0
        unknown = 0
        number_ok = False
        if key is None:
            penalty += 4.0
            reasons.append("không đọc được số ký hiệu")
        elif number is None:
            cost, repairs, unknown = _symbol(key.symbol, reg.symbol)
            penalty += 2.5 + cost
            reasons.append("không đọc được số")
        else:
            digits, letter_cost, letter_fixes = number
            swapped = _digits_penalty(digits, reg.number)
            if swapped is None:
                penalty += 3.0
                reasons.append(f"số khác ({digits} ≠ {reg.number})")
            else:
                number_ok = True
                penalty += letter_cost + swapped[0]
                fixes = letter_fixes + swapped[1]
                reasons.append(f"số: {', '.join(fixes)}" if fixes else "số khớp")
            if key.year != reg.year:
                year = _digits_penalty(key.year, reg.year) if key.year and reg.year else None
                if year is not None:
                    penalty += year[0]
                    reasons.append(f"năm trong số: {', '.join(year[1])}")
                elif not key.year:
                    penalty += 1.0
                    reasons.append(f"thiếu năm “{reg.year}” trong số")
                else:
                    penalty += 3.0
                    number_ok = False
                    reasons.append(f"năm trong số khác ({key.year} ≠ {reg.year or '∅'})")
            cost, repairs, unknown = _symbol(key.symbol, reg.symbol)
            penalty += cost
            reasons.append(f"ký hiệu: {', '.join(repairs)}" if repairs else "ký hiệu khớp")
        day_penalty, day_reason = _date_penalty(record.get("ngay_ban_hanh"), entry["ngay_ban_hanh"])
        penalty += day_penalty
        if penalty - 2.0 > _HOPELESS:  # not even a licensee match would make it a suggestion or a rival
            return None
        reasons.append(day_reason)
        subject_penalty, subject_reason = _subject_penalty(record.get("chu_the"), entry.get("chu_the"))
        penalty += subject_penalty
        if subject_reason:
            reasons.append(subject_reason)
        wanted_type = _type_of(entry.get("loai"))
        if record.get("doc_type") and wanted_type and record["doc_type"] != wanted_type:
            penalty += 0.5
            reasons.append("loại văn bản khác")
        if record.get("field") and entry.get("linh_vuc") and record["field"] != entry["linh_vuc"]:
            penalty += 0.5
            reasons.append("lĩnh vực khác")
        clean = number_ok and unknown == 0 and day_penalty == 0 and (key is not None and key.year == reg.year)
        return Candidate(entry, ident, round(penalty, 2), number_ok, clean, tuple(reasons))


# ------------------------------------------------------------------------------------------ linking


def match_documents(
    records: Iterable[dict[str, Any]],
    entries: list[dict[str, Any]],
    links: dict[str, dict[str, Any]],
    index: RegisterIndex | None = None,
) -> dict[str, Match]:
    """Which indexed document is which register entry (see the module docstring for the rules).

    ``index``: the :class:`RegisterIndex` of ``entries`` when the caller has one already.
    """
    index = index or RegisterIndex(entries)
    matches: dict[str, Match] = {}
    held: set[str] = set()
    claims: dict[str, list[tuple[str, tuple[str, str], str]]] = defaultdict(list)
    for record in records:
        doc_id = record["doc_id"]
        if record.get("state") != "indexed" or record.get("doc_type") in NON_RESULT_TYPES:
            continue
        manual = links.get(doc_id)
        if manual is not None:
            if manual.get("entry_id") in index.entries:
                matches[doc_id] = Match(doc_id, manual["entry_id"], "manual")
                held.add(manual["entry_id"])
            continue
        decision = index.decide(record)
        if decision is None:
            continue
        how, candidate, ident = decision
        if how == "exact":
            matches[doc_id] = Match(doc_id, ident, "exact")
            held.add(ident)
            continue
        assert candidate is not None
        key = symbol_key(record.get("so_ky_hieu"))
        reading = (ident, "") if candidate.clean else (key.text() if key else "", record.get("ngay_ban_hanh") or "")
        claims[ident].append(("clean" if candidate.clean else "near", reading, doc_id))
    for ident, claimed in claims.items():
        if ident in held:
            keep = [c for c in claimed if c[0] == "clean"]  # duplicate scans of a held entry only
        elif len({reading for _kind, reading, _doc in claimed}) == 1:
            keep = claimed
        else:
            continue  # different readings of one entry: which is the result is for staff to say
        for _kind, _reading, doc_id in keep:
            matches[doc_id] = Match(doc_id, ident, "repaired")
    return matches


def suggestions(record: dict[str, Any], index: RegisterIndex, taken: set[str] | None = None) -> list[dict[str, Any]]:
    """Candidate entries for staff to confirm (API shape, best first, at most :data:`MAX_SUGGESTIONS`).

    ``taken``: entries that other documents are already linked to; such a candidate says so.
    """
    out: list[dict[str, Any]] = []
    for candidate in index.candidates(record):
        if candidate.score < MIN_SUGGESTION or len(out) >= MAX_SUGGESTIONS:
            break
        item = candidate.to_dict()
        if taken and candidate.entry_id in taken:
            item["reasons"].append("đã có tài liệu khác liên kết")
        out.append(item)
    return out
