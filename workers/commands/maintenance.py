"""``sohoa correct``, ``sohoa reprocess`` and ``sohoa reindex``."""

from __future__ import annotations

import argparse
import json

from ..context import Context, derived_key, original_key
from ..errors import NotFoundError, PermanentError
from ..events import FileUploaded, encode
from ..records import apply_corrections, load_corrections


def reindex(ctx: Context) -> int:
    """Rebuild the search index from the object store alone; returns the number of records."""
    ctx.index.drop()
    ctx.index.ensure()
    count = 0
    for key in ctx.store.list("derived/"):
        if not key.endswith("/meta.json"):
            continue
        meta = json.loads(ctx.store.get_bytes(key))
        doc_id = meta["doc_id"]
        try:
            meta["text"] = ctx.store.get_bytes(derived_key(doc_id, "text.txt")).decode("utf-8")
        except NotFoundError:
            meta["text"] = None
        corrections = load_corrections(ctx, doc_id)
        if corrections.get("fields"):
            meta = apply_corrections(meta, corrections)
        ctx.index.upsert(doc_id, {k: v for k, v in meta.items() if k != "doc_id"})
        count += 1
    return count


def requeue(ctx: Context, record: dict[str, object]) -> None:
    """Queue an already uploaded document for processing again (corrections stay)."""
    doc_id = str(record["doc_id"])
    if not ctx.store.exists(original_key(doc_id)):
        raise PermanentError(f"bản gốc không còn / original missing for {doc_id}", code="original_missing")
    ctx.index.upsert(doc_id, {"state": "queued", "stage": "queued", "attempts": 0, "error_code": None})
    event = FileUploaded(
        doc_id=doc_id,
        filename=str(record.get("filename") or doc_id),
        size=int(record.get("size") or 0),  # type: ignore[call-overload]
        batch=str(record.get("batch") or "reprocess"),
        dossier=record.get("dossier"),  # type: ignore[arg-type]
        original_key=original_key(doc_id),
    )
    ctx.bus.publish(ctx.settings.topic_uploaded, doc_id, encode(event))


def _cmd_correct(args: argparse.Namespace) -> int:
    from ..corrections import correct

    changes = {}
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep:
            raise PermanentError(f"dùng FIELD=VALUE / use FIELD=VALUE: {item}", code="bad_value")
        changes[name.strip()] = value
    with Context.open(args.settings) as ctx:
        record = correct(ctx, args.doc_id, changes, by=args.by)
    print(json.dumps({k: record.get(k) for k in [*changes, "corrected"]}, ensure_ascii=False))
    return 0


def _cmd_reprocess(args: argparse.Namespace) -> int:
    with Context.open(args.settings) as ctx:
        if args.doc_id:
            record = ctx.index.get(args.doc_id)
            if record is None:
                raise NotFoundError(f"không có tài liệu / no document {args.doc_id}")
            targets = [record]
        else:
            targets = [r for r in ctx.index.scan() if args.all or r.get("state") == "failed"]
        for record in targets:
            if ctx.store.exists(original_key(record["doc_id"])):
                requeue(ctx, record)
    print(f"queued {len(targets)}")
    return 0


def _cmd_reindex(args: argparse.Namespace) -> int:
    with Context.open(args.settings) as ctx:
        count = reindex(ctx)
    print(f"reindexed {count} documents from the object store")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("correct", help="correct type/metadata of a document (kept over reprocessing)")
    p.add_argument("doc_id")
    p.add_argument("--set", action="append", required=True, metavar="FIELD=VALUE", help="e.g. doc_type=quyet_dinh")
    p.add_argument("--by", required=True, help="who corrects (recorded)")
    p.set_defaults(func=_cmd_correct)

    p = sub.add_parser("reprocess", help="process documents again (failed ones by default)")
    p.add_argument("doc_id", nargs="?")
    p.add_argument("--all", action="store_true", help="every document, not only failed ones")
    p.set_defaults(func=_cmd_reprocess)

    p = sub.add_parser("reindex", help="rebuild the search index from the object store")
    p.set_defaults(func=_cmd_reindex)
