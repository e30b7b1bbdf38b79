"""The OCR stage (``read_document``) on pages these tests draw themselves (Pillow + Liberation Serif,
reportlab for born-digital PDFs). Real Tesseract and poppler; each test OCRs at most two small pages."""

from __future__ import annotations

import io
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter

from tests.conftest import make_settings, unavailable
from workers.errors import PermanentError
from workers.pipeline import ocr, poppler, prepare, tesseract
from workers.pipeline.ocr import read_document
from workers.settings import Limits, Settings
from workers.textnorm import folded_tokens

FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation"))

LINES = [
    "UBND TỈNH LẠNG SƠN",
    "GIẤY CHỨNG NHẬN ĐỦ ĐIỀU KIỆN AN TOÀN THỰC PHẨM",
    "Căn cứ Luật An toàn thực phẩm ngày 17 tháng 6 năm 2010;",
    "Xét đề nghị của Trưởng phòng Quản lý thương mại,",
    "Cơ sở: Công ty Cổ phần Thực phẩm sạch Gia Khang",
    "Địa chỉ: Thôn Lũng Vài, xã Hùng Sơn, huyện Tràng Định",
    "Đủ điều kiện an toàn thực phẩm theo quy định để kinh doanh",
    "đồ uống không cồn, nước giải khát và các sản phẩm khác.",
    "Giấy chứng nhận có hiệu lực đến ngày 08 tháng 6 năm 2026.",
]
DIGITAL_LINES = [
    "SỞ CÔNG THƯƠNG Độc lập - Tự do - Hạnh phúc",
    "Số: 15/GP-SCT Lạng Sơn, ngày 08 tháng 4 năm 2022",
    "GIẤY PHÉP HOẠT ĐỘNG ĐIỆN LỰC",
]


def _font_file() -> Path:
    for directory in FONT_DIRS:
        path = directory / "LiberationSerif-Regular.ttf"
        if path.is_file():
            return path
    unavailable("fonts-liberation2 is not installed (scripts/_setup.sh installs it)")


def _lines() -> list[str]:
    # fonts-liberation 1.x has no Vietnamese capitals with two marks; fall back to unaccented text.
    if (FONT_DIRS[0] / "LiberationSerif-Regular.ttf").is_file():
        return LINES
    return [" ".join(folded_tokens(line)) for line in LINES]


def render_page(lines: list[str], dpi: int = 200, size_in: tuple[float, float] = (8.27, 5.6)) -> Image.Image:
    """A clean grey page of 14 pt text at ``dpi``."""
    w, h = round(size_in[0] * dpi), round(size_in[1] * dpi)
    page = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(_font_file()), round(14 / 72 * dpi))
    y = round(0.5 * dpi)
    for line in lines:
        draw.text((round(0.8 * dpi), y), line, font=font, fill=25)
        y += round(14 / 72 * dpi * 1.7)
    return page


def overlap(expected: str, got: str) -> float:
    """Share of the expected (folded) words found in ``got``."""
    want, have = Counter(folded_tokens(expected)), Counter(folded_tokens(got))
    return sum((want & have).values()) / max(1, sum(want.values()))


def png_file(im: Image.Image, path: Path, dpi: int = 200) -> Path:
    im.save(path, dpi=(dpi, dpi))
    return path


def pdf_bytes(pages: list[list[str] | Image.Image]) -> bytes:
    """A PDF made with reportlab: a list of lines is a born-digital page, an image a scanned page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("Serif", str(_font_file())))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for page in pages:
        if isinstance(page, Image.Image):
            size = (page.width / 200 * 72, page.height / 200 * 72)
            c.setPageSize(size)
            c.drawImage(ImageReader(page.convert("RGB")), 0, 0, *size)
        else:
            c.setPageSize(A4)
            c.setFont("Serif", 13)
            for i, line in enumerate(page):
                c.drawString(72, A4[1] - 90 - 22 * i, line)
        c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(autouse=True)
def _restore_pillow_limit() -> Iterator[None]:
    before = Image.MAX_IMAGE_PIXELS
    yield
    Image.MAX_IMAGE_PIXELS = before


@pytest.fixture
def page_image() -> Image.Image:
    return render_page(_lines())


def _read(path: Path, tmp_path: Path, settings: Settings) -> ocr.ReadResult:
    return read_document(path, tmp_path / "work", settings)


# --------------------------------------------------------------------------------------------- behaviour


def test_upside_down_page_is_turned_and_read(tmp_path: Path, settings: Settings, page_image: Image.Image) -> None:
    path = png_file(page_image.rotate(180), tmp_path / "upside_down.png")
    result = _read(path, tmp_path, settings)
    (page,) = result.pages
    assert page.source == "ocr"
    assert page.rotation == 180
    assert overlap("\n".join(_lines()), result.text) >= 0.85
    assert page.confidence is not None and page.confidence > 70


def test_upside_down_full_page_is_turned_without_orientation_detection(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_osd(*args: object, **kwargs: object) -> None:
        raise AssertionError("a full page should be turned from its line profiles alone")

    monkeypatch.setattr(tesseract, "orientation", no_osd)
    lines = _lines() * 2
    page = render_page(lines, size_in=(8.27, 9.0))
    result = _read(png_file(page.rotate(180), tmp_path / "turned.png"), tmp_path, settings)
    assert result.pages[0].rotation == 180
    assert overlap("\n".join(lines), result.text) >= 0.85


def test_sideways_page_is_turned_and_read(tmp_path: Path, settings: Settings, page_image: Image.Image) -> None:
    path = png_file(page_image.transpose(Image.Transpose.ROTATE_90), tmp_path / "sideways.png")
    (page,) = _read(path, tmp_path, settings).pages
    assert page.rotation == 90
    assert overlap("\n".join(_lines()), page.text) >= 0.85


def test_mixed_pdf_ocrs_only_its_scanned_pages(tmp_path: Path, settings: Settings, page_image: Image.Image) -> None:
    path = tmp_path / "mixed.pdf"
    path.write_bytes(pdf_bytes([DIGITAL_LINES, page_image]))
    result = _read(path, tmp_path, settings)
    assert [p.source for p in result.pages] == ["text_layer", "ocr"]
    assert result.pages_ocr == 1
    assert result.pages[0].text == "\n".join(DIGITAL_LINES)
    assert overlap("\n".join(_lines()), result.pages[1].text) >= 0.9
    assert result.text.count("\f") == 1
    assert result.searchable_pdf is not None
    out = PdfReader(result.searchable_pdf)
    assert len(out.pages) == 2
    first = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", str(result.searchable_pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert " ".join(first.split()) == " ".join(" ".join(DIGITAL_LINES).split())  # copied as it was


def test_born_digital_pdf_is_never_ocrd(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a born-digital page was sent to OCR")

    for module, name in ((tesseract, "ocr"), (tesseract, "orientation"), (poppler, "rasterize")):
        monkeypatch.setattr(module, name, forbidden)
    monkeypatch.setattr(poppler, "extract_image", forbidden)
    path = tmp_path / "digital.pdf"
    path.write_bytes(pdf_bytes([DIGITAL_LINES, DIGITAL_LINES[::-1], ["2"]]))
    result = _read(path, tmp_path, settings)
    assert [p.source for p in result.pages] == ["text_layer"] * 3
    assert result.pages[0].text == "\n".join(DIGITAL_LINES)
    assert result.text == "\n".join(DIGITAL_LINES) + "\f" + "\n".join(DIGITAL_LINES[::-1]) + "\f2"
    assert result.searchable_pdf is None  # the source is already searchable
    assert result.confidence is None


def test_searchable_pdf_text_layer_round_trips(tmp_path: Path, settings: Settings, page_image: Image.Image) -> None:
    path = png_file(page_image, tmp_path / "scan.png")
    result = _read(path, tmp_path, settings)
    assert result.searchable_pdf is not None and result.searchable_pdf.is_file()
    text = subprocess.run(
        ["pdftotext", str(result.searchable_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert overlap(result.text, text) >= 0.95
    assert overlap("\n".join(_lines()), text) >= 0.9
    reader = PdfReader(result.searchable_pdf)
    assert len(reader.pages) == 1
    width_in = float(reader.pages[0].mediabox.width) / 72
    assert abs(width_in - page_image.width / 200) < 0.05  # the page keeps its physical size
    assert result.searchable_pdf.stat().st_size < 4 * path.stat().st_size + 50_000


def test_jpeg_scan_is_embedded_as_it_is(tmp_path: Path, settings: Settings, page_image: Image.Image) -> None:
    path = tmp_path / "scan.jpg"
    page_image.rotate(1.5, resample=Image.Resampling.BICUBIC, fillcolor=255).convert("RGB").save(
        path, "JPEG", quality=60, dpi=(200, 200)
    )
    result = _read(path, tmp_path, settings)
    assert result.searchable_pdf is not None
    assert abs(result.pages[0].skew - 1.5) < 0.3
    out = tmp_path / "extracted"
    subprocess.run(["pdfimages", "-j", str(result.searchable_pdf), str(out)], check=True)
    assert (tmp_path / "extracted-000.jpg").read_bytes() == path.read_bytes()  # no re-encoding


def test_text_is_nfc_and_in_visual_rows(tmp_path: Path, settings: Settings) -> None:
    dpi = 200
    page = Image.new("L", (round(8.27 * dpi), round(3 * dpi)), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(_font_file()), round(13 / 72 * dpi))
    left, right = _lines()[0], "CONG HOA XA HOI CHU NGHIA"
    draw.text((round(0.6 * dpi), round(0.5 * dpi)), left, font=font, fill=0)
    draw.text((round(4.3 * dpi), round(0.5 * dpi)), right, font=font, fill=0)
    draw.text((round(0.6 * dpi), round(1.2 * dpi)), "Noi nhan: Nhu tren", font=font, fill=0)
    result = _read(png_file(page, tmp_path / "header.png"), tmp_path, settings)
    first_line = result.text.splitlines()[0]
    assert overlap(left + " " + right, first_line) >= 0.8  # both columns on the first row
    import unicodedata

    assert unicodedata.normalize("NFC", result.text) == result.text


# ------------------------------------------------------------------------------------------------ limits


def test_page_over_the_pixel_limit_fails(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home", limits=Limits(max_pixels=1_000_000))
    within_twice = png_file(Image.new("1", (1200, 1000), 1), tmp_path / "big.png")
    bomb = png_file(Image.new("1", (1500, 1500), 1), tmp_path / "bomb.png")  # > 2x: Pillow's bomb check
    for path in (within_twice, bomb):
        with pytest.raises(PermanentError) as err:
            _read(path, tmp_path, settings)
        assert err.value.code == "page_too_large"


def test_a_large_format_pdf_page_is_read_at_the_resolution_that_fits_and_the_rest_is_kept(
    tmp_path: Path, page_image: Image.Image
) -> None:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    title = Image.new("L", (3000, 300), 255)  # the drawing's title block, scanned at 100 ppi
    font = ImageFont.truetype(str(_font_file()), 110)
    ImageDraw.Draw(title).text((60, 80), "BAN VE MAT BANG KHO XANG DAU", font=font, fill=0)
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    size = (page_image.width / 200 * 72, page_image.height / 200 * 72)
    c.setPageSize(size)
    c.drawImage(ImageReader(page_image.convert("RGB")), 0, 0, *size)  # an ordinary scanned page
    c.showPage()
    c.setPageSize((30 * 72, 42 * 72))  # a 30 x 42 inch drawing, no text layer
    c.drawImage(ImageReader(title.convert("RGB")), 0, 42 * 72 - 5 * 72, 30 * 72, 3 * 72)
    c.rect(72, 72, 1000, 1000)
    c.showPage()
    c.save()
    path = tmp_path / "drawing.pdf"
    path.write_bytes(buf.getvalue())
    # read at 100 dpi the big page would be 3000 x 4200 px: more than the limit; 79 dpi fits
    settings = make_settings(tmp_path / "home", limits=Limits(max_pixels=8_000_000))
    result = _read(path, tmp_path, settings)
    assert [p.source for p in result.pages] == ["ocr", "ocr"]
    assert overlap(" ".join(_lines()), result.pages[0].text) >= 0.8  # the ordinary page is read
    big = result.pages[1]
    assert big.note == "downscaled" and big.width_px * big.height_px <= 8_000_000
    assert overlap("BAN VE MAT BANG KHO XANG DAU", big.text) >= 0.8
    assert result.pages[0].note is None


def test_a_page_too_large_even_at_the_lowest_resolution_still_fails(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(200 * 72, 200 * 72))  # 200 x 200 inch, no text layer
    c.rect(72, 72, 100, 100)
    c.showPage()
    c.save()
    path = tmp_path / "poster.pdf"
    path.write_bytes(buf.getvalue())
    settings = make_settings(tmp_path / "home", limits=Limits(max_pixels=5_000_000))
    with pytest.raises(PermanentError) as err:
        _read(path, tmp_path, settings)
    assert err.value.code == "page_too_large"


def test_a_low_resolution_page_is_not_upsampled_past_the_pixel_limit(tmp_path: Path) -> None:
    # 100 dpi scan: OCR would upsample it to 200 dpi (4x the pixels); the limit allows the page but not that
    page = render_page(_lines(), dpi=100, size_in=(20, 14))  # 2000 x 1400 = 2.8 Mpx
    path = png_file(page, tmp_path / "low.png", dpi=100)
    settings = make_settings(tmp_path / "home", limits=Limits(max_pixels=3_000_000))
    made: list[int] = []
    real_clean = ocr.prepare.clean

    def spy(im: Image.Image, dpi: int, target_dpi: int | None = None) -> tuple[Image.Image, int]:
        out = real_clean(im, dpi, target_dpi)
        made.append(out[0].width * out[0].height)
        return out

    ocr.prepare.clean = spy  # type: ignore[assignment]
    try:
        result = _read(path, tmp_path, settings)
    finally:
        ocr.prepare.clean = real_clean  # type: ignore[assignment]
    assert made and max(made) <= 3_000_000
    assert result.pages[0].source == "ocr"


def test_a_truncated_multipage_tiff_is_corrupt_not_internal(tmp_path: Path, page_image: Image.Image) -> None:
    buf = io.BytesIO()
    frames = [page_image, page_image.rotate(1, fillcolor=255), page_image]
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:], compression="tiff_lzw")
    data = buf.getvalue()
    for cut in (len(data) // 3, len(data) - 200):
        path = tmp_path / f"cut{cut}.tif"
        path.write_bytes(data[:cut])
        with pytest.raises(PermanentError) as err:
            _read(path, tmp_path, make_settings(tmp_path / "home"))
        assert err.value.code == "corrupt_file", cut
        assert str(tmp_path) not in err.value.message  # no worker path in what the operator sees


def test_a_pdf_with_only_an_owner_password_is_read_and_a_user_password_is_refused(
    tmp_path: Path, settings: Settings
) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes([DIGITAL_LINES])))
    writer.encrypt(user_password="", owner_password="owner")  # no copying, no printing: opens freely
    restricted = tmp_path / "restricted.pdf"
    with restricted.open("wb") as fh:
        writer.write(fh)
    result = _read(restricted, tmp_path, settings)
    assert overlap(" ".join(DIGITAL_LINES), result.text) >= 0.9 and result.pages[0].source == "text_layer"

    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes([DIGITAL_LINES])))
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(PermanentError) as err:
        _read(locked, tmp_path, settings)
    assert err.value.code == "encrypted_pdf"


def test_an_owner_password_scan_gets_a_searchable_copy(
    tmp_path: Path, settings: Settings, page_image: Image.Image
) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes([DIGITAL_LINES, page_image])))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    path = tmp_path / "mixed-restricted.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    result = _read(path, tmp_path, settings)
    assert [p.source for p in result.pages] == ["text_layer", "ocr"]
    assert result.searchable_pdf is not None
    copy = PdfReader(result.searchable_pdf)
    assert not copy.is_encrypted and len(copy.pages) == 2


def test_truncated_files_are_corrupt(tmp_path: Path, settings: Settings, page_image: Image.Image) -> None:
    pdf = pdf_bytes([DIGITAL_LINES, page_image])
    png = io.BytesIO()
    page_image.save(png, "PNG")
    for name, data in (("cut.pdf", pdf[: len(pdf) // 2]), ("cut.png", png.getvalue()[: len(png.getvalue()) // 2])):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(PermanentError) as err:
            _read(path, tmp_path, settings)
        assert err.value.code == "corrupt_file", name


def test_empty_and_unsupported_files(tmp_path: Path, settings: Settings) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    docx = tmp_path / "letter.pdf"
    docx.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    for path, code in ((empty, "empty_file"), (docx, "unsupported_type")):
        with pytest.raises(PermanentError) as err:
            _read(path, tmp_path, settings)
        assert err.value.code == code


def test_too_many_pages(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "home", limits=Limits(max_pages=1))
    frames = [Image.new("1", (300, 300), 1), Image.new("1", (300, 300), 1)]
    path = tmp_path / "two.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="group4")
    with pytest.raises(PermanentError) as err:
        _read(path, tmp_path, settings)
    assert err.value.code == "too_many_pages"


def _tesseract_processes(marker: str) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        if "tesseract" in cmdline and marker in cmdline:
            pids.append(int(proc.name))
    return pids


def test_page_timeout_kills_tesseract(tmp_path: Path, page_image: Image.Image) -> None:
    settings = make_settings(tmp_path / "home", limits=Limits(page_seconds=0.2))
    path = png_file(page_image, tmp_path / "slow.png")
    with pytest.raises(PermanentError) as err:
        _read(path, tmp_path, settings)
    assert err.value.code == "page_timeout"
    assert _tesseract_processes(str(tmp_path)) == []


@pytest.mark.slow
def test_multi_page_tiff_reads_every_frame_in_order(tmp_path: Path, settings: Settings) -> None:
    lines = _lines()
    frames = [render_page(lines[:5]).convert("1"), render_page(lines[5:]).convert("1")]
    path = tmp_path / "two.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="group4", dpi=(200, 200))
    result = _read(path, tmp_path, settings)
    assert result.kind == "tiff"
    assert [p.number for p in result.pages] == [1, 2]
    assert overlap("\n".join(lines[:5]), result.pages[0].text) >= 0.85
    assert overlap("\n".join(lines[5:]), result.pages[1].text) >= 0.85
    assert result.searchable_pdf is not None
    assert len(PdfReader(result.searchable_pdf).pages) == 2
    images = subprocess.run(
        ["pdfimages", "-list", str(result.searchable_pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "ccitt" in images  # bilevel scans stay bilevel (small)


# --------------------------------------------------------------------------------------------- the parts


def test_skew_is_measured_and_removed(page_image: Image.Image) -> None:
    skewed = page_image.rotate(2.0, resample=Image.Resampling.BICUBIC, fillcolor=255)
    layout = prepare.measure_geometry(skewed, 200)
    assert abs(layout.skew - 2.0) < 0.25
    assert not layout.sideways
    straight = prepare.deskew(skewed, layout.skew)
    assert abs(prepare.measure_geometry(straight, 200).skew) < 0.2
    assert prepare.measure_geometry(skewed.transpose(Image.Transpose.ROTATE_90), 200).sideways


def test_red_seal_is_lifted_black_text_kept() -> None:
    im = Image.new("RGB", (200, 100), (255, 255, 255))
    draw = ImageDraw.Draw(im)
    draw.ellipse((10, 10, 90, 90), outline=(220, 40, 40), width=6)
    draw.rectangle((120, 40, 180, 60), fill=(20, 20, 20))
    gray = prepare.ink_gray(im)
    seal, text = gray.getpixel((50, 13)), gray.getpixel((150, 50))
    assert isinstance(seal, int) and isinstance(text, int)
    assert seal > 200
    assert text < 60


def test_resolution_is_inferred_from_a4_size() -> None:
    assert prepare.infer_dpi((1654, 2339), None) == (200, True)
    assert prepare.infer_dpi((2480, 3508), 72.0) == (300, True)  # 72 dpi would be a 48 inch page
    assert prepare.infer_dpi((2480, 3508), 300.0) == (300, False)


def test_reading_order_joins_side_by_side_columns_and_drops_noise() -> None:
    def word(text: str, left: int, top: int, block: int, conf: float = 95.0, line: int = 1) -> tesseract.Word:
        return tesseract.Word(text, conf, left, top, 10 * len(text), 30, block, 1, line)

    words = [
        word("UBND", 100, 100, 1),
        word("TỈNH", 160, 102, 1),
        word("Noi", 100, 200, 1, line=2),
        word("CỘNG", 600, 98, 2),
        word("HÒA", 660, 99, 2),
        word("~.|", 400, 300, 3, conf=20.0),
    ]
    text, conf = tesseract.page_text(words)
    assert text == "UBND TỈNH CỘNG HÒA\nNoi"
    assert conf == 95.0


def test_a_one_pixel_image_is_a_blank_page_and_a_scan_without_text_goes_to_review(
    tmp_path: Path, settings: Settings
) -> None:
    from workers.pipeline.process import Processed
    from workers.pipeline.types import Analysis
    from workers.records import processed_fields

    path = png_file(Image.new("L", (1, 1), 255), tmp_path / "dot.png")
    result = _read(path, tmp_path, settings)
    assert [(p.text, p.note) for p in result.pages] == [("", "blank")]
    assert result.searchable_pdf is not None and result.searchable_pdf.exists()
    fields = processed_fields(Processed(read=result, analysis=Analysis(), seconds=0.1), settings.low_confidence)
    assert fields["state"] == "indexed" and fields["no_text"] is True and fields["review"] is True


def _pdf_with(tmp_path: Path, name: str, draw: Any) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    draw(c, A4)
    c.showPage()
    c.save()
    path = tmp_path / name
    path.write_bytes(buf.getvalue())
    return path


def test_a_text_layer_in_another_script_is_not_trusted_and_the_page_is_read(
    tmp_path: Path, settings: Settings, page_image: Image.Image
) -> None:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))

    def draw(c: Any, size: tuple[float, float]) -> None:
        c.drawImage(ImageReader(page_image.convert("RGB")), 0, 0, *size)
        text = c.beginText(72, size[1] - 90)
        text.setTextRenderMode(3)  # invisible, as a broken ToUnicode map would leave it
        text.setFont("STSong-Light", 12)
        for _ in range(8):
            text.textLine("中华人民共和国国家标准文件编号第三部分内容")
        c.drawText(text)

    result = _read(_pdf_with(tmp_path, "mojibake.pdf", draw), tmp_path, settings)
    assert result.pages[0].source == "ocr"
    assert overlap(" ".join(_lines()), result.text) >= 0.8 and "中" not in result.text


def test_a_table_of_contents_with_dot_leaders_keeps_its_text_layer(tmp_path: Path, settings: Settings) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("Serif", str(_font_file())))
    entries = ["Căn cứ pháp lý", "Thành phần hồ sơ", "Trình tự thực hiện", "Phí và lệ phí", "Kết quả"]

    def draw(c: Any, size: tuple[float, float]) -> None:
        c.setFont("Serif", 13)
        c.drawString(72, size[1] - 80, "MỤC LỤC")
        for i, entry in enumerate(entries):
            c.drawString(72, size[1] - 110 - 22 * i, f"{i + 1}. {entry} " + "." * 70 + f" {i + 3}")

    result = _read(_pdf_with(tmp_path, "toc.pdf", draw), tmp_path, settings)
    assert result.pages[0].source == "text_layer" and result.searchable_pdf is None
    assert all(entry in result.text for entry in entries)


def test_a_short_text_layer_over_a_scan_is_kept_and_the_scan_is_read_too(tmp_path: Path, settings: Settings) -> None:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("Serif", str(_font_file())))
    page_image = render_page(_lines(), dpi=200, size_in=(8.27, 11.69))  # a full A4 scan at 200 dpi

    def draw(c: Any, size: tuple[float, float]) -> None:
        c.drawImage(ImageReader(page_image.convert("RGB")), 0, 0, *size)
        c.setFont("Serif", 9)
        c.drawString(40, 20, "Bản sao điện tử - hệ thống một cửa tỉnh Lạng Sơn - trang 1")

    result = _read(_pdf_with(tmp_path, "stamped.pdf", draw), tmp_path, settings)
    assert result.pages[0].source == "ocr"
    assert "Bản sao điện tử" in result.text  # the layer's own words
    assert overlap(" ".join(_lines()), result.text) >= 0.8  # and the scan's


def test_a_scan_stored_in_an_unusual_colour_space_is_rendered_not_extracted_raw(
    tmp_path: Path, settings: Settings, page_image: Image.Image
) -> None:
    from reportlab.lib.utils import ImageReader

    cmyk = page_image.convert("CMYK")  # printers' and some scanners' colour space: extracted raw it inverts

    def draw(c: Any, size: tuple[float, float]) -> None:
        w, h = page_image.width / 200 * 72, page_image.height / 200 * 72
        c.setPageSize((w, h))
        c.drawImage(ImageReader(cmyk), 0, 0, w, h)

    path = _pdf_with(tmp_path, "cmyk.pdf", draw)
    images = poppler.page_images(path, 1, timeout=30, memory_mb=1024)
    assert images[1].plain is False  # listed as CMYK: not extracted as stored
    result = _read(path, tmp_path, settings)
    assert overlap(" ".join(_lines()), result.text) >= 0.8


def test_a_very_high_resolution_scan_is_read_line_for_line(tmp_path: Path, settings: Settings) -> None:
    from reportlab.lib.utils import ImageReader

    ppi, size_in = 2400, (3.5, 2.2)
    image = Image.new("1", (round(size_in[0] * ppi), round(size_in[1] * ppi)), 1)  # 8400 x 5280 bilevel
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(_font_file()), round(10 / 72 * ppi))
    lines = [f"Dòng {i + 1}: Giấy phép bán lẻ rượu số {30 + i}/GP-SCT" for i in range(8)]
    for i, line in enumerate(lines):
        draw.text((round(0.2 * ppi), round((0.15 + 0.25 * i) * ppi)), line, font=font, fill=0)

    def paint(c: Any, _size: tuple[float, float]) -> None:
        c.setPageSize((size_in[0] * 72, size_in[1] * 72))
        c.drawImage(ImageReader(image), 0, 0, size_in[0] * 72, size_in[1] * 72)

    result = _read(_pdf_with(tmp_path, "2400ppi.pdf", paint), tmp_path, settings)
    read = [ln for ln in result.text.splitlines() if ln.strip()]
    assert len(read) == len(lines), result.text  # no line lost on the way down to the OCR resolution
    assert overlap(" ".join(lines), result.text) >= 0.9
