"""``BlobStore`` on any S3 server (MinIO, versitygw, AWS), with the ``minio`` client.

URL: ``s3://ACCESS:SECRET@HOST:PORT/BUCKET`` (plain HTTP, or ``s3+http://``), ``s3+https://...`` for
TLS; an optional ``?region=NAME`` skips the bucket-location lookup. Access key and secret may be
percent-encoded. The bucket is created if missing.

Objects appear whole or not at all (a single PUT, or a multipart upload completed only after the last
part): ``put_file`` streams the file, hashing it as it goes, and fails the upload before completing it if
the bytes differ from the expected SHA-256 or size. The SHA-256 is stored as user metadata
(``x-amz-meta-sha256``). Keys are checked like the embedded store's (``local_store.check_key``).

Errors: a missing object raises ``NotFoundError``; refused credentials or a missing bucket raise
``ConfigError``; network trouble and server errors raise ``TransientError``.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO, TypeVar, cast
from urllib.parse import parse_qs, unquote, urlparse

import urllib3
from minio import Minio
from minio.error import InvalidResponseError, MinioException, S3Error, ServerError

from ..errors import ConfigError, NotFoundError, SohoaError, TransientError
from .local_store import check_key

T = TypeVar("T")

_NOT_FOUND = {"NoSuchKey", "NoSuchObject", "ResourceNotFound", "NoSuchVersion"}
_CONFIG = {
    "AccessDenied",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "NoSuchBucket",
    "InvalidBucketName",
    "AuthorizationHeaderMalformed",
}
_CHUNK = 1 << 20
# minio's default is 5 minutes per connect/read and 5 retries: too slow to notice a dead server.
_TIMEOUT = urllib3.Timeout(connect=10.0, read=120.0)
_RETRIES = urllib3.Retry(total=3, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504])


@contextmanager
def _translate(action: str, key: str | None = None) -> Iterator[None]:
    """minio / urllib3 exceptions -> Sohoa errors, at the edge."""
    try:
        yield
    except SohoaError:
        raise
    except S3Error as exc:
        if exc.code in _NOT_FOUND and key is not None:
            raise NotFoundError(f"object not found: {key}") from exc
        if exc.code in _CONFIG:
            raise ConfigError(f"S3 refused to {action} ({exc.code}): check SOHOA_STORE credentials and bucket") from exc
        raise TransientError(f"S3 could not {action}: {exc.code} {exc.message}") from exc
    except (ServerError, InvalidResponseError, MinioException, urllib3.exceptions.HTTPError, OSError) as exc:
        raise TransientError(f"S3 could not {action}: {exc!r}") from exc


class _VerifyingReader(io.RawIOBase):
    """Reads ``size`` bytes of ``source``; the read that completes them raises ``TransientError`` if
    their SHA-256 is not ``sha256``, which aborts the upload before the object becomes visible."""

    def __init__(self, source: BinaryIO, size: int, sha256: str | None, key: str) -> None:
        self._source = source
        self._left = size
        self._expected = sha256.lower() if sha256 else None
        self._digest = hashlib.sha256()
        self._key = key

    def readable(self) -> bool:
        return True

    def read(self, n: int | None = -1) -> bytes:
        want = self._left if n is None or n < 0 else min(n, self._left)
        data = self._source.read(want) if want else b""
        self._digest.update(data)
        self._left -= len(data)
        if self._left == 0 and self._expected and self._digest.hexdigest() != self._expected:
            raise TransientError(f"checksum mismatch for {self._key}: file changed while uploading")
        return data

    @property
    def hexdigest(self) -> str:
        return self._digest.hexdigest()


class S3Store:
    """``BlobStore`` on one bucket of an S3 server."""

    def __init__(self, client: Minio, bucket: str) -> None:
        self._client = client
        self._bucket = bucket
        with _translate(f"open bucket {bucket}"):
            if not client.bucket_exists(bucket):
                try:
                    client.make_bucket(bucket)
                except S3Error as exc:  # another process created it first
                    if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise

    @classmethod
    def from_url(cls, url: str) -> S3Store:
        """Open ``s3://ACCESS:SECRET@HOST:PORT/BUCKET[?region=R]`` (``s3+https://`` for TLS)."""
        parsed = urlparse(url)
        bucket = parsed.path.strip("/")
        if parsed.scheme not in ("s3", "s3+http", "s3+https") or not parsed.hostname or not bucket or "/" in bucket:
            raise ConfigError(f"SOHOA_STORE={_redact(url)!r}: use s3://ACCESS:SECRET@HOST:PORT/BUCKET")
        if not parsed.username or parsed.password is None:
            raise ConfigError(f"SOHOA_STORE={_redact(url)!r}: the access key and secret are missing")
        secure = parsed.scheme == "s3+https"
        port = parsed.port or (443 if secure else 80)
        regions = parse_qs(parsed.query).get("region")
        region = regions[0] if regions else None
        http = urllib3.PoolManager(timeout=_TIMEOUT, retries=_RETRIES, maxsize=10)
        client = Minio(
            f"{parsed.hostname}:{port}",
            access_key=unquote(parsed.username),
            secret_key=unquote(parsed.password),
            secure=secure,
            region=region,
            http_client=http,
        )
        return cls(client, bucket)

    def put_file(self, key: str, path: Path, content_type: str, sha256: str | None = None) -> None:
        check_key(key)
        with _translate(f"store {key}", key), path.open("rb") as src:
            size = os.fstat(src.fileno()).st_size
            reader = _VerifyingReader(src, size, sha256, key)
            metadata: dict[str, str | list[str] | tuple[str]] | None = {"sha256": sha256.lower()} if sha256 else None
            stream = cast(BinaryIO, reader)  # minio only calls read(n)
            self._client.put_object(self._bucket, key, stream, size, content_type=content_type, metadata=metadata)

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        check_key(key)
        with _translate(f"store {key}", key):
            self._client.put_object(self._bucket, key, io.BytesIO(data), len(data), content_type=content_type)

    def _read(self, key: str, consume: Callable[[Iterator[bytes]], T]) -> T:
        check_key(key)
        with _translate(f"read {key}", key):
            response = self._client.get_object(self._bucket, key)
            try:
                return consume(response.stream(_CHUNK))
            finally:
                response.close()
                response.release_conn()

    def get_bytes(self, key: str) -> bytes:
        return self._read(key, lambda chunks: b"".join(chunks))

    def download(self, key: str, path: Path) -> None:
        """Write the object to ``path`` via a temporary file beside it (no half-written file on error)."""

        def write(chunks: Iterator[bytes]) -> None:
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            try:
                with os.fdopen(fd, "wb") as out:
                    for chunk in chunks:
                        out.write(chunk)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise

        self._read(key, write)

    def exists(self, key: str) -> bool:
        check_key(key)
        try:
            with _translate(f"look up {key}", key):
                self._client.stat_object(self._bucket, key)
        except NotFoundError:
            return False
        return True

    def list(self, prefix: str) -> Iterator[str]:
        """Keys under ``prefix`` in key order (S3 lists in UTF-8 byte order, which for our ASCII keys is
        Python's string order)."""
        with _translate(f"list {prefix!r}"):
            for obj in self._client.list_objects(self._bucket, prefix=prefix or None, recursive=True):
                if obj.object_name is not None and not obj.is_dir:
                    yield obj.object_name

    def delete(self, key: str) -> None:
        check_key(key)
        with _translate(f"delete {key}"):
            self._client.remove_object(self._bucket, key)

    def url(self, key: str, expires_seconds: int = 300) -> str | None:
        """A presigned GET URL valid for ``expires_seconds`` (1 s to 7 days). Signing is local; the URL
        names the server as configured in SOHOA_STORE, so browsers must be able to reach that address."""
        check_key(key)
        expires = timedelta(seconds=max(1, min(int(expires_seconds), 7 * 24 * 3600)))
        with _translate(f"sign a URL for {key}"):
            return self._client.presigned_get_object(self._bucket, key, expires=expires)


def _redact(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password is None:
        return url
    return url.replace(f":{parsed.password}@", ":***@", 1)
