"""Logging setup for the entry points (CLI, worker processes, server), through structlog.

Modules log through :func:`get_logger` (structlog) or plain :mod:`logging`; both end in the same handler.
On a terminal lines are readable key-value text; otherwise (a file, a pipe, a container's log
collector) each line is one JSON object. Ids are bound once per document with :func:`bound` and appear
on every line logged inside it, whole (a SHA-256 is the id; a prefix is not).

Default levels: ``WARNING`` for libraries, ``INFO`` for Sohoa's own loggers, where the worker writes
exactly one line per document outcome (``event="document"``).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import structlog

_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure_logging(*, verbose: bool = False, json: bool | None = None, stream: TextIO | None = None) -> None:
    """Send every log record to ``stream`` (stderr): JSON unless it is a terminal (or ``json`` says so)."""
    if json is None:
        target = stream or sys.stderr
        json = not (hasattr(target, "isatty") and target.isatty())
    # JSON lines carry a traceback as a string field; the console renderer prints it itself.
    renderer: list[Any] = (
        [structlog.processors.format_exc_info, structlog.processors.JSONRenderer(ensure_ascii=False)]
        if json
        else [structlog.dev.ConsoleRenderer()]
    )
    structlog.configure(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_SHARED, structlog.stdlib.ExtraAdder()],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderer],
    )
    handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("workers").setLevel(logging.DEBUG if verbose else logging.INFO)
    # Client libraries log every connection failure with a traceback; the adapters translate those
    # failures into Sohoa errors with a message, so the libraries' own lines only help when debugging.
    for noisy in ("kafka", "elastic_transport", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.CRITICAL)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time of each record (it may be replaced after set-up,
    as test runners and daemonizing code do), never to a stream closed since."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def get_logger(name: str) -> Any:
    """A structlog logger named like a stdlib one (so levels set on ``workers`` apply)."""
    return structlog.stdlib.get_logger(name)


@contextmanager
def bound(**ids: Any) -> Iterator[None]:
    """Bind ``ids`` (doc_id, batch, ...) to every line logged in this block, in this thread or task."""
    with structlog.contextvars.bound_contextvars(**ids):
        yield
