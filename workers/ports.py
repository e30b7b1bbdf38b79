"""Ports: the narrow Protocols the code calls. Adapters (``workers.adapters``) implement them without
inheriting; the embedded adapter of each is the default. Adapters raise only ``workers.errors`` types."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


@dataclass
class Message:
    """One delivery from the bus. ``deliveries`` counts how often it was handed out (>= 1)."""

    topic: str
    key: str
    value: bytes
    handle: Any = None
    deliveries: int = 1


class Bus(Protocol):
    """At-least-once event transport."""

    def publish(self, topic: str, key: str, value: bytes) -> None:
        """Durably append ``value``; returns once the bus has it."""

    def receive(self, topic: str, timeout: float) -> Message | None:
        """Next message of ``topic`` for this consumer group, or None after ``timeout`` seconds."""

    def ack(self, message: Message) -> None:
        """Mark ``message`` done; it is never delivered again. Call only after the result is durable."""

    def release(self, message: Message) -> None:
        """Give ``message`` back undone: it will be delivered again (to this or another worker)."""

    def keepalive(self, message: Message) -> None:
        """Tell the bus the message is still being worked on (extends a lease / heartbeats)."""

    def pending(self, topic: str) -> int:
        """Messages of ``topic`` not yet acknowledged by this group (queued or in flight)."""

    def lag(self, topic: str) -> dict[int, int]:
        """Messages not yet acked on each partition of ``topic`` (their sum is :meth:`pending`)."""
        ...

    def close(self) -> None: ...


class BlobStore(Protocol):
    """Object storage addressed by keys such as ``originals/<sha256>``."""

    def put_file(self, key: str, path: Path, content_type: str, sha256: str | None = None) -> None:
        """Store the file at ``path`` under ``key`` atomically; verify ``sha256`` if given."""

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None: ...

    def get_bytes(self, key: str) -> bytes:
        """Raises ``NotFoundError`` if absent."""

    def download(self, key: str, path: Path) -> None:
        """Copy the object to a local file. Raises ``NotFoundError`` if absent."""

    def exists(self, key: str) -> bool: ...

    def list(self, prefix: str) -> Iterator[str]:
        """Keys under ``prefix``, in key order."""

    def delete(self, key: str) -> None: ...

    def url(self, key: str, expires_seconds: int = 300) -> str | None:
        """A short-lived URL a browser can GET, or None when the store has no such thing."""


@dataclass
class SearchQuery:
    """What staff ask for. Empty ``text`` lists documents (newest first) within the filters."""

    text: str = ""
    doc_type: str | None = None
    field: str | None = None
    issuer: str | None = None
    year: int | None = None
    valid_on: str | None = None  # ISO date: ngay_ban_hanh <= D and (no end or hieu_luc_den >= D)
    low_confidence: bool | None = None
    state: str | None = None
    batch: str | None = None
    doc_types: tuple[str, ...] = ()  # any of these types (with ``doc_type``: both must hold)
    not_doc_types: tuple[str, ...] = ()  # none of these types (records without a type are kept)
    review_reasons: tuple[str, ...] = ()  # any of these ``workers.reasons.review_reason`` values
    doc_id_prefix: str | None = None
    uploaded_after: tuple[str, str] | None = None  # (uploaded_at, doc_id): only records after it in upload order
    sort: str = "relevance"  # relevance | date_desc | date_asc | uploaded (upload order, oldest first)
    limit: int = 10
    offset: int = 0  # any depth: past 10,000 too
    with_text: bool = True  # False: hits' records come without ``text`` (lists, summaries)
    fields: tuple[str, ...] = ()  # only these record keys (and ``doc_id``); () = all
    facets: bool = True  # False: no facet counts (lists that do not show them)


@dataclass
class Hit:
    record: dict[str, Any]
    score: float
    highlights: list[str] = field(default_factory=list)


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]


@dataclass
class BatchStats:
    """One batch as the index counts it: files by state, first upload, last processing."""

    batch: str
    files: int
    counts: dict[str, int]
    started_at: str | None
    last_processed_at: str | None


class SearchIndex(Protocol):
    """Documents (one record per doc_id, every state) with full-text search over their text."""

    def ensure(self) -> None:
        """Create the index / tables if missing."""

    def upsert(self, doc_id: str, fields: dict[str, Any]) -> None:
        """Merge ``fields`` into the record ``doc_id`` (creating it). Visible to ``get`` at once."""

    def put_many(self, records: list[dict[str, Any]]) -> None:
        """Write whole records (each with its ``doc_id``), replacing any stored ones, in one bulk request
        or transaction: for ``reindex`` and loads, not for a worker's merges."""

    def get(self, doc_id: str) -> dict[str, Any] | None: ...

    def scan(self, batch: str | None = None) -> Iterator[dict[str, Any]]:
        """Every record (of one batch), ordered by upload time then doc_id. For maintenance commands
        (reindex, backup, training), never for a request: those use :meth:`search` and :meth:`records`."""

    def search(self, query: SearchQuery) -> SearchResult: ...

    def records(self, query: SearchQuery) -> Iterator[dict[str, Any]]:
        """Every record matching ``query``'s filters and text (``limit``/``offset`` ignored), in upload
        order, fetched a page at a time; without ``text`` unless ``query.with_text``."""

    def batch_stats(self, batches: list[str] | None = None) -> list[BatchStats]:
        """Counts of every batch (or of ``batches``), by aggregation: no record is read."""

    def refresh(self) -> None:
        """Make every write so far visible to :meth:`search` (``get`` always sees them at once)."""

    def drop(self) -> None:
        """Delete every record (the index is derived state; ``sohoa reindex`` rebuilds it)."""

    def close(self) -> None: ...
