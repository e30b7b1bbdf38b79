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
    """Today in Vietnam: at 01:00 in Hà Nội it is already tomorrow in UTC terms' eyes, and vice versa."""
    return vn_now().date()
