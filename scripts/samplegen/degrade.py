"""Scan simulation: per-level degradation parameters and the degradation of a clean page image.

Levels run from L0_clean (near-perfect flatbed scan) to L3_heavy (skewed, dim, noisy, speckled, low JPEG quality).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageFilter

LEVELS = ("L0_clean", "L1_light", "L2_medium", "L3_heavy", "L3_severe")


@dataclass
class ScanParams:
    """How one scanned page is degraded; ``rotation`` is how far (degrees, clockwise) the output image is turned."""

    level: str
    dpi: int
    mode: str
    skew: float
    noise: float
    blur: float
    jpeg_q: int | None
    lighting: float
    fade: float
    speckles: float
    background: int
    edge_shadow: bool
    rotation: int

    def as_gt(self) -> dict[str, Any]:
        """The parameters as ground truth reports them (rounded; rotation and mode are reported elsewhere)."""
        return {
            "skew_deg": round(self.skew, 3),
            "noise_sigma": round(self.noise, 2),
            "blur_sigma_px": round(self.blur, 3),
            "jpeg_quality": self.jpeg_q,
            "lighting": round(self.lighting, 3),
            "ink_fade": round(self.fade, 3),
            "speckles_per_mpx": round(self.speckles, 1),
            "background": self.background,
            "edge_shadow": self.edge_shadow,
        }


# per level: |skew| deg, noise sigma, blur sigma px (at 300 dpi), JPEG quality, lighting, ink fade,
# speckles per Mpx, paper grey level, probability of an edge shadow
LEVEL_RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "L0_clean": {
        "skew": (0.0, 0.3),
        "noise": (0.5, 2.0),
        "blur": (0.0, 0.3),
        "q": (84, 92),
        "light": (0.0, 0.01),
        "fade": (0.0, 0.0),
        "speck": (0.0, 0.0),
        "bg": (255, 255),
        "shadow": (0.0, 0.0),
    },
    "L1_light": {
        "skew": (0.5, 1.0),
        "noise": (1.5, 3.0),
        "blur": (0.4, 0.6),
        "q": (75, 88),
        "light": (0.02, 0.06),
        "fade": (0.0, 0.05),
        "speck": (2.0, 2.0),
        "bg": (246, 252),
        "shadow": (0.0, 0.0),
    },
    "L2_medium": {
        "skew": (1.0, 2.0),
        "noise": (3.0, 6.0),
        "blur": (0.6, 0.9),
        "q": (60, 75),
        "light": (0.10, 0.20),
        "fade": (0.1, 0.25),
        "speck": (8.0, 8.0),
        "bg": (234, 244),
        "shadow": (0.5, 0.5),
    },
    "L3_heavy": {
        "skew": (2.0, 3.0),
        "noise": (6.0, 10.0),
        "blur": (0.9, 1.3),
        "q": (35, 55),
        "light": (0.15, 0.25),
        "fade": (0.2, 0.35),
        "speck": (60.0, 60.0),
        "bg": (205, 222),
        "shadow": (1.0, 1.0),
    },
    # heavier than L3_heavy (held-out splits only): darker paper, more speckle, stronger blur, lower quality
    "L3_severe": {
        "skew": (2.5, 3.5),
        "noise": (9.0, 12.0),
        "blur": (1.2, 1.5),
        "q": (28, 42),
        "light": (0.2, 0.3),
        "fade": (0.3, 0.42),
        "speck": (110.0, 110.0),
        "bg": (196, 212),
        "shadow": (1.0, 1.0),
    },
}


def scan_params(rng: np.random.Generator, level: str, dpi: int, mode: str, fmt: str, rotation: int) -> ScanParams:
    """Parameters drawn within the level's ranges, in a fixed order; JPEG quality only for lossy formats."""
    r = LEVEL_RANGES[level]

    def u(key: str) -> float:
        lo, hi = r[key]
        return float(rng.uniform(lo, hi)) if hi > lo else float(lo)

    def i(key: str) -> int:
        lo, hi = r[key]
        return int(rng.integers(int(lo), int(hi) + 1))

    skew = u("skew")
    if level == "L0_clean":
        skew = float(rng.uniform(-0.3, 0.3))
    elif rng.random() < 0.5:
        skew = -skew
    noise, blur, q = u("noise"), u("blur"), i("q")
    light, fade, speck, bg = u("light"), u("fade"), u("speck"), i("bg")
    shadow = bool(rng.random() < r["shadow"][0])
    jpeg_q = q if fmt in ("jpeg", "pdf") else None
    return ScanParams(level, dpi, mode, skew, noise, blur, jpeg_q, light, fade, speck, bg, shadow, rotation)


def gauss_kernel(sigma: float) -> ImageFilter.Kernel:
    """3x3 / 5x5 Gaussian kernel (PIL's GaussianBlur is slow on full pages)."""
    n = 3 if sigma < 0.7 else 5
    r = n // 2
    g = [math.exp(-(i * i) / (2 * sigma * sigma)) for i in range(-r, r + 1)]
    k = [a * b for a in g for b in g]
    total = sum(k)
    return ImageFilter.Kernel((n, n), [v / total for v in k], scale=1.0)


def degrade(im: Image.Image, p: ScanParams, rng: np.random.Generator) -> Image.Image:
    """Scan simulation: faded ink on paper, skew, blur, uneven light, edge shadow, noise, speckle, mode, rotation."""
    colour = p.mode == "RGB"
    src = im if colour else im.convert("L")
    bg = float(p.background)
    tint = [bg, bg - 3, bg - 9] if colour else [bg]
    # ink darkness -> faded ink on (possibly grey) paper, as a lookup table per band
    lut: list[int] = []
    for t in tint:
        lut += [round(t * (1.0 - (255 - v) / 255.0 * (1.0 - p.fade))) for v in range(256)]
    out = src.point(lut)
    fill: Any = tuple(round(t) for t in tint) if colour else round(bg)
    out = out.rotate(p.skew, resample=Image.Resampling.BILINEAR, fillcolor=fill)
    blur = p.blur * p.dpi / 300.0
    if blur > 0.05:
        out = out.filter(gauss_kernel(blur))
    arr = np.asarray(out, dtype=np.float32)
    h, w = arr.shape[:2]
    # uneven lighting: linear ramp in a random direction (+ optional shadow at the left edge)
    ang = float(rng.uniform(0, 2 * math.pi))
    gy = (np.linspace(-0.5, 0.5, h, dtype=np.float32) * np.float32(math.sin(ang)))[:, None]
    gx = (np.linspace(-0.5, 0.5, w, dtype=np.float32) * np.float32(math.cos(ang)))[None, :]
    light = np.float32(1.0 - p.lighting * 0.5) - np.float32(p.lighting) * (gx + gy)
    if p.edge_shadow:
        band = max(8, int(w * 0.025))
        edge = np.ones(w, dtype=np.float32)
        edge[:band] = 0.55 + 0.45 * np.linspace(0, 1, band, dtype=np.float32) ** 0.5
        light = light * edge[None, :]
    if colour:
        light = light[..., None]
    arr *= light
    if p.noise > 0:
        # a random 512x512 tile of Gaussian noise, repeated with a random offset (cheap, no visible pattern)
        tile = rng.standard_normal((512, 512), dtype=np.float32) * np.float32(p.noise)
        oy, ox = (int(v) for v in rng.integers(0, 512, 2))
        noise = np.tile(tile, (h // 512 + 2, w // 512 + 2))[oy : oy + h, ox : ox + w]
        arr += noise[..., None] if colour else noise
    n_speck = int(p.speckles * w * h / 1e6)
    if n_speck:
        ys = rng.integers(0, h - 2, n_speck)
        xs = rng.integers(0, w - 2, n_speck)
        val = rng.uniform(20, 110, n_speck).astype(np.float32)
        for dy, dx in ((0, 0), (0, 1), (1, 0), (1, 1)):
            keep = rng.random(n_speck) < 0.7 if (dy or dx) else np.ones(n_speck, dtype=bool)
            if colour:
                arr[ys[keep] + dy, xs[keep] + dx, :] = val[keep, None]
            else:
                arr[ys[keep] + dy, xs[keep] + dx] = val[keep]
    np.clip(arr, 0, 255, out=arr)
    arr8 = (arr + 0.5).astype(np.uint8)
    if p.mode == "1":
        res = Image.fromarray(arr8 >= 150)
    elif p.mode == "L16":
        res = Image.fromarray((((arr8.astype(np.uint16) + 8) // 17) * 17).astype(np.uint8), "L")
    else:
        res = Image.fromarray(arr8, "RGB" if colour else "L")
    if p.rotation == 90:
        res = res.transpose(Image.Transpose.ROTATE_270)
    elif p.rotation == 180:
        res = res.transpose(Image.Transpose.ROTATE_180)
    elif p.rotation == 270:
        res = res.transpose(Image.Transpose.ROTATE_90)
    return res
