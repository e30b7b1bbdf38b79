"""Load the document-type / field / issuer taxonomy (``workers/taxonomy.toml``, format documented there).

:func:`load_taxonomy` reads the packaged file, or the file given as ``path`` instead (an operator's
override). Phrases are stored folded (no diacritics, lower case) for matching. A malformed file raises
:class:`workers.errors.ConfigError` (code ``taxonomy_invalid``) naming the file and the problem.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from workers.errors import ConfigError
from workers.textnorm import fold, squash

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "taxonomy.toml"
_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_TRICH_YEU_MODES = {"subtitle", "title", "title+subtitle", "vv"}


def _folded(phrases: list[str]) -> tuple[str, ...]:
    return tuple(squash(fold(p)) for p in phrases)


@dataclass(frozen=True)
class Subtype:
    code: str
    patterns: tuple[str, ...]  # folded
    field: str | None = None


@dataclass(frozen=True)
class DocType:
    code: str
    name: str
    titles: tuple[str, ...]  # folded title prefixes
    symbols: tuple[str, ...] = ()  # as printed in số ký hiệu ("QĐ", "TTr")
    keywords: tuple[str, ...] = ()  # folded
    trich_yeu: str = "subtitle"
    has_subject: bool = False  # a chủ thể (licensee / applicant / inspected business) is extracted
    subtypes: tuple[Subtype, ...] = ()


@dataclass(frozen=True)
class Field:
    code: str
    name: str
    keywords: tuple[str, ...]  # folded
    weight: float = 1.0  # < 1 for catch-all fields that many documents mention in passing
    bases: tuple[str, ...] = ()  # folded: the field's own laws and decrees, as cited ("87/2018/nđ-cp")


@dataclass(frozen=True)
class Issuers:
    abbreviations: dict[str, str] = field(default_factory=dict)  # folded abbreviation -> expansion
    territorial: tuple[str, ...] = ()  # folded
    levels: tuple[str, ...] = ()  # as written (lower case, with diacritics)
    names: tuple[str, ...] = ()  # canonical spellings
    unit_words: tuple[str, ...] = ()  # how the name of an issuing unit starts ("Sở", "Phòng", ...)
    entity_prefixes: tuple[str, ...] = ()  # as written
    keep_upper: frozenset[str] = frozenset()
    unit_symbols: tuple[str, ...] = ()  # issuing bodies' and their units' parts of a số ký hiệu (SCT, QLTM ...)
    places: tuple[str, ...] = ()  # canonical spellings of localities (provinces, centrally-run cities)


@dataclass(frozen=True)
class Taxonomy:
    doc_types: tuple[DocType, ...]
    fields: tuple[Field, ...]
    issuers: Issuers
    source: str = ""

    def doc_type(self, code: str | None) -> DocType | None:
        return next((t for t in self.doc_types if t.code == code), None)

    def by_symbol(self, symbol: str) -> DocType | None:
        """The only type whose symbol is ``symbol`` (diacritics- and case-insensitive), else None."""
        hits = {t.code: t for t in self.doc_types for s in t.symbols if fold(s) == fold(symbol)}
        return next(iter(hits.values())) if len(hits) == 1 else None

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(s for t in self.doc_types for s in t.symbols)


def _code(entry: dict[str, Any], where: str) -> str:
    code = entry.get("code")
    if not isinstance(code, str) or not _CODE_RE.match(code):
        raise ValueError(f"{where}: 'code' must be snake_case ASCII, got {code!r}")
    return code


def _subtype(entry: dict[str, Any], where: str) -> Subtype:
    return Subtype(_code(entry, where), _folded(list(entry.get("patterns", []))), entry.get("field"))


def _doc_type(entry: dict[str, Any]) -> DocType:
    where = f"doc_types[{entry.get('code')!r}]"
    mode = entry.get("trich_yeu", "subtitle")
    if mode not in _TRICH_YEU_MODES:
        raise ValueError(f"{where}: trich_yeu must be one of {sorted(_TRICH_YEU_MODES)}")
    return DocType(
        code=_code(entry, where),
        name=str(entry.get("name", entry["code"])),
        titles=_folded(list(entry.get("titles", []))),
        symbols=tuple(entry.get("symbols", [])),
        keywords=_folded(list(entry.get("keywords", []))),
        trich_yeu=mode,
        has_subject=bool(entry.get("has_subject", False)),
        subtypes=tuple(_subtype(s, where) for s in entry.get("subtypes", [])),
    )


def _field(entry: dict[str, Any]) -> Field:
    keywords = _folded(list(entry.get("keywords", [])))
    bases = _folded(list(entry.get("bases", [])))
    return Field(_code(entry, "fields"), str(entry.get("name", "")), keywords, float(entry.get("weight", 1.0)), bases)


def _issuers(entry: dict[str, Any]) -> Issuers:
    return Issuers(
        abbreviations={fold(k): v for k, v in entry.get("abbreviations", {}).items()},
        territorial=_folded(list(entry.get("territorial", []))),
        levels=tuple(entry.get("levels", [])),
        names=tuple(entry.get("names", [])),
        unit_words=tuple(entry.get("unit_words", [])),
        entity_prefixes=tuple(entry.get("entity_prefixes", [])),
        keep_upper=frozenset(entry.get("keep_upper", [])),
        unit_symbols=tuple(entry.get("unit_symbols", [])),
        places=tuple(entry.get("places", [])),
    )


def parse_taxonomy(data: dict[str, Any], source: str = "<dict>") -> Taxonomy:
    """Build a :class:`Taxonomy` from parsed TOML. Raises ``ValueError`` on a malformed entry."""
    doc_types = tuple(_doc_type(e) for e in data.get("doc_types", []))
    fields = tuple(_field(e) for e in data.get("fields", []))
    if not doc_types or not fields:
        raise ValueError("needs at least one [[doc_types]] and one [[fields]] entry")
    known = {f.code for f in fields}
    for t in doc_types:
        for s in t.subtypes:
            if s.field and s.field not in known:
                raise ValueError(f"subtype {s.code!r} names unknown field {s.field!r}")
    return Taxonomy(doc_types, fields, _issuers(data.get("issuers", {})), source)


@lru_cache(maxsize=8)
def _load(path: Path) -> Taxonomy:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return parse_taxonomy(data, str(path))
    except (OSError, tomllib.TOMLDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"Tệp phân loại {path} không hợp lệ: {exc}. Hãy sửa tệp hoặc bỏ đường dẫn thay thế. "
            "(Invalid taxonomy file.)",
            code="taxonomy_invalid",
        ) from exc


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """The packaged taxonomy, or the one in ``path`` (cached per resolved path)."""
    return _load(Path(path).resolve() if path else DEFAULT_PATH)
