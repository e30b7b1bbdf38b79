"""Data passed between pipeline stages. Stages are plain functions; none of them knows about the bus,
the store, the index or HTTP."""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal


@dataclass
class PageText:
    """The text of one page and how it was obtained."""

    number: int  # 1-based
    text: str
    source: Literal["text_layer", "ocr"]
    confidence: float | None = None  # mean Tesseract word confidence 0..100; None for text layers
    rotation: int = 0  # clockwise degrees applied to make the page upright (0/90/180/270)
    skew: float = 0.0  # degrees corrected by deskew
    width_px: int = 0
    height_px: int = 0
    dpi: int = 0
    seconds: float = 0.0
    note: str | None = None  # e.g. "downscaled": read below the usual resolution to stay within the pixel limit


@dataclass
class ReadResult:
    """Output of :func:`workers.pipeline.ocr.read_document`."""

    kind: str  # "pdf" | "tiff" | "png" | "jpeg"
    pages: list[PageText]
    searchable_pdf: Path | None  # written inside the caller's work directory
    stages: dict[str, float] = dataclasses.field(default_factory=dict)
    """Wall-clock seconds per stage of :data:`workers.pipeline.stages.READ_STAGES`, summed over pages."""
    stage_cpu: dict[str, float] = dataclasses.field(default_factory=dict)
    """CPU seconds of the same stages: this process's, and the recognizer's for ``recognition`` (see
    :class:`workers.pipeline.stages.StageClock`)."""

    @property
    def text(self) -> str:
        """All pages' text joined with form feeds."""
        return "\f".join(p.text for p in self.pages)

    @property
    def pages_ocr(self) -> int:
        return sum(1 for p in self.pages if p.source == "ocr")

    @property
    def confidence(self) -> float | None:
        """Mean confidence over OCR'd pages (None when no page was OCR'd)."""
        confs = [p.confidence for p in self.pages if p.source == "ocr" and p.confidence is not None]
        return round(sum(confs) / len(confs), 1) if confs else None


@dataclass
class Analysis:
    """Classification and metadata of one document (output of ``workers.pipeline.analyze``)."""

    doc_type: str | None = None
    doc_type_confidence: float = 0.0  # 0..1
    doc_subtype: str | None = None
    field: str | None = None
    field_confidence: float = 0.0  # 0..1
    so_ky_hieu: str | None = None
    ngay_ban_hanh: str | None = None  # ISO YYYY-MM-DD
    co_quan_ban_hanh: str | None = None
    nguoi_ky: str | None = None
    chuc_vu_nguoi_ky: str | None = None
    trich_yeu: str | None = None
    hieu_luc_den: str | None = None  # ISO YYYY-MM-DD
    chu_the: str | None = None
    ma_ho_so: str | None = None
    doc_type_source: str = "rules"  # who decided doc_type: "rules" or "model" (learned from corrections)
    field_source: str = "rules"  # who decided field: "rules" or "model"
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


METADATA_FIELDS = (
    "doc_type",
    "doc_subtype",
    "field",
    "so_ky_hieu",
    "ngay_ban_hanh",
    "co_quan_ban_hanh",
    "nguoi_ky",
    "chuc_vu_nguoi_ky",
    "trich_yeu",
    "hieu_luc_den",
    "chu_the",
    "ma_ho_so",
)
