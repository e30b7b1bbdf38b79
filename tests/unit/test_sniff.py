from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from workers.errors import PermanentError
from workers.pipeline.sniff import sniff, sniff_bytes


def _image_bytes(fmt: str, **params: object) -> bytes:
    buf = io.BytesIO()
    Image.new("L", (16, 16), 255).save(buf, fmt, **params)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf"),
        (b"\r\n\r\nsome mailer junk %PDF-1.4\n", "pdf"),  # header within the first kilobyte
        (_image_bytes("PNG"), "png"),
        (_image_bytes("JPEG"), "jpeg"),
        (_image_bytes("TIFF"), "tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "tiff"),  # big-endian TIFF
        (b"II+\x00\x08\x00\x00\x00", "tiff"),  # BigTIFF
    ],
)
def test_kind_comes_from_magic_bytes(data: bytes, kind: str) -> None:
    assert sniff_bytes(data) == kind


def test_extension_is_ignored(tmp_path: Path) -> None:
    png_named_pdf = tmp_path / "scan.pdf"
    png_named_pdf.write_bytes(_image_bytes("PNG"))
    pdf_named_jpg = tmp_path / "scan.jpg"
    pdf_named_jpg.write_bytes(b"%PDF-1.5\n")
    assert sniff(png_named_pdf) == "png"
    assert sniff(pdf_named_jpg) == "pdf"


def test_empty_file_is_its_own_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(PermanentError) as err:
        sniff(empty)
    assert err.value.code == "empty_file"


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x14\x00\x06\x00",  # DOCX / ZIP
        _image_bytes("GIF"),
        _image_bytes("BMP"),
        b"Hello, this is plain text, not a scan.",
        b"\x00" * 64,
        b"%PD",  # too short to be a PDF header
    ],
)
def test_other_types_are_unsupported(data: bytes) -> None:
    with pytest.raises(PermanentError) as err:
        sniff_bytes(data)
    assert err.value.code == "unsupported_type"


def test_unsupported_message_names_what_it_saw() -> None:
    with pytest.raises(PermanentError) as err:
        sniff_bytes(b"PK\x03\x04rest-of-zip")
    assert "ZIP" in err.value.message
