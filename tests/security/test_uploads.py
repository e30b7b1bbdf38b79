"""Uploads against a real server: a copy of someone else's file reveals nothing of their upload, and a
large upload does not hold up other requests."""

from __future__ import annotations

import io
import threading
import time

import httpx
from PIL import Image

from tests.security.conftest import Live


def _png(seed: int, size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (seed % 256, (seed // 256) % 256, 7)).save(buffer, "PNG")
    return buffer.getvalue()


def _upload(live: Live, who: str, files: list[tuple[str, bytes]], batch: str, dossier: str) -> httpx.Response:
    return httpx.post(
        f"{live.url}/api/v1/batches",
        headers=live.auth(who),
        files=[("files", (name, data, "image/png")) for name, data in files],
        data={"batch": batch, "dossier": dossier},
        timeout=120,
    )


def test_a_copy_of_another_operators_file_reveals_nothing_of_their_upload(live: Live) -> None:
    secret = _png(4242, (90, 70))
    first = _upload(live, "operator", [("bi-mat-cua-A.png", secret)], "lo-rieng-A", "HS-A-BI-MAT")
    assert first.status_code == 201, first.text
    second = _upload(live, "operator2", [("cua-toi.png", secret)], "lo-cua-B", "HS-B-001")
    assert second.status_code == 201, second.text
    assert second.json()["files"][0]["status"] == "duplicate"
    doc_id = second.json()["files"][0]["doc_id"]

    def seen_by_b() -> str:
        b = live.auth("operator2")
        parts = [
            second.text,
            httpx.get(f"{live.url}/api/v1/batches", headers=b).text,
            httpx.get(f"{live.url}/api/v1/batches/lo-cua-B", headers=b).text,
            httpx.get(f"{live.url}/api/v1/batches/lo-cua-B/events", headers=b, timeout=40).text.split("\n\n")[1],
            httpx.get(f"{live.url}/batches/lo-cua-B", headers=b).text,
            httpx.get(f"{live.url}/batches", headers=b).text,
        ]
        return "\n".join(parts)

    shown = seen_by_b()
    for leak in ("bi-mat-cua-A", "lo-rieng-A", "HS-A-BI-MAT", '"operator"'):
        assert leak not in shown, leak
    batch_b = httpx.get(f"{live.url}/api/v1/batches/lo-cua-B", headers=live.auth("operator2")).json()
    assert [(f["filename"], f["dossier"], f["batches"]) for f in batch_b["files"]] == [
        ("cua-toi.png", "HS-B-001", ["lo-cua-B"])
    ]
    # A still sees the name and dossier A gave; staff see each batch as it was uploaded into.
    batch_a = httpx.get(f"{live.url}/api/v1/batches/lo-rieng-A", headers=live.auth("operator")).json()
    assert [(f["filename"], f["dossier"]) for f in batch_a["files"]] == [("bi-mat-cua-A.png", "HS-A-BI-MAT")]
    staff_b = httpx.get(f"{live.url}/api/v1/batches/lo-cua-B", headers=live.auth("staff")).json()
    assert staff_b["files"][0]["filename"] == "cua-toi.png" and staff_b["files"][0]["doc_id"] == doc_id
    listed = {b["batch"]: b for b in httpx.get(f"{live.url}/api/v1/batches", headers=live.auth("staff")).json()}
    assert listed["lo-cua-B"]["dossier"] == "HS-B-001" and listed["lo-rieng-A"]["dossier"] == "HS-A-BI-MAT"


def test_health_answers_while_a_400_file_upload_is_stored(live: Live) -> None:
    files = [(f"trang-{i:03}.png", _png(i + 1000)) for i in range(400)]
    waits: list[float] = []
    done = threading.Event()
    outcome: dict[str, object] = {}

    def upload() -> None:
        started = time.monotonic()
        response = _upload(live, "operator", files, "lo-lon", "HS-LON")
        outcome["status"], outcome["seconds"] = response.status_code, time.monotonic() - started
        done.set()

    thread = threading.Thread(target=upload)
    thread.start()
    while not done.is_set():
        started = time.monotonic()
        assert httpx.get(f"{live.url}/api/v1/health/live", timeout=10).status_code == 200
        waits.append(time.monotonic() - started)
        time.sleep(0.05)
    thread.join()
    assert outcome["status"] == 201
    print(
        f"400-file upload took {outcome['seconds']:.1f} s; health answered {len(waits)} times, slowest {max(waits):.3f} s"
    )
    assert len(waits) >= 5 and max(waits) < 1.5  # the blocking handler held every request ~8 s
