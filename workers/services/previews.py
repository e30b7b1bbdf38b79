"""PNG previews of document pages for the web page, rendered on demand and cached on local disk.

Images (PNG, JPEG, TIFF) are read with Pillow; PDFs are rasterized by poppler through the pipeline's one
wrapper (``workers.pipeline.poppler``: timeout and memory limit). The page is turned upright with the rotation the OCR stage found (``page_info``). Previews are
cached under ``$SOHOA_HOME/cache/previews`` (derived state: delete at will).

Every frame of a multi-page image is checked against the pixel limit before anything is decoded, and
Pillow's own decompression-bomb guard is mapped to the same code. Failed documents have no previews.

Raises ``NotFoundError`` (no such page / file not stored yet) and ``PermanentError`` (codes
``preview_failed`` when the file cannot be rendered, ``preview_too_large`` over the pixel limit,
``document_failed`` for a document that failed).
"""

from __future__ import annotations

import io
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from ..context import Context, derived_key, original_key
from ..errors import NotFoundError, PermanentError
from ..settings import Limits

log = logging.getLogger(__name__)
WIDTHS = (480, 1000, 1600)


def _rotation(record: dict[str, Any], page: int) -> int:
    for info in record.get("page_info") or []:
        if info.get("n") == page:
            return int(info.get("rotation") or 0) % 360
    return 0


def _too_large() -> PermanentError:
    return PermanentError(code="preview_too_large")


def _check_frames(image: Image.Image, max_pixels: int, max_frames: int) -> None:
    """Raises ``preview_too_large`` when any frame (not only the first) is over ``max_pixels``; reading
    the frames' headers decodes no pixels."""
    frames = min(int(getattr(image, "n_frames", 1) or 1), max_frames)
    for index in range(frames):
        if index:
            image.seek(index)
        if image.width * image.height > max_pixels:
            raise _too_large()
    image.seek(0)


def _from_image(path: Path, page: int, width: int, limits: Limits) -> Image.Image:
    try:
        with Image.open(path) as image:
            _check_frames(image, limits.max_pixels, limits.max_pages)
            try:
                image.seek(page - 1)
            except EOFError as exc:
                raise NotFoundError(f"không có trang {page} / no page {page}") from exc
            if image.width * image.height > limits.max_pixels:
                raise _too_large()
            frame = ImageOps.exif_transpose(image) if page == 1 else image.copy()
            frame.thumbnail((width, width * 3))
            return frame.convert("L" if frame.mode in ("1", "L", "I;16") else "RGB")
    except Image.DecompressionBombError as exc:  # Pillow's own guard: the same answer as the limit's
        raise _too_large() from exc


def _from_pdf(path: Path, page: int, width: int, limits: Limits) -> Image.Image:
    from ..pipeline import poppler

    info = poppler.pdf_info(
        path, timeout=limits.pdf_seconds, memory_mb=limits.ocr_memory_mb, max_pages=limits.max_pages
    )
    if page > info.pages:
        raise NotFoundError(f"không có trang {page} / no page {page}")
    page_width_pt = info.sizes[page - 1][0] or 595.0
    page_height_pt = info.sizes[page - 1][1] or 842.0
    dpi = max(20, min(300, round(width / (page_width_pt / 72))))
    # A very tall page at that resolution could still be over the limit: lower it, or refuse.
    fits = int((limits.max_pixels / ((page_width_pt / 72) * (page_height_pt / 72))) ** 0.5)
    if fits < dpi:
        if fits < 10:
            raise _too_large()
        dpi = fits
    image_path = poppler.rasterize(
        path,
        page,
        path.parent / f"page-{page}",
        dpi=dpi,
        gray=False,
        timeout=limits.page_seconds,
        memory_mb=limits.ocr_memory_mb,
    )
    with Image.open(image_path) as image:
        image.load()
        return image.copy()


def _source(ctx: Context, record: dict[str, Any]) -> tuple[str, bool]:
    """(object key, is_pdf): the original for images, else the original PDF (or the searchable one)."""
    doc_id = record["doc_id"]
    kind = record.get("kind")
    if kind in ("png", "jpeg", "tiff"):
        return original_key(doc_id), False
    if kind == "pdf":
        return original_key(doc_id), True
    searchable = derived_key(doc_id, "searchable.pdf")
    if ctx.store.exists(searchable):
        return searchable, True
    return original_key(doc_id), False  # not processed yet: let Pillow try


def render_page(ctx: Context, record: dict[str, Any], page: int, width: int) -> Path:
    """The cached PNG of ``page`` (1-based) at about ``width`` pixels wide (rounded to one of ``WIDTHS``)."""
    if record.get("state") == "failed":
        raise PermanentError(code="document_failed")
    pages = record.get("pages")
    if page < 1 or (pages and page > int(pages)):
        raise NotFoundError(f"không có trang {page} / no page {page}")
    width = min(WIDTHS, key=lambda w: abs(w - width))
    doc_id = record["doc_id"]
    rotation = _rotation(record, page)
    cache = ctx.settings.home / "cache" / "previews" / doc_id[:2]
    target = cache / f"{doc_id}-p{page}-w{width}-r{rotation}.png"
    if target.is_file():
        return target
    key, is_pdf = _source(ctx, record)
    if not ctx.store.exists(key):
        raise NotFoundError("tệp chưa có / file not available yet")
    workdir = Path(tempfile.mkdtemp(prefix="sohoa-preview-"))
    try:
        local = workdir / "source"
        ctx.store.download(key, local)
        try:
            image = (
                _from_pdf(local, page, width, ctx.settings.limits)
                if is_pdf
                else _from_image(local, page, width, ctx.settings.limits)
            )
        except Image.DecompressionBombError as exc:
            raise _too_large() from exc
        except (OSError, SyntaxError, ValueError) as exc:  # Pillow: unreadable or truncated image
            raise PermanentError(f"không đọc được ảnh / cannot read image: {exc}", code="preview_failed") from exc
        if rotation:
            image = image.rotate(-rotation, expand=True)
        buffer = io.BytesIO()
        image.save(buffer, "PNG", optimize=True)
        cache.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=cache, suffix=".part")
        with open(handle, "wb") as out:
            out.write(buffer.getvalue())
        Path(partial).replace(target)
        return target
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
