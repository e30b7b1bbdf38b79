"""Vietnamese text normalization shared by every index backend and by queries.

``normalize`` gives NFC text with tone marks on the right vowel (new style "hoà" -> "hòa" is NOT
forced; both old and new placements are mapped to one form), lower-cased. ``fold`` additionally removes
all diacritics, including đ -> d, so "giấy phép" and "giay phep" meet. Indexes store both forms: a
query with diacritics matches the exact field first (higher weight), a query without diacritics matches
the folded field.
"""

from __future__ import annotations

import re
import unicodedata

# Old-style tone placement (on the first vowel of oa/oe/uy) -> the placement used by most government
# documents after 2018 and by Tesseract's `vie` model. Both spellings must meet in the index.
_TONE_MOVES: dict[str, str] = {}
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _build_tone_moves() -> None:
    pairs = [("o", "a"), ("o", "e"), ("u", "y")]
    for tone in _TONES:
        for first, second in pairs:
            for up1, up2 in ((False, False), (True, False), (True, True)):
                f = first.upper() if up1 else first
                s = second.upper() if up2 else second
                old = unicodedata.normalize("NFC", f + tone + s)
                new = unicodedata.normalize("NFC", f + s + tone)
                _TONE_MOVES[old] = new


_build_tone_moves()
_TONE_RE = re.compile("|".join(sorted(map(re.escape, _TONE_MOVES), key=len, reverse=True)))
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")


def nfc(text: str) -> str:
    """NFC-normalize and collapse runs of whitespace inside lines (keeps newlines)."""
    return unicodedata.normalize("NFC", text)


def _move_tones(text: str) -> str:
    # Only move a tone when the pair is not followed by another vowel-ish letter that makes it a
    # different syllable shape; for oa/oe/uy at word end ("hoà", "thuỷ") both spellings are common.
    return _TONE_RE.sub(lambda m: _TONE_MOVES[m.group(0)], text)


def normalize(text: str) -> str:
    """NFC, unified tone placement, case-folded. Diacritics are kept."""
    return _move_tones(nfc(text)).casefold()


def fold(text: str) -> str:
    """:func:`normalize`, then strip every diacritic (đ -> d). ASCII-only for Vietnamese input."""
    text = normalize(text).replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped)


def has_diacritics(text: str) -> bool:
    """True when ``text`` carries any Vietnamese diacritic (the user typed them on purpose)."""
    return fold(text) != normalize(text)


def tokens(text: str) -> list[str]:
    """Word tokens of normalized text (diacritics kept)."""
    return _WORD_RE.findall(normalize(text))


def folded_tokens(text: str) -> list[str]:
    """Word tokens of folded text."""
    return _WORD_RE.findall(fold(text))


def squash(text: str) -> str:
    """Collapse all whitespace to single spaces and strip."""
    return _SPACE_RE.sub(" ", text).strip()
