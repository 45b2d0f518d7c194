// SPDX-License-Identifier: GPL-2.0-or-later
pragma solidity 0.8.30;

/// @title TickMath (0.8 port of the tick -> sqrt price half)
/// @notice A faithful Solidity 0.8 port of `getSqrtRatioAtTick` from Uniswap v3-core 1.0.1
/// (`contracts/libraries/TickMath.sol`, GPL-2.0-or-later, © Uniswap Labs). The constants and the
/// bit-by-bit product are unchanged; only the 0.7-isms are adapted: the arithmetic is wrapped in
/// `unchecked` (0.7 had no overflow checks) and the tick's absolute value is built with an explicit
/// int256 -> uint256 conversion. Tested against the real v3 pool's `slot0` in the oracle tests.
library TickMath {
    /// @notice The tick is outside [MIN_TICK, MAX_TICK].
    error TickMath_TickOutOfRange(int24 tick);

    /// @dev The minimum tick that may be passed to `getSqrtRatioAtTick` (log base 1.0001 of 2**-128).
    int24 internal constant MIN_TICK = -887272;
    /// @dev The maximum tick that may be passed to `getSqrtRatioAtTick` (log base 1.0001 of 2**128).
    int24 internal constant MAX_TICK = -MIN_TICK;

    /// @dev `getSqrtRatioAtTick(MIN_TICK)`.
    uint160 internal constant MIN_SQRT_RATIO = 4295128739;
    /// @dev `getSqrtRatioAtTick(MAX_TICK)`.
    uint160 internal constant MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342;

    /// @notice sqrt(1.0001^tick) * 2^96, as a Q64.96 number.
    /// @param tick The tick, within [MIN_TICK, MAX_TICK].
    /// @return sqrtPriceX96 sqrt(token1/token0) at `tick`, Q64.96.
    function getSqrtRatioAtTick(int24 tick) internal pure returns (uint160 sqrtPriceX96) {
        if (tick < MIN_TICK || tick > MAX_TICK) revert TickMath_TickOutOfRange(tick);
        // Unchecked as in the original (0.7): |tick| <= 887272 < 2^20 so every factor below is a
        // Q128.128 number < 2^128 and each product of two of them fits in 256 bits before the shift;
        // `type(uint256).max / ratio` cannot divide by zero because ratio > 0.
        unchecked {
            uint256 absTick = tick < 0 ? uint256(-int256(tick)) : uint256(int256(tick));

            uint256 ratio =
                absTick & 0x1 != 0 ? 0xfffcb933bd6fad37aa2d162d1a594001 : 0x100000000000000000000000000000000;
            if (absTick & 0x2 != 0) ratio = (ratio * 0xfff97272373d413259a46990580e213a) >> 128;
            if (absTick & 0x4 != 0) ratio = (ratio * 0xfff2e50f5f656932ef12357cf3c7fdcc) >> 128;
            if (absTick & 0x8 != 0) ratio = (ratio * 0xffe5caca7e10e4e61c3624eaa0941cd0) >> 128;
            if (absTick & 0x10 != 0) ratio = (ratio * 0xffcb9843d60f6159c9db58835c926644) >> 128;
            if (absTick & 0x20 != 0) ratio = (ratio * 0xff973b41fa98c081472e6896dfb254c0) >> 128;
            if (absTick & 0x40 != 0) ratio = (ratio * 0xff2ea16466c96a3843ec78b326b52861) >> 128;
            if (absTick & 0x80 != 0) ratio = (ratio * 0xfe5dee046a99a2a811c461f1969c3053) >> 128;
            if (absTick & 0x100 != 0) ratio = (ratio * 0xfcbe86c7900a88aedcffc83b479aa3a4) >> 128;
            if (absTick & 0x200 != 0) ratio = (ratio * 0xf987a7253ac413176f2b074cf7815e54) >> 128;
            if (absTick & 0x400 != 0) ratio = (ratio * 0xf3392b0822b70005940c7a398e4b70f3) >> 128;
            if (absTick & 0x800 != 0) ratio = (ratio * 0xe7159475a2c29b7443b29c7fa6e889d9) >> 128;
            if (absTick & 0x1000 != 0) ratio = (ratio * 0xd097f3bdfd2022b8845ad8f792aa5825) >> 128;
            if (absTick & 0x2000 != 0) ratio = (ratio * 0xa9f746462d870fdf8a65dc1f90e061e5) >> 128;
            if (absTick & 0x4000 != 0) ratio = (ratio * 0x70d869a156d2a1b890bb3df62baf32f7) >> 128;
            if (absTick & 0x8000 != 0) ratio = (ratio * 0x31be135f97d08fd981231505542fcfa6) >> 128;
            if (absTick & 0x10000 != 0) ratio = (ratio * 0x9aa508b5b7a84e1c677de54f3e99bc9) >> 128;
            if (absTick & 0x20000 != 0) ratio = (ratio * 0x5d6af8dedb81196699c329225ee604) >> 128;
            if (absTick & 0x40000 != 0) ratio = (ratio * 0x2216e584f5fa1ea926041bedfe98) >> 128;
            if (absTick & 0x80000 != 0) ratio = (ratio * 0x48a170391f7dc42444e8fa2) >> 128;

            // Upstream's inversion for positive ticks (the product above is for |tick|).
            // slither-disable-next-line divide-before-multiply
            if (tick > 0) ratio = type(uint256).max / ratio;

            // Q128.128 -> Q128.96, rounding up so that getTickAtSqrtRatio(result) == tick (as upstream).
            sqrtPriceX96 = uint160((ratio >> 32) + (ratio % (1 << 32) == 0 ? 0 : 1));
        }
    }
}
