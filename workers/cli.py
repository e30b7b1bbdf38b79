"""``sohoa``: the command line. Sets up logging, runs one subcommand, turns errors into exit codes."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import metrics
from .commands import print_json
from .context import Context
from .cores import available_cores
from .errors import ConfigError, NotFoundError, SohoaError, TransientError, describe
from .logs import configure_logging
from .records import dump_view
from .searchtext import plain_snippet
from .settings import Settings, is_loopback

log = logging.getLogger("workers")


def load_settings(cluster: bool = False) -> Settings:
    """The one Settings of this run: ``SOHOA_*`` variables, with ``--cluster`` choosing the cluster profile."""
    try:
        return Settings(profile="cluster") if cluster else Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"cấu hình sai / bad SOHOA_* settings: {problems}") from exc


def cmd_ingest(args: argparse.Namespace) -> int:
    from rich.progress import Progress

    from .ingest import expand, ingest_paths, skipped_files
    from .services.batches import clean_batch_name, clean_dossier

    settings: Settings = args.settings
    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise NotFoundError(f"không tìm thấy / not found: {', '.join(missing)}")
    batch = clean_batch_name(args.batch)
    total = sum(1 for _ in expand(paths))
    with Context.open(settings) as ctx, Progress(disable=args.json, transient=True) as bar:
        dossier = clean_dossier(args.dossier, ctx)
        task = bar.add_task("Tải lên / uploading", total=total)
        report = ingest_paths(ctx, paths, batch, dossier, on_file=lambda _u: bar.advance(task))
    counts = Counter(f.status for f in report.files)
    skipped = [str(p) for p in skipped_files(paths)]
    if args.json:
        files = [f.__dict__ for f in report.files]
        print_json({"batch": report.batch, "files": files, "counts": counts, "skipped": skipped})
    else:
        print(f"batch: {report.batch}")
        print(
            f"files: {len(report.files)} (queued {counts['queued']}, duplicate {counts['duplicate']}, "
            f"rejected {counts['rejected']})"
        )
        for f in report.files:
            if f.status == "rejected":
                print(f"  rejected {f.filename}: {f.error_code}")
        if skipped:
            print(f"bỏ qua / skipped {len(skipped)} tệp không phải PDF, TIFF, PNG, JPEG / not a scan:")
            for name in skipped:
                print(f"  {name}")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from .pool import run_pool

    settings: Settings = args.settings
    processes = args.processes or available_cores()
    bad = run_pool(settings, processes, drain=args.drain)
    return 1 if bad else 0


def cmd_status(args: argparse.Namespace) -> int:
    from .services.batches import status_rows, summarize

    with Context.open(args.settings) as ctx:
        rows = status_rows(ctx, args.batch)
    summary = summarize(rows)
    if args.json:
        print_json({"files": rows, "summary": summary})
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Trạng thái / status{' - ' + args.batch if args.batch else ''}")
    for col in ("tệp / file", "trạng thái", "trang", "OCR", "loại", "tin cậy", "lỗi / error"):
        table.add_column(col)
    for r in rows:
        error = f"{r['error_code']}: {r['error_message']}" if r["error_code"] else ""
        conf = "" if r["ocr_confidence"] is None else f"{r['ocr_confidence']:.0f}" + (" ⚠" if r["review"] else "")
        table.add_row(
            r["filename"] or "",
            r["state"] or "",
            str(r["pages"] or ""),
            str(r["pages_ocr"] or 0),
            r["doc_type"] or "",
            conf,
            error,
        )
    console = Console()
    console.print(table)
    _print_summary(summary)
    return 0


def _print_summary(summary: dict[str, Any]) -> None:
    print(
        f"Tổng kết / summary: {summary['files']} tệp/files, states {summary['states']}, "
        f"{summary['pages']} trang/pages ({summary['pages_ocr']} OCR, {summary['pages_text_layer']} text layer), "
        f"{summary['low_confidence']} low-confidence, OCR+analysis {summary['processing_seconds']} s"
    )
    print(f"Loại văn bản / document types: {summary['doc_types']}")
    for f in summary["failures"]:
        print(f"  LỖI / FAILED {f['filename']}: [{f['error_code']}] {f['error_message']}")


_HIT_KEYS = (
    "doc_id",
    "filename",
    "doc_type",
    "field",
    "so_ky_hieu",
    "ngay_ban_hanh",
    "hieu_luc_den",
    "trich_yeu",
    "score",
    "highlights",
)


def cmd_search(args: argparse.Namespace) -> int:
    from .services.search import build_query, hit_view, search

    query = build_query(
        args.query,
        doc_type=args.type,
        field=args.field,
        issuer=args.issuer,
        year=args.year,
        valid_on=args.valid_on,
        sort=args.sort,
        limit=args.limit,
    )
    with Context.open(args.settings) as ctx:
        result = search(ctx, query)
    hits = [{k: view[k] for k in _HIT_KEYS} for view in map(hit_view, result.hits)]
    if args.json:
        print_json({"query": args.query, "total": result.total, "hits": hits, "facets": result.facets})
        return 0
    print(f"{result.total} kết quả / hits for {args.query!r}")
    for i, h in enumerate(hits, 1):
        print(
            f"{i:2}. [{h['score']:.2f}] {h['filename']}  {h['doc_type']}/{h['field']}  "
            f"số {h['so_ky_hieu'] or '-'}  ngày {h['ngay_ban_hanh'] or '-'}  hiệu lực đến {h['hieu_luc_den'] or '-'}"
        )
        print(f"    id {h['doc_id']}")
        for s in h["highlights"][:2]:
            print(f"    … {plain_snippet(s)}")
    for name, buckets in result.facets.items():
        if buckets:
            print(f"  {name}: " + ", ".join(f"{k} ({v})" for k, v in buckets.items()))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from .services.documents import find_record

    with Context.open(args.settings) as ctx:
        record = find_record(ctx, args.doc_id)
    if args.json:
        print_json(record)
    else:
        for key, value in dump_view(record).items():
            if key != "text":
                print(f"{key:20} {value}")
        print("-" * 60)
        print(record.get("text") or "")
    return 0


def cmd_dump(args: argparse.Namespace) -> int:
    from .dossiers import links

    with Context.open(args.settings) as ctx:
        linked = links(ctx.database())
        for record in ctx.index.scan(args.batch):
            # ma_ho_so is the dossier the document is linked to (null when none), not what was typed
            link = linked.get(record["doc_id"]) or {}
            view = dump_view(record) | {"ma_ho_so": link.get("ma_ho_so"), "dossier_role": link.get("role")}
            print(json.dumps(view, ensure_ascii=False))
    return 0


def _check_serve_safety(settings: Settings, host: str, allow_demo: bool) -> None:
    """Refuse to serve a network with the documented demo password; warn on loopback.

    Raises ``ConfigError`` for a non-loopback ``host`` while the demo user still has the demo password
    (unless ``allow_demo``) and for ``SOHOA_TRUSTED_PROXIES`` that is not a list of addresses.
    """
    import ipaddress
    from contextlib import closing

    from .appdb import AppDB
    from .services.users import DEMO_PASSWORD, DEMO_USER, demo_password_in_use

    try:
        for part in settings.trusted_proxies.split(","):
            if part.strip():
                ipaddress.ip_network(part.strip(), strict=False)
    except ValueError as exc:
        raise ConfigError(f"SOHOA_TRUSTED_PROXIES: {exc}") from exc
    with closing(AppDB.open(settings)) as db:
        demo = demo_password_in_use(db)
    if not demo:
        return
    advice = f"sohoa user set {DEMO_USER} --new-password (hoặc / or --disable)"
    if is_loopback(host):
        log.warning("user %s still has the documented password %s; change it: %s", DEMO_USER, DEMO_PASSWORD, advice)
    elif allow_demo:
        log.warning("serving %s with the documented demo password (--allow-demo)", host)
    else:
        raise ConfigError(
            f"người dùng {DEMO_USER} vẫn dùng mật khẩu mẫu công khai; không phục vụ trên {host}. Hãy đổi: "
            f"{advice}, hoặc chạy với --allow-demo. (The demo user still has the documented password.)"
        )


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .api.app import create_app
    from .pool import start_pool_process

    host = args.host or args.settings.host
    port = args.port or args.settings.port
    settings: Settings = args.settings.model_copy(update={"host": host, "port": port})
    _check_serve_safety(settings, host, args.allow_demo)
    workers = args.workers if args.workers is not None else available_cores()
    # The pool dies with this process even when the server's signal handling ends it abruptly
    # (uvicorn re-raises SIGTERM after its own shutdown, which skips any ``finally`` here).
    pool = start_pool_process(settings, workers) if workers > 0 else None
    try:
        uvicorn.run(
            create_app(settings),
            host=host,
            port=port,
            log_level="warning",
            # Hostile clients: a bound on connections (503 beyond it), idle keep-alive connections and
            # header size; request bodies are bounded in size and time by the app (workers.api.guard).
            limit_concurrency=settings.max_connections,
            timeout_keep_alive=5,
            h11_max_incomplete_event_size=16 * 1024,
            # X-Forwarded-For is believed only from SOHOA_TRUSTED_PROXIES, by the app itself.
            proxy_headers=False,
        )
    finally:
        if pool is not None:
            pool.terminate()
            pool.join(settings.stop_grace_seconds + 10)
    return 0


def cmd_schemas(args: argparse.Namespace) -> int:
    from .events import write_schemas

    for path in write_schemas(Path(args.out)):
        print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sohoa", description="Số hóa hồ sơ, giấy tờ / digitize dossiers")
    parser.add_argument("--cluster", action="store_true", help="use Kafka + S3 + Elasticsearch (SOHOA_PROFILE=cluster)")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="upload files/folders into a batch")
    p.add_argument("paths", nargs="+")
    p.add_argument("--batch")
    p.add_argument("--dossier", help="mã hồ sơ")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("worker", help="process queued files")
    p.add_argument("--drain", action="store_true", help="exit when the queue is empty")
    p.add_argument("-j", "--processes", type=int, default=0, help="worker processes (default: one per core)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("status", help="state of each file")
    p.add_argument("--batch")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("search", help="full-text search (with or without diacritics)")
    p.add_argument("query", nargs="?", default="")
    p.add_argument("--type")
    p.add_argument("--field")
    p.add_argument("--issuer")
    p.add_argument("--year", type=int)
    p.add_argument("--valid-on", dest="valid_on", help="YYYY-MM-DD")
    p.add_argument("--sort", default="relevance", choices=["relevance", "date_desc", "date_asc"])
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("show", help="one document")
    p.add_argument("doc_id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("dump", help="every document as JSON lines")
    p.add_argument("--batch")
    p.add_argument("--json", action="store_true", help="(always JSON)")
    p.set_defaults(func=cmd_dump)

    p = sub.add_parser("serve", help="HTTP API and web app")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument(
        "--workers", type=int, default=None, help="worker processes to run beside the server (default: cores; 0 = none)"
    )
    p.add_argument(
        "--allow-demo",
        action="store_true",
        help="serve a non-loopback address even while the demo user has the documented password",
    )
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("schemas", help="regenerate the JSON Schemas of events")
    p.add_argument("--out", default="schemas")
    p.set_defaults(func=cmd_schemas)

    from .commands import add_all

    add_all(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(verbose=args.verbose)
    started = time.monotonic()
    try:
        args.settings = load_settings(args.cluster)
        metrics.configure(args.settings)
        code = int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"sohoa: cấu hình / configuration: {exc}", file=sys.stderr)
        return exc.exit_code
    except TransientError as exc:
        # Nothing is lost: what was done is kept and running the same command again completes it.
        print(f"sohoa: {describe('transient')} Chạy lại lệnh này để hoàn tất. (Run it again.)", file=sys.stderr)
        print(f"  {exc.message}", file=sys.stderr)
        return exc.exit_code
    except SohoaError as exc:
        print(f"sohoa: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    log.debug("done in %.1fs", time.monotonic() - started)
    return code


if __name__ == "__main__":
    sys.exit(main())
