"""Staff corrections are kept with who and when, and survive reprocessing and a rebuilt index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.fake_pipeline import fake_file, fake_process
from workers import worker
from workers.context import Context
from workers.corrections import correct, history
from workers.errors import PermanentError
from workers.ingest import ingest_paths
from workers.records import load_corrections
from workers.services.documents import reindex, requeue
from workers.settings import Settings


@pytest.fixture
def indexed(monkeypatch: pytest.MonkeyPatch, settings: Settings, tmp_path: Path) -> tuple[Context, str]:
    monkeypatch.setattr(worker, "process", fake_process)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.png").write_bytes(fake_file(b"QUYET DINH ve viec cap giay phep"))
    ctx = Context.open(settings)
    doc_id = ingest_paths(ctx, [folder], batch="b").files[0].doc_id
    worker.run_worker(settings, drain=True)
    return ctx, doc_id


def test_correction_survives_reprocessing_and_reindex(indexed: tuple[Context, str], settings: Settings) -> None:
    ctx, doc_id = indexed
    assert ctx.index.get(doc_id)["doc_type"] == "giay_phep"  # type: ignore[index]  # what the machine said
    correct(ctx, doc_id, {"doc_type": "quyet_dinh", "ngay_ban_hanh": "2024-08-27"}, by="lan")
    record = ctx.index.get(doc_id) or {}
    assert record["doc_type"] == "quyet_dinh" and record["doc_type_name"] == "Quyết định"
    assert record["corrected"] == ["doc_type", "ngay_ban_hanh"]

    requeue(ctx, record)
    worker.run_worker(settings, drain=True)
    again = ctx.index.get(doc_id) or {}
    assert again["state"] == "indexed"
    assert again["doc_type"] == "quyet_dinh" and again["ngay_ban_hanh"] == "2024-08-27"
    assert again["so_ky_hieu"] == "1/GP-SCT"  # uncorrected fields still come from the machine
    assert again["machine"]["doc_type"] == "giay_phep"

    assert reindex(ctx) == 1
    assert (ctx.index.get(doc_id) or {})["doc_type"] == "quyet_dinh"
    (entry,) = history(ctx, doc_id)
    assert entry["by"] == "lan" and entry["previous"]["doc_type"] == "giay_phep" and entry["at"]


def test_bad_corrections_are_refused(indexed: tuple[Context, str]) -> None:
    ctx, doc_id = indexed
    with pytest.raises(PermanentError) as bad_date:
        correct(ctx, doc_id, {"ngay_ban_hanh": "27/08/2024"}, by="lan")
    assert bad_date.value.code == "bad_value"
    with pytest.raises(PermanentError) as bad_field:
        correct(ctx, doc_id, {"text": "x"}, by="lan")
    assert bad_field.value.code == "bad_field"
    assert history(ctx, doc_id) == []


def test_corrections_rebuild_fields_and_history_in_order(indexed: tuple[Context, str]) -> None:
    ctx, doc_id = indexed
    correct(ctx, doc_id, {"doc_type": "quyet_dinh", "so_ky_hieu": "7/QĐ-UBND"}, by="lan")
    correct(ctx, doc_id, {"so_ky_hieu": "8/QĐ-UBND", "nguoi_ky": ""}, by="minh")
    assert load_corrections(ctx, doc_id)["fields"] == {
        "doc_type": "quyet_dinh",
        "so_ky_hieu": "8/QĐ-UBND",  # the later correction wins
        "nguoi_ky": None,  # cleared
    }
    first, second = history(ctx, doc_id)
    assert (first["by"], first["changes"]) == ("lan", {"doc_type": "quyet_dinh", "so_ky_hieu": "7/QĐ-UBND"})
    assert first["previous"] == {"doc_type": "giay_phep", "so_ky_hieu": "1/GP-SCT"}
    assert (second["by"], second["previous"]["so_ky_hieu"]) == ("minh", "7/QĐ-UBND")
    assert first["at"] <= second["at"]
    assert (ctx.index.get(doc_id) or {})["corrected"] == ["doc_type", "nguoi_ky", "so_ky_hieu"]


def test_an_upgrade_imports_the_json_corrections_of_earlier_versions(settings: Settings) -> None:
    old = {
        "fields": {"doc_type": "quyet_dinh", "field": "ruou"},
        "history": [
            {
                "by": "lan",
                "at": "2024-05-06T07:08:09.123+00:00",
                "changes": {"doc_type": "quyet_dinh"},
                "previous": {"doc_type": "giay_phep"},
            }
        ],
    }
    doc_id = "ab" + "0" * 62
    with Context.open(settings) as ctx:  # what an earlier version left in the object store
        ctx.store.put_bytes(f"corrections/ab/{doc_id}.json", json.dumps(old).encode(), "application/json")
    with Context.open(settings) as ctx:
        loaded = load_corrections(ctx, doc_id)
    assert loaded["fields"] == old["fields"]
    assert loaded["history"][0] == old["history"][0]  # the history as it was
    assert loaded["history"][1]["changes"] == {"field": "ruou"}  # a field the history did not explain is kept
