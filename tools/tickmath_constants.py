"""Derives the constants of contracts/oracle/lib/TickMath.sol from the mathematics, exactly.

Uniswap V3 prices a tick t at 1.0001^t, and pools store sqrt(price) as a Q64.96 number:
sqrt(1.0001^t) * 2^96. TickMath computes it by binary exponentiation: for |t| = sum of 2^i over its
set bits, sqrt(1.0001)^-|t| is the product of the factors sqrt(1.0001)^-(2^i), each kept as a Q128.128
number R_i = round(2^128 * (10000/10001)^(2^(i-1))) (nearest integer; i = 0..19 since |t| < 2^20).

Everything here is exact integer arithmetic: (10000/10001)^(2^i) is a fraction of two integers with up
to 7 million bits, and the nearest integer to sqrt(y) for a rational y is decided by comparing
4y with (2k+1)^2, no floating point and no truncated series anywhere.

Usage:
    python tools/tickmath_constants.py            # print the 20 constants as Solidity hex
    python tools/tickmath_constants.py --check    # also check TickMath.sol and synor.oracle.twap use them
    python tools/tickmath_constants.py --reference N   # N (tick, floor(sqrt(1.0001^tick) * 2^96)) pairs
"""

from __future__ import annotations

import random
import re
import sys
from math import isqrt
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BITS = 20  # 887272 < 2^20
MIN_TICK, MAX_TICK = -887272, 887272


def nearest_sqrt_of_fraction(num: int, den: int) -> int:
    """The integer nearest to sqrt(num / den) (num, den > 0), exactly."""
    k = isqrt(num // den)  # floor(sqrt(floor(y))) == floor(sqrt(y))
    # sqrt(y) >= k + 1/2  <=>  4 * num >= (2k + 1)^2 * den
    return k + 1 if 4 * num >= (2 * k + 1) ** 2 * den else k


def factor(i: int) -> int:
    """R_i = round(2^128 / sqrt(1.0001)^(2^i)) = round(sqrt(2^256 * (10000/10001)^(2^i)))."""
    m = 1 << i
    return nearest_sqrt_of_fraction(10_000**m << 256, 10_001**m)


def factors() -> list[int]:
    return [factor(i) for i in range(BITS)]


def sqrt_ratio_floor(tick: int) -> int:
    """floor(sqrt(1.0001^tick) * 2^96), exactly (slow for large |tick|: 10001^|tick| has 13.3 bits a tick)."""
    if tick >= 0:
        return isqrt((10_001**tick << 192) // 10_000**tick)
    return isqrt((10_000 ** (-tick) << 192) // 10_001 ** (-tick))


def _solidity_constants() -> list[int]:
    text = (ROOT / "contracts/oracle/lib/TickMath.sol").read_text()
    return [int(h, 16) for h in re.findall(r"uint256 private constant R\d+ = (0x[0-9a-fA-F]+);", text)]


def main(argv: list[str]) -> int:
    values = factors()
    for i, value in enumerate(values):
        print(f"R{i} = {value:#x}")
    if "--check" in argv:
        sys.path.insert(0, str(ROOT / "offchain"))
        from synor.oracle import twap

        ok = _solidity_constants() == values and list(twap.TICK_FACTORS) == values
        print("TickMath.sol and synor.oracle.twap match" if ok else "MISMATCH")
        return 0 if ok else 1
    if "--reference" in argv:
        count = int(argv[argv.index("--reference") + 1])
        rng = random.Random(7)
        ticks = [0, 1, -1, 50, -50, MIN_TICK, MAX_TICK] + [rng.randint(-20_000, 20_000) for _ in range(count)]
        for tick in ticks:
            print(tick, sqrt_ratio_floor(tick))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
