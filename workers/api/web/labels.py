"""Vietnamese labels and formats shown by the web pages (Jinja filters and globals).

Times are stored in UTC; pages show them in Vietnam time (UTC+7, no daylight saving) as dd/mm/yyyy.
"""

from __future__ import annotations

import html
import logging
import tomllib
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from ... import records
from ...appdb import ROLE_NAMES
from ...localtime import VN_TIME
from ...textnorm import fold as fold_text
from .messages import failure_text, readable_detail, vietnamese

log = logging.getLogger(__name__)

STATES = {
    "queued": "Đã tải lên, chờ xử lý",
    "processing": "Đang xử lý",
    "indexed": "Đã xử lý xong",
    "failed": "Lỗi",
}
STAGES = {
    "queued": "Đã tải lên",
    "ocr": "Đang nhận dạng (OCR)",
    "classify": "Đang phân loại",
    "done": "Đã xử lý xong",
    "failed": "Lỗi",
}
FACETS = {
    "doc_type": "Loại văn bản",
    "field": "Lĩnh vực",
    "issuer": "Cơ quan ban hành",
    "year": "Năm ban hành",
    "state": "Trạng thái",
    "low_confidence": "Độ tin cậy OCR thấp",
}
METADATA = {
    "doc_type": "Loại văn bản",
    "doc_subtype": "Loại chi tiết",
    "field": "Lĩnh vực",
    "so_ky_hieu": "Số, ký hiệu",
    "ngay_ban_hanh": "Ngày ban hành",
    "co_quan_ban_hanh": "Cơ quan ban hành",
    "nguoi_ky": "Người ký",
    "chuc_vu_nguoi_ky": "Chức vụ người ký",
    "trich_yeu": "Trích yếu",
    "hieu_luc_den": "Hiệu lực đến",
    "chu_the": "Chủ thể (tổ chức, cá nhân)",
    "ma_ho_so": "Mã hồ sơ",
}
REVIEW_REASONS = {
    "failed": "Lỗi xử lý",
    "low_confidence": "OCR tin cậy thấp",
    "uncertain": "Chưa chắc loại / lĩnh vực",
    "link": "Gợi ý liên kết sổ",
    "dossier": "Chưa rõ thuộc hồ sơ nào",
}
DETAIL_NAMES = {
    "batch": "Lô",
    "status": "Kết quả",
    "error_code": "Lỗi",
    "changes": "Thay đổi",
    "query": "Điều kiện",
    "role": "Vai trò",
    "label": "Ghi chú",
    "days": "Số ngày",
    "token_id": "Token",
    "via": "Qua",
    "register_key": "Mục sổ",
    "as_of": "Tính đến ngày",
    "rows": "Số dòng",
    "added": "Thêm",
    "updated": "Cập nhật",
    "rejected": "Từ chối",
    "active": "Hoạt động",
}
UPLOAD_STATUS = {"queued": "đã nhận", "duplicate": "trùng tệp đã có", "rejected": "bị từ chối"}
SORTS = {"relevance": "Liên quan nhất", "date_desc": "Ngày ban hành mới nhất", "date_asc": "Ngày ban hành cũ nhất"}


def doc_type_name(code: str | None) -> str:
    """The taxonomy's name of a document type; the code itself when unknown, "—" when none."""
    return records.doc_type_name(code) or code or "—"


def field_name(code: str | None) -> str:
    """The taxonomy's name of a field; the code itself when unknown, "—" when none."""
    return records.field_name(code) or code or "—"


def _initials(words: str) -> str:
    return "".join(fold_text(w)[:1] for w in words.split())


@lru_cache(maxsize=1)
def subtype_names() -> dict[str, str]:
    """Subtype code -> a name made from its type's name and its first pattern, from the packaged taxonomy:
    ``gp_ban_le_ruou`` -> ``Giấy phép bán lẻ rượu``, ``gcn_attp`` -> ``Giấy chứng nhận an toàn thực
    phẩm``, ``qd_thu_hoi`` -> ``Quyết định thu hồi``. Empty when the taxonomy cannot be read."""
    from ...pipeline.taxonomy import DEFAULT_PATH

    try:
        data = tomllib.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        log.warning("subtype names unavailable: %s", exc)
        return {}
    names: dict[str, str] = {}
    for doc_type in data.get("doc_types", []):
        for sub in doc_type.get("subtypes", []):
            code = str(sub.get("code"))
            # "Giấy phép / Giấy chứng nhận": the one whose initials start the code (gcn_attp)
            options = str(doc_type.get("name") or doc_type.get("code")).split(" / ")
            type_name = next((o for o in options if _initials(o) == code.split("_")[0]), options[0])
            pattern = str((sub.get("patterns") or [""])[0]).strip()
            if fold_text(pattern).startswith(fold_text(type_name.split()[0])):
                names[code] = pattern[:1].upper() + pattern[1:]
            else:
                names[code] = f"{type_name} {pattern}".strip()
    return names


def subtype_name(code: str | None) -> str:
    """The name of a subtype code (the code itself when unknown, "—" when none)."""
    if not code:
        return "—"
    return subtype_names().get(code, code)


def field_value(key: str, value: Any) -> str:
    """A metadata value as a person reads it: names for codes, dd/mm/yyyy for dates, "—" for none."""
    if value in (None, ""):
        return "—"
    if key == "doc_type":
        return doc_type_name(str(value))
    if key == "field":
        return field_name(str(value))
    if key == "doc_subtype":
        return subtype_name(str(value))
    if key in ("ngay_ban_hanh", "hieu_luc_den"):
        return vn_date(str(value))
    return str(value)


def facet_value_name(facet: str, value: str) -> str:
    if facet == "doc_type":
        return doc_type_name(value)
    if facet == "field":
        return field_name(value)
    if facet == "state":
        return STATES.get(value, value)
    if facet == "low_confidence":
        return "Có" if value == "true" else "Không"
    return value


def vn_date(value: str | None) -> str:
    """``2024-03-05`` -> ``05/03/2024`` (anything else unchanged)."""
    if not value:
        return ""
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def vn_datetime(value: str | None) -> str:
    """An ISO UTC timestamp in Vietnam time, ``dd/mm/yyyy HH:MM:SS``."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VN_TIME).strftime("%d/%m/%Y %H:%M:%S")


def duration(start: str | None, end: str | None) -> str:
    """Time between two ISO timestamps as ``1 giờ 2 phút`` / ``3 phút 4 giây`` / ``5 giây``."""
    if not start or not end:
        return ""
    try:
        seconds = int((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())
    except ValueError:
        return ""
    seconds = max(0, seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} giờ {minutes} phút"
    if minutes:
        return f"{minutes} phút {secs} giây"
    return f"{secs} giây"


def percent(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value * 100:.1f}%".replace(".", ",")


def marks(snippet: str) -> Markup:
    """A search snippet as safe HTML: only ``<mark>`` survives; everything else is (re-)escaped.

    Snippets from the index are already escaped with ``<mark>`` around hits; unescaping then escaping each
    piece keeps that exact output and neutralizes anything a backend might have left raw.
    """
    out = []
    for i, piece in enumerate(snippet.replace("</mark>", "<mark>").split("<mark>")):
        text = html.escape(html.unescape(piece))
        out.append(f"<mark>{text}</mark>" if i % 2 else text)
    return Markup("".join(out))


def detail_value(value: Any) -> str:
    """An audit detail as text: ``{"doc_type": "cong_van"}`` -> ``Loại văn bản = Công văn``."""
    if isinstance(value, dict):
        return "; ".join(f"{METADATA.get(k, k)} = {field_value(k, v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, str) and value in UPLOAD_STATUS:
        return UPLOAD_STATUS[value]
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def jinja_filters() -> dict[str, Any]:
    return {
        "vn_date": vn_date,
        "vn_datetime": vn_datetime,
        "doc_type_name": doc_type_name,
        "field_name": field_name,
        "state_name": lambda s: STATES.get(s or "", s or ""),
        "stage_name": lambda s: STAGES.get(s or "", s or ""),
        "role_name": lambda r: vietnamese(ROLE_NAMES.get(r or "", r or "")),
        "percent": percent,
        "marks": marks,
        "detail_value": detail_value,
        "vietnamese": vietnamese,
        "field_label": lambda k: METADATA.get(k, k),
        "subtype_name": subtype_name,
    }


def jinja_globals() -> dict[str, Any]:
    return {
        "STATES": STATES,
        "FACETS": FACETS,
        "METADATA": METADATA,
        "REVIEW_REASONS": REVIEW_REASONS,
        "SORTS": SORTS,
        "DETAIL_NAMES": DETAIL_NAMES,
        "ROLE_NAMES": ROLE_NAMES,
        "facet_value_name": facet_value_name,
        "duration": duration,
        "failure_text": failure_text,
        "field_value": field_value,
        "readable_detail": readable_detail,
    }
