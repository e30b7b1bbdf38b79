"""The real type of an uploaded file, from its first bytes (magic numbers), never from its name.

Only the four kinds the OCR stage reads are recognised: ``pdf``, ``tiff``, ``png`` and ``jpeg``.
Anything else raises ``input_error("unsupported_type")``; a file of 0 bytes raises
``input_error("empty_file")``. Sniffing reads at most :data:`HEAD_BYTES` bytes and never decodes the file,
so a truncated or corrupt file of a known kind is still recognised (decoding errors are raised later, by
the stage that decodes it, as ``corrupt_file``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from workers.errors import input_error

Kind = Literal["pdf", "tiff", "png", "jpeg"]

HEAD_BYTES = 1024
"""PDF readers accept the ``%PDF-`` header anywhere in the first kilobyte (leading junk from mailers and
scanner firmware is common), so that is how much we look at."""

_PDF = b"%PDF-"
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
# Classic TIFF and BigTIFF, little- and big-endian.
_TIFF = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")


def sniff_bytes(head: bytes) -> Kind:
    """Return the kind of a file whose first bytes are ``head`` (pass at least :data:`HEAD_BYTES`).

    Raises ``PermanentError`` with code ``empty_file`` for ``b""`` and ``unsupported_type`` for anything
    that is not PDF, TIFF, PNG or JPEG.
    """
    if not head:
        raise input_error("empty_file")
    if head.startswith(_PNG):
        return "png"
    if head.startswith(_JPEG):
        return "jpeg"
    if head.startswith(_TIFF):
        return "tiff"
    if _PDF in head[:HEAD_BYTES]:
        return "pdf"
    raise input_error("unsupported_type", _describe(head))


def sniff(path: Path) -> Kind:
    """Return the kind of the file at ``path`` from its content (see :func:`sniff_bytes`).

    Raises ``PermanentError`` (``empty_file`` / ``unsupported_type``); ``OSError`` if it cannot be read.
    """
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    return sniff_bytes(head)


def _describe(head: bytes) -> str:
    """A short, safe hint of what the file starts with, for the operator's error message."""
    known = {
        b"PK\x03\x04": "ZIP/DOCX/XLSX",
        b"\xd0\xcf\x11\xe0": "Word/Excel 97-2003",
        b"GIF8": "GIF",
        b"BM": "BMP",
        b"RIFF": "WEBP/RIFF",
        b"{\\rtf": "RTF",
    }
    for magic, name in known.items():
        if head.startswith(magic):
            return f"tệp {name} (file looks like {name})"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "tệp HEIC/AVIF (file looks like HEIC/AVIF)"
    return f"bắt đầu bằng {head[:8]!r} (starts with {head[:8]!r})"
