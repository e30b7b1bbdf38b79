"""Born-digital pages: a laid-out page drawn as real PDF text with reportlab, so it has a text layer."""

from __future__ import annotations

import math

import numpy as np
from reportlab.pdfgen import canvas as rl_canvas

from .fonts import RL_NAMES
from .marks import SEAL_RED, SIG_BLUE, signature_strokes
from .page import PAGE_H, PageLayout


def draw_digital_page(c: rl_canvas.Canvas, page: PageLayout, rng: np.random.Generator) -> None:
    """Draw one page on the canvas (the caller ends the page); the signature scribble draws from ``rng``."""
    for ln in page.lines:
        c.setFont(RL_NAMES[ln.style], ln.size)
        c.setFillColorRGB(0, 0, 0)
        c.drawString(ln.x0, PAGE_H - ln.baseline, ln.text)
    for m in page.marks:
        if m.kind == "rule":
            c.setLineWidth(0.6)
            c.setStrokeColorRGB(0, 0, 0)
            c.line(m.x, PAGE_H - m.y, m.x + m.w, PAGE_H - m.y)
        elif m.kind == "signature":
            c.setStrokeColorRGB(SIG_BLUE[0] / 255, SIG_BLUE[1] / 255, SIG_BLUE[2] / 255)
            c.setLineWidth(1.1)
            for stroke in signature_strokes(rng, m.x, m.y, m.w, m.h):
                path = c.beginPath()
                path.moveTo(stroke[0][0], PAGE_H - stroke[0][1])
                for px, py in stroke[1:]:
                    path.lineTo(px, PAGE_H - py)
                c.drawPath(path, stroke=1, fill=0)
        elif m.kind == "seal":
            # a vector sketch of the seal: rings and radial ticks, no raster
            c.saveState()
            c.setStrokeColorRGB(SEAL_RED[0] / 255, SEAL_RED[1] / 255, SEAL_RED[2] / 255, alpha=0.7)
            c.setLineWidth(2.8)
            c.circle(m.x, PAGE_H - m.y, m.w - 1.5, stroke=1, fill=0)
            c.setLineWidth(1.2)
            c.circle(m.x, PAGE_H - m.y, m.w * 0.68, stroke=1, fill=0)
            c.setLineWidth(1.3)
            for k in range(30):
                a = math.pi * (0.75 + 1.5 * k / 29)
                r0, r1 = m.w * 0.76, m.w * 0.92
                c.line(
                    m.x + r0 * math.cos(a),
                    PAGE_H - (m.y + r0 * math.sin(a)),
                    m.x + r1 * math.cos(a + 0.03),
                    PAGE_H - (m.y + r1 * math.sin(a + 0.03)),
                )
            c.restoreState()
