"""A concrete document ready for layout: its blocks of text and the metadata its ground truth reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .page import BODY_SIZE


@dataclass
class Para:
    """A body paragraph; ``indent`` applies to the first line of left-aligned text only."""

    text: str
    style: str = "R"
    indent: float = 30.0
    align: str = "left"  # left | center
    size: float = BODY_SIZE
    before: float = 3.0
    role: str = "body"
    page_break: bool = False


@dataclass
class Signer:
    """A signature block: title lines, the signer's name, an optional italic note, seal and signature marks."""

    titles: list[str]
    name: str
    note: str | None = None
    seal: bool = True
    signature: bool = True


@dataclass
class DocSpec:
    """Layout input (header, titles, body, sign-off) plus the metadata written to ground truth."""

    # layout
    header_left: list[tuple[str, str]]
    place_date: str
    so_line: str | None
    vv: str | None  # "V/v ..." summary under the number, wrapped in the left header column
    titles: list[str]
    subtitle: list[str]
    kinh_gui: str | None
    body: list[Para]
    noi_nhan: list[str]
    signer: Signer
    left_signer: Signer | None = None
    header_layout: str = "nd30"  # nd30 | compact (columns close together, number and date in the columns)
    # metadata
    doc_type: str = ""
    doc_subtype: str = ""
    field_code: str = ""
    so_ky_hieu: str | None = None
    ngay_ban_hanh: str = ""
    co_quan: str = ""
    co_quan_aliases: list[str] = field(default_factory=list)
    trich_yeu: str = ""
    hieu_luc_den: str | None = None
    ma_ho_so: str | None = None
    chu_the: str | None = None
    tthc: dict[str, Any] | None = None
