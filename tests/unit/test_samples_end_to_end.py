"""The project's own samples through the real pipeline on embedded defaults, against ground truth."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, cer, load_gt
from workers.context import Context
from workers.ingest import ingest_paths
from workers.settings import Settings
from workers.worker import run_worker

pytestmark = pytest.mark.slow


def _records(settings: Settings) -> dict[str, dict[str, Any]]:
    with Context.open(settings) as ctx:
        return {r["filename"]: r for r in ctx.index.scan()}


def test_every_sample_is_indexed(processed_samples: Settings, samples_dir: Path) -> None:
    records = _records(processed_samples)
    gt = load_gt(samples_dir)
    assert set(records) == set(gt)
    assert {r["state"] for r in records.values()} == {"indexed"}
    for name, truth in gt.items():
        assert records[name]["pages"] == truth["pages"], name


def test_ocr_text_quality_against_ground_truth(processed_samples: Settings, samples_dir: Path) -> None:
    records = _records(processed_samples)
    by_level: dict[str, list[float]] = {}
    for name, truth in load_gt(samples_dir).items():
        by_level.setdefault(str(truth["level"]), []).append(cer(records[name]["text"] or "", str(truth["text"])))
    mean = {level: sum(v) / len(v) for level, v in by_level.items()}
    # the sample set covers every scan level; a level that went missing must not pass silently
    limits = {"digital": 0.005, "L0_clean": 0.03, "L1_light": 0.05, "L2_medium": 0.10, "L3_heavy": 0.25}
    assert set(mean) == set(limits), mean
    # thresholds well above what the pipeline does, far below what a broken one does
    for level, limit in limits.items():
        assert mean[level] < limit, (level, mean)


def test_text_layer_pages_are_not_ocred(processed_samples: Settings, samples_dir: Path) -> None:
    records = _records(processed_samples)
    for name, truth in load_gt(samples_dir).items():
        scanned = sum(1 for p in truth["page_data"] if p["scanned"])
        assert records[name]["pages_ocr"] == scanned, name


def test_metadata_against_ground_truth(processed_samples: Settings, samples_dir: Path) -> None:
    records = _records(processed_samples)
    clean = {n: t for n, t in load_gt(samples_dir).items() if t["level"] in ("digital", "L0_clean", "L1_light")}
    assert len(clean) >= 5
    for key, minimum in (("doc_type", 0.9), ("so_ky_hieu", 0.85), ("ngay_ban_hanh", 0.85), ("hieu_luc_den", 0.85)):
        right = sum(1 for n, t in clean.items() if records[n].get(key) == t[key])
        assert right / len(clean) >= minimum, (key, right, len(clean))


def test_search_without_diacritics_finds_retail_wine_licences_first(processed_samples: Settings) -> None:
    def top(query: str) -> list[dict[str, Any]]:
        env = {"SOHOA_HOME": str(processed_samples.home), "PATH": str(Path(sys.executable).parent)}
        out = subprocess.run(
            [sys.executable, "-m", "workers.cli", "search", query, "--json", "--limit", "20"],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            check=True,
        )
        return list(json.loads(out.stdout)["hits"])

    plain = top("giay phep ban le ruou")
    accented = top("giấy phép bán lẻ rượu")
    licences = [h for h in plain if h["doc_type"] == "giay_phep" and h["field"] == "ruou"]
    assert licences, "no retail wine licence found"
    assert [h["doc_id"] for h in plain[: len(licences)]] == [h["doc_id"] for h in licences]
    assert {h["doc_id"] for h in accented[: len(licences)]} == {h["doc_id"] for h in licences}


def test_malformed_files_fail_while_the_rest_of_the_batch_is_indexed(
    samples_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    good = sorted((samples_dir / "files").glob("*.png"))[0]
    (batch / good.name).write_bytes(good.read_bytes())
    pdf = next(p for p in sorted((samples_dir / "files").glob("*.pdf")))
    (batch / "truncated.pdf").write_bytes(pdf.read_bytes()[:1500])
    (batch / "notes.png").write_bytes(b"this is not an image at all")
    (batch / "empty.jpg").write_bytes(b"")
    from PIL import Image

    Image.new("1", (12_000, 12_000), 1).save(batch / "huge.png")  # 144 Mpx: over the pixel limit
    ctx = Context.open(settings)
    ingest_paths(ctx, [batch], batch="mixed")
    run_worker(settings, drain=True)
    states = {r["filename"]: (r["state"], r.get("error_code")) for r in ctx.index.scan("mixed")}
    assert states[good.name] == ("indexed", None)
    assert states["truncated.pdf"] == ("failed", "corrupt_file")
    assert states["notes.png"][0] == "failed" and states["notes.png"][1] in ("unsupported_type", "corrupt_file")
    assert states["empty.jpg"] == ("failed", "empty_file")
    assert states["huge.png"] == ("failed", "page_too_large")
    ctx.close()
