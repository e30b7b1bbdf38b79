"""Error classes of extraction on unseen layouts, each on OCR-noisy text written here (fictional places,
people and companies): two-line issuer headers, column bleed, company letterheads, OCR'd symbols and the
lĩnh vực of letters that mention other fields in passing."""

from __future__ import annotations

import pytest

from workers.pipeline.analyze import analyze
from workers.pipeline.classify import letters_fold, motto_start, parse_layout, place_date_start
from workers.pipeline.extract import read_so_ky_hieu
from workers.pipeline.taxonomy import load_taxonomy

TAX = load_taxonomy()

BODY = """Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Điều 1. Cho phép Hộ kinh doanh Đào Thị Mận bán lẻ sản phẩm thuốc lá.
Điều 2. Giấy phép này có hiệu lực đến ngày 14 tháng 5 năm 2029.
Nơi nhận: KT. TRƯỞNG PHÒNG
- Như Điều 1; PHÓ TRƯỞNG PHÒNG
- Lưu: VT.
Đào Văn Khôi
"""


@pytest.mark.parametrize(
    ("header", "issuer"),
    [
        # the governing body on line 1, the issuing body on line 2: the issuer is line 2 with line 1's locality
        (
            "UBND TỈNH NAM KHÊ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ CÔNG THƯƠNG Độc lập - Tự do - Hạnh phúc",
            "Sở Công Thương tỉnh Nam Khê",
        ),
        (
            "UBND HUYỆN ĐÔNG PHAI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nPHÒNG KINH TẾ Độc lập - Tự do - Hạnh phúc",
            "Phòng Kinh tế huyện Đông Phai",
        ),
        # "THÀNH PHỐ" holds "hanh ph" of "Hạnh phúc": not the motto
        (
            "UBND THÀNH PHỐ BẢN ĐÔN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nPHÒNG KINH TẾ Độc lập - Tự do - Hạnh phúc",
            "Phòng Kinh tế thành phố Bản Đôn",
        ),
        # the motto garbled by OCR: its remains must not end up in the issuer
        (
            "UBND TỈNH NAM KHÊ GỘNG:HÒA XÃ HỘI CHÚ NGHĨA VIỆT NAM\nSỞ CÔNG THƯƠNG: ` Đặc lập - Tự do - Hạnh phúc",
            "Sở Công Thương tỉnh Nam Khê",
        ),
    ],
)
def test_two_line_issuer_header(header: str, issuer: str) -> None:
    text = f"{header}\nSố: 27/GP-PKT Đông Phai, ngay 14 thang 5 nam 2024\nGIẤY PHÉP BÁN LẺ SẢN PHẨM THUỐC LÁ\n{BODY}"
    result = analyze(text, TAX)
    assert result.co_quan_ban_hanh == issuer
    assert result.doc_type == "giay_phep" and result.field == "thuoc_la"
    assert result.so_ky_hieu == "27/GP-PKT" and result.ngay_ban_hanh == "2024-05-14"
    assert result.hieu_luc_den == "2029-05-14"


@pytest.mark.parametrize(
    ("line", "left"),
    [
        ("UBND TỈNH NAM KHÊ CỘNG:HÒA XÃ HỘI CHÚ NGHĨA VIỆT NAM", "UBND TỈNH NAM KHÊ "),
        ("CÔNG TY TNHH GỐM SỨ ĐÔNG PHAICỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CÔNG TY TNHH GỐM SỨ ĐÔNG PHAI"),
        ("CÔNG TY CP VẬN TẢI KHÊ2ÔNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CÔNG TY CP VẬN TẢI KHÊ2"),
        ("SỞ CÔNG THƯƠNG Đậc lập - Tự do - Hạnh phúc", "SỞ CÔNG THƯƠNG "),
        ("SỞ CÔNG THƯƠNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SỞ CÔNG THƯƠNG "),
    ],
)
def test_column_bleed_is_cut_at_the_motto(line: str, left: str) -> None:
    assert line[: motto_start(letters_fold(line))] == left


def test_column_bleed_of_the_place_and_date_onto_the_issuer() -> None:
    # compact header: the issuer's third line shares its row with the place and date
    text = (
        "UBND HUYỆN ĐÔNG PHAI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "PHÒNG KINH TẾ VÀ HẠ Độc lập - Tự do - Hạnh phúc\n"
        "TẦNG Đông Phai, ngày 14 tháng 5 năm 2024\n"
        "Số: 27/GP-KTHT\n"
        "GIẤY PHÉP BÁN LẺ SẢN PHẨM THUỐC LÁ\n" + BODY
    )
    assert place_date_start("TẦNG Đông Phai, ngày 14 tháng 5 năm 2024") == 5
    layout = parse_layout(text, TAX)
    assert layout.header == ["UBND HUYỆN ĐÔNG PHAI", "PHÒNG KINH TẾ VÀ HẠ", "TẦNG"]
    result = analyze(text, TAX)
    assert result.co_quan_ban_hanh == "Phòng Kinh tế và Hạ tầng huyện Đông Phai"
    assert (result.so_ky_hieu, result.ngay_ban_hanh, result.doc_type) == ("27/GP-KTHT", "2024-05-14", "giay_phep")


LETTER = """CÔNG-TY TNHH XĂNG DẦU ĐÔNG PHAICỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
{so}Nam Khê, ngày 02 tháng 10 năm 2023
V/v đề nghị hướng dẫn thủ tục cấp Giấy chứng nhận
cửa hàng đủ điều kiện bán lẻ xăng dầu
Kính gửi: Sở Công Thương tỉnh Nam Khê.
Công ty TNHH Xăng dầu Đông Phai dự kiến mở cửa hàng bán lẻ xăng dầu tại xã Bản Mòn. Căn cứ Nghị định
số 83/2014/NĐ-CP, Công ty đề nghị Sở hướng dẫn thủ tục. Cửa hàng không kinh doanh rượu, thuốc lá.
Nơi nhận: GIÁM ĐỐC
- Như trên;
- Lưu: VT.
Lò Văn Pản
"""


@pytest.mark.parametrize(("so", "number"), [("Số: 45/2023/ŒV-ĐP ", "45/2023/CV-ĐP"), ("", None)])
def test_company_letter_is_issued_by_the_company(so: str, number: str | None) -> None:
    result = analyze(LETTER.format(so=so), TAX)
    assert result.doc_type == "cong_van"
    assert result.co_quan_ban_hanh == "Công ty TNHH Xăng dầu Đông Phai"
    assert result.so_ky_hieu == number
    assert result.field == "xang_dau"
    assert result.ngay_ban_hanh == "2023-10-02"


def test_damaged_letterhead_takes_the_body_spelling_of_the_company() -> None:
    text = LETTER.format(so="").replace("ĐÔNG PHAICỘNG", "ĐÔNG PHẢICỘNG").replace("XĂNG DẦU", "XĂNG DẨU", 1)
    assert analyze(text, TAX).co_quan_ban_hanh == "Công ty TNHH Xăng dầu Đông Phai"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("19/GGNXD-SCT", "19/GCNXD-SCT"),  # C read as G
        ("64/TTTr-SCT", "64/TTr-SCT"),  # a letter read twice
        ("112/QĐ-SGT", "112/QĐ-SCT"),  # C read as G in the issuer's part
        ("77/ŒV-TC", "77/CV-TC"),  # C read as Œ
        ("5/GGN-SCT", "5/GCN-SCT"),
        ("1245/SCT-QLTM", "1245/SCT-QLTM"),  # already right: untouched
        ("31/HD-SCT", "31/HD-SCT"),  # a real symbol is never "repaired" into another
    ],
)
def test_ocr_symbols_repaired_against_the_vocabularies(raw: str, expected: str) -> None:
    assert read_so_ky_hieu(raw, TAX.symbols, TAX.issuers.unit_symbols) == expected


def test_field_of_a_submission_follows_its_subject_and_cited_decree() -> None:
    text = """UBND TỈNH NAM KHÊ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ CÔNG THƯƠNG Độc lập - Tự do - Hạnh phúc
Số: 71/TTr-SCT Nam Khê, ngày 09 tháng 12 năm 2024
TỜ TRÌNH
Về việc ban hành Kế hoạch kiểm tra an toàn trong kinh doanh khí năm 2025
Kính gửi: Ủy ban nhân dân tỉnh Nam Khê.
Căn cứ Nghị định số 87/2018/NĐ-CP ngày 15 tháng 6 năm 2018 của Chính phủ;
Năm 2024 Sở đã kiểm tra hóa chất, an toàn hóa chất, điện lực, hoạt động điện lực, xăng dầu, cửa hàng
xăng dầu, rượu, thuốc lá và an toàn thực phẩm; kiểm tra hóa chất tại 12 kho hóa chất.
Nơi nhận: GIÁM ĐỐC
- Như trên;
- Lưu: VT, QLNL.
Hà Thị Mến
"""
    result = analyze(text, TAX)
    assert (result.doc_type, result.field) == ("to_trinh", "khi")


def test_field_of_a_letter_follows_its_vv_line_over_passing_mentions() -> None:
    text = """UBND TỈNH NAM KHÊ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ CÔNG THƯƠNG Độc lập - Tự do - Hạnh phúc
Số: 1530/SCT-QLTM Nam Khê, ngày 09 tháng 12 năm 2024
V/v tăng cường kiểm tra kinh doanh xăng dầu
Kính gửi: Ủy ban nhân dân các huyện.
Đề nghị kiểm tra cả các cơ sở kinh doanh rượu, bán rượu, thuốc lá, sản phẩm thuốc lá, thực phẩm, an toàn
thực phẩm và cơ sở sản xuất rượu thủ công, rượu đóng chai.
Nơi nhận: KT. GIÁM ĐỐC
- Như trên; PHÓ GIÁM ĐỐC
- Lưu: VT, QLTM.
Hà Thị Mến
"""
    result = analyze(text, TAX)
    assert (result.doc_type, result.field) == ("cong_van", "xang_dau")


@pytest.mark.parametrize(("raw", "expected"), [("87/GOCN-SCT", "87/GCN-SCT"), ("811/SCT-QLUTM", "811/SCT-QLTM")])
def test_ocr_symbols_with_a_speck_read_as_a_letter(raw: str, expected: str) -> None:
    assert read_so_ky_hieu(raw, TAX.symbols, TAX.issuers.unit_symbols) == expected


def test_garbled_governing_body_takes_its_locality_from_the_place_and_date() -> None:
    text = (
        "UBNDTỈNHNAMKHÊ ˆ. CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "SỞ CÔNG THƯƠNG Độc lập - Tự do - Hạnh phúc.\n"
        "Số: 27/GP-SCT Nam Khê, ngày 14 tháng 5 năm 2024\n"
        "GIẤY PHÉP BÁN LẺ SẢN PHẨM THUỐC LÁ\n" + BODY
    )
    assert analyze(text, TAX).co_quan_ban_hanh == "Sở Công Thương tỉnh Nam Khê"
