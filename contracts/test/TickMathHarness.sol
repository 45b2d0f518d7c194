// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TickMath} from "../oracle/lib/TickMath.sol";

/// @notice Exposes TickMath so tests can check it against real Uniswap V3 pools.
contract TickMathHarness {
    function getSqrtRatioAtTick(int24 tick) external pure returns (uint160) {
        return TickMath.getSqrtRatioAtTick(tick);
    }
}
