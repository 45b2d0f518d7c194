"""Parsing and formatting of what people type and read: token amounts, rates and durations.

Amounts are parsed from their decimal text straight into integers of base units, never through a
float, and a value that does not fit the token's decimals exactly is refused rather than rounded.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal, Inexact, InvalidOperation, localcontext

DURATION_UNITS: dict[str, int] = {
    "s": 1,
    "m": 60,
    "h": 3_600,
    "d": 86_400,
    "w": 604_800,
}
"""Seconds per duration suffix. ``m`` is minutes; months are not offered (their length varies)."""

_DURATION_PART = re.compile(r"(\d+)([smhdw]?)")
_MAX_AMOUNT_CHARS = 120
_EXACT = Context(prec=_MAX_AMOUNT_CHARS + 40, traps=[Inexact, InvalidOperation])
_DURATION = re.compile(r"(?:\d+[smhdw])+|\d+")


class InputError(ValueError):
    """Input a person typed that cannot be used; its message says what is wrong and how to fix it."""


def parse_duration(text: str) -> int:
    """Seconds in ``text``: ``604800``, ``1w``, ``3d``, ``12h``, ``90m``, ``45s`` or ``1w2d``."""
    cleaned = text.strip().lower().replace(" ", "")
    if not _DURATION.fullmatch(cleaned):
        raise InputError(
            f"invalid duration {text!r}: use seconds or numbers with a unit s, m, h, d or w (e.g. 1w, 3d, 1w2d)"
        )
    return sum(int(number) * DURATION_UNITS[unit or "s"] for number, unit in _DURATION_PART.findall(cleaned))


def parse_amount(text: str, decimals: int) -> int:
    """Base units in a decimal amount such as ``19.99`` for a token with ``decimals`` decimals."""
    cleaned = text.strip().replace("_", "").replace(",", "")
    if len(cleaned) > _MAX_AMOUNT_CHARS:
        raise InputError(f"invalid amount {text[:20]!r}…: longer than {_MAX_AMOUNT_CHARS} characters")
    # Decimal's default context keeps 28 digits and would silently round a larger amount: compute
    # in an exact context that refuses any rounding instead.
    with localcontext(_EXACT):
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise InputError(f"invalid amount {text!r}: write a plain decimal number such as 19.99") from None
        if not value.is_finite() or value < 0:
            raise InputError(f"invalid amount {text!r}: it must be a finite number of at least 0")
        scaled = value.scaleb(decimals)
        if scaled != scaled.to_integral_value():
            raise InputError(f"amount {text!r} has more than {decimals} decimals, the token's precision")
        return int(scaled)


def parse_rate(text: str) -> int:
    """An 18-decimal fixed-point rate (base units per second) from decimal text, exactly."""
    return parse_amount(text, 18)


def format_amount(base_units: int, decimals: int, symbol: str = "") -> str:
    """``19990000`` with 6 decimals gives ``19.99``: exact, trailing zeros dropped, no float."""
    sign = "-" if base_units < 0 else ""
    whole, fraction = divmod(abs(base_units), 10**decimals)
    text = f"{sign}{whole:,}"
    if fraction:
        text += "." + str(fraction).rjust(decimals, "0").rstrip("0")
    return f"{text} {symbol}".rstrip()


def format_token_rate(price_per_second: int, decimals: int) -> str:
    """A fixed-point rate of base units per second as whole tokens per second (exact decimal text)."""
    return format_amount(price_per_second, decimals + 18)


def format_duration(seconds: int) -> str:
    """``1209600`` gives ``2w``; ``90061`` gives ``1d 1h 1m 1s``."""
    if seconds <= 0:
        return "0s"
    parts = []
    for unit in ("w", "d", "h", "m", "s"):
        count, seconds = divmod(seconds, DURATION_UNITS[unit])
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts)
