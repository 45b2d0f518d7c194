// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {TestBase} from "./utils/Vm.sol";
import {OracleMath} from "../../contracts/oracle/lib/OracleMath.sol";
import {TickMath} from "../../contracts/oracle/lib/TickMath.sol";
import {TickMathReference, TICK_REFERENCE_COUNT} from "./TickMathReference.sol";

/// @notice Fuzz tests of the oracle's conversion math (rounding directions, fast and slow paths agree),
/// its median and deviation helpers, and TickMath: range, monotonicity, and closeness to the exact
/// value (a table computed exactly in Python by tools/tickmath_constants.py).
contract OracleMathFuzzTest is TestBase {
    uint256 internal constant MAX_PRICE = type(uint128).max;

    function _unit(uint256 decimals) internal pure returns (uint256) {
        return 10 ** bound(decimals, 0, 36);
    }

    function testFuzz_usdToTokenRoundsUpExactly(uint256 amountUsd, uint256 price, uint256 decimals) public pure {
        amountUsd = bound(amountUsd, 0, type(uint128).max);
        price = bound(price, 1, MAX_PRICE);
        uint256 unit = _unit(decimals);
        uint256 tokens = OracleMath.usdToToken(amountUsd, price, unit);
        // amountUsd * unit < 2^248 and tokens * price <= amountUsd * unit + price, so nothing overflows.
        assertGe(tokens * price, amountUsd * unit, "tokens cover the amount");
        if (tokens > 0) assertTrue((tokens - 1) * price < amountUsd * unit, "and are the fewest that do");
    }

    function testFuzz_usdToTokenFastPathMatchesMulDiv(uint256 amountUsd, uint256 price, uint256 decimals) public pure {
        price = bound(price, 1, MAX_PRICE);
        uint256 unit = _unit(decimals);
        amountUsd = bound(amountUsd, 0, type(uint256).max / unit);
        assertEq(
            OracleMath.usdToToken(amountUsd, price, unit),
            Math.mulDiv(amountUsd, unit, price, Math.Rounding.Ceil),
            "same as a 512-bit ceil mulDiv"
        );
    }

    function testFuzz_tokenToUsdRoundsDownExactly(uint256 amount, uint256 price, uint256 decimals) public pure {
        amount = bound(amount, 0, type(uint128).max);
        price = bound(price, 1, MAX_PRICE);
        uint256 unit = _unit(decimals);
        uint256 usd = OracleMath.tokenToUsd(amount, price, unit);
        assertLe(usd * unit, amount * price, "never more than the tokens are worth");
        assertTrue((usd + 1) * unit > amount * price, "and the most that is not");
    }

    function testFuzz_tokenToUsdSlowPathMatchesMulDiv(uint256 amount, uint256 price, uint256 decimals) public pure {
        price = bound(price, 1, MAX_PRICE);
        uint256 unit = _unit(decimals);
        amount = bound(amount, 0, type(uint256).max / price);
        assertEq(OracleMath.tokenToUsd(amount, price, unit), Math.mulDiv(amount, price, unit), "same as mulDiv");
    }

    function testFuzz_convertingBackNeverLosesThePayee(uint256 amountUsd, uint256 price, uint256 decimals) public pure {
        amountUsd = bound(amountUsd, 0, type(uint96).max);
        price = bound(price, 1, MAX_PRICE);
        uint256 unit = _unit(decimals);
        uint256 tokens = OracleMath.usdToToken(amountUsd, price, unit);
        assertGe(OracleMath.tokenToUsd(tokens, price, unit), amountUsd, "tokens charged are worth the amount");
    }

    function testFuzz_deviationBpsRoundsUp(uint256 a, uint256 b) public pure {
        a = bound(a, 0, type(uint256).max / 10_000);
        b = bound(b, 1, type(uint256).max);
        uint256 d = OracleMath.deviationBps(a, b);
        uint256 diff = a > b ? a - b : b - a;
        assertEq(d, Math.mulDiv(diff, 10_000, b, Math.Rounding.Ceil), "ceil(|a-b| * 1e4 / b)");
    }

    function testFuzz_intervalDeviationIsTheNearerEndsDeviation(uint256 low, uint256 width, uint256 ref) public pure {
        low = bound(low, 0, type(uint128).max);
        uint256 high = low + bound(width, 0, type(uint128).max);
        ref = bound(ref, 1, type(uint128).max);
        uint256 d = OracleMath.intervalDeviationBps(low, high, ref);
        if (low <= ref && ref <= high) assertEq(d, 0, "contains the reference");
        else if (high < ref) assertEq(d, OracleMath.deviationBps(high, ref), "below: the high end");
        else assertEq(d, OracleMath.deviationBps(low, ref), "above: the low end");
        assertLe(d, OracleMath.deviationBps(low, ref), "never farther than the low end");
        assertLe(d, OracleMath.deviationBps(high, ref), "never farther than the high end");
    }

    function testFuzz_sortAndMedian(uint256[8] memory raw, uint256 n) public pure {
        n = bound(n, 1, 8);
        uint256[] memory values = new uint256[](n);
        uint256 sum;
        for (uint256 i; i < n; ++i) {
            values[i] = bound(raw[i], 0, type(uint128).max);
            sum += values[i];
        }
        OracleMath.sort(values, n);
        uint256 sortedSum;
        for (uint256 i; i < n; ++i) {
            sortedSum += values[i];
            if (i > 0) assertLe(values[i - 1], values[i], "sorted");
        }
        assertEq(sortedSum, sum, "a permutation");
        uint256 median = OracleMath.medianOf(values, 0, n);
        assertGe(median, values[(n - 1) / 2], "median >= lower middle");
        assertLe(median, values[n / 2], "median <= upper middle");
    }

    function testFuzz_tickMathIsMonotonicAndInRange(int24 a, int24 b) public pure {
        a = int24(int256(bound(uint256(int256(a) + 887272), 0, 2 * 887272)) - 887272);
        b = int24(int256(bound(uint256(int256(b) + 887272), 0, 2 * 887272)) - 887272);
        uint160 sa = TickMath.getSqrtRatioAtTick(a);
        uint160 sb = TickMath.getSqrtRatioAtTick(b);
        assertGe(sa, TickMath.MIN_SQRT_RATIO, "above the minimum");
        assertLe(sa, TickMath.MAX_SQRT_RATIO, "below the maximum");
        if (a < b) assertTrue(sa < sb, "strictly increasing");
        if (a == b) assertEq(sa, sb, "deterministic");
    }

    function testFuzz_priceAtSqrtIsMonotonicInBothOrders(uint160 x, uint160 y) public pure {
        x = uint160(bound(x, TickMath.MIN_SQRT_RATIO, TickMath.MAX_SQRT_RATIO));
        y = uint160(bound(y, x, TickMath.MAX_SQRT_RATIO));
        uint256 scale = 1e30;
        assertLe(OracleMath.priceAtSqrt(x, true, scale), OracleMath.priceAtSqrt(y, true, scale), "token0 rises");
        assertGe(OracleMath.priceAtSqrt(x, false, scale), OracleMath.priceAtSqrt(y, false, scale), "token1 falls");
    }

    /// @dev TickMath(t) against floor(sqrt(1.0001^t) * 2^96) computed exactly: within one unit plus 2^-64
    /// of it (the reciprocal taken for positive ticks loses that much).
    function testFuzz_tickMathIsCloseToTheExactValue(uint256 index) public pure {
        int256[2][TICK_REFERENCE_COUNT] memory table = TickMathReference.table();
        int256[2] memory row = table[bound(index, 0, TICK_REFERENCE_COUNT - 1)];
        uint256 exact = uint256(row[1]);
        uint256 got = TickMath.getSqrtRatioAtTick(int24(row[0]));
        assertGe(got + 1 + (exact >> 64), exact, "not below: within one unit and 2^-64");
        assertLe(got, exact + 1 + (exact >> 64), "not above: within one unit and 2^-64");
    }

    function test_tickMathIsCloseToTheExactValueAtEveryReferenceTick() public pure {
        int256[2][TICK_REFERENCE_COUNT] memory table = TickMathReference.table();
        for (uint256 i; i < TICK_REFERENCE_COUNT; ++i) {
            uint256 exact = uint256(table[i][1]);
            uint256 got = TickMath.getSqrtRatioAtTick(int24(table[i][0]));
            assertGe(got + 1 + (exact >> 64), exact, "not below: within one unit and 2^-64");
            assertLe(got, exact + 1 + (exact >> 64), "not above: within one unit and 2^-64");
        }
    }

    /// @dev Neighbouring ticks differ by a factor sqrt(1.0001): s(t+1)^2 * 10000 and s(t)^2 * 10001 agree
    /// to within 2^-60 relative (compared as 512-bit products through mulDiv).
    function testFuzz_tickMathStepsBySqrtOnePointZeroZeroOne(int24 t) public pure {
        t = int24(int256(bound(uint256(int256(t) + 887272), 0, 2 * 887272 - 1)) - 887272);
        uint256 a = TickMath.getSqrtRatioAtTick(t);
        uint256 b = TickMath.getSqrtRatioAtTick(t + 1);
        // b^2 * 10000 / a^2 vs 10001, scaled by 2^60: |ratio - 10001| * 2^60 <= 10001 (+ rounding).
        uint256 ratioX60 = Math.mulDiv(Math.mulDiv(b, b, a), 10_000 << 60, a);
        uint256 target = uint256(10_001) << 60;
        uint256 diff = ratioX60 > target ? ratioX60 - target : target - ratioX60;
        // Near the lowest ticks s(t) is only ~2^32, so one unit of rounding is ~2^-32 relative there.
        uint256 tolerance = a < (1 << 96) ? (target >> 28) : (target >> 58);
        assertLe(diff, tolerance, "consecutive ticks differ by sqrt(1.0001)");
    }

    function test_tickMathKnownValues() public pure {
        assertEq(TickMath.getSqrtRatioAtTick(0), 1 << 96, "tick 0 is price 1");
        assertEq(TickMath.getSqrtRatioAtTick(TickMath.MIN_TICK), TickMath.MIN_SQRT_RATIO, "min");
        assertEq(TickMath.getSqrtRatioAtTick(TickMath.MAX_TICK), TickMath.MAX_SQRT_RATIO, "max");
        // Uniswap v3-core's own test vector: tick 50 -> 79426470787362580746886972461.
        assertEq(TickMath.getSqrtRatioAtTick(50), 79426470787362580746886972461, "tick 50");
    }
}
