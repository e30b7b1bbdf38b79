"""The issuing body (cơ quan ban hành) of a document, canonical: "Sở Công Thương tỉnh Thái Nguyên".

Read from the header block top left: a two-line header names the issuing body of its second line qualified by the
locality of the governing body on its first line; a company letterhead names the company, as the body spells it.
OCR damage is repaired against the taxonomy's vocabularies (unit names, places, legal forms). Pure functions,
no I/O.
"""

from __future__ import annotations

import re

from workers.pipeline.classify import Layout, edit_distance, is_upper, letters_fold, loose, place_date_start, strip_junk
from workers.pipeline.naming import (
    body_spelling,
    close_name,
    cut_name,
    entity_start,
    sentence_case,
    spellings,
    title_words,
)
from workers.pipeline.taxonomy import Taxonomy
from workers.textnorm import fold, squash


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
        return _split_garbled_level(text, taxonomy)
    start, _, end, level = min(hits)
    return text[:start].strip(), level, strip_junk(text[end:])


def _split_garbled_level(text: str, taxonomy: Taxonomy) -> tuple[str, str, str] | None:
    """:func:`split_place` of "UBND TỈNÑH CAO BẰNG": a level word of four letters or more with one letter too many
    (a speck read as a letter; a substitution is not taken: "KINH" is not "TỈNH")."""
    words = text.split()
    for i, word in enumerate(words[1:-1], start=1):
        key = re.sub(r"[^a-z]", "", letters_fold(word))
        for level in taxonomy.issuers.levels:
            target = fold(level)
            if len(target) >= 4 and len(key) == len(target) + 1 and edit_distance(key, target) == 1:
                return " ".join(words[:i]), level, strip_junk(" ".join(words[i + 1 :]))
    return None


def _canon(text: str, layout: Layout, taxonomy: Taxonomy) -> str:
    return close_name(text, taxonomy.issuers.names) or body_spelling(layout, text) or sentence_case(text)


def _locality(level: str, place: str, layout: Layout, taxonomy: Taxonomy) -> str:
    """The locality "tỉnh Thái Nguyên": a known place as the taxonomy spells it; another as the document spells it
    most often, in capitals (the header, the signer's title) or not.

    OCR damages the diacritics of capitals more than those of running text ("TUYẾN QUANG" for "TUYÊN QUANG"),
    so on a tie the spellings in running text win; then the one read first (the "<Place>, ngày" line).
    """
    key = squash(fold(strip_junk(place)))
    known = next((p for p in taxonomy.issuers.places if squash(fold(p)) == key), None)
    if known:
        return f"{level} {known}"
    votes = spellings(layout, place, caps=True)
    if not votes:
        return f"{level} {title_words(strip_junk(place))}"
    return f"{level} {max(votes, key=lambda s: (votes[s][0], votes[s][1], -votes[s][2]))}"


def _closest_entity(layout: Layout, name: str, taxonomy: Taxonomy) -> str | None:
    """The business named in the body whose name is closest to the (OCR-damaged) letterhead ``name``."""
    key = re.sub(r"\W", "", fold(name))
    best: tuple[float, str] | None = None
    for line in layout.lines[layout.body_start :]:
        start = entity_start(line.text, taxonomy)
        found = cut_name(line.text[start:]) if start is not None else None
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
    groups = _company_lines([_entity_prefix(g, taxonomy) for g in _groups(header, taxonomy)], taxonomy)
    unit = groups[-1]
    if entity_start(unit, taxonomy) == 0:
        name = body_spelling(layout, unit, layout.body_start) or _closest_entity(layout, unit, taxonomy) or unit
        return legal_form(name, taxonomy)
    own = split_place(unit, taxonomy)
    if own and own[0]:
        return f"{_canon(own[0], layout, taxonomy)} {_locality(own[1], own[2], layout, taxonomy)}"
    parent = split_place(groups[-2], taxonomy) if len(groups) > 1 else None
    territorial = parent and _territorial(parent[0], taxonomy)
    if parent and territorial:
        return f"{_canon(unit, layout, taxonomy)} {_locality(parent[1], parent[2], layout, taxonomy)}"
    level = _garbled_level(groups[-2], taxonomy) if len(groups) > 1 and not parent else None
    place = _place_of_date(layout) if level else None
    if level and place:  # "UBNDTỈNHHÀTĨNH" over "SỞ CÔNG THƯƠNG": the place of "Hà Tĩnh, ngày ..." names it
        return f"{_canon(unit, layout, taxonomy)} {_locality(level, place, layout, taxonomy)}"
    return _canon(unit, layout, taxonomy)


def _entity_prefix(line: str, taxonomy: Taxonomy) -> str:
    """A letterhead whose business prefix OCR damaged ("OANH NGHIỆP TƯ NHÂN X" for "DOANH NGHIỆP TƯ NHÂN X") with
    the prefix restored, so that the name is found in the body; other header lines unchanged."""
    if entity_start(line, taxonomy) == 0 or not is_upper(line):
        return line
    words = line.split()
    for prefix in sorted(taxonomy.issuers.entity_prefixes, key=len, reverse=True):
        n, key = len(prefix.split()), re.sub(r"\W", "", fold(prefix))
        head = re.sub(r"\W", "", fold(" ".join(words[:n])))
        if len(key) >= 8 and len(words) > n - 1 and edit_distance(head, key) <= 1:
            return " ".join([prefix.upper(), *words[n:]])
    return line


def _company_lines(groups: list[str], taxonomy: Taxonomy) -> list[str]:
    """A company name wrapped onto a line that starts like a unit ("CÔNG TY CỔ PHẦN DỊCH" over "VỤ THƯƠNG MẠI")
    is one name: a business has no subordinate unit under its letterhead."""
    if len(groups) == 2 and entity_start(groups[0], taxonomy) == 0 and entity_start(groups[1], taxonomy) != 0:
        return [f"{groups[0]} {groups[1]}"]
    return groups


def _territorial(body: str, taxonomy: Taxonomy) -> bool:
    """Whether ``body`` names a body that owns territorial units ("UBND", OCR'd "ĐBND", "UWBND" too)."""
    key = squash(fold(_expand(body, taxonomy)))
    if key in taxonomy.issuers.territorial:
        return True
    squashed = re.sub(r"\W", "", key)
    short = [k for k, v in taxonomy.issuers.abbreviations.items() if squash(fold(v)) in taxonomy.issuers.territorial]
    full = [re.sub(r"\W", "", t) for t in taxonomy.issuers.territorial]
    return any(len(squashed) >= 4 and edit_distance(squashed, k) <= 1 for k in short) or any(
        edit_distance(squashed, t) <= 2 for t in full
    )


def legal_form(name: str, taxonomy: Taxonomy) -> str:
    """``name`` with its legal form spelled as the vocabulary spells it ("Công ty Cố phần X" -> "Công ty Cổ phần X").

    OCR damages the diacritics of "Cổ phần", "Hộ kinh doanh" ... as of any word; the forms are a closed list.
    """
    words = name.split()
    for form in sorted(taxonomy.issuers.entity_prefixes, key=len, reverse=True):
        n = len(form.split())
        if len(words) > n and fold(" ".join(words[:n])) == fold(form):
            return " ".join([form, *words[n:]])
    return name


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
