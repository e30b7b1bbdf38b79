"""An embedded index file written by the previous release opens in place: records move out of the filter
table, the columns added since are filled, and every query answers as on a new file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from workers.adapters.local_index import LocalIndex
from workers.ports import SearchQuery

_OLD = """
CREATE TABLE docs (
    rid INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL UNIQUE, uploaded_at TEXT, state TEXT,
    doc_type TEXT, field TEXT, issuer TEXT, issuer_fold TEXT, year INTEGER, ngay_ban_hanh TEXT,
    hieu_luc_den TEXT, low_confidence INTEGER, record TEXT NOT NULL
);
CREATE TABLE doc_batches (doc_id TEXT NOT NULL, batch TEXT NOT NULL, PRIMARY KEY (doc_id, batch));
CREATE VIRTUAL TABLE fts USING fts5(body_norm, body_fold, meta_norm, meta_fold,
    tokenize = "unicode61 remove_diacritics 0");
"""


def test_a_previous_release_file_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(_OLD)
    records = [
        {
            "doc_id": "a" * 64,
            "state": "indexed",
            "review": True,
            "low_confidence": True,
            "batch": "b1",
            "uploaded_at": "2026-01-01T00:00:01",
            "processed_at": "2026-01-01T00:01:00",
            "text": "giấy phép",
        },
        {"doc_id": "b" * 64, "state": "failed", "batch": "b1", "uploaded_at": None, "text": None},
    ]
    for rid, r in enumerate(records, start=1):
        old.execute(
            "INSERT INTO docs(rid, doc_id, uploaded_at, state, low_confidence, record) VALUES (?, ?, ?, ?, ?, ?)",
            (rid, r["doc_id"], r["uploaded_at"], r["state"], 1 if r.get("low_confidence") else 0, json.dumps(r)),
        )
        old.execute("INSERT INTO doc_batches VALUES (?, 'b1')", (r["doc_id"],))
        old.execute(
            "INSERT INTO fts(rowid, body_norm, body_fold, meta_norm, meta_fold) VALUES (?, ?, ?, '', '')",
            (rid, r["text"] or "", "giay phep" if r["text"] else ""),
        )
    old.commit()
    old.close()

    index = LocalIndex(path)
    try:
        columns = {row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(docs)")}
        assert "record" not in columns and {"review_reason", "processed_at"} <= columns
        assert index.get("a" * 64) == records[0]
        assert [h.record["doc_id"][0] for h in index.search(SearchQuery(text="giay phep")).hits] == ["a"]
        queue = index.search(SearchQuery(review_reasons=("failed", "low_confidence"), sort="uploaded"))
        assert [h.record["doc_id"][0] for h in queue.hits] == ["b", "a"]  # no upload time sorts first
        [stats] = index.batch_stats()
        assert stats.counts == {"indexed": 1, "failed": 1}
        assert stats.last_processed_at == "2026-01-01T00:01:00"
        assert [r["doc_id"][0] for r in index.records(SearchQuery(with_text=False))] == ["b", "a"]
    finally:
        index.close()
