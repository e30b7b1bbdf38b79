"""Metadata extraction on clean and OCR-noisy text, Vietnamese dates, số ký hiệu, validity, issuers.

Every text is written here (fictional province "Bắc Lâm", fictional people and companies); nothing
is read from the sample corpus.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from workers.errors import ConfigError
from workers.pipeline.analyze import analyze
from workers.pipeline.extract import read_ma_ho_so, read_so_ky_hieu
from workers.pipeline.taxonomy import load_taxonomy
from workers.pipeline.vndate import add_years, find_dates, parse_date, parse_iso

SYMBOLS = load_taxonomy().symbols

# A licence as raw Tesseract might return it: diacritics dropped here and there, O/0 and l/1 swapped,
# broken spacing in the number, junk from the seal in the signature block.
NOISY_LICENCE = """UBND TỈNH BẮC LÂM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM.
SO CONG THUONG _ Độc 1ập - Tự do - Hạnh phúc :
sử Số: l6 / GP - SCT  Bắc Lâm, ngay 2O thang l2 nam 2O23
GIẤY PHÉP BÁN LẺ SẢN PHẨM THUỐC LÁ
GIÁM ĐỐC SỞ CÔNG THƯƠNG TỈNH BẮC LÂM
Căn cứ Nghị định số 67/2013/NĐ-CP ngày 27 tháng 6 năm 2013 của Chính phủ;
Căn cứ Quyết định số 10/2021/QĐ-UBND ngày 02 tháng 3 năm 2021 của Ủy ban nhân dân tỉnh Bắc Lâm;
QUYẾT ĐỊNH:
Điều 1. Cho phép Công ty TNHH Thương mại Hoàng
Phúc Bắc Lâm
Trụ sở chính tại: Số 12, đường Trần Phú, phường Đông Kinh, tỉnh Bắc Lâm
Điều 2. Giấy phép này có thời hạn O5 năm kể từ ngày ký.
Nơi nhận: KT. GIÁM ĐỐC
- Công ty TNHH Thương mại Hoàng Phúc; PHÓ GIÁM ĐỐC
- Lưu: VT, QLTM. ,. ~
Hoàng Minh Tú
"""


def test_every_field_of_a_noisy_licence() -> None:
    a = analyze(NOISY_LICENCE)
    assert a.doc_type == "giay_phep"
    assert a.doc_subtype == "gp_ban_le_thuoc_la"
    assert a.field == "thuoc_la"
    assert a.so_ky_hieu == "16/GP-SCT"
    assert a.ngay_ban_hanh == "2023-12-20"
    assert a.co_quan_ban_hanh == "Sở Công Thương tỉnh Bắc Lâm"
    assert a.hieu_luc_den == "2028-12-20"  # thời hạn 05 năm from the issue date
    assert a.chu_the == "Công ty TNHH Thương mại Hoàng Phúc Bắc Lâm"
    assert a.trich_yeu == "Giấy phép bán lẻ sản phẩm thuốc lá"
    assert (a.nguoi_ky, a.chuc_vu_nguoi_ky) == ("Hoàng Minh Tú", "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC")
    assert a.ma_ho_so is None


NOISY_RECEIPT = """UBND TỈNH BẮC LÂM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TRUNG TÂM PHỤC VỤ Độc lập - Tự do - Hạnh phúc
HÀNH CHÍNH CÔNG -
Bắc Lâm, ngày O3 tháng 7 năm 2024
GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUÁ
Mã hồ sơ: OOO.l2.45.H5O - 24O7O3 - OOO6
Tiếp nhận hồ sơ của: Ông Lý Văn Bình (Hợp tác xã Nông sản
Xanh Bắc Lâm)
Nội dung yêu cầu giải quyết: Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm
4. Thời gian nhận hồ sơ: 09 giờ 30 phút, ngày 03/07/2024.
NGƯỜI NỘP HỒ SƠ — NGƯỜI TIẾP NHẬN HỒ SƠ
(Ký và ghi rõ họ tên) (Ký và ghi rõ họ tên)
Lý Văn Bình - Đỗ Thị Hoa
"""


def test_every_field_of_a_noisy_receipt() -> None:
    a = analyze(NOISY_RECEIPT)
    assert (a.doc_type, a.field) == ("giay_bien_nhan", "an_toan_thuc_pham")
    assert a.so_ky_hieu is None
    assert a.ngay_ban_hanh == "2024-07-03"
    assert a.co_quan_ban_hanh == "Trung tâm Phục vụ hành chính công tỉnh Bắc Lâm"
    assert a.ma_ho_so == "000.12.45.H50-240703-0006"
    assert a.chu_the == "Hợp tác xã Nông sản Xanh Bắc Lâm"
    assert (a.nguoi_ky, a.chuc_vu_nguoi_ky) == ("Đỗ Thị Hoa", "Người tiếp nhận hồ sơ")


MINUTES = """UBND TỈNH BẮC LÂM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ CÔNG THƯƠNG Độc lập - Tự do - Hạnh phúc
BIÊN BẢN
Kiểm tra điều kiện kinh doanh xăng dầu
Hôm nay, vào hồi 08 giờ 00 phút, ngày 14 tháng 5 năm 2023, tại cửa hàng, chúng tôi gồm:
1. Ông Phạm Đức Long - Chuyên viên, Sở Công Thương - Trưởng đoàn;
II. Đại diện cơ sở:
Bà Mai Thu Hà - Giám đốc Doanh nghiệp tư nhân Xăng dầu
Minh Châu.
III. Nội dung, kết quả:
ĐẠI DIỆN CƠ SỞ TRƯỞNG ĐOÀN
Mai Thu Hà Phạm Đức Long
"""


def test_minutes_date_subject_business_and_official_signer() -> None:
    a = analyze(MINUTES)
    assert (a.doc_type, a.doc_subtype, a.field) == ("bien_ban", "bb_kiem_tra", "xang_dau")
    assert a.so_ky_hieu is None
    assert a.ngay_ban_hanh == "2023-05-14"  # the meeting date
    assert a.trich_yeu == "Biên bản kiểm tra điều kiện kinh doanh xăng dầu"
    assert a.chu_the == "Doanh nghiệp tư nhân Xăng dầu Minh Châu"
    assert (a.nguoi_ky, a.chuc_vu_nguoi_ky) == ("Phạm Đức Long", "Trưởng đoàn")


def test_company_letter_issuer_and_subject_are_the_company() -> None:
    text = (
        "CÔNG TY TNHH CHẾ BIẾN GỖ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "AN KHÁNH Độc lập - Tự do - Hạnh phúc\n"
        "Số: 07/2024/CV-AK Bắc Lâm, ngày 2 tháng 4 năm 2024\n"
        "V/v đề nghị hướng dẫn thủ tục trong lĩnh vực\nhóa chất\nKính gửi: Sở Công Thương tỉnh Bắc Lâm.\n"
        "Công ty TNHH Chế biến Gỗ An Khánh kính đề nghị ...\n"
    )
    a = analyze(text)
    assert (a.doc_type, a.field) == ("cong_van", "hoa_chat")
    assert a.so_ky_hieu == "07/2024/CV-AK"
    assert a.co_quan_ban_hanh == "Công ty TNHH Chế biến Gỗ An Khánh"  # casing taken from the body
    assert a.chu_the == a.co_quan_ban_hanh
    assert a.trich_yeu == "V/v đề nghị hướng dẫn thủ tục trong lĩnh vực hóa chất"


# ------------------------------------------------------------------------------------ dates --------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bắc Lâm, ngày 27 tháng 8 năm 2024", "2024-08-27"),
        ("Bac Lam, ngay 27 thang 8 nam 2024", "2024-08-27"),
        ("cấp ngày 27/8/2024.", "2024-08-27"),
        ("ngày 05-03-2021", "2021-03-05"),
        ("ngày 2O tháng l2 năm 2O24", "2024-12-20"),
        ("ngàv 5 thảng 3 nằm 2021", "2021-03-05"),
        ("ngày 28 tháng 1Í năm 2024", "2024-11-28"),
        ("ngay 08 thang O1 nam 2O21", "2021-01-08"),
        ("Có hiệu lực đến ngày 08 tháng 01 năm GIÁM ĐỐC\n2024", "2024-01-08"),
        ("Bắc Lâm, 27 tháng 8 năm 2024", "2024-08-27"),  # "ngày" lost
        ("Bắc Lâm, ngà 086 tháng 6 năm 2023", "2023-06-08"),  # a speck read as an extra digit
    ],
)
def test_vietnamese_dates_with_noise(text: str, expected: str) -> None:
    assert parse_iso(text) == expected


@pytest.mark.parametrize(
    "text", ["ngày 31 tháng 2 năm 2024", "Điện thoại: 0205.3671.412", "000.12.37.H37-201113-0050", "ngày 5 tháng 3"]
)
def test_non_dates_are_not_read_as_dates(text: str) -> None:
    assert parse_date(text) is None


def test_find_dates_spans_index_the_original_text() -> None:
    text = "Lạng Sơn, ngày 27 tháng 8 năm 2024; hiệu lực đến 27/8/2029."
    spans = [(text[d.start : d.end], d.spelled) for d in find_dates(text)]
    assert spans == [("ngày 27 tháng 8 năm 2024", True), ("27/8/2029", False)]


def test_add_years_keeps_the_day_and_clamps_29_february() -> None:
    assert add_years(date(2021, 10, 15), 5) == date(2026, 10, 15)
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)


# ------------------------------------------------------------------------------------ số ký hiệu ---
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1429/QĐ-UBND Bắc Lâm, ngày", "1429/QĐ-UBND"),
        ("l429/QD-UBND", "1429/QĐ-UBND"),  # l for 1, Đ lost
        ("16 / GP - SCT  Bắc Lâm,", "16/GP-SCT"),  # broken spacing
        ("1O/2O24/CV-BN", "10/2024/CV-BN"),  # O for 0 in number and year
        ("O1 /2O21/GCNATTP - SCT", "01/2021/GCNATTP-SCT"),
        ("83/2019/GCNATTP-SCT", "83/2019/GCNATTP-SCT"),
        ("64/TTr-SCT Bắc Lâm", "64/TTr-SCT"),
        ("297/BCSCT _ Bắc Lâm", "297/BC-SCT"),  # hyphen lost after a known type symbol
        ("290/8C-SCT", "290/BC-SCT"),  # 8 for B in the type symbol
        ("66/QĐ-SCTBắc Lâm", "66/QĐ-SCT"),  # place name glued on
        ("15/GP-SCT - Bắc Lâm", "15/GP-SCT"),
        ("12/UB0ND-VP", "12/UBOND-VP"),  # 0 between letters of a symbol part is the letter O
        ("không số", None),
    ],
)
def test_so_ky_hieu_normalization(raw: str, expected: str | None) -> None:
    assert read_so_ky_hieu(raw, SYMBOLS) == expected


def test_so_label_without_colon_and_an_individual_licensee() -> None:
    text = (
        "UBND HUYỆN ĐÔNG KHÊ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "PHÒNG KINH TẾ VÀ HẠ TẦNG Độc lập - Tự do - Hạnh phúc\n"
        "Số 48/GP-KTHT Đông Khê, ngày 22 tháng 6 năm 2023\nGIẤY PHÉP BÁN LẺ RƯỢU\nTRƯỞNG PHÒNG KINH TẾ VÀ HẠ TẦNG\n"
        "Điều 1. Cho phép ông Nông Văn Hải\nĐịa chỉ: thôn Bản Chắt, xã Kim Đồng\n"
        "Điều 2. Giấy phép này có hiệu lực đến ngày 22 tháng 6 năm 2028.\n"
    )
    a = analyze(text)
    assert (a.so_ky_hieu, a.ngay_ban_hanh, a.hieu_luc_den) == ("48/GP-KTHT", "2023-06-22", "2028-06-22")
    assert (a.doc_subtype, a.chu_the) == ("gp_ban_le_ruou", "Nông Văn Hải")
    assert a.co_quan_ban_hanh == "Phòng Kinh tế và Hạ tầng huyện Đông Khê"


def test_so_cap_at_the_bottom_of_a_certificate() -> None:
    text = (
        "UBND TỈNH BẮC LÂM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ CÔNG THƯƠNG Độc lập - Tự do - Hạnh phúc\n"
        "GIẤY CHỨNG NHẬN\nCƠ SỞ ĐỦ ĐIỀU KIỆN AN TOÀN THỰC PHẨM\nSỞ CÔNG THƯƠNG TỈNH BẮC LÂM\nCHỨNG NHẬN\n"
        "Cơ sở: Hộ kinh doanh Trần Thị Mơ\nChủ cơ sở: Trần Thị Mơ\n"
        "Số cấp: 83/2019/GCNATTP-SCT Bắc Lâm, ngày 11 tháng 11 năm 2019\n"
        "Có hiệu lực đến ngày 11 tháng 11 năm GIÁM ĐỐC\n2022\nNguyễn Văn Tâm\n"
    )
    a = analyze(text)
    assert (a.so_ky_hieu, a.ngay_ban_hanh, a.hieu_luc_den) == ("83/2019/GCNATTP-SCT", "2019-11-11", "2022-11-11")
    assert a.chu_the == "Hộ kinh doanh Trần Thị Mơ"
    assert a.trich_yeu == "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm"
    assert (a.nguoi_ky, a.chuc_vu_nguoi_ky) == ("Nguyễn Văn Tâm", "GIÁM ĐỐC")


# ------------------------------------------------------------------------------------ validity -----
def _licence(validity: str, issued: str = "ngày 15 tháng 10 năm 2021") -> str:
    return (
        "UBND TỈNH BẮC LÂM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ CÔNG THƯƠNG Độc lập - Tự do - Hạnh phúc\n"
        f"Số: 33/GCN-SCT Bắc Lâm, {issued}\nGIẤY CHỨNG NHẬN\nĐỦ ĐIỀU KIỆN CỬA HÀNG BÁN LẺ LPG CHAI\n"
        f"Điều 3. {validity}\n"
    )


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Giấy chứng nhận này có hiệu lực đến ngày 15 tháng 10 năm 2026.", "2026-10-15"),
        ("Giấy chứng nhận này có hiệu lực đến hết ngày 14/10/2026.", "2026-10-14"),
        ("Giay chung nhan nay co hieu luc den ngay 15 thang lO nam 2O26.", "2026-10-15"),
        ("Có hiệu lực kể từ ngày ký đến ngày 31/12/2025.", "2025-12-31"),
        ("Giấy chứng nhận có thời hạn 05 năm kể từ ngày ký.", "2026-10-15"),
        ("Giấy chứng nhận có giá trị 03 năm kể từ ngày cấp.", "2024-10-15"),
        ("Văn bản có thời hạn 6 tháng kể từ ngày ký.", "2022-04-15"),
        ("Giấy chứng nhận này có hiệu lực kể từ ngày ký.", None),
        ("Danh sách: giấy phép số 30/GP-SCT cấp ngày 04/08/2022, hiệu lực đến ngày 04/08/2027.", None),
        ("Cơ sở khắc phục trong thời hạn 15 ngày kể từ ngày ký biên bản.", None),
    ],
)
def test_validity_phrases(phrase: str, expected: str | None) -> None:
    assert analyze(_licence(phrase)).hieu_luc_den == expected


# ------------------------------------------------------------------------------------ issuers ------
def _issuer(header: str, body: str = "") -> str | None:
    text = header + "\nSố: 5/TB-XX Bắc Lâm, ngày 1 tháng 2 năm 2024\nTHÔNG BÁO\nVề việc ...\n" + body
    return analyze(text).co_quan_ban_hanh


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "UBND TỈNH BẮC LÂM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ CÔNG THƯƠNG Độc lập - Tự do - Hạnh phúc",
            "Sở Công Thương tỉnh Bắc Lâm",
        ),
        (
            "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH BẮC LÂM Độc lập - Tự do - Hạnh phúc",
            "Ủy ban nhân dân tỉnh Bắc Lâm",
        ),
        ("UBND TỈNH BẮC LÂM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Ủy ban nhân dân tỉnh Bắc Lâm"),
        (
            "UBND HUYỆN ĐÔNG KHÊ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nPHÒNG KINH TẾ VÀ HẠ TẦNG Độc lập - Tự do - Hạnh phúc",
            "Phòng Kinh tế và Hạ tầng huyện Đông Khê",
        ),
        ("BỘ CÔNG THƯƠNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", "Bộ Công Thương"),
        ("BỘ CÔNG THƯƠNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nCỤC HÓA CHẤT Độc lập - Tự do - Hạnh phúc", "Cục Hóa chất"),
        (
            "UBND TỈNH BẮC LÂM CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nS0 CONG THUONG _ Độc 1ập - Tự do - Hạnh phúc",
            "Sở Công Thương tỉnh Bắc Lâm",
        ),  # OCR: 0 for O, diacritics lost, l for 1
        (
            "UBND TỈNH BẮC LÂM\nSỞ CÔNG THƯƠNG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
            "Sở Công Thương tỉnh Bắc Lâm",
        ),  # column (block) reading order
    ],
)
def test_issuer_normalization(header: str, expected: str) -> None:
    assert _issuer(header, "Trụ sở tại tỉnh Bắc Lâm.") == expected


def test_issuer_place_spelling_is_repaired_from_the_body() -> None:
    header = "UBND TỈNH BẮC LAM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ CÔNG THƯƠNG Độc lập - Tự do - Hạnh phúc"
    assert _issuer(header, "trên địa bàn tỉnh Bắc Lâm; các huyện của tỉnh Bắc Lâm.") == "Sở Công Thương tỉnh Bắc Lâm"


def test_application_without_header_is_issued_by_the_applicant() -> None:
    text = (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nĐƠN ĐỀ NGHỊ\nCấp giấy phép bán lẻ rượu\n"
        "Kính gửi: Phòng Kinh tế và Hạ tầng huyện Đông Khê.\nTên thương nhân: Hộ kinh doanh Vương Thị Lan\n"
        "Địa chỉ: thôn Nà Lầu, xã Kim Đồng\nBắc Lâm, ngày 9 tháng 9 năm 2022\n"
    )
    a = analyze(text)
    assert (a.doc_type, a.field) == ("don_de_nghi", "ruou")
    assert a.chu_the == a.co_quan_ban_hanh == "Hộ kinh doanh Vương Thị Lan"
    assert a.trich_yeu == "Đơn đề nghị cấp giấy phép bán lẻ rượu"


# ------------------------------------------------------------------------------------ mã hồ sơ -----
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Mã hồ sơ: 000.12.37.H37-240703-0006", "000.12.37.H37-240703-0006"),
        ("Mã hồ sơ: OOO.l2.37.H37 - 24O7O3 - OOO6", "000.12.37.H37-240703-0006"),
        ("Ma ho so: 000.00.20.h37-230101-0012", "000.00.20.H37-230101-0012"),
        ("Điện thoại: 0205.3671.412", None),
    ],
)
def test_ma_ho_so_is_ocr_tolerant(raw: str, expected: str | None) -> None:
    assert read_ma_ho_so(raw) == expected


# ------------------------------------------------------------------------------------ taxonomy -----
def test_taxonomy_override_file_changes_behaviour_without_code(tmp_path: Path) -> None:
    custom = tmp_path / "taxonomy.toml"
    custom.write_text(
        '[[doc_types]]\ncode = "dieu_le"\nname = "Điều lệ"\ntitles = ["ĐIỀU LỆ"]\n'
        '[[fields]]\ncode = "hop_tac_xa"\nname = "Hợp tác xã"\nkeywords = ["hợp tác xã"]\n',
        encoding="utf-8",
    )
    a = analyze("ĐIỀU LỆ\nTổ chức và hoạt động của hợp tác xã\n", load_taxonomy(custom))
    assert (a.doc_type, a.field) == ("dieu_le", "hop_tac_xa")
    assert a.doc_type_confidence > 0.9


def test_malformed_taxonomy_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[doc_types]]\ncode = "Not Snake"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_taxonomy(bad)
    assert info.value.code == "taxonomy_invalid"


def test_analyze_never_raises_on_junk() -> None:
    for junk in ["", "\f\f", "!!!\n???", "Số:\nngày tháng năm\nNơi nhận:"]:
        a = analyze(junk)
        assert a.so_ky_hieu is None and a.ngay_ban_hanh is None


def test_vv_subject_sharing_its_row_with_the_place_date() -> None:
    text = (
        "BỘ CÔNG THƯƠNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 4999/BCT-ATMT\n"
        "V/v triển khai quy định mới Hà Nội, ngày 31 tháng 10 năm 2024\ntrong lĩnh vực kinh doanh khí\n"
        "Kính gửi: Sở Công Thương các tỉnh, thành phố.\n"
    )
    a = analyze(text)
    assert (a.doc_type, a.so_ky_hieu, a.ngay_ban_hanh) == ("cong_van", "4999/BCT-ATMT", "2024-10-31")
    assert a.co_quan_ban_hanh == "Bộ Công Thương"
    assert a.trich_yeu == "V/v triển khai quy định mới trong lĩnh vực kinh doanh khí"


def test_date_with_month_word_lost_by_ocr() -> None:
    from workers.pipeline.vndate import find_dates

    dates = find_dates("Số: 09/GCN-SCT Bắc Sơn, ngày 15 7 năm 2024")
    assert [d.iso for d in dates] == ["2024-07-15"]
    assert [d.iso for d in find_dates("ngày 27 tháng 8 năm 2024; lô 15 7 năm")] == ["2024-08-27"]


def test_two_party_signature_row_without_names_does_not_crash() -> None:
    from workers.pipeline.analyze import analyze

    text = (
        "SỞ CÔNG THƯƠNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ\nMã hồ sơ: 000.99.21.H99-240703-0006\n"
        "NGƯỜI NỘP HỒ SƠ NGƯỜI TIẾP NHẬN HỒ SƠ\n(Ký, ghi rõ họ tên) (Ký, ghi rõ họ tên)\n"
    )
    result = analyze(text)
    assert result.doc_type == "giay_bien_nhan"
    assert result.nguoi_ky is None


def test_so_ky_hieu_with_the_slash_lost_by_ocr() -> None:
    from workers.pipeline.extract import read_so_ky_hieu

    assert read_so_ky_hieu("19GCNXD-SCT") == "19/GCNXD-SCT"
    assert read_so_ky_hieu("16/GP-SCT") == "16/GP-SCT"


def test_month_ten_read_as_t0() -> None:
    from workers.pipeline.vndate import find_dates

    assert [d.iso for d in find_dates("Lạng Sơn, ngày 15 tháng T0 năm 2021")] == ["2021-10-15"]
