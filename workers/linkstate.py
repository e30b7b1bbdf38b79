"""Memos of state derived from the register and the index, valid while what they depend on stays the
same: what the review queue derives from every indexed record (register link suggestions, dossier fits),
and the register's linking index for the document page.

A memo is kept per set of backends (home, index, database) and checked against a version that is cheap
to read. The review queue's (:func:`version`) counts indexed documents and, for the register, its links,
the dossier list and its links, their row counts and last change; a change this process makes to a
record that it cannot see (a correction) calls :func:`forget`, and another process's such change shows
after at most ``MAX_SECONDS``. The register's (:func:`register_version`) is exact: it never expires.
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
_memo: dict[tuple[str, ...], tuple[tuple[Any, ...], float, Any]] = {}
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


def register_version(ctx: Context) -> tuple[Any, ...]:
    """The register's entry count and last update: one small query."""
    with translate("read the register"), ctx.database().connect() as conn:
        return tuple(conn.execute(select(func.count(), func.max(register_entries.c.updated_at))).one())


def remembered(
    ctx: Context,
    name: str,
    compute: Callable[[Context], T],
    *,
    stamp: Callable[[Context], tuple[Any, ...]] = version,
    max_seconds: float = MAX_SECONDS,
) -> T:
    """``compute(ctx)``, or its last result for these backends while ``stamp(ctx)`` is unchanged and
    younger than ``max_seconds``."""
    current = stamp(ctx)
    settings = ctx.settings
    key = (name, str(settings.home), settings.index, ctx.database().url.render_as_string(hide_password=True))
    with _lock:
        held = _memo.get(key)
    if held is not None and held[0] == current and time.monotonic() < held[1]:
        result: T = held[2]
        return result
    result = compute(ctx)
    with _lock:
        _memo[key] = (current, time.monotonic() + max_seconds, result)
    return result


def forget() -> None:
    """Drop every memo (after a change this process made that :func:`version` does not count)."""
    with _lock:
        _memo.clear()
