"""Read a document: the text layer of PDF pages that have one, OCR of every other page.

:func:`read_document` is the stage's contract (see :class:`~workers.pipeline.types.ReadResult`). It is a
linear pipeline:

1. sniff the real type (magic bytes) and check size, encryption and page count;
2. PDFs: one ``pdftotext -layout`` for all pages; a page whose text layer is meaningful is taken as it
   is (``source="text_layer"``, never OCR'd);
3. every other page is a job for a pool of ``settings.ocr_jobs`` threads, each driving one
   single-threaded Tesseract that keeps its model loaded (:mod:`.recognizer`): load only that page
   (extract or render one PDF page, or one TIFF frame), prepare it (:mod:`.prepare`), OCR it once for
   TSV and its text-only PDF page; a page stored sideways or upside down is turned from its line
   profiles, and Tesseract's orientation detection runs only when they cannot tell or the confidence
   is low;
4. text in reading order (visual rows: side-by-side columns on one line), NFC; pages joined by ``\\f``;
5. the searchable PDF (:mod:`.pdfout`) when at least one page was OCR'd.

The seconds of each stage (:mod:`.stages`) are carried on the result.

Raises :class:`~workers.errors.PermanentError` with a stable code for bad input (``empty_file``,
``file_too_large``, ``unsupported_type``, ``corrupt_file``, ``encrypted_pdf``, ``too_many_pages``,
``no_pages``, ``page_too_large``, ``page_timeout``, ``pdf_timeout``), ``ConfigError`` when Tesseract or
poppler is missing, ``TransientError`` when Tesseract crashes. When a page fails, the other pages'
processes are killed before the error propagates.
"""

from __future__ import annotations

import logging
import math
import re
import shutil
import struct
import tempfile
import threading
import time
import unicodedata
import warnings
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from ..errors import input_error
from ..settings import Settings
from ..textnorm import fold
from . import pdfout, poppler, prepare, tesseract
from .sniff import Kind, sniff
from .stages import StageClock
from .types import PageText, ReadResult

log = logging.getLogger(__name__)

LOW_CONFIDENCE = 60.0
"""A page whose mean word confidence is below this gets Tesseract's orientation detection and, if it
finds the page turned, a second OCR pass. Full upright pages of the samples score >= 70 even when heavily
degraded; pages read upside down or sideways score 40-45. Without orientation handling CER is 4.96 %
instead of 1.60 % (L3 27 % instead of 3.3 %)."""

OSD_MIN_CONFIDENCE = 1.0
"""Orientation confidence Tesseract must report before we try the rotation it suggests. Low on purpose:
the rotated page's text is kept only if its confidence is higher than the original's."""

SEARCHABLE_PDF = "searchable.pdf"

MIN_PAGE_PIXELS = 8
"""A page narrower or shorter than this many pixels holds no text (Tesseract refuses it): it is blank."""

MIN_FIT_DPI = 50
"""A page larger than the pixel limit is read at the resolution that fits, down to this; below it the
text would be too small to read and the page fails with ``page_too_large``."""


@dataclass(frozen=True)
class _Job:
    """One page to OCR and where its pixels come from."""

    number: int  # 1-based page number in the document
    frame: int = 0  # TIFF frame
    pdf_dpi: int = 0  # PDF: resolution to read the page at
    pdf_extract: bool = False  # PDF: the page is one full-page image, extract it as it is stored
    pdf_gray: bool = True  # PDF: render in grey (no colour image on the page)
    downscaled: bool = False  # read below the usual resolution to stay within the pixel limit
    layer_text: str = ""  # the page's own short text layer, kept beside the OCR of its scanned image


@dataclass
class _Ctx:
    path: Path
    kind: Kind
    scratch: Path
    settings: Settings
    cancel: threading.Event
    clock: StageClock


@dataclass
class _Done:
    page: PageText
    part: pdfout.PagePart


def read_document(path: Path, workdir: Path, settings: Settings) -> ReadResult:
    """Text of every page of the PDF / TIFF / PNG / JPEG at ``path``, and a searchable PDF.

    ``workdir`` receives ``searchable.pdf`` (None in the result when no page needed OCR: the source PDF
    is then already searchable) and temporary files it removes before returning. Blocks until every
    page is done, using ``settings.ocr_jobs`` Tesseract processes at most.
    """
    started = time.monotonic()
    clock = StageClock()
    with clock("sniff"):
        kind = _sniff(path, settings)
    workdir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="ocr-", dir=workdir))
    try:
        ctx = _Ctx(path, kind, scratch, settings, threading.Event(), clock)
        with clock("sniff"):
            if kind == "pdf":
                fixed, jobs = _plan_pdf(ctx)
            else:
                fixed, jobs = {}, _plan_image(ctx)
        done = {**fixed, **_run_jobs(ctx, jobs)}
        numbers = sorted(done)
        pages = [done[n].page for n in numbers]
        searchable = None
        if jobs:
            with clock("pdf"):
                searchable = pdfout.assemble(
                    [done[n].part for n in numbers],
                    workdir / SEARCHABLE_PDF,
                    source_pdf=path if kind == "pdf" else None,
                )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result = ReadResult(
        kind=kind, pages=pages, searchable_pdf=searchable, stages=clock.totals(), stage_cpu=clock.cpu_totals()
    )
    log.debug(
        "read kind=%s pages=%d ocr=%d conf=%s secs=%.2f",
        kind,
        len(pages),
        result.pages_ocr,
        result.confidence,
        time.monotonic() - started,
    )
    return result


def _sniff(path: Path, settings: Settings) -> Kind:
    """The file's kind, after the checks that need no decoding (size, magic bytes, Tesseract's languages)."""
    limits = settings.limits
    size = path.stat().st_size
    if size == 0:
        raise input_error("empty_file")
    if size > limits.max_bytes:
        raise input_error("file_too_large", f"{size} > {limits.max_bytes} bytes")
    kind = sniff(path)
    # Pillow warns above MAX_IMAGE_PIXELS and refuses twice that; we refuse anything above the limit
    # ourselves from the header, before decoding (see _check_pixels).
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    tesseract.check_languages(settings.ocr_lang)
    return kind


# ---------------------------------------------------------------------------------------------- planning


def _plan_pdf(ctx: _Ctx) -> tuple[dict[int, _Done], list[_Job]]:
    limits = ctx.settings.limits
    memory = limits.ocr_memory_mb
    info = poppler.pdf_info(ctx.path, timeout=limits.pdf_seconds, memory_mb=memory, max_pages=limits.max_pages)
    texts = poppler.text_layers(ctx.path, info.pages, timeout=limits.pdf_seconds, memory_mb=memory)
    fixed: dict[int, _Done] = {}

    def take_layer(n: int) -> None:
        page = PageText(number=n, text=_clean_layer_text(texts[n - 1]), source="text_layer")
        fixed[n] = _Done(page, pdfout.PagePart(source_page=n))

    todo: list[int] = []
    keep: dict[int, str] = {}  # pages read twice: their text layer is kept beside the OCR of their image
    images = poppler.page_images(ctx.path, info.pages, timeout=limits.pdf_seconds, memory_mb=memory)
    for n, raw in enumerate(texts, start=1):
        if _meaningful(raw) and not _layer_over_scan(raw, images.get(n), info.sizes[n - 1]):
            take_layer(n)
        else:
            todo.append(n)
            if _meaningful(raw):
                keep[n] = _clean_layer_text(raw)
    if not todo:
        return fixed, []
    jobs = []
    downscaled: set[int] = set()
    for n in todo:
        img = images.get(n)
        if img is None and _meaningful(texts[n - 1], min_alnum=1):
            take_layer(n)  # a short born-digital page (page number, one line): nothing else to read
            continue
        page_w, page_h = info.sizes[n - 1]
        if img is None:  # vector-only page (outlined text, drawings): render at the OCR setting
            dpi, gray, extract = ctx.settings.ocr_dpi, False, False
        else:
            dpi = max(72, min(round(img.ppi), ctx.settings.ocr_dpi))
            gray = not img.color
            # One image filling the page, drawn upright and stored as plain grey/colour/bilevel pixels:
            # what a scanner writes. Extracting it is ~10x cheaper than rendering and loses nothing.
            fits = abs(img.size_pt[0] - page_w) < 0.03 * page_w and abs(img.size_pt[1] - page_h) < 0.03 * page_h
            extract = (
                img.count == 1
                and fits
                and img.plain
                and round(img.ppi) <= ctx.settings.ocr_dpi * 2
                and img.width * img.height <= limits.max_pixels
            )
            if extract:
                dpi = round(img.ppi)
        if not extract and info.pixels(n, dpi) > limits.max_pixels:
            # A large-format page (a map, a poster, an A0 drawing) is read at the resolution that fits
            # the pixel limit instead of failing the whole file; the page is flagged.
            fitted = _fit_dpi(page_w, page_h, limits.max_pixels)
            if fitted < MIN_FIT_DPI:
                _check_pixels(info.pixels(n, dpi), limits.max_pixels, n)
            dpi = fitted
            downscaled.add(n)
        jobs.append(
            _Job(
                number=n,
                pdf_dpi=dpi,
                pdf_extract=extract and n not in keep,  # a page with real text too is rendered whole
                pdf_gray=gray,
                downscaled=n in downscaled,
                layer_text=keep.get(n, ""),
            )
        )
    return fixed, jobs


def _plan_image(ctx: _Ctx) -> list[_Job]:
    limits = ctx.settings.limits
    with _open_image(ctx.path) as im, warnings.catch_warnings():
        # Pillow only warns when a TIFF's tags run past the end of the file; such a file is truncated.
        # (Planning runs once per document, before the OCR threads start: the filter is not shared.)
        warnings.filterwarnings("error", message=".*[Tt]runcated.*")
        try:
            # Counting and visiting frames reads the file: a truncated TIFF fails here, not later.
            frames = getattr(im, "n_frames", 1) if ctx.kind == "tiff" else 1
            if frames > limits.max_pages:
                raise input_error("too_many_pages", f"{frames} > {limits.max_pages}")
            for i in range(frames):
                im.seek(i)
                _check_pixels(im.width * im.height, limits.max_pixels, i + 1)
        except (*_UNREADABLE, UserWarning) as exc:
            raise input_error("corrupt_file", str(exc)[:200]) from exc
    return [_Job(number=i + 1, frame=i) for i in range(frames)]


_LEADERS = re.compile(r"([.·…_\-])\1{2,}")  # dot leaders of a table of contents, underscores to fill in
_WORD = re.compile(r"[^\W\d_]+")
_VOWELS = frozenset("aeiouy")


def _meaningful(text: str, min_alnum: int = 20) -> bool:
    """A text layer worth trusting: some words (``min_alnum`` letters/digits), mostly letters/digits once
    leader dots are set aside, no encoding garbage (replacement or private-use characters from fonts
    without a Unicode map), letters of the Latin script (Vietnamese is written in it: a layer of CJK or
    other script comes from a wrong ToUnicode map) and words that read like words (they have vowels)."""
    text = _LEADERS.sub(" ", text)
    visible = [ch for ch in text if not ch.isspace()]
    if not visible:
        return False
    alnum = sum(ch.isalnum() for ch in visible)
    broken = sum(ch == "\ufffd" or unicodedata.category(ch) in ("Co", "Cc", "Cs") for ch in visible)
    if alnum < min_alnum or alnum < 0.5 * len(visible) or broken > 0.02 * len(visible):
        return False
    letters = [ch for ch in visible if ch.isalpha()]
    if len(letters) >= 10 and sum("LATIN" in unicodedata.name(ch, "") for ch in letters) < 0.8 * len(letters):
        return False
    words = _WORD.findall(fold(text))
    voiced = sum(any(c in _VOWELS for c in w) for w in words)
    return len(words) < 10 or voiced >= 0.6 * len(words)


def _clean_layer_text(text: str) -> str:
    """``pdftotext -layout`` text in the same shape as OCR text: NFC, one space between columns."""
    lines = (" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines())
    return "\n".join(line for line in lines if line)


# What Pillow raises on a damaged file: truncated data (OSError, EOFError), broken headers (SyntaxError,
# ValueError) and tags that contradict each other (TypeError "Missing dimensions", struct.error).
_UNREADABLE = (OSError, SyntaxError, ValueError, EOFError, TypeError, struct.error)


SCAN_SHARE = 0.5
"""A page whose largest image covers this share of it is a scan; a short text layer over it (a stamped
header, a file name, a page number) does not make the image's text readable: both are read."""


def _layer_over_scan(raw: str, image: poppler.PageImage | None, size_pt: tuple[float, float]) -> bool:
    if image is None:
        return False
    covers = image.area_pt >= SCAN_SHARE * size_pt[0] * size_pt[1]
    return covers and sum(ch.isalnum() for ch in raw) < 200


def _fit_dpi(width_pt: float, height_pt: float, limit: int) -> int:
    """The highest whole dpi at which a page of this size in points stays within ``limit`` pixels."""
    return int(math.sqrt(limit / max(1.0, (width_pt / 72) * (height_pt / 72))))


def _check_pixels(pixels: int, limit: int, number: int) -> None:
    if pixels > limit:
        raise input_error("page_too_large", f"trang {number}: {pixels:,} > {limit:,} pixel")


def _open_image(path: Path) -> Image.Image:
    try:
        with warnings.catch_warnings():  # sizes between the limit and twice it: _check_pixels decides
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(path)
    except Image.DecompressionBombError as exc:
        raise input_error("page_too_large", str(exc)[:200]) from exc
    except _UNREADABLE as exc:  # UnidentifiedImageError is an OSError
        raise input_error("corrupt_file", str(exc)[:200]) from exc


# ----------------------------------------------------------------------------------------------- running


def _run_jobs(ctx: _Ctx, jobs: list[_Job]) -> dict[int, _Done]:
    """OCR the jobs on ``ocr_jobs`` threads; on the first failure cancel the rest and re-raise it."""
    if not jobs:
        return {}
    workers = max(1, min(ctx.settings.ocr_jobs, len(jobs)))
    if workers == 1:
        return {job.number: _ocr_job(ctx, job) for job in jobs}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr") as pool:
        futures: dict[Future[_Done], _Job] = {pool.submit(_ocr_job, ctx, job): job for job in jobs}
        finished, pending = wait(futures, return_when=FIRST_EXCEPTION)
        failed = [f for f in finished if f.exception() is not None]
        if failed:
            ctx.cancel.set()  # running Tesseract/poppler processes are killed within 0.25 s
            for f in pending:
                f.cancel()
            wait(pending)
            first = min(failed, key=lambda f: futures[f].number)
            exc = first.exception()
            assert exc is not None
            raise exc
        return {futures[f].number: f.result() for f in finished}


def _ocr_job(ctx: _Ctx, job: _Job) -> _Done:
    """Load, prepare and OCR one page; write its image page and text page for the searchable PDF."""
    started = time.monotonic()
    if ctx.cancel.is_set():
        raise InterruptedError("cancelled")
    settings, limits = ctx.settings, ctx.settings.limits
    base = ctx.scratch / f"p{job.number:04d}"
    clock = ctx.clock
    with clock("render"):
        loaded = _load_page(ctx, job, base)
    original, dpi = loaded.image, loaded.dpi
    if min(original.size) < MIN_PAGE_PIXELS:
        return _blank_page(job, original, dpi, loaded, base, started)
    with clock("prepare"):
        bw, bw_dpi = prepare.clean(original, dpi, _ocr_target(original, dpi, limits.max_pixels))
        layout = prepare.measure_geometry(bw, bw_dpi)
    layouts = {0: layout}  # by turn; a half turn keeps the skew, so 180 shares the upright page's

    def geometry(rotation: int) -> prepare.PageGeometry:
        key = rotation % 360 if rotation % 180 else 0
        if key not in layouts:
            with clock("prepare"):
                layouts[key] = prepare.measure_geometry(prepare.turn(bw, key), bw_dpi)
        return layouts[key]

    def run(rotation: int) -> tuple[prepare.Prepared, tesseract.OcrOutput]:
        turned = geometry(rotation)
        with clock("prepare"):
            prepared = prepare.prepare(bw, bw_dpi, rotate_cw=rotation, layout=turned)
            image = base.with_suffix(".pbm")
            prepared.image.save(image)
        with clock("recognition"):
            out = tesseract.ocr(
                image,
                base,
                lang=settings.ocr_lang,
                dpi=prepared.dpi,
                timeout=limits.page_seconds,
                memory_mb=limits.ocr_memory_mb,
                pdf=True,
                cancel=ctx.cancel,
            )
        clock.add_cpu("recognition", out.cpu or 0.0)
        return prepared, out

    rotation = 0
    if layout.sideways:  # lines run vertically: a quarter turn; which one, the turned page's lines tell
        turned = geometry(90)
        if turned.upside_down:
            rotation = 270
        elif turned.upright:
            rotation = 90
        else:  # too few lines to tell: ask Tesseract (about as dear as reading the page), else guess
            rotation = _orientation(ctx, bw, bw_dpi, base) or 90
    elif layout.upside_down:  # many lines with their ink below the x-height band
        rotation = 180
    prepared, out = run(rotation)
    conf = out.confidence or 0.0
    if conf < LOW_CONFIDENCE and out.words:
        if layout.sideways:  # the quarter turn was chosen already: the other one is left
            retry = (rotation + 180) % 360
        else:
            turn = _orientation(ctx, prepared.image, prepared.dpi, base)
            retry = (rotation + turn) % 360 if turn else rotation
        if retry != rotation:
            prepared2, out2 = run(retry)
            if (out2.confidence or 0.0) > conf:
                rotation, prepared, out = retry, prepared2, out2
    with clock("pdf"):
        text_pdf_path = base.with_suffix(".txt.pdf")
        text_pdf_path.write_bytes(out.pdf or b"")
        scan = loaded.stored or pdfout.encode(
            original, dpi, base.with_name(base.name + "-scan"), quality=loaded.quality
        )
    with clock("recognition"):
        text, confidence = tesseract.page_text(out.words)
    if job.layer_text:
        text = f"{job.layer_text}\n{text}" if text else job.layer_text
    page = PageText(
        number=job.number,
        text=text,
        source="ocr",
        confidence=None if confidence is None else round(confidence, 1),
        rotation=rotation,
        skew=prepared.skew,
        width_px=original.width,
        height_px=original.height,
        dpi=dpi,
        seconds=round(time.monotonic() - started, 3),
        note="downscaled" if job.downscaled else None,
    )
    base.with_suffix(".pbm").unlink(missing_ok=True)
    log.debug(
        "page=%d rot=%d skew=%.2f conf=%s secs=%.2f", job.number, rotation, prepared.skew, page.confidence, page.seconds
    )
    part = pdfout.PagePart(
        image=scan, rotation=rotation, skew=prepared.skew, text_pdf=text_pdf_path if out.pdf else None
    )
    return _Done(page, part)


def _blank_page(job: _Job, original: Image.Image, dpi: int, loaded: _Loaded, base: Path, started: float) -> _Done:
    """A page too small to hold a line of text (a 1 x 1 px placeholder, a sliver): blank, not corrupt."""
    scan = loaded.stored or pdfout.encode(
        original.convert("L"), max(dpi, 1), base.with_name(base.name + "-scan"), quality=loaded.quality
    )
    page = PageText(
        number=job.number,
        text="",
        source="ocr",
        width_px=original.width,
        height_px=original.height,
        dpi=dpi,
        seconds=round(time.monotonic() - started, 3),
        note="blank",
    )
    return _Done(page, pdfout.PagePart(image=scan))


def _ocr_target(image: Image.Image, dpi: int, limit: int) -> int:
    """The resolution to OCR at: :func:`prepare.ocr_dpi`, unless upsampling to it would make an image
    larger than the pixel limit (every image the worker makes stays within it); then no upsampling."""
    target = prepare.ocr_dpi(dpi)
    if target > dpi > 0 and image.width * image.height * (target / dpi) ** 2 > limit:
        return dpi
    return target


def _orientation(ctx: _Ctx, image: Image.Image, dpi: int, base: Path) -> int:
    """Clockwise turn (90/180/270) Tesseract's orientation detection suggests, else 0."""
    path = base.with_name(base.name + "-osd.pbm")
    with ctx.clock("orientation"):
        return _detect_orientation(ctx, image, dpi, path)


def _detect_orientation(ctx: _Ctx, image: Image.Image, dpi: int, path: Path) -> int:
    image.save(path)
    try:
        found = tesseract.orientation(
            path,
            dpi=dpi,
            timeout=ctx.settings.limits.page_seconds,
            memory_mb=ctx.settings.limits.ocr_memory_mb,
            cancel=ctx.cancel,
        )
    finally:
        path.unlink(missing_ok=True)
    if found is None or found.confidence < OSD_MIN_CONFIDENCE:
        return 0
    return found.rotate


@dataclass
class _Loaded:
    image: Image.Image  # decoded, mode 1 / L / RGB, upright as the EXIF says
    dpi: int
    quality: int  # JPEG quality to re-encode at (the source's when it was a JPEG)
    stored: pdfout.ScanImage | None  # the stored bytes, when they can go into the PDF as they are


def _load_page(ctx: _Ctx, job: _Job, base: Path) -> _Loaded:
    """The page's pixels, its resolution, and how its scan can be embedded in the searchable PDF."""
    limits = ctx.settings.limits
    if ctx.kind == "pdf":
        if job.pdf_extract:
            path = poppler.extract_image(
                ctx.path,
                job.number,
                base,
                timeout=limits.pdf_seconds,
                memory_mb=limits.ocr_memory_mb,
                cancel=ctx.cancel,
            )
        else:
            path = poppler.rasterize(
                ctx.path,
                job.number,
                base,
                dpi=job.pdf_dpi,
                gray=job.pdf_gray,
                timeout=limits.pdf_seconds,
                memory_mb=limits.ocr_memory_mb,
                cancel=ctx.cancel,
            )
        im = _decode(path, 0)
        stored = pdfout.jpeg_as_is(path, im, job.pdf_dpi) if job.pdf_extract else None
        if stored is None:
            path.unlink(missing_ok=True)
        quality = pdfout.jpeg_quality(im) or pdfout.DEFAULT_JPEG_QUALITY
        return _Loaded(_normalize_mode(im), job.pdf_dpi, quality, stored)
    im = _decode(ctx.path, job.frame)
    meta = im.info.get("dpi")
    meta_dpi = float(meta[0]) if isinstance(meta, tuple) and meta and meta[0] else None
    dpi, _ = prepare.infer_dpi(im.size, meta_dpi)
    quality = pdfout.jpeg_quality(im) or pdfout.DEFAULT_JPEG_QUALITY
    stored = None
    if ctx.kind == "jpeg":
        stored = pdfout.jpeg_as_is(ctx.path, im, dpi)
        im = ImageOps.exif_transpose(im) or im
    return _Loaded(_normalize_mode(im), dpi, quality, stored)


def _decode(path: Path, frame: int) -> Image.Image:
    """Decode one frame fully; truncated or corrupt data raises ``corrupt_file``."""
    im = _open_image(path)
    try:
        if frame:
            im.seek(frame)
        im.load()
    except Image.DecompressionBombError as exc:
        raise input_error("page_too_large", str(exc)[:200]) from exc
    except _UNREADABLE as exc:
        raise input_error("corrupt_file", str(exc)[:200]) from exc
    return im


def _normalize_mode(im: Image.Image) -> Image.Image:
    """``1``, ``L`` or ``RGB`` (the modes the rest of the stage handles)."""
    if im.mode in ("1", "L", "RGB"):
        return im
    if im.mode.startswith("I") or im.mode == "F":  # 16/32-bit grey: scale the used range to 8 bits
        a = np.asarray(im, dtype=np.float64)
        top = float(a.max()) or 1.0
        return Image.fromarray((a * (255.0 / top)).clip(0, 255).astype(np.uint8))
    return prepare.ink_gray(im) if im.mode == "P" and _gray_palette(im) else im.convert("RGB")


def _gray_palette(im: Image.Image) -> bool:
    palette = im.getpalette() or []
    triples = [palette[i : i + 3] for i in range(0, len(palette), 3)]
    return all(r == g == b for r, g, b in triples)
