"""How names are written: titles in sentence case, a phrase as the body spells it, business names.

Shared by the issuer (:mod:`workers.pipeline.issuer`) and the other fields (:mod:`workers.pipeline.extract`).
Pure functions, no I/O.
"""

from __future__ import annotations

import re

from workers.pipeline.classify import Layout, edit_distance, is_upper, letters_fold, loose, strip_junk
from workers.pipeline.taxonomy import Taxonomy
from workers.textnorm import fold

_NAME_STOP = re.compile(
    r"\s(?:có trách nhiệm|co trach nhiem|được|duoc|phải|xin|ngày|ngay|và hồ sơ|tại|hiện đang|với|theo|đã|"
    r"đề nghị|địa chỉ|trụ sở|mã số)\b|[;(,]|\s[-–]\s"
)


def sentence_case(text: str, keep_upper: frozenset[str] = frozenset()) -> str:
    """Title to sentence case: "GIẤY PHÉP BÁN LẺ LPG CHAI" -> "Giấy phép bán lẻ LPG chai" (``keep_upper`` kept)."""
    words = [w if w.strip(",.;:()") in keep_upper else w.lower() for w in text.split()]
    out = " ".join(words)
    return out[:1].upper() + out[1:]


def spellings(layout: Layout, phrase: str, start: int = 0, caps: bool = False) -> dict[str, tuple[int, int, int]]:
    """Each way ``phrase`` is written from line ``start`` on: (count, count in mixed case, position of the first).

    Matched without diacritics or spaces; a stray quote before a word ("Công ty 'TNHH") is skipped over.
    Occurrences in capitals count only with ``caps``, as their :func:`title_words` ("TÂN HÀ" -> "Tân Hà").
    """
    needle = re.sub(r"\W", "", fold(phrase))
    if not needle:
        return {}
    pattern = r"\s?['‘’`\"]?".join(map(re.escape, needle))
    text = " ".join(ln.text for ln in layout.lines[start:])
    folded = letters_fold(text)
    found: dict[str, tuple[int, int, int]] = {}
    for m in re.finditer(rf"(?<![a-z]){pattern}(?![a-z])", folded):
        spelled = re.sub(r"(?<=\s)['‘’`\"]", "", text[m.start() : m.end()])
        upper = is_upper(spelled)
        if upper and not caps:
            continue
        spelled = title_words(spelled) if upper else spelled
        count, mixed, first = found.get(spelled, (0, 0, m.start()))
        found[spelled] = (count + 1, mixed + (not upper), first)
    return found


def body_spelling(layout: Layout, phrase: str, start: int = 0) -> str | None:
    """How ``phrase`` is written in the body (not all caps) most often, matched without diacritics or spaces."""
    found = spellings(layout, phrase, start)
    return max(found, key=lambda s: (found[s][0], s)) if found else None


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


def cut_name(text: str) -> str | None:
    """The name at the start of ``text``, up to where the sentence goes on ("... có trách nhiệm", "; ", "(")."""
    m = _NAME_STOP.search(text)
    words = strip_junk(text[: m.start()] if m else text).split()
    return " ".join(words[:15]) if len(words) >= 2 else None
