"""Ink colours and the shapes of hand-made marks (seal, signature) shared by the image and the PDF renderers."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

INK = (24, 24, 30)
SEAL_RED = (214, 32, 44)
SIG_BLUE = (28, 38, 120)


def draw_seal(size_px: int, rng: np.random.Generator) -> Image.Image:
    """Round red seal as an L mask (255 = full ink): two rings, text-like marks around, a star in the middle."""
    im = Image.new("L", (size_px, size_px), 0)
    d = ImageDraw.Draw(im)
    c = size_px / 2
    r = size_px / 2 - 2
    d.ellipse((c - r, c - r, c + r, c + r), outline=255, width=max(2, int(r * 0.06)))
    ri = r * 0.68
    d.ellipse((c - ri, c - ri, c + ri, c + ri), outline=255, width=max(1, int(r * 0.025)))
    rm = r * 0.84
    n = 30
    for k in range(n):
        a = math.pi * (0.75 + 1.5 * k / (n - 1))  # leave a gap at the bottom
        tx, ty = -math.sin(a), math.cos(a)  # tangent
        nx, ny = math.cos(a), math.sin(a)  # normal
        x, y = c + rm * nx, c + rm * ny
        h = r * 0.09
        for _ in range(int(rng.integers(2, 4))):
            o1, o2 = rng.uniform(-1, 1, 2) * h
            p1 = (x + tx * o1 * 0.6 + nx * h, y + ty * o1 * 0.6 + ny * h)
            p2 = (x + tx * o2 * 0.6 - nx * h, y + ty * o2 * 0.6 - ny * h)
            d.line([p1, p2], fill=255, width=max(1, int(r * 0.03)))
    # star
    pts = []
    for k in range(10):
        rad = r * (0.22 if k % 2 == 0 else 0.09)
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((c + rad * math.cos(a), c - r * 0.18 + rad * math.sin(a)))
    d.polygon(pts, fill=255)
    # a centre "text" band
    for row in range(2):
        y0 = c + r * (0.12 + 0.2 * row)
        x = c - r * 0.48
        while x < c + r * 0.48:
            w = r * float(rng.uniform(0.05, 0.1))
            d.rectangle((x, y0, x + w, y0 + r * 0.1), outline=255, width=max(1, int(r * 0.025)))
            x += w + r * 0.04
    # uneven ink: real seals print patchily
    arr = np.asarray(im, dtype=np.float32)
    blot = rng.uniform(0.55, 1.0, (8, 8)).astype(np.float32)
    blot_im = Image.fromarray((blot * 255).astype(np.uint8)).resize((size_px, size_px), Image.Resampling.BILINEAR)
    arr = arr * (np.asarray(blot_im, dtype=np.float32) / 255.0)
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


def signature_strokes(
    rng: np.random.Generator, x: float, y: float, w: float, h: float
) -> list[list[tuple[float, float]]]:
    """Random cubic Bézier scribble inside a box (points in the box's units)."""
    strokes: list[list[tuple[float, float]]] = []
    n = int(rng.integers(2, 4))
    px, py = x + w * 0.1, y + h * float(rng.uniform(0.3, 0.8))
    for _ in range(n):
        ctrl = [(px, py)]
        for _k in range(3):
            ctrl.append((x + w * float(rng.uniform(0.05, 0.95)), y + h * float(rng.uniform(0.0, 1.0))))
        pts = []
        for i in range(41):
            t = i / 40
            a, b, c_, d_ = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
            pts.append(
                (
                    a * ctrl[0][0] + b * ctrl[1][0] + c_ * ctrl[2][0] + d_ * ctrl[3][0],
                    a * ctrl[0][1] + b * ctrl[1][1] + c_ * ctrl[2][1] + d_ * ctrl[3][1],
                )
            )
        strokes.append(pts)
        px, py = pts[-1]
    # a final underline flourish
    y1 = y + h * float(rng.uniform(0.75, 0.95))
    strokes.append([(x + w * 0.05, y1), (x + w * 0.55, y1 - h * 0.1), (x + w * 0.95, y1 - h * 0.2)])
    return strokes
