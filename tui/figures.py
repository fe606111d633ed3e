"""Numbers as a person reads them: tokens, dollars, durations (shared by the CLI and the app)."""

from __future__ import annotations


def tokens(count: int) -> str:
    """`950`, `12.3k`, `4.1M`."""
    if count < 1000:
        return str(count)
    if count < 1_000_000:
        return f"{count / 1000:.1f}k"
    return f"{count / 1_000_000:.1f}M"


def cost(dollars: float | None) -> str:
    """`$1.23`, `$0.0042`, or `unknown` (a model without a known price: never shown as $0)."""
    if dollars is None:
        return "unknown"
    if dollars == 0:
        return "$0"
    if dollars < 0.01:
        return f"${dollars:.4f}"
    return f"${dollars:,.2f}"


def duration(seconds: float | None) -> str:
    """`42s`, `3m 05s`, `2h 10m`, `3d 4h`; `-` when unknown."""
    if seconds is None:
        return "-"
    s = int(round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{s // 86400}d {s % 86400 // 3600}h"
