"""Documents: reading, downloads (audited), corrections, confirmation, review queue, page previews."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.api.conftest import World
from workers import audit
from workers.context import derived_key
from workers.ingest import ingest_file


def test_document_view_download_and_text(world: World) -> None:
    staff = world.as_role("staff")
    record = world.client.get(f"/api/v1/documents/{world.doc}", headers=staff).json()
    assert record["so_ky_hieu"] == "12/GP-SCT" and record["review"] is True
    original = world.client.get(f"/api/v1/documents/{world.doc}/original", headers=staff)
    assert original.status_code == 200 and original.content.startswith(b"\x89PNG")
    assert "giay-phep.png" in original.headers["content-disposition"]
    assert world.client.get(f"/api/v1/documents/{world.doc}/pdf", headers=staff).status_code == 404  # not made here
    world.ctx.store.put_bytes(derived_key(world.doc, "searchable.pdf"), b"%PDF-1.4 x", "application/pdf")
    pdf = world.client.get(f"/api/v1/documents/{world.doc}/pdf", headers=staff)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = world.client.get(f"/api/v1/documents/{world.doc}/text", headers=staff)
    assert "GIẤY PHÉP BÁN LẺ RƯỢU" in text.text
    actions = sorted(e.action for e in audit.entries(world.db, user="staff")[1])
    assert actions == ["download_original", "download_pdf", "view"]
    assert world.client.get("/api/v1/documents/nope", headers=staff).status_code == 404


def test_corrections_are_kept_with_who_and_audited(world: World) -> None:
    staff = world.as_role("staff")
    response = world.client.post(
        f"/api/v1/documents/{world.doc}/corrections",
        headers=staff,
        json={"changes": {"doc_type": "quyet_dinh", "ngay_ban_hanh": "2023-03-16"}},
    )
    assert response.status_code == 200, response.text
    assert response.json()["doc_type"] == "quyet_dinh" and response.json()["review"] is False
    history = world.client.get(f"/api/v1/documents/{world.doc}/corrections", headers=staff).json()
    assert history[0]["by"] == "staff" and history[0]["previous"]["doc_type"] == "giay_phep"
    bad = world.client.post(
        f"/api/v1/documents/{world.doc}/corrections", headers=staff, json={"changes": {"ngay_ban_hanh": "16/03/2023"}}
    )
    assert bad.status_code == 400 and bad.json()["code"] == "bad_value"
    entries = audit.entries(world.db, action="correct")[1]
    assert len(entries) == 1 and entries[0].user == "staff" and entries[0].target == world.doc
    # the search sees the corrected type
    hits = world.client.get("/api/v1/search", headers=staff, params={"type": "quyet_dinh"}).json()
    assert [h["doc_id"] for h in hits["hits"]] == [world.doc]


def test_confirm_keeps_values_and_clears_review(world: World) -> None:
    staff = world.as_role("staff")
    queue = world.client.get("/api/v1/review", headers=staff).json()
    reasons = {i["doc_id"]: i["reason"] for i in queue["items"]}
    assert reasons == {world.doc: "low_confidence", world.failed: "failed", world.other_doc: "failed"}
    body = world.client.post(f"/api/v1/documents/{world.doc}/confirm", headers=staff).json()
    assert body["review"] is False and body["doc_type"] == "giay_phep" and body["next"] is None
    assert "doc_type" in body["corrected"]
    assert world.doc not in {i["doc_id"] for i in world.client.get("/api/v1/review", headers=staff).json()["items"]}
    failed = world.client.post(f"/api/v1/documents/{world.failed}/confirm", headers=staff)
    assert failed.status_code == 400 and failed.json()["code"] == "not_indexed"


def test_page_preview_png(world: World) -> None:
    staff = world.as_role("staff")
    response = world.client.get(f"/api/v1/documents/{world.doc}/pages/1.png?width=480", headers=staff)
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.width <= 480
    assert world.client.get(f"/api/v1/documents/{world.doc}/pages/2.png", headers=staff).status_code == 404
    # cached: the second answer is the same file
    again = world.client.get(f"/api/v1/documents/{world.doc}/pages/1.png?width=480", headers=staff)
    assert again.content == response.content


def test_search_api_highlights_and_facets(world: World) -> None:
    body = world.client.get(
        "/api/v1/search", headers=world.as_role("staff"), params={"q": "giay phep ban le ruou"}
    ).json()
    assert body["total"] == 1
    hit = body["hits"][0]
    assert "<mark>" in hit["highlights"][0] and "<script>" not in hit["highlights"][0]
    assert body["facets"]["doc_type"] == {"giay_phep": 1}


def test_page_preview_of_a_pdf(world: World) -> None:
    pdf = world.tmp / "scan.pdf"
    Image.new("RGB", (600, 800), "white").save(pdf, "PDF", resolution=100)
    uploaded = ingest_file(world.ctx, pdf, "scan.pdf", world.batch)
    world.ctx.index.upsert(uploaded.doc_id, {"state": "indexed", "kind": "pdf", "pages": 1})
    response = world.client.get(
        f"/api/v1/documents/{uploaded.doc_id}/pages/1.png?width=480", headers=world.as_role("staff")
    )
    assert response.status_code == 200, response.text
    image = Image.open(io.BytesIO(response.content))
    assert 440 <= image.width <= 520 and image.height > image.width


def test_a_backend_outage_is_a_503_that_says_what_to_do_without_internal_addresses(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workers.errors import TransientError

    def down(*_: object, **__: object) -> None:
        raise TransientError("Elasticsearch unreachable while trying to search: ConnectionError(127.0.0.1:9200)")

    monkeypatch.setattr(world.ctx.index, "search", down)
    response = world.client.get("/api/v1/search?q=ruou", headers=world.as_role("staff"))
    assert response.status_code == 503 and response.headers["retry-after"] == "30"
    body = response.json()
    assert body["code"] == "transient"
    assert "thử lại" in body["message"] and "try again" in body["message"]
    assert "127.0.0.1" not in body["message"] and "9200" not in body["message"]


def test_review_offers_register_link_candidates_confirmed_in_one_click(world: World) -> None:
    from workers.register import import_register

    header = "so_ky_hieu,loai,ngay_ban_hanh,hieu_luc_den,chu_the,linh_vuc\n"
    rows = "12/GP-SCT,Giấy phép bán lẻ rượu,2023-03-05,,Cửa hàng Hoa Mai,ruou\n"
    rows += "12/GP-SCT,Giấy phép bán lẻ rượu,2023-03-25,,Cửa hàng Hoa Mai,ruou\n"
    import_register(world.ctx, (header + rows).encode(), "register.csv")
    staff = world.as_role("staff")
    queue = world.client.get("/api/v1/review", headers=staff).json()
    item = next(i for i in queue["items"] if i["doc_id"] == world.doc)  # read 15/03: one digit off either way
    assert [c["register_key"] for c in item["link_candidates"]] == ["12/GP-SCT|2023-03-05", "12/GP-SCT|2023-03-25"]
    assert (
        item["link_candidates"][0]["score"] == 0.7 and "ngày lệch một chữ số" in item["link_candidates"][0]["reasons"]
    )
    assert all(i["link_candidates"] == [] for i in queue["items"] if i["doc_id"] != world.doc)

    page = world.client.get("/review", headers=staff)
    assert page.status_code == 200 and "Xác nhận liên kết" in page.text
    assert f'data-doc="{world.doc}" data-key="12/GP-SCT|2023-03-25"' in page.text and "onclick" not in page.text

    body = {"doc_id": world.doc, "register_key": "12/GP-SCT|2023-03-25", "by": "staff"}
    assert world.client.post("/api/v1/register/links", headers=staff, json=body).status_code == 201
    item = next(
        i for i in world.client.get("/api/v1/review", headers=staff).json()["items"] if i["doc_id"] == world.doc
    )
    assert item["reason"] == "low_confidence" and item["link_candidates"] == []
    report = world.client.get("/api/v1/reports/coverage", headers=staff, params={"as_of": "2024-09-24"}).json()
    assert report["links"] == {"exact": 0, "repaired": 0, "confirmed": 1}


def test_the_dossier_pages_flag_late_dossiers_and_the_export_keeps_text_as_text(world: World) -> None:
    import io as _io

    from openpyxl import load_workbook

    from workers import dossiers

    code = "000.12.37.H37-240301-0001"
    listing = (
        ",".join(dossiers.COLUMNS)
        + f'\n{code},Cấp Giấy phép bán lẻ rượu,ruou,=HYPERLINK("http://x"),2024-03-01,2024-03-15,2024-03-20,'
        "da_tra_ket_qua,12/GP-SCT,2023-03-15\n"
    )
    engine = world.ctx.database()
    dossiers.import_dossiers(engine, listing.encode())
    dossiers.link_staff(engine, world.doc, code, "ket_qua", {"doc_type": "giay_phep"})
    staff = world.as_role("staff")
    page = world.client.get("/dossiers?from=2024-03-01&to=2024-03-31", headers=staff)
    assert page.status_code == 200 and "Trễ hạn" in page.text and code in page.text
    one = world.client.get(f"/dossiers/{code}", headers=staff)
    assert one.status_code == 200 and "Còn thiếu" in one.text and "giay-phep.png" in one.text
    data = world.client.get(f"/api/v1/dossiers/{code}", headers=staff).json()
    assert data["late"] is True and [d["role"] for d in data["documents"]] == ["ket_qua"]
    assert data["missing"] == ["don_de_nghi", "giay_bien_nhan"]
    xlsx = world.client.get("/api/v1/dossiers.xlsx?from=2024-03-01&to=2024-03-31", headers=staff)
    assert xlsx.status_code == 200
    sheet = load_workbook(_io.BytesIO(xlsx.content))["Hồ sơ"]
    cell = sheet.cell(row=2, column=4)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"  # text, never a formula


def test_a_document_that_fits_several_dossiers_waits_in_review_with_them(world: World) -> None:
    from workers import dossiers

    rows = "".join(
        f"\n000.12.37.H37-2403{d:02d}-0001,Cấp Giấy phép bán lẻ rượu,ruou,Hộ kinh doanh Hoa Mai,2024-03-{d:02d},,,,,"
        for d in (1, 2)
    )
    dossiers.import_dossiers(world.ctx.database(), (",".join(dossiers.COLUMNS) + rows + "\n").encode())
    world.ctx.index.upsert(
        world.doc,
        {"doc_type": "don_de_nghi", "field": "ruou", "chu_the": "Hộ kinh doanh Hoa Mai", "ngay_ban_hanh": "2024-03-01"},
    )
    dossiers.link_all(world.ctx.database(), [world.ctx.index.get(world.doc) or {}])
    assert world.doc not in dossiers.links(world.ctx.database())  # two dossiers fit: not decided alone
    items = world.client.get("/api/v1/review", headers=world.as_role("staff")).json()["items"]
    (item,) = [i for i in items if i["doc_id"] == world.doc]
    assert item["dossier_candidates"] == ["000.12.37.H37-240301-0001", "000.12.37.H37-240302-0001"]
