"""Page previews against a real server (pixel limit 4 Mpx there): every TIFF frame is checked, a
decompression bomb is a clear 400, and failed documents have no previews."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from tests.security.conftest import Live
from workers.context import Context
from workers.ingest import ingest_file


def _seed(live: Live, path: Path, fields: dict[str, Any]) -> str:
    with Context.open(live.settings) as ctx:
        doc_id = ingest_file(ctx, path, path.name, "lo-xem-truoc").doc_id
        ctx.index.upsert(doc_id, fields)
    return doc_id


def _preview(live: Live, doc_id: str, page: int) -> httpx.Response:
    return httpx.get(f"{live.url}/api/v1/documents/{doc_id}/pages/{page}.png", headers=live.auth("staff"), timeout=60)


def test_every_tiff_frame_is_held_to_the_pixel_limit(live: Live, tmp_path: Path) -> None:
    path = tmp_path / "hai-trang.tif"
    small = Image.new("1", (200, 100), 1)
    huge = Image.new("1", (3000, 2000), 1)  # 6 Mpx: over the server's 4 Mpx
    small.save(path, compression="group4", save_all=True, append_images=[huge])
    doc_id = _seed(live, path, {"state": "indexed", "stage": "done", "kind": "tiff", "pages": 2})
    second = _preview(live, doc_id, 2)
    assert second.status_code == 400 and second.json()["code"] == "preview_too_large"
    first = _preview(live, doc_id, 1)  # the whole file is refused: one frame is a bomb
    assert first.status_code == 400 and first.json()["code"] == "preview_too_large"


def test_a_decompression_bomb_is_a_400_not_a_500(live: Live, tmp_path: Path) -> None:
    path = tmp_path / "bom.png"
    Image.new("1", (15000, 15000), 1).save(path)  # 225 Mpx in a few kB: Pillow's own guard trips
    doc_id = _seed(live, path, {"state": "indexed", "stage": "done", "kind": "png", "pages": 1})
    response = _preview(live, doc_id, 1)
    assert response.status_code == 400 and response.json()["code"] == "preview_too_large"


def test_failed_documents_have_no_previews(live: Live, tmp_path: Path) -> None:
    path = tmp_path / "loi.png"
    Image.new("RGB", (120, 80), "white").save(path)
    doc_id = _seed(live, path, {"state": "failed", "stage": "failed", "kind": "png", "pages": 1})
    response = _preview(live, doc_id, 1)
    assert response.status_code == 400 and response.json()["code"] == "document_failed"
