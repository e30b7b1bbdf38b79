"""One suite for every BlobStore backend: the embedded file store and S3 must behave the same.

The S3 half uses one fresh bucket per test session (removed at the end) and a fresh key prefix per test.
"""

from __future__ import annotations

import hashlib
import os
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

from workers.errors import NotFoundError, TransientError
from workers.ports import BlobStore

MULTIPART = 6 * 1024 * 1024 + 1  # above the S3 client's 5 MiB part size: exercises multipart upload


@pytest.fixture(scope="session")
def s3_bucket_url() -> Iterator[str]:
    """The configured S3 URL with a fresh bucket name; the bucket and its objects are removed at the end."""
    from tests.conftest import require_service

    url = require_service("store")
    parsed = urlparse(url)
    bucket_url = urlunparse(parsed._replace(path=f"/sohoa-test-{uuid.uuid4().hex[:12]}"))
    yield bucket_url
    _remove_bucket(bucket_url)


def _remove_bucket(url: str) -> None:
    from urllib.parse import unquote

    from minio import Minio

    parsed = urlparse(url)
    bucket = parsed.path.strip("/")
    client = Minio(
        f"{parsed.hostname}:{parsed.port}",
        access_key=unquote(parsed.username or ""),
        secret_key=unquote(parsed.password or ""),
        secure=parsed.scheme == "s3+https",
    )
    if not client.bucket_exists(bucket):
        return
    for obj in client.list_objects(bucket, recursive=True):
        client.remove_object(bucket, obj.object_name or "")
    client.remove_bucket(bucket)


@pytest.fixture(params=["embedded", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "embedded":
        from workers.adapters.local_store import LocalStore

        return LocalStore(tmp_path / "objects")
    from workers.adapters.s3_store import S3Store

    return S3Store.from_url(request.getfixturevalue("s3_bucket_url"))


@pytest.fixture
def prefix() -> str:
    return f"t{uuid.uuid4().hex[:8]}"


def test_put_get_exists_list_delete(store: BlobStore, prefix: str) -> None:
    keys = [f"{prefix}/b/2", f"{prefix}/a/10", f"{prefix}/a/1", f"{prefix}x/other"]
    for i, key in enumerate(keys):
        store.put_bytes(key, f"data {i}".encode(), "text/plain")
    assert store.get_bytes(f"{prefix}/a/10") == b"data 1"
    assert store.exists(f"{prefix}/b/2") and not store.exists(f"{prefix}/b/3")
    assert list(store.list(f"{prefix}/a/")) == [f"{prefix}/a/1", f"{prefix}/a/10"]
    assert list(store.list(f"{prefix}/")) == [f"{prefix}/a/1", f"{prefix}/a/10", f"{prefix}/b/2"]
    store.put_bytes(f"{prefix}/b/2", b"replaced", "text/plain")
    assert store.get_bytes(f"{prefix}/b/2") == b"replaced"
    store.delete(f"{prefix}/b/2")
    assert not store.exists(f"{prefix}/b/2")
    with pytest.raises(NotFoundError):
        store.get_bytes(f"{prefix}/b/2")
    store.delete(f"{prefix}/b/2")  # deleting a missing key is not an error
    assert list(store.list(f"{prefix}/")) == [f"{prefix}/a/1", f"{prefix}/a/10"]


def test_missing_objects_raise_not_found(store: BlobStore, prefix: str, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        store.get_bytes(f"{prefix}/nope")
    target = tmp_path / "out.bin"
    with pytest.raises(NotFoundError):
        store.download(f"{prefix}/nope", target)
    assert not target.exists()
    assert list(store.list(f"{prefix}/")) == []


@pytest.mark.parametrize("size", [10, MULTIPART])
def test_put_file_with_checksum_and_download(store: BlobStore, prefix: str, tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    source = tmp_path / "scan.pdf"
    source.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    key = f"{prefix}/originals/{digest}"
    store.put_file(key, source, "application/pdf", sha256=digest)
    target = tmp_path / "copy.pdf"
    store.download(key, target)
    assert target.read_bytes() == data
    assert store.get_bytes(key) == data
    url = store.url(key)
    if url is not None:  # S3: the checksum travels with the object
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.headers["x-amz-meta-sha256"] == digest


@pytest.mark.parametrize("size", [10, MULTIPART])
def test_checksum_mismatch_is_refused_not_stored(store: BlobStore, prefix: str, tmp_path: Path, size: int) -> None:
    source = tmp_path / "scan.pdf"
    source.write_bytes(os.urandom(size))
    wrong = hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(TransientError, match="checksum"):
        store.put_file(f"{prefix}/bad", source, "application/pdf", sha256=wrong)
    assert not store.exists(f"{prefix}/bad")
    assert list(store.list(f"{prefix}/")) == []


def test_unsafe_keys_are_rejected(store: BlobStore) -> None:
    for key in ("../escape", "/abs", "a//b", "a/../b"):
        with pytest.raises(ValueError):
            store.put_bytes(key, b"x", "text/plain")


def test_url_is_a_short_lived_presigned_get(store: BlobStore, prefix: str) -> None:
    key = f"{prefix}/derived/text.txt"
    store.put_bytes(key, "Giấy phép".encode(), "text/plain")
    url = store.url(key)
    if url is None:
        from workers.adapters.local_store import LocalStore

        assert isinstance(store, LocalStore)  # only the embedded store has no URLs
        return
    assert "X-Amz-Expires=300" in url
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        assert response.read() == "Giấy phép".encode()
    short = store.url(key, expires_seconds=1)
    assert short is not None
    time.sleep(2.5)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(short, timeout=10)
    assert refused.value.code == 403
