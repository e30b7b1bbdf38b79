"""The one wrapper around poppler's command-line tools (``pdfinfo``, ``pdftotext``, ``pdfimages``,
``pdftoppm``). Nothing else in Sohoa runs them.

Every call runs one short-lived process with a wall-clock timeout and an address-space limit; a process
that overruns is killed before the call returns. Poppler's failures are translated here into the stable
bad-input codes of :mod:`workers.errors` (``corrupt_file``, ``encrypted_pdf``, ``pdf_timeout``,
``page_timeout``); a missing binary is a :class:`~workers.errors.ConfigError`.

All functions run in the caller's thread and may be called from several threads at once.
"""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workers.errors import PermanentError, input_error

from .bounded import run_bounded

_PAGE_SIZE_RE = re.compile(r"^Page\s+(\d+)\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts", re.MULTILINE)
_PAGE_ROT_RE = re.compile(r"^Page\s+(\d+)\s+rot:\s+(\d+)", re.MULTILINE)


@dataclass(frozen=True)
class PdfInfo:
    """Structure of a PDF as far as the OCR stage needs it. Sizes are in points (1/72 inch), after the
    page's ``/Rotate``, i.e. as the page is displayed."""

    pages: int
    sizes: tuple[tuple[float, float], ...]  # one (width, height) per page

    def pixels(self, page: int, dpi: float) -> int:
        """Pixel count of ``page`` (1-based) rendered at ``dpi``."""
        w, h = self.sizes[page - 1]
        return round(w / 72 * dpi) * round(h / 72 * dpi)


@dataclass(frozen=True)
class PageImage:
    """The largest raster image drawn on a page, as listed by ``pdfimages -list`` (nothing decoded)."""

    width: int  # pixels
    height: int
    ppi: float  # resolution at which the image is drawn on the page
    color: bool  # not grey / bilevel
    bilevel: bool  # 1 bit per component (CCITT, JBIG2 ...)
    area_pt: float  # area the image covers on the page, square points
    size_pt: tuple[float, float]  # width and height it covers, points (unrotated)
    count: int  # raster images and masks on the page (the largest one included)
    plain: bool = True  # stored as grey, RGB, ICC-based or indexed pixels (not CMYK, Lab, DeviceN ...)


def _run(
    args: Sequence[str],
    *,
    timeout: float,
    memory_mb: int,
    cancel: threading.Event | None = None,
    page: int | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run a poppler tool (:func:`.bounded.run_bounded`). Raises ``page_timeout`` (working on ``page``) or
    ``pdf_timeout`` (the whole file) after ``timeout`` seconds, ``InterruptedError`` when cancelled,
    ``ConfigError`` when the tool is not installed."""
    missing = (
        f"Không tìm thấy {args[0]} (poppler-utils). Cài bằng: apt-get install poppler-utils. ({args[0]} not found.)"
    )
    try:
        done = run_bounded(args, timeout=timeout, memory_mb=memory_mb, missing=missing, cancel=cancel)
    except subprocess.TimeoutExpired as exc:
        if page is None:
            raise input_error("pdf_timeout", f"{args[0]} > {timeout:g}s") from exc
        raise input_error("page_timeout", f"{args[0]}, trang {page}, > {timeout:g}s") from exc
    return subprocess.CompletedProcess(list(args), done.returncode, done.stdout, done.stderr)


def _stderr(proc: subprocess.CompletedProcess[bytes]) -> str:
    return proc.stderr.decode("utf-8", "replace").strip()


def _open_error(proc: subprocess.CompletedProcess[bytes]) -> PermanentError:
    err = _stderr(proc)
    if "password" in err.lower():
        return input_error("encrypted_pdf")
    last = err.splitlines()[-1] if err else f"exit {proc.returncode}"
    return input_error("corrupt_file", last[:200])


def pdf_info(path: Path, *, timeout: float, memory_mb: int, max_pages: int) -> PdfInfo:
    """Page count and page sizes of the PDF at ``path``.

    Raises ``encrypted_pdf`` for a PDF that needs a password to open (one with only an owner password is
    read; its searchable copy does not keep the restrictions), ``corrupt_file`` when poppler cannot open it or it
    has no page tree, ``too_many_pages`` above ``max_pages``, ``no_pages`` for 0 pages, ``pdf_timeout``.
    """
    # -l beyond the last page is clamped by pdfinfo: one call gives the count and every page's size.
    args = ["pdfinfo", "-f", "1", "-l", str(max_pages + 1), str(path)]
    proc = _run(args, timeout=timeout, memory_mb=memory_mb)
    if proc.returncode != 0:
        raise _open_error(proc)
    text = proc.stdout.decode("utf-8", "replace")
    fields = dict(
        (k.strip(), v.strip())
        for k, _, v in (ln.partition(":") for ln in text.splitlines())
        if v and not k.startswith("Page ")
    )
    # An encrypted PDF that opened without a password has only an owner password (no copying, no
    # printing...): e-office systems send such files every day. It is read like any other; only a user
    # password (pdfinfo cannot open the file: see _open_error) is a reason to refuse.
    try:
        pages = int(fields["Pages"])
    except (KeyError, ValueError) as exc:
        raise input_error("corrupt_file", "pdfinfo: no page count") from exc
    if pages <= 0:
        raise input_error("no_pages")
    if pages > max_pages:
        raise input_error("too_many_pages", f"{pages} > {max_pages}")
    sizes: dict[int, tuple[float, float]] = {}
    for m in _PAGE_SIZE_RE.finditer(text):
        sizes[int(m.group(1))] = (float(m.group(2)), float(m.group(3)))
    for m in _PAGE_ROT_RE.finditer(text):
        n, rot = int(m.group(1)), int(m.group(2)) % 360
        if n in sizes and rot in (90, 270):
            w, h = sizes[n]
            sizes[n] = (h, w)
    default = sizes.get(1, (595.0, 842.0))
    return PdfInfo(pages=pages, sizes=tuple(sizes.get(n, default) for n in range(1, pages + 1)))


def text_layers(path: Path, pages: int, *, timeout: float, memory_mb: int) -> list[str]:
    """The text layer of every page, as ``pdftotext -layout`` lays it out (one string per page).

    One process for the whole document (text is small; per-page calls would re-parse the file each time).
    Raises ``corrupt_file`` or ``pdf_timeout``.
    """
    args = ["pdftotext", "-layout", "-enc", "UTF-8", "-f", "1", "-l", str(pages), str(path), "-"]
    proc = _run(args, timeout=timeout, memory_mb=memory_mb)
    if proc.returncode != 0:
        raise _open_error(proc)
    chunks = proc.stdout.decode("utf-8", "replace").split("\f")
    # pdftotext ends every page with a form feed, so there is one empty chunk after the last page.
    chunks = chunks[:pages] + [""] * max(0, pages - len(chunks))
    return chunks


_PLAIN_COLOR = frozenset({"gray", "rgb", "icc", "index"})


def page_images(path: Path, pages: int, *, timeout: float, memory_mb: int) -> dict[int, PageImage]:
    """The largest image of each page that has one (pages without images are absent).

    Used to read a scanned page at the resolution it was scanned at, in grey when it is not colour, and
    to extract it as it is stored when it is the page's only content. Raises ``corrupt_file`` or
    ``pdf_timeout``.
    """
    args = ["pdfimages", "-list", "-f", "1", "-l", str(pages), str(path)]
    proc = _run(args, timeout=timeout, memory_mb=memory_mb)
    if proc.returncode != 0:
        raise _open_error(proc)
    best: dict[int, PageImage] = {}
    counts: dict[int, int] = {}
    for line in proc.stdout.decode("utf-8", "replace").splitlines()[2:]:
        f = line.split()
        # page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
        if len(f) < 14:
            continue
        try:
            page, width, height = int(f[0]), int(f[3]), int(f[4])
            bpc, xppi, yppi = int(f[7]), float(f[12]), float(f[13])
        except ValueError:
            continue
        counts[page] = counts.get(page, 0) + 1
        if f[2] != "image" or xppi <= 0 or yppi <= 0:
            continue
        size = (width / xppi * 72, height / yppi * 72)
        cur = best.get(page)
        if cur is None or size[0] * size[1] > cur.area_pt:
            best[page] = PageImage(
                width=width,
                height=height,
                ppi=min(xppi, yppi),
                color=f[5] not in ("gray", "index"),
                bilevel=bpc == 1,
                area_pt=size[0] * size[1],
                size_pt=size,
                count=0,
                # Other colour spaces (CMYK, Lab, Separation, DeviceN) come out of extraction raw:
                # negative or scrambled. Those pages are rendered instead.
                plain=f[5] in _PLAIN_COLOR,
            )
    return {n: PageImage(**{**img.__dict__, "count": counts.get(n, 1)}) for n, img in best.items()}


def extract_image(
    path: Path,
    page: int,
    out_prefix: Path,
    *,
    timeout: float,
    memory_mb: int,
    cancel: threading.Event | None = None,
) -> Path:
    """Write the images of one page as stored (JPEG as it is, others as PBM/PGM/PPM) and return the first.

    Much cheaper than rendering when a page is just one scanned image. Raises ``corrupt_file`` or
    ``page_timeout``.
    """
    args = ["pdfimages", "-j", "-f", str(page), "-l", str(page), str(path), str(out_prefix)]
    proc = _run(args, timeout=timeout, memory_mb=memory_mb, cancel=cancel, page=page)
    written = sorted(out_prefix.parent.glob(f"{out_prefix.name}-*"))
    if proc.returncode != 0 or not written or written[0].stat().st_size == 0:
        raise _open_error(proc)
    return written[0]


def rasterize(
    path: Path,
    page: int,
    out_base: Path,
    *,
    dpi: int,
    gray: bool,
    timeout: float,
    memory_mb: int,
    cancel: threading.Event | None = None,
) -> Path:
    """Render one page (1-based) to an uncompressed PGM (``gray``) or PPM file next to ``out_base``.

    Only that page is decoded. Returns the image path. Raises ``corrupt_file`` when poppler fails or
    writes nothing, ``page_timeout`` after ``timeout`` seconds (the process is killed).
    """
    args = ["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-singlefile"]
    if gray:
        args.append("-gray")
    args += [str(path), str(out_base)]
    proc = _run(args, timeout=timeout, memory_mb=memory_mb, cancel=cancel, page=page)
    out = Path(f"{out_base}.{'pgm' if gray else 'ppm'}")
    if proc.returncode != 0 or not out.exists() or out.stat().st_size == 0:
        raise _open_error(proc)
    return out
