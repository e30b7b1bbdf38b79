"""The widened splits: ``dev`` (for writing rules) and ``heldout`` (never looked at to write rules).

Both draw ~70 documents from the same recipes, widened beyond the default set: two-line headers of several
governing and issuing bodies in several provinces, districts and cities, company letterheads with or without a
number, the compact header whose columns share rows (column bleed), heavier L3 scans (``L3_severe``), and types
and fields the default set lacks. Each split has its own seed and its own provinces, districts, cities and company
abbreviations, so the held-out documents name places the dev documents never do.

Same split and seed -> equal plans. The default set (:mod:`samplegen.plan`) does not depend on this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .agencies import (
    PHONG_KINH_TE_HUYEN,
    PHONG_KINH_TE_TP,
    PHONG_KTHT_HUYEN,
    SO_CONG_THUONG_ANY,
    UBND_HUYEN,
    UBND_HUYEN_2,
    UBND_TINH,
)
from .builders import build
from .compose import compose
from .kinds import (
    BAO_CAO_CCHC,
    BIEN_BAN_ATTP,
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
from .kinds.widened import (
    BAO_CAO_RUOU_HUYEN,
    CV_CONG_TY_KHUYEN_MAI,
    CV_CONG_TY_XANG_DAU,
    CV_HOA_CHAT,
    CV_XANG_DAU,
    DON_THUOC_LA,
    GCN_XANG_DAU,
    GIAY_MOI_XTTM,
    GP_BAN_BUON_THUOC_LA,
    GP_BAN_LE_THUOC_LA,
    GP_DIEN_LUC,
    KE_HOACH_ATTP,
    TO_TRINH_KHI,
)
from .names import Names
from .plan import FilePlan, Filing
from .schema import Doc, Issuer, Kind

SPLIT_SEEDS = {"dev": 310, "heldout": 20250107}


@dataclass(frozen=True)
class Places:
    """The localities and company abbreviations one split names."""

    provinces: tuple[str, ...]
    districts: tuple[str, ...]
    cities: tuple[str, ...]
    abbreviations: tuple[str, ...]


PLACES = {
    "dev": Places(
        ("Bắc Sơn", "Cao Bằng", "Thái Nguyên", "Hà Tĩnh", "Tuyên Quang"),
        ("Vân Khê", "Thạch Lâm", "Tân Hà", "Kỳ Phong"),
        ("Sông Công", "Tam Điệp"),
        ("TH", "ĐB", "SM", "PB", "KL", "HP"),
    ),
    "heldout": Places(
        ("Lạng Sơn", "Quảng Ninh", "Đắk Lắk", "Bắc Kạn", "Hòa Bình", "Yên Bái"),
        ("Bình Gia", "Văn Lãng", "Lộc Bình", "Hữu Lũng", "Đình Lập"),
        ("Móng Cái", "Cẩm Phả", "Uông Bí"),
        ("TC", "XD", "GS", "NL", "BM", "PT", "HN"),
    ),
}

# Companies the reused kinds are given (the widened kinds draw their own).
GIVEN_COMPANIES = (
    "Công ty TNHH Thực phẩm Sạch Hương Sơn",
    "Công ty Cổ phần Hóa chất Miền Bắc",
    "Công ty TNHH Siêu thị Minh Phương",
    "Công ty Cổ phần Thủy điện Bản Chát Nhỏ",
    "Công ty TNHH Gas Hòa Bình Xanh",
    "Công ty TNHH MTV Chế biến Nông sản Mẫu Sơn",
    "Công ty TNHH Hóa chất và Vật tư Tân Phong",
    "Công ty Cổ phần Thương mại Tổng hợp Đồng Đăng",
    "Công ty TNHH Điện lực Nậm Mu",
    "Công ty TNHH Gas Việt Trung",
    "Công ty TNHH Bánh kẹo Hồng Hà",
    "Công ty TNHH Thương mại Kim Long",
    "Công ty Cổ phần Xuất nhập khẩu Chi Ma",
    "Công ty TNHH Phân bón và Hóa chất Lục Khu",
    "Công ty TNHH Khí công nghiệp Tràng Định",
    "Công ty TNHH Siêu thị Tân Thanh",
    "Hợp tác xã Chè Hồng Phong",
    "Công ty Cổ phần Điện Tây Bắc Mới",
    "Công ty TNHH Kinh doanh Gas Bảo An",
    "Công ty TNHH Nước giải khát Phai Vệ",
)

_RETAIL = ("GIẤY PHÉP BÁN LẺ RƯỢU", "GIẤY PHÉP BÁN LẺ SẢN PHẨM RƯỢU")


@dataclass(frozen=True)
class Recipe:
    """``count`` documents of ``kind``; each draws one of ``issuers`` (issuer, number template) when given.

    Number templates know ``{n}`` (a number), ``{year}`` and ``{abbr}`` (a company abbreviation); None: no number.
    ``unnumbered`` is the share of documents printed without a number. ``needs`` are values given to the kind:
    ``company``, ``company_address``, ``director``, ``district``, ``wine``.
    """

    kind: Kind
    count: int
    number: str | None
    issuers: tuple[tuple[Issuer, str], ...] = ()
    needs: tuple[str, ...] = ()
    unnumbered: float = 0.0
    given: Mapping[str, str] = field(default_factory=dict)


RECIPES: tuple[Recipe, ...] = (
    Recipe(WINE_RETAIL, 5, "{n}/GP-SCT", issuers=((SO_CONG_THUONG_ANY, "{n}/GP-SCT"),), needs=("wine",)),
    Recipe(
        WINE_RETAIL_DISTRICT,
        3,
        None,
        issuers=((UBND_HUYEN, "{n}/GP-UBND"), (UBND_HUYEN_2, "{n}/GP-UBND"), (PHONG_KTHT_HUYEN, "{n}/GP-KTHT")),
        needs=("wine", "district"),
    ),
    Recipe(GCN_ATTP, 4, "{n}/{year}/GCNATTP-SCT", issuers=((SO_CONG_THUONG_ANY, ""),), needs=("company",)),
    Recipe(GCN_LPG, 3, "{n}/GCN-SCT", issuers=((SO_CONG_THUONG_ANY, ""),), needs=("company", "company_address")),
    Recipe(QD_HOA_CHAT, 2, "{n}/QĐ-SCT", issuers=((SO_CONG_THUONG_ANY, ""),), needs=("company",)),
    Recipe(CV_KHUYEN_MAI, 3, "{n}/SCT-QLTM", issuers=((SO_CONG_THUONG_ANY, ""),), needs=("company",)),
    Recipe(THONG_BAO_DIEN, 2, "{n}/TB-SCT", issuers=((SO_CONG_THUONG_ANY, ""),), needs=("company",)),
    Recipe(BAO_CAO_CCHC, 2, "{n}/BC-SCT", issuers=((SO_CONG_THUONG_ANY, ""),)),
    Recipe(TO_TRINH_XTTM, 2, "{n}/TTr-SCT", issuers=((SO_CONG_THUONG_ANY, ""),)),
    Recipe(QD_UBND_XANG_DAU, 2, "{n}/QĐ-UBND", issuers=((UBND_TINH, ""),)),
    Recipe(BIEN_BAN_ATTP, 2, "{n}/BB-ĐKT", issuers=((SO_CONG_THUONG_ANY, ""),), needs=("company",)),
    Recipe(DON_LPG, 2, "{n}/{year}/CV-{abbr}", needs=("company", "company_address", "director"), unnumbered=0.5),
    Recipe(GP_BAN_BUON_THUOC_LA, 4, "{n}/GP-SCT"),
    Recipe(
        GP_BAN_LE_THUOC_LA,
        3,
        None,
        issuers=((PHONG_KINH_TE_HUYEN, "{n}/GP-PKT"), (PHONG_KINH_TE_TP, "{n}/GP-PKT")),
        needs=("district",),
    ),
    Recipe(GCN_XANG_DAU, 4, "{n}/GCNXD-SCT"),
    Recipe(GP_DIEN_LUC, 3, "{n}/GP-SCT"),
    Recipe(CV_XANG_DAU, 4, "{n}/SCT-QLTM"),
    Recipe(TO_TRINH_KHI, 3, "{n}/TTr-SCT"),
    Recipe(CV_CONG_TY_XANG_DAU, 4, "{n}/{year}/CV-{abbr}", unnumbered=0.4),
    Recipe(CV_CONG_TY_KHUYEN_MAI, 3, "{n}/CV-{abbr}", unnumbered=0.4),
    Recipe(DON_THUOC_LA, 3, "{n}/CV-{abbr}", unnumbered=0.5),
    Recipe(KE_HOACH_ATTP, 3, "{n}/KH-SCT"),
    Recipe(GIAY_MOI_XTTM, 3, "{n}/GM-SCT"),
    Recipe(CV_HOA_CHAT, 2, "{n}/HC-QLHC"),
    Recipe(
        BAO_CAO_RUOU_HUYEN,
        2,
        None,
        issuers=((PHONG_KINH_TE_HUYEN, "{n}/BC-PKT"), (PHONG_KTHT_HUYEN, "{n}/BC-KTHT")),
        needs=("district",),
    ),
)

# scan level -> (share of documents, (format, pixel mode) choices, resolutions)
LEVEL_MIX: dict[str, tuple[float, tuple[tuple[str, str], ...], tuple[int, ...]]] = {
    "L0_clean": (0.15, (("png", "L16"), ("tiff", "1"), ("pdf", "L")), (300,)),
    "L1_light": (0.22, (("jpeg", "L"), ("png", "L16"), ("pdf", "L"), ("jpeg", "RGB")), (300, 200)),
    "L2_medium": (0.25, (("jpeg", "L"), ("tiff", "L16"), ("pdf", "L"), ("jpeg", "RGB")), (200, 300)),
    "L3_heavy": (0.2, (("jpeg", "L"), ("pdf", "L"), ("tiff", "L16")), (200,)),
    "L3_severe": (0.12, (("jpeg", "L"), ("pdf", "L")), (200,)),
    "digital": (0.06, (("pdf", "RGB"),), (300,)),
}


# ``heavy`` sets: most documents at the levels where OCR damages the header, the number and the dates
HEAVY_SHARES = {
    "L0_clean": 0.04,
    "L1_light": 0.08,
    "L2_medium": 0.23,
    "L3_heavy": 0.3,
    "L3_severe": 0.3,
    "digital": 0.05,
}


def _pick(rng: np.random.Generator, seq: tuple[str, ...] | list[str]) -> str:
    return seq[int(rng.integers(len(seq)))]


def _issued(rng: np.random.Generator) -> dt.date:
    start = dt.date(2019, 6, 1)
    day = start + dt.timedelta(days=int(rng.integers(0, 2030)))
    return day.replace(day=28) if (day.month, day.day) == (2, 29) else day


def _number(template: str, rng: np.random.Generator, issued: dt.date, places: Places) -> str:
    big = "/SCT-" in template or "/HC-" in template or "CV-" in template
    n = int(rng.integers(1, 1999 if big else 160))
    return template.format(n=f"{n:02d}", year=issued.year, abbr=_pick(rng, places.abbreviations))


def _docs(split: str, rng: np.random.Generator, nm: Names, scale: int = 1) -> list[tuple[str, Doc]]:
    places = PLACES[split]
    companies = list(GIVEN_COMPANIES)
    docs: list[tuple[str, Doc]] = []
    for recipe in RECIPES:
        for k in range(recipe.count * scale):
            if not companies:  # a larger set gives the companies out again
                companies = list(GIVEN_COMPANIES)
            issued = _issued(rng)
            issuer, template = (None, recipe.number)
            if recipe.issuers:
                issuer, own = recipe.issuers[int(rng.integers(len(recipe.issuers)))]
                template = own or recipe.number
            if rng.random() < recipe.unnumbered:
                template = None
            number = _number(template, rng, issued, places) if template else None
            province = _pick(rng, places.provinces)
            given: dict[str, str] = {"province": province, "province_up": province.upper(), **recipe.given}
            given["district"] = _pick(rng, places.districts)
            given["city"] = _pick(rng, places.cities)
            if "company" in recipe.needs:
                given["company"] = companies.pop(int(rng.integers(len(companies))))
            if "company_address" in recipe.needs:
                given["company_address"] = nm.address(urban=True)
            if "director" in recipe.needs:
                given["director"] = nm.person()
            if "wine" in recipe.needs:
                given["title"] = _pick(rng, _RETAIL)
                given["validity"] = _pick(rng, (VALIDITY_UNTIL, VALIDITY_TERM))
            layout = "compact" if rng.random() < 0.45 else "nd30"
            label = f"{recipe.kind.doc_subtype}_{k}"
            docs.append((label, Doc(recipe.kind, number, issued, given, issuer=issuer, layout=layout)))
    return docs


def _filing(label: str, pages: int, rng: np.random.Generator, duplicate: bool = False, heavy: bool = False) -> Filing:
    levels = list(LEVEL_MIX)
    shares = [HEAVY_SHARES[lv] if heavy else LEVEL_MIX[lv][0] for lv in levels]
    level = levels[int(rng.choice(len(levels), p=shares))]
    _share, formats, dpis = LEVEL_MIX[level]
    fmt, mode = formats[int(rng.integers(len(formats)))]
    dpi = dpis[int(rng.integers(len(dpis)))]
    if level == "digital":
        return Filing(label, "pdf", "digital", "RGB", pages, digital_pages=tuple(range(pages)), duplicate=duplicate)
    if pages > 1 and fmt in ("png", "jpeg"):
        fmt = "pdf" if mode != "1" else "tiff"
    rotations = tuple(int(_pick(rng, ("90", "180", "270"))) if rng.random() < 0.08 else 0 for _ in range(pages))
    return Filing(label, fmt, level, mode, pages, dpi, rotations=rotations, duplicate=duplicate)


def plan_split(split: str, seed: int, scale: int = 1, heavy: bool = False) -> list[FilePlan]:
    """The files of ``split`` for ``seed`` in file order; needs the font family chosen (fonts.check_fonts).

    ``scale``: documents per recipe multiplied (a larger set of the same kind); ``heavy``: scan levels drawn
    mostly from L2 to L3_severe (:data:`HEAVY_SHARES`). The defaults give the split's standard set.
    """
    if split not in PLACES:
        raise ValueError(f"unknown split {split!r}; known: {sorted(PLACES)}")
    if scale < 1:
        raise ValueError(f"scale must be 1 or more, got {scale}")
    rng = np.random.default_rng([seed, 11])
    nm = Names(np.random.default_rng([seed, 12]))
    plans: list[FilePlan] = []
    for label, doc in _docs(split, rng, nm, scale):
        spec = build(doc, nm)
        plans.append(FilePlan(spec, _filing(label, len(compose(spec)), rng, heavy=heavy)))
    order = rng.permutation(len(plans))
    plans = [plans[int(i)] for i in order]
    # second scans of two results, at another level than the first
    results = [p for p in plans if p.spec.tthc and p.spec.tthc["in_register"]]
    for first in results[:2]:
        again = _filing(first.filing.doc, first.filing.pages, rng, duplicate=True, heavy=heavy)
        while again.level in (first.filing.level, "digital"):
            again = _filing(first.filing.doc, first.filing.pages, rng, duplicate=True, heavy=heavy)
        plans.append(FilePlan(first.spec, again))
    return plans
