"""Times as a person reads them in a list: "now", "5m ago", "3h ago", "Mar 14"."""

from __future__ import annotations

from datetime import datetime


def relative_time(moment: datetime, now: datetime) -> str:
    """A short age of `moment` seen from `now` (both aware)."""
    seconds = (now - moment).total_seconds()
    if seconds < 0:
        return moment.strftime("%H:%M")
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h ago"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)}d ago"
    if moment.year == now.year:
        return moment.strftime("%b %d")
    return moment.strftime("%Y-%m-%d")
