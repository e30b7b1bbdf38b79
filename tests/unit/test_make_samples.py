"""scripts/make_samples.py: deterministic synthetic scans with exact, self-consistent ground truth."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import importlib
import json
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "make_samples.py"
GT_KEYS = [
    "file",
    "stem",
    "format",
    "pages",
    "born_digital",
    "has_text_layer",
    "level",
    "doc_type",
    "doc_subtype",
    "field",
    "so_ky_hieu",
    "ngay_ban_hanh",
    "co_quan_ban_hanh",
    "co_quan_aliases",
    "nguoi_ky",
    "chuc_vu_nguoi_ky",
    "trich_yeu",
    "hieu_luc_den",
    "ma_ho_so",
    "chu_the",
    "tthc_result",
    "duplicate_of_result",
    "page_data",
    "text",
]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same seed generated twice (concurrently, to keep the test short)."""
    outs = [tmp_path_factory.mktemp("samples_a"), tmp_path_factory.mktemp("samples_b")]
    procs = [
        subprocess.Popen(
            [sys.executable, str(SCRIPT), str(out), "--seed", "7"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for out in outs
    ]
    for proc in procs:
        _stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr.decode()
    return outs[0], outs[1]


@pytest.fixture(scope="module")
def out(two_runs: tuple[Path, Path]) -> Path:
    return two_runs[0]


def samplegen(module: str) -> ModuleType:
    """A module of the generator's package, which lives next to the script (scripts/ is not a package)."""
    scripts = str(ROOT / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    return importlib.import_module(f"samplegen.{module}")


def require_tool(name: str, package: str) -> str:
    """Path of an external tool; skip locally when it is missing, fail under CI where it must be installed."""
    path = shutil.which(name)
    if path is None:
        why = f"{name} not installed ({package})"
        if IN_CI:
            pytest.fail(why)
        pytest.skip(why)
    return path


def load_gt(out: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "gt").glob("doc_*.json"))}


def read_register(out: Path) -> list[dict[str, str]]:
    with (out / "valid_results_register.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def collapse(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_same_seed_gives_identical_output(two_runs: tuple[Path, Path]) -> None:
    a, b = two_runs
    names_a = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    names_b = sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert names_a == names_b
    for gt in sorted((a / "gt").glob("*")):
        assert gt.read_bytes() == (b / "gt" / gt.name).read_bytes(), gt.name
    for name in names_a:
        assert digest(a / name) == digest(b / name), name


def test_layout_and_manifest(out: Path) -> None:
    gt = load_gt(out)
    files = sorted(p.name for p in (out / "files").iterdir())
    assert files == sorted(g["file"] for g in gt.values())
    assert 12 <= len(files) <= 24
    with (out / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        manifest = list(csv.DictReader(fh))
    assert list(manifest[0]) == ["file", "format", "pages", "level", "bytes"]
    assert {r["file"] for r in manifest} == set(files)
    for row in manifest:
        g = gt[Path(row["file"]).stem]
        assert (row["format"], int(row["pages"]), row["level"]) == (g["format"], g["pages"], g["level"])
        assert int(row["bytes"]) == (out / "files" / row["file"]).stat().st_size
    # manifest.csv is written last: its presence means the set is complete
    newest = max(p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != "manifest.csv")
    assert (out / "manifest.csv").stat().st_mtime_ns >= newest


def test_every_gt_names_a_file_with_the_right_page_count(out: Path) -> None:
    for stem, g in load_gt(out).items():
        assert set(GT_KEYS) <= set(g), stem
        assert g["stem"] == stem and g["file"].startswith(stem + ".")
        path = out / "files" / g["file"]
        assert path.is_file(), g["file"]
        if g["format"] == "pdf":
            reader = PdfReader(path)
            assert len(reader.pages) == g["pages"], stem
            text_pages = [bool((p.extract_text() or "").strip()) for p in reader.pages]
            assert text_pages == [not pd["scanned"] for pd in g["page_data"]], stem
        else:
            with Image.open(path) as im:
                assert getattr(im, "n_frames", 1) == g["pages"], stem
                assert im.format == {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF"}[g["format"]]
                for i, pd in enumerate(g["page_data"]):
                    im.seek(i)
                    assert list(im.size) == pd["image_px"], stem
                    landscape = im.size[0] > im.size[1]
                    assert landscape == (pd["rotation_cw"] in (90, 270)), stem
        assert len(g["page_data"]) == g["pages"]
        assert g["text"] == "\f".join(pd["text"] for pd in g["page_data"])
        assert (out / "gt" / f"{stem}.txt").read_text(encoding="utf-8") == g["text"]
        assert unicodedata.normalize("NFC", g["text"]) == g["text"]
        assert g["has_text_layer"] == any(not pd["scanned"] for pd in g["page_data"])
        assert g["born_digital"] == all(not pd["scanned"] for pd in g["page_data"])


def test_canonical_text_joins_the_two_header_columns(out: Path) -> None:
    for stem, g in load_gt(out).items():
        first = g["page_data"][0]["text"].split("\n")[0]
        assert first.endswith(" CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), (stem, first)


def test_set_composition(out: Path) -> None:
    gts = list(load_gt(out).values())
    levels = [g["level"] for g in gts]
    assert levels.count("L3_heavy") >= 2 and levels.count("L2_medium") >= 3
    rotations = {pd["rotation_cw"] for g in gts for pd in g["page_data"]}
    assert {90, 180} <= rotations
    assert {g["format"] for g in gts} == {"png", "jpeg", "tiff", "pdf"}
    assert any(g["format"] == "tiff" and g["pages"] == 2 for g in gts)
    assert any(g["format"] == "pdf" and g["pages"] == 2 and not g["has_text_layer"] for g in gts)
    assert any(g["born_digital"] for g in gts)
    mixed = [g for g in gts if g["has_text_layer"] and not g["born_digital"]]
    assert mixed and [pd["scanned"] for pd in mixed[0]["page_data"]] == [False, True]
    wine = [g for g in gts if g["doc_type"] == "giay_phep" and g["field"] == "ruou"]
    assert len(wine) >= 3
    district = [g for g in gts if g["tthc_result"] and not g["tthc_result"]["in_register"]]
    assert district and district[0]["co_quan_ban_hanh"].startswith("UBND huyện")
    dups = [g for g in gts if g["duplicate_of_result"]]
    assert dups
    for dup in dups:
        first = [g for g in gts if g["tthc_result"] == dup["tthc_result"] and not g["duplicate_of_result"]]
        assert first and first[0]["level"] != dup["level"]
    receipts = [g for g in gts if g["doc_type"] == "giay_bien_nhan"]
    assert receipts and all(g["ma_ho_so"] and f"Mã hồ sơ: {g['ma_ho_so']}" in g["text"] for g in receipts)
    for g in gts:
        if g["so_ky_hieu"]:
            assert f"Số: {g['so_ky_hieu']}" in g["text"], g["stem"]
        if g["hieu_luc_den"] and "05 năm kể từ ngày ký" in g["text"]:
            issued = dt.date.fromisoformat(g["ngay_ban_hanh"])
            assert g["hieu_luc_den"] == issued.replace(year=issued.year + 5).isoformat()


def test_coverage_agrees_with_register_and_gt(out: Path) -> None:
    register = read_register(out)
    assert list(register[0]) == ["so_ky_hieu", "loai", "ngay_ban_hanh", "hieu_luc_den", "chu_the", "linh_vuc"]
    keys = {f"{r['so_ky_hieu']}|{r['ngay_ban_hanh']}" for r in register}
    assert len(keys) == len(register)
    gts = list(load_gt(out).values())
    results = [g["tthc_result"] for g in gts if g["tthc_result"]]
    for res in results:
        assert (res["register_key"] in keys) == res["in_register"], res
    for g in gts:
        res = g["tthc_result"]
        if res and res["in_register"]:
            row = next(r for r in register if f"{r['so_ky_hieu']}|{r['ngay_ban_hanh']}" == res["register_key"])
            assert row["hieu_luc_den"] == (g["hieu_luc_den"] or "")
    digitized = {r["register_key"] for r in results if r["in_register"]}
    coverage = json.loads((out / "gt" / "coverage.json").read_text(encoding="utf-8"))
    assert set(coverage) == {"2024-09-24", "2025-01-01"}
    for day, got in coverage.items():
        valid = sorted(
            f"{r['so_ky_hieu']}|{r['ngay_ban_hanh']}"
            for r in register
            if r["ngay_ban_hanh"] <= day and (not r["hieu_luc_den"] or r["hieu_luc_den"] >= day)
        )
        dig = [k for k in valid if k in digitized]
        assert got["register"] == len(register)
        assert got["valid"] == len(valid) and sorted(got["valid_keys"]) == valid
        assert got["digitized"] == len(dig) and sorted(got["digitized_keys"]) == sorted(dig)
        assert got["rate"] == round(len(dig) / len(valid), 4)
    # the set exercises the rule: an expired result with a file, and a result valid only on the later date
    assert digitized - set(coverage["2024-09-24"]["valid_keys"])
    assert coverage["2024-09-24"]["valid_keys"] != coverage["2025-01-01"]["valid_keys"]


def test_text_layer_matches_ground_truth(out: Path) -> None:
    pdftotext = require_tool("pdftotext", "poppler-utils")
    checked = 0
    for g in load_gt(out).values():
        for n, pd in enumerate(g["page_data"], start=1):
            if pd["scanned"]:
                continue
            layer = subprocess.run(
                [pdftotext, "-layout", "-f", str(n), "-l", str(n), str(out / "files" / g["file"]), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            assert collapse(layer) == collapse(pd["text"]), (g["file"], n)
            checked += 1
    assert checked >= 2


def test_every_kind_is_used_and_fills_all_its_templates() -> None:
    kinds = samplegen("kinds").KINDS
    plan = samplegen("plan")
    used = [doc.kind for doc in plan.DOCUMENTS.values()]
    unused = [name for name, kind in kinds.items() if not any(kind is k for k in used)]
    assert not unused
    assert {f.doc for f in plan.FILES} == set(plan.DOCUMENTS)
    plans = plan.plan_files(7)
    assert len(plans) == len(plan.FILES)

    def texts(value: object) -> list[str]:
        if isinstance(value, str):
            return [value]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return [t for f in dataclasses.fields(value) for t in texts(getattr(value, f.name))]
        if isinstance(value, dict):
            return [t for v in value.values() for t in texts(v)]
        if isinstance(value, list | tuple):
            return [t for v in value for t in texts(v)]
        return []

    for p in plans:
        strings = texts(p.spec)
        assert strings and not [t for t in strings if "{" in t or "}" in t], p.filing.doc


@pytest.fixture(scope="module")
def split_plans() -> dict[str, list[Any]]:
    """The plans of the widened splits at their own seeds (laid out, not rendered)."""
    samplegen("fonts").check_fonts("auto")
    splits = samplegen("splits")
    return {name: splits.plan_split(name, seed) for name, seed in splits.SPLIT_SEEDS.items()}


def test_widened_splits_use_every_widened_kind_and_layout(split_plans: dict[str, list[Any]]) -> None:
    widened = samplegen("kinds.widened").WIDENED_KINDS
    for name, plans in split_plans.items():
        assert 60 <= len(plans) <= 80, name
        specs = [p.spec for p in plans]
        subtypes = {s.doc_subtype for s in specs}
        assert {k.doc_subtype for k in widened.values()} <= subtypes, name
        assert {s.header_layout for s in specs} == {"nd30", "compact"}
        assert {p.filing.level for p in plans} >= {"L0_clean", "L3_heavy", "L3_severe", "digital"}
        assert {"ke_hoach", "giay_moi"} <= {s.doc_type for s in specs}
        issuers = {s.co_quan for s in specs}
        assert len({i for i in issuers if i.startswith("Sở Công Thương tỉnh")}) >= 3, name
        assert any(i.startswith("Phòng Kinh tế huyện") for i in issuers)
        assert any(i.startswith("Phòng Kinh tế thành phố") for i in issuers)
        # company letterheads, with and without a number: the company is the issuer
        letters = [s for s in specs if s.doc_type in ("cong_van", "don_de_nghi") and s.co_quan == s.chu_the]
        assert len(letters) >= 8 and all(s.header_left[0][0] == s.co_quan.upper() for s in letters)
        assert {s.so_ky_hieu is None for s in letters} == {True, False}
        # two-line headers: the governing body over the issuing body
        for s in specs:
            if s.co_quan.startswith(("Sở ", "Phòng ")):
                assert len(s.header_left) == 2 and s.header_left[0][0].startswith("UBND "), s.co_quan
        assert any(p.filing.duplicate for p in plans)


def test_heldout_names_places_the_dev_split_never_does(split_plans: dict[str, list[Any]]) -> None:
    places = samplegen("splits").PLACES
    dev, held = places["dev"], places["heldout"]
    assert not set(dev.provinces) & set(held.provinces)
    assert not set(dev.districts) & set(held.districts)
    heldout_text = " ".join(str(p.spec.co_quan) for p in split_plans["heldout"])
    assert not [prov for prov in dev.provinces if prov in heldout_text]


def test_compact_header_shares_rows_between_the_columns(split_plans: dict[str, list[Any]]) -> None:
    compose = samplegen("compose").compose
    shared = 0
    for plan in split_plans["dev"]:
        if plan.spec.header_layout != "compact":
            continue
        page = compose(plan.spec)[0]
        for row in page.rows()[:6]:
            roles = {ln.role for ln in row}
            # the number or the issuer beside the motto or the place and date: one OCR line of both columns
            shared += bool(roles & {"so_ky_hieu", "header_left", "trich_yeu"} and "place_date" in roles)
            left = [ln for ln in row if ln.role in ("header_left", "so_ky_hieu", "trich_yeu")]
            right = [ln for ln in row if ln.role in ("header_right", "place_date")]
            if left and right:
                assert max(ln.x0 + ln.width for ln in left) < min(ln.x0 for ln in right), plan.filing.doc
    assert shared >= 5


def test_plan_does_not_depend_on_anything_but_the_seed() -> None:
    plan = samplegen("plan")
    assert plan.plan_files(7) == plan.plan_files(7)
    assert plan.plan_files(7) != plan.plan_files(8)


def read_dossier_list(out: Path) -> list[dict[str, str]]:
    with (out / "dossier_list.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_dossier_list_is_a_one_stop_export_with_due_dates_and_late_cases(out: Path) -> None:
    from workers.dossiers import COLUMNS, parse_dossier_list

    rows = read_dossier_list(out)
    assert rows and list(rows[0]) == list(COLUMNS)
    parsed, rejected = parse_dossier_list((out / "dossier_list.csv").read_bytes(), "dossier_list.csv")
    assert rejected == [] and len(parsed) == len(rows)
    assert [p["ma_ho_so"] for p in parsed] == [r["ma_ho_so"] for r in rows]  # codes are already canonical
    received = [r["ngay_tiep_nhan"] for r in rows]
    assert any("/" in d for d in received) and any("-" in d for d in received)  # both date styles
    for p in parsed:
        assert p["ngay_hen_tra"] is not None and p["ngay_hen_tra"] > p["ngay_tiep_nhan"], p["ma_ho_so"]
        if p["ngay_tra_ket_qua"] is None:
            assert p["trang_thai"] != "da_tra_ket_qua" and p["ket_qua_so_ky_hieu"] is None
        else:
            assert p["trang_thai"] == "da_tra_ket_qua" and p["ket_qua_so_ky_hieu"], p["ma_ho_so"]
            assert p["ket_qua_ngay_ban_hanh"] == p["ngay_tra_ket_qua"] >= p["ngay_tiep_nhan"]
    late = [p for p in parsed if p["ngay_tra_ket_qua"] and p["ngay_tra_ket_qua"] > p["ngay_hen_tra"]]
    on_time = [p for p in parsed if p["ngay_tra_ket_qua"] and p["ngay_tra_ket_qua"] <= p["ngay_hen_tra"]]
    pending = [p for p in parsed if p["ngay_tra_ket_qua"] is None]
    assert late and on_time and pending


def test_dossier_answer_key_agrees_with_the_list_and_the_documents(out: Path) -> None:
    from workers.dossiers import parse_dossier_list

    key = json.loads((out / "gt" / "dossiers.json").read_text(encoding="utf-8"))
    parsed, _rejected = parse_dossier_list((out / "dossier_list.csv").read_bytes())
    listed = {p["ma_ho_so"]: p for p in parsed}
    assert [d["ma_ho_so"] for d in key["dossiers"]] == list(listed)
    gts = {g["file"]: g for g in load_gt(out).values()}
    filed: dict[str, str] = {}
    for d in key["dossiers"]:
        p = listed[d["ma_ho_so"]]
        for name in ("ngay_tiep_nhan", "ngay_hen_tra", "ngay_tra_ket_qua"):
            assert d[name] == (p[name].isoformat() if p[name] else None), (d["ma_ho_so"], name)
        assert (d["ket_qua"] or {}).get("so_ky_hieu") == p["ket_qua_so_ky_hieu"]
        for f in d["files"]:
            assert f["file"] in gts and f["file"] not in filed, f
            assert f["role"] in ("don_de_nghi", "giay_bien_nhan", "bien_ban", "ket_qua", "khac")
            filed[f["file"]] = d["ma_ho_so"]
            g = gts[f["file"]]
            if f["role"] == "ket_qua":
                assert (g["so_ky_hieu"], g["ngay_ban_hanh"]) == (p["ket_qua_so_ky_hieu"], d["ngay_tra_ket_qua"])
            elif f["role"] != "khac":
                assert g["doc_type"] == f["role"]
        returned = p["ngay_tra_ket_qua"] is not None
        required = ["don_de_nghi", "giay_bien_nhan", *(["ket_qua"] if returned else [])]
        have = {f["role"] for f in d["files"]}
        assert d["required"] == required
        assert d["missing"] == [r for r in required if r not in have]
        assert d["digitized"] == (not d["missing"])
        assert d["late"] == (returned and p["ngay_tra_ket_qua"] > p["ngay_hen_tra"])
    # a code printed on a paper puts it in that dossier; every receipt is filed
    for name, g in gts.items():
        if g["ma_ho_so"]:
            assert filed.get(name) == g["ma_ho_so"], name
        if g["doc_type"] == "giay_bien_nhan":
            assert name in filed
    expected = key["expected"]
    assert expected["received"] == len(key["dossiers"])
    assert expected["digitized"] == sum(d["digitized"] for d in key["dossiers"])
    assert expected["late"] == sum(d["late"] for d in key["dossiers"]) >= 1
    assert expected["not_returned"] == sum(d["ngay_tra_ket_qua"] is None for d in key["dossiers"]) >= 1
    assert expected["without_files"] == sum(not d["files"] for d in key["dossiers"]) >= 2
    assert 1 <= expected["digitized"] < expected["received"]
    days = sorted(d["ngay_tiep_nhan"] for d in key["dossiers"])
    assert key["period"] == {"from": days[0], "to": days[-1]}


def test_widened_splits_have_dossier_lists_too(split_plans: dict[str, list[Any]]) -> None:
    dossiers = samplegen("dossiers")
    for name, plans in split_plans.items():
        fnames = [f"doc_{i:04d}.pdf" for i in range(1, len(plans) + 1)]
        entries = dossiers.split_entries(plans, fnames, samplegen("splits").SPLIT_SEEDS[name])
        assert entries == dossiers.split_entries(plans, fnames, samplegen("splits").SPLIT_SEEDS[name])
        assert len({e.code for e in entries}) == len(entries)
        assert any(e.late for e in entries) and any(e.returned and not e.late for e in entries), name
        assert any(e.returned is None for e in entries) and any(not e.files for e in entries), name
        key = dossiers.answer_key(entries)
        assert key["expected"]["received"] == len(dossiers.list_rows(entries)) == len(entries)
        results = [p for p in plans if p.spec.tthc and p.spec.tthc["in_register"]]
        filed = {f for e in entries for f, _role in e.files}
        assert {fnames[plans.index(p)] for p in results} <= filed
