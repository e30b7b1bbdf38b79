"""Document kinds as data. To add a kind, write a :class:`~samplegen.schema.Kind` in one of these modules, list
it here, and give the set a document of that kind in :mod:`samplegen.plan`."""

from __future__ import annotations

from ..schema import Kind
from .paperwork import (
    BAO_CAO_CCHC,
    BIEN_BAN_ATTP,
    BIEN_NHAN_LPG,
    DON_LPG,
    QD_UBND_XANG_DAU,
    THONG_BAO_DIEN,
    TO_TRINH_XTTM,
)
from .results import (
    CV_KHUYEN_MAI,
    GCN_ATTP,
    GCN_LPG,
    QD_HOA_CHAT,
    VALIDITY_TERM,
    VALIDITY_UNTIL,
    WINE_RETAIL,
    WINE_RETAIL_DISTRICT,
)

# Every kind by name; names are stable identifiers for tests and tools, not shown in any document.
KINDS: dict[str, Kind] = {
    "wine_retail": WINE_RETAIL,
    "wine_retail_district": WINE_RETAIL_DISTRICT,
    "qd_hoa_chat": QD_HOA_CHAT,
    "gcn_attp": GCN_ATTP,
    "gcn_lpg": GCN_LPG,
    "cv_khuyen_mai": CV_KHUYEN_MAI,
    "bao_cao_cchc": BAO_CAO_CCHC,
    "to_trinh_xttm": TO_TRINH_XTTM,
    "don_lpg": DON_LPG,
    "bien_ban_attp": BIEN_BAN_ATTP,
    "thong_bao_dien": THONG_BAO_DIEN,
    "bien_nhan_lpg": BIEN_NHAN_LPG,
    "qd_ubnd_xang_dau": QD_UBND_XANG_DAU,
}

__all__ = [
    "BAO_CAO_CCHC",
    "BIEN_BAN_ATTP",
    "BIEN_NHAN_LPG",
    "CV_KHUYEN_MAI",
    "DON_LPG",
    "GCN_ATTP",
    "GCN_LPG",
    "KINDS",
    "QD_HOA_CHAT",
    "QD_UBND_XANG_DAU",
    "THONG_BAO_DIEN",
    "TO_TRINH_XTTM",
    "VALIDITY_TERM",
    "VALIDITY_UNTIL",
    "WINE_RETAIL",
    "WINE_RETAIL_DISTRICT",
]
