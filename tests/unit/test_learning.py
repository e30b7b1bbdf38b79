"""Learning from corrections: a model trained on what staff corrected learns a kind of document the rules do not
know, changes no decision the rules got right on the project's samples, and is retrained after ten corrections.

Documents are indexed as the worker indexes them (rules, then the learned model where the rules are unsure), from
text: the samples' ground-truth texts and two kinds of document generated here with a seeded RNG.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from workers.cli import main
from workers.context import Context
from workers.corrections import correct
from workers.learn import service
from workers.learn.model import FORMAT_VERSION, Classifier
from workers.learn.service import META_KEY, learned_analysis, load_model, train_and_save, wait_idle
from workers.pipeline.analyze import analyze, rules_unsure
from workers.pipeline.process import Processed
from workers.pipeline.types import PageText, ReadResult
from workers.records import processed_fields
from workers.settings import Settings

# ------------------------------------------------------------------------- generated documents -----
_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
_MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Thanh", "Xuân"]
_GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Sơn", "Tâm", "Yến"]
_PROVINCES = ["BẮC SƠN", "LẠNG SƠN", "CAO BẰNG", "HÀ GIANG", "TUYÊN QUANG", "YÊN BÁI", "THÁI NGUYÊN"]
_PROCEDURES = [
    "Cấp Giấy phép bán lẻ sản phẩm rượu",
    "Cấp Giấy phép bán lẻ sản phẩm thuốc lá",
    "Cấp Giấy chứng nhận đủ điều kiện an toàn thực phẩm",
    "Cấp Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu",
    "Cấp Giấy phép hoạt động điện lực",
    "Đăng ký thực hiện khuyến mại",
]
_UNITS = ["Phòng Quản lý thương mại", "Phòng Kỹ thuật an toàn - Môi trường", "Phòng Quản lý năng lượng", "Văn phòng Sở"]
_SERVICES = [
    "cung cấp nước sinh hoạt",
    "dịch vụ viễn thông di động",
    "dịch vụ truyền hình trả tiền",
    "dịch vụ truy nhập internet",
    "mua bán căn hộ chung cư",
    "vận chuyển hành khách bằng xe buýt",
]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_SURNAMES)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"


def _date(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(1, 28), rng.randint(1, 12), rng.choice([2023, 2024, 2025])


def phieu_kiem_soat(rng: random.Random) -> str:
    """A dossier processing control slip (one-stop shop form): a type the taxonomy has no title for."""
    province = rng.choice(_PROVINCES)
    day, month, year = _date(rng)
    top = rng.choice(
        [f"UBND TỈNH {province}", f"SỞ CÔNG THƯƠNG TỈNH {province}", f"UBND HUYỆN {rng.choice(_GIVEN).upper()}"]
    )
    unit = rng.choice(["BỘ PHẬN MỘT CỬA", "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"])
    suffix = rng.choice(["", " TTHC", " THỦ TỤC HÀNH CHÍNH"])
    code = f"000.{rng.randint(10, 99)}.{rng.randint(10, 99)}.H{rng.randint(10, 99)}-{year % 100}{month:02d}{day:02d}"
    return "\n".join(
        [
            f"{top}    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            f"{unit}    Độc lập - Tự do - Hạnh phúc",
            f"{province.title()}, ngày {day} tháng {month} năm {year}",
            f"PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ{suffix}",
            f"Mã hồ sơ: {code}-{rng.randint(1, 9999):04d}",
            f"(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả số: {rng.randint(1, 900)}/{rng.choice(['TNHS', 'BN'])})",
            f"Tên thủ tục: {rng.choice(_PROCEDURES)}",
            f"Cơ quan (bộ phận) giải quyết hồ sơ: {rng.choice(_UNITS)}",
            "Cơ quan phối hợp giải quyết hồ sơ: " + rng.choice(["không", "Ủy ban nhân dân huyện", "Công an tỉnh"]),
            "TÊN CƠ QUAN    THỜI GIAN GIAO, NHẬN HỒ SƠ    KẾT QUẢ GIẢI QUYẾT HỒ SƠ    GHI CHÚ",
            f"1. Giao: Bộ phận tiếp nhận và trả kết quả {rng.randint(7, 16)} giờ {rng.randint(0, 59)} phút,"
            f" ngày {day}/{month}/{year}",
            f"Nhận: {rng.choice(_UNITS)}",
            f"Người giao {_person(rng)}    Người nhận {_person(rng)}",
            f"2. Giao: {rng.choice(_UNITS)} {rng.randint(7, 16)} giờ {rng.randint(0, 59)} phút",
            "Nhận: " + rng.choice(["Lãnh đạo Sở", "Lãnh đạo phòng", "Bộ phận một cửa"]),
            rng.choice(["Đúng hạn", "Trước hạn", "Đã giải quyết xong"]),
        ]
    )


def hop_dong_mau(rng: random.Random) -> str:
    """A letter on registering a standard-form contract: consumer protection, a field the taxonomy does not have."""
    province = rng.choice(_PROVINCES)
    day, month, year = _date(rng)
    service_name = rng.choice(_SERVICES)
    kind = rng.choice(["CỔ PHẦN", "TNHH", "TNHH MTV"])
    trade = rng.choice(["NƯỚC SẠCH", "VIỄN THÔNG", "TRUYỀN HÌNH", "ĐẦU TƯ", "DỊCH VỤ", "VẬN TẢI"])
    company = f"Công ty {kind.lower()} {trade.title()} {rng.choice(['An Phú', 'Hồng Hà', 'Tân Phát', 'Minh Long'])}"
    subject = rng.choice(
        [
            f"V/v đăng ký hợp đồng theo mẫu {service_name}",
            f"V/v đăng ký hợp đồng theo mẫu, điều kiện giao dịch chung về {service_name}",
            f"V/v kết quả đăng ký hợp đồng theo mẫu {service_name}",
        ]
    )
    return "\n".join(
        [
            f"UBND TỈNH {province}    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "SỞ CÔNG THƯƠNG    Độc lập - Tự do - Hạnh phúc",
            f"Số: {rng.randint(1, 999)}/SCT-{rng.choice(['QLTM', 'VP'])}    {province.title()}, ngày {day} tháng {month}"
            f" năm {year}",
            subject,
            f"Kính gửi: {company}",
            rng.choice(["Căn cứ Luật Bảo vệ quyền lợi người tiêu dùng năm 2023;", "Căn cứ Luật Bảo vệ quyền lợi NTD;"]),
            "Căn cứ Nghị định số 55/2024/NĐ-CP ngày 16 tháng 5 năm 2024 của Chính phủ quy định chi tiết",
            "một số điều của Luật Bảo vệ quyền lợi người tiêu dùng;",
            f"Sở Công Thương nhận được văn bản số {rng.randint(1, 300)}/{rng.choice(['CV', 'CT'])} ngày"
            f" {day}/{month}/{year} của {company} về việc đăng ký hợp đồng theo mẫu {service_name}.",
            rng.choice(
                [
                    "1. Chấp nhận đăng ký hợp đồng theo mẫu của Công ty.",
                    "1. Đề nghị Công ty sửa đổi các điều khoản xâm phạm quyền lợi người tiêu dùng.",
                ]
            ),
            "2. Công ty công khai hợp đồng theo mẫu tại trụ sở và trên trang thông tin điện tử.",
            "Nơi nhận:    KT. GIÁM ĐỐC",
            "- Như trên;    PHÓ GIÁM ĐỐC",
            "- Lưu: VT, QLTM.",
            _person(rng),
        ]
    )


NEW_KINDS: dict[str, tuple[Callable[[random.Random], str], str, str]] = {
    # name: (generator, target staff correct, the right value)
    "new type": (phieu_kiem_soat, "doc_type", "phieu_kiem_soat"),
    "new field": (hop_dong_mau, "field", "bao_ve_nguoi_tieu_dung"),
}


# ------------------------------------------------------------------------------------ helpers -----
@pytest.fixture
def ctx(settings: Settings) -> Iterator[Context]:
    with Context.open(settings) as opened:
        yield opened
        wait_idle()
    service.forget_models()


def index_text(ctx: Context, text: str, n: int) -> str:
    """Index ``text`` as the worker does (rules, then the stored model where they are unsure); returns its id."""
    doc_id = hashlib.sha256(text.encode("utf-8")).hexdigest()
    analysis = learned_analysis(ctx, text, analyze(text))
    read = ReadResult("pdf", [PageText(1, text, "text_layer")], None)
    fields = processed_fields(Processed(read, analysis, 0.0), low_confidence=70.0)
    ctx.index.upsert(doc_id, fields | {"uploaded_at": f"2025-01-01T00:00:{n:06.3f}", "filename": f"{n}.pdf"})
    return doc_id


def sample_texts(samples_dir: Path) -> list[tuple[str, dict[str, str]]]:
    """(text, ground truth) of each of the project's samples."""
    out = []
    for path in sorted((samples_dir / "gt").glob("doc_*.json")):
        gt = json.loads(path.read_text(encoding="utf-8"))
        out.append((gt["text"], {"doc_type": gt["doc_type"], "field": gt["field"]}))
    return out


def teach(ctx: Context, samples_dir: Path, corrected: int = 10) -> dict[str, list[str]]:
    """Index the samples (rules only), then 30 documents of each new kind, and let staff correct ``corrected`` of
    each kind. Returns the texts of the documents of each kind that nobody corrected."""
    for n, (text, _gt) in enumerate(sample_texts(samples_dir)):
        index_text(ctx, text, n)
    rest: dict[str, list[str]] = {}
    for k, (name, (make, target, right)) in enumerate(NEW_KINDS.items()):
        rng = random.Random(1000 + k)
        texts = [make(rng) for _ in range(30)]
        ids = [index_text(ctx, text, 100 * (k + 1) + i) for i, text in enumerate(texts[:corrected])]
        for doc_id in ids:
            assert (ctx.index.get(doc_id) or {})[target] != right, f"{name}: the rules already know it"
            correct(ctx, doc_id, {target: right}, by="lan")
        rest[name] = texts[corrected:]
    wait_idle()
    return rest


# ------------------------------------------------------------------------------------- tests ------
@pytest.mark.parametrize("name", list(NEW_KINDS))
def test_ten_corrections_teach_a_kind_the_rules_do_not_know(ctx: Context, samples_dir: Path, name: str) -> None:
    _make, target, right = NEW_KINDS[name]
    rest = teach(ctx, samples_dir)[name]
    assert load_model(ctx, refresh=True) is not None  # trained in the background after the tenth correction

    before = [analyze(text) for text in rest]
    after = [learned_analysis(ctx, text, rules) for text, rules in zip(rest, before, strict=True)]
    assert sum(getattr(a, target) == right for a in before) == 0  # the rules get none of the twenty right
    assert [getattr(a, target) for a in after] == [right] * 20  # the model gets all twenty
    assert all(getattr(a, f"{target}_source") == "model" for a in after)
    other = "field" if target == "doc_type" else "doc_type"
    assert [getattr(a, other) for a in after] == [getattr(a, other) for a in before]  # nothing else moved


def _degraded(text: str, rng: random.Random) -> str:
    """The sample without its title line and with OCR-like slips: makes the rules unsure more often."""
    lines = text.splitlines()
    title = next(
        (i for i, ln in enumerate(lines[:8]) if ln.isupper() and "CỘNG HÒA" not in ln and "SỐ" not in ln), None
    )
    if title is not None:
        del lines[title]
    slips = {"o": "0", "l": "1", "ư": "u", "ơ": "o"}
    return "\n".join("".join(slips.get(c, c) if rng.random() < 0.04 else c for c in ln) for ln in lines)


def test_the_model_changes_no_rule_decision_that_was_right_on_the_samples(ctx: Context, samples_dir: Path) -> None:
    """Acceptance: the model changes what the rules got wrong (the new kinds) and nothing they got right (samples,
    as generated and without their title line, with OCR slips, where the rules are unsure more often)."""
    rest = teach(ctx, samples_dir)
    for record in list(ctx.index.scan()):
        if not record.get("corrected"):  # staff confirm every sample: the model may name their classes too
            correct(ctx, record["doc_id"], {"doc_type": record["doc_type"], "field": record["field"]}, by="lan")
    wait_idle()
    model = train_and_save(ctx)
    rng = random.Random(7)
    texts = [(text, gt) for text, gt in sample_texts(samples_dir)]
    texts += [(_degraded(text, rng), gt) for text, gt in texts]
    texts += [(text, {target: right}) for name, (_, target, right) in NEW_KINDS.items() for text in rest[name]]
    counts = Counter[str]()
    for text, gt in texts:
        rules, blended = analyze(text), analyze(text, model=model)
        for target in gt:
            rule_value, value = getattr(rules, target), getattr(blended, target)
            counts["unsure"] += rules_unsure(target, rule_value, getattr(rules, f"{target}_confidence"))
            counts["right" if rule_value == gt[target] else "wrong"] += 1
            counts["right changed"] += rule_value == gt[target] and value != rule_value
            counts["wrong fixed"] += rule_value != gt[target] and value == gt[target]
    assert counts["right changed"] == 0, counts  # not one right decision of the rules changed
    assert counts["right"] >= 60 and counts["wrong fixed"] >= 40, counts  # the forty new-kind documents


def test_retraining_starts_at_the_tenth_correction_and_not_before(
    ctx: Context, samples_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "_thread", None)
    for n, (text, _gt) in enumerate(sample_texts(samples_dir)):
        index_text(ctx, text, n)
    rng = random.Random(5)
    ids = [index_text(ctx, phieu_kiem_soat(rng), 100 + i) for i in range(12)]
    started = []
    for i, doc_id in enumerate(ids[:9]):
        correct(ctx, doc_id, {"doc_type": "phieu_kiem_soat"}, by="lan")
        correct(ctx, doc_id, {"nguoi_ky": f"Người {i}"}, by="lan")  # not a label: does not count
        started.append(service._thread)
    assert not ctx.store.exists(META_KEY) and started == [None] * 9
    correct(ctx, ids[9], {"doc_type": "phieu_kiem_soat"}, by="lan")
    assert wait_idle()
    meta = json.loads(ctx.store.get_bytes(META_KEY))
    assert meta["targets"]["doc_type"]["staff"] == {"phieu_kiem_soat": 10}
    assert meta["version"] == FORMAT_VERSION and meta["examples"] >= 26
    model = load_model(ctx, refresh=True)
    assert isinstance(model, Classifier) and "phieu_kiem_soat" in model.decidable["doc_type"]
    # the counter starts again: one more correction does not retrain
    correct(ctx, ids[10], {"doc_type": "phieu_kiem_soat"}, by="lan")
    assert wait_idle() and json.loads(ctx.store.get_bytes(META_KEY))["trained_at"] == meta["trained_at"]


def test_sohoa_train_prints_counts_and_accuracy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], samples_dir: Path
) -> None:
    monkeypatch.setenv("SOHOA_HOME", str(tmp_path / "clihome"))
    assert main(["train"]) == 1  # nothing labelled yet: nothing saved
    assert "nothing saved" in capsys.readouterr().out
    with Context.open(Settings()) as ctx:
        teach(ctx, samples_dir, corrected=6)
    assert main(["train"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"phieu_kiem_soat +6 +0 +yes", out), out  # staff, rules, the model may name it
    assert "cross-validated accuracy (3-fold)" in out and "saved models/classifier.joblib" in out
    assert main(["train", "--json", "--no-cv", "--min-examples", "7"]) == 0
    report = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert report["saved"] and report["targets"]["field"]["staff"] == {"bao_ve_nguoi_tieu_dung": 6}
    assert report["targets"]["field"]["decidable"] == [] and report["targets"]["doc_type"]["cv_accuracy"] is None
