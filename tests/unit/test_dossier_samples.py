"""The generated one-stop export against the project's samples digitized by the real pipeline: every file of
the answer key is linked to its dossier with its role, nothing else is, and the dossier report gives exactly
the answer key's figures."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from workers import dossiers
from workers.context import Context
from workers.settings import Settings

pytestmark = pytest.mark.slow

STRICT_ROLES = ("giay_bien_nhan", "ket_qua")  # receipts and results: every one must be linked right


@pytest.fixture(scope="module")
def linked(processed_samples: Settings, samples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The samples' list imported into a database of its own (the shared home stays as it is), then linked."""
    db = tmp_path_factory.mktemp("dossier-db") / "sohoa.db"
    settings = processed_samples.model_copy(update={"database": f"sqlite:///{db}"})
    key = json.loads((samples_dir / "gt" / "dossiers.json").read_text(encoding="utf-8"))
    with Context.open(settings) as ctx:
        engine = ctx.database()
        imported = dossiers.import_dossiers(engine, (samples_dir / "dossier_list.csv").read_bytes(), "dossier_list.csv")
        records = {r["doc_id"]: r for r in ctx.index.scan()}
        dossiers.link_all(engine, records.values())
        links = dossiers.links(engine)
        start, end = date.fromisoformat(key["period"]["from"]), date.fromisoformat(key["period"]["to"])
        report = dossiers.report(engine, records.get, start, end)
    by_file = {r["filename"]: r for r in records.values()}
    return {"key": key, "imported": imported, "records": by_file, "links": links, "report": report}


def _expected_files(key: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {f["file"]: (d["ma_ho_so"], f["role"]) for d in key["dossiers"] for f in d["files"]}


def test_the_list_imports_whole(linked: dict[str, Any]) -> None:
    imported = linked["imported"]
    assert imported.rejected == []
    assert imported.added == len(linked["key"]["dossiers"])


def test_every_answer_key_file_is_linked_to_its_dossier_with_its_role(linked: dict[str, Any]) -> None:
    expected = _expected_files(linked["key"])
    records, links = linked["records"], linked["links"]
    assert set(expected) <= set(records)
    got = {}
    for name, record in records.items():
        link = links.get(record["doc_id"])
        got[name] = (link["ma_ho_so"], link["role"]) if link else None
    wrong = {name: (want, got[name]) for name, want in expected.items() if got[name] != want}
    for roles, target in ((STRICT_ROLES, 1.0), (("don_de_nghi", "bien_ban", "khac"), 0.9)):
        files = [name for name, (_code, role) in expected.items() if role in roles]
        if files:
            right = sum(1 for name in files if name not in wrong)
            assert right / len(files) >= target, (roles, {n: wrong[n] for n in files if n in wrong})
    strays = {name: got[name] for name in records if name not in expected and got[name] is not None}
    assert not strays, strays


def test_the_report_gives_the_answer_keys_figures(linked: dict[str, Any]) -> None:
    key, report = linked["key"], linked["report"]
    expected = key["expected"]
    assert (report["received"], report["digitized"], report["late"]) == (
        expected["received"],
        expected["digitized"],
        expected["late"],
    )
    rows = {r["ma_ho_so"]: r for r in report["dossiers"]}
    assert set(rows) == {d["ma_ho_so"] for d in key["dossiers"]}
    for d in key["dossiers"]:
        row = rows[d["ma_ho_so"]]
        assert row["missing"] == d["missing"], d["ma_ho_so"]
        assert row["late"] == d["late"], d["ma_ho_so"]
        assert row["digitized"] == d["digitized"], d["ma_ho_so"]
