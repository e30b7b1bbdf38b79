#!/usr/bin/env python3
"""Generate a small, deterministic set of synthetic scanned Vietnamese administrative documents.

Usage::

    python scripts/make_samples.py OUT_DIR [--seed N]

Writes ``OUT_DIR/files/doc_NNNN.{png,jpg,tif,pdf}``, ``OUT_DIR/gt/doc_NNNN.{json,txt}``,
``OUT_DIR/gt/coverage.json``, ``OUT_DIR/valid_results_register.csv`` and, last of all,
``OUT_DIR/manifest.csv`` (its presence means "generation complete").

Everything is fictional (province "Bắc Sơn", people, companies, numbers, the dossier agency code
``000.99.21.H99``); the laws and decrees cited are real instruments of each field. Pages are laid out in
PDF points on A4 (Nghị định 30/2020/NĐ-CP style), rendered with Liberation Serif either into page images
(then degraded like a scan) or into a born-digital PDF with reportlab. Every physical text line is
recorded, so the ground truth text is exact. Same seed -> byte-identical output.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

# --------------------------------------------------------------------------------------------------------------
# constants

# Serif font families in order of preference: (family, directory, file per style, size scale).
# Debian's fonts-liberation (1.07) has no Vietnamese glyphs (no Ộ, Ở, Ư ...); fonts-liberation2 (2.x) has them.
# Noto Serif (fonts-noto-core) is wider than Times-metric fonts, hence the size scale.
FONT_CANDIDATES: list[tuple[str, Path, dict[str, str], float]] = [
    (
        "liberation",
        Path("/usr/share/fonts/truetype/liberation2"),
        {
            s: f"LiberationSerif-{n}.ttf"
            for s, n in (("R", "Regular"), ("B", "Bold"), ("I", "Italic"), ("BI", "BoldItalic"))
        },
        1.0,
    ),
    (
        "liberation",
        Path("/usr/share/fonts/truetype/liberation"),
        {
            s: f"LiberationSerif-{n}.ttf"
            for s, n in (("R", "Regular"), ("B", "Bold"), ("I", "Italic"), ("BI", "BoldItalic"))
        },
        1.0,
    ),
    (
        "noto_serif",
        Path("/usr/share/fonts/truetype/noto"),
        {s: f"NotoSerif-{n}.ttf" for s, n in (("R", "Regular"), ("B", "Bold"), ("I", "Italic"), ("BI", "BoldItalic"))},
        0.92,
    ),
]
VIET_PROBE = "ẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸĐƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơư"
RL_NAMES = {"R": "SampleSerif", "B": "SampleSerif-Bold", "I": "SampleSerif-Italic", "BI": "SampleSerif-BoldItalic"}


@dataclass
class FontSet:
    family: str = ""
    files: dict[str, Path] = field(default_factory=dict)
    scale: float = 1.0
    ascent: float = 0.891
    descent: float = 0.216


FONT = FontSet()

PAGE_W, PAGE_H = float(A4[0]), float(A4[1])  # 595.28 x 841.89 pt
LM, RM = 85.0, 542.0  # body text left / right edge (30 mm / 15 mm margins)
BODY_W = RM - LM
LC, RC = 165.0, 412.0  # centres of the left / right header and signature columns
LCOL_W, RCOL_W = 205.0, 270.0
TOP, BOTTOM = 62.0, 790.0
BODY_SIZE, BODY_PITCH = 13.0, 17.6
SIG_PITCH = 15.5

PROVINCE = "Bắc Sơn"
PROVINCE_UP = "BẮC SƠN"
SO_CT = f"Sở Công Thương tỉnh {PROVINCE}"
SO_CT_ALIASES = ["SỞ CÔNG THƯƠNG", f"Sở Công Thương {PROVINCE}", f"SỞ CÔNG THƯƠNG TỈNH {PROVINCE_UP}"]
UBND_TINH = f"UBND tỉnh {PROVINCE}"
AGENCY_CODE = "000.99.21.H99"  # fictional one-stop-shop agency code

INK = (24, 24, 30)
SEAL_RED = (214, 32, 44)
SIG_BLUE = (28, 38, 120)
AS_OF = ("2024-09-24", "2025-01-01")
FIXED_TIME = time.struct_time((2024, 9, 24, 8, 0, 0, 1, 268, 0))

LEVELS = ("L0_clean", "L1_light", "L2_medium", "L3_heavy")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------------------------------------------
# fonts


def check_fonts(family_wanted: str = "auto") -> None:
    """Pick the first serif family that is installed and has Vietnamese glyphs; register it with reportlab."""
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


def wrap(text: str, style: str, nominal: float, width: float, first_indent: float = 0.0) -> list[str]:
    """Greedy word wrap at a nominal size; returns the exact line texts."""
    size = fs(nominal)
    words = nfc(text).split()
    lines: list[str] = []
    cur = ""
    avail = width - first_indent
    for w in words:
        cand = f"{cur} {w}" if cur else w
        if cur and text_width(cand, style, size) > avail:
            lines.append(cur)
            cur = w
            avail = width
        else:
            cur = cand
    if cur:
        lines.append(cur)
    return lines


def balanced_wrap(text: str, style: str, nominal: float, width: float) -> list[str]:
    """Wrap centred text into as few lines as plain wrapping, but with balanced line lengths."""
    lines = wrap(text, style, nominal, width)
    if len(lines) < 2:
        return lines
    total = text_width(nfc(text), style, fs(nominal))
    w = total / len(lines)
    while w < width:
        cand = wrap(text, style, nominal, w)
        if len(cand) == len(lines):
            return cand
        w += 4.0
    return lines


# --------------------------------------------------------------------------------------------------------------
# layout model


@dataclass
class Line:
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
        return [
            round(self.x0, 1),
            round(self.baseline - FONT.ascent * self.size, 1),
            round(self.x0 + self.width, 1),
            round(self.baseline + FONT.descent * self.size, 1),
        ]


@dataclass
class Mark:
    kind: str  # "rule" | "seal" | "signature"
    x: float
    y: float
    w: float = 0.0
    h: float = 0.0


@dataclass
class PageLayout:
    lines: list[Line] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)

    def rows(self) -> list[list[Line]]:
        by: dict[float, list[Line]] = {}
        for ln in self.lines:
            by.setdefault(round(ln.baseline, 2), []).append(ln)
        return [sorted(by[b], key=lambda ln: ln.x0) for b in sorted(by)]

    def text(self) -> str:
        return "\n".join(" ".join(ln.text for ln in row) for row in self.rows())


@dataclass
class Para:
    text: str
    style: str = "R"
    indent: float = 30.0
    align: str = "left"  # left | center
    size: float = BODY_SIZE
    before: float = 3.0
    role: str = "body"
    page_break: bool = False


@dataclass
class Signer:
    titles: list[str]
    name: str
    note: str | None = None
    seal: bool = True
    signature: bool = True


@dataclass
class DocSpec:
    # layout
    header_left: list[tuple[str, str]]
    place_date: str
    so_line: str | None
    vv_lines: list[str]
    titles: list[str]
    subtitle: list[str]
    kinh_gui: str | None
    body: list[Para]
    noi_nhan: list[str]
    signer: Signer
    left_signer: Signer | None = None
    # metadata
    doc_type: str = ""
    doc_subtype: str = ""
    field_code: str = ""
    so_ky_hieu: str | None = None
    ngay_ban_hanh: str = ""
    co_quan: str = ""
    co_quan_aliases: list[str] = field(default_factory=list)
    trich_yeu: str = ""
    hieu_luc_den: str | None = None
    ma_ho_so: str | None = None
    chu_the: str | None = None
    tthc: dict[str, Any] | None = None


class Composer:
    """Flows a DocSpec onto A4 pages (points, origin top-left)."""

    def __init__(self) -> None:
        self.pages: list[PageLayout] = [PageLayout()]
        self.y = TOP

    @property
    def page(self) -> PageLayout:
        return self.pages[-1]

    def add(self, text: str, role: str, x0: float, baseline: float, size: float, style: str) -> Line:
        """Place a line; size is nominal (scaled by the font family's factor)."""
        ln = Line(nfc(text), role, round(x0, 2), round(baseline, 2), fs(size), style)
        self.page.lines.append(ln)
        return ln

    def centered(self, text: str, cx: float, baseline: float, size: float, style: str, role: str) -> Line:
        return self.add(text, role, cx - text_width(nfc(text), style, fs(size)) / 2, baseline, size, style)

    def new_page(self) -> None:
        self.pages.append(PageLayout())
        self.centered(str(len(self.pages)), PAGE_W / 2, 44.0, 13.0, "R", "page_number")
        self.y = TOP

    def ensure(self, height: float) -> None:
        if self.y + height > BOTTOM:
            self.new_page()

    def rule(self, x0: float, x1: float, y: float) -> None:
        self.page.marks.append(Mark("rule", x0, y, x1 - x0, 0.6))

    # -- blocks --------------------------------------------------------------------------------------------
    def header(self, spec: DocSpec) -> None:
        left: list[tuple[str, str]] = []
        for text, style in spec.header_left:
            left += [(t, style) for t in balanced_wrap(text, style, 12.5, LCOL_W)]
        right = [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 12.5), ("Độc lập - Tự do - Hạnh phúc", "B", 13.0)]
        b0 = TOP + 6
        last_left: Line | None = None
        for i in range(max(len(left), len(right))):
            b = b0 + i * 15.0
            if i < len(left):
                last_left = self.centered(left[i][0], LC, b, 12.5, left[i][1], "header_left")
            if i < len(right):
                ln = self.centered(right[i][0], RC, b, right[i][2], right[i][1], "header_right")
                if i == 1:
                    self.rule(ln.x0, ln.x0 + ln.width, b + 3.5)
        if last_left is not None:
            w = min(last_left.width, 90.0) / 2
            self.rule(LC - w, LC + w, last_left.baseline + 3.5)
        b = b0 + max(len(left), len(right)) * 15.0 + 12
        if spec.so_line:
            self.centered(spec.so_line, LC, b, 13.0, "R", "so_ky_hieu")
        self.centered(spec.place_date, RC, b, 13.0, "I", "place_date")
        for t in spec.vv_lines:
            b += 14.5
            self.centered(t, LC, b, 12.0, "R", "trich_yeu")
        self.y = b + 16

    def titles(self, spec: DocSpec) -> None:
        cx = (LM + RM) / 2
        for t in spec.titles:
            self.y += 17.0
            self.centered(t, cx, self.y, 14.0, "B", "title")
        sub: list[str] = []
        for t in spec.subtitle:
            sub += balanced_wrap(t, "B", 14.0, BODY_W - 40)
        for t in sub:
            self.y += 17.0
            self.centered(t, cx, self.y, 14.0, "B", "title")
        if spec.titles or sub:
            self.rule(cx - 45, cx + 45, self.y + 9)
            self.y += 12
        if spec.kinh_gui:
            self.y += 10
            for t in wrap(spec.kinh_gui, "R", 13.0, BODY_W - 60):
                self.y += BODY_PITCH
                self.centered(t, cx, self.y, 13.0, "R", "kinh_gui")
        self.y += 4

    def para(self, p: Para) -> None:
        if p.page_break:
            self.new_page()
        self.y += p.before
        width = BODY_W
        lines = wrap(p.text, p.style, p.size, width, p.indent if p.align == "left" else 0.0)
        pitch = p.size * 1.36
        for i, t in enumerate(lines):
            self.ensure(pitch)
            self.y += pitch
            if p.align == "center":
                self.centered(t, (LM + RM) / 2, self.y, p.size, p.style, p.role)
            else:
                x = LM + (p.indent if i == 0 else 0.0)
                self.add(t, p.role, x, self.y, p.size, p.style)

    def signoff(self, spec: DocSpec) -> None:
        sg = spec.signer
        right = [(t, "B", 13.0) for t in sg.titles]
        if sg.note:
            right.append((sg.note, "I", 12.0))
        left: list[tuple[str, str, float]] = []
        ls = spec.left_signer
        if ls is not None:
            left = [(t, "B", 13.0) for t in ls.titles]
            if ls.note:
                left.append((ls.note, "I", 12.0))
        elif spec.noi_nhan:
            left = [("Nơi nhận:", "BI", 12.0)] + [(t, "R", 11.0) for t in spec.noi_nhan]
        n_gap = 5
        name_row = max(len(right), len(left) if ls is not None else 0) + n_gap
        rows = max(name_row + 1, len(left))
        self.y += 20
        self.ensure(rows * SIG_PITCH + 6)
        b0 = self.y + 4
        for i, (t, st, sz) in enumerate(left):
            if ls is not None:
                self.centered(t, LC, b0 + i * SIG_PITCH, sz, st, "signer")
            else:
                self.add(t, "noi_nhan", LM - 15, b0 + i * SIG_PITCH, sz, st)
        for i, (t, st, sz) in enumerate(right):
            self.centered(t, RC, b0 + i * SIG_PITCH, sz, st, "signer")
        bn = b0 + name_row * SIG_PITCH
        name = self.centered(sg.name, RC, bn, 13.0, "B", "signer")
        top_gap = b0 + len(right) * SIG_PITCH - 6
        if sg.signature:
            self.page.marks.append(Mark("signature", RC - 62, top_gap + 4, 120, bn - top_gap - 20))
        if sg.seal:
            r = 50.0
            self.page.marks.append(Mark("seal", name.x0 - 4, b0 + len(sg.titles) * SIG_PITCH + 8, r, r))
        if ls is not None:
            self.centered(ls.name, LC, bn, 13.0, "B", "signer")
            top_l = b0 + len(left) * SIG_PITCH - 6
            if ls.signature:
                self.page.marks.append(Mark("signature", LC - 55, top_l + 4, 105, bn - top_l - 20))
        self.y = b0 + rows * SIG_PITCH


def compose(spec: DocSpec) -> list[PageLayout]:
    c = Composer()
    c.header(spec)
    c.titles(spec)
    for p in spec.body:
        c.para(p)
    c.signoff(spec)
    return c.pages


# --------------------------------------------------------------------------------------------------------------
# fictional content


SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý", "Hà", "Nông"]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thế", "Đình", "Mạnh"]
MIDDLE_F = ["Thị", "Thu", "Thanh", "Ngọc", "Minh", "Hồng"]
GIVEN_M = ["Hùng", "Dũng", "Tuấn", "Thắng", "Hải", "Long", "Sơn", "Cường", "Khánh", "Phúc", "Toàn", "Quyết", "Bình"]
GIVEN_F = ["Hoa", "Lan", "Hương", "Mai", "Thảo", "Huyền", "Nga", "Yến", "Trang", "Hằng", "Loan"]
STREETS = ["Trần Hưng Đạo", "Lê Lợi", "Bà Triệu", "Hùng Vương", "Nguyễn Du", "Lý Thái Tổ", "Phai Vệ", "Tam Thanh"]
WARDS = ["Tân Lập", "Hòa Bình", "Minh Khai", "Đồng Tâm", "Chi Lăng Mới"]
DISTRICTS = ["Vân Khê", "Thạch Lâm", "Tân Hà", "Kỳ Phong"]
COMMUNES = ["Hồng Phong", "Tân Mỹ", "Yên Trạch", "Quang Lang", "Bình Trung"]


class Names:
    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def pick(self, seq: Sequence[str]) -> str:
        return str(seq[int(self.rng.integers(len(seq)))])

    def pick_new(self, seq: Sequence[str]) -> str:
        """Pick an item not handed out before (companies, people)."""
        free = [x for x in seq if x not in self.used]
        choice = self.pick(free or seq)
        self.used.add(choice)
        return choice

    def person(self, female: bool | None = None) -> str:
        if female is None:
            female = bool(self.rng.random() < 0.4)
        while True:
            if female:
                name = f"{self.pick(SURNAMES)} {self.pick(MIDDLE_F)} {self.pick(GIVEN_F)}"
            else:
                name = f"{self.pick(SURNAMES)} {self.pick(MIDDLE_M)} {self.pick(GIVEN_M)}"
            if name not in self.used:
                self.used.add(name)
                return name

    def address(self, urban: bool | None = None) -> str:
        if urban is None:
            urban = bool(self.rng.random() < 0.6)
        if urban:
            return (
                f"Số {int(self.rng.integers(2, 280))}, đường {self.pick(STREETS)}, phường {self.pick(WARDS)}, "
                f"thành phố {PROVINCE}, tỉnh {PROVINCE}"
            )
        return (
            f"Thôn Nà {self.pick(['Pàn', 'Lừa', 'Cạn', 'Hin'])}, xã {self.pick(COMMUNES)}, "
            f"huyện {self.pick(DISTRICTS)}, tỉnh {PROVINCE}"
        )

    def phone(self) -> str:
        return f"0205.{int(self.rng.integers(3000, 3999))}.{int(self.rng.integers(100, 999))}"

    def tax_code(self) -> str:
        return f"49{int(self.rng.integers(10**7, 10**8 - 1))}"


def vn_date(d: dt.date) -> str:
    day = f"{d.day:02d}"
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"


def place_date(place: str, d: dt.date) -> str:
    return f"{place}, {vn_date(d)}"


def plus_years(d: dt.date, years: int) -> dt.date:
    return d.replace(year=d.year + years)


SO_HEADER = [(f"UBND TỈNH {PROVINCE_UP}", "R"), ("SỞ CÔNG THƯƠNG", "B")]
CAN_CU_SO = (
    f"Căn cứ Quyết định số 08/2021/QĐ-UBND ngày 19 tháng 3 năm 2021 của Ủy ban nhân dân tỉnh {PROVINCE} "
    f"quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Công Thương tỉnh {PROVINCE};"
)


def kt_gd(name: str) -> Signer:
    return Signer(["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], name)


def wine_licence(
    nm: Names,
    *,
    number: str,
    issued: dt.date,
    title: str,
    validity_phrase: bool,
    district: str | None = None,
) -> DocSpec:
    company = nm.pick_new(
        [
            f"Công ty TNHH Thương mại Phú Gia {PROVINCE}",
            "Công ty TNHH MTV Đồ uống Hoàng Long",
            "Công ty Cổ phần Thực phẩm Kỳ Cùng",
            "Công ty TNHH Dịch vụ Thương mại Minh Châu",
            "Công ty TNHH Bách hóa Tân Thanh",
        ]
    )
    owner = nm.person()
    store = nm.address()
    applied = issued - dt.timedelta(days=int(nm.rng.integers(8, 20)))
    until = plus_years(issued, 5)
    loai = title[0] + title[1:].lower()
    if district is None:
        header = SO_HEADER
        authority = f"GIÁM ĐỐC SỞ CÔNG THƯƠNG TỈNH {PROVINCE_UP}"
        proposer = "Theo đề nghị của Trưởng phòng Quản lý thương mại,"
        can_cu_org = CAN_CU_SO
        signer = kt_gd(nm.person(False))
        noi_nhan = ["- Như mục 1;", "- Bộ Công Thương (b/c);", "- UBND các huyện, thành phố;", "- Lưu: VT, QLTM."]
        place = PROVINCE
        co_quan, aliases = SO_CT, SO_CT_ALIASES
    else:
        header = [("ỦY BAN NHÂN DÂN", "R"), (f"HUYỆN {district.upper()}", "B")]
        authority = f"CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN {district.upper()}"
        proposer = "Theo đề nghị của Trưởng phòng Kinh tế và Hạ tầng,"
        can_cu_org = (
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số "
            "điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;"
        )
        signer = Signer(["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], nm.person(False))
        noi_nhan = ["- Như mục 1;", f"- Sở Công Thương tỉnh {PROVINCE};", "- Lưu: VT, KTHT."]
        place = district
        co_quan = f"UBND huyện {district}"
        aliases = [f"Ủy ban nhân dân huyện {district}", f"ỦY BAN NHÂN DÂN HUYỆN {district.upper()}"]
        store = f"Thôn Bản {nm.pick(['Chu', 'Mạ', 'Slằng'])}, xã {nm.pick(COMMUNES)}, huyện {district}, tỉnh {PROVINCE}"
    kinds = nm.pick(
        [
            "rượu vang, rượu vodka, rượu trắng đóng chai có nhãn hàng hóa",
            "rượu vang nhập khẩu, rượu mơ, rượu nếp đóng chai có nhãn hàng hóa",
            "rượu vang, rượu whisky, rượu chuối hột đóng chai có nhãn hàng hóa",
        ]
    )
    end = (
        "Giấy phép này có thời hạn 05 năm kể từ ngày ký."
        if validity_phrase
        else f"Giấy phép này có hiệu lực đến {vn_date(until)}."
    )
    body = [
        Para(authority, style="B", align="center", indent=0, before=6, role="authority"),
        Para(
            "Căn cứ Nghị định số 105/2017/NĐ-CP ngày 14 tháng 9 năm 2017 của Chính phủ về kinh doanh rượu;",
            style="I",
            before=4,
        ),
        Para(can_cu_org, style="I"),
        Para(
            f"Xét Đơn đề nghị cấp {loai.lower()} của {company} {vn_date(applied)} và hồ sơ kèm theo;",
            style="I",
        ),
        Para(proposer, style="I"),
        Para("CẤP PHÉP:", style="B", align="center", indent=0, before=6),
        Para(f"1. Cho phép: {company}", before=4),
        Para(f"Trụ sở chính: {nm.address()}"),
        Para(f"Điện thoại: {nm.phone()}; người đại diện theo pháp luật: {owner}."),
        Para(
            f"Giấy chứng nhận đăng ký doanh nghiệp số {nm.tax_code()} do Sở Kế hoạch và Đầu tư tỉnh {PROVINCE} "
            f"cấp lần đầu {vn_date(applied - dt.timedelta(days=900))}."
        ),
        Para(f"2. Được phép bán lẻ sản phẩm rượu tại địa điểm: {store}."),
        Para(f"3. Loại sản phẩm rượu được phép kinh doanh: {kinds}."),
        Para(
            "4. Thương nhân phải thực hiện đúng các quy định tại Nghị định số 105/2017/NĐ-CP và các văn bản pháp "
            "luật liên quan."
        ),
        Para(f"5. {end}"),
    ]
    return DocSpec(
        header_left=header,
        place_date=place_date(place, issued),
        so_line=f"Số: {number}",
        vv_lines=[],
        titles=[title],
        subtitle=[],
        kinh_gui=None,
        body=body,
        noi_nhan=noi_nhan,
        signer=signer,
        doc_type="giay_phep",
        doc_subtype="gp_bl_ruou",
        field_code="ruou",
        so_ky_hieu=number,
        ngay_ban_hanh=issued.isoformat(),
        co_quan=co_quan,
        co_quan_aliases=aliases,
        trich_yeu=loai,
        hieu_luc_den=until.isoformat(),
        chu_the=company,
        tthc={
            "in_register": district is None,
            "register_key": f"{number}|{issued.isoformat()}",
            "loai": loai,
        },
    )


def qd_hoa_chat(nm: Names) -> DocSpec:
    issued = dt.date(2024, 4, 16)
    number = "112/QĐ-SCT"
    company = "Công ty TNHH Hóa chất công nghiệp Đông Bắc"
    addr = nm.address(False)
    sub = f"Về việc phê duyệt Kế hoạch phòng ngừa, ứng phó sự cố hóa chất của {company}"
    body = [
        Para(f"GIÁM ĐỐC SỞ CÔNG THƯƠNG TỈNH {PROVINCE_UP}", style="B", align="center", indent=0, before=6),
        Para("Căn cứ Luật Hóa chất ngày 21 tháng 11 năm 2007;", style="I", before=4),
        Para(
            "Căn cứ Nghị định số 113/2017/NĐ-CP ngày 09 tháng 10 năm 2017 của Chính phủ quy định chi tiết và "
            "hướng dẫn thi hành một số điều của Luật Hóa chất; Nghị định số 82/2022/NĐ-CP ngày 18 tháng 10 năm "
            "2022 của Chính phủ sửa đổi, bổ sung một số điều của Nghị định số 113/2017/NĐ-CP;",
            style="I",
        ),
        Para(
            "Căn cứ Thông tư số 32/2017/TT-BCT ngày 28 tháng 12 năm 2017 của Bộ trưởng Bộ Công Thương quy định cụ "
            "thể và hướng dẫn thi hành một số điều của Luật Hóa chất;",
            style="I",
        ),
        Para(CAN_CU_SO, style="I"),
        Para(
            f"Xét hồ sơ đề nghị phê duyệt Kế hoạch phòng ngừa, ứng phó sự cố hóa chất của {company} và ý kiến "
            "của Hội đồng thẩm định ngày 02 tháng 4 năm 2024;",
            style="I",
        ),
        Para("Theo đề nghị của Trưởng phòng Kỹ thuật an toàn - Môi trường.", style="I"),
        Para("QUYẾT ĐỊNH:", style="B", align="center", indent=0, before=6),
        Para(
            f"Điều 1. Phê duyệt Kế hoạch phòng ngừa, ứng phó sự cố hóa chất của {company} với các nội dung chính "
            "sau đây:",
            before=4,
        ),
        Para(f"1. Tên cơ sở: {company}."),
        Para(f"2. Địa chỉ kho chứa hóa chất: {addr}."),
        Para("3. Loại hình hoạt động: kinh doanh, tồn trữ hóa chất phục vụ sản xuất công nghiệp."),
        Para(
            "4. Hóa chất nguy hiểm và khối lượng tồn trữ lớn nhất: axit sunfuric 12 tấn; natri hydroxit 8 tấn; "
            "axit clohydric 5 tấn; hydro peroxit 3 tấn."
        ),
        Para(
            "5. Biện pháp phòng ngừa: bố trí kho chứa riêng biệt, có hệ thống thông gió, đê bao chống tràn, tủ "
            "thuốc sơ cứu và trang thiết bị bảo hộ cho người lao động; tổ chức huấn luyện an toàn hóa chất định "
            "kỳ hằng năm."
        ),
        Para(
            f"Điều 2. {company} có trách nhiệm:",
            page_break=True,
            before=0,
        ),
        Para("a) Tổ chức thực hiện đầy đủ các nội dung của Kế hoạch đã được phê duyệt;"),
        Para(
            "b) Lưu giữ Kế hoạch tại cơ sở, thường xuyên kiểm tra, cập nhật và diễn tập phương án ứng phó sự cố "
            "hóa chất theo quy định;"
        ),
        Para(
            "c) Khi xảy ra sự cố hóa chất phải kịp thời thông báo cho Sở Công Thương và các cơ quan chức năng để "
            "phối hợp xử lý."
        ),
        Para(
            "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Sở, Trưởng phòng Kỹ thuật an toàn "
            f"- Môi trường và Giám đốc {company} chịu trách nhiệm thi hành Quyết định này./."
        ),
    ]
    loai = "Quyết định phê duyệt Kế hoạch phòng ngừa, ứng phó sự cố hóa chất"
    return DocSpec(
        header_left=SO_HEADER,
        place_date=place_date(PROVINCE, issued),
        so_line=f"Số: {number}",
        vv_lines=[],
        titles=["QUYẾT ĐỊNH"],
        subtitle=[sub],
        kinh_gui=None,
        body=body,
        noi_nhan=["- Như Điều 3;", "- Cục Hóa chất (b/c);", "- Giám đốc Sở;", "- Lưu: VT, KTAT."],
        signer=Signer(["GIÁM ĐỐC"], nm.person(False)),
        doc_type="quyet_dinh",
        doc_subtype="qd_kh_ung_pho_hoa_chat",
        field_code="hoa_chat",
        so_ky_hieu=number,
        ngay_ban_hanh=issued.isoformat(),
        co_quan=SO_CT,
        co_quan_aliases=SO_CT_ALIASES,
        trich_yeu=sub,
        chu_the=company,
        tthc={"in_register": True, "register_key": f"{number}|{issued.isoformat()}", "loai": loai},
    )


def bao_cao_cchc(nm: Names) -> DocSpec:
    issued = dt.date(2024, 9, 20)
    number = "214/BC-SCT"
    sub = "Kết quả thực hiện công tác cải cách hành chính quý III năm 2024"
    received = int(nm.rng.integers(380, 460))
    online = received - int(nm.rng.integers(5, 25))
    body = [
        Para(
            f"Thực hiện Kế hoạch cải cách hành chính năm 2024 của Ủy ban nhân dân tỉnh {PROVINCE}, Sở Công Thương "
            "báo cáo kết quả thực hiện công tác cải cách hành chính quý III năm 2024 như sau:",
            before=6,
        ),
        Para("I. KẾT QUẢ THỰC HIỆN", style="B", indent=0, before=6),
        Para("1. Công tác chỉ đạo, điều hành", style="B", indent=0),
        Para(
            "Sở Công Thương đã ban hành kế hoạch, văn bản chỉ đạo triển khai nhiệm vụ cải cách hành chính đến các "
            "phòng chuyên môn; gắn kết quả thực hiện nhiệm vụ với đánh giá, xếp loại công chức hằng tháng."
        ),
        Para("2. Cải cách thể chế", style="B", indent=0),
        Para(
            "Trong quý, Sở đã tham mưu trình Ủy ban nhân dân tỉnh ban hành 02 quyết định quy phạm pháp luật; rà "
            "soát 14 văn bản thuộc lĩnh vực công thương, không phát hiện văn bản trái pháp luật."
        ),
        Para("3. Cải cách thủ tục hành chính", style="B", indent=0),
        Para(
            f"Sở đã tiếp nhận {received} hồ sơ thủ tục hành chính, trong đó {online} hồ sơ nộp trực tuyến; đã giải "
            f"quyết đúng hạn {received - 3} hồ sơ, 03 hồ sơ đang trong thời hạn giải quyết, không có hồ sơ quá "
            "hạn. Tỷ lệ hồ sơ được số hóa kết quả giải quyết đạt 96,5%."
        ),
        Para(
            "Sở đã công bố, công khai đầy đủ các thủ tục hành chính thuộc thẩm quyền giải quyết trên Cổng Dịch vụ "
            "công quốc gia và Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh."
        ),
        Para("4. Cải cách tổ chức bộ máy", style="B", indent=0),
        Para(
            "Sở tiếp tục rà soát chức năng, nhiệm vụ của các phòng chuyên môn; thực hiện tinh giản biên chế theo "
            "lộ trình, không phát sinh đầu mối tổ chức mới."
        ),
        Para("5. Xây dựng chính quyền điện tử, chính quyền số", style="B", indent=0),
        Para(
            "100% văn bản đi, đến được xử lý trên hệ thống quản lý văn bản và điều hành; 100% công chức sử dụng "
            "chữ ký số trong giải quyết công việc."
        ),
        Para("II. TỒN TẠI, HẠN CHẾ", style="B", indent=0, before=6),
        Para(
            "Việc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính được cấp trước ngày 01 tháng 7 năm 2022 còn "
            "chậm; một số thủ tục có tỷ lệ nộp hồ sơ trực tuyến toàn trình còn thấp."
        ),
        Para("III. NHIỆM VỤ TRỌNG TÂM QUÝ IV NĂM 2024", style="B", indent=0, before=6),
        Para(
            "1. Đẩy mạnh số hóa kết quả giải quyết thủ tục hành chính còn hiệu lực, bảo đảm hoàn thành chỉ tiêu "
            "được giao trong năm 2024."
        ),
        Para("2. Tiếp tục rà soát, đơn giản hóa thủ tục hành chính nội bộ và thủ tục có phát sinh hồ sơ lớn."),
        Para(
            f"Trên đây là báo cáo kết quả công tác cải cách hành chính quý III năm 2024 của Sở Công Thương tỉnh "
            f"{PROVINCE}./."
        ),
    ]
    return DocSpec(
        header_left=SO_HEADER,
        place_date=place_date(PROVINCE, issued),
        so_line=f"Số: {number}",
        vv_lines=[],
        titles=["BÁO CÁO"],
        subtitle=[sub],
        kinh_gui=None,
        body=body,
        noi_nhan=["- Sở Nội vụ;", "- Văn phòng UBND tỉnh;", "- Giám đốc, các PGĐ Sở;", "- Lưu: VT, VP."],
        signer=Signer(["GIÁM ĐỐC"], nm.person(False)),
        doc_type="bao_cao",
        doc_subtype="bc_cchc",
        field_code="cai_cach_hanh_chinh",
        so_ky_hieu=number,
        ngay_ban_hanh=issued.isoformat(),
        co_quan=SO_CT,
        co_quan_aliases=SO_CT_ALIASES,
        trich_yeu=sub,
    )


def to_trinh_xttm(nm: Names) -> DocSpec:
    issued = dt.date(2024, 10, 15)
    number = "58/TTr-SCT"
    sub = f"Về việc phê duyệt Chương trình xúc tiến thương mại tỉnh {PROVINCE} năm 2025"
    budget = f"{int(nm.rng.integers(18, 30))}.{int(nm.rng.integers(1, 10))}00"
    body = [
        Para(
            "Căn cứ Nghị định số 81/2018/NĐ-CP ngày 22 tháng 5 năm 2018 của Chính phủ quy định chi tiết Luật "
            "Thương mại về hoạt động xúc tiến thương mại;",
            before=6,
        ),
        Para(
            f"Căn cứ Quyết định số 26/2022/QĐ-UBND ngày 11 tháng 8 năm 2022 của Ủy ban nhân dân tỉnh {PROVINCE} "
            "ban hành Quy chế xây dựng, quản lý và thực hiện Chương trình xúc tiến thương mại của tỉnh;"
        ),
        Para(
            "Trên cơ sở đề xuất của các sở, ngành, hiệp hội và doanh nghiệp, Sở Công Thương đã tổng hợp, thẩm "
            f"định và xây dựng Chương trình xúc tiến thương mại tỉnh {PROVINCE} năm 2025 với các nội dung chính "
            "như sau:"
        ),
        Para("1. Mục tiêu", style="B", indent=0),
        Para(
            "Hỗ trợ doanh nghiệp, hợp tác xã quảng bá, tiêu thụ sản phẩm chủ lực của tỉnh; mở rộng thị trường "
            "trong nước và xuất khẩu; phát triển thương mại điện tử."
        ),
        Para("2. Nội dung", style="B", indent=0),
        Para(
            "Tổ chức 03 hội chợ thương mại cấp tỉnh; hỗ trợ 40 lượt doanh nghiệp tham gia hội chợ trong nước; tổ "
            "chức 02 hội nghị kết nối cung cầu; đào tạo kỹ năng bán hàng trực tuyến cho 150 hộ kinh doanh."
        ),
        Para("3. Kinh phí thực hiện", style="B", indent=0),
        Para(
            f"Tổng kinh phí dự kiến {budget}.000.000 đồng từ nguồn ngân sách tỉnh, trong đó kinh phí hỗ trợ doanh "
            "nghiệp chiếm 65%, kinh phí tổ chức hội chợ, hội nghị chiếm 35%.",
        ),
        Para("4. Tổ chức thực hiện", style="B", indent=0, page_break=True, before=0),
        Para(
            "Sở Công Thương chủ trì, phối hợp với các sở, ngành và Ủy ban nhân dân các huyện, thành phố tổ chức "
            "thực hiện Chương trình; định kỳ báo cáo kết quả với Ủy ban nhân dân tỉnh."
        ),
        Para(
            "Sở Công Thương kính trình Ủy ban nhân dân tỉnh xem xét, phê duyệt Chương trình xúc tiến thương mại "
            f"tỉnh {PROVINCE} năm 2025./."
        ),
    ]
    return DocSpec(
        header_left=SO_HEADER,
        place_date=place_date(PROVINCE, issued),
        so_line=f"Số: {number}",
        vv_lines=[],
        titles=["TỜ TRÌNH"],
        subtitle=[sub],
        kinh_gui=f"Kính gửi: Ủy ban nhân dân tỉnh {PROVINCE}.",
        body=body,
        noi_nhan=["- Như trên;", "- Sở Tài chính;", "- Lưu: VT, QLTM."],
        signer=Signer(["GIÁM ĐỐC"], nm.person(True)),
        doc_type="to_trinh",
        doc_subtype="ttr_xttm",
        field_code="xuc_tien_thuong_mai",
        so_ky_hieu=number,
        ngay_ban_hanh=issued.isoformat(),
        co_quan=SO_CT,
        co_quan_aliases=SO_CT_ALIASES,
        trich_yeu=sub,
    )


ATTP_COMPANY = "Công ty TNHH Thực phẩm Xanh Mẫu Sơn"
LPG_COMPANY = "Công ty Cổ phần Gas Minh Long"


def gcn_attp(nm: Names, ma_ho_so: str) -> DocSpec:
    issued = dt.date(2024, 6, 12)
    number = "41/2024/GCNATTP-SCT"
    until = plus_years(issued, 3)
    owner = nm.person()
    body = [
        Para(f"SỞ CÔNG THƯƠNG TỈNH {PROVINCE_UP}", style="B", align="center", indent=0, before=8),
        Para("CHỨNG NHẬN", style="B", align="center", indent=0, before=4),
        Para(f"Cơ sở: {ATTP_COMPANY}", indent=0, before=8),
        Para(f"Chủ cơ sở: {owner}", indent=0),
        Para(f"Địa chỉ: {nm.address(False)}", indent=0),
        Para(f"Điện thoại: {nm.phone()}", indent=0),
        Para(
            "Đủ điều kiện an toàn thực phẩm theo quy định đối với: sản xuất bánh kẹo, mứt và các sản phẩm chế "
            "biến từ hạt dẻ, hồng không hạt.",
            indent=0,
        ),
        Para(
            "Căn cứ Nghị định số 15/2018/NĐ-CP ngày 02 tháng 02 năm 2018 của Chính phủ và Thông tư số "
            "43/2018/TT-BCT ngày 15 tháng 11 năm 2018 của Bộ trưởng Bộ Công Thương.",
            style="I",
            indent=0,
        ),
        Para(f"Giấy chứng nhận có hiệu lực đến {vn_date(until)}.", indent=0, before=6),
    ]
    loai = "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm"
    return DocSpec(
        header_left=SO_HEADER,
        place_date=place_date(PROVINCE, issued),
        so_line=f"Số: {number}",
        vv_lines=[],
        titles=["GIẤY CHỨNG NHẬN", "CƠ SỞ ĐỦ ĐIỀU KIỆN AN TOÀN THỰC PHẨM"],
        subtitle=[],
        kinh_gui=None,
        body=body,
        noi_nhan=["- Như trên;", "- Lưu: VT, QLCN."],
        signer=kt_gd(nm.person(False)),
        doc_type="giay_phep",
        doc_subtype="gcn_attp",
        field_code="an_toan_thuc_pham",
        so_ky_hieu=number,
        ngay_ban_hanh=issued.isoformat(),
        co_quan=SO_CT,
        co_quan_aliases=SO_CT_ALIASES,
        trich_yeu=loai,
        hieu_luc_den=until.isoformat(),
        ma_ho_so=ma_ho_so,
        chu_the=ATTP_COMPANY,
        tthc={"in_register": True, "register_key": f"{number}|{issued.isoformat()}", "loai": loai},
    )


def gcn_lpg(nm: Names, ma_ho_so: str, lpg_addr: str) -> DocSpec:
    issued = dt.date(2024, 7, 15)
    number = "09/GCN-SCT"
    until = plus_years(issued, 5)
    loai = "Giấy chứng nhận đủ điều kiện thương nhân kinh doanh mua bán LPG"
    body = [
        Para(f"GIÁM ĐỐC SỞ CÔNG THƯƠNG TỈNH {PROVINCE_UP}", style="B", align="center", indent=0, before=6),
        Para(
            "Căn cứ Nghị định số 87/2018/NĐ-CP ngày 15 tháng 6 năm 2018 của Chính phủ về kinh doanh khí;",
            style="I",
            before=4,
        ),
        Para(CAN_CU_SO, style="I"),
        Para(f"Xét hồ sơ đề nghị của {LPG_COMPANY} ngày 02 tháng 7 năm 2024;", style="I"),
        Para("Theo đề nghị của Trưởng phòng Quản lý năng lượng,", style="I"),
        Para("CHỨNG NHẬN:", style="B", align="center", indent=0, before=6),
        Para(f"1. {LPG_COMPANY}", before=4),
        Para(f"Địa chỉ trụ sở chính: {lpg_addr}"),
        Para(f"Mã số doanh nghiệp: {nm.tax_code()}; điện thoại: {nm.phone()}."),
        Para("2. Đủ điều kiện thương nhân kinh doanh mua bán LPG theo quy định của pháp luật."),
        Para(
            "3. Thương nhân có trách nhiệm duy trì các điều kiện kinh doanh khí và thực hiện đúng quy định tại "
            "Nghị định số 87/2018/NĐ-CP."
        ),
        Para("4. Giấy chứng nhận này có thời hạn 05 năm kể từ ngày ký."),
    ]
    return DocSpec(
        header_left=SO_HEADER,
        place_date=place_date(PROVINCE, issued),
        so_line=f"Số: {number}",
        vv_lines=[],
        titles=["GIẤY CHỨNG NHẬN", "ĐỦ ĐIỀU KIỆN THƯƠNG NHÂN KINH DOANH MUA BÁN LPG"],
        subtitle=[],
        kinh_gui=None,
        body=body,
        noi_nhan=["- Như mục 1;", "- Bộ Công Thương (b/c);", "- Lưu: VT, QLNL."],
        signer=kt_gd(nm.person(False)),
        doc_type="giay_phep",
        doc_subtype="gcn_mua_ban_lpg",
        field_code="khi",
        so_ky_hieu=number,
        ngay_ban_hanh=issued.isoformat(),
        co_quan=SO_CT,
        co_quan_aliases=SO_CT_ALIASES,
        trich_yeu=loai,
        hieu_luc_den=until.isoformat(),
        ma_ho_so=ma_ho_so,
        chu_the=LPG_COMPANY,
        tthc={"in_register": True, "register_key": f"{number}|{issued.isoformat()}", "loai": loai},
    )


def cv_khuyen_mai(nm: Names) -> DocSpec:
    issued = dt.date(2024, 9, 5)
    number = "1245/SCT-QLTM"
    company = "Công ty TNHH Siêu thị Hòa Phát Bắc Sơn"
    vv = "V/v xác nhận đăng ký thực hiện khuyến mại"
    value = int(nm.rng.integers(150, 480))
    body = [
        Para(
            f"Sở Công Thương tỉnh {PROVINCE} nhận được văn bản số 25/2024/CV-HP ngày 28 tháng 8 năm 2024 của "
            f"{company} về việc đăng ký thực hiện chương trình khuyến mại Tri ân khách hàng mùa thu 2024.",
            before=6,
        ),
        Para(
            "Căn cứ Luật Thương mại ngày 14 tháng 6 năm 2005 và Nghị định số 81/2018/NĐ-CP ngày 22 tháng 5 năm "
            "2018 của Chính phủ quy định chi tiết Luật Thương mại về hoạt động xúc tiến thương mại, Sở Công "
            f"Thương xác nhận {company} đăng ký thực hiện chương trình khuyến mại với nội dung sau:"
        ),
        Para("1. Tên chương trình: Tri ân khách hàng mùa thu 2024."),
        Para("2. Thời gian khuyến mại: từ ngày 15 tháng 9 năm 2024 đến ngày 15 tháng 10 năm 2024."),
        Para(f"3. Địa bàn: các siêu thị của Công ty trên địa bàn tỉnh {PROVINCE}."),
        Para("4. Hình thức: tặng hàng hóa cho khách hàng có hóa đơn mua hàng từ 500.000 đồng trở lên."),
        Para(f"5. Tổng giá trị hàng hóa dùng để khuyến mại: {value}.000.000 đồng."),
        Para(
            "Công ty có trách nhiệm thực hiện chương trình khuyến mại đúng nội dung đã đăng ký và báo cáo kết quả "
            "thực hiện theo quy định./."
        ),
    ]
    loai = "Văn bản xác nhận đăng ký thực hiện khuyến mại"
    return DocSpec(
        header_left=SO_HEADER,
        place_date=place_date(PROVINCE, issued),
        so_line=f"Số: {number}",
        vv_lines=wrap(vv, "R", 12.0, LCOL_W),
        titles=[],
        subtitle=[],
        kinh_gui=f"Kính gửi: {company}.",
        body=body,
        noi_nhan=["- Như trên;", "- Giám đốc Sở (b/c);", "- Lưu: VT, QLTM."],
        signer=kt_gd(nm.person()),
        doc_type="cong_van",
        doc_subtype="cv_xac_nhan_khuyen_mai",
        field_code="xuc_tien_thuong_mai",
        so_ky_hieu=number,
        ngay_ban_hanh=issued.isoformat(),
        co_quan=SO_CT,
        co_quan_aliases=SO_CT_ALIASES,
        trich_yeu=vv,
        chu_the=company,
        tthc={"in_register": True, "register_key": f"{number}|{issued.isoformat()}", "loai": loai},
    )


def don_lpg(nm: Names, ma_ho_so: str, lpg_addr: str, director: str) -> DocSpec:
    issued = dt.date(2024, 7, 2)
    number = "18/2024/CV-MLG"
    sub = "Cấp Giấy chứng nhận đủ điều kiện thương nhân kinh doanh mua bán LPG"
    body = [
        Para(f"Tên thương nhân: {LPG_COMPANY}", indent=0, before=8),
        Para(f"Địa chỉ trụ sở chính: {lpg_addr}", indent=0),
        Para(f"Điện thoại: {nm.phone()}", indent=0),
        Para(
            f"Giấy chứng nhận đăng ký doanh nghiệp số {nm.tax_code()} do Sở Kế hoạch và Đầu tư tỉnh {PROVINCE} "
            "cấp lần đầu ngày 16 tháng 3 năm 2020.",
            indent=0,
        ),
        Para(
            f"Đề nghị Sở Công Thương tỉnh {PROVINCE} xem xét cấp Giấy chứng nhận đủ điều kiện thương nhân kinh "
            f"doanh mua bán LPG cho {LPG_COMPANY}."
        ),
        Para(
            f"{LPG_COMPANY} xin cam kết thực hiện đúng các quy định tại Nghị định số 87/2018/NĐ-CP ngày 15 tháng "
            "6 năm 2018 của Chính phủ về kinh doanh khí và các văn bản pháp luật có liên quan. Nếu sai, chúng "
            "tôi xin hoàn toàn chịu trách nhiệm trước pháp luật./."
        ),
    ]
    return DocSpec(
        header_left=[(LPG_COMPANY.upper(), "B")],
        place_date=place_date(PROVINCE, issued),
        so_line=f"Số: {number}",
        vv_lines=[],
        titles=["ĐƠN ĐỀ NGHỊ"],
        subtitle=[sub],
        kinh_gui=f"Kính gửi: Sở Công Thương tỉnh {PROVINCE}.",
        body=body,
        noi_nhan=["- Như trên;", "- Lưu: VT."],
        signer=Signer(["GIÁM ĐỐC"], director, note="(Ký tên, đóng dấu)"),
        doc_type="don_de_nghi",
        doc_subtype="don_gcn_mua_ban_lpg",
        field_code="khi",
        so_ky_hieu=number,
        ngay_ban_hanh=issued.isoformat(),
        co_quan=LPG_COMPANY,
        co_quan_aliases=[LPG_COMPANY.upper()],
        trich_yeu=f"Đơn đề nghị {sub[0].lower()}{sub[1:]}",
        ma_ho_so=ma_ho_so,
        chu_the=LPG_COMPANY,
    )


def bien_ban_attp(nm: Names, ma_ho_so: str) -> DocSpec:
    met = dt.date(2024, 6, 5)
    number = "15/BB-ĐTĐ"
    head = nm.person(False)
    member = nm.person(True)
    rep = nm.person()
    body = [
        Para(
            f"Hôm nay, vào hồi 08 giờ 30 phút {vn_date(met)}, tại cơ sở sản xuất của {ATTP_COMPANY}, Đoàn thẩm "
            "định thành lập theo Quyết định số 87/QĐ-SCT ngày 31 tháng 5 năm 2024 của Giám đốc Sở Công Thương "
            "tiến hành thẩm định điều kiện an toàn thực phẩm đối với cơ sở.",
            before=6,
        ),
        Para("I. THÀNH PHẦN", style="B", indent=0, before=4),
        Para(
            f"1. Đoàn thẩm định: Ông {head}, Phó Trưởng phòng Quản lý công nghiệp, Trưởng đoàn; Bà {member}, "
            "chuyên viên, thành viên."
        ),
        Para(f"2. Đại diện cơ sở: Ông {rep}, Giám đốc."),
        Para("II. NỘI DUNG THẨM ĐỊNH", style="B", indent=0, before=4),
        Para(
            "Đoàn đã kiểm tra hồ sơ pháp lý, điều kiện cơ sở vật chất, trang thiết bị, dụng cụ và điều kiện về "
            "con người của cơ sở. Khu vực sản xuất được bố trí theo nguyên tắc một chiều; nguồn nước đạt quy "
            "chuẩn; người trực tiếp sản xuất đã được tập huấn kiến thức an toàn thực phẩm và khám sức khỏe."
        ),
        Para("III. KẾT LUẬN", style="B", indent=0, before=4),
        Para(
            "Cơ sở đủ điều kiện an toàn thực phẩm theo quy định. Đoàn thẩm định đề nghị Sở Công Thương cấp Giấy "
            "chứng nhận cơ sở đủ điều kiện an toàn thực phẩm cho cơ sở."
        ),
        Para(
            "Biên bản kết thúc vào hồi 10 giờ 45 phút cùng ngày, được lập thành 02 bản có giá trị như nhau, mỗi "
            "bên giữ 01 bản./."
        ),
    ]
    return DocSpec(
        header_left=SO_HEADER,
        place_date=place_date(PROVINCE, met),
        so_line=f"Số: {number}",
        vv_lines=[],
        titles=["BIÊN BẢN"],
        subtitle=["Thẩm định điều kiện an toàn thực phẩm"],
        kinh_gui=None,
        body=body,
        noi_nhan=[],
        signer=Signer(["TRƯỞNG ĐOÀN"], head, seal=False),
        left_signer=Signer(["ĐẠI DIỆN CƠ SỞ"], rep, seal=False),
        doc_type="bien_ban",
        doc_subtype="bb_tham_dinh_attp",
        field_code="an_toan_thuc_pham",
        so_ky_hieu=number,
        ngay_ban_hanh=met.isoformat(),
        co_quan=SO_CT,
        co_quan_aliases=SO_CT_ALIASES,
        trich_yeu="Thẩm định điều kiện an toàn thực phẩm",
        ma_ho_so=ma_ho_so,
        chu_the=ATTP_COMPANY,
    )


def thong_bao_dien(nm: Names) -> DocSpec:
    issued = dt.date(2024, 8, 12)
    number = "96/TB-SCT"
    company = "Công ty Cổ phần Thủy điện Bản Mạ"
    sub = f"Kết luận kiểm tra hoạt động điện lực tại {company}"
    body = [
        Para(
            f"Thực hiện Kế hoạch kiểm tra năm 2024, ngày 30 tháng 7 năm 2024 Đoàn kiểm tra của Sở Công Thương đã "
            f"kiểm tra việc chấp hành quy định pháp luật về hoạt động điện lực tại {company}. Sở Công Thương "
            "thông báo kết luận như sau:",
            before=6,
        ),
        Para(
            "1. Đơn vị có Giấy phép hoạt động điện lực lĩnh vực phát điện còn hiệu lực; đã xây dựng và thực hiện "
            "quy trình vận hành hồ chứa, phương án bảo đảm an toàn đập theo quy định."
        ),
        Para(
            "2. Tồn tại: chưa cập nhật đầy đủ sổ nhật ký vận hành; một số biển báo an toàn điện tại trạm biến áp "
            "bị mờ, chưa được thay thế."
        ),
        Para(
            "3. Yêu cầu đơn vị khắc phục các tồn tại nêu trên trước ngày 30 tháng 9 năm 2024 và báo cáo kết quả "
            "về Sở Công Thương (qua phòng Quản lý năng lượng)."
        ),
        Para("Sở Công Thương thông báo để đơn vị biết và thực hiện./."),
    ]
    return DocSpec(
        header_left=SO_HEADER,
        place_date=place_date(PROVINCE, issued),
        so_line=f"Số: {number}",
        vv_lines=[],
        titles=["THÔNG BÁO"],
        subtitle=[sub],
        kinh_gui=None,
        body=body,
        noi_nhan=[f"- {company};", "- Giám đốc Sở (b/c);", "- Lưu: VT, QLNL."],
        signer=kt_gd(nm.person(False)),
        doc_type="thong_bao",
        doc_subtype="tb_ket_luan_kiem_tra",
        field_code="dien_luc",
        so_ky_hieu=number,
        ngay_ban_hanh=issued.isoformat(),
        co_quan=SO_CT,
        co_quan_aliases=SO_CT_ALIASES,
        trich_yeu=sub,
        chu_the=company,
    )


def bien_nhan_lpg(nm: Names, ma_ho_so: str, lpg_addr: str, director: str) -> DocSpec:
    received = dt.date(2024, 7, 3)
    clerk = nm.person(True)
    body = [
        Para(f"Mã hồ sơ: {ma_ho_so}", style="B", align="center", indent=0, before=4, role="ma_ho_so"),
        Para(f"Bộ phận Tiếp nhận và Trả kết quả Sở Công Thương tỉnh {PROVINCE}", indent=0, before=8),
        Para(f"Tiếp nhận hồ sơ của: {LPG_COMPANY}", indent=0),
        Para(f"Địa chỉ: {lpg_addr}", indent=0),
        Para(f"Số điện thoại: {nm.phone()}", indent=0),
        Para(
            "Nội dung yêu cầu giải quyết: Cấp Giấy chứng nhận đủ điều kiện thương nhân kinh doanh mua bán LPG",
            indent=0,
        ),
        Para("1. Thành phần hồ sơ nộp gồm:", indent=0),
        Para("- Đơn đề nghị cấp Giấy chứng nhận: 01 bản chính;", indent=0),
        Para("- Giấy chứng nhận đăng ký doanh nghiệp: 01 bản sao;", indent=0),
        Para("- Tài liệu chứng minh các điều kiện kinh doanh: 01 bộ.", indent=0),
        Para("2. Số lượng hồ sơ: 01 bộ.", indent=0),
        Para("3. Thời gian giải quyết hồ sơ theo quy định: 15 ngày làm việc.", indent=0),
        Para(f"4. Thời gian nhận hồ sơ: 09 giờ 15 phút, {vn_date(received)}.", indent=0),
        Para("5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 24 tháng 7 năm 2024.", indent=0),
        Para("6. Đăng ký nhận kết quả tại: Bộ phận Một cửa Sở Công Thương.", indent=0),
    ]
    return DocSpec(
        header_left=SO_HEADER,
        place_date=place_date(PROVINCE, received),
        so_line=None,
        vv_lines=[],
        titles=["GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"],
        subtitle=[],
        kinh_gui=None,
        body=body,
        noi_nhan=[],
        signer=Signer(["NGƯỜI TIẾP NHẬN HỒ SƠ"], clerk, note="(Ký và ghi rõ họ tên)", seal=False),
        left_signer=Signer(["NGƯỜI NỘP HỒ SƠ"], director, note="(Ký và ghi rõ họ tên)", seal=False),
        doc_type="giay_bien_nhan",
        doc_subtype="bien_nhan",
        field_code="khi",
        so_ky_hieu=None,
        ngay_ban_hanh=received.isoformat(),
        co_quan=SO_CT,
        co_quan_aliases=SO_CT_ALIASES,
        trich_yeu="Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        ma_ho_so=ma_ho_so,
        chu_the=LPG_COMPANY,
    )


def qd_ubnd_xang_dau(nm: Names) -> DocSpec:
    issued = dt.date(2024, 8, 30)
    number = "1876/QĐ-UBND"
    sub = f"Về việc ban hành Kế hoạch kiểm tra hoạt động kinh doanh xăng dầu trên địa bàn tỉnh {PROVINCE} năm 2024"
    body = [
        Para(f"ỦY BAN NHÂN DÂN TỈNH {PROVINCE_UP}", style="B", align="center", indent=0, before=6),
        Para(
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số "
            "điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
            style="I",
            before=4,
        ),
        Para(
            "Căn cứ Nghị định số 83/2014/NĐ-CP ngày 03 tháng 9 năm 2014 của Chính phủ về kinh doanh xăng dầu; "
            "Nghị định số 95/2021/NĐ-CP ngày 01 tháng 11 năm 2021 của Chính phủ sửa đổi, bổ sung một số điều của "
            "Nghị định số 83/2014/NĐ-CP;",
            style="I",
        ),
        Para(
            "Theo đề nghị của Giám đốc Sở Công Thương tại Tờ trình số 49/TTr-SCT ngày 20 tháng 8 năm 2024.",
            style="I",
        ),
        Para("QUYẾT ĐỊNH:", style="B", align="center", indent=0, before=6),
        Para(
            f"Điều 1. Ban hành kèm theo Quyết định này Kế hoạch kiểm tra hoạt động kinh doanh xăng dầu trên địa "
            f"bàn tỉnh {PROVINCE} năm 2024.",
            before=4,
        ),
        Para(
            "Điều 2. Giao Sở Công Thương chủ trì, phối hợp với Công an tỉnh, Cục Quản lý thị trường và Ủy ban "
            "nhân dân các huyện, thành phố tổ chức thực hiện Kế hoạch; tổng hợp kết quả báo cáo Ủy ban nhân dân "
            "tỉnh trước ngày 15 tháng 12 năm 2024."
        ),
        Para(
            "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở "
            "Công Thương, Thủ trưởng các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./."
        ),
    ]
    return DocSpec(
        header_left=[("ỦY BAN NHÂN DÂN", "B"), (f"TỈNH {PROVINCE_UP}", "B")],
        place_date=place_date(PROVINCE, issued),
        so_line=f"Số: {number}",
        vv_lines=[],
        titles=["QUYẾT ĐỊNH"],
        subtitle=[sub],
        kinh_gui=None,
        body=body,
        noi_nhan=["- Như Điều 3;", "- Bộ Công Thương (b/c);", "- Chủ tịch, các PCT UBND tỉnh;", "- Lưu: VT, KT."],
        signer=Signer(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], nm.person(False)),
        doc_type="quyet_dinh",
        doc_subtype="qd_ubnd_ke_hoach_kt",
        field_code="xang_dau",
        so_ky_hieu=number,
        ngay_ban_hanh=issued.isoformat(),
        co_quan=UBND_TINH,
        co_quan_aliases=[f"Ủy ban nhân dân tỉnh {PROVINCE}", f"ỦY BAN NHÂN DÂN TỈNH {PROVINCE_UP}"],
        trich_yeu=sub,
    )


# register entries without a file in the set: (so_ky_hieu, loai, issued, until, chu_the, field)
EXTRA_REGISTER: list[tuple[str, str, str, str, str, str]] = [
    ("23/GP-SCT", "Giấy phép bán buôn rượu", "2022-05-09", "2027-05-09", "Công ty TNHH Rượu Mẫu Sơn Xanh", "ruou"),
    ("31/GP-SCT", "Giấy phép bán lẻ sản phẩm rượu", "2024-11-05", "2029-11-05", "Hộ kinh doanh Lý Thị Hoa", "ruou"),
    (
        "07/GP-SCT",
        "Giấy phép bán buôn sản phẩm thuốc lá",
        "2021-03-18",
        "2026-03-18",
        "Công ty TNHH Thương mại Đức Thịnh",
        "thuoc_la",
    ),
    (
        "42/GP-SCT",
        "Giấy phép bán buôn sản phẩm thuốc lá",
        "2019-11-20",
        "2024-11-20",
        "Công ty Cổ phần Phân phối Kỳ Lân",
        "thuoc_la",
    ),
    (
        "88/2020/GCNATTP-SCT",
        "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "2020-12-02",
        "2023-12-02",
        "Cơ sở sản xuất bún khô Hà Quang",
        "an_toan_thuc_pham",
    ),
    (
        "12/2023/GCNATTP-SCT",
        "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "2023-02-21",
        "2026-02-21",
        "Hợp tác xã Chè Thạch Lâm",
        "an_toan_thuc_pham",
    ),
    (
        "14/GCNXD-SCT",
        "Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu",
        "2021-07-06",
        "2026-07-06",
        "Công ty TNHH Xăng dầu Tân Hà",
        "xang_dau",
    ),
    (
        "05/GCNXD-SCT",
        "Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu",
        "2019-06-11",
        "2024-06-11",
        "Doanh nghiệp tư nhân Thành Đạt",
        "xang_dau",
    ),
    (
        "21/GCN-SCT",
        "Giấy chứng nhận đủ điều kiện cửa hàng bán lẻ LPG chai",
        "2022-09-14",
        "2027-09-14",
        "Công ty TNHH Gas Phương Bắc",
        "khi",
    ),
    (
        "03/GCN-SCT",
        "Giấy chứng nhận đủ điều kiện sản xuất, kinh doanh hóa chất có điều kiện",
        "2023-08-08",
        "",
        "Công ty Cổ phần Vật liệu nổ Đồng Đăng",
        "hoa_chat",
    ),
    (
        "36/QĐ-SCT",
        "Quyết định phê duyệt Kế hoạch phòng ngừa, ứng phó sự cố hóa chất",
        "2022-03-03",
        "",
        "Công ty TNHH Mạ kẽm Bắc Sơn",
        "hoa_chat",
    ),
    (
        "11/GP-SCT",
        "Giấy phép hoạt động điện lực",
        "2020-10-26",
        "2030-10-26",
        "Công ty Cổ phần Thủy điện Bản Mạ",
        "dien_luc",
    ),
    (
        "1530/SCT-QLTM",
        "Văn bản xác nhận đăng ký thực hiện khuyến mại",
        "2024-12-10",
        "",
        "Công ty TNHH Điện máy Hoàng Gia",
        "xuc_tien_thuong_mai",
    ),
]


# --------------------------------------------------------------------------------------------------------------
# file plan


@dataclass
class FilePlan:
    spec: DocSpec
    fmt: str  # png | jpeg | tiff | pdf
    level: str  # L0_clean .. L3_heavy | digital (file level)
    mode: str  # L16 | L | 1 | RGB (scanned pages)
    pages: int
    dpi: int = 300
    rotations: list[int] = field(default_factory=list)
    digital_pages: list[int] = field(default_factory=list)  # 0-based page indices rendered as text layer
    duplicate: bool = False


def plan_files(seed: int) -> list[FilePlan]:
    nm = Names(np.random.default_rng([seed, 1]))
    lpg_addr = nm.address(True)
    lpg_director = nm.person(False)
    mhs_lpg = f"{AGENCY_CODE}-240703-0006"
    mhs_attp = f"{AGENCY_CODE}-240528-0011"
    wine_a = wine_licence(
        nm,
        number="23/GP-SCT",
        issued=dt.date(2024, 8, 27),
        title="GIẤY PHÉP BÁN LẺ SẢN PHẨM RƯỢU",
        validity_phrase=False,
    )
    wine_b = wine_licence(
        nm, number="16/GP-SCT", issued=dt.date(2023, 3, 14), title="GIẤY PHÉP BÁN LẺ RƯỢU", validity_phrase=True
    )
    wine_district = wine_licence(
        nm,
        number="05/GP-UBND",
        issued=dt.date(2024, 5, 20),
        title="GIẤY PHÉP BÁN LẺ RƯỢU",
        validity_phrase=False,
        district="Vân Khê",
    )
    wine_old = wine_licence(
        nm,
        number="38/GP-SCT",
        issued=dt.date(2019, 9, 10),
        title="GIẤY PHÉP BÁN LẺ SẢN PHẨM RƯỢU",
        validity_phrase=False,
    )
    return [
        FilePlan(wine_a, "pdf", "digital", "RGB", 1, digital_pages=[0]),
        FilePlan(wine_b, "png", "L0_clean", "L16", 1, 300),
        FilePlan(wine_district, "jpeg", "L1_light", "L", 1, 300),
        FilePlan(qd_hoa_chat(nm), "tiff", "L1_light", "1", 2, 300),
        FilePlan(bao_cao_cchc(nm), "pdf", "L2_medium", "L", 2, 200),
        FilePlan(to_trinh_xttm(nm), "pdf", "L1_light", "L", 2, 200, digital_pages=[0]),
        FilePlan(gcn_attp(nm, mhs_attp), "jpeg", "L2_medium", "RGB", 1, 200),
        FilePlan(gcn_lpg(nm, mhs_lpg, lpg_addr), "jpeg", "L3_heavy", "L", 1, 200, rotations=[180]),
        FilePlan(cv_khuyen_mai(nm), "jpeg", "L1_light", "L", 1, 200, rotations=[90]),
        FilePlan(don_lpg(nm, mhs_lpg, lpg_addr, lpg_director), "png", "L0_clean", "1", 1, 300),
        FilePlan(bien_ban_attp(nm, mhs_attp), "tiff", "L2_medium", "L16", 1, 200),
        FilePlan(thong_bao_dien(nm), "jpeg", "L2_medium", "L", 1, 300, rotations=[270]),
        FilePlan(bien_nhan_lpg(nm, mhs_lpg, lpg_addr, lpg_director), "png", "L1_light", "L16", 1, 300),
        FilePlan(qd_ubnd_xang_dau(nm), "jpeg", "L3_heavy", "L", 1, 200),
        FilePlan(wine_b, "jpeg", "L1_light", "L", 1, 200, duplicate=True),
        FilePlan(wine_old, "tiff", "L0_clean", "1", 1, 300),
    ]


# --------------------------------------------------------------------------------------------------------------
# scan simulation


@dataclass
class ScanParams:
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
}


def scan_params(rng: np.random.Generator, level: str, dpi: int, mode: str, fmt: str, rotation: int) -> ScanParams:
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


def render_page(page: PageLayout, dpi: int, rng: np.random.Generator) -> Image.Image:
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


# --------------------------------------------------------------------------------------------------------------
# born-digital rendering (reportlab)


def draw_digital_page(c: rl_canvas.Canvas, page: PageLayout, rng: np.random.Generator) -> None:
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


# --------------------------------------------------------------------------------------------------------------
# output


FMT_EXT = {"png": "png", "jpeg": "jpg", "tiff": "tif", "pdf": "pdf"}


def write_file(plan: FilePlan, layouts: list[PageLayout], path: Path, seed: int, idx: int) -> list[dict[str, Any]]:
    """Render and save one file; returns page_data."""
    page_data: list[dict[str, Any]] = []
    images: list[Image.Image] = []
    jpeg_pages: dict[int, bytes] = {}
    for pno, layout in enumerate(layouts):
        rng = np.random.default_rng([seed, 2, idx, pno])
        base: dict[str, Any] = {"page": pno + 1}
        if pno in plan.digital_pages:
            base.update(
                scanned=False,
                text_layer=True,
                level="digital",
                dpi=None,
                dpi_metadata=False,
                mode=None,
                skew_deg=0.0,
                rotation_cw=0,
            )
            page_data.append({**base, "lines": line_gt(layout), "text": layout.text()})
            continue
        rot = plan.rotations[pno] if pno < len(plan.rotations) else 0
        p = scan_params(rng, plan.level, plan.dpi, plan.mode, plan.fmt, rot)
        img = degrade(render_page(layout, plan.dpi, rng), p, rng)
        images.append(img)
        if plan.fmt == "pdf" and plan.digital_pages:
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=p.jpeg_q or 80, dpi=(plan.dpi, plan.dpi))
            jpeg_pages[pno] = buf.getvalue()
        base.update(
            scanned=True,
            text_layer=False,
            level=plan.level,
            dpi=plan.dpi,
            dpi_metadata=True,
            mode={"L16": "L"}.get(plan.mode, plan.mode),
            rotation_cw=rot,
        )
        base.update(p.as_gt())
        base["image_px"] = list(img.size)
        page_data.append({**base, "lines": line_gt(layout), "text": layout.text()})
    dpi2 = (plan.dpi, plan.dpi)
    if plan.digital_pages:
        c = rl_canvas.Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
        c.setAuthor(plan.spec.co_quan)
        c.setTitle(plan.spec.trich_yeu)
        c.setCreator("make_samples.py")
        for pno, layout in enumerate(layouts):
            if pno in plan.digital_pages:
                draw_digital_page(c, layout, np.random.default_rng([seed, 3, idx, pno]))
            else:
                c.drawImage(ImageReader(io.BytesIO(jpeg_pages[pno])), 0, 0, PAGE_W, PAGE_H)
            c.showPage()
        c.save()
    elif plan.fmt == "png":
        images[0].save(path, "PNG", dpi=dpi2, compress_level=6)
    elif plan.fmt == "jpeg":
        q = page_data[0]["jpeg_quality"]
        images[0].save(path, "JPEG", quality=q, dpi=dpi2, subsampling=2)
    elif plan.fmt == "tiff":
        comp = "group4" if plan.mode == "1" else "tiff_deflate"
        images[0].save(path, "TIFF", save_all=True, append_images=images[1:], compression=comp, dpi=dpi2)
    elif plan.fmt == "pdf":
        q = min(pd["jpeg_quality"] for pd in page_data)
        images[0].save(
            path,
            "PDF",
            save_all=True,
            append_images=images[1:],
            resolution=float(plan.dpi),
            quality=q,
            title=plan.spec.trich_yeu,
            creationDate=FIXED_TIME,
            modDate=FIXED_TIME,
        )
    return page_data


def line_gt(layout: PageLayout) -> list[dict[str, Any]]:
    rows = {round(ln.baseline, 2): i for i, ln in enumerate(r[0] for r in layout.rows())}
    return [
        {
            "text": ln.text,
            "role": ln.role,
            "bbox_pt": ln.bbox(),
            "baseline_pt": round(ln.baseline, 2),
            "size_pt": ln.size,
            "row": rows[round(ln.baseline, 2)],
        }
        for ln in sorted(layout.lines, key=lambda ln: (ln.baseline, ln.x0))
    ]


def gt_record(plan: FilePlan, stem: str, fname: str, page_data: list[dict[str, Any]]) -> dict[str, Any]:
    s = plan.spec
    scanned = [pd for pd in page_data if pd["scanned"]]
    marks = {
        "stamp": bool(s.signer.seal),
        "signature": bool(s.signer.signature),
        "copy_stamp": False,
    }
    return {
        "file": fname,
        "stem": stem,
        "format": plan.fmt,
        "pages": len(page_data),
        "born_digital": not scanned,
        "has_text_layer": bool(plan.digital_pages),
        "level": plan.level,
        "font_family": FONT.family,
        "doc_type": s.doc_type,
        "doc_subtype": s.doc_subtype,
        "field": s.field_code,
        "so_ky_hieu": s.so_ky_hieu,
        "ngay_ban_hanh": s.ngay_ban_hanh,
        "co_quan_ban_hanh": s.co_quan,
        "co_quan_aliases": s.co_quan_aliases,
        "nguoi_ky": s.signer.name,
        "chuc_vu_nguoi_ky": " ".join(s.signer.titles),
        "trich_yeu": s.trich_yeu,
        "hieu_luc_den": s.hieu_luc_den,
        "ma_ho_so": s.ma_ho_so,
        "chu_the": s.chu_the,
        "tthc_result": s.tthc,
        "duplicate_of_result": plan.duplicate,
        "marks": marks,
        "page_data": page_data,
        "text": "\f".join(pd["text"] for pd in page_data),
    }


def register_rows(plans: list[FilePlan]) -> list[dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for plan in plans:
        s = plan.spec
        if s.tthc and s.tthc["in_register"]:
            rows[s.tthc["register_key"]] = {
                "so_ky_hieu": s.so_ky_hieu or "",
                "loai": s.tthc["loai"],
                "ngay_ban_hanh": s.ngay_ban_hanh,
                "hieu_luc_den": s.hieu_luc_den or "",
                "chu_the": s.chu_the or "",
                "linh_vuc": s.field_code,
            }
    for so, loai, issued, until, chu_the, fld in EXTRA_REGISTER:
        rows[f"{so}|{issued}"] = {
            "so_ky_hieu": so,
            "loai": loai,
            "ngay_ban_hanh": issued,
            "hieu_luc_den": until,
            "chu_the": chu_the,
            "linh_vuc": fld,
        }
    return sorted(rows.values(), key=lambda r: (r["ngay_ban_hanh"], r["so_ky_hieu"]))


def coverage(register: list[dict[str, str]], gts: list[dict[str, Any]]) -> dict[str, Any]:
    digitized = {g["tthc_result"]["register_key"] for g in gts if g["tthc_result"] and g["tthc_result"]["in_register"]}
    out: dict[str, Any] = {}
    for day in AS_OF:
        valid = sorted(
            f"{r['so_ky_hieu']}|{r['ngay_ban_hanh']}"
            for r in register
            if r["ngay_ban_hanh"] <= day and (not r["hieu_luc_den"] or r["hieu_luc_den"] >= day)
        )
        dig = [k for k in valid if k in digitized]
        out[day] = {
            "register": len(register),
            "valid": len(valid),
            "digitized": len(dig),
            "rate": round(len(dig) / len(valid), 4) if valid else 0.0,
            "valid_keys": valid,
            "digitized_keys": dig,
        }
    return out


def generate(out_dir: Path, seed: int, font: str = "auto") -> list[dict[str, Any]]:
    check_fonts(font)
    rl_config.useA85 = 0  # binary image streams: smaller and faster
    files_dir, gt_dir = out_dir / "files", out_dir / "gt"
    files_dir.mkdir(parents=True, exist_ok=True)
    gt_dir.mkdir(parents=True, exist_ok=True)
    manifest = out_dir / "manifest.csv"
    manifest.unlink(missing_ok=True)  # absent until the set is complete
    for stale in [*files_dir.glob("doc_*"), *gt_dir.glob("doc_*")]:
        stale.unlink()
    plans = plan_files(seed)
    check_coverage([ln.text for plan in plans for pg in compose(plan.spec) for ln in pg.lines])
    gts: list[dict[str, Any]] = []
    man_rows: list[list[Any]] = []
    for idx, plan in enumerate(plans, start=1):
        layouts = compose(plan.spec)
        if len(layouts) != plan.pages:
            raise RuntimeError(f"doc {idx}: layout gave {len(layouts)} pages, planned {plan.pages}")
        stem = f"doc_{idx:04d}"
        fname = f"{stem}.{FMT_EXT[plan.fmt]}"
        path = files_dir / fname
        page_data = write_file(plan, layouts, path, seed, idx)
        gt = gt_record(plan, stem, fname, page_data)
        gts.append(gt)
        (gt_dir / f"{stem}.json").write_text(json.dumps(gt, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        (gt_dir / f"{stem}.txt").write_text(gt["text"], encoding="utf-8")
        man_rows.append([fname, plan.fmt, gt["pages"], plan.level, path.stat().st_size])
    register = register_rows(plans)
    with (out_dir / "valid_results_register.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(
            fh,
            fieldnames=["so_ky_hieu", "loai", "ngay_ban_hanh", "hieu_luc_den", "chu_the", "linh_vuc"],
            lineterminator="\n",
        )
        w.writeheader()
        w.writerows(register)
    cov = coverage(register, gts)
    (gt_dir / "coverage.json").write_text(json.dumps(cov, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp = out_dir / "manifest.csv.tmp"
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        mw = csv.writer(fh, lineterminator="\n")
        mw.writerow(["file", "format", "pages", "level", "bytes"])
        mw.writerows(man_rows)
    tmp.replace(manifest)
    return gts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--seed", type=int, default=20240924)
    ap.add_argument(
        "--font",
        choices=["auto", *dict.fromkeys(c[0] for c in FONT_CANDIDATES)],
        default="auto",
        help="serif family (auto: Liberation Serif 2.x if installed, else Noto Serif)",
    )
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    gts = generate(args.out_dir, args.seed, args.font)
    pages = sum(g["pages"] for g in gts)
    print(f"make_samples: {len(gts)} files, {pages} pages -> {args.out_dir} ({time.monotonic() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
