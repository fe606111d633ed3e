"""What a reply cost in dollars, from the price tables bundled with `genai-prices`.

`genai-prices` (the pydantic team's price data, pinned in pyproject.toml) ships its tables
as Python data (`genai_prices.data`); `calc_price` reads that bundled snapshot unless an
`UpdatePrices` task was started, which Grove never does — so pricing never touches the
network, and the same database gives the same dollars on every run of a Grove release.

A model the tables do not know has no price: `reply_cost` answers None (shown as unknown),
never 0. A reply that used no tokens costs 0 whatever its model (Claude Code writes
`<synthetic>` replies for local errors, with all-zero usage).
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from functools import lru_cache
from typing import NamedTuple


class Tokens(NamedTuple):
    """The four token counts of a reply (input is the uncached part)."""

    input: int = 0
    output: int = 0
    cache_read: int = 0
    cache_write: int = 0

    @property
    def total(self) -> int:
        """Every token the reply was billed for."""
        return self.input + self.output + self.cache_read + self.cache_write


def reply_cost(model: str | None, tokens: Tokens, when: datetime | None = None) -> float | None:
    """Dollars for one reply of `model` with these tokens, at the prices in force `when`.

    None when the model is unknown to the price tables (or not named at all).
    """
    if tokens.total == 0:
        return 0.0
    if not model:
        return None
    day = (when or datetime.now(timezone.utc)).astimezone(timezone.utc).date()
    return _cost(model, tokens, day)


def knows_model(model: str) -> bool:
    """Whether the price tables have a price for `model`."""
    return _cost(model, Tokens(input=1), date(2026, 1, 1)) is not None


@lru_cache(maxsize=65_536)
def _cost(model: str, tokens: Tokens, day: date) -> float | None:
    # Imported here: the tables are ~30,000 lines of Python (about 0.1 s to import), and
    # most commands never price anything.
    from genai_prices import Usage, calc_price

    usage = Usage(
        # genai-prices counts cached input inside input_tokens (OpenAI's convention).
        input_tokens=tokens.input + tokens.cache_read + tokens.cache_write,
        output_tokens=tokens.output,
        cache_read_tokens=tokens.cache_read,
        cache_write_tokens=tokens.cache_write,
    )
    try:
        price = calc_price(usage, model, genai_request_timestamp=datetime.combine(day, time(12), timezone.utc))
    except (LookupError, ValueError):
        return None
    return float(price.total_price)


__all__ = ["Tokens", "knows_model", "reply_cost"]
