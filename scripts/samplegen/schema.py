"""The vocabulary in which document kinds, issuers, dossiers and the documents of a set are written as data.

Every text field is a template (see :mod:`samplegen.templating`): it may refer to the province, the laws table,
the issuer's and the kind's phrases, the dossier's values, the document's own given values, ``number``,
``issued``, ``until`` (when the kind has a validity) and the values the kind draws.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from .draws import Draw
from .spec import Para

Draws = tuple[tuple[str, Draw], ...]

DIRECTOR = ("GIÁM ĐỐC",)
DEPUTY_DIRECTOR = ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")


@dataclass(frozen=True)
class Issuer:
    """The body a document comes from: its header lines, its names for ground truth, and its own phrases.

    ``in_register`` says whether results it issues appear in the province's register of valid results.
    ``phrases`` (e.g. ``authority``, ``can_cu_org``) are templates that kinds refer to by name, so one kind can be
    issued by different bodies.
    """

    header: tuple[tuple[str, str], ...]  # (text, style) per line of the left header column
    name: str
    aliases: tuple[str, ...]
    place: str
    in_register: bool = True
    phrases: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SignerSpec:
    """A signature block: ``name`` is a template, usually a drawn person."""

    titles: tuple[str, ...]
    name: str = "{signer}"
    note: str | None = None
    seal: bool = True


@dataclass(frozen=True)
class Kind:
    """A kind of document: everything that stays the same between two documents of that kind.

    ``result`` names the administrative-procedure result (the register's ``loai``) when documents of this kind
    are such results; None for correspondence, reports and other paperwork. ``valid_years`` puts ``until`` in the
    context and into ground truth as ``hieu_luc_den``.
    """

    doc_type: str
    doc_subtype: str
    field_code: str
    issuer: Issuer
    titles: tuple[str, ...]
    body: tuple[Para, ...]
    signer: SignerSpec
    draws: Draws = ()
    subtitle: str | None = None
    vv: str | None = None
    kinh_gui: str | None = None
    noi_nhan: tuple[str, ...] = ()
    left_signer: SignerSpec | None = None
    trich_yeu: str = "{subtitle}"
    chu_the: str | None = None
    valid_years: int | None = None
    result: str | None = None
    phrases: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Dossier:
    """Documents about one case (application, minutes, receipt, result) sharing a code, a party and draws.

    ``code`` is the one-stop-shop dossier number (``ma_ho_so``); ``draws`` happen once for the whole dossier.
    """

    name: str
    code: str
    given: Mapping[str, str] = field(default_factory=dict)
    draws: Draws = ()


@dataclass(frozen=True)
class Doc:
    """One concrete document: its kind, number (None: the kind carries no number), date and own values.

    ``issuer`` replaces the kind's issuer (the same kind issued by another body); ``layout`` names the header
    arrangement (see :meth:`samplegen.compose.Composer.header`).
    """

    kind: Kind
    number: str | None
    issued: dt.date
    given: Mapping[str, str] = field(default_factory=dict)
    dossier: Dossier | None = None
    issuer: Issuer | None = None
    layout: str = "nd30"


# -- paragraph shorthands used by the kind tables ------------------------------------------------------------


def centred(text: str, before: float, role: str = "body") -> Para:
    """A bold centred line (authority, ``QUYẾT ĐỊNH:``, ``CẤP PHÉP:``)."""
    return Para(text, style="B", align="center", indent=0, before=before, role=role)


def basis(text: str, before: float = 3.0) -> Para:
    """An italic preamble line (``Căn cứ ...;``, ``Xét ...;``, ``Theo đề nghị ...``)."""
    return Para(text, style="I", before=before)


def heading(text: str, before: float = 3.0, page_break: bool = False) -> Para:
    """A bold section heading flush with the margin."""
    return Para(text, style="B", indent=0, before=before, page_break=page_break)


def flush(text: str, before: float = 3.0) -> Para:
    """A plain paragraph without first-line indent (form fields)."""
    return Para(text, indent=0, before=before)
