"""Serif font discovery, registration and measurement shared by the PDF and the image renderers.

One font family serves both renderers so that a line measured for layout has the same width whether it is drawn
by reportlab into a PDF or by Pillow into a page image.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

STYLE_FILES = (("R", "Regular"), ("B", "Bold"), ("I", "Italic"), ("BI", "BoldItalic"))

# Serif font families in order of preference: (family, directory, file per style, size scale).
# Debian's fonts-liberation (1.07) has no Vietnamese glyphs (no Ộ, Ở, Ư ...); fonts-liberation2 (2.x) has them.
# Noto Serif (fonts-noto-core) is wider than Times-metric fonts, hence the size scale.
FONT_CANDIDATES: list[tuple[str, Path, dict[str, str], float]] = [
    (
        "liberation",
        Path("/usr/share/fonts/truetype/liberation2"),
        {s: f"LiberationSerif-{n}.ttf" for s, n in STYLE_FILES},
        1.0,
    ),
    (
        "liberation",
        Path("/usr/share/fonts/truetype/liberation"),
        {s: f"LiberationSerif-{n}.ttf" for s, n in STYLE_FILES},
        1.0,
    ),
    (
        "noto_serif",
        Path("/usr/share/fonts/truetype/noto"),
        {s: f"NotoSerif-{n}.ttf" for s, n in STYLE_FILES},
        0.92,
    ),
]
FAMILIES = list(dict.fromkeys(c[0] for c in FONT_CANDIDATES))
VIET_PROBE = "ẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸĐƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơư"
# reportlab font names per style; the PDF text layer refers to these names
RL_NAMES = {"R": "SampleSerif", "B": "SampleSerif-Bold", "I": "SampleSerif-Italic", "BI": "SampleSerif-BoldItalic"}


@dataclass
class FontSet:
    """The family in use: its files per style, the size scale against Times metrics, and hhea ascent/descent."""

    family: str = ""
    files: dict[str, Path] = field(default_factory=dict)
    scale: float = 1.0
    ascent: float = 0.891
    descent: float = 0.216


# Process-wide: reportlab's font registry is global too, so one family per process.
FONT = FontSet()


def nfc(text: str) -> str:
    """NFC form: the ground truth and every rendered line use precomposed Vietnamese letters."""
    return unicodedata.normalize("NFC", text)


def check_fonts(family_wanted: str = "auto") -> None:
    """Pick the first serif family that is installed and has Vietnamese glyphs; register it with reportlab.

    Idempotent for the family already chosen; raises RuntimeError when asked for a different one afterwards and
    exits the process with an installation hint when no candidate qualifies.
    """
    if FONT.family:
        if family_wanted not in ("auto", FONT.family):
            raise RuntimeError(f"font family already set to {FONT.family}")
        return
    tried: list[str] = []
    for family, folder, files, scale in FONT_CANDIDATES:
        if family_wanted not in ("auto", family):
            continue
        paths = {st: folder / f for st, f in files.items()}
        if not all(p.is_file() for p in paths.values()):
            tried.append(f"{folder}: not installed")
            continue
        faces = {st: TTFont(RL_NAMES[st], str(p)) for st, p in paths.items()}
        if not all(all(ord(ch) in f.face.charToGlyph for ch in VIET_PROBE) for f in faces.values()):
            tried.append(f"{folder}: no Vietnamese glyphs")
            continue
        for f in faces.values():
            pdfmetrics.registerFont(f)
        FONT.family, FONT.files, FONT.scale = family, paths, scale
        asc, desc = ImageFont.truetype(str(paths["R"]), size=1000).getmetrics()  # hhea, covers stacked accents
        FONT.ascent, FONT.descent = asc / 1000.0, desc / 1000.0
        return
    sys.exit(
        "make_samples: no serif font with Vietnamese glyphs found ("
        + "; ".join(tried)
        + ").\nInstall Liberation Serif 2.x (apt-get install fonts-liberation2) or Noto Serif (fonts-noto-core)."
    )


def check_coverage(texts: Sequence[str]) -> None:
    """Exit with the missing characters when any style of the chosen family cannot draw all of ``texts``."""
    for style in RL_NAMES:
        cmap = pdfmetrics.getFont(RL_NAMES[style]).face.charToGlyph
        missing = sorted({ch for t in texts for ch in t if not ch.isspace() and ord(ch) not in cmap})
        if missing:
            sys.exit(f"make_samples: font {FONT.files[style]} lacks glyphs for {''.join(missing)!r}")


def text_width(text: str, style: str, size: float) -> float:
    """Width in points of text at the actual (already scaled) size."""
    return float(pdfmetrics.stringWidth(text, RL_NAMES[style], size))


def fs(nominal: float) -> float:
    """Actual font size for a nominal (Times-metric) size."""
    return round(nominal * FONT.scale, 2)


_PIL_FONTS: dict[tuple[str, float], ImageFont.FreeTypeFont] = {}


def pil_font(style: str, px: float) -> ImageFont.FreeTypeFont:
    """Pillow font of the chosen family at ``px`` pixels, cached per (style, size rounded to 0.01 px)."""
    key = (style, round(px, 2))
    if key not in _PIL_FONTS:
        # NFC Vietnamese needs no shaping: the basic layout engine is much faster than raqm
        _PIL_FONTS[key] = ImageFont.truetype(str(FONT.files[style]), size=key[1], layout_engine=ImageFont.Layout.BASIC)
    return _PIL_FONTS[key]


_GLYPHS: dict[tuple[str, float, str], tuple[Image.Image | None, int, int, float]] = {}


def glyph(style: str, px: float, ch: str) -> tuple[Image.Image | None, int, int, float]:
    """Cached glyph bitmap (L mask), its offset from the pen position on the baseline, and its advance in px.

    Pillow renders (and hints) every glyph of every line from scratch, which is very slow with hinted fonts such
    as Noto Serif; caching glyphs makes page rendering ~20x faster. Advances come from the same unhinted metrics
    reportlab uses, so the layout (centring, wrapping) is identical in images and in PDFs.
    """
    key = (style, round(px, 2), ch)
    g = _GLYPHS.get(key)
    if g is None:
        font = pil_font(style, px)
        adv = text_width(ch, style, key[1])
        left, top, right, bottom = (int(v) for v in font.getbbox(ch, anchor="ls"))
        img: Image.Image | None = None
        if right > left and bottom > top:
            img = Image.new("L", (right - left, bottom - top), 0)
            ImageDraw.Draw(img).text((-left, -top), ch, fill=255, font=font, anchor="ls")
        g = (img, left, top, adv)
        _GLYPHS[key] = g
    return g
