"""The generic builder: one Kind plus one Doc (and its dossier) gives one DocSpec.

The context a document's templates are filled from is layered, later layers winning: base values and laws, the
issuer's phrases, the kind's phrases, the dossier's values, the document's given values, then ``number``, ``place``,
``issued``, ``until`` and finally the kind's draws in their listed order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .agencies import base_context
from .names import Names
from .schema import Doc, Dossier, Draws, SignerSpec
from .spec import DocSpec, Signer
from .templating import Filler, Phrase, plus_years


def _phrases(values: Mapping[str, str]) -> dict[str, Phrase]:
    return {key: Phrase(text) for key, text in values.items()}


def _draw_all(draws: Draws, nm: Names, env: Filler) -> None:
    for name, draw in draws:
        env.ctx[name] = draw.draw(nm, env)


def draw_dossier(dossier: Dossier, nm: Names) -> dict[str, Any]:
    """The dossier's own values (given, drawn, and ``ma_ho_so``) for every document that belongs to it."""
    env = Filler({**base_context(), **_phrases(dossier.given), "ma_ho_so": Phrase(dossier.code)})
    _draw_all(dossier.draws, nm, env)
    own = {**_phrases(dossier.given), "ma_ho_so": Phrase(dossier.code)}
    own.update({name: env.ctx[name] for name, _draw in dossier.draws})
    return own


def _signer(spec: SignerSpec, env: Filler) -> Signer:
    return Signer([env.fill(t) for t in spec.titles], env.fill(spec.name), note=spec.note, seal=spec.seal)


def build(doc: Doc, nm: Names, dossier_values: Mapping[str, Any] | None = None) -> DocSpec:
    """Fill ``doc``'s kind for this document, drawing the kind's random values from ``nm`` in listed order.

    ``dossier_values`` must be given (from :func:`draw_dossier`) when ``doc.dossier`` is set. A template field
    missing from the context raises KeyError.
    """
    kind, issuer = doc.kind, doc.issuer or doc.kind.issuer
    ctx: dict[str, Any] = {
        **base_context(),
        **_phrases(issuer.phrases),
        **_phrases(kind.phrases),
        **(dossier_values or {}),
        **_phrases(doc.given),
        "number": doc.number,
        "issued": doc.issued,
        "place": Phrase(issuer.place),
    }
    until = plus_years(doc.issued, kind.valid_years) if kind.valid_years else None
    if until is not None:
        ctx["until"] = until
    env = Filler(ctx)
    _draw_all(kind.draws, nm, env)
    fill = env.fill
    ctx["subtitle"] = fill(kind.subtitle) if kind.subtitle else None
    ctx["vv"] = fill(kind.vv) if kind.vv else None
    ctx["loai"] = fill(kind.result) if kind.result else None
    issued = doc.issued.isoformat()
    tthc = None
    if kind.result:
        tthc = {"in_register": issuer.in_register, "register_key": f"{doc.number}|{issued}", "loai": ctx["loai"]}
    return DocSpec(
        header_left=[(fill(text), style) for text, style in issuer.header],
        place_date=fill("{place}, {issued}"),
        so_line=f"Số: {doc.number}" if doc.number else None,
        vv=ctx["vv"],
        titles=[fill(t) for t in kind.titles],
        subtitle=[ctx["subtitle"]] if ctx["subtitle"] else [],
        kinh_gui=fill(kind.kinh_gui) if kind.kinh_gui else None,
        body=[replace(p, text=fill(p.text)) for p in kind.body],
        noi_nhan=[fill(t) for t in kind.noi_nhan],
        signer=_signer(kind.signer, env),
        left_signer=_signer(kind.left_signer, env) if kind.left_signer else None,
        header_layout=doc.layout,
        doc_type=kind.doc_type,
        doc_subtype=kind.doc_subtype,
        field_code=kind.field_code,
        so_ky_hieu=doc.number,
        ngay_ban_hanh=issued,
        co_quan=fill(issuer.name),
        co_quan_aliases=[fill(a) for a in issuer.aliases],
        trich_yeu=fill(kind.trich_yeu),
        hieu_luc_den=until.isoformat() if until else None,
        ma_ho_so=fill("{ma_ho_so}") if doc.dossier else None,
        chu_the=fill(kind.chu_the) if kind.chu_the else None,
        tthc=tthc,
    )
