"""``sohoa dossiers import|link|consume|show`` and ``sohoa report dossiers``."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from .. import dossiers
from ..context import Context
from ..errors import NotFoundError, PermanentError
from ..events import decode_dossier_event
from ..localtime import vn_today
from . import emit


def _records(ctx: Context) -> dict[str, dict[str, object]]:
    return {r["doc_id"]: r for r in ctx.index.scan()}


def _cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise NotFoundError(f"không tìm thấy / not found: {path}")
    with Context.open(args.settings) as ctx:
        report = dossiers.import_dossiers(ctx.database(), path.read_bytes(), path.name)
        linked = dossiers.link_all(ctx.database(), _records(ctx).values())
    data = report.to_dict() | {"linked_documents": linked}
    lines = [
        f"{report.rows} dòng/rows: thêm/added {report.added}, cập nhật/updated {report.updated}, "
        f"không đổi/unchanged {report.unchanged}, lỗi/rejected {len(report.rejected)}; "
        f"{linked} tài liệu đã liên kết / documents linked"
    ] + [f"  dòng/line {r['line']}: {r['reason']}" for r in report.rejected]
    return emit(args, data, lines)


def _cmd_link(args: argparse.Namespace) -> int:
    with Context.open(args.settings) as ctx:
        if args.doc_id:
            record = ctx.index.get(args.doc_id)
            if record is None:
                raise NotFoundError(f"không có tài liệu / no document {args.doc_id}")
            dossiers.link_staff(ctx.database(), args.doc_id, args.code, args.role, record)
            return emit(args, {"doc_id": args.doc_id, "ma_ho_so": args.code}, [f"{args.doc_id} -> {args.code}"])
        linked = dossiers.link_all(ctx.database(), _records(ctx).values())
    return emit(args, {"linked_documents": linked}, [f"{linked} tài liệu đã liên kết / documents linked"])


def _cmd_consume(args: argparse.Namespace) -> int:
    """Apply the one-stop system's events (at least once, idempotent by event id), then link."""
    applied = duplicates = rejected = 0
    settings = args.settings
    with Context.open(settings) as ctx:
        engine = ctx.database()
        while True:
            message = ctx.bus.receive(settings.topic_dossiers, timeout=1.0)
            if message is None:
                if args.drain and ctx.bus.pending(settings.topic_dossiers) == 0:
                    break
                continue
            try:
                event = decode_dossier_event(message.value)
            except ValidationError:
                rejected += 1
                ctx.bus.ack(message)
                continue
            if dossiers.apply_event(engine, event):
                applied += 1
            else:
                duplicates += 1
            ctx.bus.ack(message)  # after the write: a crash before it means a redelivery, harmless
        linked = dossiers.link_all(engine, _records(ctx).values())
    data = {"applied": applied, "duplicates": duplicates, "rejected": rejected, "linked_documents": linked}
    return emit(args, data, [f"sự kiện / events: {data}"])


def _cmd_report(args: argparse.Namespace) -> int:
    start = date.fromisoformat(args.start) if args.start else date(1900, 1, 1)
    end = date.fromisoformat(args.end) if args.end else vn_today()
    if end < start:
        raise PermanentError("--to trước --from / --to is before --from", code="bad_value")
    with Context.open(args.settings) as ctx:
        data = dossiers.report(ctx.database(), ctx.index.get, start, end, lag_days=args.lag_days)
    lines = [
        f"Hồ sơ tiếp nhận / received {data['from']}..{data['to']}: {data['received']}, "
        f"số hóa đủ / fully digitized {data['digitized']} ({data['rate']}), trễ hạn / late {data['late']}, "
        f"số hóa chậm / late digitization {data['late_digitization']}"
    ] + [
        f"  {r['ma_ho_so']}  {'ĐỦ' if r['digitized'] else 'THIẾU ' + ','.join(r['missing'])}"
        f"{'  TRỄ HẠN' if r['late'] else ''}"
        for r in data["dossiers"]
    ]
    return emit(args, data, lines)


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("dossiers", help="dossiers of the one-stop system (import, link, events)")
    dsub = p.add_subparsers(dest="dossiers_command", required=True)
    q = dsub.add_parser("import", help="import an export of the one-stop system (CSV/XLSX); re-import updates")
    q.add_argument("file")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_cmd_import)
    q = dsub.add_parser("link", help="link documents to dossiers (all), or one by hand: DOC_ID --to CODE")
    q.add_argument("doc_id", nargs="?")
    q.add_argument("--to", dest="code")
    q.add_argument("--role", choices=dossiers.ROLES)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_cmd_link)
    q = dsub.add_parser("consume", help="apply dossier.* events from the bus")
    q.add_argument("--drain", action="store_true", help="exit when no event waits")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_cmd_consume)


def report_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="start", help="YYYY-MM-DD (received on or after)")
    p.add_argument("--to", dest="end", help="YYYY-MM-DD (received on or before)")
    p.add_argument("--lag-days", type=int, default=7, help="flag papers digitized later than this")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_report)
