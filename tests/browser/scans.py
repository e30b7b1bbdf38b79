"""Small synthetic scans of Vietnamese administrative papers for the browser test (Pillow + Liberation Serif)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

_FONTS = Path("/usr/share/fonts/truetype")
# (regular, bold) in order of preference. Debian's fonts-liberation 1.07 lacks the Vietnamese letters
# (Ệ, Ư, Ộ ...), fonts-liberation2 has them; Noto Serif and DejaVu Serif as fallbacks.
CANDIDATES = [
    (_FONTS / "liberation2/LiberationSerif-Regular.ttf", _FONTS / "liberation2/LiberationSerif-Bold.ttf"),
    (_FONTS / "liberation/LiberationSerif-Regular.ttf", _FONTS / "liberation/LiberationSerif-Bold.ttf"),
    (_FONTS / "noto/NotoSerif-Regular.ttf", _FONTS / "noto/NotoSerif-Bold.ttf"),
    (_FONTS / "dejavu/DejaVuSerif.ttf", _FONTS / "dejavu/DejaVuSerif-Bold.ttf"),
]
WIDTH, HEIGHT = 1240, 1754  # A4 at 150 dpi

HEADER = [
    ("UBND TỈNH BẮC SƠN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("SỞ CÔNG THƯƠNG", "Độc lập - Tự do - Hạnh phúc"),
]

DOCUMENTS: dict[str, dict[str, object]] = {
    "giay-phep-ban-le-ruou.png": {
        "number": "Số: 12/GP-SCT",
        "date": "Bắc Sơn, ngày 15 tháng 3 năm 2023",
        "title": "GIẤY PHÉP BÁN LẺ RƯỢU",
        "body": [
            "GIÁM ĐỐC SỞ CÔNG THƯƠNG TỈNH BẮC SƠN",
            "Căn cứ Nghị định số 105/2017/NĐ-CP ngày 14 tháng 9 năm 2017 của Chính phủ",
            "về kinh doanh rượu;",
            "Xét đề nghị của Cửa hàng Hoa Mai,",
            "QUYẾT ĐỊNH:",
            "1. Cho phép: Cửa hàng Hoa Mai",
            "Địa chỉ: số 8 đường Lê Lợi, phường Trung Tâm, thành phố Bắc Sơn.",
            "Được phép bán lẻ sản phẩm rượu tại địa điểm trên.",
            "2. Giấy phép này có hiệu lực đến ngày 15 tháng 3 năm 2028.",
        ],
        "signer": ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "", "Nguyễn Văn Bình"],
    },
    "quyet-dinh-hoa-chat.png": {
        "number": "Số: 45/QĐ-SCT",
        "date": "Bắc Sơn, ngày 2 tháng 6 năm 2022",
        "title": "QUYẾT ĐỊNH",
        "subtitle": "Về việc phê duyệt kế hoạch ứng phó sự cố hóa chất",
        "body": [
            "GIÁM ĐỐC SỞ CÔNG THƯƠNG TỈNH BẮC SƠN",
            "Căn cứ Luật Hóa chất ngày 21 tháng 11 năm 2007;",
            "Xét đề nghị của Công ty TNHH Hóa chất An Phát,",
            "QUYẾT ĐỊNH:",
            "Điều 1. Phê duyệt kế hoạch phòng ngừa, ứng phó sự cố hóa chất",
            "của Công ty TNHH Hóa chất An Phát.",
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
        ],
        "signer": ["GIÁM ĐỐC", "", "", "Trần Thị Lan"],
    },
    "thong-bao-lich-tiep-dan.png": {
        "number": "Số: 88/TB-SCT",
        "date": "Bắc Sơn, ngày 10 tháng 1 năm 2024",
        "title": "THÔNG BÁO",
        "subtitle": "Lịch tiếp công dân năm 2024",
        "body": [
            "Sở Công Thương tỉnh Bắc Sơn thông báo lịch tiếp công dân",
            "vào sáng thứ Năm hằng tuần tại trụ sở Sở, số 1 đường Hùng Vương.",
            "Đề nghị các tổ chức, cá nhân liên hệ bộ phận một cửa.",
        ],
        "signer": ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG", "", "Lê Minh Tuấn"],
    },
}


def _glyph(font: ImageFont.FreeTypeFont, ch: str) -> bytes:
    image = Image.new("L", (48, 48), 0)
    ImageDraw.Draw(image).text((8, 4), ch, fill=255, font=font)
    return image.tobytes()


def _has_vietnamese(path: Path) -> bool:
    font = ImageFont.truetype(str(path), 24)
    missing = _glyph(font, "\uffff")  # a non-character: drawn as the .notdef box
    return all(_glyph(font, ch) != missing for ch in "ỆỰỘƠ")


def fonts() -> tuple[Path, Path]:
    """(regular, bold) of the first installed serif font that can write Vietnamese."""
    for regular, bold in CANDIDATES:
        if regular.is_file() and bold.is_file() and _has_vietnamese(regular):
            return regular, bold
    raise RuntimeError("no serif font with Vietnamese letters (install fonts-liberation2 or fonts-noto-core)")


def _center(draw: ImageDraw.ImageDraw, text: str, x: int, y: int, font: ImageFont.FreeTypeFont) -> None:
    width = draw.textlength(text, font=font)
    draw.text((x - width / 2, y), text, fill=0, font=font)


def render(spec: dict[str, object], path: Path) -> None:
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(image)
    regular_path, bold_path = fonts()
    regular = ImageFont.truetype(str(regular_path), 26)
    bold = ImageFont.truetype(str(bold_path), 26)
    title = ImageFont.truetype(str(bold_path), 34)
    y = 110
    for left, right in HEADER:
        _center(draw, left, 330, y, bold)
        _center(draw, right, 850, y, bold)
        y += 40
    y += 30
    _center(draw, str(spec["number"]), 330, y, regular)
    _center(draw, str(spec["date"]), 850, y, regular)
    y += 110
    _center(draw, str(spec["title"]), WIDTH // 2, y, title)
    y += 55
    if spec.get("subtitle"):
        _center(draw, str(spec["subtitle"]), WIDTH // 2, y, bold)
        y += 60
    y += 30
    for line in spec["body"]:  # type: ignore[attr-defined]
        draw.text((150, y), str(line), fill=0, font=regular)
        y += 44
    y += 60
    for line in spec["signer"]:  # type: ignore[attr-defined]
        _center(draw, str(line), 900, y, bold)
        y += 40
    image.save(path, dpi=(150, 150))


def make_scans(folder: Path) -> list[Path]:
    """Write into ``folder`` the three scans, a blank page (no text to find), a PDF cut off while copying
    (it fails in a worker) and a ``.pdf`` of random bytes (refused at upload); returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, spec in DOCUMENTS.items():
        render(spec, folder / name)
        paths.append(folder / name)
    blank = folder / "trang-trang.png"
    Image.new("L", (WIDTH, HEIGHT), 255).save(blank, dpi=(150, 150))
    broken = folder / "ban-quet-hong.pdf"
    broken.write_bytes(b"%PDF-1.4\n% cut off while copying\n1 0 obj <<")
    noise = folder / "tep-ngau-nhien.pdf"
    noise.write_bytes(b"\x8a.S\x00,=]\xb5l" + bytes(range(256)) * 4)
    return [*paths, blank, broken, noise]
