"""Embedded full-text index on SQLite FTS5: BM25 ranking, filters and facet counts.

Each record is a JSON document (every state, failed ones included) plus filter columns and an FTS5 row
of normalized and diacritic-folded text (``workers.searchtext``). Queries with diacritics also match the
normalized columns, so exact spellings rank first; queries without them match the folded columns.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import TransientError
from ..ports import BatchStats, Hit, SearchQuery, SearchResult
from ..reasons import review_reason
from ..searchtext import highlight, query_terms, search_fields
from ..textnorm import fold, has_diacritics

# The whole record, and the record without its text (``meta``: what lists and streams read), apart from
# the filter columns, so that filters, counts and facets read small rows.
_BODIES = "CREATE TABLE IF NOT EXISTS bodies (rid INTEGER PRIMARY KEY, record TEXT NOT NULL, meta TEXT NOT NULL)"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    rid INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL UNIQUE,
    uploaded_at TEXT NOT NULL DEFAULT '',
    state TEXT,
    doc_type TEXT,
    field TEXT,
    issuer TEXT,
    issuer_fold TEXT,
    year INTEGER,
    ngay_ban_hanh TEXT,
    hieu_luc_den TEXT,
    low_confidence INTEGER,
    review_reason TEXT,
    processed_at TEXT
);
CREATE TABLE IF NOT EXISTS doc_batches (
    doc_id TEXT NOT NULL,
    batch TEXT NOT NULL,
    state TEXT,
    uploaded_at TEXT,
    processed_at TEXT,
    PRIMARY KEY (doc_id, batch)
);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    body_norm, body_fold, meta_norm, meta_fold,
    tokenize = "unicode61 remove_diacritics 0"
);
"""
# doc_batches repeats each document's state and times so that batch counts read one covering index.
_BATCH_COLUMNS = (("state", "TEXT"), ("uploaded_at", "TEXT"), ("processed_at", "TEXT"))
_INDEXES = """
CREATE INDEX IF NOT EXISTS doc_batches_stats ON doc_batches(batch, state, uploaded_at, processed_at);
CREATE INDEX IF NOT EXISTS docs_uploaded ON docs(uploaded_at, doc_id);
CREATE INDEX IF NOT EXISTS docs_review ON docs(review_reason, uploaded_at, doc_id);
CREATE INDEX IF NOT EXISTS docs_state ON docs(state, uploaded_at, doc_id);
CREATE INDEX IF NOT EXISTS docs_type ON docs(doc_type);
CREATE INDEX IF NOT EXISTS docs_field ON docs(field);
CREATE INDEX IF NOT EXISTS docs_issuer ON docs(issuer_fold);
CREATE INDEX IF NOT EXISTS docs_year ON docs(year);
CREATE INDEX IF NOT EXISTS docs_date ON docs(ngay_ban_hanh);
"""
_PAGE = 1000  # records() reads this many at a time
# bm25 column weights: body_norm, body_fold, meta_norm, meta_fold
_WEIGHTS = "1.5, 1.0, 8.0, 5.0"
FACETS = ("doc_type", "field", "issuer", "year", "state", "low_confidence")


def facet_value(record: dict[str, Any], facet: str) -> str | None:
    """The facet bucket of a record (shared by every backend)."""
    if facet == "issuer":
        return record.get("co_quan_ban_hanh")
    if facet == "year":
        date = record.get("ngay_ban_hanh")
        return date[:4] if date else None
    if facet == "low_confidence":
        return "true" if record.get("low_confidence") else "false"
    value = record.get(facet)
    return None if value is None else str(value)


class LocalIndex:
    """``SearchIndex`` in one SQLite file; safe across processes (WAL, immediate transactions).

    A search runs its match once into a temporary table of (row, exact, score); the total, the six facet
    counts and the page are read from that table, and only the page's records are decoded and highlighted.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=60000")
        self._lock = threading.Lock()
        self.ensure()

    def ensure(self) -> None:
        with self._lock:
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(docs)")}
            if "record" in columns:
                self._split_bodies(columns)
            self._db.executescript(_SCHEMA + ";" + _BODIES)
            self._widen_doc_batches()
            self._db.executescript(_INDEXES)
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS hits(rid INTEGER PRIMARY KEY, exact INTEGER, score REAL)")

    def _widen_doc_batches(self) -> None:
        """Give an older file's ``doc_batches`` the state and times of each document."""
        have = {row[1] for row in self._db.execute("PRAGMA table_info(doc_batches)")}
        if all(name in have for name, _kind in _BATCH_COLUMNS):
            return
        with self._transaction():
            have = {row[1] for row in self._db.execute("PRAGMA table_info(doc_batches)")}
            for name, kind in _BATCH_COLUMNS:
                if name not in have:
                    self._db.execute(f"ALTER TABLE doc_batches ADD COLUMN {name} {kind}")
            self._db.execute(
                "UPDATE doc_batches SET state = d.state, uploaded_at = d.uploaded_at, processed_at = d.processed_at "
                "FROM docs d WHERE d.doc_id = doc_batches.doc_id"
            )

    def _split_bodies(self, columns: set[str]) -> None:
        """Move an older file's records out of ``docs`` (which then holds filter columns only, so filters,
        counts and facets read small rows) into ``bodies``, filling the columns added since."""
        with self._transaction():
            if "record" in {row[1] for row in self._db.execute("PRAGMA table_info(docs)")}:  # not done meanwhile
                self._db.execute(_BODIES)
                for name in ("review_reason", "processed_at"):
                    if name not in columns:
                        self._db.execute(f"ALTER TABLE docs ADD COLUMN {name} TEXT")
                for rid, record_json in self._db.execute("SELECT rid, record FROM docs").fetchall():
                    record = json.loads(record_json)
                    self._db.execute(
                        "INSERT OR REPLACE INTO bodies(rid, record, meta) VALUES (?, ?, ?)",
                        (rid, record_json, _meta_json(record)),
                    )
                    self._db.execute(
                        "UPDATE docs SET review_reason = ?, processed_at = ?, uploaded_at = COALESCE(uploaded_at, '') "
                        "WHERE rid = ?",
                        (review_reason(record), record.get("processed_at"), rid),
                    )
                for name in ("record", "meta"):
                    if name in columns:
                        self._db.execute(f"ALTER TABLE docs DROP COLUMN {name}")

    def upsert(self, doc_id: str, fields: dict[str, Any]) -> None:
        with self._writing():
            self._upsert_locked(doc_id, fields)

    def put_many(self, records: list[dict[str, Any]]) -> None:
        with self._writing():
            for record in records:
                fields = {k: v for k, v in record.items() if k != "doc_id"}
                self._upsert_locked(str(record["doc_id"]), fields, replace=True)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction under this object's lock; SQLite errors become ``TransientError``."""
        with self._lock:
            try:
                with self._transaction():
                    yield
            except sqlite3.Error as exc:
                raise TransientError(f"embedded index write failed: {exc}") from exc

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` (the write lock first, so what is read inside stays true) … ``COMMIT``,
        rolled back on any error."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def _upsert_locked(self, doc_id: str, fields: dict[str, Any], *, replace: bool = False) -> None:
        row = self._db.execute(
            "SELECT d.rid, b.record FROM docs d LEFT JOIN bodies b ON b.rid = d.rid WHERE d.doc_id = ?", (doc_id,)
        ).fetchone()
        record: dict[str, Any] = json.loads(row[1]) if row and row[1] and not replace else {}
        record.update(fields)
        record["doc_id"] = doc_id
        batches = list(dict.fromkeys([*(record.get("batches") or []), record.get("batch")]))
        record["batches"] = [b for b in batches if b]
        issuer = record.get("co_quan_ban_hanh")
        date = record.get("ngay_ban_hanh")
        values = (
            record.get("uploaded_at") or "",
            record.get("state"),
            record.get("doc_type"),
            record.get("field"),
            issuer,
            fold(issuer) if issuer else None,
            int(date[:4]) if date else None,
            date,
            record.get("hieu_luc_den"),
            1 if record.get("low_confidence") else 0,
            review_reason(record),
            record.get("processed_at"),
        )
        cols = "uploaded_at, state, doc_type, field, issuer, issuer_fold, year, ngay_ban_hanh, hieu_luc_den, "
        cols += "low_confidence, review_reason, processed_at"
        if row:
            rid = row[0]
            assignments = ", ".join(f"{c.strip()} = ?" for c in cols.split(","))
            self._db.execute(f"UPDATE docs SET {assignments} WHERE rid = ?", (*values, rid))
            self._db.execute("DELETE FROM fts WHERE rowid = ?", (rid,))
        else:
            cur = self._db.execute(
                f"INSERT INTO docs(doc_id, {cols}) VALUES (?, {', '.join('?' * len(values))})",
                (doc_id, *values),
            )
            rid = cur.lastrowid
        self._db.execute(
            "INSERT OR REPLACE INTO bodies(rid, record, meta) VALUES (?, ?, ?)",
            (rid, json.dumps(record, ensure_ascii=False), _meta_json(record)),
        )
        f = search_fields(record)
        self._db.execute(
            "INSERT INTO fts(rowid, body_norm, body_fold, meta_norm, meta_fold) VALUES (?, ?, ?, ?, ?)",
            (rid, f["body_norm"], f["body_fold"], f["meta_norm"], f["meta_fold"]),
        )
        for batch in record["batches"]:
            self._db.execute(
                "INSERT INTO doc_batches(doc_id, batch, state, uploaded_at, processed_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(doc_id, batch) DO UPDATE SET state = excluded.state, uploaded_at = excluded.uploaded_at, "
                "processed_at = excluded.processed_at",
                (doc_id, batch, values[1], values[0], values[11]),
            )

    def get(self, doc_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT b.record FROM docs d JOIN bodies b ON b.rid = d.rid WHERE d.doc_id = ?", (doc_id,)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def scan(self, batch: str | None = None) -> Iterator[dict[str, Any]]:
        query = SearchQuery(batch=batch)
        return self.records(query)

    def records(self, query: SearchQuery) -> Iterator[dict[str, Any]]:
        where, params, match = self._where(query)
        source = "fts CROSS JOIN docs d ON d.rid = fts.rowid" if match else "docs d"
        column = "b.record" if query.with_text else "b.meta"
        after: tuple[str, str] | None = None
        while True:
            keyset = "AND (d.uploaded_at, d.doc_id) > (?, ?)" if after else ""
            try:
                with self._lock:
                    rows = self._db.execute(
                        f"SELECT {column}, d.uploaded_at, d.doc_id FROM {source} CROSS JOIN bodies b ON b.rid = d.rid "
                        f"WHERE {where} {keyset} ORDER BY d.uploaded_at, d.doc_id LIMIT ?",
                        [*params, *(after or ()), _PAGE],
                    ).fetchall()
            except sqlite3.OperationalError as exc:
                raise TransientError(f"embedded index read failed: {exc}") from exc
            for record_json, _at, _doc in rows:
                yield _project(json.loads(record_json), query.fields)
            if len(rows) < _PAGE:
                return
            after = (rows[-1][1], rows[-1][2])

    def batch_stats(self, batches: list[str] | None = None) -> list[BatchStats]:
        where, params = "1", []
        if batches is not None:
            if not batches:
                return []
            where = f"b.batch IN ({', '.join('?' * len(batches))})"
            params = list(batches)
        with self._lock:
            rows = self._db.execute(
                "SELECT b.batch, b.state, count(*), min(b.uploaded_at), max(b.processed_at) "
                f"FROM doc_batches b WHERE {where} GROUP BY b.batch, b.state",
                params,
            ).fetchall()
        stats: dict[str, BatchStats] = {}
        for batch, state, count, started, processed in rows:
            entry = stats.setdefault(batch, BatchStats(batch, 0, {}, None, None))
            entry.files += int(count)
            entry.counts[str(state)] = int(count)
            if started and (entry.started_at is None or started < entry.started_at):
                entry.started_at = started
            if processed and (entry.last_processed_at is None or processed > entry.last_processed_at):
                entry.last_processed_at = processed
        return list(stats.values())

    def refresh(self) -> None:
        """Nothing to do: a committed write is visible to every reader."""

    def _where(self, q: SearchQuery) -> tuple[str, list[Any], str | None]:
        clauses: list[str] = []
        params: list[Any] = []
        match = None
        norm_terms, fold_terms = query_terms(q.text)
        if fold_terms:
            match = _fold_match(fold_terms)
            exact = _exact_match(q.text, norm_terms)
            if exact:
                match = f"({match}) OR ({exact})"
            clauses.append("fts MATCH ?")
            params.append(match)
        for column, value in (("doc_type", q.doc_type), ("field", q.field), ("state", q.state)):
            if value:
                clauses.append(f"d.{column} = ?")
                params.append(value)
        for column, values, negate in (
            ("doc_type", q.doc_types, False),
            ("doc_type", q.not_doc_types, True),
            ("review_reason", q.review_reasons, False),
        ):
            if values:
                marks = ", ".join("?" * len(values))
                clauses.append(
                    f"(d.{column} IS NULL OR d.{column} NOT IN ({marks}))" if negate else f"d.{column} IN ({marks})"
                )
                params += list(values)
        if q.doc_id_prefix:
            clauses.append("d.doc_id >= ? AND d.doc_id < ?")
            params += [q.doc_id_prefix, q.doc_id_prefix + "\U0010ffff"]
        if q.uploaded_after:
            clauses.append("(d.uploaded_at, d.doc_id) > (?, ?)")
            params += list(q.uploaded_after)
        if q.issuer:
            clauses.append("d.issuer_fold = ?")
            params.append(fold(q.issuer))
        if q.year:
            clauses.append("d.year = ?")
            params.append(q.year)
        if q.valid_on:
            clauses.append("d.ngay_ban_hanh <= ? AND (d.hieu_luc_den IS NULL OR d.hieu_luc_den >= ?)")
            params += [q.valid_on, q.valid_on]
        if q.low_confidence is not None:
            clauses.append("d.low_confidence = ?")
            params.append(1 if q.low_confidence else 0)
        if q.batch:
            clauses.append("d.doc_id IN (SELECT doc_id FROM doc_batches WHERE batch = ?)")
            params.append(q.batch)
        where = " AND ".join(clauses) if clauses else "1"
        return where, params, match

    def search(self, query: SearchQuery) -> SearchResult:
        try:
            with self._lock:
                total, rows, facets = self._run_search(query)
        except sqlite3.OperationalError as exc:
            raise TransientError(f"embedded search failed: {exc}") from exc
        hits = []
        for record_json, value in rows:
            record = json.loads(record_json)
            snippets = highlight(record.get("text") or "", query.text) if query.text else []
            if not query.with_text:
                record.pop("text", None)
            hits.append(Hit(record=_project(record, query.fields), score=round(float(value), 4), highlights=snippets))
        return SearchResult(total=int(total), hits=hits, facets=facets)

    def _run_search(self, query: SearchQuery) -> tuple[int, list[Any], dict[str, dict[str, int]]]:
        where, params, match = self._where(query)
        column = "b.record" if query.with_text or query.text else "b.meta"
        if not match:  # no text: filter columns and their indexes only
            order = _ORDER.get(query.sort, "d.uploaded_at DESC, d.doc_id")
            total = self._db.execute(f"SELECT count(*) FROM docs d WHERE {where}", params).fetchone()[0]
            rids = self._db.execute(
                f"SELECT d.rid, 0.0 FROM docs d WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                [*params, query.limit, query.offset],
            ).fetchall()
            facets = self._facets(f"docs d WHERE {where}", params) if query.facets else {}
            return int(total), self._bodies(column, rids), facets
        # the match runs once, into a temporary table; total, facets and the page read that table
        exact = _exact_match(query.text, query_terms(query.text)[0])
        exact_sql = "fts.rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)" if exact else "0"
        self._db.execute("DELETE FROM temp.hits")
        self._db.execute(
            f"INSERT INTO temp.hits(rid, exact, score) SELECT fts.rowid, {exact_sql}, -bm25(fts, {_WEIGHTS}) "
            f"FROM fts CROSS JOIN docs d ON d.rid = fts.rowid WHERE {where}",
            ([exact] if exact else []) + params,
        )
        total = self._db.execute("SELECT count(*) FROM temp.hits").fetchone()[0]
        order = _ORDER.get(query.sort, "h.exact DESC, h.score DESC, d.uploaded_at DESC, d.doc_id")
        rids = self._db.execute(
            f"SELECT h.rid, h.score FROM temp.hits h CROSS JOIN docs d ON d.rid = h.rid ORDER BY {order} LIMIT ? OFFSET ?",
            [query.limit, query.offset],
        ).fetchall()
        facets = self._facets("temp.hits h CROSS JOIN docs d ON d.rid = h.rid WHERE 1", []) if query.facets else {}
        return int(total), self._bodies(column, rids), facets

    def _bodies(self, column: str, rids: list[tuple[int, float]]) -> list[tuple[str, float]]:
        """The page's records (``b.record`` or ``b.meta``) in the order of ``rids``, with their scores."""
        if not rids:
            return []
        marks = ", ".join("?" * len(rids))
        found = dict(
            self._db.execute(f"SELECT b.rid, {column} FROM bodies b WHERE b.rid IN ({marks})", [r for r, _ in rids])
        )
        return [(found[rid], score) for rid, score in rids if rid in found]

    def _facets(self, source: str, params: list[Any]) -> dict[str, dict[str, int]]:
        """The six facet counts in one pass over the matching rows' filter columns."""
        counters: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
        rows = self._db.execute(
            f"SELECT d.doc_type, d.field, d.issuer, d.year, d.state, d.low_confidence FROM {source}", params
        )
        for row in rows:
            for name, value in zip(FACETS, row, strict=True):
                if name == "low_confidence":
                    counters[name]["true" if value else "false"] += 1
                elif value is not None:
                    counters[name][str(value)] += 1
        return {name: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for name, c in counters.items()}

    def drop(self) -> None:
        with self._lock:
            self._db.executescript("DELETE FROM docs; DELETE FROM bodies; DELETE FROM doc_batches; DELETE FROM fts;")

    def close(self) -> None:
        self._db.close()


_ORDER = {
    "date_desc": "d.ngay_ban_hanh IS NULL, d.ngay_ban_hanh DESC, d.doc_id",
    "date_asc": "d.ngay_ban_hanh IS NULL, d.ngay_ban_hanh ASC, d.doc_id",
    "uploaded": "d.uploaded_at, d.doc_id",
}


def _fold_match(fold_terms: list[str]) -> str:
    folded = " AND ".join(f'"{t}"' for t in fold_terms)
    return f"{{body_fold meta_fold}} : ({folded})"


def _exact_match(text: str, norm_terms: list[str]) -> str | None:
    """The FTS expression of the spellings as typed, when the query has diacritics (None otherwise)."""
    if not (has_diacritics(text) and norm_terms):
        return None
    exact = " AND ".join(f'"{t}"' for t in norm_terms)
    return f"{{body_norm meta_norm}} : ({exact})"


def _meta_json(record: dict[str, Any]) -> str:
    """The record without its text: what lists and summaries read."""
    return json.dumps({k: v for k, v in record.items() if k != "text"}, ensure_ascii=False)


def _project(record: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: record.get(k) for k in ("doc_id", *fields)} if fields else record
