"""Register-assisted linking: exact and repaired links, ambiguity left to staff with candidates, no double link."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from workers.context import Context
from workers.coverage import compute_coverage, link_suggestions, match_documents
from workers.linking import RegisterIndex, subject_similarity
from workers.register import entry_id, import_register, load_links
from workers.services.register_links import link, unlink
from workers.services.review import review_queue
from workers.settings import Settings

D = date(2024, 9, 24)
COLUMNS = ("so_ky_hieu", "loai", "ngay_ban_hanh", "hieu_luc_den", "chu_the", "linh_vuc")


def entry(so: str, issued: str, chu_the: str, loai: str = "Giấy phép", field: str = "ruou") -> dict[str, Any]:
    return dict(zip(COLUMNS, (so, loai, issued, None, chu_the, field), strict=True))


REGISTER = [
    entry("15/GP-SCT", "2022-04-08", "Công ty TNHH Điện Kỳ Lừa", "Giấy phép hoạt động điện lực", "dien_luc"),
    entry("18/GP-SCT", "2022-09-01", "Công ty Cổ phần Rượu Mẫu Sơn"),
    entry("88/GP-SCT", "2022-03-15", "Công ty TNHH Bảo Ngọc"),
    entry("19/GCNXD-SCT", "2023-06-09", "Công ty Xăng dầu Hải Yến", "Giấy chứng nhận cửa hàng", "xang_dau"),
    entry("36/GCN-SCT", "2021-02-20", "Công ty TNHH Gas An Phát", "Giấy chứng nhận LPG", "khi"),
    entry("41/CNO-SCT", "2020-05-05", "Hộ kinh doanh Lê Ngân", "Giấy chứng nhận", "an_toan_thuc_pham"),
    entry("7/TB-BQL", "2020-06-01", "Công ty Cổ phần Cửa khẩu Tân Thanh", "Thông báo", "xuc_tien_thuong_mai"),
    entry("54/2024/CV-TC", "2024-03-12", "Công ty TNHH Tân Cương", "Công văn", "xuc_tien_thuong_mai"),
    entry("1996/SCT-QLTM", "2023-11-20", "Siêu thị Hồng Phát", "Văn bản xác nhận khuyến mại", "xuc_tien_thuong_mai"),
    entry("01/2021/GCNATTP-SCT", "2021-01-08", "Hộ kinh doanh Lò Văn Tính", "Giấy chứng nhận", "an_toan_thuc_pham"),
]


def doc(doc_id: str, so: str | None, issued: str | None, doc_type: str = "giay_phep", **extra: Any) -> dict[str, Any]:
    fields = {"doc_type": doc_type, "so_ky_hieu": so, "ngay_ban_hanh": issued}
    return {"doc_id": doc_id, "filename": f"{doc_id}.pdf", "state": "indexed"} | fields | extra


def linked(records: list[dict[str, Any]], links: dict[str, Any] | None = None, entries: Any = None) -> dict[str, Any]:
    """doc_id -> (register key, how)."""
    entries = REGISTER if entries is None else entries
    by_id = {entry_id(e["so_ky_hieu"], e["ngay_ban_hanh"]): e for e in entries}
    found = match_documents(records, entries, links or {})
    return {
        d: (f"{by_id[m.entry_id]['so_ky_hieu']}|{by_id[m.entry_id]['ngay_ban_hanh']}", m.how) for d, m in found.items()
    }


# ------------------------------------------------------------------------------------------ exact and repaired


@pytest.mark.parametrize(
    ("so", "issued", "expected"),
    [
        ("15/GP-SCT", "2022-04-08", "15/GP-SCT|2022-04-08"),
        ("l5 / GP – SCT", "2022-04-08", "15/GP-SCT|2022-04-08"),  # l/1, spacing, en dash: normalized
        ("I5/GP-SCT", "2022-04-08", "15/GP-SCT|2022-04-08"),  # I/1 in the number
        ("0l/2O2l/GCNATTP-SCT", "2021-01-08", "01/2021/GCNATTP-SCT|2021-01-08"),  # O/0, l/1 in number and year
    ],
)
def test_exact_link(so: str, issued: str, expected: str) -> None:
    assert linked([doc("d", so, issued)]) == {"d": (expected, "exact")}


@pytest.mark.parametrize(
    ("so", "issued", "expected"),
    [
        ("54/2024/CV", "2024-03-12", "54/2024/CV-TC|2024-03-12"),  # lost last segment
        ("1996/SCT", "2023-11-20", "1996/SCT-QLTM|2023-11-20"),  # lost last segment
        ("18/GP-SCT", "2022-04-08", "15/GP-SCT|2022-04-08"),  # 5 read as 8; 18/GP-SCT is of another day
        ("85/GP-SCT", "2022-03-15", "88/GP-SCT|2022-03-15"),  # 8 read as 5
        ("1S/GP-SCT", "2022-04-08", "15/GP-SCT|2022-04-08"),  # S for 5 in the number
        ("B8/GP-SCT", "2022-03-15", "88/GP-SCT|2022-03-15"),  # B for 8 in the number
        ("15/GP-5CT", "2022-04-08", "15/GP-SCT|2022-04-08"),  # 5 for S in the symbol
        ("19/GCNXD-SGT", "2023-06-09", "19/GCNXD-SCT|2023-06-09"),  # G for C
        ("19/GGNXD-SCT", "2023-06-09", "19/GCNXD-SCT|2023-06-09"),  # G for C
        ("36/GŒN-SCT", "2021-02-20", "36/GCN-SCT|2021-02-20"),  # Œ for C
        ("41/CN0-SCT", "2020-05-05", "41/CNO-SCT|2020-05-05"),  # 0 for O in the symbol
        ("7/TB-8QL", "2020-06-01", "7/TB-BQL|2020-06-01"),  # 8 for B in the symbol
        ("7/TB-BQ1", "2020-06-01", "7/TB-BQL|2020-06-01"),  # 1 for l in the symbol
        ("15/GP SCT", "2022-04-08", "15/GP-SCT|2022-04-08"),  # OCR spacing ate the dash
        ("15/GP-SCT", "2022-04-09", "15/GP-SCT|2022-04-08"),  # one date digit
        ("15/GP-SXT", "2022-04-08", "15/GP-SCT|2022-04-08"),  # one unknown character, the only fit
    ],
)
def test_repaired_link(so: str, issued: str, expected: str) -> None:
    assert linked([doc("d", so, issued)]) == {"d": (expected, "repaired")}


@pytest.mark.parametrize(
    ("so", "issued"),
    [
        ("16/GP-SCT", "2022-04-08"),  # another number is another result
        ("15/GP-5CT", "2022-04-09"),  # two repairs and nothing else to go on
        ("15/GP-SCT", "2022-05-09"),  # date far off
        ("54/2023/CV", "2024-03-12"),  # another year part
        ("19/GCN-SCT", "2023-06-09"),  # a different kind of certificate
    ],
)
def test_no_link_beyond_the_evidence(so: str, issued: str) -> None:
    assert linked([doc("d", so, issued)]) == {}


def test_a_matching_licensee_allows_more_repair_and_a_different_one_prevents_it() -> None:
    noisy = doc("d", "15/GP-5CT", "2022-04-09")
    assert linked([noisy]) == {}
    assert linked([noisy | {"chu_the": "Cty TNHH Điện Kỳ Lừa"}]) == {"d": ("15/GP-SCT|2022-04-08", "repaired")}
    misread = doc("d", "18/GP-SCT", "2022-04-08", chu_the="Hộ kinh doanh Nguyễn Văn Bình")
    assert linked([misread]) == {}  # the 5/8 repair alone is not enough against another licensee
    assert subject_similarity("CÔNG TY TNHH ĐIỆN KỲ LỪA", "Cong ty Dien Ky Lua") == 1.0
    assert subject_similarity("Công ty TNHH Bảo Ngọc", "Công ty TNHH Gas An Phát") < 0.45


def test_type_and_field_break_ties() -> None:
    entries = [entry("12/GCN-SCA", "2024-01-05", "A", field="khi"), entry("12/GCN-SCB", "2024-01-05", "B")]
    reading = doc("d", "12/GCN-SCC", "2024-01-05")
    assert linked([reading], entries=entries) == {}
    assert linked([reading | {"field": "ruou"}], entries=entries) == {}  # 0.5 apart: still not clear
    found = RegisterIndex(entries).candidates(reading | {"field": "ruou"})
    assert [c.entry["so_ky_hieu"] for c in found] == ["12/GCN-SCB", "12/GCN-SCA"]
    assert "lĩnh vực khác" in found[1].reasons


# ------------------------------------------------------------------------------------------ ambiguous


def test_ambiguous_reading_is_not_linked_and_gets_candidates() -> None:
    entries = [
        *REGISTER,
        entry("54/2024/CV-KT", "2024-03-12", "Công ty Kiểm toán Đông Bắc", "Công văn", "xuc_tien_thuong_mai"),
    ]
    records = [doc("cv", "54/2024/CV", "2024-03-12", doc_type="cong_van")]
    assert linked(records, entries=entries) == {}
    suggested = link_suggestions(records, entries, {})
    assert [c["register_key"] for c in suggested["cv"]] == ["54/2024/CV-KT|2024-03-12", "54/2024/CV-TC|2024-03-12"]
    first = suggested["cv"][0]
    assert first["score"] == 0.8 and first["reasons"] == [
        "số khớp",
        "ký hiệu: mất đoạn cuối “-KT”",
        "ngày ban hành khớp",
    ]
    assert set(first) == {
        "register_key",
        "so_ky_hieu",
        "ngay_ban_hanh",
        "loai",
        "chu_the",
        "linh_vuc",
        "score",
        "reasons",
    }
    # the licensee read from the letter decides it
    named = records[0] | {"chu_the": "CÔNG TY TNHH TÂN CƯƠNG"}
    assert linked([named], entries=entries) == {"cv": ("54/2024/CV-TC|2024-03-12", "repaired")}


def test_suggestions_for_a_result_without_a_readable_number() -> None:
    lost = doc("d", None, "2024-03-12", doc_type="cong_van")
    assert link_suggestions([lost], REGISTER, {}) == {}  # a date alone is no evidence
    named = lost | {"chu_the": "Công ty TNHH Tân Cương"}
    [candidate] = link_suggestions([named], REGISTER, {})["d"]
    assert candidate["register_key"] == "54/2024/CV-TC|2024-03-12" and candidate["score"] == 0.6
    assert linked([named]) == {}  # never linked without a number
    # staff said it is no register entry: no more suggestions
    assert link_suggestions([named], REGISTER, {"d": {"entry_id": None}}) == {}
    # applications, receipts and minutes are never offered entries
    assert link_suggestions([named | {"doc_type": "don_de_nghi"}], REGISTER, {}) == {}


# ------------------------------------------------------------------------------------------ no double link


def test_a_repaired_link_never_takes_an_entry_held_for_another_document() -> None:
    records = [
        doc("exact", "15/GP-SCT", "2022-04-08"),
        doc("dash", "15/GP SCT", "2022-04-08"),  # a second scan: the same số ký hiệu after repair
        doc("odd", "15/GP-SXT", "2022-04-08"),  # an unknown character: may be another document
        doc("day", "15/GP-SCT", "2022-04-09"),  # another date: may be another document
    ]
    assert linked(records) == {"exact": ("15/GP-SCT|2022-04-08", "exact"), "dash": ("15/GP-SCT|2022-04-08", "repaired")}
    # a staff link holds an entry the same way
    held = {"staff": {"entry_id": entry_id("88/GP-SCT", "2022-03-15")}}
    records = [doc("staff", None, None), doc("b8", "B8/GP-SCT", "2022-03-15"), doc("odd", "88/GP-SCX", "2022-03-15")]
    assert linked(records, held) == {
        "staff": ("88/GP-SCT|2022-03-15", "manual"),
        "b8": ("88/GP-SCT|2022-03-15", "repaired"),
    }
    report = compute_coverage(REGISTER, records, held, D)
    assert report["digitized"] == 1 and [u["doc_id"] for u in report["unmatched"]] == ["odd"]


def test_different_readings_of_one_entry_link_none_same_ones_all() -> None:
    different = [doc("a", "18/GP-SCT", "2022-04-08"), doc("b", "15/GP-SCT", "2022-04-09")]
    assert linked(different) == {}
    same = [doc("a", "18/GP-SCT", "2022-04-08"), doc("b", "1S/GP-SCT", "2022-04-08")]  # both 15/GP-SCT repaired
    assert set(linked(same).values()) == {("15/GP-SCT|2022-04-08", "repaired")}
    assert compute_coverage(REGISTER, same, {}, D)["links"] == {"exact": 0, "repaired": 2, "confirmed": 0}


def test_a_document_is_never_linked_to_two_entries() -> None:
    staff = {"d": {"entry_id": entry_id("88/GP-SCT", "2022-03-15")}}
    reads_another = [doc("d", "15/GP-SCT", "2022-04-08")]
    assert linked(reads_another, staff) == {"d": ("88/GP-SCT|2022-03-15", "manual")}
    assert link_suggestions(reads_another, REGISTER, {}) == {}  # linked: nothing to suggest


# ------------------------------------------------------------------------------------------ coverage and review


def test_coverage_counts_links_by_how() -> None:
    records = [
        doc("exact", "36/GCN-SCT", "2021-02-20"),
        doc("rescan", "36/GCN-SCT", "2021-02-20"),
        doc("repaired", "54/2024/CV", "2024-03-12", doc_type="cong_van"),
        doc("staff", None, None),
        doc("none", "99/GP-SCT", "2020-01-01"),
    ]
    staff = {"staff": {"entry_id": entry_id("7/TB-BQL", "2020-06-01")}}
    report = compute_coverage(REGISTER, records, staff, D)
    assert report["links"] == {"exact": 2, "repaired": 1, "confirmed": 1}
    assert report["digitized"] == 3 and [u["doc_id"] for u in report["unmatched"]] == ["none"]


@pytest.fixture
def ctx(settings: Settings) -> Iterator[Context]:
    context = Context.open(settings)
    header = ",".join(COLUMNS) + "\n"
    rows = "".join(",".join(e[c] or "" for c in COLUMNS) + "\n" for e in REGISTER)
    import_register(context, (header + rows).encode(), "register.csv")
    yield context
    context.close()


def _index(ctx: Context, *records: dict[str, Any]) -> None:
    for r in records:
        ctx.index.upsert(r["doc_id"], {k: v for k, v in r.items() if k != "doc_id"} | {"text": ""})


def test_review_queue_offers_candidates_and_a_staff_link_settles_them(ctx: Context) -> None:
    _index(
        ctx,
        doc("linked", "15/GP-SCT", "2022-04-08"),
        doc("unsure", "12/GP-SCT", "2023-01-01", review=True),  # in review for its type; no candidate
        doc("cv", "54/2024/CV", "2024-03-12", doc_type="cong_van"),
        doc("cv2", "54/2024/CV-T", "2024-03-12", doc_type="cong_van"),  # another reading of the same entry
    )
    total, items = review_queue(ctx)
    assert total == 3
    by_id = {i["doc_id"]: i for i in items}
    assert (by_id["unsure"]["reason"], by_id["unsure"]["link_candidates"]) == ("uncertain", [])
    assert by_id["cv"]["reason"] == by_id["cv2"]["reason"] == "link"
    assert by_id["cv"]["link_candidates"][0]["register_key"] == "54/2024/CV-TC|2024-03-12"
    link(ctx, "cv", "54/2024/CV-TC|2024-03-12", by="lan")
    unlink(ctx, "cv2", by="lan")
    total, items = review_queue(ctx)
    assert [i["doc_id"] for i in items] == ["unsure"]
    links = load_links(ctx)
    assert compute_coverage(REGISTER, ctx.index.scan(), links, D)["links"] == {
        "exact": 1,
        "repaired": 0,
        "confirmed": 1,
    }
