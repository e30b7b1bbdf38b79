"""Clean page images: a laid-out page drawn at a resolution, before any scan degradation."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from .fonts import glyph
from .marks import INK, SEAL_RED, SIG_BLUE, draw_seal, signature_strokes
from .page import PAGE_H, PAGE_W, PageLayout


def render_page(page: PageLayout, dpi: int, rng: np.random.Generator) -> Image.Image:
    """RGB image of the page at ``dpi``; signatures and seals draw from ``rng`` in mark order."""
    s = dpi / 72.0
    size = (round(PAGE_W * s), round(PAGE_H * s))
    cov = Image.new("L", size, 0)  # ink coverage of text and rules
    for ln in page.lines:
        x, y = ln.x0 * s, round(ln.baseline * s)
        for ch in ln.text:
            img, left, top, adv = glyph(ln.style, ln.size * s, ch)
            if img is not None:
                cov.paste(255, (round(x) + left, y + top), img)
            x += adv
    d = ImageDraw.Draw(cov)
    for m in page.marks:
        if m.kind == "rule":
            d.line([(m.x * s, m.y * s), ((m.x + m.w) * s, m.y * s)], fill=255, width=max(1, round(0.7 * s)))
    im = Image.new("RGB", size, (255, 255, 255))
    im.paste(INK, (0, 0), cov)
    for m in page.marks:
        if m.kind == "signature":
            pad = 6
            x0, y0 = int((m.x - pad) * s), int((m.y - pad) * s)
            box = (int((m.w + 2 * pad) * s), int((m.h + 2 * pad) * s))
            mask = Image.new("L", box, 0)
            md = ImageDraw.Draw(mask)
            for stroke in signature_strokes(rng, m.x, m.y, m.w, m.h):
                pts = [(px * s - x0, py * s - y0) for px, py in stroke]
                md.line(pts, fill=235, width=max(2, round(1.1 * s)), joint="curve")
            im.paste(SIG_BLUE, (x0, y0), mask)
        elif m.kind == "seal":
            diam = round(2 * m.w * s)
            seal = draw_seal(diam, rng)
            alpha = float(rng.uniform(0.55, 0.75))
            seal = seal.point(lambda v, a=alpha: round(v * a))
            im.paste(SEAL_RED, (round((m.x - m.w) * s), round((m.y - m.w) * s)), seal)
    return im
