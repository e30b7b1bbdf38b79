"""A short-lived memo of what the review queue derives from every indexed record (register link
suggestions, dossier fits), valid while the things it counts stay the same.

The version is cheap to read: the number of indexed documents and, for the register, its links, the
dossier list and its links, their row counts and last change. A change this process makes to a record
that the version cannot see (a correction) calls :func:`forget`; another process's such change shows
after at most ``MAX_SECONDS``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import func, select

from .context import Context
from .db import dossier_links, dossiers, register_entries, register_links, translate
from .ports import SearchQuery

MAX_SECONDS = 60.0
T = TypeVar("T")
_memo: dict[str, tuple[tuple[Any, ...], float, Any]] = {}
_lock = threading.Lock()


def version(ctx: Context) -> tuple[Any, ...]:
    """What the derived state depends on, read in five small queries."""
    indexed = ctx.index.search(SearchQuery(state="indexed", limit=0, with_text=False, facets=False)).total
    with translate("read the review state"), ctx.database().connect() as conn:
        parts = [
            tuple(conn.execute(select(func.count(), func.max(table.c[column]))).one())
            for table, column in (
                (register_entries, "updated_at"),
                (register_links, "at"),
                (dossiers, "updated_at"),
                (dossier_links, "linked_at"),
            )
        ]
    return (indexed, *parts)


def remembered(ctx: Context, name: str, compute: Callable[[Context], T]) -> T:
    """``compute(ctx)``, or its last result while :func:`version` is unchanged and younger than
    ``MAX_SECONDS``."""
    current = version(ctx)
    with _lock:
        held = _memo.get(name)
    if held is not None and held[0] == current and time.monotonic() < held[1]:
        result: T = held[2]
        return result
    result = compute(ctx)
    with _lock:
        _memo[name] = (current, time.monotonic() + MAX_SECONDS, result)
    return result


def forget() -> None:
    """Drop every memo (after a change this process made that :func:`version` does not count)."""
    with _lock:
        _memo.clear()
