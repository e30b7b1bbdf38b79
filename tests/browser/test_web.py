"""The web app in a real headless Chromium against ``sohoa serve`` with the real OCR pipeline.

One journey, in order, on a desktop screen (1366x768): sign in as the demo admin; upload scans with a
batch name typed as people type it and a dossier code the one-stop list does not have (held, fixed, sent
again), watching them finish live: a blank scan warned of, a PDF cut off while copying failing in a
worker and retried, a ``.pdf`` of random bytes refused at upload as a broken PDF; the same file again
(a duplicate, linked to the first copy); the batches pages; search (diacritics, validity badges,
thumbnails, sort and a dd/mm/yyyy date); a document page from the results (back to them, next hit, zoom,
names rather than codes); the register entry it matches, unlinked and linked again; corrections the
rules refuse and one they take; review one by one; register import; coverage with the document proving
each result and its workbook; the audit log; an operator; dossier pages.

Then the same app on a phone (390x844): every page fits the screen's width, the menu and filters fold,
rows become cards, and items 1-8 of the issue are done again there.

Every page is saved to ``test-artifacts/screenshots/`` at both sizes. Any JavaScript error, CSP
violation or ``alert()`` on any page fails the test.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import DEMO, Server, assert_fits, screenshot
from tests.browser.scans import make_scans
from tests.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

REGISTER = (
    "so_ky_hieu,loai,ngay_ban_hanh,hieu_luc_den,chu_the,linh_vuc\n"
    "12/GP-SCT,Giấy phép bán lẻ rượu,2023-03-15,2028-03-15,Cửa hàng Hoa Mai,ruou\n"
    "13/GP-SCT,Giấy phép bán lẻ rượu,2023-04-20,2028-04-20,Cửa hàng Minh Châu,ruou\n"
    "45/QĐ-SCT,Quyết định phê duyệt kế hoạch ứng phó sự cố hóa chất,2022-06-02,,Công ty TNHH Hóa chất An Phát,hoa_chat\n"
    "9/GP-SCT,Giấy phép bán lẻ rượu,2017-01-05,2022-01-05,Cửa hàng cũ,ruou\n"
)
ONE_STOP = (
    "ma_ho_so,thu_tuc,linh_vuc,chu_the,ngay_tiep_nhan,ngay_hen_tra,ngay_tra_ket_qua,trang_thai,"
    "ket_qua_so_ky_hieu,ket_qua_ngay_ban_hanh\n"
    "000.00.17.H42-240315-0001,Cấp Giấy phép bán lẻ rượu,ruou,Cửa hàng Hoa Mai,01/03/2023,15/03/2023,15/03/2023,"
    "da_tra_ket_qua,12/GP-SCT,15/03/2023\n"
    "000.12.37.H37-240301-0042,Cấp Giấy phép bán lẻ rượu,ruou,Hộ kinh doanh Hoa Mai,01/03/2024,15/03/2024,20/03/2024,"
    "da_tra_ket_qua,12/GP-SCT,20/03/2024\n"
)
OCR_TIMEOUT_MS = 600_000
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
FILES = 6
FINAL = (
    "(n) => { const rows = [...document.querySelectorAll('#files tr')]; return rows.length === n && "
    "rows.every(r => ['indexed', 'failed'].includes(r.dataset.state)); }"
)


class Journey:
    """State carried from one step to the next."""

    typed_batch = "Lô quét 15/03 phòng một cửa"
    batch = "Lô quét 15-03 phòng một cửa"
    dossier = "000.00.17.H42-240315-0001"
    scans: ClassVar[list[Path]] = []
    licence_url = ""


def _context(browser: Any, viewport: dict[str, int]) -> Any:
    context = browser.new_context(locale="vi-VN", viewport=viewport, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    pg.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    pg.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    pg.errors = errors
    return pg


@pytest.fixture(scope="module")
def page(browser: Any, server: Server) -> Iterator[Any]:
    pg = _context(browser, DESKTOP)
    yield pg
    pg.context.close()


@pytest.fixture(scope="module")
def phone(browser: Any, server: Server) -> Iterator[Any]:
    pg = _context(browser, PHONE)
    sign_in(pg, server.url, *DEMO)
    yield pg
    pg.context.close()


@pytest.fixture(autouse=True)
def no_page_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    for name in ("page", "phone"):
        if name in request.fixturenames:
            pg = request.getfixturevalue(name)
            errors = [e for e in pg.errors if "401" not in e and "403" not in e]  # expected denials
            pg.errors.clear()
            assert not errors, errors


def sign_in(pg: Any, base: str, name: str, password: str) -> None:
    pg.goto(f"{base}/")
    assert "/login" in pg.url
    pg.fill("input[name=username]", name)
    pg.fill("input[name=password]", password)
    pg.click("button[type=submit]")
    pg.wait_for_load_state()


def cli(server: Server, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")} | {"SOHOA_HOME": str(server.home)}
    subprocess.run([sys.executable, "-m", "workers.cli", *args], env=env, cwd=ROOT, check=True, capture_output=True)


def expect_refused(pg: Any) -> None:
    """A form the server refused comes back with status 400, which the browser logs: expected here."""
    pg.errors[:] = [e for e in pg.errors if "status of 400" not in e]


def row(pg: Any, filename: str) -> Any:
    return pg.locator("#files tr", has_text=filename)


# ----------------------------------------------------------------------------------------- desktop


def test_sign_in(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/search")
    assert "/login?next=%2Fsearch" in page.url
    screenshot(page, "01-login")
    page.fill("input[name=username]", DEMO[0])
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    assert "Sai tên đăng nhập hoặc mật khẩu" in page.text_content(".alert.error")
    page.fill("input[name=username]", DEMO[0])
    page.fill("input[name=password]", DEMO[1])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/search$"))
    assert "demo" in page.text_content(".account")
    cookie = next(c for c in page.context.cookies() if c["name"] == "sohoa_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert page.locator("a.skip-link").get_attribute("href") == "#main"  # before the menu's items
    assert page.evaluate(
        "() => document.querySelector('a.skip-link').compareDocumentPosition(document.querySelector('nav.nav')) & 4"
    )


def test_upload_holds_files_until_the_form_is_right(
    page: Any, server: Server, tmp_path_factory: pytest.TempPathFactory
) -> None:
    listing = tmp_path_factory.mktemp("one-stop") / "mot-cua.csv"
    listing.write_text(ONE_STOP, encoding="utf-8")
    cli(server, "dossiers", "import", str(listing))
    Journey.scans = make_scans(tmp_path_factory.mktemp("scans"))
    page.goto(f"{server.url}/upload")
    assert page.get_attribute("#batch", "placeholder") == "ví dụ: Lô quét 15/03 phòng một cửa"
    page.fill("#dossier", "000.00.17.H42-240315-9999")  # not in the one-stop list
    page.fill("#batch", Journey.typed_batch)  # "/" is no batch name character: mapped, not refused
    screenshot(page, "02-upload-empty")
    page.set_input_files("#pick-files", [str(p) for p in Journey.scans])
    page.wait_for_selector("#held:not([hidden])")
    assert "không có trong danh sách" in page.inner_text("#dossier-note")
    assert page.get_attribute("#dossier", "aria-invalid") == "true"
    assert page.input_value("#batch") == Journey.batch and "Tên lô sẽ là" in page.inner_text("#batch-note")
    assert page.locator("#files tr").count() == FILES
    assert page.locator("#files .badge", has_text="Chưa gửi").count() == FILES  # kept, not failed one by one
    assert page.locator("#files .reason").count() == 0
    assert "6 tệp đã chọn nhưng chưa gửi" in page.inner_text("#held")
    screenshot(page, "03-upload-held")
    page.fill("#dossier", "OOO.00.17.H42-240315-0001")  # a typing slip the list reads through
    page.click("#resend")
    page.wait_for_function("() => document.querySelectorAll('#files tr[data-doc]').length === 6")
    assert page.input_value("#dossier") == Journey.dossier and page.is_hidden("#held")
    screenshot(page, "04-upload-progress")


def test_upload_finishes_with_reasons_an_operator_can_act_on(page: Any, server: Server) -> None:
    page.wait_for_function(FINAL, arg=FILES, timeout=OCR_TIMEOUT_MS)
    states = page.eval_on_selector_all("#files tr", "rows => rows.map(r => [r.cells[0].innerText, r.dataset.state])")
    assert sorted(states) == sorted(
        [
            ["ban-quet-hong.pdf", "failed"],
            ["giay-phep-ban-le-ruou.png", "indexed"],
            ["quyet-dinh-hoa-chat.png", "indexed"],
            ["thong-bao-lich-tiep-dan.png", "indexed"],
            ["trang-trang.png", "indexed"],
            ["tep-ngau-nhien.pdf", "failed"],
        ]
    ), server.tail()
    assert "Đã xử lý xong" in row(page, "quyet-dinh-hoa-chat.png").inner_text()
    noise = row(page, "tep-ngau-nhien.pdf")
    assert "PDF hỏng" in noise.locator(".reason").inner_text() and noise.locator("button.retry").count() == 0
    broken = row(page, "ban-quet-hong.pdf")
    reason = broken.locator(".reason").inner_text()
    assert "Tệp bị hỏng" in reason and "(Corrupt" not in reason and "\\x" not in reason  # no English, no bytes
    page.wait_for_selector("#files tr:has-text('trang-trang.png') .note.no-text")
    assert "Không tìm thấy chữ nào" in row(page, "trang-trang.png").inner_text()
    screenshot(page, "05-upload-done")
    page.click("#retry-all")
    page.wait_for_selector("#retry-note:not([hidden])")
    note = page.inner_text("#retry-note")
    assert "Đã đưa 1 tệp lỗi vào hàng đợi" in note and "1 tệp không thử lại được" in note, note
    page.wait_for_function(
        "() => { const r = [...document.querySelectorAll('#files tr')].find(r => r.innerText.includes('ban-quet-hong'));"
        " return r && r.dataset.state === 'failed' && r.querySelector('.reason'); }",
        timeout=120_000,
    )


def test_the_same_file_again_links_to_the_first_copy(page: Any, server: Server) -> None:
    page.click("#new-batch")
    page.fill("#batch", "Lô quét lại")
    licence = next(p for p in Journey.scans if p.name == "giay-phep-ban-le-ruou.png")
    page.set_input_files("#pick-files", str(licence))
    page.wait_for_function(FINAL, arg=1, timeout=60_000)
    page.wait_for_selector("#files .note.duplicate a[href^='/batches/']")  # where the first copy is
    note = page.locator("#files .note.duplicate")
    assert "Trùng tệp đã tải lên trước" in note.inner_text() and Journey.batch in note.inner_text()
    assert note.locator("a", has_text="mở bản đã có").get_attribute("href").startswith("/documents/")
    screenshot(page, "06-upload-duplicate")


def test_batches_pages(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/batches")
    line = page.locator("tr", has_text=Journey.batch)
    assert "demo" in line.inner_text() and Journey.dossier in line.inner_text()
    screenshot(page, "07-batches")
    line.locator("a").first.click()
    page.wait_for_url(re.compile(r".*/batches/.+"))
    assert page.locator("#files tr").count() == FILES
    assert page.locator("#files tr[data-doc] .badge.st-indexed").count() == 4
    assert row(page, "tep-ngau-nhien.pdf").locator("button.retry").count() == 0  # nothing stored to retry
    assert "PDF hỏng" in row(page, "tep-ngau-nhien.pdf").inner_text()
    screenshot(page, "08-batch")


def test_search_without_diacritics_with_validity_and_thumbnails(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/search")
    page.fill("input[name=q]", "giay phep ban le ruou")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    first = page.locator("article.hit").first
    assert "giay-phep-ban-le-ruou.png" in first.inner_text()
    assert first.locator("mark").count() >= 3  # GIẤY PHÉP BÁN LẺ RƯỢU marked, though typed without diacritics
    assert "Còn hiệu lực" in first.locator(".badge.validity").inner_text()
    page.wait_for_function(
        "() => { const i = document.querySelector('article.hit .thumb img'); return i && i.complete && i.naturalWidth > 50; }"
    )
    assert page.locator(".facets .facet").count() >= 1
    screenshot(page, "09-search")
    Journey.licence_url = first.locator("h3 a").get_attribute("href")
    assert "q=giay+phep+ban+le+ruou" in Journey.licence_url and "n=1" in Journey.licence_url
    with page.expect_navigation():
        page.select_option("select[name=sort]", "date_desc")  # applies at once, no "Tìm" to click
    assert "sort=date_desc" in page.url
    page.fill("input[name=valid_on]", "1/6/2024")
    page.click(".facets button[type=submit]")
    page.wait_for_load_state()
    assert "Hiệu lực ngày 01/06/2024" in page.inner_text(".chips")
    assert page.input_value("input[name=valid_on]") == "01/06/2024"


def test_document_page_from_the_results(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/search?q=so+cong+thuong")
    page.locator("article.hit h3 a").first.click()
    page.wait_for_url(re.compile(r".*/documents/[0-9a-f]{64}\?.*n=1"))
    assert "← Kết quả tìm kiếm «so cong thuong»" in page.inner_text(".doc-nav")
    following = page.locator(".doc-nav a[rel=next]")
    assert following.count() == 1
    following.click()
    page.wait_for_url(re.compile(r".*n=2"))
    assert page.locator(".doc-nav a[rel=prev]").count() == 1
    page.click(".doc-nav a.back")
    page.wait_for_url(re.compile(r".*/search\?q=so\+cong\+thuong"))
    assert page.input_value("input[name=q]") == "so cong thuong"  # the query is kept

    page.goto(f"{server.url}{Journey.licence_url}")
    page.wait_for_function(
        "() => { const i = document.querySelector('.viewer img'); return i && i.complete && i.naturalWidth > 100; }"
    )
    text = page.locator(".ocr-text").inner_text()
    assert "12/GP-SCT" in text.replace(" ", "") or "GP-SCT" in text
    assert page.locator("a", has_text="Tải bản gốc").count() == 1
    assert page.locator("a", has_text="Tải PDF có lớp chữ").count() == 1
    assert "Còn hiệu lực" in page.inner_text(".page-head")
    subtype = page.locator("select[name=doc_subtype] option:checked").inner_text()
    assert subtype == "Giấy phép bán lẻ rượu", subtype  # a name, not gp_ban_le_ruou
    dossier = page.input_value("input[name=ma_ho_so]")  # linked to the dossier, or the batch's code shown
    assert dossier == Journey.dossier or f"theo lô khi tải lên: {Journey.dossier}" in page.inner_text("#correct-form")
    before = page.locator(".viewer img").first.bounding_box()["width"]
    page.click("button[data-zoom=in]")
    page.click("button[data-zoom=in]")
    assert page.inner_text(".zoom-level") == "200%"
    assert page.locator(".viewer img").first.bounding_box()["width"] > 1.8 * before
    screenshot(page, "10-document-zoomed")
    page.click("button[data-zoom=fit]")
    screenshot(page, "10-document")


def test_refused_file_page_says_what_to_do(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/batches/{Journey.batch}")
    row(page, "tep-ngau-nhien.pdf").locator("a").click()
    page.wait_for_url(re.compile(r".*/documents/[0-9a-f]{64}$"))
    assert "PDF hỏng" in page.inner_text(".alert.failure")
    assert page.locator("a", has_text="Tải bản gốc").count() == 0  # no raw JSON 404 to click into
    assert page.locator(".alert.failure button", has_text="Thử lại").count() == 0
    screenshot(page, "11-document-refused")


def test_register_entry_on_the_document_page(
    page: Any, server: Server, tmp_path_factory: pytest.TempPathFactory
) -> None:
    register = tmp_path_factory.mktemp("register") / "so-theo-doi.csv"
    register.write_text(REGISTER, encoding="utf-8")
    page.goto(f"{server.url}/admin")
    page.set_input_files("#register input[type=file]", str(register))
    page.click("#register button[type=submit]")
    page.wait_for_load_state()
    result = page.locator("#import-result")
    assert "thêm 4" in result.inner_text()
    assert result.bounding_box()["y"] < DESKTOP["height"]  # seen without scrolling
    page.goto(f"{server.url}{Journey.licence_url}")
    card = page.locator("#so-theo-doi")
    assert "Khớp sổ" in card.inner_text() and "12/GP-SCT ngày 15/03/2023" in card.inner_text()
    page.click("#so-theo-doi button[value=unlink]")
    page.wait_for_url(re.compile(r".*msg=unlinked"))
    assert "Không khớp sổ" in page.inner_text("#so-theo-doi")
    page.click("#so-theo-doi button[value=link]")  # the best suggestion, or the number and date as read
    page.wait_for_url(re.compile(r".*msg=linked"))
    assert "12/GP-SCT ngày 15/03/2023" in page.inner_text("#so-theo-doi") and "cán bộ xác nhận" in page.inner_text(
        "#so-theo-doi"
    )
    screenshot(page, "12-document-register")


def test_corrections_refused_and_taken(page: Any, server: Server) -> None:
    page.goto(f"{server.url}{Journey.licence_url}")
    page.fill("input[name=hieu_luc_den]", "01/01/2020")
    page.click("#correct-form button[type=submit]")
    assert "trước ngày ban hành" in page.inner_text(".alert.error")
    assert page.input_value("input[name=hieu_luc_den]") == "01/01/2020"  # what was typed is kept
    page.goto(f"{server.url}{Journey.licence_url}")
    page.fill("input[name=so_ky_hieu]", "!!! ???")
    page.click("#correct-form button[type=submit]")
    assert "không có dạng số/ký hiệu" in page.inner_text(".alert.error")
    screenshot(page, "13-document-refused-correction")
    expect_refused(page)

    page.goto(f"{server.url}/search?q=lich+tiep+cong+dan")
    page.locator("article.hit h3 a").first.click()
    page.wait_for_url(re.compile(r".*/documents/[0-9a-f]{64}\?.*"))
    current = page.locator("select[name=doc_type]").input_value()
    target = "cong_van" if current != "cong_van" else "thong_bao"
    page.select_option("select[name=doc_type]", target)
    page.fill("input[name=chu_the]", "Sở Công Thương tỉnh Bắc Sơn")
    page.click("#correct-form button[type=submit]")
    page.wait_for_url(re.compile(r".*msg=saved$"))
    assert "Đã lưu sửa đổi" in page.inner_text(".alert.ok")
    history = page.locator(".history").inner_text()
    label = "Công văn" if target == "cong_van" else "Thông báo"
    assert "demo" in history and "Loại văn bản" in history and label in history and target not in history
    screenshot(page, "14-document-corrected")
    page.goto(f"{server.url}/search?q=lich+tiep+cong+dan&type={target}")
    hit = page.locator("article.hit").first
    assert label in hit.locator(".tag").inner_text()
    assert "Đã hiệu đính" in hit.inner_text()


def test_review_one_by_one_names_what_was_saved(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/review")
    assert "ban-quet-hong.pdf" in page.inner_text("table")  # the failed file waits for a person
    assert "Không tìm thấy chữ" in page.locator("tr", has_text="trang-trang.png").inner_text()
    screenshot(page, "15-review")
    page.click("text=Bắt đầu duyệt lần lượt")
    page.wait_for_url(re.compile(r".*review=1"))
    first = page.url
    page.fill("textarea[name=trich_yeu]", "Đã xem trong lúc duyệt")
    page.click("#correct-form button[type=submit]")
    page.wait_for_load_state()
    message = page.inner_text(".alert.ok")
    assert "Đã lưu sửa đổi cho «Đã xem trong lúc duyệt»" in message, message
    if "/review?" in page.url:  # it was the last one: what is left is said, failed files included
        assert "tệp lỗi" in message and "Đã duyệt hết." not in message
    page.click(".alert.ok a")
    page.wait_for_load_state()
    assert page.url.split("?")[0] == first.split("?")[0]  # back to the document just saved
    screenshot(page, "16-review-saved")


def test_users(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/admin")
    page.fill("#users input[name=name]", "op.test")
    page.select_option("#users form:not(.inline) select[name=role]", "operator")
    page.fill("#users input[name=password]", "operator-pass-1")
    page.click("#users button.primary")
    page.wait_for_load_state()
    assert "Đã tạo người dùng op.test" in page.inner_text(".alert.ok")
    screenshot(page, "17-admin")


def test_coverage_lists_the_document_proving_each_result(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/coverage")
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", page.input_value("input[name=as_of]"))  # today, dd/mm/yyyy
    page.fill("input[name=as_of]", "01/06/2024")
    page.click("form[action='/coverage'] button[type=submit]")
    page.wait_for_load_state()
    stats = page.inner_text(".stats")
    assert "/ 3" in stats  # three results are still valid on that day
    assert page.locator("svg.columns rect").count() >= 2 and page.locator("svg.bar").count() == 2
    assert "13/GP-SCT" in page.inner_text("body")  # never scanned: in the missing list
    proofs = page.locator("#da-so-hoa")
    assert "12/GP-SCT" in proofs.inner_text()
    assert proofs.locator("a", has_text="giay-phep-ban-le-ruou.png").count() == 1
    with page.expect_download() as download:
        page.click("text=Xuất Excel (XLSX)")
    assert download.value.suggested_filename == "bao-cao-so-hoa-2024-06-01.xlsx"
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    proven = {r[1]: r[7] for r in book["Đã số hóa"].iter_rows(min_row=2, values_only=True)}
    assert proven["12/GP-SCT"] == "giay-phep-ban-le-ruou.png"
    head = {r[0]: r[1] for r in book["Tổng hợp"].iter_rows(max_row=6, values_only=True) if r and r[0]}
    assert head["Người xuất"] == "demo" and head["Thời điểm xuất"]
    screenshot(page, "18-coverage")


def test_audit_log(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/audit")
    text = page.inner_text("table.audit")
    for action in ("Tải lên", "Xem tài liệu", "Sửa thông tin", "Xuất báo cáo", "Nhập sổ theo dõi", "Xử lý lại tệp lỗi"):
        assert action in text, action
    page.select_option("select[name=action]", "view")  # applies at once
    page.wait_for_url(re.compile(r".*action=view"))
    assert "giay-phep-ban-le-ruou.png" in page.inner_text("table.audit")  # files, not hash ids
    assert not re.search(r"\b[0-9a-f]{12}…", page.inner_text("table.audit"))
    screenshot(page, "19-audit")


def test_operator_sees_upload_but_not_search(browser: Any, server: Server) -> None:
    pg = _context(browser, DESKTOP)
    try:
        sign_in(pg, server.url, "op.test", "operator-pass-1")
        pg.wait_for_url(re.compile(r".*/upload$"))
        nav = pg.inner_text("nav.nav")
        assert "Tải lên" in nav and "Tìm kiếm" not in nav
        screenshot(pg, "20-operator-upload")
        response = pg.goto(f"{server.url}/search")
        assert response is not None and response.status == 403
        assert "Không có quyền" in pg.inner_text("h1")
        screenshot(pg, "21-operator-forbidden")
        pg.goto(f"{server.url}/batches")
        assert Journey.batch not in pg.inner_text("main")
    finally:
        pg.context.close()


def test_dossier_pages(page: Any, server: Server) -> None:
    code = "000.12.37.H37-240301-0042"
    page.goto(f"{server.url}/dossiers?from=01/03/2024&to=31/03/2024")
    assert "Trễ hạn" in page.inner_text("table")
    screenshot(page, "22-dossiers")
    page.click(f"text={code}")
    page.wait_for_load_state()
    assert "Trả kết quả trễ hạn" in page.inner_text(".page-head")
    assert "Còn thiếu" in page.inner_text("body") and "Hộ kinh doanh Hoa Mai" in page.inner_text("dl")
    screenshot(page, "23-dossier")


# ------------------------------------------------------------------------------------------- phone


def test_phone_header_menu_and_search_box(phone: Any, server: Server) -> None:
    phone.goto(f"{server.url}/search?q=giay+phep")
    assert phone.locator("header.topbar").bounding_box()["height"] < 100
    assert phone.is_hidden("nav.nav")  # folded behind one button
    phone.click("#menu-toggle")
    assert phone.is_visible("nav.nav") and phone.get_attribute("#menu-toggle", "aria-expanded") == "true"
    screenshot(phone, "m01-menu")
    phone.click("#menu-toggle")
    assert phone.locator("input[name=q]").bounding_box()["width"] > 300
    assert phone.locator("details.facets").get_attribute("open") is None  # filters folded too
    hit = phone.locator("article.hit").first
    assert "Còn hiệu lực" in hit.inner_text()  # item 3
    screenshot(phone, "m02-search")


def test_phone_upload(phone: Any, server: Server) -> None:
    phone.goto(f"{server.url}/upload")
    screenshot(phone, "m03-upload-empty")
    phone.fill("#batch", "Lô di động 16/03")
    licence = next(p for p in Journey.scans if p.name == "giay-phep-ban-le-ruou.png")
    noise = next(p for p in Journey.scans if p.name == "tep-ngau-nhien.pdf")
    phone.set_input_files("#pick-files", [str(licence), str(noise)])
    phone.wait_for_function(FINAL, arg=2, timeout=60_000)
    assert phone.input_value("#batch") == "Lô di động 16-03"
    assert "PDF hỏng" in row(phone, "tep-ngau-nhien.pdf").inner_text()
    name = row(phone, "giay-phep-ban-le-ruou.png").locator("td.name").bounding_box()
    assert name["width"] > 150 and name["height"] < 60  # a card, not one letter per line
    screenshot(phone, "m04-upload-done")


def test_phone_batches_and_failures(phone: Any, server: Server) -> None:
    phone.goto(f"{server.url}/batches")
    screenshot(phone, "m05-batches")
    phone.goto(f"{server.url}/batches/{Journey.batch}")
    assert "PDF hỏng" in row(phone, "tep-ngau-nhien.pdf").inner_text()
    assert row(phone, "trang-trang.png").locator(".note.no-text").count() == 1
    screenshot(phone, "m06-batch")


def test_phone_document_page(phone: Any, server: Server) -> None:
    phone.goto(f"{server.url}/search?q=so+cong+thuong")
    phone.locator("article.hit h3 a").first.click()
    phone.wait_for_url(re.compile(r".*n=1"))
    assert phone.locator(".doc-nav a[rel=next]").count() == 1
    phone.goto(f"{server.url}{Journey.licence_url}")
    assert "Khớp sổ" in phone.inner_text("#so-theo-doi") and "Còn hiệu lực" in phone.inner_text(".page-head")
    phone.click("button[data-zoom=in]")
    phone.click("button[data-zoom=in]")
    assert phone.inner_text(".zoom-level") == "200%"
    assert_fits(phone, "zoomed document")  # the pages scroll inside the viewer, not the page
    screenshot(phone, "m07-document")
    phone.fill("input[name=hieu_luc_den]", "01/01/2020")
    phone.click("#correct-form button[type=submit]")
    assert "trước ngày ban hành" in phone.inner_text(".alert.error")  # item 5
    screenshot(phone, "m08-document-refused-correction")
    expect_refused(phone)


def test_phone_every_other_page_fits(phone: Any, server: Server) -> None:
    for path, name in (
        ("/review", "m09-review"),
        ("/coverage?as_of=2024-06-01", "m10-coverage"),
        ("/dossiers?from=01/03/2024&to=31/03/2024", "m11-dossiers"),
        ("/dossiers/000.12.37.H37-240301-0042", "m12-dossier"),
        ("/admin", "m13-admin"),
        ("/audit", "m14-audit"),
    ):
        phone.goto(f"{server.url}{path}")
        screenshot(phone, name)
    phone.goto(f"{server.url}/coverage?as_of=2024-06-01")
    assert phone.locator("#da-so-hoa a", has_text="giay-phep-ban-le-ruou.png").is_visible()  # item 8


def test_phone_login_and_forbidden(browser: Any, server: Server) -> None:
    pg = _context(browser, PHONE)
    try:
        pg.goto(f"{server.url}/login")
        screenshot(pg, "m15-login")
        sign_in(pg, server.url, "op.test", "operator-pass-1")
        pg.wait_for_url(re.compile(r".*/upload$"))
        screenshot(pg, "m16-operator-upload")
        pg.goto(f"{server.url}/search")
        screenshot(pg, "m17-operator-forbidden")
    finally:
        pg.context.close()
