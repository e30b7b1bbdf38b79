"""Page preparation: turn one scanned page into the black-and-white image Tesseract reads best.

Pure image functions (Pillow + numpy, no subprocess); about 0.1 CPU-second per A4 page in all. What each
step is worth was measured by switching it off in the whole pipeline on the 40 sample files (CER over
all files; L3 = heavily degraded scans), see the OCR notes:

1. :func:`ink_gray` - grey where each pixel takes its brightest channel, so red seals and blue signatures
   become light and black text under them stays black (off: CER 1.60 -> 1.76 %, colour scans
   0.99 -> 1.45 %);
2. :func:`rescale` - to :func:`ocr_dpi` (200-250 dpi);
3. :func:`binarize` - black where the ink is darker than a fraction of the *local* paper brightness
   (:func:`background`). On the samples it equals a global Otsu threshold (1.55 vs 1.60 %), but with a
   strong lighting gradient (45 % darker at one edge) it keeps CER at 3.5 % where a global threshold
   gives 23 %. Giving Tesseract the binary page instead of a grey one costs no accuracy
   (1.60 vs 1.62 %) and saves ~15 % of its time;
4. :func:`measure_geometry` + :func:`deskew` - projection-profile skew angle, corrected by two shears
   (off: 1.60 -> 4.85 %, L3 3.3 -> 29 %); the same profiles tell whether lines run vertically (page
   stored sideways) and whether the page is upside down.

Orientation needs Tesseract when the profiles are not sure; :mod:`workers.pipeline.ocr` decides and
:func:`turn` applies it. Coordinates are pixels, angles degrees counter-clockwise, resolutions dpi.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops

OCR_DPI_MIN = 200
OCR_DPI_MAX = 250
"""Tesseract reads pages at their own resolution clamped to this range. Measured on the samples (13-14 pt
type): OCR at 300 dpi is 0.1 point better (CER 1.50 vs 1.60 %) but costs ~30 % more Tesseract time;
upsampling 200 dpi scans gains nothing (1.61 % at native resolution). Tesseract's time grows with the
pixel count, so 300 dpi scans are shrunk to 250 (not 200: CER 1.45 vs 1.65 % on 70 single-page 300 dpi
scans of the sample sets). Scans below 200 dpi are upsampled: on 58 single-page scans brought down to
150 dpi it costs 11 % more Tesseract time and lowers CER from 2.90 to 2.70 % (light scans 1.39 -> 1.08,
severe 5.46 -> 4.87)."""

# Common scanner resolutions, used to snap an inferred resolution.
_STANDARD_DPI = (100, 150, 200, 240, 300, 400, 600)
# Paper long sides, inches: A4, Letter/Legal, A5, A3. A page whose metadata gives a size far from any
# paper is assumed to carry wrong metadata (72 dpi defaults are common).
_PAPER_LONG_IN = (11.69, 11.0, 14.0, 8.27, 16.54)


@dataclass(frozen=True)
class Prepared:
    """The image handed to Tesseract and what was done to get it."""

    image: Image.Image  # mode "1" (black and white), upright and deskewed, at ``dpi``
    dpi: int
    skew: float  # degrees (counter-clockwise) the page was skewed by and corrected for


def infer_dpi(size: tuple[int, int], meta_dpi: float | None) -> tuple[int, bool]:
    """Resolution of a scan: its metadata when that gives a plausible paper size, else inferred from the
    pixel size assuming A4 (the documents we handle are A4). Returns ``(dpi, inferred)``."""
    long_px = max(size)
    if meta_dpi and 50 <= meta_dpi <= 1200:
        long_in = long_px / meta_dpi
        if any(abs(long_in - p) / p < 0.25 for p in _PAPER_LONG_IN) or 5 <= long_in <= 17:
            return round(meta_dpi), False
    guess = long_px / 11.69
    for std in _STANDARD_DPI:
        if abs(guess - std) / std < 0.05:
            return std, True
    return max(50, round(guess)), True


def ink_gray(im: Image.Image) -> Image.Image:
    """Grey ``L`` image in which coloured ink is light.

    For colour scans each pixel takes its brightest channel: black and grey ink stay dark while red seals
    and blue signatures (dark in only one or two channels) become light, so text under a seal survives
    binarisation. Grey and bilevel images are converted as they are.
    """
    if im.mode == "L":
        return im
    if im.mode in ("1", "I", "I;16", "F"):
        return im.convert("L")
    if im.mode in ("P", "PA"):
        im = im.convert("RGBA" if "transparency" in im.info or im.mode == "PA" else "RGB")
    if im.mode in ("LA", "RGBA", "PA"):
        background = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(background, im.convert("RGBA"))
    if im.mode != "RGB":
        im = im.convert("RGB")
    r, g, b = im.split()
    return ImageChops.lighter(ImageChops.lighter(r, g), b)


def _box_mean(a: np.ndarray, r: int) -> np.ndarray:
    """Mean over a (2r+1)^2 window, edges replicated (for small arrays)."""
    k = 2 * r + 1
    p = np.pad(a.astype(np.float64), r, mode="edge")
    c = np.pad(p.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    return (c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k]) / (k * k)


def background(g: Image.Image, dpi: int) -> np.ndarray:
    """Paper brightness around every ~1/12 inch cell of ``g`` (2-D float array, one value per cell).

    The local maximum of cell means over ~5/12 inch, smoothed: text strokes and lines are thinner than
    that, so they never count as paper. Follows uneven lighting, grey paper and edge shadows.
    """
    w, h = g.size
    cell = max(2, round(dpi / 25))
    sw, sh = max(1, w // cell), max(1, h // cell)
    small = np.asarray(g.resize((sw, sh), Image.Resampling.BOX), dtype=np.float64)
    return np.asarray(np.clip(_box_mean(_window_max(small, 2), 2), 1.0, 255.0))


def _window_max(a: np.ndarray, r: int) -> np.ndarray:
    """Maximum over a (2r+1)^2 window, edges replicated: along rows, then along columns (the same as the
    square window, five times faster)."""
    k = 2 * r + 1
    rows = np.pad(a, ((0, 0), (r, r)), mode="edge")
    out = rows[:, : a.shape[1]].copy()
    for i in range(1, k):
        np.maximum(out, rows[:, i : i + a.shape[1]], out=out)
    cols = np.pad(out, ((r, r), (0, 0)), mode="edge")
    out = cols[: a.shape[0]].copy()
    for i in range(1, k):
        np.maximum(out, cols[i : i + a.shape[0]], out=out)
    return out


def _upsample(values: np.ndarray, size: tuple[int, int], smooth: bool = True) -> np.ndarray:
    """Resize a small 2-D array (values 0..255) to ``size`` (width, height), as uint8: bilinear, or
    nearest (5x faster; enough for a threshold map that is already smooth)."""
    small = Image.fromarray(np.clip(values, 0, 255).astype(np.uint8))
    method = Image.Resampling.BILINEAR if smooth else Image.Resampling.NEAREST
    return np.asarray(small.resize(size, method))


def binarize(g: Image.Image, dpi: int) -> Image.Image:
    """Black-and-white (mode ``1``) image of ``g``: ink is what is darker than ``t`` times the local
    :func:`background`, with ``t`` chosen by Otsu's method on a sample of the flattened page.

    The same as flattening then thresholding, without computing the flattened page: the threshold map
    is made at cell resolution and compared once. A page without contrast (blank) comes out white.
    """
    a = np.asarray(g)
    bg = background(g, dpi)
    sample = a[::4, ::4].astype(np.float64)
    sample_bg = _upsample(bg, (sample.shape[1], sample.shape[0])).astype(np.float64)
    flat = np.minimum(sample * 255.0 / np.maximum(sample_bg, 1.0), 255.0).astype(np.uint8)
    t = _otsu(flat)
    ink, paper = flat[flat <= t], flat[flat > t]
    if not len(ink) or not len(paper) or float(paper.mean()) - float(ink.mean()) < 40:
        return Image.new("1", g.size, 1)
    threshold = _upsample(bg * (t + 0.5) / 255.0, g.size, smooth=False)
    return Image.fromarray(a > threshold)


def _otsu(values: np.ndarray) -> int:
    hist = np.bincount(values.ravel(), minlength=256).astype(np.float64)
    w0 = hist.cumsum()
    m0 = (hist * np.arange(256)).cumsum()
    total, mean_all = w0[-1], m0[-1]
    w1 = total - w0
    ok = (w0 > 0) & (w1 > 0)
    between = np.zeros(256)
    between[ok] = (mean_all * w0[ok] - m0[ok] * total) ** 2 / (w0[ok] * w1[ok])
    return int(between.argmax())


def _profile_sharpness(xs: np.ndarray, ys: np.ndarray, angle: float) -> float:
    """How sharply ink falls into rows when the points are sheared by ``angle`` degrees."""
    y = ys + xs * np.tan(np.radians(angle))
    hist = np.bincount(np.round(y - y.min()).astype(np.int64)).astype(np.float64)
    d = np.diff(hist)
    return float((d * d).sum())


@dataclass(frozen=True)
class PageGeometry:
    """What the projection profiles of a page say about its text lines."""

    skew: float  # degrees counter-clockwise (0.0 when undecided)
    sideways: bool  # text lines run vertically: the page is turned by 90 or 270 degrees
    ink: int  # dark pixels sampled (0 for a blank page)
    uprightness: float = 0.0  # > 0: more ink above the x-height band than below it (upright Latin text)
    lines: int = 0  # text lines found in the row profile

    @property
    def upside_down(self) -> bool:
        """Sure enough that the page is turned 180 degrees to act before OCR (many lines, clear sign)."""
        return self.lines >= UPSIDE_DOWN_MIN_LINES and self.uprightness <= -UPSIDE_DOWN_MARGIN

    @property
    def upright(self) -> bool:
        """Sure enough that the page is the right way up (the mirror of :attr:`upside_down`)."""
        return self.lines >= UPSIDE_DOWN_MIN_LINES and self.uprightness >= UPSIDE_DOWN_MARGIN


UPSIDE_DOWN_MIN_LINES = 15
UPSIDE_DOWN_MARGIN = 0.3
"""Latin and Vietnamese text has far more ink above the x-height band (capitals, ascenders, tone marks)
than below it. Pages with few lines (signature blocks, seals) are left to Tesseract's orientation
detection, which runs when the OCR confidence is low. On the 217 scanned pages of the four sample sets,
every upright page with 15 lines or more scores above -0.3 and every page turned upside down or stored
sideways and turned a quarter the right way scores -0.5 / +0.27 or beyond, mirrored when turned the
wrong way (a half turn swaps above and below)."""


def _ink_points(g: Image.Image, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of dark pixels on a ~100 dpi copy, page margins (5 %) excluded so scanner edge shadows
    do not vote; at most 100,000 of them."""
    w, h = g.size
    mx, my = w // 20, h // 20
    step = max(1, round(dpi / 100))
    crop = g.crop((mx, my, w - mx, h - my))
    if crop.mode != "L":
        crop = crop.convert("L")
    small = np.asarray(crop.reduce(step) if step > 1 else crop)
    ys, xs = np.nonzero(small <= min(_otsu(small), 160))
    if len(xs) > 100_000:
        step = -(-len(xs) // 100_000)
        xs, ys = xs[::step], ys[::step]
    return xs.astype(np.float64), ys.astype(np.float64)


def _row_profile(xs: np.ndarray, ys: np.ndarray, angle: float) -> np.ndarray:
    y = ys + xs * np.tan(np.radians(angle))
    return np.bincount(np.round(y - y.min()).astype(np.int64)).astype(np.float64)


def _best_angle(xs: np.ndarray, ys: np.ndarray, max_angle: float) -> tuple[float, float]:
    """(angle, sharpness) of the sharpest row profile: coarse 0.5 degree search, then 0.05 degree."""
    xs = xs - xs.mean()
    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.5)
    scores = [_profile_sharpness(xs, ys, a) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    scores = [_profile_sharpness(xs, ys, a) for a in fine]
    i = int(np.argmax(scores))
    return round(float(fine[i]), 2), float(scores[i])


def _best_coarse(xs: np.ndarray, ys: np.ndarray, max_angle: float) -> float:
    """Sharpness of the best row profile at 0.5 degree steps (enough to compare directions)."""
    xs = xs - xs.mean()
    return max(_profile_sharpness(xs, ys, a) for a in np.arange(-max_angle, max_angle + 1e-9, 0.5))


def _uprightness(profile: np.ndarray) -> tuple[float, int]:
    """(balance of ink above vs below each line's x-height band, -1..1; number of lines) of a row
    profile taken along the text lines."""
    if not profile.any():
        return 0.0, 0
    on = profile > 0.05 * np.percentile(profile[profile > 0], 95)
    edges = np.flatnonzero(np.diff(np.r_[0, on.astype(np.int8), 0]))
    above = below = 0.0
    lines = 0
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        seg = profile[start:stop]
        if len(seg) < 4:
            continue
        band = np.flatnonzero(seg >= 0.5 * seg.max())
        above += float(seg[: band[0]].sum())
        below += float(seg[band[-1] + 1 :].sum())
        lines += 1
    return (above - below) / max(1.0, above + below), lines


def measure_geometry(g: Image.Image, dpi: int, max_angle: float = 5.0) -> PageGeometry:
    """Skew and line direction of a page from projection profiles of its dark pixels.

    Text lines make the row profile sharp at the skew angle. The same points projected on columns show
    whether lines run vertically instead (a page stored sideways): on the samples the row/column
    sharpness ratio is >= 1.8 for every upright page and <= 0.6 for every sideways one.
    """
    xs, ys = _ink_points(g, dpi)
    if len(xs) < 200:
        return PageGeometry(skew=0.0, sideways=False, ink=len(xs))
    skew, rows = _best_angle(xs, ys, max_angle)
    cols = _best_coarse(ys, xs, max_angle)
    balance, lines = _uprightness(_row_profile(xs - xs.mean(), ys, skew))
    return PageGeometry(skew=skew, sideways=cols > rows, ink=len(xs), uprightness=round(balance, 3), lines=lines)


def _shear_columns(a: np.ndarray, t: float, fill: int) -> np.ndarray:
    """Shift column x vertically by round((x - cx) * t) pixels (positive = up)."""
    h, w = a.shape[:2]
    shifts = np.round((np.arange(w) - w / 2) * t).astype(np.int64)
    out = np.full_like(a, fill)
    edges = np.flatnonzero(np.diff(shifts)) + 1
    for x0, x1 in zip(np.r_[0, edges], np.r_[edges, w], strict=True):
        d = int(shifts[x0])
        if abs(d) >= h:
            continue
        if d >= 0:
            out[: h - d, x0:x1] = a[d:, x0:x1]
        else:
            out[-d:, x0:x1] = a[: h + d, x0:x1]
    return out


def _shear_rows(a: np.ndarray, t: float, fill: int) -> np.ndarray:
    """Shift row y horizontally by round((y - cy) * t) pixels (positive = left): the column shear of the
    transposed image."""
    return np.ascontiguousarray(_shear_columns(a.swapaxes(0, 1), t, fill).swapaxes(0, 1))


def deskew(im: Image.Image, angle: float, fill: int = 255) -> Image.Image:
    """Rotate ``im`` by ``-angle`` degrees (undo a counter-clockwise skew of ``angle``) around its centre.

    Two integer shears (columns, then rows) instead of an interpolated rotation: exact enough below
    ~5 degrees, 20-40x faster than Pillow's bicubic rotation of a 300 dpi page, and pixel values are only
    moved, never mixed (a bilevel scan stays bilevel). Works for ``1``, ``L`` and ``RGB`` images.
    """
    if abs(angle) < 0.05:
        return im
    mode = im.mode
    if mode not in ("L", "RGB"):
        im = im.convert("RGB" if mode not in ("1", "P", "I", "I;16", "F") else "L")
    t = float(np.tan(np.radians(angle)))
    a = np.asarray(im)
    # Text lines run down-right by -t per column when the page is turned counter-clockwise by `angle`
    # (image y grows downwards): lift each column by (x - cx) * t, then undo the horizontal lean.
    a = _shear_columns(a, -t, fill)
    a = _shear_rows(a, t, fill)
    out = Image.fromarray(a)
    return out.convert("1", dither=Image.Dither.NONE) if mode == "1" else out


def rescale(g: Image.Image, dpi: int, target: int) -> tuple[Image.Image, int]:
    """Resample ``g`` from ``dpi`` to ``target`` dpi (no-op within 7 %). Returns (image, new dpi)."""
    if dpi <= 0 or abs(dpi - target) / target < 0.07:
        return g, dpi
    f = target / dpi
    size = (max(1, round(g.width * f)), max(1, round(g.height * f)))
    # Pillow's resize filters are area-aware when shrinking; bilinear is enough there and twice as fast.
    method = Image.Resampling.BICUBIC if f > 1 else Image.Resampling.BILINEAR
    return g.resize(size, method), target


def turn(im: Image.Image, rotate_cw: int) -> Image.Image:
    """Rotate by a multiple of 90 degrees clockwise (lossless)."""
    rotate_cw %= 360
    if rotate_cw == 90:
        return im.transpose(Image.Transpose.ROTATE_270)
    if rotate_cw == 180:
        return im.transpose(Image.Transpose.ROTATE_180)
    if rotate_cw == 270:
        return im.transpose(Image.Transpose.ROTATE_90)
    return im


def ocr_dpi(dpi: int) -> int:
    """The resolution a page scanned at ``dpi`` is OCR'd at (see :data:`OCR_DPI_MAX`)."""
    return max(OCR_DPI_MIN, min(dpi, OCR_DPI_MAX))


def clean(im: Image.Image, dpi: int, target_dpi: int | None = None) -> tuple[Image.Image, int]:
    """Black-and-white image of a page at ``target_dpi`` (default :func:`ocr_dpi`): the input of
    :func:`measure_geometry` and :func:`prepare`. Returns (image, its dpi)."""
    target = target_dpi or ocr_dpi(dpi)
    if im.mode == "1":  # already black and white: only the resolution may change
        if abs(dpi - target) / target < 0.07:
            return im, dpi
        g, dpi = rescale(im.convert("L"), dpi, target)
        return g.point(lambda v: 255 if v >= 128 else 0).convert("1"), dpi
    g, dpi = rescale(ink_gray(im), dpi, target)
    return binarize(g, dpi), dpi


def prepare(g: Image.Image, dpi: int, *, rotate_cw: int = 0, layout: PageGeometry | None = None) -> Prepared:
    """The OCR image of a page from its :func:`clean` image ``g``: turned upright by ``rotate_cw`` and
    deskewed. ``layout`` is :func:`measure_geometry` of ``g`` turned by ``rotate_cw`` (or by a half turn
    less: a half turn keeps the skew), when already known; else it is measured here."""
    g = turn(g, rotate_cw)
    if layout is None:
        layout = measure_geometry(g, dpi)
    return Prepared(image=deskew(g, layout.skew), dpi=dpi, skew=layout.skew)
