"""Training the learned classifier from the store, keeping it there, and loading it once per process.

Labels come from the index records: a target (``doc_type``, ``field``) a person corrected or confirmed is a staff
label (``record["corrected"]`` lists it); a value the rules were sure of (``analyze.RULES_SURE``) and that no model
decided is a rule label, used only to show the model what the other classes look like (at most
``RULE_EXAMPLES_PER_CLASS`` per class). The text is the record's, or ``derived/…/text.txt``.

Objects: ``models/classifier.joblib`` (the fitted models), ``models/classifier.json`` (version, time, training set
size, counts and cross-validated accuracy, readable without scikit-learn) and ``models/pending.json`` (labelling
corrections since the last training).

Retraining in the background: every correction that sets a type or a field calls :func:`maybe_retrain`, which
counts it and, from the ``RETRAIN_EVERY``-th on, trains in a thread of this process with its own store and index
(the caller's may be closed meanwhile: a CLI command exits its ``with Context`` block). A lock keeps to one training per
process; the thread is not a daemon, so a CLI command finishes the training (seconds) before it exits. Two
processes correcting at the same instant may lose one count of the counter: retraining comes one correction later.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..clock import now_iso
from ..context import Context, derived_key
from ..errors import NotFoundError, SohoaError
from ..pipeline.analyze import analyze, rules_unsure
from ..pipeline.types import Analysis
from ..registry import open_index, open_store
from .model import MIN_EXAMPLES, TARGETS, Classifier, Example, features

MODEL_KEY = "models/classifier.joblib"
META_KEY = "models/classifier.json"
PENDING_KEY = "models/pending.json"
RETRAIN_EVERY = 10  # labelling corrections between two automatic trainings
RULE_EXAMPLES_PER_CLASS = 200  # keeps training to seconds on a large index
RECHECK_SECONDS = 60.0  # how often a process looks for a newer model in the store
log = logging.getLogger(__name__)

_train_lock = threading.Lock()  # one training at a time in this process
_count_lock = threading.Lock()  # read-increment-write of the pending counter
_cache_lock = threading.Lock()


@dataclass
class _Loaded:
    stamp: str | None  # trained_at of the stored model (None: no model)
    model: Classifier | None
    checked: float  # time.monotonic() of the last look at the store


_cache: dict[str, _Loaded] = {}  # by store URL
_thread: threading.Thread | None = None


# ------------------------------------------------------------------------------ training set ----
def _text(ctx: Context, record: dict[str, Any]) -> str:
    if record.get("text"):
        return str(record["text"])
    try:
        return ctx.store.get_bytes(derived_key(record["doc_id"], "text.txt")).decode("utf-8")
    except NotFoundError:
        return ""


def _labels(record: dict[str, Any]) -> tuple[dict[str, str], set[str]]:
    corrected = set(record.get("corrected") or [])
    labels: dict[str, str] = {}
    staff: set[str] = set()
    for target in TARGETS:
        value = record.get(target)
        if not value:
            continue
        if target in corrected:
            labels[target] = str(value)
            staff.add(target)
        elif record.get(f"{target}_source", "rules") == "rules" and (
            not rules_unsure(target, str(value), float(record.get(f"{target}_confidence") or 0.0))
        ):
            labels[target] = str(value)
    return labels, staff


def training_examples(ctx: Context) -> list[Example]:
    """Labelled examples from every indexed record (staff labels first, then rule labels up to the cap)."""
    rows = []
    for record in ctx.index.scan():
        if record.get("state") == "indexed":
            labels, staff = _labels(record)
            if labels:
                rows.append((record, labels, staff))
    rows.sort(key=lambda row: not row[2])  # staff-labelled records first: the cap never drops them
    seen: Counter[tuple[str, str]] = Counter()
    examples = []
    for record, labels, staff in rows:
        for target in [t for t in labels if t not in staff]:
            seen[(target, labels[target])] += 1
            if seen[(target, labels[target])] > RULE_EXAMPLES_PER_CLASS:
                del labels[target]
        text = _text(ctx, record) if labels else ""
        if text.strip():
            examples.append(Example(str(record["doc_id"]), features(text), labels, frozenset(staff)))
    return examples


def train_and_save(ctx: Context, *, min_examples: int = MIN_EXAMPLES, cross_validate: bool = True) -> Classifier:
    """Train on the store's labelled documents; store the model when any target could be fitted.

    Returns the classifier (its ``meta`` holds counts and accuracy; ``models`` is empty when there was too little to
    learn from, and then nothing is stored). Resets the pending-corrections counter. Raises store errors.
    """
    started = time.monotonic()
    _write_pending(ctx, 0)
    examples = training_examples(ctx)
    model = Classifier.train(examples, min_examples=min_examples, cross_validate=cross_validate, trained_at=now_iso())
    model.meta["seconds"] = round(time.monotonic() - started, 2)
    if model.models:
        ctx.store.put_bytes(MODEL_KEY, model.dumps(), "application/octet-stream")
        meta = json.dumps(model.meta, ensure_ascii=False, indent=1).encode("utf-8")
        ctx.store.put_bytes(META_KEY, meta, "application/json")
        with _cache_lock:
            _cache[ctx.settings.store] = _Loaded(model.meta["trained_at"], model, time.monotonic())
    log.info(
        "classifier trained examples=%d staff=%d saved=%s seconds=%.2f",
        model.meta["examples"],
        model.meta["staff_examples"],
        bool(model.models),
        model.meta["seconds"],
    )
    return model


def stored_meta(ctx: Context) -> dict[str, Any] | None:
    """What ``models/classifier.json`` says of the stored model, or None when there is none."""
    try:
        data: dict[str, Any] = json.loads(ctx.store.get_bytes(META_KEY))
        return data
    except NotFoundError:
        return None


# ------------------------------------------------------------------------------ loading ---------
def load_model(ctx: Context, *, refresh: bool = False) -> Classifier | None:
    """The stored classifier, loaded once per process and looked up again at most every ``RECHECK_SECONDS``
    (``refresh`` forces a look). None when there is none or it cannot be read (logged: the rules work alone)."""
    key = ctx.settings.store
    now = time.monotonic()
    with _cache_lock:
        cached = _cache.get(key)
        if cached and not refresh and now - cached.checked < RECHECK_SECONDS:
            return cached.model
    meta = stored_meta(ctx)
    stamp = meta.get("trained_at") if meta else None
    if cached and cached.stamp == stamp:
        model = cached.model
    elif stamp is None:
        model = None
    else:
        model = _read_model(ctx)
    with _cache_lock:
        _cache[key] = _Loaded(stamp, model, now)
    return model


def _read_model(ctx: Context) -> Classifier | None:
    try:
        return Classifier.loads(ctx.store.get_bytes(MODEL_KEY))
    except NotFoundError:
        return None
    except Exception as exc:  # unpickling fails in many ways (another library version, a cut file): rules only
        log.warning("stored classifier unreadable, using the rules alone: %s; run sohoa train", exc)
        return None


def forget_models() -> None:
    """Drop every loaded model (tests; a process that must see a new model at once)."""
    with _cache_lock:
        _cache.clear()


def learned_analysis(ctx: Context, text: str, analysis: Analysis) -> Analysis:
    """``analysis`` redone with the stored model blended in, when the rules were unsure and a model exists.

    The worker's hook after ``process()``: a document the rules are sure of costs nothing more.
    """
    unsure = rules_unsure("doc_type", analysis.doc_type, analysis.doc_type_confidence) or rules_unsure(
        "field", analysis.field, analysis.field_confidence
    )
    if not unsure or analysis.extra.get("analysis_error"):
        return analysis
    model = load_model(ctx)
    return analyze(text, model=model) if model is not None else analysis


# ------------------------------------------------------------------------------ retraining ------
def _read_pending(ctx: Context) -> int:
    try:
        return int(json.loads(ctx.store.get_bytes(PENDING_KEY)).get("count", 0))
    except NotFoundError:
        return 0


def _write_pending(ctx: Context, count: int) -> None:
    data = json.dumps({"count": count, "at": now_iso()}).encode("utf-8")
    ctx.store.put_bytes(PENDING_KEY, data, "application/json")


def maybe_retrain(ctx: Context, every: int = RETRAIN_EVERY) -> threading.Thread | None:
    """Count one labelling correction; from the ``every``-th since the last training, retrain in the background.

    Returns the training thread when one was started. Never raises: the correction is already durable, and a store
    that fails here is logged (retraining then comes later).
    """
    global _thread
    try:
        with _count_lock:
            count = _read_pending(ctx) + 1
            _write_pending(ctx, count)
            if count < every or _train_lock.locked():
                return None
            _thread = threading.Thread(target=_retrain, args=(ctx, every), name="sohoa-retrain")
            _thread.start()
            return _thread
    except SohoaError as exc:
        log.warning("could not count the correction for retraining: %s", exc)
        return None


def _retrain(caller: Context, every: int) -> None:
    if not _train_lock.acquire(blocking=False):
        return
    try:
        # Its own store and index: the caller may close its own meanwhile (a CLI command leaving its `with` block).
        # Training never touches the bus; the caller's is only there to make a Context.
        settings = caller.settings
        ctx = Context(settings=settings, bus=caller.bus, store=open_store(settings), index=open_index(settings))
        try:
            # No cross-validation in the background: it costs k trainings and only `sohoa train` prints it.
            train_and_save(ctx, cross_validate=False)
            while _read_pending(ctx) >= every:  # corrections that came in meanwhile ask for another round
                train_and_save(ctx, cross_validate=False)
        finally:
            ctx.index.close()
    except Exception:  # a background thread has no caller to tell; the next corrections try again
        log.exception("background retraining failed")
    finally:
        _train_lock.release()


def wait_idle(timeout: float = 120.0) -> bool:
    """Wait for a background training of this process to end; True when none is running."""
    thread = _thread
    if thread is not None:
        thread.join(timeout)
        return not thread.is_alive()
    return True
