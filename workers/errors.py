"""The three kinds of error, each with a stable code and a message that says what to do.

* :class:`PermanentError` - the input itself is bad: dead-letter it with its reason, never retry.
* :class:`TransientError` - a dependency hiccuped: retry with backoff.
* :class:`ConfigError` - the installation is wrong: stop with a message for the administrator.

Codes are stable strings (shown in the UI, stored in the index, asserted by tests); messages are
Vietnamese first with an English gloss, because they reach scanning operators.
"""

from __future__ import annotations


class SohoaError(Exception):
    """Base of every error Sohoa raises on purpose."""

    code: str = "error"
    exit_code: int = 1

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class PermanentError(SohoaError):
    """The document cannot be processed as it is; retrying will not help."""

    code = "invalid_input"
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


# Stable codes for bad input. Each maps to the message an operator sees (what happened, what to do).
INPUT_ERRORS: dict[str, str] = {
    "empty_file": "Tệp rỗng (0 byte). Hãy quét lại hoặc chọn đúng tệp. (Empty file.)",
    "unsupported_type": (
        "Định dạng không được hỗ trợ; chỉ nhận PDF, TIFF, PNG, JPEG. Hãy xuất bản quét sang một trong các "
        "định dạng này. (Unsupported file type.)"
    ),
    "corrupt_file": (
        "Tệp bị hỏng hoặc không đọc được (có thể bị cắt cụt khi sao chép). Hãy quét hoặc tải lên lại. "
        "(Corrupt or truncated file.)"
    ),
    "encrypted_pdf": ("PDF có mật khẩu/bị mã hóa. Hãy gỡ mật khẩu hoặc quét lại từ bản giấy. (Encrypted PDF.)"),
    "file_too_large": "Tệp vượt quá dung lượng cho phép. Hãy tách thành nhiều tệp nhỏ hơn. (File too large.)",
    "too_many_pages": "Tệp có quá nhiều trang. Hãy tách hồ sơ thành nhiều tệp. (Too many pages.)",
    "page_too_large": (
        "Trang có kích thước ảnh quá lớn. Hãy quét ở 200-300 dpi thay vì độ phân giải cao hơn. "
        "(Page exceeds the pixel limit.)"
    ),
    "page_timeout": (
        "Nhận dạng một trang quá thời gian cho phép. Hãy quét lại trang đó rõ hơn hoặc ở 300 dpi. (OCR page timeout.)"
    ),
    "no_pages": "Tài liệu không có trang nào. Hãy kiểm tra lại tệp. (Document has no pages.)",
    "pdf_timeout": (
        "Đọc cấu trúc/lớp chữ của PDF quá thời gian cho phép (PDF có thể bị lỗi hoặc quá phức tạp). Hãy in "
        "lại ra PDF hoặc quét lại. (Reading the PDF timed out.)"
    ),
}


def input_error(code: str, detail: str | None = None) -> PermanentError:
    """Build the :class:`PermanentError` for a stable bad-input ``code``, with an optional detail."""
    message = INPUT_ERRORS.get(code, code)
    if detail:
        message = f"{message} Chi tiết: {detail}"
    return PermanentError(message, code=code)
