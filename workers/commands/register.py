"""``sohoa register import|list|link|unlink|links`` and ``sohoa report coverage``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..context import Context
from ..errors import NotFoundError
from . import emit
from . import print_json as _print_json


def _cmd_import(args: argparse.Namespace) -> int:
    from ..register import import_register

    path = Path(args.file)
    if not path.is_file():
        raise NotFoundError(f"không tìm thấy / not found: {path}")
    with Context.open(args.settings) as ctx:
        report = import_register(ctx, path.read_bytes(), path.name, replace=args.replace)
    if args.json:
        _print_json(report.to_dict())
    else:
        print(
            f"{report.rows} dòng/rows: thêm/added {report.added}, cập nhật/updated {report.updated}, "
            f"không đổi/unchanged {report.unchanged}, lỗi/rejected {len(report.rejected)}; "
            f"sổ có/register holds {report.total}"
        )
        for error in report.rejected:
            print(f"  dòng/line {error.line}: {error.reason}" + (f" [{error.so_ky_hieu}]" if error.so_ky_hieu else ""))
    return 2 if report.rejected else 0


def _cmd_list(args: argparse.Namespace) -> int:
    from ..register import register_info

    with Context.open(args.settings) as ctx:
        info = register_info(ctx)
    lines = [
        f"{e['so_ky_hieu']:22} {e['ngay_ban_hanh']}  đến {e['hieu_luc_den'] or '-':10}  {e['linh_vuc']:20} "
        f"{e['chu_the'] or ''}"
        for e in info["entries"]
    ]
    return emit(args, info, [*lines, f"{info['count']} mục / entries (cập nhật / updated {info['updated_at'] or '-'})"])


def _cmd_link(args: argparse.Namespace) -> int:
    from ..services.register_links import link

    with Context.open(args.settings) as ctx:
        result = link(ctx, args.doc_id, args.register_key, args.by)
    _print_json(result)
    return 0


def _cmd_unlink(args: argparse.Namespace) -> int:
    from ..services.register_links import unlink

    with Context.open(args.settings) as ctx:
        result = unlink(ctx, args.doc_id, args.by)
    _print_json(result)
    return 0


def _cmd_links(args: argparse.Namespace) -> int:
    from ..coverage import document_links

    with Context.open(args.settings) as ctx:
        rows = document_links(ctx)
    lines = [
        f"{r['register_key']:34} <- {r['doc_id'][:12]}  {r['filename'] or '':20} "
        f"đọc/read {r['doc_so_ky_hieu']} {r['doc_ngay_ban_hanh']}  ({r['how']})"
        for r in rows
    ]
    return emit(args, rows, [*lines, f"{len(rows)} tài liệu được liên kết / linked documents"])


def _print_coverage(report: dict[str, Any]) -> None:
    print(f"Tỷ lệ số hóa kết quả TTHC còn hiệu lực / coverage as of {report['as_of']}")
    print(
        f"  còn hiệu lực / valid {report['valid']}, đã số hóa / digitized {report['digitized']}, {report['rate']:.1%}"
    )
    for title, key in (("Theo lĩnh vực / by field", "by_field"), ("Theo năm / by year", "by_year")):
        print(title)
        for name, g in report[key].items():
            print(f"  {name:22} {g['digitized']:4} / {g['valid']:<4} {g['rate']:.1%}")
    print(f"Chưa số hóa / not digitized ({len(report['missing'])})")
    for e in report["missing"]:
        print(f"  {e['so_ky_hieu']:22} {e['ngay_ban_hanh']}  {e['linh_vuc']:20} {e['chu_the'] or ''}")
    print(f"Sắp hết hiệu lực / expiring within 90 days ({len(report['expiring'])})")
    for e in report["expiring"]:
        state = "đã số hóa" if e["digitized"] else "CHƯA số hóa"
        print(f"  {e['so_ky_hieu']:22} đến {e['hieu_luc_den']} (còn {e['days_left']} ngày, {state})")
    print(f"Văn bản kết quả không khớp sổ / result documents not in the register ({len(report['unmatched'])})")
    for d in report["unmatched"]:
        print(
            f"  {d['so_ky_hieu'] or '-':22} {d['ngay_ban_hanh'] or '-':10} {d['doc_type']:12} {d['filename'] or d['doc_id']}"
        )


def _cmd_coverage(args: argparse.Namespace) -> int:
    from ..coverage import coverage, coverage_xlsx, parse_as_of

    as_of = parse_as_of(args.as_of)
    with Context.open(args.settings) as ctx:
        report = coverage(ctx, as_of)
    if args.xlsx:
        Path(args.xlsx).write_bytes(coverage_xlsx(report))
    if args.json:
        _print_json(report)
    else:
        if report["valid"] == 0:
            print("Sổ chưa có kết quả còn hiệu lực; nhập sổ bằng 'sohoa register import FILE'. (Empty register?)")
        _print_coverage(report)
        if args.xlsx:
            print(f"Đã ghi / written: {args.xlsx}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("register", help="register of issued TTHC results: import, list, link documents")
    rsub = p.add_subparsers(dest="register_command", required=True)

    q = rsub.add_parser("import", help="add/update entries from CSV (UTF-8) or XLSX; exit 2 if rows were rejected")
    q.add_argument("file")
    q.add_argument("--replace", action="store_true", help="the file becomes the whole register (no bad rows allowed)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_cmd_import)

    q = rsub.add_parser("list", help="register entries")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_cmd_list)

    q = rsub.add_parser("link", help="confirm/correct: DOC_ID is the result SO_KY_HIEU|YYYY-MM-DD")
    q.add_argument("doc_id")
    q.add_argument("register_key", metavar="SO_KY_HIEU|YYYY-MM-DD")
    q.add_argument("--by", required=True, help="who links (recorded)")
    q.set_defaults(func=_cmd_link)

    q = rsub.add_parser("unlink", help="DOC_ID is no register entry (overrides automatic matching)")
    q.add_argument("doc_id")
    q.add_argument("--by", required=True, help="who unlinks (recorded)")
    q.set_defaults(func=_cmd_unlink)

    q = rsub.add_parser("links", help="every linked document and how it was linked (manual, exact, symbol, date)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=_cmd_links)

    p = sub.add_parser("report", help="reports")
    rsub = p.add_subparsers(dest="report_command", required=True)
    q = rsub.add_parser("coverage", help="digitization coverage of valid TTHC results as of a date")
    q.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD", help="default: today")
    q.add_argument("--json", action="store_true")
    q.add_argument("--xlsx", metavar="FILE", help="also write a workbook for an inspection team")
    q.set_defaults(func=_cmd_coverage)
    from .dossiers import report_args

    report_args(rsub.add_parser("dossiers", help="dossiers received in a period: digitized, missing papers, late"))
