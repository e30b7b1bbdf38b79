"""One Settings object, read once at start-up from ``SOHOA_*`` environment variables and passed down.

Backends are chosen by URL: ``SOHOA_BUS`` (``local://`` or ``kafka://host:port``), ``SOHOA_STORE``
(``file://`` or ``s3://ACCESS:SECRET@host:port/bucket``), ``SOHOA_INDEX`` (``local://`` or
``http://host:9200``). ``SOHOA_PROFILE=cluster`` switches all three to the single-node cluster on
127.0.0.1 started by ``scripts/services.sh`` unless a URL is set explicitly.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .cores import available_cores

CLUSTER_DEFAULTS = {
    "database": "postgresql://sohoa@127.0.0.1:5432/sohoa",
    "bus": "kafka://127.0.0.1:9092",
    "store": "s3://sohoa:sohoa-dev-secret@127.0.0.1:9000/sohoa",
    "index": "http://127.0.0.1:9200",
}


MIN_SECRET_CHARS = 16


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1): a server only this machine reaches."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _local_secret(path: Path) -> str:
    """The key in ``path``, made (random, readable by the owner only) when it does not exist yet."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(key + "\n")
    return key


class Limits(BaseSettings):
    """Resource limits that protect workers from huge or hostile files (all documented in README)."""

    model_config = SettingsConfigDict(env_prefix="SOHOA_LIMIT_", extra="ignore")

    max_bytes: int = Field(200 * 1024 * 1024, description="largest accepted upload, bytes")
    max_pages: int = Field(500, description="most pages per document")
    max_pixels: int = Field(60_000_000, description="most pixels of one page image (width x height)")
    page_seconds: float = Field(120.0, description="wall-clock limit of OCR for one page, seconds")
    ocr_memory_mb: int = Field(1536, description="address-space limit of each OCR subprocess, MiB")
    pdf_seconds: float = Field(60.0, description="limit for reading PDF structure / text layers, seconds")


class Settings(BaseSettings):
    """Everything configurable. Construct once (``Settings()``) and pass it down."""

    model_config = SettingsConfigDict(env_prefix="SOHOA_", extra="ignore")

    home: Path = Field(Path(".sohoa"), description="directory of all embedded state")
    profile: Literal["embedded", "cluster"] = "embedded"
    bus: str = ""
    store: str = ""
    index: str = ""
    database: str = ""

    # Kafka topics / group
    topic_uploaded: str = "sohoa.file.uploaded"
    topic_results: str = "sohoa.file.processed"
    topic_dead: str = "sohoa.file.dead"
    topic_dossiers: str = "sohoa.dossier.events"
    topic_partitions: int = 4
    consumer_group: str = "sohoa-workers"
    index_name: str = "sohoa-documents"
    bus_timeout_seconds: float = Field(60.0, description="longest wait for the bus to take one event, s")

    # OCR
    ocr_lang: str = "vie"
    ocr_jobs: int = Field(default_factory=available_cores)
    ocr_dpi: int = 300
    low_confidence: float = Field(70.0, description="documents under this mean word confidence go to review")

    # Worker
    lease_seconds: float = 120.0
    max_attempts: int = Field(3, description="deliveries that may die mid-processing before worker_crashed")
    worker_memory_mb: int = Field(
        4096, description="data-memory ceiling of each worker process, MiB (0: none); its OCR children have their own"
    )
    stop_grace_seconds: float = Field(30.0, description="on SIGTERM, how long a worker may finish its document, s")
    retry_delay: float = Field(1.0, description="first wait before retrying a document after a transient error, s")
    outage_backoff_max: float = Field(30.0, description="longest wait between tries while a backend is down, s")

    # Worker metrics and health over HTTP (0: off); bind 0.0.0.0 in a container so the kubelet reaches it
    worker_http_port: int = 0
    worker_http_host: str = "127.0.0.1"

    # API
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = Field(
        "",
        description="key of the HMACs over session and API tokens (16+ characters); empty: a random key "
        "kept in HOME/secret.key, made on first use. Set the same key on every API instance.",
    )

    # Hostile clients: bounds on every request (see README, "Security")
    max_request_bytes: int = Field(
        1024 * 1024 * 1024, description="largest multipart (upload) request body, bytes; larger: 413"
    )
    max_json_bytes: int = Field(1024 * 1024, description="largest other request body (JSON, forms), bytes")
    body_idle_seconds: float = Field(60.0, description="a request body that makes no progress this long: 408")
    max_connections: int = Field(512, description="open connections and requests the server takes at once")
    max_requests_per_client: int = Field(64, description="requests one client address may have in flight")
    trusted_proxies: str = Field(
        "", description="comma-separated proxy addresses/networks whose X-Forwarded-For is believed; empty: none"
    )
    secure_cookies: bool | None = Field(
        None, description="Secure flag on cookies; unset: on unless the server is bound to a loopback address"
    )
    token_days: int = Field(90, description="days an API token is valid unless asked otherwise")

    limits: Limits = Field(default_factory=Limits)

    @model_validator(mode="after")
    def _fill_urls(self) -> Settings:
        home = self.home.resolve()
        self.home = home
        cluster = self.profile == "cluster"
        if not self.bus:
            self.bus = CLUSTER_DEFAULTS["bus"] if cluster else "local://"
        if not self.store:
            self.store = CLUSTER_DEFAULTS["store"] if cluster else f"file://{home / 'objects'}"
        if not self.index:
            self.index = CLUSTER_DEFAULTS["index"] if cluster else "local://"
        if not self.database:
            self.database = CLUSTER_DEFAULTS["database"] if cluster else f"sqlite:///{home / 'sohoa.db'}"
        if not self.secret_key:
            self.secret_key = _local_secret(home / "secret.key")
        if len(self.secret_key) < MIN_SECRET_CHARS:
            raise ValueError(f"SOHOA_SECRET_KEY must have at least {MIN_SECRET_CHARS} characters")
        return self

    @property
    def db_path(self) -> Path:
        """SQLite file of the embedded catalog/index (under ``home``)."""
        return self.home / "index.sqlite3"

    @property
    def queue_path(self) -> Path:
        return self.home / "queue.sqlite3"

    @property
    def app_db_path(self) -> Path:
        """Where versions before the relational store kept the web app's users, sessions, tokens and audit
        log; read once on upgrade (``workers.appdb_upgrade``)."""
        return self.home / "app.sqlite3"
