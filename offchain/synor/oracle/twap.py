"""The oracle's arithmetic in Python, integer-only and free of I/O, mirroring contracts/oracle.

Prices are 18-decimal USD per whole token (``10**18`` is one dollar), as on chain. Used by the keeper
and the CLI to explain what the contract will do, and tested against the contract and by hypothesis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

ONE = 10**18
BPS = 10_000
Q96 = 2**96
Q112 = 2**112
Q192 = 2**192
MIN_TICK = -887272
MAX_TICK = 887272
MIN_SQRT_RATIO = 4295128739
MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342

# R_i = round(2^128 / sqrt(1.0001)^(2^i)): sqrt(1.0001)^-(2^i) as Q128.128, for bit i of |tick|. Derived
# exactly by tools/tickmath_constants.py (which checks this table and contracts/oracle/lib/TickMath.sol).
TICK_FACTORS = (
    0xFFFCB933BD6FAD37AA2D162D1A594001,
    0xFFF97272373D413259A46990580E213A,
    0xFFF2E50F5F656932EF12357CF3C7FDCC,
    0xFFE5CACA7E10E4E61C3624EAA0941CD0,
    0xFFCB9843D60F6159C9DB58835C926644,
    0xFF973B41FA98C081472E6896DFB254C0,
    0xFF2EA16466C96A3843EC78B326B52861,
    0xFE5DEE046A99A2A811C461F1969C3053,
    0xFCBE86C7900A88AEDCFFC83B479AA3A4,
    0xF987A7253AC413176F2B074CF7815E54,
    0xF3392B0822B70005940C7A398E4B70F3,
    0xE7159475A2C29B7443B29C7FA6E889D9,
    0xD097F3BDFD2022B8845AD8F792AA5825,
    0xA9F746462D870FDF8A65DC1F90E061E5,
    0x70D869A156D2A1B890BB3DF62BAF32F7,
    0x31BE135F97D08FD981231505542FCFA6,
    0x9AA508B5B7A84E1C677DE54F3E99BC9,
    0x5D6AF8DEDB81196699C329225EE604,
    0x2216E584F5FA1EA926041BEDFE98,
    0x48A170391F7DC42444E8FA2,
)


class Status(IntEnum):
    """ITwapOracle.Status."""

    NONE = 0
    OK = 1
    TOO_FEW_SOURCES = 2
    SOURCES_DIVERGE = 3
    PRICE_OUT_OF_BOUNDS = 4
    MOVE_TOO_LARGE = 5


class SkipReason(IntEnum):
    """ITwapOracle.SkipReason."""

    NONE = 0
    NOT_READY = 1
    STALE = 2
    THIN = 3
    HISTORY_TOO_SHORT = 4


class SourceKind(IntEnum):
    """ITwapOracle.SourceKind."""

    UNISWAP_V2 = 0
    UNISWAP_V3 = 1


def sqrt_ratio_at_tick(tick: int) -> int:
    """sqrt(1.0001^tick) * 2^96, bit for bit as contracts/oracle/lib/TickMath.sol (and V3 pools)."""
    if not MIN_TICK <= tick <= MAX_TICK:
        raise ValueError(f"tick {tick} outside [{MIN_TICK}, {MAX_TICK}]")
    abs_tick = abs(tick)
    ratio = TICK_FACTORS[0] if abs_tick & 1 else 1 << 128
    for bit in range(1, 20):
        if abs_tick & (1 << bit):
            ratio = (ratio * TICK_FACTORS[bit]) >> 128
    if tick > 0:
        ratio = (2**256 - 1) // ratio
    return (ratio >> 32) + (0 if ratio % (1 << 32) == 0 else 1)


def mean_tick(tick_cumulative_delta: int, seconds: int) -> int:
    """The arithmetic-mean tick over ``seconds``, rounded toward negative infinity (OracleLibrary)."""
    if seconds <= 0:
        raise ValueError("seconds must be positive")
    return tick_cumulative_delta // seconds  # Python's // already floors


def price_at_sqrt(sqrt_price_x96: int, token_is_token0: bool, scale: int) -> int:
    """18-decimal USD per whole token from sqrt(token1/token0) in Q64.96, rounded down.

    ``scale`` is ``10**(18 + token_decimals - quote_decimals)``.
    """
    if sqrt_price_x96 <= 0:
        raise ValueError("sqrt price must be positive")
    squared = sqrt_price_x96 * sqrt_price_x96
    if sqrt_price_x96 <= 2**128 - 1:
        return squared * scale // Q192 if token_is_token0 else Q192 * scale // squared
    ratio_x128 = squared // 2**64
    return ratio_x128 * scale // 2**128 if token_is_token0 else 2**128 * scale // ratio_x128


def scale_for(token_decimals: int, quote_decimals: int) -> int:
    """The factor from quote base units per token base unit to an 18-decimal USD price."""
    exponent = 18 + token_decimals - quote_decimals
    if exponent < 0:
        raise ValueError("quote has more than 18 decimals more than the token")
    return int(10**exponent)


def v2_average_price(cumulative_delta: int, seconds: int, scale: int) -> int:
    """A Uniswap V2 price-cumulative difference (UQ112x112 x seconds) as an 18-decimal price.

    The difference is taken modulo 2^224, as the contract stores it (cumulatives wrap)."""
    if seconds <= 0:
        raise ValueError("seconds must be positive")
    average_x112 = (cumulative_delta % 2**224) // seconds
    return average_x112 * scale // Q112


def v2_harmonic_price(inverse_cumulative_delta: int, seconds: int, scale: int) -> int:
    """A V2 pair's harmonic-mean price: one over the mean of the inverse price (the other UQ112x112
    cumulative, token per quote), as an 18-decimal price rounded down (0 when nothing accumulated).

    A one-block spike up of the price barely moves it; a spike down moves it a lot (the arithmetic
    mean, ``v2_average_price``, behaves the other way round)."""
    if seconds <= 0:
        raise ValueError("seconds must be positive")
    inverse_x112 = (inverse_cumulative_delta % 2**224) // seconds
    return (scale << 112) // inverse_x112 if inverse_x112 else 0


def usd_to_token(amount_usd: int, price: int, token_unit: int = ONE) -> int:
    """Token base units worth ``amount_usd`` (18-decimal), rounded up: the payer never pays less."""
    if price <= 0:
        raise ValueError("price must be positive")
    return -(-amount_usd * token_unit // price)


def token_to_usd(amount: int, price: int, token_unit: int = ONE) -> int:
    """18-decimal USD worth ``amount`` token base units, rounded down."""
    return amount * price // token_unit


def deviation_bps(a: int, b: int) -> int:
    """|a - b| / b in basis points, rounded up (as OracleMath.deviationBps)."""
    if b <= 0:
        raise ValueError("reference must be positive")
    return -(-abs(a - b) * BPS // b)


def median(sorted_values: Sequence[int]) -> int:
    """The median of sorted values; the floor of the mean of the middle two for an even count."""
    n = len(sorted_values)
    if n == 0:
        raise ValueError("median of nothing")
    mid = n // 2
    return sorted_values[mid] if n % 2 else (sorted_values[mid - 1] + sorted_values[mid]) // 2


@dataclass(frozen=True)
class Agreement:
    """The median of the sources that agree with the overall median, as the contract computes it."""

    median: int
    agreeing: int
    max_deviation_bps: int


def interval_deviation_bps(low: int, high: int, ref: int) -> int:
    """How far [low, high] lies from ``ref`` in basis points, rounded up (0 when it contains it)."""
    if high < ref:
        return deviation_bps(high, ref)
    if low > ref:
        return deviation_bps(low, ref)
    return 0


def agreeing_median(means: Sequence[tuple[int, int]], max_deviation_bps: int) -> Agreement:
    """Each source's (low, high) means: the median of all 2n means; a source agrees when its interval
    reaches within ``max_deviation_bps`` of it; the median of the agreeing sources' means (0 and 0
    agreeing when none agree). Mirrors TwapOracle._agreeingMedian."""
    overall = median(sorted(m for pair in means for m in pair))
    if overall == 0:
        return Agreement(0, 0, 0xFFFF)
    deviations = [interval_deviation_bps(low, high, overall) for low, high in means]
    kept = [pair for pair, d in zip(means, deviations, strict=True) if d <= max_deviation_bps]
    worst = max(deviations)
    if not kept:
        return Agreement(0, 0, worst)
    return Agreement(median(sorted(m for pair in kept for m in pair)), len(kept), worst)


def required_agreeing(valid: int, min_sources: int) -> int:
    """How many sources must agree: ``min_sources`` and a strict majority of the valid ones."""
    return max(min_sources, valid // 2 + 1)


@dataclass(frozen=True)
class RoundRules:
    """The deploy-time limits a round is judged by (ITwapOracle.Config without addresses)."""

    min_sources: int
    max_deviation_bps: int
    max_move_bps: int
    min_price: int
    max_price: int


@dataclass(frozen=True)
class RoundOutcome:
    status: Status
    candidate: int
    price: int
    sources: int


def judge_round(
    means: Sequence[tuple[int, int]], accepted: int, previous_candidate: int, rules: RoundRules
) -> RoundOutcome:
    """What an update round decides from the valid sources' (low, high) means (mirrors
    TwapOracle.update). ``price`` is the accepted price afterwards: a refused round keeps ``accepted``."""
    if len(means) < rules.min_sources:
        return RoundOutcome(Status.TOO_FEW_SOURCES, 0, accepted, len(means))
    agreement = agreeing_median(means, rules.max_deviation_bps)
    if agreement.agreeing < required_agreeing(len(means), rules.min_sources):
        return RoundOutcome(Status.SOURCES_DIVERGE, 0, accepted, agreement.agreeing)
    candidate = agreement.median
    if not rules.min_price <= candidate <= rules.max_price:
        return RoundOutcome(Status.PRICE_OUT_OF_BOUNDS, candidate, accepted, agreement.agreeing)
    if accepted and deviation_bps(candidate, accepted) > rules.max_move_bps:
        confirmed = previous_candidate and deviation_bps(candidate, previous_candidate) <= rules.max_move_bps
        if not confirmed:
            return RoundOutcome(Status.MOVE_TOO_LARGE, candidate, accepted, agreement.agreeing)
    return RoundOutcome(Status.OK, candidate, candidate, agreement.agreeing)


def seconds_until_due(now: int, updated_at: int, window: int) -> int:
    """How long a keeper should wait before `update()` will run a round (0: it is due now)."""
    return max(0, updated_at + window - now)


def format_usd(price: int, places: int = 6) -> str:
    """An 18-decimal USD amount as text, e.g. ``$0.500000`` (truncated, never rounded up)."""
    sign = "-" if price < 0 else ""
    whole, frac = divmod(abs(price), ONE)
    digits = str(frac).rjust(18, "0")[:places]
    return f"{sign}${whole:,}.{digits}" if places else f"{sign}${whole:,}"
