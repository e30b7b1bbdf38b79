"""The samples through Kafka -> workers -> MinIO -> Elasticsearch, compared with the embedded run."""

from __future__ import annotations

import hashlib
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from workers.commands.maintenance import reindex
from workers.context import Context, original_key
from workers.ingest import ingest_paths
from workers.pool import run_pool
from workers.ports import SearchQuery
from workers.records import dump_view
from workers.settings import Settings

pytestmark = [pytest.mark.live, pytest.mark.slow]

QUERIES = [
    "giay phep ban le ruou",
    "giấy phép bán lẻ rượu",
    "quyết định",
    "an toan thuc pham",
    "xang dau",
    "bien ban kiem tra",
]
COMPARED = (
    "filename",
    "state",
    "pages",
    "doc_type",
    "field",
    "so_ky_hieu",
    "ngay_ban_hanh",
    "co_quan_ban_hanh",
    "hieu_luc_den",
    "trich_yeu",
    "text",
)


def _snapshot(ctx: Context) -> dict[str, dict[str, Any]]:
    return {r["doc_id"]: {k: dump_view(r)[k] for k in COMPARED} for r in ctx.index.scan()}


def _top(ctx: Context, query: str, n: int = 3) -> list[str]:
    return [h.record["doc_id"] for h in ctx.index.search(SearchQuery(text=query, limit=n)).hits]


def _answers(ctx: Context, query: str) -> tuple[int, set[str], dict[str, dict[str, int]]]:
    """Total, every hit and the facets: what must agree between backends. (BM25 differs in detail
    between SQLite FTS5 and Elasticsearch, so near-ties may swap places; the hit set may not.)"""
    result = ctx.index.search(SearchQuery(text=query, limit=100))
    return result.total, {h.record["doc_id"] for h in result.hits}, result.facets


def test_cluster_run_matches_embedded_run(
    cluster_settings: Settings, processed_samples: Settings, samples_dir: Path
) -> None:
    ctx = Context.open(cluster_settings)
    try:
        report = ingest_paths(ctx, [samples_dir / "files"], batch="live")
        assert run_pool(cluster_settings, 2, drain=True) == 0
        assert ctx.bus.pending(cluster_settings.topic_uploaded) == 0
        cluster = _snapshot(ctx)
        embedded_ctx = Context.open(processed_samples)
        try:
            embedded = _snapshot(embedded_ctx)
            for query in QUERIES:
                assert _answers(ctx, query) == _answers(embedded_ctx, query), query
                assert _top(ctx, query, 1)[0] in _top(embedded_ctx, query, 3), query
        finally:
            embedded_ctx.close()
        assert set(cluster) == {f.doc_id for f in report.files}
        assert cluster == embedded

        # an original opens through its presigned URL, byte for byte
        doc_id = report.files[0].doc_id
        url = ctx.store.url(original_key(doc_id), expires_seconds=60)
        assert url and url.startswith("http")
        with urllib.request.urlopen(url, timeout=10) as response:
            assert hashlib.sha256(response.read()).hexdigest() == doc_id

        # the index is derived state: drop it, rebuild from the object store, same answers
        before = {q: _answers(ctx, q) for q in QUERIES}
        ctx.index.drop()
        assert list(ctx.index.scan()) == []
        assert reindex(ctx) == len(cluster)
        assert _snapshot(ctx) == cluster
        assert {q: _answers(ctx, q) for q in QUERIES} == before
    finally:
        ctx.index.drop()
        ctx.close()
