"""Uploads, batches, live progress (SSE) and retrying failed files."""

from __future__ import annotations

import json

from tests.api.conftest import World, json_of, png_bytes
from workers import audit


def _events(text: str) -> list[tuple[str, dict[str, object]]]:
    out = []
    for block in text.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if "event" in lines:
            out.append((lines["event"], json.loads(lines["data"])))
    return out


def test_upload_creates_an_owned_batch_and_is_audited(world: World) -> None:
    op = world.as_role("operator")
    files = [("files", ("a.png", png_bytes("red"), "image/png")), ("files", ("b.png", b"", "image/png"))]
    response = world.client.post(
        "/api/v1/batches", headers=op, files=files, data={"batch": "Lô 15/03".replace("/", "-"), "dossier": " HS-9 "}
    )
    body = json_of(response)
    assert response.status_code == 201
    assert body["batch"] == "Lô 15-03"
    assert [f["status"] for f in body["files"]] == ["queued", "rejected"]
    assert world.db.batch_owner("Lô 15-03") == "operator"
    record = world.ctx.index.get(body["files"][0]["doc_id"])
    assert record and record["uploader"] == "operator" and record["dossier"] == "HS-9"
    total, entries = audit.entries(world.db, action="upload")
    assert total == 2 and {e.user for e in entries} == {"operator"}
    assert entries[-1].detail["filename"] == "a.png" and entries[-1].detail["batch"] == "Lô 15-03"


def test_upload_without_a_batch_name_generates_one_and_bad_names_are_refused(world: World) -> None:
    op = world.as_role("operator")
    files = {"files": ("c.png", png_bytes("green"), "image/png")}
    generated = world.client.post("/api/v1/batches", headers=op, files=files).json()["batch"]
    assert generated.startswith("b") and world.db.batch_owner(generated) == "operator"
    bad = world.client.post("/api/v1/batches", headers=op, files=files, data={"batch": "a/b"})
    assert bad.status_code == 400 and bad.json()["code"] == "bad_batch"


def test_files_over_the_limit_are_rejected_while_streaming(world: World) -> None:
    world.ctx.settings.limits.max_bytes = 100
    response = world.client.post(
        "/api/v1/batches",
        headers=world.as_role("operator"),
        files={"files": ("big.png", png_bytes(size=(400, 400)), "image/png")},
    )
    assert response.json()["files"][0] == {
        "doc_id": "",
        "filename": "big.png",
        "status": "rejected",
        "error_code": "file_too_large",
    }


def test_batch_list_and_detail(world: World) -> None:
    staff = world.as_role("staff")
    listed = {b["batch"]: b for b in world.client.get("/api/v1/batches", headers=staff).json()}
    mine = listed[world.batch]
    assert mine["files"] == 2 and mine["counts"] == {"indexed": 1, "failed": 1}
    assert mine["created_by"] == "operator" and mine["dossier"] == "HS-001" and mine["done"] is True
    assert mine["finished_at"] == "2030-01-01T00:00:06.000+00:00"
    detail = world.client.get(f"/api/v1/batches/{world.batch}", headers=staff).json()
    assert detail["done"] is True and {f["state"] for f in detail["files"]} == {"indexed", "failed"}
    failed = next(f for f in detail["files"] if f["state"] == "failed")
    assert failed["error_message"].startswith("Tệp bị hỏng")
    assert "text" not in failed
    assert world.client.get("/api/v1/batches/nope", headers=staff).status_code == 404


def test_events_stream_the_batch_until_done(world: World) -> None:
    response = world.client.get(f"/api/v1/batches/{world.batch}/events", headers=world.as_role("operator"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    assert [name for name, _ in events] == ["batch", "done"]
    assert events[0][1]["counts"] == {"indexed": 1, "failed": 1}


def test_events_follow_progress(world: World, monkeypatch: object) -> None:
    from workers.api.routes import live

    world.ctx.index.upsert(world.failed, {"state": "processing", "stage": "ocr", "pages": 3, "pages_done": 1})
    calls = {"n": 0}
    real = live.batch_summary

    def advancing(ctx: object, batch: str) -> dict[str, object]:
        calls["n"] += 1
        if calls["n"] == 3:
            world.ctx.index.upsert(world.failed, {"state": "indexed", "stage": "done", "pages_done": 3})
        return real(ctx, batch)  # type: ignore[arg-type]

    monkeypatch.setattr(live, "batch_summary", advancing)  # type: ignore[attr-defined]
    monkeypatch.setattr(live, "POLL_SECONDS", 0.01)  # type: ignore[attr-defined]
    text = world.client.get(f"/api/v1/batches/{world.batch}/events", headers=world.as_role("staff")).text
    events = _events(text)
    stages = [next(f["stage"] for f in e["files"] if f["doc_id"] == world.failed) for n, e in events if n == "batch"]
    assert stages == ["ocr", "done"]  # unchanged summaries are not sent again
    assert events[-1][0] == "done"


def test_retry_requeues_failed_files_only(world: World) -> None:
    op = world.as_role("operator")
    response = world.client.post(f"/api/v1/documents/{world.failed}/retry", headers=op)
    assert response.json() == {"doc_id": world.failed, "state": "queued"}
    assert world.ctx.bus.pending(world.ctx.settings.topic_uploaded) >= 1
    record = world.ctx.index.get(world.failed)
    assert record and record["state"] == "queued"
    again = world.client.post(f"/api/v1/documents/{world.failed}/retry", headers=op)
    assert again.status_code == 400 and again.json()["code"] == "not_failed"
    assert audit.entries(world.db, action="retry")[0] == 1


def test_retry_all_failed_of_a_batch(world: World) -> None:
    staff = world.as_role("staff")
    body = world.client.post(f"/api/v1/batches/{world.other_batch}/retry", headers=staff).json()
    assert body == {"batch": world.other_batch, "queued": [world.other_doc], "skipped": []}


def test_reprocess_is_for_admins(world: World) -> None:
    response = world.client.post(f"/api/v1/documents/{world.doc}/reprocess", headers=world.as_role("admin"))
    assert response.json()["state"] == "queued"
    assert audit.entries(world.db, action="reprocess")[0] == 1


def test_the_dossier_code_at_upload_is_checked_against_the_one_stop_list(world: World) -> None:
    from workers import dossiers

    op = world.as_role("operator")
    code = "000.12.37.H37-240327-0030"
    listing = ",".join(dossiers.COLUMNS) + f"\n{code},Cấp Giấy phép bán lẻ rượu,ruou,Hộ An,2024-03-27,,,,,\n"
    dossiers.import_dossiers(world.ctx.database(), listing.encode())
    page = world.client.get("/upload", headers=op)
    assert f'<option value="{code}">' in page.text  # offered in the picker
    files = {"files": ("a.png", png_bytes("white", (130, 170)), "image/png")}
    unknown = world.client.post(
        "/api/v1/batches", headers=op, files=files, data={"dossier": "000.12.37.H37-999999-0001"}
    )
    assert (
        unknown.status_code == 400
        and unknown.json()["code"] == "bad_value"
        and "danh sách" in unknown.json()["message"]
    )
    typed = world.client.post(
        "/api/v1/batches", headers=op, files=files, data={"dossier": "OOO.12.37.H37-24O327-0030", "batch": "lo-ds"}
    )
    assert typed.status_code == 201, typed.text
    doc_id = typed.json()["files"][0]["doc_id"]
    assert world.ctx.index.get(doc_id)["dossier"] == code  # type: ignore[index]  # stored as the list writes it
