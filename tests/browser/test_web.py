"""The web app in a real headless Chromium against ``sohoa serve`` with the real OCR pipeline.

One journey, in order: sign in as the demo admin, upload scans (watching them reach "indexed" live, one
broken file failing with its Vietnamese reason and retried), the batches pages, a search without
diacritics, a document page, a type correction seen in search, review, register import, coverage with its
export, the audit log, and an operator who may not search. Each page is saved to
``test-artifacts/screenshots/``. Any JavaScript error or CSP violation on any page fails the test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import DEMO, Server, screenshot
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
OCR_TIMEOUT_MS = 420_000
FINAL = "() => { const rows = [...document.querySelectorAll('#files tr')]; return rows.length === 4 && rows.every(r => ['indexed', 'failed'].includes(r.dataset.state)); }"


class Journey:
    """State carried from one step to the next."""

    batch = "Lô thử nghiệm 01"
    dossier = "000.00.17.H42-240315-0001"
    licence_url = ""


@pytest.fixture(scope="module")
def page(browser: Any, server: Server) -> Iterator[Any]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    pg.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    pg.errors = errors
    yield pg
    context.close()


@pytest.fixture(autouse=True)
def no_page_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "page" in request.fixturenames:
        pg = request.getfixturevalue("page")
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


def test_upload_and_watch_progress(page: Any, server: Server, tmp_path_factory: pytest.TempPathFactory) -> None:
    scans = make_scans(tmp_path_factory.mktemp("scans"))
    page.goto(f"{server.url}/upload")
    page.fill("#dossier", Journey.dossier)
    page.fill("#batch", Journey.batch)
    screenshot(page, "02-upload-empty")
    page.set_input_files("#pick-files", [str(p) for p in scans])
    page.wait_for_function("() => document.querySelectorAll('#files tr[data-doc]').length === 4")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#files tr')].some(r => r.dataset.state && r.dataset.state !== 'queued')"
    )
    screenshot(page, "03-upload-progress")
    page.wait_for_function(FINAL, timeout=OCR_TIMEOUT_MS)
    states = page.eval_on_selector_all("#files tr", "rows => rows.map(r => [r.cells[0].innerText, r.dataset.state])")
    assert sorted(states) == sorted(
        [
            ["ban-quet-hong.pdf", "failed"],
            ["giay-phep-ban-le-ruou.png", "indexed"],
            ["quyet-dinh-hoa-chat.png", "indexed"],
            ["thong-bao-lich-tiep-dan.png", "indexed"],
        ]
    ), server.tail()
    broken = page.locator("#files tr[data-state=failed]")
    reason = broken.locator(".reason").inner_text()
    assert len(reason) > 20 and re.search(r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơư]", reason), reason
    assert page.locator("#batch").input_value() == Journey.batch
    screenshot(page, "04-upload-done")
    # retry the failed file: it is queued again and fails again with the same reason
    broken.locator("button.retry").click()
    page.wait_for_function(
        "() => { const r = document.querySelector('#files tr[data-state=failed]'); return r && r.querySelector('.reason'); }",
        timeout=60_000,
    )


def test_batches_pages(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/batches")
    row = page.locator("tr", has_text=Journey.batch)
    assert "demo" in row.inner_text() and Journey.dossier in row.inner_text()
    screenshot(page, "05-batches")
    row.locator("a").first.click()
    page.wait_for_url(re.compile(r".*/batches/.+"))
    assert page.locator("#files tr").count() == 4
    assert page.locator("#files tr[data-doc] .badge.st-indexed").count() == 3
    screenshot(page, "06-batch")


def test_search_without_diacritics(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/search")
    page.fill("input[name=q]", "giay phep ban le ruou")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    first = page.locator("article.hit").first
    assert "giay-phep-ban-le-ruou.png" in first.inner_text()
    assert first.locator("mark").count() >= 3  # GIẤY PHÉP BÁN LẺ RƯỢU marked, though typed without diacritics
    assert page.locator(".facets .facet").count() >= 1
    screenshot(page, "07-search")
    Journey.licence_url = first.locator("h3 a").get_attribute("href")


def test_document_page(page: Any, server: Server) -> None:
    page.goto(f"{server.url}{Journey.licence_url}")
    page.wait_for_function(
        "() => { const i = document.querySelector('.pages img'); return i && i.complete && i.naturalWidth > 100; }"
    )
    text = page.locator(".ocr-text").inner_text()
    assert "12/GP-SCT" in text.replace(" ", "") or "GP-SCT" in text
    assert page.locator("a", has_text="Tải bản gốc").count() == 1
    assert page.locator("a", has_text="Tải PDF tìm kiếm được").count() == 1
    screenshot(page, "08-document")


def test_correct_type_and_see_it_in_search(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/search?q=lich+tiep+cong+dan")
    page.locator("article.hit h3 a").first.click()
    page.wait_for_url(re.compile(r".*/documents/[0-9a-f]{64}$"))
    current = page.locator("select[name=doc_type]").input_value()
    target = "cong_van" if current != "cong_van" else "thong_bao"
    page.select_option("select[name=doc_type]", target)
    page.fill("input[name=chu_the]", "Sở Công Thương tỉnh Bắc Sơn")
    page.click("#correct-form button[type=submit]")
    page.wait_for_url(re.compile(r".*msg=saved$"))
    assert "Đã lưu sửa đổi" in page.inner_text(".alert.ok")
    history = page.locator(".history").inner_text()
    assert "demo" in history and "Loại văn bản" in history
    screenshot(page, "09-document-corrected")
    page.goto(f"{server.url}/search?q=lich+tiep+cong+dan&type={target}")
    hit = page.locator("article.hit").first
    label = "Công văn" if target == "cong_van" else "Thông báo"
    assert label in hit.locator(".tag").inner_text()
    assert "Đã hiệu đính" in hit.inner_text()
    screenshot(page, "10-search-after-correction")


def test_review_queue(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/review")
    assert "ban-quet-hong.pdf" in page.inner_text("table")  # the failed file waits for a person
    screenshot(page, "11-review")


def test_admin_register_import_and_users(page: Any, server: Server, tmp_path_factory: pytest.TempPathFactory) -> None:
    register = tmp_path_factory.mktemp("register") / "so-theo-doi.csv"
    register.write_text(REGISTER, encoding="utf-8")
    page.goto(f"{server.url}/admin")
    page.set_input_files("#register input[type=file]", str(register))
    page.click("#register button[type=submit]")
    page.wait_for_load_state()
    assert "thêm 4" in page.inner_text("#register")
    page.fill("#users input[name=name]", "op.test")
    page.select_option("#users form:not(.inline) select[name=role]", "operator")
    page.fill("#users input[name=password]", "operator-pass-1")
    page.click("#users button.primary")
    page.wait_for_load_state()
    assert "Đã tạo người dùng op.test" in page.inner_text(".alert.ok")
    screenshot(page, "12-admin")


def test_coverage(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/coverage?as_of=2024-06-01")
    stats = page.inner_text(".stats")
    assert "/ 3" in stats  # three results are still valid on that day
    assert page.locator("svg.columns rect").count() >= 2 and page.locator("svg.bar").count() == 2
    assert "13/GP-SCT" in page.inner_text("body")  # never scanned: in the missing list
    with page.expect_download() as download:
        page.click("text=Xuất Excel (XLSX)")
    assert download.value.suggested_filename == "bao-cao-so-hoa-2024-06-01.xlsx"
    screenshot(page, "13-coverage")


def test_audit_log(page: Any, server: Server) -> None:
    page.goto(f"{server.url}/audit")
    text = page.inner_text("table.audit")
    for action in ("Tải lên", "Xem tài liệu", "Sửa thông tin", "Xuất báo cáo", "Nhập sổ theo dõi", "Xử lý lại tệp lỗi"):
        assert action in text, action
    screenshot(page, "14-audit")


def test_operator_sees_upload_but_not_search(browser: Any, server: Server) -> None:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    try:
        sign_in(pg, server.url, "op.test", "operator-pass-1")
        pg.wait_for_url(re.compile(r".*/upload$"))
        nav = pg.inner_text("nav.nav")
        assert "Tải lên" in nav and "Tìm kiếm" not in nav
        screenshot(pg, "15-operator-upload")
        response = pg.goto(f"{server.url}/search")
        assert response is not None and response.status == 403
        assert "Không có quyền" in pg.inner_text("h1")
        screenshot(pg, "16-operator-forbidden")
        pg.goto(f"{server.url}/batches")
        assert Journey.batch not in pg.inner_text("main")
    finally:
        context.close()


def test_dossier_pages(page: Any, server: Server, tmp_path_factory: pytest.TempPathFactory) -> None:
    code = "000.12.37.H37-240301-0042"
    listing = tmp_path_factory.mktemp("dossiers") / "mot-cua.csv"
    listing.write_text(
        "ma_ho_so,thu_tuc,linh_vuc,chu_the,ngay_tiep_nhan,ngay_hen_tra,ngay_tra_ket_qua,trang_thai,"
        "ket_qua_so_ky_hieu,ket_qua_ngay_ban_hanh\n"
        f"{code},Cấp Giấy phép bán lẻ rượu,ruou,Hộ kinh doanh Hoa Mai,01/03/2024,15/03/2024,20/03/2024,"
        "da_tra_ket_qua,12/GP-SCT,20/03/2024\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")} | {"SOHOA_HOME": str(server.home)}
    subprocess.run(
        [sys.executable, "-m", "workers.cli", "dossiers", "import", str(listing)], env=env, cwd=ROOT, check=True
    )
    page.goto(f"{server.url}/dossiers?from=2024-03-01&to=2024-03-31")
    assert "Trễ hạn" in page.inner_text("table")
    page.click(f"text={code}")
    page.wait_for_load_state()
    assert "Trả kết quả trễ hạn" in page.inner_text(".page-head")
    assert "Còn thiếu" in page.inner_text("body") and "Hộ kinh doanh Hoa Mai" in page.inner_text("dl")
    screenshot(page, "15-dossier")
