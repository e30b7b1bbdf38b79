"""The sample set as data: its dossiers, its documents (in the order they are drawn), how each file is scanned,
and register entries that have no file in the set."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .builders import build, draw_dossier
from .draws import Address, Person
from .kinds import (
    BAO_CAO_CCHC,
    BIEN_BAN_ATTP,
    BIEN_NHAN_LPG,
    CV_KHUYEN_MAI,
    DON_LPG,
    GCN_ATTP,
    GCN_LPG,
    QD_HOA_CHAT,
    QD_UBND_XANG_DAU,
    THONG_BAO_DIEN,
    TO_TRINH_XTTM,
    VALIDITY_TERM,
    VALIDITY_UNTIL,
    WINE_RETAIL,
    WINE_RETAIL_DISTRICT,
)
from .names import Names
from .schema import Doc, Dossier
from .spec import DocSpec

LPG = Dossier(
    "lpg",
    code="{agency_code}-240703-0006",
    given={"company": "Công ty Cổ phần Gas Minh Long"},
    draws=(("company_address", Address(urban=True)), ("director", Person(female=False))),
)
ATTP = Dossier("attp", code="{agency_code}-240528-0011", given={"company": "Công ty TNHH Thực phẩm Xanh Mẫu Sơn"})
DOSSIERS = (LPG, ATTP)  # drawn in this order, before any document

_RETAIL = "GIẤY PHÉP BÁN LẺ RƯỢU"
_RETAIL_PRODUCTS = "GIẤY PHÉP BÁN LẺ SẢN PHẨM RƯỢU"

# Documents by label, in the order their random values are drawn (not the order of the files).
DOCUMENTS: dict[str, Doc] = {
    "wine_a": Doc(
        WINE_RETAIL, "23/GP-SCT", dt.date(2024, 8, 27), {"title": _RETAIL_PRODUCTS, "validity": VALIDITY_UNTIL}
    ),
    "wine_b": Doc(WINE_RETAIL, "16/GP-SCT", dt.date(2023, 3, 14), {"title": _RETAIL, "validity": VALIDITY_TERM}),
    "wine_district": Doc(
        WINE_RETAIL_DISTRICT,
        "05/GP-UBND",
        dt.date(2024, 5, 20),
        {"title": _RETAIL, "validity": VALIDITY_UNTIL, "district": "Vân Khê"},
    ),
    "wine_old": Doc(
        WINE_RETAIL, "38/GP-SCT", dt.date(2019, 9, 10), {"title": _RETAIL_PRODUCTS, "validity": VALIDITY_UNTIL}
    ),
    "qd_hoa_chat": Doc(
        QD_HOA_CHAT, "112/QĐ-SCT", dt.date(2024, 4, 16), {"company": "Công ty TNHH Hóa chất công nghiệp Đông Bắc"}
    ),
    "bao_cao_cchc": Doc(BAO_CAO_CCHC, "214/BC-SCT", dt.date(2024, 9, 20)),
    "to_trinh_xttm": Doc(TO_TRINH_XTTM, "58/TTr-SCT", dt.date(2024, 10, 15)),
    "gcn_attp": Doc(GCN_ATTP, "41/2024/GCNATTP-SCT", dt.date(2024, 6, 12), dossier=ATTP),
    "gcn_lpg": Doc(GCN_LPG, "09/GCN-SCT", dt.date(2024, 7, 15), dossier=LPG),
    "cv_khuyen_mai": Doc(
        CV_KHUYEN_MAI, "1245/SCT-QLTM", dt.date(2024, 9, 5), {"company": "Công ty TNHH Siêu thị Hòa Phát {province}"}
    ),
    "don_lpg": Doc(DON_LPG, "18/2024/CV-MLG", dt.date(2024, 7, 2), dossier=LPG),
    "bien_ban_attp": Doc(BIEN_BAN_ATTP, "15/BB-ĐTĐ", dt.date(2024, 6, 5), dossier=ATTP),
    "thong_bao_dien": Doc(
        THONG_BAO_DIEN, "96/TB-SCT", dt.date(2024, 8, 12), {"company": "Công ty Cổ phần Thủy điện Bản Mạ"}
    ),
    "bien_nhan_lpg": Doc(BIEN_NHAN_LPG, None, dt.date(2024, 7, 3), dossier=LPG),
    "qd_ubnd_xang_dau": Doc(QD_UBND_XANG_DAU, "1876/QĐ-UBND", dt.date(2024, 8, 30)),
}


@dataclass(frozen=True)
class Filing:
    """How one document becomes one file: format, scan level, pixel mode, pages, resolution and page variants.

    ``level`` is L0_clean .. L3_heavy, or ``digital`` for a born-digital file. ``digital_pages`` (0-based) are
    drawn as a PDF text layer, the other pages are scans; ``rotations`` are clockwise degrees per scanned page.
    ``duplicate`` marks a second scan of a document that already has a file.
    """

    doc: str
    fmt: str  # png | jpeg | tiff | pdf
    level: str
    mode: str  # L16 | L | 1 | RGB (scanned pages)
    pages: int
    dpi: int = 300
    rotations: tuple[int, ...] = ()
    digital_pages: tuple[int, ...] = ()
    duplicate: bool = False


# The files of the set, in file-number order.
FILES: tuple[Filing, ...] = (
    Filing("wine_a", "pdf", "digital", "RGB", 1, digital_pages=(0,)),
    Filing("wine_b", "png", "L0_clean", "L16", 1, 300),
    Filing("wine_district", "jpeg", "L1_light", "L", 1, 300),
    Filing("qd_hoa_chat", "tiff", "L1_light", "1", 2, 300),
    Filing("bao_cao_cchc", "pdf", "L2_medium", "L", 2, 200),
    Filing("to_trinh_xttm", "pdf", "L1_light", "L", 2, 200, digital_pages=(0,)),
    Filing("gcn_attp", "jpeg", "L2_medium", "RGB", 1, 200),
    Filing("gcn_lpg", "jpeg", "L3_heavy", "L", 1, 200, rotations=(180,)),
    Filing("cv_khuyen_mai", "jpeg", "L1_light", "L", 1, 200, rotations=(90,)),
    Filing("don_lpg", "png", "L0_clean", "1", 1, 300),
    Filing("bien_ban_attp", "tiff", "L2_medium", "L16", 1, 200),
    Filing("thong_bao_dien", "jpeg", "L2_medium", "L", 1, 300, rotations=(270,)),
    Filing("bien_nhan_lpg", "png", "L1_light", "L16", 1, 300),
    Filing("qd_ubnd_xang_dau", "jpeg", "L3_heavy", "L", 1, 200),
    Filing("wine_b", "jpeg", "L1_light", "L", 1, 200, duplicate=True),
    Filing("wine_old", "tiff", "L0_clean", "1", 1, 300),
)


@dataclass(frozen=True)
class FilePlan:
    """One file to write: the filled document and how to file it."""

    spec: DocSpec
    filing: Filing


def plan_files(seed: int) -> list[FilePlan]:
    """The files of the set for ``seed``; the same seed always gives equal plans."""
    nm = Names(np.random.default_rng([seed, 1]))
    dossiers = {d.name: draw_dossier(d, nm) for d in DOSSIERS}
    specs = {
        label: build(doc, nm, dossiers[doc.dossier.name] if doc.dossier else None) for label, doc in DOCUMENTS.items()
    }
    return [FilePlan(specs[f.doc], f) for f in FILES]


# Register entries without a file in the set: (so_ky_hieu, loai, issued, until, chu_the, field).
EXTRA_REGISTER: list[tuple[str, str, str, str, str, str]] = [
    ("23/GP-SCT", "Giấy phép bán buôn rượu", "2022-05-09", "2027-05-09", "Công ty TNHH Rượu Mẫu Sơn Xanh", "ruou"),
    ("31/GP-SCT", "Giấy phép bán lẻ sản phẩm rượu", "2024-11-05", "2029-11-05", "Hộ kinh doanh Lý Thị Hoa", "ruou"),
    (
        "07/GP-SCT",
        "Giấy phép bán buôn sản phẩm thuốc lá",
        "2021-03-18",
        "2026-03-18",
        "Công ty TNHH Thương mại Đức Thịnh",
        "thuoc_la",
    ),
    (
        "42/GP-SCT",
        "Giấy phép bán buôn sản phẩm thuốc lá",
        "2019-11-20",
        "2024-11-20",
        "Công ty Cổ phần Phân phối Kỳ Lân",
        "thuoc_la",
    ),
    (
        "88/2020/GCNATTP-SCT",
        "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "2020-12-02",
        "2023-12-02",
        "Cơ sở sản xuất bún khô Hà Quang",
        "an_toan_thuc_pham",
    ),
    (
        "12/2023/GCNATTP-SCT",
        "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "2023-02-21",
        "2026-02-21",
        "Hợp tác xã Chè Thạch Lâm",
        "an_toan_thuc_pham",
    ),
    (
        "14/GCNXD-SCT",
        "Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu",
        "2021-07-06",
        "2026-07-06",
        "Công ty TNHH Xăng dầu Tân Hà",
        "xang_dau",
    ),
    (
        "05/GCNXD-SCT",
        "Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu",
        "2019-06-11",
        "2024-06-11",
        "Doanh nghiệp tư nhân Thành Đạt",
        "xang_dau",
    ),
    (
        "21/GCN-SCT",
        "Giấy chứng nhận đủ điều kiện cửa hàng bán lẻ LPG chai",
        "2022-09-14",
        "2027-09-14",
        "Công ty TNHH Gas Phương Bắc",
        "khi",
    ),
    (
        "03/GCN-SCT",
        "Giấy chứng nhận đủ điều kiện sản xuất, kinh doanh hóa chất có điều kiện",
        "2023-08-08",
        "",
        "Công ty Cổ phần Vật liệu nổ Đồng Đăng",
        "hoa_chat",
    ),
    (
        "36/QĐ-SCT",
        "Quyết định phê duyệt Kế hoạch phòng ngừa, ứng phó sự cố hóa chất",
        "2022-03-03",
        "",
        "Công ty TNHH Mạ kẽm Bắc Sơn",
        "hoa_chat",
    ),
    (
        "11/GP-SCT",
        "Giấy phép hoạt động điện lực",
        "2020-10-26",
        "2030-10-26",
        "Công ty Cổ phần Thủy điện Bản Mạ",
        "dien_luc",
    ),
    (
        "1530/SCT-QLTM",
        "Văn bản xác nhận đăng ký thực hiện khuyến mại",
        "2024-12-10",
        "",
        "Công ty TNHH Điện máy Hoàng Gia",
        "xuc_tien_thuong_mai",
    ),
]
