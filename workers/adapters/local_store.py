"""Embedded object store: one file per key under a root directory, written atomically.

Keys are validated (no ``..``, no absolute paths) so that nothing from a user can escape the root.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import NotFoundError, TransientError

_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$")


def check_key(key: str) -> str:
    """Return ``key`` if it is a safe relative object key, else raise ``ValueError``."""
    if not _KEY_RE.match(key) or ".." in key.split("/") or "//" in key:
        raise ValueError(f"invalid object key: {key!r}")
    return key


class LocalStore:
    """``BlobStore`` on the local filesystem (``file:///path``)."""

    def __init__(self, root: Path) -> None:
        self._root = root
        root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self._root / check_key(key)

    def _atomic_write(self, key: str, write: object) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                write(out)  # type: ignore[operator]
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise TransientError(f"cannot write object {key}: {exc}") from exc

    def put_file(self, key: str, path: Path, content_type: str, sha256: str | None = None) -> None:
        def write(out: object) -> None:
            digest = hashlib.sha256()
            with path.open("rb") as src:
                while chunk := src.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)  # type: ignore[attr-defined]
            if sha256 and digest.hexdigest() != sha256:
                raise OSError(f"checksum mismatch for {key}: file changed while uploading")

        self._atomic_write(key, write)

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        self._atomic_write(key, lambda out: out.write(data))

    def get_bytes(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise NotFoundError(f"object not found: {key}") from exc

    def download(self, key: str, path: Path) -> None:
        try:
            shutil.copyfile(self._path(key), path)
        except FileNotFoundError as exc:
            raise NotFoundError(f"object not found: {key}") from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list(self, prefix: str) -> Iterator[str]:
        base = self._root
        keys = []
        for dirpath, _dirs, files in os.walk(base):
            for name in files:
                if name.startswith(".tmp-"):
                    continue
                key = Path(dirpath, name).relative_to(base).as_posix()
                if key.startswith(prefix):
                    keys.append(key)
        yield from sorted(keys)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def url(self, key: str, expires_seconds: int = 300) -> str | None:
        return None

    def local_path(self, key: str) -> Path:
        """Path of the object on disk (embedded store only; used to stream files in the API)."""
        return self._path(key)
