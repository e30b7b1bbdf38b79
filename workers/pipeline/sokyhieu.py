"""Số ký hiệu (number and symbol) of an administrative document, read from OCR text.

"16 / GP - SCT", "l429/QD-UBND", "1470HCQLHC", "89/TTIT-SCT" -> ``16/GP-SCT``, ``1429/QĐ-UBND``, ``1470/HC-QLHC``,
``89/TTr-SCT``. Separators OCR lost or misread are restored, letters OCR confused are repaired against the
vocabularies the system has: the type symbols of Nghị định 30 (``symbols``), the symbols of issuing bodies and
their units (``units``) and the symbols of the document's own type, as its title names it (``expected``).
Pure functions, no I/O.
"""

from __future__ import annotations

import re

from workers.pipeline.classify import Layout, edit_distance, is_upper, number_start, so_label
from workers.pipeline.taxonomy import Taxonomy
from workers.textnorm import fold

_SKH = re.compile(r"(?P<num>[0-9OoIl|]{1,6})/(?:(?P<year>[0-9OoIl|]{4})/)?(?P<sym>[^\W_]+(?:-[^\W_]+)*)")
DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "i": "1"})  # letters read for digits
_LOOKALIKE = str.maketrans({"8": "B", "0": "O", "5": "S", "6": "G", "1": "I"})


# Letters OCR confuses in the capitals of a symbol: C read as G or Œ (seal ink, blur), Đ as D, B as 8 ...
_CONFUSABLE = {frozenset(p) for p in ("CG", "CŒ", "CE", "CO", "DĐ", "B8", "S5", "O0", "IL", "I1", "L1")}


def _one_confusion(seg: str, known: str) -> bool:
    """``seg`` is ``known`` with one letter confused, or with one letter doubled ("TTTr" for "TTr").

    In a symbol of four letters or more any one letter may be misread ("QUTM" for "QLTM"): the other three
    still say which it is (the caller takes a repair only when exactly one symbol fits).
    """
    a, b = seg.upper(), known.upper()
    if len(a) == len(b):
        diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
        return len(diff) == 1 and (frozenset(diff[0]) in _CONFUSABLE or len(b) >= 4)
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


def _split_known(sym: str, vocab: tuple[str, ...]) -> list[str] | None:
    """``sym`` as two or three pieces that are all in ``vocab`` ("HCQLHC" -> ["HC", "QLHC"]), else None."""
    folded = {fold(v): v for v in vocab}
    key = fold(sym)
    for cut in range(2, len(key) - 1):
        head, rest = key[:cut], key[cut:]
        if head not in folded:
            continue
        if rest in folded:
            return [sym[:cut], sym[cut:]]
        tail = _split_known(sym[cut:], vocab) if len(rest) >= 4 else None
        if tail and len(tail) == 2:
            return [sym[:cut], *tail]
    return None


def _unglue(sym: str, symbols: tuple[str, ...], units: tuple[str, ...] = (), first: bool = True) -> str:
    """Repair "BCSCT" -> "BC-SCT", "HCQLHC" -> "HC-QLHC" when OCR lost the hyphens of a symbol.

    A run that is itself a known symbol stays whole; one that splits into known pieces is split there. The first
    part, failing that, loses the longest known symbol it starts with ("CVXD" -> "CV-XD": a company's own
    abbreviation after it); a later part is left whole ("KTATMT" is one unit's symbol).
    """
    if "-" in sym:
        parts = sym.split("-")
        return "-".join(_unglue(part, symbols, units, i == 0) for i, part in enumerate(parts))
    vocab = symbols + units
    if any(fold(v) == fold(sym) for v in vocab):
        return sym
    pieces = _split_known(sym, vocab)
    if pieces:
        return "-".join(pieces)
    fits = [s for s in vocab if first and fold(sym).startswith(fold(s)) and len(sym) - len(s) >= 2]
    best = max(fits, key=len, default=None)
    return f"{sym[: len(best)]}-{sym[len(best) :]}" if best else sym


def _expected_symbol(seg: str, expected: tuple[str, ...]) -> str | None:
    """The one symbol of the document's own type that ``seg`` is a garbled reading of ("TTIT" -> "TTr").

    Same first letter, one edit away; two when ``seg`` is longer (a speck read as a letter, plus a confusion).
    """
    a = fold(seg)
    near = {
        s
        for s in expected
        if a[:1] == fold(s)[:1] and edit_distance(a, fold(s)) <= (2 if len(a) > len(s) and len(s) >= 2 else 1)
    }
    return near.pop() if len(near) == 1 else None


def _symbol_part(
    seg: str, symbols: tuple[str, ...], first: bool, units: tuple[str, ...] = (), expected: tuple[str, ...] = ()
) -> tuple[str | None, bool]:
    """One "-"-separated part of the symbol, repaired; and whether the symbol ends here."""
    known = _known_symbol(seg, symbols, lookalike=first) or _known_symbol(seg, units, lookalike=True)
    if known:
        return known, False
    if first and (own := _expected_symbol(seg, expected)):
        return own, False
    # a lower-case letter with diacritics ("Hà") belongs to the place of the place and date, not to a symbol
    placed = not first and re.search(r"[^\x00-\x7f]", seg.lower().replace("đ", ""))
    if placed or (sum(c.isupper() for c in seg) < max(1, len(seg) - 1) and not seg.isdigit()):
        glued = re.match(r"([A-ZĐ0-9]{2,})[A-ZĐ][^\W\d_A-ZĐ]+$", seg)  # "SCTLạng": the place name glued on
        return (glued.group(1) if glued else None), True
    if sum(c.isalpha() for c in seg) >= 2:
        seg = re.sub(r"(?<=[A-ZĐ])0|0(?=[A-ZĐ])", "O", seg)
    return ("QĐ" if seg.upper() == "QD" else seg), False


_NUMBER_LOOKALIKES = str.maketrans({"B": "8", "G": "6", "L": "1", "U": "1", "I": "1", "l": "1", "|": "1", "O": "0"})


def _number_lookalikes(text: str, known: set[str]) -> str:
    """Letters read for digits in the number: "B1/GP" (81), "14G/TTr" (146), "7L/GP", "1U/GM"; and "7UGP-PKT", a 1
    read as U or L with the slash lost, when a known symbol follows that the letter does not itself start ("UBND")."""
    m = re.match(r"^([0-9BGLUIl|O]{1,5})(?=/)", text)
    if m and re.search(r"[0-9]", m.group(1)):
        return m.group(1).translate(_NUMBER_LOOKALIKES) + text[m.end() :]
    m = re.match(r"^([0-9]{1,4})([LU])(?=([A-ZĐ][^\W_]*))", text)
    if not m:
        return text

    def starts_known(word: str) -> bool:
        return any(word.startswith(k) for k in known if len(k) >= 2)

    after = fold(m.group(3))
    if starts_known(after) and not starts_known(fold(m.group(2)) + after):
        return f"{m.group(1)}1{text[m.end() :]}"
    return text


def _lost_hyphen(word: str, rest: str, known: set[str]) -> bool:
    """Whether ``word``, after a one-part symbol and a space, is the symbol's last part ("54/2024/CV TC").

    A known symbol is; so is a short run of capitals (a company's own abbreviation) when the place and date or
    nothing follows it, never a word of the capitals of the motto ("CỘNG HÒA").
    """
    if fold(word) in known:
        return True
    after = rest.split()[:1]
    return word.isupper() and len(word) <= 4 and (not after or not is_upper(after[0]))


def _separators(raw: str, vocab: tuple[str, ...]) -> str:
    """The text after "Số:" with OCR's separators made "/" and "-".

    Between capitals, "_", "~", "=", "." or ":" is a hyphen OCR misread; a space inside the type part
    ("TT r-SCT") is a speck; a space before a unit symbol ("1996/SCT QLTM") is a hyphen OCR lost; digits glued
    to a run of capitals that starts with a known symbol ("1470HCQLHC") lost their slash.
    """
    text = re.sub(r"\s*([/\-–—])\s*", lambda m: "/" if m.group(1) == "/" else "-", raw.strip())
    text = re.sub(r"^([0-9OoIl|]+)\s(?=[0-9OoIl|]+/)", r"\1", text)
    text = re.sub(r"(?<=[A-ZĐ])[_~=.:](?=[A-ZĐ]{2})", "-", text)
    text = re.sub(r"^(\S+/[A-ZĐ][^\W_]*)\s([^\W\d_]{1,3}-[A-ZĐ])", r"\1\2", text)  # "142/TT r-SCT"
    known = {fold(v) for v in vocab}
    m = re.match(r"(\S+/[A-ZĐ][^\W_]*)\s+([A-ZĐ][A-ZĐa-z]{1,5})(?![^\W_])", text)
    if m and _lost_hyphen(m.group(2), text[m.end() :], known):
        text = f"{m.group(1)}-{m.group(2)}{text[m.end() :]}"
    text = _number_lookalikes(text, known)
    run = re.match(r"^([0-9]{1,5})([A-ZĐ][A-ZĐa-z]+)", text)
    if run and any(fold(run.group(2)).startswith(k) for k in known if len(k) >= 2):
        text = f"{run.group(1)}/{text[run.end(1) :]}"
    return text


def read_so_ky_hieu(
    raw: str, symbols: tuple[str, ...] = (), units: tuple[str, ...] = (), expected: tuple[str, ...] = ()
) -> str | None:
    """Normalize the text after "Số:" ("16 / GP - SCT", "l429/QD-UBND") to ``16/GP-SCT``.

    ``symbols`` are the known type symbols (QĐ, TB ...), ``units`` the known symbols of issuing bodies and
    units (SCT, QLTM ...); a part one confused letter away from exactly one of them is read as that one.
    ``expected`` are the symbols of the document's own type (from its title): a type part close to one of them
    is read as it.
    """
    text = _separators(raw, symbols + units)
    # OCR lost the slash: "19GCNXD-SCT" is "19/GCNXD-SCT" (a symbol always starts with a capital)
    text = re.sub(r"^([0-9]{1,5})(?=[A-ZĐ]{2,}[A-ZĐ0-9]*-)", r"\1/", text)
    m = _SKH.match(text)
    if not m:
        return None
    num = m.group("num").translate(DIGITS)
    year = (m.group("year") or "").translate(DIGITS)
    if not num.isdigit() or (year and not year.isdigit()):
        return None
    parts: list[str] = []
    for i, seg in enumerate(_unglue(m.group("sym"), symbols, units).split("-")):
        fixed, last = _symbol_part(seg, symbols, i == 0, units, expected)
        parts += [fixed] if fixed else []
        if last:
            break
    return "/".join([num, *([year] if year else []), "-".join(parts)]) if parts else None


def extract_so_ky_hieu(layout: Layout, taxonomy: Taxonomy, doc_type: str | None = None) -> str | None:
    """Number and symbol as printed after "Số:" (or "Số cấp:" on certificates).

    ``doc_type``: the type the title names; its symbols (QĐ for a decision, TTr for a submission) repair a type
    part that OCR garbled beyond one confused letter ("TTIT" -> "TTr").
    """
    dtype = taxonomy.doc_type(doc_type)
    expected = dtype.symbols if dtype else ()
    order = [layout.so_line] if layout.so_line is not None else []
    order += [i for i, ln in enumerate(layout.lines) if re.match(r"^\W{0,3}so\s?cap\s*[:;]", ln.fold)]
    order += [i for i, ln in enumerate(layout.lines) if re.match(r"^\W{0,3}s\s?[o06]\s*[:;]", ln.fold)]
    for i in order:
        line = layout.lines[i]
        start = number_start(line) if i == layout.so_line else (m.end() if (m := so_label(line)) else None)
        value = None
        if start is not None:
            value = read_so_ky_hieu(line.text[start:], taxonomy.symbols, taxonomy.issuers.unit_symbols, expected)
        if value:
            return value
    return None
