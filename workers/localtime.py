"""The department's calendar: Vietnam time (UTC+7, no daylight saving), whatever the server's zone.

Timestamps are stored in UTC (``workers.clock``); "today" for a report's default date, or a time
printed for a person, is Vietnam's.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

VN_TIME = timezone(timedelta(hours=7))


def vn_now() -> datetime:
    """Now, in Vietnam time."""
    return datetime.now(VN_TIME)


def vn_today() -> date:
    """Today in Vietnam: from 17:00 UTC on, Vietnam's calendar is already on the next day."""
    return vn_now().date()
