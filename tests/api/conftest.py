"""An app on embedded backends with one user per role (API tokens), and a few seeded documents.

No pipeline runs here: records are put in the index in the states a worker would leave them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from tests.conftest import make_settings
from workers import appdb as appdb_module
from workers.api.app import create_app
from workers.appdb import AppDB
from workers.context import Context
from workers.ingest import ingest_file

ROLES = ("operator", "staff", "admin")
SCRIPT_TEXT = "GIẤY PHÉP BÁN LẺ RƯỢU\nSố: 12/GP-SCT\n<script>alert('xss')</script> Cửa hàng Hoa Mai"


def png_bytes(color: str = "white", size: tuple[int, int] = (120, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class World:
    app: FastAPI
    client: TestClient
    ctx: Context
    db: AppDB
    tmp: Path
    tokens: dict[str, str] = field(default_factory=dict)
    batch: str = "lo-op"  # created by "operator"
    other_batch: str = "lo-op2"  # created by "operator2"
    doc: str = ""  # indexed, needs review, in lo-op
    failed: str = ""  # failed, in lo-op
    other_doc: str = ""  # failed, in lo-op2

    def as_role(self, role: str | None) -> dict[str, str]:
        """Headers of a caller with ``role`` (None: anonymous)."""
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}

    def sign_in(self, client: TestClient, name: str, password: str) -> str:
        """Sign ``client`` in through the login form; returns the page CSRF token."""
        page = client.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', page.text)
        assert token, page.text
        response = client.post(
            "/login",
            data={"username": name, "password": password, "login_token": token.group(1), "next": "/"},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        home = client.get("/batches")
        csrf = re.search(r'data-csrf="([^"]+)"', home.text)
        assert csrf
        return csrf.group(1)


def _seed(world: World) -> None:
    ctx, db = world.ctx, world.db
    for i, (name, batch, owner) in enumerate(
        [
            ("giay-phep.png", world.batch, "operator"),
            ("hong.png", world.batch, "operator"),
            ("khac.png", world.other_batch, "operator2"),
        ]
    ):
        path = world.tmp / name
        path.write_bytes(png_bytes(["white", "gray", "black"][i]))
        db.claim_batch(batch, owner, "HS-001")
        uploaded = ingest_file(ctx, path, name, batch, "HS-001", uploader=owner)
        if i == 0:
            world.doc = uploaded.doc_id
        elif i == 1:
            world.failed = uploaded.doc_id
        else:
            world.other_doc = uploaded.doc_id
    ctx.index.upsert(
        world.doc,
        {
            "state": "indexed",
            "stage": "done",
            "kind": "png",
            "pages": 1,
            "text": SCRIPT_TEXT,
            "doc_type": "giay_phep",
            "field": "ruou",
            "so_ky_hieu": "12/GP-SCT",
            "ngay_ban_hanh": "2023-03-15",
            "hieu_luc_den": "2028-03-15",
            "trich_yeu": "Giấy phép bán lẻ rượu <b>Hoa Mai</b>",
            "review": True,
            "low_confidence": True,
            "ocr_confidence": 55.0,
            "processed_at": "2030-01-01T00:00:05.000+00:00",
        },
    )
    for doc in (world.failed, world.other_doc):
        ctx.index.upsert(
            doc,
            {
                "state": "failed",
                "stage": "failed",
                "error_code": "corrupt_file",
                "error_message": "Tệp bị hỏng hoặc không đọc được. Hãy quét hoặc tải lên lại.",
                "processed_at": "2030-01-01T00:00:06.000+00:00",
            },
        )


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(appdb_module, "BCRYPT_ROUNDS", 4)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    settings = make_settings(tmp_path / "home")
    app = create_app(settings)
    with TestClient(app) as client:
        db: AppDB = app.state.appdb()
        world = World(app=app, client=client, ctx=app.state.ctx(), db=db, tmp=tmp_path)
        for role in ROLES:
            db.add_user(role, role, f"{role}-password")
            world.tokens[role] = db.new_token(role)
        db.add_user("operator2", "operator", "operator2-password")
        world.tokens["operator2"] = db.new_token("operator2")
        _seed(world)
        yield world


def json_of(response: Any) -> Any:
    assert response.headers["content-type"].startswith("application/json"), response.text[:300]
    return response.json()
