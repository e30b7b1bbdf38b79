"""The searchable PDF: each scanned page shows its scan, turned upright and deskewed, with Tesseract's
invisible text layer on top; pages that already had a text layer are copied from the source PDF untouched.

The text layer comes from the same Tesseract run that produced the page's text (``textonly_pdf``), so
making the PDF costs no second OCR. The scan is never resampled: it is drawn through a rotation matrix
(quarter turn + skew), so JPEG scans are embedded byte for byte (no generation loss, same size), and
other scans are encoded once: bilevel as CCITT G4, grey and colour as JPEG at the source's quality.
The text is laid out on horizontal lines over the deskewed view, so ``pdftotext`` on the result returns
the OCR text in reading order.

Memory: :func:`assemble` holds the output's page objects (compressed images) until it writes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from PIL import Image
from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)

DEFAULT_JPEG_QUALITY = 75


@dataclass(frozen=True)
class ScanImage:
    """A page image ready to embed: a JPEG file (used as it is) or a one-page PDF written by Pillow
    (CCITT G4 for bilevel images) whose image is reused."""

    path: Path
    kind: Literal["jpeg", "pdf"]
    width: int  # pixels, as stored (before turning)
    height: int
    dpi: float
    gray: bool = False  # JPEG with one component


@dataclass(frozen=True)
class PagePart:
    """How to build one output page: either ``source_page`` of the source PDF (copied as it is), or a
    scan drawn turned by ``rotation`` (clockwise) and straightened by ``skew`` (degrees it was turned
    counter-clockwise), with an optional invisible text page (``text_pdf``) laid over it."""

    source_page: int | None = None  # 1-based page of the source PDF
    image: ScanImage | None = None
    rotation: int = 0
    skew: float = 0.0
    text_pdf: Path | None = None


def is_bilevel(im: Image.Image) -> bool:
    """True for 1-bit images and grey images that only use black and white."""
    if im.mode == "1":
        return True
    if im.mode != "L":
        return False
    lo, hi = cast(tuple[int, int], im.getextrema())
    if (lo, hi) not in ((0, 255), (0, 0), (255, 255)):
        return False
    hist = im.histogram()
    return hist[0] + hist[255] == im.width * im.height


def jpeg_as_is(path: Path, im: Image.Image, dpi: float) -> ScanImage | None:
    """``path`` as the page image when it is a plain 8-bit grey or RGB JPEG (``im`` is it, opened), so
    it can be embedded without decoding or re-encoding; None otherwise (CMYK, EXIF-rotated ...)."""
    if im.format != "JPEG" or im.mode not in ("L", "RGB"):
        return None
    orientation = im.getexif().get(0x0112, 1)
    if orientation not in (0, 1):
        return None
    return ScanImage(path, "jpeg", im.width, im.height, dpi, gray=im.mode == "L")


def encode(im: Image.Image, dpi: float, out: Path, *, quality: int = DEFAULT_JPEG_QUALITY) -> ScanImage:
    """Encode ``im`` once for embedding: bilevel as CCITT G4 (in a one-page PDF at ``out``.pdf),
    anything else as a JPEG (``out``.jpg, grey when the image is grey)."""
    if is_bilevel(im):
        path = out.with_suffix(".pdf")
        (im if im.mode == "1" else im.convert("1", dither=Image.Dither.NONE)).save(path, "PDF", resolution=dpi)
        return ScanImage(path, "pdf", im.width, im.height, dpi)
    if im.mode not in ("L", "RGB"):
        im = im.convert("RGB")
    path = out.with_suffix(".jpg")
    im.save(path, "JPEG", quality=quality, subsampling=2)
    return ScanImage(path, "jpeg", im.width, im.height, dpi, gray=im.mode == "L")


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
    """Write the pages as one PDF at ``out`` and return it.

    A scan page has the physical size of the turned scan; the text page (same physical size, from the
    deskewed OCR image) is scaled onto it to absorb rounding of pixel sizes. Identical objects
    (Tesseract's font, repeated on every page) are stored once.
    """
    writer = PdfWriter()
    source = PdfReader(source_pdf) if source_pdf is not None else None
    if source is not None and source.is_encrypted:
        source.decrypt("")  # owner password only (a user password was refused when the file was read)
    for part in parts:
        if part.source_page is not None:
            if source is None:
                raise ValueError("source_page given without source_pdf")
            writer.add_page(source.pages[part.source_page - 1])
            continue
        if part.image is None:
            raise ValueError("page without image")
        page = _scan_page(writer, part.image, part.rotation, part.skew)
        if part.text_pdf is not None:
            _overlay(writer, page, PdfReader(part.text_pdf).pages[0])
    writer.compress_identical_objects()  # Tesseract's font and /ToUnicode, once per document
    with out.open("wb") as fh:
        writer.write(fh)
    return out


def _image_xobject(writer: PdfWriter, image: ScanImage) -> IndirectObject:
    if image.kind == "pdf":
        page = PdfReader(image.path).pages[0]
        resources = cast(DictionaryObject, page["/Resources"].get_object())
        xobjects = cast(DictionaryObject, resources["/XObject"].get_object())
        first = next(iter(xobjects.values()))
        obj = first.get_object().clone(writer, force_duplicate=True)
        return writer._add_object(obj)
    stream = DecodedStreamObject()
    stream._data = image.path.read_bytes()  # already DCT-encoded: written as it is
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(image.width),
            NameObject("/Height"): NumberObject(image.height),
            NameObject("/ColorSpace"): NameObject("/DeviceGray" if image.gray else "/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): NameObject("/DCTDecode"),
        }
    )
    return writer._add_object(stream)


def _scan_page(writer: PdfWriter, image: ScanImage, rotation: int, skew: float) -> PageObject:
    """A page showing ``image`` turned clockwise by ``rotation`` then by ``skew`` degrees clockwise,
    centred; the page has the turned image's physical size."""
    w, h = image.width / image.dpi * 72, image.height / image.dpi * 72
    pw, ph = (h, w) if rotation % 180 else (w, h)
    page = writer.add_blank_page(pw, ph)
    theta = math.radians(-(rotation + skew))  # PDF angles are counter-clockwise
    a, b = w * math.cos(theta), w * math.sin(theta)
    c, d = -h * math.sin(theta), h * math.cos(theta)
    e, f = pw / 2 - (a + c) / 2, ph / 2 - (b + d) / 2
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Scan"): _image_xobject(writer, image)})}
    )
    draw = DecodedStreamObject()
    draw.set_data(f"q {a:.4f} {b:.4f} {c:.4f} {d:.4f} {e:.4f} {f:.4f} cm /Scan Do Q\n".encode("ascii"))
    page[NameObject("/Contents")] = writer._add_object(draw)
    return page


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
