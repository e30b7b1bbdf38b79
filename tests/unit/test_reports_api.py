"""Register and coverage endpoints through FastAPI's TestClient on the embedded backends."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from workers.api.app import create_app
from workers.context import Context
from workers.settings import Settings

HEADER = "so_ky_hieu,loai,ngay_ban_hanh,hieu_luc_den,chu_the,linh_vuc\n"
REGISTER = (
    HEADER
    + "15/GP-SCT,Giấy phép hoạt động điện lực,2022-04-08,2032-04-08,Công ty Điện Kỳ Lừa,dien_luc\n"
    + "324/QĐ-SCT,Quyết định phê duyệt kế hoạch,2019-12-06,,Công ty Hóa chất An Phát,hoa_chat\n"
    + "01/2021/GCNATTP-SCT,Giấy chứng nhận ATTP,2021-01-08,2024-01-08,Hộ kinh doanh Lê Ngân,an_toan_thuc_pham\n"
    + "27/GP-SCT,Giấy phép bán buôn rượu,2023-06-30,2024-10-30,Công ty Bảo Ngọc,ruou\n"
    + "28/GP-SCT,Giấy phép bán buôn rượu,2023-07-01,2028-07-01,Công ty Hoàng Long,ruou\n"
    + "29/GP-SCT,Giấy phép bán buôn rượu,ngày 2/7/2023,,Công ty X,ruou\n"
)
DOCS: dict[str, dict[str, Any]] = {
    "d-licence": {"doc_type": "giay_phep", "so_ky_hieu": "l5 / GP-SCT", "ngay_ban_hanh": "2022-04-08"},
    "d-rescan": {"doc_type": "giay_phep", "so_ky_hieu": "15/GP-SCT", "ngay_ban_hanh": "2022-04-08"},
    "d-decision": {
        "doc_type": "quyet_dinh",
        "so_ky_hieu": "324/QD-SCT",
        "ngay_ban_hanh": "2019-12-06",
        "chu_the": "Công ty TNHH Hóa chất Đông Á",
    },
    "d-expired": {"doc_type": "giay_phep", "so_ky_hieu": "01/2021/GCNATTP-SCT", "ngay_ban_hanh": "2021-01-08"},
    "d-application": {"doc_type": "don_de_nghi", "so_ky_hieu": "28/GP-SCT", "ngay_ban_hanh": "2023-07-01"},
    "d-district": {"doc_type": "giay_phep", "so_ky_hieu": "72/GP-KTHT", "ngay_ban_hanh": "2021-09-22"},
    "d-unreadable": {"doc_type": "giay_phep", "so_ky_hieu": None, "ngay_ban_hanh": None},
}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(home=tmp_path / "home")
    app = create_app(settings, web=False)
    with TestClient(app) as test_client:
        appdb = getattr(app.state, "appdb", None)
        if appdb is not None:  # the app requires sign-in: call as an administrator with an API token
            db = appdb()
            db.add_user("registrar", "admin", "registrar-password")
            test_client.headers["Authorization"] = f"Bearer {db.new_token('registrar')}"
        ctx: Context = app.state.ctx()
        for doc_id, fields in DOCS.items():
            ctx.index.upsert(doc_id, {"state": "indexed", "filename": f"{doc_id}.pdf", "text": "", **fields})
        yield test_client


def _import(client: TestClient, data: bytes, name: str = "register.csv") -> dict[str, object]:
    response = client.post("/api/v1/register/import", files={"file": (name, data, "text/csv")})
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_import_and_list(client: TestClient) -> None:
    report = _import(client, REGISTER.encode())
    assert (report["rows"], report["added"], report["total"]) == (6, 5, 5)
    assert report["rejected"] == [{"line": 7, "reason": report["rejected"][0]["reason"], "so_ky_hieu": "29/GP-SCT"}]  # type: ignore[index]
    again = _import(client, REGISTER.encode())
    assert (again["added"], again["unchanged"], again["total"]) == (0, 5, 5)
    listed = client.get("/api/v1/register").json()
    assert listed["count"] == 5
    assert listed["entries"][0] == {
        "so_ky_hieu": "324/QĐ-SCT",
        "loai": "Quyết định phê duyệt kế hoạch",
        "ngay_ban_hanh": "2019-12-06",
        "hieu_luc_den": None,
        "chu_the": "Công ty Hóa chất An Phát",
        "linh_vuc": "hoa_chat",
    }


def test_import_xlsx_and_bad_files(client: TestClient) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in REGISTER.splitlines():
        sheet.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    report = _import(client, out.getvalue(), "register.xlsx")
    assert report["total"] == 5
    response = client.post("/api/v1/register/import", files={"file": ("r.csv", b"a,b\n1,2\n", "text/csv")})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_register"
    assert client.post("/api/v1/register/import").status_code == 422


def test_coverage_json(client: TestClient) -> None:
    _import(client, REGISTER.encode())
    response = client.get("/api/v1/reports/coverage", params={"as_of": "2024-09-24"})
    assert response.status_code == 200
    report = response.json()
    assert list(report) == [
        "as_of",
        "valid",
        "digitized",
        "rate",
        "by_field",
        "by_year",
        "missing",
        "expiring",
        "unmatched",
        "links",
    ]
    # valid: 15/GP, 324/QĐ, 27/GP, 28/GP (01/2021 expired); digitized: 15/GP (two scans, once) and 324/QĐ
    assert (report["as_of"], report["valid"], report["digitized"], report["rate"]) == ("2024-09-24", 4, 2, 0.5)
    assert report["by_field"]["ruou"] == {"valid": 2, "digitized": 0, "rate": 0.0}
    assert [e["so_ky_hieu"] for e in report["missing"]] == ["27/GP-SCT", "28/GP-SCT"]  # the application does not count
    assert [e["so_ky_hieu"] for e in report["expiring"]] == ["27/GP-SCT"]
    assert [u["doc_id"] for u in report["unmatched"]] == ["d-district"]
    assert report["links"] == {"exact": 4, "repaired": 0, "confirmed": 0}
    assert client.get("/api/v1/reports/coverage", params={"as_of": "24/09/2024"}).status_code == 422
    assert client.get("/api/v1/reports/coverage", params={"as_of": "2024-02-30"}).status_code == 400
    assert client.get("/api/v1/reports/coverage").json()["as_of"]  # today


def test_coverage_xlsx(client: TestClient) -> None:
    _import(client, REGISTER.encode())
    response = client.get("/api/v1/reports/coverage.xlsx", params={"as_of": "2024-09-24"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "bao-cao-so-hoa-2024-09-24.xlsx" in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Tổng hợp", "Đã số hóa", "Chưa số hóa", "Sắp hết hiệu lực", "Không khớp sổ"]
    assert [r[1] for r in book["Chưa số hóa"].iter_rows(min_row=2, values_only=True)] == ["27/GP-SCT", "28/GP-SCT"]
    proven = list(book["Đã số hóa"].iter_rows(min_row=2, values_only=True))
    assert proven and all(row[7] for row in proven)  # each digitized result names its document
    head = {r[0]: r[1] for r in book["Tổng hợp"].iter_rows(max_row=6, values_only=True) if r and r[0]}
    assert head["Người xuất"] and head["Thời điểm xuất"]


def test_coverage_xlsx_writes_users_data_as_text_never_as_a_formula(client: TestClient) -> None:
    hostile = REGISTER.replace("Công ty Bảo Ngọc", "=2+5 Công ty Bảo Ngọc")
    assert hostile != REGISTER
    _import(client, hostile.encode())
    response = client.get("/api/v1/reports/coverage.xlsx", params={"as_of": "2024-09-24"})
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    hits = [c for c in cells if c.value.startswith("=2+5")]
    assert hits and all(c.data_type == "s" for c in hits)


def test_links(client: TestClient) -> None:
    _import(client, REGISTER.encode())
    # a "by" in the body is ignored: the signed-in user is who is recorded
    body = {"doc_id": "d-unreadable", "register_key": "28/GP-SCT|2023-07-01", "by": "someone-else"}
    response = client.post("/api/v1/register/links", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["register_key"] == "28/GP-SCT|2023-07-01" and response.json()["by"] == "registrar"
    response = client.delete("/api/v1/register/links/d-decision", params={"by": "minh"})
    assert response.status_code == 200 and response.json()["register_key"] is None
    assert response.json()["by"] == "registrar"
    report = client.get("/api/v1/reports/coverage", params={"as_of": "2024-09-24"}).json()
    assert [e["so_ky_hieu"] for e in report["missing"]] == ["324/QĐ-SCT", "27/GP-SCT"]
    assert sorted(u["doc_id"] for u in report["unmatched"]) == ["d-decision", "d-district"]

    missing_doc = client.post("/api/v1/register/links", json=body | {"doc_id": "nope"})
    assert missing_doc.status_code == 404 and missing_doc.json()["code"] == "not_found"
    not_in_register = client.post("/api/v1/register/links", json=body | {"register_key": "99/GP-SCT|2023-07-01"})
    assert not_in_register.status_code == 404
    application = client.post("/api/v1/register/links", json=body | {"doc_id": "d-application"})
    assert application.status_code == 400 and application.json()["code"] == "not_a_result"
    assert client.post("/api/v1/register/links", json={"doc_id": "d-unreadable"}).status_code == 422
    assert client.delete("/api/v1/register/links/nope").status_code == 404
