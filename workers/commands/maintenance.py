"""``sohoa correct``, ``sohoa reprocess`` and ``sohoa reindex``: thin wrappers over
``workers.services.documents`` (``reindex`` and ``requeue`` are re-exported for scripts and tests)."""

from __future__ import annotations

import argparse
import json

from ..context import Context
from ..errors import PermanentError
from ..ports import SearchQuery
from ..records import get_record
from ..services.documents import correct_fields, reindex, reprocess_many, requeue

__all__ = ["add_commands", "reindex", "requeue"]


def _assignments(items: list[str]) -> dict[str, str]:
    """``["doc_type=quyet_dinh", ...]`` as a dict; raises ``PermanentError`` (``bad_value``)."""
    changes = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise PermanentError(f"dùng FIELD=VALUE / use FIELD=VALUE: {item}", code="bad_value")
        changes[name.strip()] = value
    return changes


def _cmd_correct(args: argparse.Namespace) -> int:
    changes = _assignments(args.set)
    with Context.open(args.settings) as ctx:
        record = correct_fields(ctx, args.doc_id, changes, by=args.by)
    print(json.dumps({k: record.get(k) for k in [*changes, "corrected"]}, ensure_ascii=False))
    return 0


def _cmd_reprocess(args: argparse.Namespace) -> int:
    with Context.open(args.settings) as ctx:
        if args.doc_id:
            targets = [get_record(ctx, args.doc_id)]
        else:
            query = SearchQuery(state=None if args.all else "failed", with_text=False)
            targets = list(ctx.index.records(query))
        count = reprocess_many(ctx, targets)
    print(f"queued {count}")
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
