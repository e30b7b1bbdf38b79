"""Operator messages in the Vietnamese UI: the Vietnamese half of Sohoa's bilingual messages.

Errors carry a Vietnamese message with an English gloss (``"... (Corrupt file.)"`` or ``"... / english"``)
and sometimes a technical ``Chi tiết / detail:`` from a tool. The API returns them whole; the pages show
only the Vietnamese, and a failed file's reason by its stable code (:func:`failure_text`), so that no raw
tool output (bytes, paths) reaches an operator.
"""

from __future__ import annotations

import re

from ...errors import CATALOGUE

_DETAIL = " Chi tiết / detail:"
_GLOSS = re.compile(r"\s*\(([^()]*)\)\s*$")
_SEPARATOR = " / "
_GARBAGE = re.compile(r"""b['"]|\\x[0-9a-fA-F]{2}|[\x00-\x08\x0e-\x1f\x7f\ufffd]""")

# Codes given only at upload, before the original is stored (``workers.ingest``): nothing to retry, the
# file has to be scanned or chosen again.
REFUSED_AT_UPLOAD = frozenset({"empty_file", "unsupported_type", "file_too_large"})
PDF_BROKEN = (
    "PDF hỏng: tệp có đuôi .pdf nhưng nội dung không đọc được như một PDF (có thể bị hỏng khi sao chép "
    "hoặc lưu). Hãy xuất lại PDF hoặc quét lại rồi tải lên."
)
_OVERRIDES = {
    "original_missing": "Không còn bản gốc trong kho (tệp bị từ chối khi tải lên, hoặc đã bị xóa): hãy tải tệp lên lại.",
    "not_failed": "Tệp này không bị lỗi nên không cần thử lại.",
    "bad_batch": "Tên lô tối đa 100 ký tự và không chứa các ký tự / \\ ? # %.",
}


def vietnamese(message: str | None) -> str:
    """The Vietnamese part of a bilingual message: without its ``Chi tiết / detail`` tail, a trailing
    English gloss in parentheses, or an English half after `` / ``. A message with no Vietnamese in it is
    returned as it is."""
    text = (message or "").split(_DETAIL, 1)[0].strip()
    gloss = _GLOSS.search(text)
    if gloss and gloss.group(1).isascii() and not text[: gloss.start()].isascii():
        text = text[: gloss.start()].rstrip()
    start = 0
    while (cut := text.find(_SEPARATOR, start)) >= 0:
        english = text[cut + len(_SEPARATOR) :]
        if english[:1].isalpha() and english.isascii() and not text[:cut].isascii():
            text = text[:cut].rstrip()
            break
        start = cut + 1
    return text


def readable_detail(message: str | None) -> str:
    """The technical detail of a message when a person can read it ("" for none, or for raw bytes)."""
    _head, sep, detail = (message or "").partition(_DETAIL)
    detail = detail.strip()
    if not sep or not detail or _GARBAGE.search(detail):
        return ""
    return detail


def _catalogue_text() -> dict[str, str]:
    texts = {code: vietnamese(info.message) for code, info in CATALOGUE.items()}
    return texts | _OVERRIDES


ERROR_TEXT = _catalogue_text()


def error_text(code: str | None, message: str | None = None) -> str:
    """What the UI says for an error: the Vietnamese half of ``message`` when there is one, else the
    catalogue's text of ``code``."""
    own = vietnamese(message)
    if code in _OVERRIDES or not own:
        return ERROR_TEXT.get(code or "", own or "Đã xảy ra lỗi; hãy thử lại.")
    return own


def failure_text(code: str | None, message: str | None = None, filename: str | None = None) -> str:
    """Why a file failed, in Vietnamese, by its stable code (the catalogue's text says what to do); a
    ``.pdf`` that is no PDF at all is called a broken PDF, not an unsupported format."""
    if code == "unsupported_type" and (filename or "").lower().endswith(".pdf"):
        return PDF_BROKEN
    if code in ERROR_TEXT:
        return ERROR_TEXT[code]
    return vietnamese(message) or "Lỗi xử lý."


def refused_at_upload(record: dict[str, object]) -> bool:
    """Whether a failed file was refused at upload (its original was never stored: nothing to retry)."""
    return record.get("state") == "failed" and record.get("error_code") in REFUSED_AT_UPLOAD


def client_texts() -> dict[str, str]:
    """The texts the page scripts show for error codes (``data-errors`` of the upload and batch pages)."""
    return ERROR_TEXT | {
        "unsupported_type.pdf": PDF_BROKEN,
        "network": "Mất kết nối với máy chủ; hãy kiểm tra mạng rồi gửi lại.",
    }
