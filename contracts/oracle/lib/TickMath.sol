// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title TickMath
/// @notice The Q64.96 square-root price of a Uniswap V3 tick: sqrt(1.0001^tick) * 2^96, bit for bit
/// the value real V3 pools use for the tick (so a pool initialised at it reports that tick).
/// @dev Written from the mathematics, not ported: sqrt(1.0001)^-|tick| is a product of one factor
/// sqrt(1.0001)^-(2^i) for each set bit i of |tick| (binary exponentiation). Each factor is a Q128.128
/// constant R_i = round(2^128 / sqrt(1.0001)^(2^i)), derived exactly (integer arithmetic on the
/// fractions (10000/10001)^(2^i)) by `tools/tickmath_constants.py`, which also checks that this file
/// holds them. Multiplying from the lowest bit up and truncating each product to Q128.128 keeps every
/// intermediate below 2^128; a positive tick is the reciprocal of its negative; the Q128.128 result
/// is rounded up to Q64.96. The result is within one unit plus 2^-64 of the exact value (fuzzed in
/// tests/forge/OracleMath.t.sol against exact values computed in Python).
library TickMath {
    /// @notice The tick is outside [MIN_TICK, MAX_TICK].
    error TickMath_TickOutOfRange(int24 tick);

    /// @dev The lowest tick V3 allows: the smallest t with 1.0001^t >= 2^-128.
    int24 internal constant MIN_TICK = -887272;
    /// @dev The highest tick V3 allows: the largest t with 1.0001^t <= 2^128.
    int24 internal constant MAX_TICK = 887272;

    /// @dev `getSqrtRatioAtTick(MIN_TICK)`.
    uint160 internal constant MIN_SQRT_RATIO = 4295128739;
    /// @dev `getSqrtRatioAtTick(MAX_TICK)`.
    uint160 internal constant MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342;

    // R_i = round(2^128 / sqrt(1.0001)^(2^i)) for i = 0..19 (|tick| < 2^20); see tools/tickmath_constants.py.
    uint256 private constant R0 = 0xfffcb933bd6fad37aa2d162d1a594001;
    uint256 private constant R1 = 0xfff97272373d413259a46990580e213a;
    uint256 private constant R2 = 0xfff2e50f5f656932ef12357cf3c7fdcc;
    uint256 private constant R3 = 0xffe5caca7e10e4e61c3624eaa0941cd0;
    uint256 private constant R4 = 0xffcb9843d60f6159c9db58835c926644;
    uint256 private constant R5 = 0xff973b41fa98c081472e6896dfb254c0;
    uint256 private constant R6 = 0xff2ea16466c96a3843ec78b326b52861;
    uint256 private constant R7 = 0xfe5dee046a99a2a811c461f1969c3053;
    uint256 private constant R8 = 0xfcbe86c7900a88aedcffc83b479aa3a4;
    uint256 private constant R9 = 0xf987a7253ac413176f2b074cf7815e54;
    uint256 private constant R10 = 0xf3392b0822b70005940c7a398e4b70f3;
    uint256 private constant R11 = 0xe7159475a2c29b7443b29c7fa6e889d9;
    uint256 private constant R12 = 0xd097f3bdfd2022b8845ad8f792aa5825;
    uint256 private constant R13 = 0xa9f746462d870fdf8a65dc1f90e061e5;
    uint256 private constant R14 = 0x70d869a156d2a1b890bb3df62baf32f7;
    uint256 private constant R15 = 0x31be135f97d08fd981231505542fcfa6;
    uint256 private constant R16 = 0x9aa508b5b7a84e1c677de54f3e99bc9;
    uint256 private constant R17 = 0x5d6af8dedb81196699c329225ee604;
    uint256 private constant R18 = 0x2216e584f5fa1ea926041bedfe98;
    uint256 private constant R19 = 0x48a170391f7dc42444e8fa2;

    /// @notice sqrt(1.0001^tick) * 2^96, as a Q64.96 number.
    /// @param tick The tick, within [MIN_TICK, MAX_TICK].
    /// @return sqrtPriceX96 sqrt(token1/token0) at `tick`, Q64.96.
    function getSqrtRatioAtTick(int24 tick) internal pure returns (uint160 sqrtPriceX96) {
        if (tick < MIN_TICK || tick > MAX_TICK) revert TickMath_TickOutOfRange(tick);
        // Unchecked: n = |tick| < 2^20; r starts at or below 2^128 and every R_i is below 2^128, so each
        // product is below 2^256 and each truncated result stays at or below 2^128; r > 0 throughout
        // (the smallest possible product is about 2^64), so the reciprocal's division is defined.
        unchecked {
            uint256 n = uint256(tick < 0 ? -int256(tick) : int256(tick));
            // r = 2^128 * sqrt(1.0001)^-n as Q128.128, one factor per set bit of n.
            uint256 r = n & 0x1 != 0 ? R0 : 1 << 128;
            if (n & 0x2 != 0) r = (r * R1) >> 128;
            if (n & 0x4 != 0) r = (r * R2) >> 128;
            if (n & 0x8 != 0) r = (r * R3) >> 128;
            if (n & 0x10 != 0) r = (r * R4) >> 128;
            if (n & 0x20 != 0) r = (r * R5) >> 128;
            if (n & 0x40 != 0) r = (r * R6) >> 128;
            if (n & 0x80 != 0) r = (r * R7) >> 128;
            if (n & 0x100 != 0) r = (r * R8) >> 128;
            if (n & 0x200 != 0) r = (r * R9) >> 128;
            if (n & 0x400 != 0) r = (r * R10) >> 128;
            if (n & 0x800 != 0) r = (r * R11) >> 128;
            if (n & 0x1000 != 0) r = (r * R12) >> 128;
            if (n & 0x2000 != 0) r = (r * R13) >> 128;
            if (n & 0x4000 != 0) r = (r * R14) >> 128;
            if (n & 0x8000 != 0) r = (r * R15) >> 128;
            if (n & 0x10000 != 0) r = (r * R16) >> 128;
            if (n & 0x20000 != 0) r = (r * R17) >> 128;
            if (n & 0x40000 != 0) r = (r * R18) >> 128;
            if (n & 0x80000 != 0) r = (r * R19) >> 128;
            // sqrt(1.0001)^n = 1 / sqrt(1.0001)^-n: in Q128.128, (2^256 - 1) / r.
            // slither-disable-next-line divide-before-multiply (no multiplication follows)
            if (tick > 0) r = type(uint256).max / r;
            // Q128.128 -> Q64.96, rounded up.
            sqrtPriceX96 = uint160((r >> 32) + (r & 0xffffffff == 0 ? 0 : 1));
        }
    }
}
