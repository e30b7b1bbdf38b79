"""One suite for every SearchIndex backend: the embedded index and Elasticsearch must agree."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from workers.ports import SearchIndex, SearchQuery
from workers.settings import Settings

DOCS: list[dict[str, Any]] = [
    {
        "doc_id": "a" * 64,
        "filename": "gp-ruou-1.png",
        "batch": "b1",
        "state": "indexed",
        "uploaded_at": "2026-01-01T00:00:01",
        "doc_type": "giay_phep",
        "doc_type_name": "Giấy phép",
        "field": "ruou",
        "so_ky_hieu": "16/GP-SCT",
        "ngay_ban_hanh": "2024-08-27",
        "hieu_luc_den": "2029-08-27",
        "co_quan_ban_hanh": "Sở Công Thương tỉnh Bắc Sơn",
        "trich_yeu": "Giấy phép bán lẻ sản phẩm rượu",
        "text": "GIẤY PHÉP BÁN LẺ SẢN PHẨM RƯỢU\nCho phép Hộ kinh doanh Trần Văn Bình được bán lẻ rượu.",
        "low_confidence": False,
    },
    {
        "doc_id": "b" * 64,
        "filename": "qd.pdf",
        "batch": "b1",
        "state": "indexed",
        "uploaded_at": "2026-01-01T00:00:02",
        "doc_type": "quyet_dinh",
        "doc_type_name": "Quyết định",
        "field": "ruou",
        "so_ky_hieu": "1429/QĐ-UBND",
        "ngay_ban_hanh": "2023-05-02",
        "hieu_luc_den": None,
        "co_quan_ban_hanh": "Ủy ban nhân dân tỉnh Bắc Sơn",
        "trich_yeu": "Về việc thành lập đoàn kiểm tra kinh doanh rượu",
        "text": "QUYẾT ĐỊNH Về việc thành lập đoàn kiểm tra việc bán lẻ rượu và giấy phép kinh doanh.",
        "low_confidence": True,
    },
    {
        "doc_id": "c" * 64,
        "filename": "cv.jpg",
        "batch": "b2",
        "state": "indexed",
        "uploaded_at": "2026-01-01T00:00:03",
        "doc_type": "cong_van",
        "doc_type_name": "Công văn",
        "field": "xang_dau",
        "so_ky_hieu": "512/SCT-QLTM",
        "ngay_ban_hanh": "2022-01-10",
        "hieu_luc_den": "2023-01-10",
        "co_quan_ban_hanh": "Sở Công Thương tỉnh Bắc Sơn",
        "trich_yeu": "V/v kiểm tra cửa hàng xăng dầu",
        "text": "V/v kiểm tra cửa hàng xăng dầu trên địa bàn. Hòa Bình <script>alert(1)</script>",
        "low_confidence": False,
    },
    {
        "doc_id": "d" * 64,
        "filename": "broken.pdf",
        "batch": "b2",
        "state": "failed",
        "uploaded_at": "2026-01-01T00:00:04",
        "error_code": "corrupt_file",
        "text": None,
    },
]


def _embedded(tmp_path: Path) -> SearchIndex:
    from workers.adapters.local_index import LocalIndex

    return LocalIndex(tmp_path / "index.sqlite3")


def _elastic(tmp_path: Path) -> SearchIndex:
    from tests.conftest import require_service
    from workers.adapters.es_index import ElasticIndex

    url = require_service("index")
    settings = Settings(home=tmp_path, index=url, index_name=f"sohoa-test-{uuid.uuid4().hex[:8]}")
    return ElasticIndex(settings)


@pytest.fixture(params=["embedded", "elasticsearch"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    backend = _embedded(tmp_path) if request.param == "embedded" else _elastic(tmp_path)
    backend.ensure()
    for doc in DOCS:
        backend.upsert(doc["doc_id"], {k: v for k, v in doc.items() if k != "doc_id"})
    backend.refresh()  # writes do not wait for a refresh on Elasticsearch
    yield backend
    backend.drop()
    backend.close()


def ids(result: Any) -> list[str]:
    return [h.record["doc_id"][0] for h in result.hits]


def test_get_and_merge(index: SearchIndex) -> None:
    index.upsert("a" * 64, {"state": "indexed", "review": True})
    record = index.get("a" * 64)
    assert record is not None
    assert record["so_ky_hieu"] == "16/GP-SCT" and record["review"] is True
    assert index.get("e" * 64) is None


def test_search_without_diacritics_finds_licence_first(index: SearchIndex) -> None:
    result = index.search(SearchQuery(text="giay phep ban le ruou"))
    assert ids(result)[0] == "a"
    assert set(ids(result)) == {"a", "b"}  # every term must occur
    assert result.total == 2


def test_search_with_diacritics_same_top_hit(index: SearchIndex) -> None:
    result = index.search(SearchQuery(text="giấy phép bán lẻ rượu"))
    assert ids(result)[0] == "a"


def test_highlights_mark_terms_and_escape_html(index: SearchIndex) -> None:
    result = index.search(SearchQuery(text="hoa binh"))
    assert ids(result) == ["c"]
    snippet = result.hits[0].highlights[0]
    assert "<mark>Hòa</mark>" in snippet and "<mark>Bình</mark>" in snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet


def test_filters(index: SearchIndex) -> None:
    assert ids(index.search(SearchQuery(text="ruou", doc_type="quyet_dinh"))) == ["b"]
    assert set(ids(index.search(SearchQuery(field="ruou")))) == {"a", "b"}
    assert ids(index.search(SearchQuery(issuer="Ủy ban nhân dân tỉnh Bắc Sơn"))) == ["b"]
    assert ids(index.search(SearchQuery(year=2022))) == ["c"]
    assert ids(index.search(SearchQuery(low_confidence=True))) == ["b"]
    assert ids(index.search(SearchQuery(state="failed"))) == ["d"]
    assert set(ids(index.search(SearchQuery(batch="b2")))) == {"c", "d"}


def test_valid_on_boundaries(index: SearchIndex) -> None:
    # valid on D: issued on or before D, and no end or end on/after D
    assert set(ids(index.search(SearchQuery(valid_on="2024-08-27")))) == {"a", "b"}
    assert set(ids(index.search(SearchQuery(valid_on="2024-08-26")))) == {"b"}
    assert set(ids(index.search(SearchQuery(valid_on="2023-01-10")))) == {"c"}
    assert set(ids(index.search(SearchQuery(valid_on="2023-01-11")))) == set()
    assert set(ids(index.search(SearchQuery(valid_on="2029-08-28")))) == {"b"}


def test_facets(index: SearchIndex) -> None:
    result = index.search(SearchQuery(text="ruou"))
    assert result.facets["doc_type"] == {"giay_phep": 1, "quyet_dinh": 1}
    assert result.facets["field"] == {"ruou": 2}
    assert result.facets["year"] == {"2023": 1, "2024": 1}
    everything = index.search(SearchQuery())
    assert everything.total == 4
    assert everything.facets["state"] == {"indexed": 3, "failed": 1}


def test_number_search_and_sorting(index: SearchIndex) -> None:
    assert ids(index.search(SearchQuery(text="1429/QĐ-UBND")))[0] == "b"
    assert ids(index.search(SearchQuery(text="1429 qd ubnd")))[0] == "b"
    by_date = ids(index.search(SearchQuery(state="indexed", sort="date_desc")))
    assert by_date == ["a", "b", "c"]
    assert ids(index.search(SearchQuery(state="indexed", sort="date_asc"))) == ["c", "b", "a"]


def test_pagination(index: SearchIndex) -> None:
    page1 = index.search(SearchQuery(state="indexed", sort="date_desc", limit=2))
    page2 = index.search(SearchQuery(state="indexed", sort="date_desc", limit=2, offset=2))
    assert page1.total == page2.total == 3
    assert ids(page1) + ids(page2) == ["a", "b", "c"]


def test_scan_and_drop(index: SearchIndex) -> None:
    assert [r["doc_id"][0] for r in index.scan()] == ["a", "b", "c", "d"]
    assert [r["doc_id"][0] for r in index.scan("b2")] == ["c", "d"]
    index.drop()
    assert list(index.scan()) == []


def test_records_stream_filtered_records_without_text(index: SearchIndex) -> None:
    indexed = list(index.records(SearchQuery(state="indexed", with_text=False)))
    assert [r["doc_id"][0] for r in indexed] == ["a", "b", "c"]  # upload order
    assert all("text" not in r for r in indexed) and indexed[0]["so_ky_hieu"] == "16/GP-SCT"
    projected = list(index.records(SearchQuery(batch="b2", fields=("state",))))
    assert projected == [{"doc_id": "c" * 64, "state": "indexed"}, {"doc_id": "d" * 64, "state": "failed"}]
    kept = index.records(SearchQuery(not_doc_types=("quyet_dinh", "cong_van"), fields=("doc_type",)))
    assert [r["doc_id"][0] for r in kept] == ["a", "d"]  # a record without a type is kept
    chosen = index.records(SearchQuery(doc_types=("quyet_dinh", "cong_van"), fields=()))
    assert [r["doc_id"][0] for r in chosen] == ["b", "c"]


def test_review_reasons_prefix_and_upload_order_filters(index: SearchIndex) -> None:
    index.upsert("b" * 64, {"review": True})
    index.upsert("c" * 64, {"review": True})
    index.refresh()
    queue = index.search(SearchQuery(review_reasons=("failed", "low_confidence", "uncertain"), sort="uploaded"))
    assert ids(queue) == ["b", "c", "d"] and queue.total == 3
    assert ids(index.search(SearchQuery(review_reasons=("low_confidence",)))) == ["b"]
    assert ids(index.search(SearchQuery(review_reasons=("uncertain",)))) == ["c"]
    assert ids(index.search(SearchQuery(doc_id_prefix="cccccc"))) == ["c"]
    assert index.search(SearchQuery(doc_id_prefix="e")).total == 0
    later = SearchQuery(sort="uploaded", uploaded_after=("2026-01-01T00:00:02", "b" * 64))
    assert ids(index.search(later)) == ["c", "d"]
    listed = index.search(SearchQuery(state="indexed", with_text=False, facets=False))
    assert listed.facets == {} and all("text" not in h.record for h in listed.hits)


def test_batch_stats_by_aggregation(index: SearchIndex) -> None:
    index.upsert("d" * 64, {"batch": "b1"})  # the same file uploaded into a second batch
    index.upsert("c" * 64, {"processed_at": "2026-01-01T00:01:00"})
    index.refresh()
    stats = {s.batch: s for s in index.batch_stats()}
    assert set(stats) == {"b1", "b2"}
    assert stats["b1"].files == 3 and stats["b1"].counts == {"indexed": 2, "failed": 1}
    assert stats["b2"].counts == {"indexed": 1, "failed": 1}
    assert stats["b1"].started_at == "2026-01-01T00:00:01"
    assert stats["b2"].last_processed_at == "2026-01-01T00:01:00"
    assert [s.batch for s in index.batch_stats(["b2"])] == ["b2"]
    assert index.batch_stats(["nope"]) == [] and index.batch_stats([]) == []


def test_exact_spellings_rank_above_every_folded_only_match(index: SearchIndex) -> None:
    extra = {
        "e" * 64: "Ban quản lý chợ họp bàn về việc ban hành quy chế chợ, ban ban ban",
        "f" * 64: "Thông báo bán đấu giá tài sản",
        "9" * 64: "ỦY BAN NHÂN DÂN HUYỆN BAN MAI: ban kiểm tra",
    }
    for n, (doc_id, text) in enumerate(extra.items()):
        index.upsert(doc_id, {"state": "indexed", "text": text, "uploaded_at": f"2026-01-02T00:00:0{n}"})
    index.refresh()
    result = index.search(SearchQuery(text="bán", limit=20))
    order = [h.record["doc_id"] for h in result.hits]
    exact = {"a" * 64, "b" * 64, "f" * 64}  # "BÁN"/"bán" as typed
    assert set(order) == exact | {"c" * 64, "e" * 64, "9" * 64}  # c: "địa bàn"
    assert set(order[: len(exact)]) == exact, order
    folded = index.search(SearchQuery(text="ban", limit=20))
    assert folded.total == result.total  # without diacritics every spelling matches alike


def test_a_page_past_ten_thousand_results(index: SearchIndex) -> None:
    count = 10_012
    records = [
        {"doc_id": f"z{i:06d}", "state": "indexed", "uploaded_at": f"2026-02-01T{i:09d}", "text": f"trang {i}"}
        for i in range(count)
    ]
    for start in range(0, count, 2000):
        index.put_many(records[start : start + 2000])
    index.refresh()
    page = index.search(SearchQuery(text="trang", sort="uploaded", limit=5, offset=10_004, facets=False))
    assert page.total == count
    assert [h.record["doc_id"] for h in page.hits] == [f"z{i:06d}" for i in range(10_004, 10_009)]
    listed = index.search(SearchQuery(state="indexed", sort="uploaded", limit=3, offset=10_009 + 3))
    assert [h.record["doc_id"] for h in listed.hits] == ["z010009", "z010010", "z010011"]
    assert listed.total == count + 3
