"""The searchable PDF: each scanned page is its (upright, deskewed) page image with Tesseract's invisible
text layer on top; pages that already had a text layer are copied from the source PDF untouched.

The text layer comes from the same Tesseract run that produced the page's text (``textonly_pdf``), so
making the PDF costs no second OCR. Page images are re-encoded close to the source's size: bilevel scans
as CCITT G4, grey and colour scans as JPEG at a quality near the source's. Text is laid out on horizontal
baselines (the image is deskewed), so ``pdftotext`` on the result returns the OCR text in reading order.

Memory: one page image at a time; :func:`assemble` holds the output's page objects until it writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from PIL import Image
from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    StreamObject,
)

DEFAULT_JPEG_QUALITY = 75


@dataclass(frozen=True)
class PagePart:
    """How to build one output page: either ``source_page`` of the source PDF (copied as it is), or an
    image page (``image_pdf``) with an optional invisible text page (``text_pdf``) laid over it."""

    source_page: int | None = None  # 1-based page of the source PDF
    image_pdf: Path | None = None
    text_pdf: Path | None = None


def is_bilevel(im: Image.Image) -> bool:
    """True for 1-bit images and grey images that only use black and white."""
    if im.mode == "1":
        return True
    if im.mode != "L":
        return False
    lo, hi = im.getextrema()  # type: ignore[misc]
    if (lo, hi) not in ((0, 255), (0, 0), (255, 255)):
        return False
    hist = im.histogram()
    return hist[0] + hist[255] == im.width * im.height


def write_image_page(im: Image.Image, dpi: int, out: Path, *, quality: int = DEFAULT_JPEG_QUALITY) -> Path:
    """Write ``im`` as a one-page PDF whose page size is the image's physical size at ``dpi``.

    Bilevel images are stored as CCITT G4, others as JPEG (``quality``), grey when the image is grey.
    """
    if is_bilevel(im):
        im = im if im.mode == "1" else im.convert("1", dither=Image.Dither.NONE)
        im.save(out, "PDF", resolution=float(dpi))
        return out
    if im.mode not in ("L", "RGB"):
        im = im.convert("RGB")
    im.save(out, "PDF", resolution=float(dpi), quality=quality, optimize=False, subsampling=2)
    return out


def jpeg_quality(im: Image.Image) -> int | None:
    """Estimate the IJG quality a JPEG was saved with, from its luminance quantization table."""
    tables = getattr(im, "quantization", None)
    if not tables or 0 not in tables:
        return None
    std = _STD_LUMA  # JPEG Annex K luminance table, natural order (as Pillow reports tables)
    table = list(tables[0])
    if len(table) != 64:
        return None
    scale = sum(t * 100.0 / s for t, s in zip(table, std, strict=True)) / 64
    quality = (200 - scale) / 2 if scale <= 100 else 5000 / scale
    return max(1, min(100, round(quality)))


_STD_LUMA = (
    16, 11, 10, 16, 24, 40, 51, 61,
    12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77,
    24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101,
    72, 92, 95, 98, 112, 100, 103, 99,
)  # fmt: skip


def assemble(parts: Sequence[PagePart], out: Path, *, source_pdf: Path | None = None) -> Path:
    """Merge the pages into one PDF at ``out`` and return it.

    The text page is scaled onto the image page (both have the page's physical size; the scale absorbs
    rounding of pixel sizes). Identical objects (Tesseract's font, repeated on every page) are stored once.
    """
    writer = PdfWriter()
    source = PdfReader(source_pdf) if source_pdf is not None else None
    for part in parts:
        if part.source_page is not None:
            if source is None:
                raise ValueError("source_page given without source_pdf")
            writer.add_page(source.pages[part.source_page - 1])
            continue
        if part.image_pdf is None:
            raise ValueError("page without image")
        page = writer.add_page(PdfReader(part.image_pdf).pages[0])
        if part.text_pdf is not None:
            _overlay(writer, page, PdfReader(part.text_pdf).pages[0])
    writer.compress_identical_objects()  # Tesseract's font and /ToUnicode, once per document
    with out.open("wb") as fh:
        writer.write(fh)
    return out


def _overlay(writer: PdfWriter, page: PageObject, text: PageObject) -> None:
    """Draw ``text`` (a whole page) over ``page``, scaled to its size, as a Form XObject.

    Wrapping the text page's content stream as it is (still compressed) instead of merging operators
    avoids parsing thousands of text operators per page in Python.
    """
    sx = float(page.mediabox.width) / float(text.mediabox.width)
    sy = float(page.mediabox.height) / float(text.mediabox.height)
    contents = text.get("/Contents")
    stream = contents.get_object() if contents is not None else None
    if not isinstance(stream, StreamObject):  # several content streams: let pypdf merge them
        page.merge_transformed_page(text, Transformation().scale(sx, sy))
        page.compress_content_streams()
        return
    form = stream.clone(writer, force_duplicate=True)
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject([FloatObject(v) for v in text.mediabox])
    resources = text.get("/Resources")
    if resources is not None:
        form[NameObject("/Resources")] = resources.get_object().clone(writer)
    form_ref = writer._add_object(form)
    page_resources = cast(DictionaryObject, page[NameObject("/Resources")].get_object())
    if "/XObject" not in page_resources:
        page_resources[NameObject("/XObject")] = DictionaryObject()
    xobjects = cast(DictionaryObject, page_resources["/XObject"].get_object())
    name = "/SohoaText"
    while name in xobjects:
        name += "0"
    xobjects[NameObject(name)] = form_ref
    draw = DecodedStreamObject()
    draw.set_data(f"q {sx:.6f} 0 0 {sy:.6f} 0 0 cm {name} Do Q\n".encode("ascii"))
    existing = page.get("/Contents")
    parts = ArrayObject()
    if existing is not None:
        existing_obj = existing.get_object()
        if isinstance(existing_obj, ArrayObject):
            parts.extend(existing_obj)
        else:
            parts.append(existing if hasattr(existing, "idnum") else writer._add_object(existing_obj))
    parts.append(writer._add_object(draw))
    page[NameObject("/Contents")] = parts
