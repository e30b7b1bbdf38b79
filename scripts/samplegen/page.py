"""A4 page geometry and the laid-out page: positioned text lines and graphic marks, in PDF points.

Coordinates have their origin at the top-left corner and grow downwards; renderers flip them when they need to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4

from .fonts import FONT, text_width

PAGE_W, PAGE_H = float(A4[0]), float(A4[1])  # 595.28 x 841.89 pt
LM, RM = 85.0, 542.0  # body text left / right edge (30 mm / 15 mm margins)
BODY_W = RM - LM
LC, RC = 165.0, 412.0  # centres of the left / right header and signature columns
LCOL_W, RCOL_W = 205.0, 270.0
TOP, BOTTOM = 62.0, 790.0
BODY_SIZE, BODY_PITCH = 13.0, 17.6
SIG_PITCH = 15.5


@dataclass
class Line:
    """One physical text line: exact text, its role in the document, pen start, baseline and actual size."""

    text: str
    role: str
    x0: float
    baseline: float
    size: float
    style: str

    @property
    def width(self) -> float:
        return text_width(self.text, self.style, self.size)

    def bbox(self) -> list[float]:
        """[x0, top, x1, bottom] in points, from the family's hhea metrics (room for stacked accents)."""
        return [
            round(self.x0, 1),
            round(self.baseline - FONT.ascent * self.size, 1),
            round(self.x0 + self.width, 1),
            round(self.baseline + FONT.descent * self.size, 1),
        ]


@dataclass
class Mark:
    """A non-text mark; renderers draw ``rule`` as a line, ``seal`` as a red stamp, ``signature`` as a scribble."""

    kind: str  # "rule" | "seal" | "signature"
    x: float
    y: float
    w: float = 0.0
    h: float = 0.0


@dataclass
class PageLayout:
    """Everything placed on one page."""

    lines: list[Line] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)

    def rows(self) -> list[list[Line]]:
        """Lines grouped by shared baseline, top to bottom, each row left to right."""
        by: dict[float, list[Line]] = {}
        for ln in self.lines:
            by.setdefault(round(ln.baseline, 2), []).append(ln)
        return [sorted(by[b], key=lambda ln: ln.x0) for b in sorted(by)]

    def text(self) -> str:
        """Canonical page text: one line per row, lines sharing a baseline joined by a single space."""
        return "\n".join(" ".join(ln.text for ln in row) for row in self.rows())
