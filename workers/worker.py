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

import contextlib
import hashlib
import logging
import random
import resource
import shutil
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import dossiers, metrics
from .clock import now_iso
from .context import Context, derived_key, original_key
from .errors import PermanentError, SohoaError, TransientError, describe
from .events import FileFailed, FileProcessed, FileUploaded, MessageRejected, decode, encode
from .health import Heartbeat
from .learn.service import learned_analysis
from .logs import bound, get_logger
from .pipeline.process import ProgressFn, process
from .ports import Message
from .records import apply_corrections, load_corrections, processed_fields, store_meta
from .settings import Settings

log = get_logger(__name__)


def _keepalive(ctx: Context, message: Message, done: threading.Event, heartbeat: Heartbeat | None) -> None:
    interval = max(1.0, min(ctx.settings.lease_seconds / 3, 10.0))
    while not done.wait(interval):
        if heartbeat is not None:
            heartbeat.beat()
        try:
            ctx.bus.keepalive(message)
        except SohoaError:
            log.warning("keepalive failed")


@dataclass
class Outcome:
    """What became of one delivery; logged as the one ``document`` line of that document."""

    outcome: str  # indexed | failed | skipped | retry
    code: str | None = None
    pages: int | None = None
    pages_ocr: int | None = None
    stages: dict[str, float] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    """The event's batch and file name, for the outcome line."""


def handle(ctx: Context, message: Message, heartbeat: Heartbeat | None = None) -> str:
    """Process one bus message to its outcome; returns ``indexed``, ``failed``, ``skipped`` or ``retry``.

    Exactly one INFO line (``event="document"``) tells the outcome, with the ids bound to every line
    logged while handling it. A :class:`TransientError` met outside the pipeline (a backend down while
    reading the record or writing the outcome) releases the message for redelivery and is raised again,
    so that the caller waits before the next one.
    """
    started = time.monotonic()
    result = Outcome("interrupted")  # until known otherwise: the process is being stopped or killed
    with bound(doc_id=message.key or None, topic=message.topic, deliveries=message.deliveries):
        try:
            result = _handle(ctx, message, heartbeat)
        except TransientError as exc:
            result = Outcome("retry", "transient")
            _release_quietly(ctx, message)
            raise exc from None
        finally:
            level = logging.INFO if result.outcome in ("indexed", "failed", "skipped") else logging.WARNING
            log.log(
                level,
                "document",
                outcome=result.outcome,
                code=result.code,
                pages=result.pages,
                pages_ocr=result.pages_ocr,
                seconds=round(time.monotonic() - started, 3),
                stages=result.stages or None,
                **result.ids,
            )
            if result.outcome in ("indexed", "failed"):
                metrics.document_done(
                    result.outcome,
                    result.code,
                    time.monotonic() - started,
                    result.stages,
                    result.pages or 0,
                    result.pages_ocr or 0,
                )
    return result.outcome


def _release_quietly(ctx: Context, message: Message) -> None:
    # When the bus itself is down its lease runs out and the message comes back anyway.
    with contextlib.suppress(TransientError):
        ctx.bus.release(message)


def _handle(ctx: Context, message: Message, heartbeat: Heartbeat | None) -> Outcome:
    try:
        event = decode(message.value)
    except ValidationError as exc:
        _dead_letter(ctx, message, "bad_event", f"malformed event: {exc.errors()[:1]}")
        ctx.bus.ack(message)
        return Outcome("failed", "bad_event")
    if not isinstance(event, FileUploaded):
        ctx.bus.ack(message)
        return Outcome("skipped")
    ids = {"doc_id": event.doc_id, "batch": event.batch, "filename": event.filename}
    with bound(**ids):
        outcome = _handle_upload(ctx, message, event, heartbeat)
    outcome.ids = ids
    return outcome


def _handle_upload(ctx: Context, message: Message, event: FileUploaded, heartbeat: Heartbeat | None) -> Outcome:
    """The crash rule counts only deliveries that *died* mid-processing: a record still ``processing``
    when its message comes again. Deliveries that met only transient errors put the record back to
    ``queued`` and do not count."""
    record = ctx.index.get(event.doc_id) or {}
    if record.get("state") == "indexed":
        # Published before the record turned indexed, so this is at most a second copy with the same
        # event id; it repairs a publish that an outage swallowed after the index write.
        _publish_processed(ctx, event.doc_id, record)
        ctx.bus.ack(message)
        return Outcome("skipped")
    crashes = int(record.get("crashes") or 0) + (1 if record.get("state") == "processing" else 0)
    attempts = int(record.get("attempts") or 0) + 1
    if crashes >= ctx.settings.max_attempts:
        _fail(ctx, event, "worker_crashed", describe("worker_crashed"), attempts)
        ctx.bus.ack(message)
        return Outcome("failed", "worker_crashed")
    run_id = record.get("run_id") if record.get("state") == "processing" else None
    start = {
        "state": "processing",
        "stage": "ocr",
        "attempts": attempts,
        "crashes": crashes,
        "run_id": run_id or uuid.uuid4().hex,
        "started_at": now_iso(),
    }
    start |= _upload_fields(event, record)
    ctx.index.upsert(event.doc_id, start)
    done = threading.Event()
    beat = threading.Thread(target=_keepalive, args=(ctx, message, done, heartbeat), daemon=True)
    beat.start()
    try:
        outcome = _run_with_retries(ctx, event, attempts)
    finally:
        done.set()
        beat.join()
    if outcome.outcome == "retry":
        ctx.index.upsert(event.doc_id, {"state": "queued", "stage": "queued"})
        ctx.bus.release(message)
    else:
        ctx.bus.ack(message)
    return outcome


def _upload_fields(event: FileUploaded, record: dict[str, object]) -> dict[str, object]:
    """What the event says of the upload, for records it made itself (an event from another system for
    an object put in the store directly): without these the document is invisible in batch views."""
    fields: dict[str, object] = {
        "filename": event.filename,
        "batch": event.batch,
        "dossier": event.dossier,
        "size": event.size,
        "uploaded_at": event.occurred_at.isoformat(timespec="milliseconds"),
    }
    missing = {k: v for k, v in fields.items() if record.get(k) in (None, "") and v not in (None, "")}
    if not record.get("batches"):
        missing["batches"] = [event.batch]
    return missing


def _run_with_retries(ctx: Context, event: FileUploaded, attempts: int) -> Outcome:
    delay = ctx.settings.retry_delay
    for attempt in range(1, ctx.settings.max_attempts + 1):
        try:
            return _process_event(ctx, event)
        except PermanentError as exc:
            _fail(ctx, event, exc.code, exc.message, attempts)
            return Outcome("failed", exc.code)
        except TransientError as exc:
            log.warning("transient failure", attempt=attempt, error=str(exc))
            time.sleep(delay)
            delay *= 2
        except MemoryError:
            # The worker's own memory ceiling (settings.worker_memory_mb): this file needs more than a page
            # may take; the worker itself goes on with the next one.
            log.warning("memory ceiling reached")
            _fail(ctx, event, "page_too_large", describe("page_too_large") + " (bộ nhớ / memory)", attempts)
            return Outcome("failed", "page_too_large")
        except Exception:
            log.exception("internal error")
            _fail(ctx, event, "internal_error", describe("internal_error"), attempts)
            return Outcome("failed", "internal_error")
    return Outcome("retry", "transient")


def _progress(ctx: Context, doc_id: str) -> ProgressFn:
    def report(stage: str, done: int, total: int) -> None:
        ctx.index.upsert(doc_id, {"stage": stage, "pages_done": done, "pages": total or None})

    return report


def _process_event(ctx: Context, event: FileUploaded) -> Outcome:
    """Download, process, store the derived files, publish ``file.processed``, then mark ``indexed``.

    The record turns ``indexed`` last: a worker that dies anywhere before leaves a document that is
    processed again on redelivery (so its result event may be published twice, never lost).
    """
    doc_id = event.doc_id
    stages: dict[str, float] = {}
    clock = time.monotonic()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.monotonic()
        stages[stage] = round(now - clock, 3)
        clock = now

    workdir = Path(tempfile.mkdtemp(prefix="sohoa-"))
    try:
        source = workdir / "original"
        ctx.store.download(event.original_key or original_key(doc_id), source)
        _check_identity(source, doc_id)
        lap("download")
        result = process(source, workdir, ctx.settings, _progress(ctx, doc_id))
        # Where the rules are unsure, the classifier learned from staff corrections may decide.
        result.analysis = learned_analysis(ctx, result.read.text, result.analysis)
        stages.update(result.stages)
        clock = time.monotonic()
        fields = processed_fields(result, ctx.settings.low_confidence)
        fields = apply_corrections(fields, load_corrections(ctx, doc_id))
        fields["processed_at"] = now_iso()
        record = {**_put_derived(ctx, doc_id, result.read.text, result.read.searchable_pdf), **fields}
        store_meta(ctx, doc_id, record)  # last: a stored meta.json means its text and PDF are stored
        lap("store")
        _publish_processed(ctx, doc_id, record | {"seconds": result.seconds})
        ctx.index.upsert(doc_id, fields)
        lap("index")
        _link_dossier(ctx, record | {"doc_id": doc_id, "state": "indexed"})
        return Outcome("indexed", None, fields["pages"], fields["pages_ocr"], stages)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _link_dossier(ctx: Context, record: dict[str, Any]) -> None:
    """Link the document to its dossier when the list already has it. Best effort: the document is
    indexed either way, and ``sohoa dossiers link`` (or the next import or event) links it later."""
    try:
        dossiers.link_document(ctx.database(), record)
    except Exception as exc:  # never fail an indexed document over its dossier link
        log.warning("dossier link deferred", error=str(exc))


def _check_identity(path: Path, doc_id: str) -> None:
    """The document id is the SHA-256 of the original: an event that names another id (a sender's bug)
    must not index these bytes under it."""
    digest = hashlib.sha256()
    with path.open("rb") as src:
        while chunk := src.read(1 << 20):
            digest.update(chunk)
    if digest.hexdigest() != doc_id:
        raise PermanentError(code="hash_mismatch", detail=f"SHA-256 {digest.hexdigest()}")


def processed_event_id(doc_id: str, run_id: str) -> str:
    """The same id for every publication of one processing run, so consumers can drop copies."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"sohoa:file.processed:{doc_id}:{run_id}").hex


def _put_derived(ctx: Context, doc_id: str, text: str, pdf: Path | None) -> dict[str, Any]:
    """Store the text and the searchable PDF while the index is read for the record so far: three round
    trips at once, not one after another (each waits on the store's disk). Returns the record so far."""
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="store") as pool:
        puts = [pool.submit(ctx.store.put_bytes, derived_key(doc_id, "text.txt"), text.encode("utf-8"), "text/plain")]
        if pdf and pdf.exists():
            puts.append(pool.submit(ctx.store.put_file, derived_key(doc_id, "searchable.pdf"), pdf, "application/pdf"))
        try:
            return ctx.index.get(doc_id) or {}
        finally:
            for put in puts:
                put.result()


def _publish_processed(ctx: Context, doc_id: str, record: dict[str, Any]) -> None:
    processed = FileProcessed(
        event_id=processed_event_id(doc_id, str(record.get("run_id") or record.get("processed_at") or "")),
        doc_id=doc_id,
        pages=int(record.get("pages") or 0),
        pages_ocr=int(record.get("pages_ocr") or 0),
        doc_type=record.get("doc_type"),
        field=record.get("field"),
        ocr_confidence=record.get("ocr_confidence"),
        seconds=float(record.get("seconds") or 0.0),
    )
    ctx.bus.publish(ctx.settings.topic_results, doc_id, encode(processed))


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


def _dead_letter(ctx: Context, original: Message, code: str, message: str) -> None:
    rejected = MessageRejected(
        key=original.key or "",
        topic=original.topic,
        code=code,
        message=message,
        original=original.value[: 64 * 1024].decode("utf-8", "replace"),
    )
    ctx.bus.publish(ctx.settings.topic_dead, original.key or "unknown", encode(rejected))


def bound_memory(megabytes: int) -> None:
    """Cap this process's data memory (heap and anonymous mappings, not address-space reservations), so
    a file that would need more fails alone with a MemoryError instead of the kernel killing the worker."""
    if megabytes <= 0:
        return
    limit = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


class _Backoff:
    """Waits that double from ``first`` up to ``cap`` seconds, with jitter so workers do not stampede."""

    def __init__(self, first: float, cap: float) -> None:
        self.first, self.cap, self.failures = first, cap, 0

    def next(self) -> float:
        delay = min(self.cap, self.first * 2**self.failures)
        self.failures += 1
        return delay * random.uniform(0.8, 1.0)

    def reset(self) -> None:
        self.failures = 0


def _open(settings: Settings, stop: threading.Event, backoff: _Backoff, heartbeat: Heartbeat) -> Context | None:
    """The backends, waiting out an outage at start-up (None when stopped while waiting)."""
    while not stop.is_set():
        heartbeat.beat(ready=False)
        try:
            return Context.open(settings)
        except TransientError as exc:
            delay = backoff.next()
            log.warning("backend unavailable at start; waiting", error=str(exc), retry_in=round(delay, 1))
            stop.wait(delay)
    return None


def run_worker(settings: Settings, *, drain: bool = False, stop: threading.Event | None = None) -> int:
    """Consume until stopped (or, with ``drain``, until the queue is empty). Returns documents handled.

    An outage of any backend never ends the worker: it waits, with backoff capped at
    ``settings.outage_backoff_max`` seconds, and resumes where it was; the message in hand is redelivered.
    """
    stop = stop or threading.Event()
    backoff = _Backoff(0.5, settings.outage_backoff_max)
    heartbeat = Heartbeat(settings)
    handled = 0
    try:
        while not stop.is_set():
            ctx = _open(settings, stop, backoff, heartbeat)
            if ctx is None:
                break
            with ctx:
                count, finished = _loop(ctx, settings, drain, stop, backoff, heartbeat)
            handled += count
            if finished:
                break
            log.warning("reconnecting to the backends after repeated failures")
    finally:
        heartbeat.remove()
    return handled


RECONNECT_AFTER = 6
"""Failures in a row after which the worker drops its clients and opens new ones: a client left in a bad
state by a server restart (a producer whose session the broker forgot) then recovers too."""


DRAIN_WAIT = 0.2  # seconds a draining worker waits for a message before asking whether the queue is empty


def _loop(
    ctx: Context, settings: Settings, drain: bool, stop: threading.Event, backoff: _Backoff, heartbeat: Heartbeat
) -> tuple[int, bool]:
    """Handle messages; returns (handled, finished): not finished when the clients should be reopened."""
    handled = 0
    failures = 0
    while not stop.is_set():
        try:
            # Draining, a short wait: the queue's end is noticed within a fraction of a second, not one.
            message = ctx.bus.receive(settings.topic_uploaded, timeout=DRAIN_WAIT if drain else 1.0)
            heartbeat.beat(ready=True)
            if message is None:
                if drain and ctx.bus.pending(settings.topic_uploaded) == 0:
                    break
                continue
            handled += 1
            if handle(ctx, message, heartbeat) == "retry":
                raise TransientError("a backend stayed unavailable through every retry of a document")
            backoff.reset()
            failures = 0
        except TransientError as exc:
            heartbeat.beat(ready=False)
            failures += 1
            delay = backoff.next()
            log.warning("backend unavailable; waiting", error=str(exc), retry_in=round(delay, 1))
            stop.wait(delay)
            if failures >= RECONNECT_AFTER:
                return handled, False
    return handled, True
