"""Server-rendered pages: content, escaping of document text, corrections through the form, coverage."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.api.conftest import World
from workers import audit
from workers.api.web import register_view
from workers.register import import_register, load_register

REGISTER = (
    "so_ky_hieu,loai,ngay_ban_hanh,hieu_luc_den,chu_the,linh_vuc\n"
    "12/GP-SCT,Giấy phép bán lẻ rượu,2023-03-15,2028-03-15,Cửa hàng Hoa Mai,ruou\n"
    "13/GP-SCT,Giấy phép bán lẻ rượu,2023-04-01,2028-04-01,<b>Công ty X</b>,ruou\n"
    "7/QĐ-SCT,Quyết định,2021-05-05,,Công ty Y,hoa_chat\n"
)


def _signed_in(world: World, role: str) -> tuple[TestClient, str]:
    client = TestClient(world.app)
    return client, world.sign_in(client, role, f"{role}-password")


def test_document_text_and_names_are_escaped(world: World) -> None:
    page = world.client.get(f"/documents/{world.doc}", headers=world.as_role("staff"))
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in page.text
    assert "<b>Hoa Mai</b>" not in page.text and "&lt;b&gt;Hoa Mai&lt;/b&gt;" in page.text
    assert f"/api/v1/documents/{world.doc}/pages/1.png" in page.text
    assert audit.entries(world.db, action="view")[0] == 1


def test_search_page_renders_marks_but_nothing_else(world: World) -> None:
    page = world.client.get("/search", headers=world.as_role("staff"), params={"q": "cua hang hoa mai script"})
    assert page.status_code == 200
    assert "<mark>Cửa</mark>" in page.text and "<mark>Hoa</mark>" in page.text
    assert "<script>alert" not in page.text
    assert "Loại văn bản" in page.text  # facets


def test_search_page_filters_and_paginates(world: World) -> None:
    staff = world.as_role("staff")
    empty = world.client.get("/search", headers=staff, params={"type": "quyet_dinh"})
    assert "Không tìm thấy" in empty.text
    valid = world.client.get("/search", headers=staff, params={"valid_on": "2024-01-01"})
    assert "1</strong> kết quả" in valid.text
    expired = world.client.get("/search", headers=staff, params={"valid_on": "2029-01-01"})
    assert "0</strong> kết quả" in expired.text
    typed = world.client.get("/search", headers=staff, params={"valid_on": "01/01/2024"})
    assert "1</strong> kết quả" in typed.text  # dd/mm/yyyy, as people type dates
    bad = world.client.get("/search", headers=staff, params={"valid_on": "bad"})
    assert bad.status_code == 200 and "dd/mm/yyyy" in bad.text


def test_correction_form_and_history(world: World) -> None:
    client, csrf = _signed_in(world, "staff")
    page = client.get(f"/documents/{world.doc}")
    assert 'name="csrf_token"' in page.text
    response = client.post(
        f"/documents/{world.doc}/correct",
        data={"csrf_token": csrf, "doc_type": "quyet_dinh", "so_ky_hieu": "12/GP-SCT", "chu_the": "Cửa hàng Hoa Mai"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"].endswith("msg=saved")
    record = world.ctx.index.get(world.doc)
    assert record and record["doc_type"] == "quyet_dinh" and record["chu_the"] == "Cửa hàng Hoa Mai"
    page = client.get(f"/documents/{world.doc}?msg=saved")
    assert "Đã lưu sửa đổi" in page.text and "Lịch sử hiệu đính" in page.text and "staff" in page.text
    typed = client.post(
        f"/documents/{world.doc}/correct",
        data={"csrf_token": csrf, "ngay_ban_hanh": "16/3/2023"},
        follow_redirects=False,
    )
    assert typed.status_code == 303  # dd/mm/yyyy, as people type dates
    assert world.ctx.index.get(world.doc)["ngay_ban_hanh"] == "2023-03-16"  # type: ignore[index]
    bad = client.post(f"/documents/{world.doc}/correct", data={"csrf_token": csrf, "ngay_ban_hanh": "31/02/2023"})
    assert bad.status_code == 400 and "không phải ngày" in bad.text and "31/02/2023" in bad.text
    forged = client.post(f"/documents/{world.doc}/correct", data={"doc_type": "giay_moi"})
    assert forged.status_code == 403


def test_review_walks_through_documents(world: World) -> None:
    client, csrf = _signed_in(world, "staff")
    page = client.get("/review")
    assert "OCR tin cậy thấp" in page.text and f"/documents/{world.doc}?review=1" in page.text
    world.ctx.index.upsert(world.doc, {"no_text": True})
    assert "Không tìm thấy chữ" in client.get("/review").text  # a blank scan says so, not "uncertain"
    response = client.post(
        f"/documents/{world.doc}/confirm", data={"csrf_token": csrf, "review": "1"}, follow_redirects=False
    )
    assert response.headers["location"] == f"/review?msg=confirmed&prev={world.doc}"  # nothing left to read
    done = client.get(response.headers["location"])
    assert "Đã xác nhận «Giấy phép bán lẻ rượu" in done.text  # names the document just confirmed
    assert "còn 2 tệp lỗi" in done.text and "Đã duyệt hết" not in done.text  # the failed file is still there


def test_batch_pages_for_operators(world: World) -> None:
    client, _csrf = _signed_in(world, "operator")
    batches = client.get("/batches")
    assert world.batch in batches.text and world.other_batch not in batches.text
    batch = client.get(f"/batches/{world.batch}")
    assert "Tệp bị hỏng" in batch.text and 'data-live="0"' in batch.text
    assert f'href="/documents/{world.doc}"' not in batch.text  # operators do not open documents
    upload = client.get("/upload")
    assert "webkitdirectory" in upload.text and "HS-001" in upload.text


def test_coverage_page_chart_missing_list_and_export(world: World) -> None:
    staff = world.as_role("staff")
    empty = world.client.get("/coverage", headers=staff)
    assert "Chưa có sổ theo dõi" in empty.text
    import_register(world.ctx, REGISTER.encode())
    page = world.client.get("/coverage", headers=staff, params={"as_of": "2024-06-01"})
    assert page.status_code == 200
    assert "1 / 3" in page.text  # one of three valid results is digitized (12/GP-SCT)
    assert "13/GP-SCT" in page.text and "&lt;b&gt;Công ty X&lt;/b&gt;" in page.text  # missing list, escaped
    assert "<svg" in page.text and re.search(r'class="bar-fg[^"]*" width="50\.0"', page.text)
    export = world.client.get("/coverage.xlsx", headers=staff, params={"as_of": "2024-06-01"})
    assert export.status_code == 200 and "spreadsheetml" in export.headers["content-type"]
    book = load_workbook(io.BytesIO(export.content))
    assert "Chưa số hóa" in book.sheetnames
    proof = list(book["Đã số hóa"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[7]) for r in proof] == [("12/GP-SCT", "giay-phep.png")]  # the document an inspector samples
    assert book["Đã số hóa"]["H2"].hyperlink.target.endswith(f"/documents/{world.doc}")
    head = {r[0]: r[1] for r in book["Tổng hợp"].iter_rows(max_row=6, values_only=True) if r and r[0]}
    assert head["Người xuất"] == "staff" and head["Thời điểm xuất"]
    assert audit.entries(world.db, action="export")[0] == 1
    assert "văn bản chứng minh" in page.text and f'href="/documents/{world.doc}">giay-phep.png' in page.text
    typed = world.client.get("/coverage", headers=staff, params={"as_of": "01/06/2024"})
    assert "1 / 3" in typed.text and 'value="01/06/2024"' in typed.text  # dd/mm/yyyy, as people type dates
    bad = world.client.get("/coverage", headers=staff, params={"as_of": "2024-13-01"})
    assert "không phải ngày" in bad.text


def test_coverage_defaults_to_today_in_vietnam(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    from workers import localtime

    class LateEvening(datetime):  # 20:30 on 2 December in UTC is 03:30 on 3 December in Hà Nội
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            moment = datetime(2026, 12, 2, 20, 30, tzinfo=UTC)
            return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)

    monkeypatch.setattr(localtime, "datetime", LateEvening)
    import_register(world.ctx, REGISTER.encode())
    page = world.client.get("/coverage", headers=world.as_role("staff"))
    assert 'value="03/12/2026"' in page.text and "coverage.xlsx?as_of=2026-12-03" in page.text


def test_review_mode_skips_and_moves_on(world: World) -> None:
    second = world.ctx.index.get(world.doc)
    assert second
    world.ctx.index.upsert("f" * 64, {**second, "doc_id": "f" * 64, "uploaded_at": "2099-01-01T00:00:00+00:00"})
    client, csrf = _signed_in(world, "staff")
    page = client.get(f"/documents/{world.doc}?review=1")
    assert f'href="/documents/{"f" * 64}?review=1">Bỏ qua' in page.text
    response = client.post(
        f"/documents/{world.doc}/correct",
        data={"csrf_token": csrf, "review": "1", "doc_type": "quyet_dinh"},
        follow_redirects=False,
    )
    assert response.headers["location"] == f"/documents/{'f' * 64}?review=1&msg=saved&prev={world.doc}"
    following = client.get(response.headers["location"])
    assert "Đã lưu sửa đổi cho «Giấy phép bán lẻ rượu" in following.text
    assert f'href="/documents/{world.doc}?review=1">← Quay lại' in following.text


def test_batch_name_as_typed_is_mapped_not_refused() -> None:
    from workers.api.web.pages_batches import batch_name
    from workers.services.batches import clean_batch_name

    assert batch_name("Lô quét 15/03 phòng một cửa") == "Lô quét 15-03 phòng một cửa"
    assert batch_name(" a \\ b ? c#d 100% ") == "a-b c d 100"
    assert batch_name("/ ? /") == ""
    assert len(batch_name("x" * 300)) == 100
    for typed in ("Lô quét 15/03 phòng một cửa", "a\\b?c#d%e\x01f", "?" * 5 + "Lô"):
        name = batch_name(typed)
        assert clean_batch_name(name) == name  # what the page sends is never refused


def test_upload_check_says_before_sending_what_would_be_refused(world: World) -> None:
    op = world.as_role("operator")
    ok = world.client.get("/upload/check", headers=op, params={"batch": "Lô quét 15/03 phòng một cửa"}).json()
    assert ok == {"batch": "Lô quét 15-03 phòng một cửa", "dossier": None, "errors": {}}
    own = world.client.get("/upload/check", headers=op, params={"batch": world.batch}).json()
    assert own["errors"] == {}
    other = world.client.get("/upload/check", headers=op, params={"batch": world.other_batch}).json()
    assert "do người khác tạo" in other["errors"]["batch"] and "/" not in other["errors"]["batch"].split("«")[0]
    page = world.client.get("/upload", headers=op)
    assert "data-errors=" in page.text and "unsupported_type.pdf" in page.text  # texts by code, for the script
    assert "drag &amp; drop" not in page.text


def test_upload_check_refuses_a_dossier_code_not_in_the_list(world: World) -> None:
    from workers import dossiers

    listing = (
        "ma_ho_so,thu_tuc,linh_vuc,chu_the,ngay_tiep_nhan,ngay_hen_tra,ngay_tra_ket_qua,trang_thai\n"
        "000.00.17.H42-240315-0001,Cấp phép,ruou,Hoa Mai,15/03/2024,30/03/2024,,dang_xu_ly\n"
    )
    dossiers.import_dossiers(world.ctx.database(), listing.encode(), "mot-cua.csv")
    op = world.as_role("operator")
    bad = world.client.get("/upload/check", headers=op, params={"dossier": "HS-999"}).json()
    assert "không có trong danh sách" in bad["errors"]["dossier"] and "Unknown" not in bad["errors"]["dossier"]
    slip = world.client.get("/upload/check", headers=op, params={"dossier": "OOO.00.17.H42-240315-0001"}).json()
    assert slip["errors"] == {} and slip["dossier"] == "000.00.17.H42-240315-0001"


def test_batch_page_notes_refused_files_duplicates_and_scans_without_text(world: World) -> None:
    from tests.api.conftest import png_bytes
    from workers.ingest import ingest_file

    refused = world.tmp / "ban-quet.pdf"
    refused.write_bytes(b"\x8a.S\x00,=]\xb5l random bytes")
    bad = ingest_file(world.ctx, refused, refused.name, world.batch, uploader="operator")
    assert bad.status == "rejected" and bad.error_code == "unsupported_type"
    world.ctx.index.upsert(world.doc, {"no_text": True})
    again = world.tmp / "lai.png"
    again.write_bytes(png_bytes("white"))  # the bytes of giay-phep.png, first uploaded into lo-op
    world.db.claim_batch("lo-lai", "operator", None)
    ingest_file(world.ctx, again, again.name, "lo-lai", uploader="operator")

    client, _csrf = _signed_in(world, "operator")
    page = client.get(f"/batches/{world.batch}")
    assert "PDF hỏng" in page.text and "\\x" not in page.text and "b&#39;" not in page.text
    row = page.text.split(f'data-doc="{bad.doc_id}"', 1)[1].split("</tr>", 1)[0]
    assert 'class="small retry"' not in row  # refused at upload: nothing to retry
    failed_row = page.text.split(f'data-doc="{world.failed}"', 1)[1].split("</tr>", 1)[0]
    assert 'class="small retry"' in failed_row
    assert "Không tìm thấy chữ nào" in page.text
    notes = client.get(f"/batches/{world.batch}/notes").json()["files"]
    assert notes[bad.doc_id] == {"refused": True} and notes[world.doc] == {"no_text": True}
    again_notes = client.get("/batches/lo-lai/notes").json()["files"]
    assert again_notes[world.doc]["duplicate"]["batch"] == world.batch  # the operator's own first upload
    assert "Trùng tệp đã tải lên trước" in client.get("/batches/lo-lai").text


def test_validity_badge_in_results_and_on_the_document_page(world: World) -> None:
    staff = world.as_role("staff")
    found = world.client.get("/search", headers=staff, params={"q": "hoa mai"})
    assert "Còn hiệu lực" in found.text and "đến 15/03/2028" in found.text  # as of today
    later = world.client.get("/search", headers=staff, params={"q": "hoa mai", "valid_on": "01/01/2030"})
    assert "0</strong> kết quả" in later.text  # the filter: no longer valid then
    page = world.client.get(f"/documents/{world.doc}", headers=staff, params={"valid_on": "2029-01-01"})
    assert "Hết hiệu lực" in page.text and "từ 16/03/2028" in page.text and "vào ngày 01/01/2029" in page.text
    world.ctx.index.upsert(world.doc, {"hieu_luc_den": None})
    assert "Không thời hạn" in world.client.get(f"/documents/{world.doc}", headers=staff).text


def test_document_page_links_and_unlinks_the_register_entry(world: World) -> None:
    client, csrf = _signed_in(world, "staff")
    assert "Sổ theo dõi kết quả" not in client.get(f"/documents/{world.doc}").text  # no register yet
    import_register(world.ctx, REGISTER.encode())
    page = client.get(f"/documents/{world.doc}")
    assert "Khớp sổ" in page.text and "<strong>12/GP-SCT</strong> ngày 15/03/2023" in page.text
    assert "khớp đúng số ký hiệu" in page.text
    unlinked = client.post(
        f"/documents/{world.doc}/link", data={"csrf_token": csrf, "action": "unlink"}, follow_redirects=False
    )
    assert unlinked.headers["location"].endswith("msg=unlinked")
    page = client.get(unlinked.headers["location"])
    assert "không ứng với mục nào trong sổ" in page.text and "Không khớp sổ" in page.text
    wrong = client.post(
        f"/documents/{world.doc}/link", data={"csrf_token": csrf, "so_ky_hieu": "99/GP-SCT", "ngay": "15/03/2023"}
    )
    assert wrong.status_code == 400 and "Không có mục «99/GP-SCT ngày 15/03/2023» trong sổ" in wrong.text
    linked = client.post(
        f"/documents/{world.doc}/link",
        data={"csrf_token": csrf, "so_ky_hieu": "13/GP-SCT", "ngay": "01/04/2023"},
        follow_redirects=False,
    )
    assert linked.headers["location"].endswith("msg=linked")
    page = client.get(linked.headers["location"])
    assert "<strong>13/GP-SCT</strong> ngày 01/04/2023" in page.text and "cán bộ xác nhận (staff," in page.text
    assert audit.entries(world.db, action="register_link")[0] == 2


def test_document_page_reads_the_register_again_only_when_it_changed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []

    def counted(ctx: Any) -> list[dict[str, Any]]:
        entries = load_register(ctx)
        reads.append(len(entries))
        return entries

    monkeypatch.setattr(register_view, "load_register", counted)
    staff = world.as_role("staff")
    import_register(world.ctx, REGISTER.encode())
    for _ in range(3):
        assert "<strong>12/GP-SCT</strong>" in world.client.get(f"/documents/{world.doc}", headers=staff).text
    assert reads == [3]
    moved = REGISTER.replace("12/GP-SCT,Giấy phép bán lẻ rượu,2023-03-15", "12/GP-SCT,Giấy phép bán lẻ rượu,2023-03-16")
    import_register(world.ctx, moved.encode(), replace=True)  # the entry the page matched is gone
    page = world.client.get(f"/documents/{world.doc}", headers=staff).text
    assert reads == [3, 3] and "<strong>12/GP-SCT</strong> ngày 15/03/2023" not in page


def test_document_page_keeps_the_search_and_leads_to_the_next_hit(world: World) -> None:
    second = world.ctx.index.get(world.doc)
    assert second
    other = "e" * 64
    world.ctx.index.upsert(other, {**second, "doc_id": other, "filename": "ban-sao.png", "trich_yeu": "Bản sao"})
    staff = world.as_role("staff")
    results = world.client.get("/search", headers=staff, params={"q": "hoa mai", "sort": "date_desc"})
    links = re.findall(r'<h3><a href="(/documents/[0-9a-f]{64}\?[^"]+)"', results.text)
    assert len(links) == 1 and "cùng kết quả này còn 1 bản quét khác" in results.text.casefold()  # one group
    first = world.client.get(links[0].replace("&amp;", "&"), headers=staff)
    assert "← Kết quả tìm kiếm «hoa mai»" in first.text
    assert 'href="/search?q=hoa+mai&amp;sort=date_desc"' in first.text  # back to the same search
    assert "Kết quả sau ›" in first.text and "‹ Kết quả trước" not in first.text


def test_document_page_names_codes_and_shows_the_batch_dossier(world: World) -> None:
    world.ctx.index.upsert(world.doc, {"doc_subtype": "gp_ban_le_ruou", "ma_ho_so": None})
    staff = world.as_role("staff")
    page = world.client.get(f"/documents/{world.doc}", headers=staff)
    assert '<option value="gp_ban_le_ruou" selected>Giấy phép bán lẻ rượu</option>' in page.text
    assert "theo lô khi tải lên: HS-001" in page.text
    failed = world.client.get(f"/documents/{world.failed}", headers=staff)
    assert "Tải bản gốc" in failed.text  # a file that failed in a worker: its original is stored
    refused = world.tmp / "rong.pdf"
    refused.write_bytes(b"")
    from workers.ingest import ingest_file

    bad = ingest_file(world.ctx, refused, refused.name, world.batch, uploader="operator")
    page = world.client.get(f"/documents/{bad.doc_id}", headers=staff)
    assert "Tải bản gốc" not in page.text and "Tệp rỗng" in page.text and "(Empty file.)" not in page.text
    assert "bị từ chối khi tải lên" in page.text and 'action="/documents/' + bad.doc_id + '/retry"' not in page.text


def test_audit_log_names_files_filters_days_and_exports(world: World) -> None:
    admin = world.as_role("admin")
    world.client.get(f"/documents/{world.doc}", headers=admin)  # a "view" of giay-phep.png, today
    page = world.client.get("/audit", headers=admin, params={"action": "view"})
    assert f'<a href="/documents/{world.doc}">giay-phep.png</a>' in page.text and world.doc[:12] + "…" not in page.text
    long_ago = world.client.get("/audit", headers=admin, params={"from": "01/01/2020", "to": "31/12/2020"})
    assert "Chưa có mục nào" in long_ago.text
    from workers.localtime import vn_today

    today = vn_today().strftime("%d/%m/%Y")
    todays = world.client.get("/audit", headers=admin, params={"action": "view", "from": today, "to": today})
    assert "giay-phep.png" in todays.text
    assert "không phải ngày" in world.client.get("/audit", headers=admin, params={"from": "32/01/2024"}).text
    export = world.client.get("/audit.csv", headers=admin, params={"action": "view"})
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Thời điểm,Người dùng,Hành động,Đối tượng")
    assert any("Xem tài liệu,giay-phep.png," + world.doc in line for line in lines[1:])
    assert audit.entries(world.db, action="export")[1][0].target == "audit.csv"


def test_register_import_result_comes_first_and_in_vietnamese(world: World) -> None:
    client, csrf = _signed_in(world, "admin")
    bad_row = REGISTER + "!!!,Giấy phép,2023-01-01,,X,ruou\n"
    page = client.post(
        "/admin/register", data={"csrf_token": csrf}, files={"file": ("so.csv", bad_row.encode(), "text/csv")}
    )
    result = page.text.index('id="import-result"')
    assert result < page.text.index('id="users"')  # above the fold, not below the users table
    assert "1 dòng bị từ chối" in page.text and "not NUMBER/SYMBOL" not in page.text


def test_dossiers_page_takes_days_as_people_type_them(world: World) -> None:
    staff = world.as_role("staff")
    page = world.client.get("/dossiers", headers=staff, params={"from": "01/03/2024", "to": "31/03/2024"})
    assert page.status_code == 200 and 'value="01/03/2024"' in page.text and 'value="31/03/2024"' in page.text
    bad = world.client.get("/dossiers", headers=staff, params={"from": "2024-02-30"})
    assert "không phải ngày" in bad.text


def test_corrections_refuse_a_validity_ending_before_issue_and_a_number_that_is_none(world: World) -> None:
    client, csrf = _signed_in(world, "staff")
    early = client.post(
        f"/documents/{world.doc}/correct",
        data={"csrf_token": csrf, "ngay_ban_hanh": "15/03/2023", "hieu_luc_den": "14/03/2023"},
    )
    assert early.status_code == 400 and "trước ngày ban hành" in early.text and "(hieu_luc_den" not in early.text
    assert 'value="14/03/2023"' in early.text  # what was typed stays in the form
    noise = client.post(f"/documents/{world.doc}/correct", data={"csrf_token": csrf, "so_ky_hieu": "!!! ???"})
    assert noise.status_code == 400 and "không có dạng số/ký hiệu" in noise.text
    record = world.ctx.index.get(world.doc)
    assert record and record["hieu_luc_den"] == "2028-03-15" and record["so_ky_hieu"] == "12/GP-SCT"
    api = world.client.post(
        f"/api/v1/documents/{world.doc}/corrections",
        headers=world.as_role("staff"),
        json={"changes": {"hieu_luc_den": "2020-01-01"}},
    )
    assert api.status_code == 400 and api.json()["code"] == "bad_value"
