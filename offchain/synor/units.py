"""Parsing and formatting of what people type and read: token amounts, rates and durations.

Amounts are parsed from their decimal text straight into integers of base units, never through a
float, and a value that does not fit the token's decimals exactly is refused rather than rounded.
"""

from __future__ import annotations

import re
import time
from decimal import Context, Decimal, Inexact, InvalidOperation, localcontext

from synor.errors import SynorError

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


class InputError(SynorError, ValueError):
    """Input a person typed that cannot be used; its message says what is wrong and how to fix it."""


def parse_duration(text: str) -> int:
    """Seconds in ``text``: ``604800``, ``1w``, ``3d``, ``12h``, ``90m``, ``45s`` or ``1w2d``."""
    cleaned = text.strip().lower().replace(" ", "")
    if not _DURATION.fullmatch(cleaned):
        raise InputError(
            f"invalid duration {text!r}: use seconds or numbers with a unit s, m, h, d or w (e.g. 1w, 3d, 1w2d)"
        )
    if len(cleaned) > 100:
        raise InputError(f"invalid duration {text[:20]!r}…: longer than 100 characters")
    seconds = sum(
        int(number) * DURATION_UNITS[unit or "s"] for number, unit in _DURATION_PART.findall(cleaned)
    )
    if seconds > UINT256_MAX:
        raise InputError(f"duration {text!r} is too long: more seconds than a contract can hold (2^256 - 1)")
    return seconds


def parse_decimal(text: str) -> Decimal:
    """The exact, finite, non-negative decimal in ``text`` (``19.99``, ``1_000``, ``1,000.5``)."""
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
        return value if value != 0 else Decimal(0)  # 0e999999 is 0


def parse_amount(text: str, decimals: int) -> int:
    """Base units in a decimal amount such as ``19.99`` for a token with ``decimals`` decimals."""
    value = parse_decimal(text)
    with localcontext(_EXACT):
        if value.adjusted() > 80:  # > 10^80 whole tokens: beyond uint256 whatever the decimals
            raise InputError(f"amount {text!r} is too large: more base units than a contract can hold")
        scaled = value.scaleb(decimals)
        if scaled != scaled.to_integral_value():
            raise InputError(f"amount {text!r} has more than {decimals} decimals, the token's precision")
        if scaled > UINT256_MAX:
            raise InputError(f"amount {text!r} is too large: more base units than a contract can hold")
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


SYNOR_DECIMALS = 18
"""SYNOR's decimals (and those of the oracle's 18-decimal USD)."""


def format_synor(base_units: int) -> str:
    """``12.5 SYNOR`` from base units (exact)."""
    return format_amount(base_units, SYNOR_DECIMALS, "SYNOR")


def money_json(base_units: int, decimals: int = SYNOR_DECIMALS) -> dict[str, str]:
    """An amount for JSON output: base units and the exact decimal, both as strings."""
    return {"base_units": str(base_units), "amount": format_amount(base_units, decimals)}


def format_token_rate(price_per_second: int, decimals: int) -> str:
    """A fixed-point rate of base units per second as whole tokens per second (exact decimal text)."""
    return format_amount(price_per_second, decimals + 18)


def format_time(timestamp: int) -> str:
    """``2026-11-23 20:14:21 UTC`` for a Unix time; beyond the year 9999 (a valid runway) its number."""
    try:
        return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(timestamp))
    except (OverflowError, ValueError, OSError):
        return f"timestamp {timestamp}"


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


UINT256_MAX = 2**256 - 1
_HEX_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_HEX_32 = re.compile(r"(?:0x)?[0-9a-fA-F]{64}")


def parse_address(text: str, what: str = "address") -> str:
    """The EIP-55 checksummed form of ``text``; a mixed-case address must carry a valid checksum.

    All-lowercase and all-uppercase addresses carry no checksum and are accepted; a mixed-case one whose
    checksum is wrong has a typo somewhere, and paying to it could lose the money, so it is refused.
    """
    from eth_utils.address import to_checksum_address

    cleaned = text.strip()
    if not _HEX_ADDRESS.fullmatch(cleaned):
        raise InputError(f"invalid {what} {text!r}: expected 0x followed by 40 hex digits")
    checksummed = str(to_checksum_address(cleaned))
    digits = cleaned[2:]
    if digits != digits.lower() and digits != digits.upper() and cleaned != checksummed:
        raise InputError(
            f"invalid {what} {text!r}: its EIP-55 checksum (the mix of upper and lower case) is wrong; "
            "check it for a typo"
        )
    return checksummed


def parse_bytes32(text: str, what: str = "value") -> bytes:
    """32 bytes from 64 hex digits (with or without 0x)."""
    cleaned = text.strip()
    if not _HEX_32.fullmatch(cleaned):
        raise InputError(f"invalid {what} {text!r}: expected 32 bytes as 64 hex digits (0x…)")
    return bytes.fromhex(cleaned.removeprefix("0x"))


def parse_interval(text: str) -> float:
    """A positive, finite number of seconds between polls (``0.5``, ``60``); no zero, NaN or infinity."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise InputError(f"invalid interval {text!r}: a number of seconds such as 2 or 0.5") from None
    if not value.is_finite() or value <= 0:
        raise InputError(f"invalid interval {text!r}: a finite number of seconds above 0, e.g. 0.5 or 60")
    if value > 86_400 * 366:
        raise InputError(f"invalid interval {text!r}: at most a year (31622400 seconds)")
    return float(value)


def parse_rpc_url(text: str) -> str:
    """A node URL: ``http://`` or ``https://``, a host, and a port if any in range."""
    from urllib.parse import urlsplit

    cleaned = text.strip()
    try:
        parts = urlsplit(cleaned)
        port = parts.port
    except ValueError:
        raise InputError(
            f"invalid RPC URL {text!r}: expected http(s)://host[:port][/path], e.g. http://127.0.0.1:8545"
        ) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in cleaned:
        raise InputError(
            f"invalid RPC URL {text!r}: expected http(s)://host[:port][/path], e.g. http://127.0.0.1:8545"
        )
    if port == 0:
        raise InputError(f"invalid RPC URL {text!r}: port 0")
    return cleaned
