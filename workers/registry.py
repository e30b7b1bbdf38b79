"""Pick adapters by URL; adapters for real services are imported only when their URL is used."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from .errors import ConfigError
from .ports import BlobStore, Bus, SearchIndex
from .settings import Settings


def open_bus(settings: Settings) -> Bus:
    url = urlparse(settings.bus)
    if url.scheme == "local":
        from .adapters.local_bus import LocalBus

        return LocalBus(settings.queue_path, lease_seconds=settings.lease_seconds)
    if url.scheme == "kafka":
        from .adapters.kafka_bus import KafkaBus

        return KafkaBus(settings)
    raise ConfigError(f"SOHOA_BUS={settings.bus!r}: use local:// or kafka://HOST:PORT")


def open_store(settings: Settings) -> BlobStore:
    url = urlparse(settings.store)
    if url.scheme == "file":
        from .adapters.local_store import LocalStore

        return LocalStore(Path(unquote(url.path)))
    if url.scheme in ("s3", "s3+http", "s3+https"):
        from .adapters.s3_store import S3Store

        return S3Store.from_url(settings.store)
    raise ConfigError(f"SOHOA_STORE={settings.store!r}: use file:///DIR or s3://KEY:SECRET@HOST:PORT/BUCKET")


def open_index(settings: Settings) -> SearchIndex:
    url = urlparse(settings.index)
    if url.scheme == "local":
        from .adapters.local_index import LocalIndex

        return LocalIndex(settings.db_path)
    if url.scheme in ("http", "https"):
        from .adapters.es_index import ElasticIndex

        return ElasticIndex(settings)
    raise ConfigError(f"SOHOA_INDEX={settings.index!r}: use local:// or http://HOST:9200")
