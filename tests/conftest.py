"""Shared fixtures: isolated settings, the project's generated samples, and real-service URLs.

Service fixtures follow one rule: locally a missing service skips the test; under ``CI=true`` it fails.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlparse

import pytest

from workers.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(why: str) -> NoReturn:
    """Something a test needs is missing: skip locally, fail under ``CI=true`` (a skip there hides it)."""
    if IN_CI:
        pytest.fail(why)
    pytest.skip(why)


def make_settings(home: Path, **overrides: object) -> Settings:
    env = {"home": home, "ocr_jobs": 2, "lease_seconds": 10.0, **overrides}
    return Settings(**env)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "home")


@pytest.fixture(scope="session")
def samples_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's own generated sample set (files/, gt/, register), made once per session."""
    configured = os.environ.get("SOHOA_TEST_SAMPLES")
    if configured and (Path(configured) / "manifest.csv").is_file():
        return Path(configured)
    out = tmp_path_factory.mktemp("samples")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_samples.py"), str(out)], check=True)
    return out


def load_gt(samples: Path) -> dict[str, dict[str, object]]:
    """Ground truth by file name."""
    return {
        json.loads(p.read_text())["file"]: json.loads(p.read_text())
        for p in sorted((samples / "gt").glob("doc_*.json"))
    }


def _reachable(url: str) -> bool:
    parsed = urlparse(url.replace("kafka://", "tcp://"))
    host = parsed.hostname or "127.0.0.1"
    port = parsed.port or 0
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require_service(name: str) -> str:
    """URL of a real service from ``SOHOA_TEST_<NAME>``; skip locally, fail in CI when it is not up."""
    url = os.environ.get(f"SOHOA_TEST_{name.upper()}", "")
    if url and _reachable(url):
        return url
    unavailable(f"real {name} service not reachable (SOHOA_TEST_{name.upper()}={url!r}); run scripts/services.sh start")


@pytest.fixture
def kafka_url() -> str:
    return require_service("bus")


@pytest.fixture
def s3_url() -> str:
    return require_service("store")


@pytest.fixture
def es_url() -> str:
    return require_service("index")


@pytest.fixture
def env_clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key in list(os.environ):
        if key.startswith("SOHOA_") and not key.startswith("SOHOA_TEST_"):
            monkeypatch.delenv(key)
    yield


def cer(prediction: str, reference: str) -> float:
    """Character error rate after NFC and whitespace collapsing (as the project's benchmarks do)."""
    import unicodedata

    from rapidfuzz.distance import Levenshtein

    def clean(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).split())

    ref = clean(reference)
    return Levenshtein.distance(clean(prediction), ref) / max(1, len(ref))


@pytest.fixture(scope="session")
def processed_samples(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The project's samples digitized once on embedded defaults (real OCR), shared by several tests."""
    from workers.context import Context
    from workers.ingest import ingest_paths
    from workers.pool import run_pool

    settings = make_settings(tmp_path_factory.mktemp("embedded-home"), lease_seconds=120.0)
    ctx = Context.open(settings)
    try:
        ingest_paths(ctx, [samples_dir / "files"], batch="samples")
    finally:
        ctx.close()
    run_pool(settings, 2, drain=True)
    return settings
