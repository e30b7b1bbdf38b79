"""Line breaking and page composition: flows a DocSpec onto A4 pages in the Nghị định 30/2020 arrangement."""

from __future__ import annotations

from .fonts import fs, nfc, text_width
from .page import BODY_PITCH, BODY_W, BOTTOM, LC, LCOL_W, LM, PAGE_W, RC, RM, SIG_PITCH, TOP, Line, Mark, PageLayout
from .spec import DocSpec, Para


def wrap(text: str, style: str, nominal: float, width: float, first_indent: float = 0.0) -> list[str]:
    """Greedy word wrap at a nominal size; returns the exact line texts (NFC, single spaces)."""
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


class Composer:
    """Flows a DocSpec onto A4 pages (points, origin top-left); ``y`` is the baseline of the last line placed."""

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
        """Issuer and national motto side by side, then number, place and date, and the V/v summary.

        The ``compact`` layout stacks the number and the V/v summary straight under the issuer and the place
        and date straight under the motto, with the two columns closer together: a long issuer then shares
        its rows with the place and date (what OCR reads as one line of both columns).
        """
        if spec.header_layout == "compact":
            self._compact_header(spec)
            return
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
        for t in wrap(spec.vv, "R", 12.0, LCOL_W) if spec.vv else []:
            b += 14.5
            self.centered(t, LC, b, 12.0, "R", "trich_yeu")
        self.y = b + 16

    def _compact_header(self, spec: DocSpec) -> None:
        lc, rc = LC + 8.0, RC
        left: list[tuple[str, str, float, str]] = []
        for text, style in spec.header_left:
            left += [(t, style, 12.5, "header_left") for t in balanced_wrap(text, style, 12.5, LCOL_W)]
        n_issuer = len(left)
        if spec.so_line:
            left.append((spec.so_line, "R", 13.0, "so_ky_hieu"))
        left += [(t, "R", 12.0, "trich_yeu") for t in (wrap(spec.vv, "R", 12.0, LCOL_W) if spec.vv else [])]
        right = [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 12.5, "header_right"),
            ("Độc lập - Tự do - Hạnh phúc", "B", 13.0, "header_right"),
            (spec.place_date, "I", 13.0, "place_date"),
        ]
        b0 = TOP + 6
        for i, (t, st, sz, role) in enumerate(right):
            ln = self.centered(t, rc, b0 + i * 16.5, sz, st, role)
            if i == 1:
                self.rule(ln.x0, ln.x0 + ln.width, ln.baseline + 3.5)
        for i, (t, st, sz, role) in enumerate(left):
            ln = self.centered(t, lc, b0 + i * 16.5, sz, st, role)
            if i == n_issuer - 1:
                w = min(ln.width, 90.0) / 2
                self.rule(lc - w, lc + w, ln.baseline + 3.5)
        self.y = b0 + (max(len(left), len(right)) - 1) * 16.5 + 16

    def titles(self, spec: DocSpec) -> None:
        """Bold centred title and subtitle lines, a short rule under them, then the ``Kính gửi`` line."""
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
        """Signer on the right; on the left either a second signer or the ``Nơi nhận`` list. Kept on one page."""
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
    """Lay out a whole document; deterministic, and needs the font family chosen (fonts.check_fonts) first."""
    c = Composer()
    c.header(spec)
    c.titles(spec)
    for p in spec.body:
        c.para(p)
    c.signoff(spec)
    return c.pages
