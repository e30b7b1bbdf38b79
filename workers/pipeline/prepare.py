"""Page preparation: turn one scanned page image into the image Tesseract reads best.

Pure image functions (Pillow + numpy, no subprocess). Each step was kept only because it lowered the
character error rate on degraded scans (numbers in ``scripts/bench_ocr`` output and the OCR notes):

1. :func:`ink_gray` - grey, with coloured ink (red seals, blue signatures) lifted towards white so a seal
   overlapping the signer's name does not hide it;
2. :func:`flatten_background` - divide by a smooth estimate of the paper brightness: uneven lighting,
   grey paper and edge shadows go, faded ink gets its contrast back;
3. :func:`estimate_skew` + :func:`deskew` - projection-profile skew angle, corrected by two shears;
4. :func:`rescale` - resample to the OCR resolution (Tesseract's models expect ~300 dpi text).

Orientation (90/180/270) needs Tesseract and is decided by :mod:`workers.pipeline.ocr`; :func:`turn`
applies it. Everything works on ``L`` (8-bit grey) images; coordinates are pixels, angles degrees
counter-clockwise, resolutions dots per inch. Costs are a few tens of milliseconds per A4 page.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image, ImageChops

OCR_DPI = 250
"""Resolution Tesseract reads pages at. Measured on the samples (13-14 pt type): 250 dpi is as accurate as
300 dpi (CER 1.9 % vs 2.1 %) and Tesseract needs ~25 % less time; 200 dpi scans gain from upsampling,
300 dpi scans lose nothing by downsampling. Upsampling uses bicubic, downsampling a reducing box filter."""

# Common scanner resolutions, used to snap an inferred resolution.
_STANDARD_DPI = (100, 150, 200, 240, 300, 400, 600)
# Paper long sides, inches: A4, Letter/Legal, A5, A3. A page whose metadata gives a size far from any
# paper is assumed to carry wrong metadata (72 dpi defaults are common).
_PAPER_LONG_IN = (11.69, 11.0, 14.0, 8.27, 16.54)


@dataclass(frozen=True)
class Prepared:
    """The image handed to Tesseract and what was done to get it."""

    image: Image.Image  # mode "L", upright and deskewed, at ``dpi``
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


def flatten_background(g: Image.Image, dpi: int) -> Image.Image:
    """Divide ``g`` by a smooth estimate of the paper's brightness, so paper becomes white everywhere.

    The background is the local maximum of a ~1/12 inch grid of cell means, over ~5/12 inch, smoothed:
    text strokes are thinner than that, so they do not count as background. Removes grey paper, uneven
    lighting and edge shadows, and restores contrast of faded ink.
    """
    w, h = g.size
    cell = max(2, round(dpi / 25))
    sw, sh = max(1, w // cell), max(1, h // cell)
    small = np.asarray(g.resize((sw, sh), Image.Resampling.BOX), dtype=np.float64)
    r = 2
    padded = np.pad(small, r, mode="edge")
    bg = sliding_window_view(padded, (2 * r + 1, 2 * r + 1)).max(axis=(2, 3))
    bg = np.clip(_box_mean(bg, 2), 1.0, 255.0)
    bg_img = Image.fromarray(bg.astype(np.uint8)).resize((w, h), Image.Resampling.BILINEAR)
    a = np.asarray(g, dtype=np.uint16)
    b = np.asarray(bg_img, dtype=np.uint16)
    out = np.minimum((a * 255) // np.maximum(b, 1), 255).astype(np.uint8)
    return Image.fromarray(out)


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
class Layout:
    """What the projection profiles of a page say about its text lines."""

    skew: float  # degrees counter-clockwise (0.0 when undecided)
    sideways: bool  # text lines run vertically: the page is turned by 90 or 270 degrees
    ink: int  # dark pixels sampled (0 for a blank page)


def _ink_points(g: Image.Image, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of dark pixels on a ~100 dpi copy, page margins (5 %) excluded so scanner edge shadows
    do not vote; at most 150,000 of them."""
    w, h = g.size
    mx, my = w // 20, h // 20
    step = max(1, round(dpi / 100))
    crop = g.crop((mx, my, w - mx, h - my))
    small = np.asarray(crop.reduce(step) if step > 1 else crop)
    ys, xs = np.nonzero(small <= min(_otsu(small), 160))
    if len(xs) > 150_000:
        keep = np.random.default_rng(0).choice(len(xs), 150_000, replace=False)
        xs, ys = xs[keep], ys[keep]
    return xs.astype(np.float64), ys.astype(np.float64)


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


def analyze(g: Image.Image, dpi: int, max_angle: float = 5.0) -> Layout:
    """Skew and line direction of a page from projection profiles of its dark pixels.

    Text lines make the row profile sharp at the skew angle. The same points projected on columns show
    whether lines run vertically instead (a page stored sideways): on the samples the row/column
    sharpness ratio is >= 1.8 for every upright page and <= 0.6 for every sideways one.
    """
    xs, ys = _ink_points(g, dpi)
    if len(xs) < 200:
        return Layout(skew=0.0, sideways=False, ink=len(xs))
    skew, rows = _best_angle(xs, ys, max_angle)
    _, cols = _best_angle(ys, xs, max_angle)
    return Layout(skew=skew, sideways=cols > rows, ink=len(xs))


def estimate_skew(g: Image.Image, dpi: int, max_angle: float = 5.0) -> float:
    """Skew of the text lines in degrees, counter-clockwise (0.0 when there is too little text)."""
    xs, ys = _ink_points(g, dpi)
    if len(xs) < 200:
        return 0.0
    return _best_angle(xs, ys, max_angle)[0]


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
    """Shift row y horizontally by round((y - cy) * t) pixels (positive = left)."""
    h, w = a.shape[:2]
    shifts = np.round((np.arange(h) - h / 2) * t).astype(np.int64)
    out = np.full_like(a, fill)
    edges = np.flatnonzero(np.diff(shifts)) + 1
    for y0, y1 in zip(np.r_[0, edges], np.r_[edges, h], strict=True):
        d = int(shifts[y0])
        if abs(d) >= w:
            continue
        if d >= 0:
            out[y0:y1, : w - d] = a[y0:y1, d:]
        else:
            out[y0:y1, -d:] = a[y0:y1, : w + d]
    return out


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


def ocr_dpi(dpi: int, bilevel: bool) -> int:
    """The resolution a page scanned at ``dpi`` is OCR'd at."""
    return OCR_DPI


def clean(im: Image.Image, dpi: int, target_dpi: int = OCR_DPI) -> tuple[Image.Image, int]:
    """Grey image of a page with coloured ink lifted and the background flattened: the input of
    :func:`analyze` and :func:`prepare`. Pages scanned above ``target_dpi`` are shrunk first (less work
    for every later step). Returns (image, its dpi)."""
    bilevel = im.mode == "1"
    g = ink_gray(im)
    if dpi > target_dpi:
        g, dpi = rescale(g, dpi, target_dpi)
    if not bilevel:  # black-and-white scans have no background to flatten
        g = flatten_background(g, dpi)
    return g, dpi


def prepare(
    g: Image.Image,
    dpi: int,
    *,
    rotate_cw: int = 0,
    layout: Layout | None = None,
    target_dpi: int = OCR_DPI,
) -> Prepared:
    """The OCR image of a page from its :func:`clean` image ``g``: turned upright by ``rotate_cw``,
    deskewed, resampled to ``target_dpi``. ``layout`` is :func:`analyze` of ``g`` when already known
    (it is re-run after a quarter turn, which changes what the rows are)."""
    g = turn(g, rotate_cw)
    if layout is None or rotate_cw % 180:
        layout = analyze(g, dpi)
    g = deskew(g, layout.skew)
    g, out_dpi = rescale(g, dpi, target_dpi)
    return Prepared(image=g, dpi=out_dpi, skew=layout.skew)
