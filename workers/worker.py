"""consume -> process -> store -> index -> publish -> ack, with retries and dead letters.

Outcomes (the only place errors become outcomes for a document):

* success: derived files stored, record ``indexed``, ``file.processed`` published, message acked;
* ``PermanentError``: record ``failed`` with its code, ``file.failed`` sent to the dead-letter topic, acked;
* ``TransientError``: retried in-process with backoff, then the message is released for redelivery;
* any other exception (a bug): treated as permanent ``internal_error`` so one file never blocks others;
* a message delivered more than ``max_attempts`` times (a worker died on it each time, e.g. killed by
  the kernel) is failed with ``worker_crashed`` instead of being tried forever.

Redelivery is harmless: the document id is the SHA-256 of the original, every write is an upsert by that
id, and an ``indexed`` record is not processed again.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

from pydantic import ValidationError

from .context import Context, derived_key, original_key
from .errors import PermanentError, SohoaError, TransientError
from .events import FileFailed, FileProcessed, FileUploaded, decode, encode
from .ingest import now_iso
from .pipeline.process import process
from .ports import Message
from .records import apply_corrections, load_corrections, processed_fields, store_meta
from .settings import Settings

log = logging.getLogger(__name__)

CRASH_MESSAGE = (
    "Tệp làm dừng tiến trình xử lý nhiều lần (có thể quá lớn hoặc hỏng). Hãy kiểm tra, quét lại hoặc tách "
    "nhỏ rồi tải lên lại. (The worker died on this file repeatedly.)"
)
INTERNAL_MESSAGE = "Lỗi nội bộ khi xử lý tệp; đã ghi nhật ký. Hãy báo quản trị viên. (Internal error.)"


def _keepalive(ctx: Context, message: Message, done: threading.Event) -> None:
    interval = max(1.0, ctx.settings.lease_seconds / 3)
    while not done.wait(interval):
        try:
            ctx.bus.keepalive(message)
        except SohoaError:
            log.warning("keepalive failed doc=%s", message.key[:12])


def handle(ctx: Context, message: Message) -> str:
    """Process one bus message to its outcome; returns ``indexed``, ``failed``, ``skipped`` or ``retry``."""
    try:
        event = decode(message.value)
    except ValidationError as exc:
        _dead_letter(ctx, message.key or "unknown", "bad_event", f"malformed event: {exc.errors()[:1]}", message)
        ctx.bus.ack(message)
        return "failed"
    if not isinstance(event, FileUploaded):
        ctx.bus.ack(message)
        return "skipped"
    record = ctx.index.get(event.doc_id) or {}
    if record.get("state") == "indexed":
        ctx.bus.ack(message)
        return "skipped"
    attempts = int(record.get("attempts") or 0) + 1
    if message.deliveries > ctx.settings.max_attempts or attempts > ctx.settings.max_attempts + 1:
        _fail(ctx, event, "worker_crashed", CRASH_MESSAGE, attempts)
        ctx.bus.ack(message)
        return "failed"
    ctx.index.upsert(
        event.doc_id, {"state": "processing", "stage": "ocr", "attempts": attempts, "started_at": now_iso()}
    )
    done = threading.Event()
    beat = threading.Thread(target=_keepalive, args=(ctx, message, done), daemon=True)
    beat.start()
    try:
        outcome = _run_with_retries(ctx, event, attempts)
    finally:
        done.set()
        beat.join()
    if outcome == "retry":
        ctx.bus.release(message)
    else:
        ctx.bus.ack(message)
    return outcome


def _run_with_retries(ctx: Context, event: FileUploaded, attempts: int) -> str:
    delay = 1.0
    for attempt in range(1, ctx.settings.max_attempts + 1):
        try:
            _process_event(ctx, event)
            return "indexed"
        except PermanentError as exc:
            _fail(ctx, event, exc.code, exc.message, attempts)
            return "failed"
        except TransientError as exc:
            log.warning("transient failure doc=%s attempt=%d: %s", event.doc_id[:12], attempt, exc)
            time.sleep(delay)
            delay *= 2
        except Exception:
            log.exception("internal error doc=%s", event.doc_id[:12])
            _fail(ctx, event, "internal_error", INTERNAL_MESSAGE, attempts)
            return "failed"
    return "retry"


def _progress(ctx: Context, doc_id: str):  # type: ignore[no-untyped-def]
    def report(stage: str, done: int, total: int) -> None:
        ctx.index.upsert(doc_id, {"stage": stage, "pages_done": done, "pages": total or None})

    return report


def _process_event(ctx: Context, event: FileUploaded) -> None:
    doc_id = event.doc_id
    workdir = Path(tempfile.mkdtemp(prefix="sohoa-"))
    try:
        source = workdir / "original"
        ctx.store.download(event.original_key or original_key(doc_id), source)
        result = process(source, workdir, ctx.settings, _progress(ctx, doc_id))
        fields = processed_fields(result, ctx.settings.low_confidence)
        fields = apply_corrections(fields, load_corrections(ctx, doc_id))
        fields["processed_at"] = now_iso()
        ctx.store.put_bytes(derived_key(doc_id, "text.txt"), result.read.text.encode("utf-8"), "text/plain")
        if result.read.searchable_pdf and result.read.searchable_pdf.exists():
            ctx.store.put_file(derived_key(doc_id, "searchable.pdf"), result.read.searchable_pdf, "application/pdf")
        record = {**(ctx.index.get(doc_id) or {}), **fields}
        store_meta(ctx, doc_id, record)
        ctx.index.upsert(doc_id, fields)
        processed = FileProcessed(
            doc_id=doc_id,
            pages=fields["pages"],
            pages_ocr=fields["pages_ocr"],
            doc_type=fields.get("doc_type"),
            field=fields.get("field"),
            ocr_confidence=fields.get("ocr_confidence"),
            seconds=result.seconds,
        )
        ctx.bus.publish(ctx.settings.topic_results, doc_id, encode(processed))
        log.info(
            "indexed doc=%s file=%s pages=%d ocr=%d type=%s conf=%s secs=%.2f",
            doc_id[:12],
            event.filename,
            fields["pages"],
            fields["pages_ocr"],
            fields.get("doc_type"),
            fields.get("ocr_confidence"),
            result.seconds,
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _fail(ctx: Context, event: FileUploaded, code: str, message: str, attempts: int) -> None:
    fields = {
        "state": "failed",
        "stage": "failed",
        "error_code": code,
        "error_message": message,
        "processed_at": now_iso(),
        "attempts": attempts,
    }
    record = {**(ctx.index.get(event.doc_id) or {}), **fields}
    store_meta(ctx, event.doc_id, record)
    ctx.index.upsert(event.doc_id, fields)
    failed = FileFailed(doc_id=event.doc_id, code=code, message=message, attempts=attempts)
    ctx.bus.publish(ctx.settings.topic_dead, event.doc_id, encode(failed))
    log.info("failed doc=%s file=%s code=%s", event.doc_id[:12], event.filename, code)


def _dead_letter(ctx: Context, key: str, code: str, message: str, original: Message) -> None:
    payload = {"code": code, "message": message, "original": original.value.decode("utf-8", "replace")}
    ctx.bus.publish(ctx.settings.topic_dead, key, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    log.warning("dead-lettered undecodable message key=%s", key)


def run_worker(settings: Settings, *, drain: bool = False, stop: threading.Event | None = None) -> int:
    """Consume until stopped (or, with ``drain``, until the queue is empty). Returns documents handled."""
    stop = stop or threading.Event()
    ctx = Context.open(settings)
    handled = 0
    try:
        while not stop.is_set():
            message = ctx.bus.receive(settings.topic_uploaded, timeout=1.0)
            if message is None:
                if drain and ctx.bus.pending(settings.topic_uploaded) == 0:
                    break
                continue
            handle(ctx, message)
            handled += 1
    finally:
        ctx.close()
    return handled


def _child(settings: Settings, drain: bool) -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides
    run_worker(settings, drain=drain, stop=stop)


def _raise_exit(*_: object) -> None:
    raise SystemExit(0)


def run_pool(settings: Settings, processes: int, *, drain: bool = False) -> int:
    """Run ``processes`` worker processes sharing the bus; returns the number that exited non-zero.

    SIGTERM or Ctrl-C stops the children (each finishes nothing new; an unfinished message is redelivered).
    """
    if processes <= 1:
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
        run_worker(settings, drain=drain, stop=stop)
        return 0
    mp = multiprocessing.get_context("fork")  # POSIX only, like the OCR tools
    children = [mp.Process(target=_child, args=(settings, drain), name=f"sohoa-worker-{i}") for i in range(processes)]
    for child in children:
        child.start()
    previous = signal.signal(signal.SIGTERM, _raise_exit)
    try:
        for child in children:
            child.join()
    except (KeyboardInterrupt, SystemExit):
        for child in children:
            child.terminate()
        for child in children:
            child.join(30)
            if child.is_alive():
                child.kill()
    finally:
        signal.signal(signal.SIGTERM, previous)
    return sum(1 for c in children if c.exitcode not in (0, -signal.SIGTERM))
