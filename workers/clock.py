"""Timestamps as Sohoa stores them: UTC, ISO 8601, milliseconds."""

from __future__ import annotations

from datetime import UTC, datetime


def now_iso() -> str:
    """Now in UTC, e.g. ``2026-12-02T20:15:03.123+00:00`` (sorts as text in time order)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")
