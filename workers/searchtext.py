"""What every index backend shares: the fields derived from a record for full-text search, the query
terms, and highlighted snippets computed in Python (so both backends show the same highlights)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from .textnorm import fold, has_diacritics, normalize, squash

# Metadata that, when it matches, says more than a word somewhere in the body.
META_KEYS = (
    "doc_type_name",
    "trich_yeu",
    "so_ky_hieu",
    "co_quan_ban_hanh",
    "chu_the",
    "nguoi_ky",
    "ma_ho_so",
)
_WORD = re.compile(r"\w+", re.UNICODE)


def meta_text(record: dict[str, Any]) -> str:
    """The record's metadata as one searchable line."""
    return " ".join(str(record[k]) for k in META_KEYS if record.get(k))


def search_fields(record: dict[str, Any]) -> dict[str, str]:
    """Normalized and folded body/metadata text for an index."""
    body = record.get("text") or ""
    meta = meta_text(record) + " " + (record.get("filename") or "")
    return {
        "body_norm": normalize(body),
        "body_fold": fold(body),
        "meta_norm": normalize(meta),
        "meta_fold": fold(meta),
    }


def query_terms(text: str) -> tuple[list[str], list[str]]:
    """(normalized terms, folded terms) of a user query, in order, duplicates removed."""
    norm = list(dict.fromkeys(_WORD.findall(normalize(text))))
    folded = list(dict.fromkeys(_WORD.findall(fold(text))))
    return norm, folded


def _spans(mapped: str, terms: list[str]) -> list[tuple[int, int]]:
    pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in terms) + r")\b")
    return [(m.start(), m.end()) for m in pattern.finditer(mapped)]


def _char_map(text: str, convert: Callable[[str], str]) -> str:
    """``convert`` applied character by character, keeping positions (one character out per one in)."""
    out = []
    for ch in text:
        c = convert(ch)
        out.append(c if len(c) == 1 else (c[:1] or " "))
    return "".join(out)


def _fold_map(text: str) -> str:
    """Fold ``text`` character by character so positions line up with the original."""
    out = []
    for ch in text:
        f = fold(ch)
        out.append(f[0] if len(f) == 1 else (f[:1] or " "))
    return "".join(out)


def highlight(text: str, query: str, *, limit: int = 3, width: int = 90) -> list[str]:
    """Up to ``limit`` snippets of ``text`` around query terms, HTML-escaped, terms in ``<mark>``.

    Without diacritics in the query, matching ignores them (whole words), so "giay phep" marks "giấy
    phép"; with them, the spellings as typed are marked ("bán" marks "BÁN", not "BAN"), and folded
    matches only when the text has no exact one.
    """
    norm_terms, terms = query_terms(query)
    if not text or not terms:
        return []
    spans: list[tuple[int, int]] = []
    if has_diacritics(query):
        spans = _spans(_char_map(text, normalize), norm_terms)
    if not spans:
        spans = _spans(_fold_map(text), terms)
    snippets: list[str] = []
    used_until = -1
    for start, _end in spans:
        if start < used_until:
            continue
        lo = max(0, start - width // 3)
        hi = min(len(text), lo + width)
        window = [(s - lo, e - lo) for s, e in spans if s >= lo and e <= hi]
        snippets.append(_render(text[lo:hi], window, lo > 0, hi < len(text)))
        used_until = hi
        if len(snippets) >= limit:
            break
    return snippets


def _render(chunk: str, marks: list[tuple[int, int]], cut_left: bool, cut_right: bool) -> str:
    out = ["…" if cut_left else ""]
    pos = 0
    for start, end in marks:
        out.append(html.escape(squash_keep(chunk[pos:start])))
        out.append("<mark>" + html.escape(chunk[start:end]) + "</mark>")
        pos = end
    out.append(html.escape(squash_keep(chunk[pos:])))
    out.append("…" if cut_right else "")
    return "".join(out)


def squash_keep(text: str) -> str:
    """Whitespace runs (incl. newlines, form feeds) to one space, keeping leading/trailing spaces."""
    return re.sub(r"\s+", " ", text)


def plain_snippet(snippet: str) -> str:
    """A highlighted snippet as terminal text: marks become [brackets], entities unescaped."""
    return html.unescape(snippet.replace("<mark>", "[").replace("</mark>", "]"))


__all__ = ["highlight", "meta_text", "plain_snippet", "query_terms", "search_fields", "squash"]
