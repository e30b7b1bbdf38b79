"""Versioned event models. ``schemas/*.json`` is generated from them (``sohoa schemas``); a test fails
when the committed schemas drift from these models."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, TypeAdapter


def _now() -> datetime:
    return datetime.now(UTC)


def _new_id() -> str:
    return uuid.uuid4().hex


class _Event(BaseModel):
    version: Literal[1] = 1
    event_id: str = Field(default_factory=_new_id)
    occurred_at: datetime = Field(default_factory=_now)
    doc_id: str = Field(description="SHA-256 of the original bytes, hex; object key and index _id")


class FileUploaded(_Event):
    """An original is durable in the object store and waits for processing."""

    type: Literal["file.uploaded"] = "file.uploaded"
    filename: str = Field(description="display name as uploaded; never used as a path")
    size: int
    batch: str
    dossier: str | None = None
    original_key: str


class FileProcessed(_Event):
    """The document is read, classified and indexed."""

    type: Literal["file.processed"] = "file.processed"
    pages: int
    pages_ocr: int
    doc_type: str | None = None
    field: str | None = None
    ocr_confidence: float | None = None
    seconds: float


class FileFailed(_Event):
    """The document could not be processed; ``code`` is stable, ``message`` tells what to do."""

    type: Literal["file.failed"] = "file.failed"
    code: str
    message: str
    attempts: int = 1


class MessageRejected(BaseModel):
    """A bus message that could not be decoded, sent to the dead-letter topic as it came (for a person)."""

    type: Literal["message.rejected"] = "message.rejected"
    version: Literal[1] = 1
    event_id: str = Field(default_factory=_new_id)
    occurred_at: datetime = Field(default_factory=_now)
    key: str = Field(description="the message key as received (the doc id, when the sender set it)")
    topic: str
    code: str = Field(description="stable error code, e.g. bad_event")
    message: str
    original: str = Field(description="the message value, decoded as UTF-8 with replacement, cut to 64 KiB")


class _DossierEvent(BaseModel):
    """A dossier's state in the one-stop system (một cửa điện tử), as that system publishes it. Fields
    it does not know yet are null; a later event fills them. ``event_id`` makes a redelivery harmless."""

    version: Literal[1] = 1
    event_id: str = Field(default_factory=_new_id)
    occurred_at: datetime = Field(default_factory=_now)
    ma_ho_so: str = Field(description="e.g. 000.12.37.H37-240327-0030")
    thu_tuc: str | None = None
    linh_vuc: str | None = None
    chu_the: str | None = None
    ngay_tiep_nhan: date | None = None
    ngay_hen_tra: date | None = None
    ngay_tra_ket_qua: date | None = None
    trang_thai: str | None = None
    ket_qua_so_ky_hieu: str | None = None
    ket_qua_ngay_ban_hanh: date | None = None


class DossierReceived(_DossierEvent):
    """The one-stop system received a dossier (ngay_tiep_nhan and ngay_hen_tra are set)."""

    type: Literal["dossier.received"] = "dossier.received"


class DossierUpdated(_DossierEvent):
    """A dossier's data changed (state, due date ...)."""

    type: Literal["dossier.updated"] = "dossier.updated"


class DossierReturned(_DossierEvent):
    """The result was returned to the applicant (ngay_tra_ket_qua and the result's số ký hiệu set)."""

    type: Literal["dossier.returned"] = "dossier.returned"


DossierEvent = Annotated[DossierReceived | DossierUpdated | DossierReturned, Field(discriminator="type")]
_DOSSIER_ADAPTER: TypeAdapter[DossierReceived | DossierUpdated | DossierReturned] = TypeAdapter(DossierEvent)


def decode_dossier_event(data: bytes) -> DossierReceived | DossierUpdated | DossierReturned:
    """Parse a ``dossier.*`` event; raises ``pydantic.ValidationError`` on a malformed message."""
    return _DOSSIER_ADAPTER.validate_json(data)


Event = Annotated[FileUploaded | FileProcessed | FileFailed, Field(discriminator="type")]
_EVENT_ADAPTER: TypeAdapter[FileUploaded | FileProcessed | FileFailed] = TypeAdapter(Event)

EVENT_MODELS: dict[str, type[BaseModel]] = {
    "file.uploaded": FileUploaded,
    "file.processed": FileProcessed,
    "file.failed": FileFailed,
    "message.rejected": MessageRejected,
    "dossier.received": DossierReceived,
    "dossier.updated": DossierUpdated,
    "dossier.returned": DossierReturned,
}


def encode(event: BaseModel) -> bytes:
    """Serialize an event to UTF-8 JSON bytes for the bus."""
    return event.model_dump_json().encode("utf-8")


def decode(data: bytes) -> FileUploaded | FileProcessed | FileFailed:
    """Parse bus bytes into an event; raises ``pydantic.ValidationError`` on a malformed message."""
    return _EVENT_ADAPTER.validate_json(data)


def write_schemas(directory: Path) -> list[Path]:
    """(Re)generate ``<type>.v1.json`` JSON Schemas into ``directory``; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in EVENT_MODELS.items():
        path = directory / f"{name}.v1.json"
        schema = model.model_json_schema()
        schema["$id"] = f"sohoa/{name}.v1.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
        written.append(path)
    return written
