"""The kinds of error, and the one catalogue of every stable error code Sohoa reports.

* :class:`PermanentError` - the input itself is bad: dead-letter it with its reason, never retry.
* :class:`TransientError` - a dependency hiccuped: retry with backoff.
* :class:`ConfigError` - the installation is wrong: stop with a message for the administrator.
* :class:`NotFoundError` - the document, batch or object asked for does not exist.
* :class:`AuthError` - the caller is not signed in (401) or their role may not do this (403).

Codes are stable strings (shown in the UI, stored in the index, asserted by tests). :data:`CATALOGUE`
gives each its HTTP status and the message an operator sees when the raise site has nothing more
specific to say: Vietnamese first, with an English gloss, saying what to do. A test pins the list of
codes and checks that every code raised anywhere in ``workers/`` is in it, and that the README's table
of failure codes agrees with it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_PATHS = re.compile(r"(?:/[^/\s'\"]+)+/")


class ErrorInfo(NamedTuple):
    status: int
    """HTTP status the API answers with."""
    message: str
    """Default operator message (what happened, what to do)."""
    document: bool = False
    """True for the codes a *document* can end with (``failed`` state, dead-letter topic)."""


CATALOGUE: dict[str, ErrorInfo] = {
    # --- a document's outcome: bad input files (rejected at upload or dead-lettered) -----------------
    "empty_file": ErrorInfo(400, "Tệp rỗng (0 byte). Hãy quét lại hoặc chọn đúng tệp. (Empty file.)", True),
    "unsupported_type": ErrorInfo(
        400,
        "Định dạng không được hỗ trợ; chỉ nhận PDF, TIFF, PNG, JPEG. Hãy xuất bản quét sang một trong các "
        "định dạng này. (Unsupported file type.)",
        True,
    ),
    "corrupt_file": ErrorInfo(
        400,
        "Tệp bị hỏng hoặc không đọc được (có thể bị cắt cụt khi sao chép). Hãy quét hoặc tải lên lại. "
        "(Corrupt or truncated file.)",
        True,
    ),
    "encrypted_pdf": ErrorInfo(
        400, "PDF có mật khẩu/bị mã hóa. Hãy gỡ mật khẩu hoặc quét lại từ bản giấy. (Encrypted PDF.)", True
    ),
    "file_too_large": ErrorInfo(
        400, "Tệp vượt quá dung lượng cho phép. Hãy tách thành nhiều tệp nhỏ hơn. (File too large.)", True
    ),
    "too_many_pages": ErrorInfo(400, "Tệp có quá nhiều trang. Hãy tách hồ sơ thành nhiều tệp. (Too many pages.)", True),
    "page_too_large": ErrorInfo(
        400,
        "Trang có kích thước ảnh quá lớn. Hãy quét ở 200-300 dpi thay vì độ phân giải cao hơn. "
        "(Page exceeds the pixel limit.)",
        True,
    ),
    "page_timeout": ErrorInfo(
        400,
        "Nhận dạng một trang quá thời gian cho phép. Hãy quét lại trang đó rõ hơn hoặc ở 300 dpi. (OCR page timeout.)",
        True,
    ),
    "no_pages": ErrorInfo(400, "Tài liệu không có trang nào. Hãy kiểm tra lại tệp. (Document has no pages.)", True),
    "pdf_timeout": ErrorInfo(
        400,
        "Đọc cấu trúc/lớp chữ của PDF quá thời gian cho phép (PDF có thể bị lỗi hoặc quá phức tạp). Hãy in "
        "lại ra PDF hoặc quét lại. (Reading the PDF timed out.)",
        True,
    ),
    "worker_crashed": ErrorInfo(
        500,
        "Tệp làm dừng tiến trình xử lý nhiều lần (có thể quá lớn hoặc hỏng). Hãy kiểm tra, quét lại hoặc "
        "tách nhỏ rồi tải lên lại. (The worker died on this file repeatedly.)",
        True,
    ),
    "internal_error": ErrorInfo(
        500, "Lỗi nội bộ khi xử lý tệp; đã ghi nhật ký. Hãy báo quản trị viên. (Internal error.)", True
    ),
    "hash_mismatch": ErrorInfo(
        400,
        "Tệp trong kho không khớp mã (SHA-256) mà sự kiện ghi; hệ thống gửi sự kiện có lỗi. Hãy tải tệp lên "
        "lại qua Sohoa. (The stored file does not match the event's document id.)",
        True,
    ),
    "bad_event": ErrorInfo(
        400,
        "Thông điệp trên hàng đợi không đọc được; đã chuyển sang hàng lỗi. Hãy báo quản trị viên. "
        "(Undecodable bus message, dead-lettered.)",
        True,
    ),
    # --- requests that cannot be done as asked ---------------------------------------------------------
    "bad_value": ErrorInfo(400, "Giá trị không hợp lệ; hãy sửa rồi gửi lại. (Invalid value.)"),
    "bad_field": ErrorInfo(400, "Trường này không sửa được. (This field cannot be corrected.)"),
    "bad_batch": ErrorInfo(400, "Tên lô không hợp lệ. (Invalid batch name.)"),
    "bad_register": ErrorInfo(400, "Tệp sổ kết quả không đọc được; hãy sửa theo chỉ dẫn. (Bad register file.)"),
    "bad_name": ErrorInfo(400, "Tên đăng nhập không hợp lệ. (Invalid user name.)"),
    "bad_password": ErrorInfo(400, "Mật khẩu không hợp lệ. (Invalid password.)"),
    "bad_role": ErrorInfo(400, "Vai trò không hợp lệ. (Invalid role.)"),
    "user_exists": ErrorInfo(400, "Người dùng đã có. (User exists.)"),
    "link_conflict": ErrorInfo(
        409,
        "Mục trong sổ đã được liên kết với tài liệu khác; nếu liên kết đó nhầm, hãy bỏ nó trước. "
        "(The register entry is linked to another document.)",
    ),
    "not_a_result": ErrorInfo(400, "Tài liệu này không phải kết quả giải quyết TTHC. (Not a result.)"),
    "not_failed": ErrorInfo(400, "Chỉ xử lý lại được tệp bị lỗi. (Only failed files can be retried.)"),
    "not_indexed": ErrorInfo(400, "Tài liệu chưa xử lý xong. (The document is not processed yet.)"),
    "original_missing": ErrorInfo(
        400, "Bản gốc không còn trong kho; hãy tải lên lại. (The original is missing; upload it again.)"
    ),
    "preview_failed": ErrorInfo(400, "Không dựng được ảnh xem trước của trang. (Cannot render the page preview.)"),
    "index_rejected": ErrorInfo(400, "Chỉ mục từ chối yêu cầu. (The search index rejected the request.)"),
    "not_found": ErrorInfo(404, "Không tìm thấy. (Not found.)"),
    "unauthorized": ErrorInfo(401, "Chưa đăng nhập hoặc phiên đã hết hạn. (Sign in first.)"),
    "forbidden": ErrorInfo(403, "Vai trò của bạn không được làm việc này. (Your role may not do this.)"),
    "bad_token": ErrorInfo(401, "API token không hợp lệ hoặc đã bị thu hồi. (Invalid API token.)"),
    "csrf_failed": ErrorInfo(403, "Phiên biểu mẫu không hợp lệ; hãy tải lại trang rồi thử lại. (CSRF check failed.)"),
    "request_too_large": ErrorInfo(
        413,
        "Yêu cầu quá lớn; hãy tải lên ít tệp hơn mỗi lần (tách lô). (Request body too large.)",
    ),
    "request_timeout": ErrorInfo(
        408, "Gửi dữ liệu quá chậm nên bị ngắt; hãy kiểm tra mạng rồi gửi lại. (Request body timed out.)"
    ),
    "too_many_requests": ErrorInfo(
        429, "Quá nhiều yêu cầu cùng lúc từ máy này; hãy đợi một chút rồi thử lại. (Too many requests.)"
    ),
    "preview_too_large": ErrorInfo(
        400,
        "Ảnh trang quá lớn để xem trước (vượt giới hạn điểm ảnh); hãy tải bản gốc. (Page too large to preview.)",
    ),
    "document_failed": ErrorInfo(
        400,
        "Tệp này xử lý bị lỗi nên không có ảnh xem trước; hãy xem lý do lỗi rồi tải lên lại. "
        "(The document failed; no preview.)",
    ),
    # --- the installation or a dependency ------------------------------------------------------------
    "transient": ErrorInfo(
        503, "Dịch vụ tạm thời không sẵn sàng; hãy thử lại sau ít phút. (Service unavailable; try again.)"
    ),
    "config": ErrorInfo(500, "Cấu hình hệ thống chưa đúng; hãy báo quản trị viên. (Configuration error.)"),
    "taxonomy_invalid": ErrorInfo(500, "Bảng phân loại văn bản sai; hãy báo quản trị viên. (Invalid taxonomy.)"),
}


def describe(code: str) -> str:
    """The operator message of ``code`` (the code itself when it is not catalogued)."""
    info = CATALOGUE.get(code)
    return info.message if info else code


class SohoaError(Exception):
    """Base of every error Sohoa raises on purpose.

    ``message`` defaults to the catalogue's message of ``code``; ``detail`` is appended to it.
    """

    code: str = "internal_error"
    exit_code: int = 1

    def __init__(self, message: str | None = None, *, code: str | None = None, detail: str | None = None) -> None:
        if code is not None:
            self.code = code
        text = message if message is not None else describe(self.code)
        if detail:
            # Details come from tools that name the worker's temporary files: keep the file names only.
            text = f"{text} Chi tiết / detail: {_PATHS.sub('', detail)}"
        super().__init__(text)
        self.message = text

    @property
    def http_status(self) -> int:
        info = CATALOGUE.get(self.code)
        return info.status if info else 500

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class PermanentError(SohoaError):
    """The document or request cannot be processed as it is; retrying will not help."""

    code = "bad_value"
    exit_code = 2


class TransientError(SohoaError):
    """A temporary failure (service down, timeout of a dependency); try again later."""

    code = "transient"
    exit_code = 75  # EX_TEMPFAIL


class ConfigError(SohoaError):
    """Sohoa is misconfigured or a required tool is missing."""

    code = "config"
    exit_code = 78  # EX_CONFIG


class NotFoundError(SohoaError):
    """The requested document, batch or object does not exist."""

    code = "not_found"
    exit_code = 4


class AuthError(SohoaError):
    """The caller is not signed in (``unauthorized``, 401) or may not do this (``forbidden``, 403)."""

    code = "forbidden"
    exit_code = 77  # EX_NOPERM


def input_error(code: str, detail: str | None = None) -> PermanentError:
    """Build the :class:`PermanentError` for a catalogued bad-input ``code``, with an optional detail."""
    return PermanentError(code=code, detail=detail)


def markdown_table(*, document: bool) -> str:
    """The catalogue as a Markdown table (the README's tables are this text; a test keeps them equal)."""
    rows = ["| code | HTTP | message |", "|---|---|---|"]
    for code, info in CATALOGUE.items():
        if info.document == document:
            rows.append(f"| `{code}` | {info.status} | {info.message} |")
    return "\n".join(rows)
