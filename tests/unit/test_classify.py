"""Document type, subtype and field (lĩnh vực) from short texts, clean and OCR-noisy.

The texts are written here (fictional province "Bắc Lâm"); nothing is read from the sample corpus.
"""

from __future__ import annotations

import pytest

from workers.pipeline.classify import classify_text, match_title, parse_layout
from workers.pipeline.taxonomy import load_taxonomy
from workers.textnorm import fold

TAX = load_taxonomy()
HEADER = (
    "UBND TỈNH BẮC LÂM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "SỞ CÔNG THƯƠNG Độc lập - Tự do - Hạnh phúc\n"
    "Số: {so} Bắc Lâm, ngày 05 tháng 3 năm 2024\n"
)


def doc(title: str, body: str, so: str = "12/XX-SCT") -> str:
    return HEADER.format(so=so) + title + "\n" + body + "\nNơi nhận: GIÁM ĐỐC\n- Như trên;\n- Lưu: VT.\nTrần Văn An\n"


CASES = [
    ("quyet_dinh", doc("QUYẾT ĐỊNH", "Về việc thành lập Đoàn kiểm tra\nGIÁM ĐỐC SỞ CÔNG THƯƠNG\nCăn cứ ...")),
    ("giay_phep", doc("GIẤY PHÉP BÁN LẺ SẢN PHẨM THUỐC LÁ", "GIÁM ĐỐC SỞ CÔNG THƯƠNG\nCăn cứ ...")),
    ("giay_phep", doc("GIẤY CHỨNG NHẬN\nĐỦ ĐIỀU KIỆN BÁN LẺ XĂNG DẦU", "GIÁM ĐỐC SỞ CÔNG THƯƠNG\nCăn cứ ...")),
    ("don_de_nghi", doc("ĐƠN ĐỀ NGHỊ", "Cấp giấy phép bán buôn rượu\nKính gửi: Sở Công Thương tỉnh Bắc Lâm.")),
    ("bien_ban", doc("BIÊN BẢN", "Kiểm tra điều kiện kinh doanh khí\nHôm nay, vào hồi 08 giờ 00 phút ...")),
    ("to_trinh", doc("TỜ TRÌNH", "Về việc công bố thủ tục hành chính\nKính gửi: Ủy ban nhân dân tỉnh Bắc Lâm.")),
    ("thong_bao", doc("THÔNG BÁO", "Kết quả kiểm tra công tác cải cách hành chính\nThực hiện ...")),
    ("bao_cao", doc("BÁO CÁO", "Tình hình an toàn thực phẩm năm 2023\nI. TÌNH HÌNH CHUNG")),
    ("ke_hoach", doc("KẾ HOẠCH", "Kiểm tra hoạt động kinh doanh rượu năm 2024\nCăn cứ ...")),
    ("giay_moi", doc("GIẤY MỜI", "Dự hội nghị tập huấn\nSở Công Thương trân trọng kính mời ...")),
    ("cong_van", doc("V/v đôn đốc báo cáo hoạt động kinh doanh xăng dầu", "Kính gửi: Các thương nhân.")),
    (
        "giay_bien_nhan",
        "UBND TỈNH BẮC LÂM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ CÔNG THƯƠNG Độc lập - Tự do - Hạnh phúc\n"
        "Bắc Lâm, ngày 05 tháng 3 năm 2024\nGIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ\n"
        "Mã hồ sơ: 000.99.10.H99-240305-0001\n",
    ),
]


@pytest.mark.parametrize(("expected", "text"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_main_type_from_a_short_text(expected: str, text: str) -> None:
    result = classify_text(text, TAX)
    assert result.doc_type == expected
    assert 0.0 < result.doc_type_confidence <= 1.0


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("QUYÉT ĐỊNH", "quyet_dinh"),  # Tesseract's É for Ế
        ("BIẾN BẢN :", "bien_ban"),
        ("GIAY PHEP BAN BUON RUOU", "giay_phep"),  # diacritics lost
        ("GIẤYPHÉP HOẠT ĐỘNG ĐIỆN LỰC", "giay_phep"),  # words glued
        ("TỜ TRlNH", "to_trinh"),  # l for I
        ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUÁ", "giay_bien_nhan"),
    ],
)
def test_titles_survive_ocr_noise(title: str, expected: str) -> None:
    found = match_title(fold(title), TAX)
    assert found is not None and found[0].code == expected


def test_longest_title_wins_over_a_shorter_prefix() -> None:
    found = match_title(fold("GIẤY NGHỈ PHÉP"), TAX)
    assert found is not None and found[0].code == "giay_nghi_phep"


def test_cong_van_is_recognised_by_its_vv_line_without_a_title() -> None:
    text = (
        HEADER.format(so="451/SCT-QLTM") + "V/v triển khai quy định mới\ntrong lĩnh vực kinh doanh khí\nKính gửi: ..."
    )
    result = classify_text(text, TAX)
    assert (result.doc_type, result.field) == ("cong_van", "khi")


def test_garbled_title_falls_back_to_the_type_symbol() -> None:
    text = doc("B@O C#0", "Tình hình quản lý kinh doanh rượu\nI. TÌNH HÌNH CHUNG", so="290/BC-SCT")
    result = classify_text(text, TAX)
    assert result.doc_type == "bao_cao"
    assert result.doc_type_confidence < 0.9


def test_block_order_header_is_read_like_row_order() -> None:
    text = (
        "UBND TỈNH BẮC LÂM\nSỞ CÔNG THƯƠNG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 66/QĐ-SCT\nBắc Lâm, ngày 08 tháng 3 năm 2024\nQUYẾT ĐỊNH\nVề việc thành lập Đoàn thẩm định\n"
    )
    layout = parse_layout(text, TAX)
    assert layout.header == ["UBND TỈNH BẮC LÂM", "SỞ CÔNG THƯƠNG"]
    assert classify_text(text, TAX).doc_type == "quyet_dinh"


@pytest.mark.parametrize(
    ("title", "body", "field", "subtype"),
    [
        ("GIẤY PHÉP BÁN BUÔN RƯỢU", "Căn cứ Nghị định số 105/2017/NĐ-CP", "ruou", "gp_ban_buon_ruou"),
        ("GIẤY CHỨNG NHẬN\nCƠ SỞ ĐỦ ĐIỀU KIỆN AN TOÀN THỰC PHẨM", "", "an_toan_thuc_pham", "gcn_attp"),
        ("GIẤY CHỨNG NHẬN\nĐỦ ĐIỀU KIỆN CỬA HÀNG BÁN LẺ LPG CHAI", "", "khi", "gcn_lpg"),
        ("GIẤY PHÉP HOẠT ĐỘNG ĐIỆN LỰC", "", "dien_luc", "gp_hoat_dong_dien_luc"),
    ],
)
def test_licence_subtype_implies_the_field(title: str, body: str, field: str, subtype: str) -> None:
    result = classify_text(doc(title, "GIÁM ĐỐC SỞ CÔNG THƯƠNG\n" + body), TAX)
    assert (result.doc_type, result.doc_subtype, result.field) == ("giay_phep", subtype, field)


def test_named_field_in_the_subject_beats_generic_tthc_vocabulary() -> None:
    body = (
        "Về việc đề nghị công bố Danh mục thủ tục hành chính được sửa\nđổi, bổ sung trong lĩnh vực điện lực\n"
        "Kính gửi: Ủy ban nhân dân tỉnh Bắc Lâm.\nCăn cứ Nghị định về kiểm soát thủ tục hành chính;\n"
        "Sở đã rà soát thủ tục hành chính, quy trình thủ tục hành chính, một cửa liên thông."
    )
    result = classify_text(doc("TỜ TRÌNH", body), TAX)
    assert result.field == "dien_luc"
    assert 0.0 < result.field_confidence <= 0.95


def test_administrative_reform_when_no_specific_field() -> None:
    body = "Về việc kiểm tra công tác kiểm soát thủ tục hành chính năm 2024\nCăn cứ ...\nSố hóa hồ sơ, một cửa."
    assert classify_text(doc("QUYẾT ĐỊNH", body), TAX).field == "cai_cach_hanh_chinh"


def test_receipt_field_comes_from_the_request_line() -> None:
    text = CASES[-1][1] + "Nội dung yêu cầu giải quyết: Cấp Giấy chứng nhận đủ điều kiện kinh doanh hóa chất\n"
    result = classify_text(text, TAX)
    assert (result.doc_type, result.doc_subtype, result.field) == ("giay_bien_nhan", "bien_nhan", "hoa_chat")


def test_unknown_title_gets_a_snake_case_code_with_low_confidence() -> None:
    text = HEADER.format(so="3/XYZ-ABC") + "ĐIỀU LỆ\nHoạt động của câu lạc bộ\n"
    result = classify_text(text, TAX)
    assert result.doc_type == "dieu_le"
    assert result.doc_type_confidence < 0.5


def test_empty_text_gives_nothing() -> None:
    result = classify_text("", TAX)
    assert (result.doc_type, result.field, result.doc_type_confidence) == (None, None, 0.0)
