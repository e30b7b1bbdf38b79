"""Server-rendered pages: content, escaping of document text, corrections through the form, coverage."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.api.conftest import World
from workers import audit
from workers.register import import_register

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
    assert world.client.get("/search", headers=staff, params={"valid_on": "bad"}).status_code == 422


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
    bad = client.post(f"/documents/{world.doc}/correct", data={"csrf_token": csrf, "ngay_ban_hanh": "15/03/2023"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.text
    forged = client.post(f"/documents/{world.doc}/correct", data={"doc_type": "giay_moi"})
    assert forged.status_code == 403


def test_review_walks_through_documents(world: World) -> None:
    client, csrf = _signed_in(world, "staff")
    page = client.get("/review")
    assert "OCR tin cậy thấp" in page.text and f"/documents/{world.doc}?review=1" in page.text
    response = client.post(
        f"/documents/{world.doc}/confirm", data={"csrf_token": csrf, "review": "1"}, follow_redirects=False
    )
    assert response.headers["location"] == "/review?msg=confirmed"  # nothing left to review


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
    assert audit.entries(world.db, action="export")[0] == 1
    bad = world.client.get("/coverage", headers=staff, params={"as_of": "2024-13-01"})
    assert "YYYY-MM-DD" in bad.text


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
    assert response.headers["location"] == f"/documents/{'f' * 64}?review=1&msg=saved"


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
