"""Embedded full-text index on SQLite FTS5: BM25 ranking, filters and facet counts.

Each record is a JSON document (every state, failed ones included) plus filter columns and an FTS5 row
of normalized and diacritic-folded text (``workers.searchtext``). Queries with diacritics also match the
normalized columns, so exact spellings rank first; queries without them match the folded columns.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import TransientError
from ..ports import Hit, SearchQuery, SearchResult
from ..searchtext import highlight, query_terms, search_fields
from ..textnorm import fold, has_diacritics

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    rid INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL UNIQUE,
    uploaded_at TEXT,
    state TEXT,
    doc_type TEXT,
    field TEXT,
    issuer TEXT,
    issuer_fold TEXT,
    year INTEGER,
    ngay_ban_hanh TEXT,
    hieu_luc_den TEXT,
    low_confidence INTEGER,
    record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS doc_batches (
    doc_id TEXT NOT NULL,
    batch TEXT NOT NULL,
    PRIMARY KEY (doc_id, batch)
);
CREATE INDEX IF NOT EXISTS doc_batches_batch ON doc_batches(batch);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    body_norm, body_fold, meta_norm, meta_fold,
    tokenize = "unicode61 remove_diacritics 0"
);
"""
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
    """``SearchIndex`` in one SQLite file; safe across processes (WAL, immediate transactions)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=60000")
        self._lock = threading.Lock()
        self.ensure()

    def ensure(self) -> None:
        self._db.executescript(_SCHEMA)

    def upsert(self, doc_id: str, fields: dict[str, Any]) -> None:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    self._upsert_locked(doc_id, fields)
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise TransientError(f"embedded index write failed: {exc}") from exc

    def _upsert_locked(self, doc_id: str, fields: dict[str, Any]) -> None:
        row = self._db.execute("SELECT rid, record FROM docs WHERE doc_id = ?", (doc_id,)).fetchone()
        record: dict[str, Any] = json.loads(row[1]) if row else {}
        record.update(fields)
        record["doc_id"] = doc_id
        batches = list(dict.fromkeys([*(record.get("batches") or []), record.get("batch")]))
        record["batches"] = [b for b in batches if b]
        issuer = record.get("co_quan_ban_hanh")
        date = record.get("ngay_ban_hanh")
        values = (
            record.get("uploaded_at"),
            record.get("state"),
            record.get("doc_type"),
            record.get("field"),
            issuer,
            fold(issuer) if issuer else None,
            int(date[:4]) if date else None,
            date,
            record.get("hieu_luc_den"),
            1 if record.get("low_confidence") else 0,
            json.dumps(record, ensure_ascii=False),
        )
        cols = "uploaded_at, state, doc_type, field, issuer, issuer_fold, year, ngay_ban_hanh, hieu_luc_den, "
        cols += "low_confidence, record"
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
        f = search_fields(record)
        self._db.execute(
            "INSERT INTO fts(rowid, body_norm, body_fold, meta_norm, meta_fold) VALUES (?, ?, ?, ?, ?)",
            (rid, f["body_norm"], f["body_fold"], f["meta_norm"], f["meta_fold"]),
        )
        for batch in record["batches"]:
            self._db.execute("INSERT OR IGNORE INTO doc_batches(doc_id, batch) VALUES (?, ?)", (doc_id, batch))

    def get(self, doc_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT record FROM docs WHERE doc_id = ?", (doc_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def scan(self, batch: str | None = None) -> Iterator[dict[str, Any]]:
        with self._lock:
            if batch is None:
                rows = self._db.execute("SELECT record FROM docs ORDER BY uploaded_at, doc_id").fetchall()
            else:
                rows = self._db.execute(
                    "SELECT d.record FROM docs d JOIN doc_batches b ON b.doc_id = d.doc_id "
                    "WHERE b.batch = ? ORDER BY d.uploaded_at, d.doc_id",
                    (batch,),
                ).fetchall()
        for (record,) in rows:
            yield json.loads(record)

    def _where(self, q: SearchQuery) -> tuple[str, list[Any], str | None]:
        clauses: list[str] = []
        params: list[Any] = []
        match = None
        norm_terms, fold_terms = query_terms(q.text)
        if fold_terms:
            folded = " AND ".join(f'"{t}"' for t in fold_terms)
            match = f"{{body_fold meta_fold}} : ({folded})"
            if has_diacritics(q.text) and norm_terms:
                exact = " AND ".join(f'"{t}"' for t in norm_terms)
                match = f"({match}) OR ({{body_norm meta_norm}} : ({exact}))"
            clauses.append("fts MATCH ?")
            params.append(match)
        for column, value in (("doc_type", q.doc_type), ("field", q.field), ("state", q.state)):
            if value:
                clauses.append(f"d.{column} = ?")
                params.append(value)
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
        where, params, match = self._where(query)
        source = "docs d JOIN fts ON fts.rowid = d.rid" if match else "docs d"
        score = f"-bm25(fts, {_WEIGHTS})" if match else "0.0"
        order = {
            "date_desc": "d.ngay_ban_hanh IS NULL, d.ngay_ban_hanh DESC, d.doc_id",
            "date_asc": "d.ngay_ban_hanh IS NULL, d.ngay_ban_hanh ASC, d.doc_id",
        }.get(
            query.sort,
            "score DESC, d.uploaded_at DESC, d.doc_id" if match else "d.uploaded_at DESC, d.doc_id",
        )
        try:
            with self._lock:
                total, rows, facets = self._run_search(source, where, params, score, order, query)
        except sqlite3.OperationalError as exc:
            raise TransientError(f"embedded search failed: {exc}") from exc
        hits = []
        for record_json, value in rows:
            record = json.loads(record_json)
            snippets = highlight(record.get("text") or "", query.text) if query.text else []
            hits.append(Hit(record=record, score=round(float(value), 4), highlights=snippets))
        return SearchResult(total=int(total), hits=hits, facets=facets)

    def _run_search(
        self, source: str, where: str, params: list[Any], score: str, order: str, query: SearchQuery
    ) -> tuple[int, list[Any], dict[str, dict[str, int]]]:
        total = self._db.execute(f"SELECT count(*) FROM {source} WHERE {where}", params).fetchone()[0]
        rows = self._db.execute(
            f"SELECT d.record, {score} AS score FROM {source} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, query.limit, query.offset],
        ).fetchall()
        facets = self._facets(source, where, params)
        return int(total), rows, facets

    def _facets(self, source: str, where: str, params: list[Any]) -> dict[str, dict[str, int]]:
        expressions = {
            "doc_type": "d.doc_type",
            "field": "d.field",
            "issuer": "d.issuer",
            "year": "CAST(d.year AS TEXT)",
            "state": "d.state",
            "low_confidence": "CASE d.low_confidence WHEN 1 THEN 'true' ELSE 'false' END",
        }
        facets: dict[str, dict[str, int]] = {}
        for name, expr in expressions.items():
            rows = self._db.execute(
                f"SELECT {expr} AS v, count(*) FROM {source} WHERE {where} AND {expr} IS NOT NULL "
                "GROUP BY v ORDER BY count(*) DESC, v",
                params,
            ).fetchall()
            facets[name] = {str(v): int(n) for v, n in rows}
        return facets

    def drop(self) -> None:
        with self._lock:
            self._db.executescript("DELETE FROM docs; DELETE FROM doc_batches; DELETE FROM fts;")

    def close(self) -> None:
        self._db.close()
