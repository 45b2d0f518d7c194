// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title OracleMath
/// @notice The oracle's conversions and price arithmetic, separate so they can be fuzzed alone.
/// Prices are 18-decimal USD per whole token; USD amounts are 18-decimal.
library OracleMath {
    uint256 internal constant BPS = 10_000;

    /// @notice Token base units worth `amountUsd` at `price`, rounded up (the payer never pays less).
    /// @param tokenUnit 10**tokenDecimals.
    /// @dev Requires tokenUnit < 2^128 and price > 0 (the oracle guarantees both).
    function usdToToken(uint256 amountUsd, uint256 price, uint256 tokenUnit) internal pure returns (uint256) {
        if (amountUsd >> 128 == 0) {
            // Both factors are below 2^128, so the product fits; price > 0, so the division is defined.
            unchecked {
                uint256 product = amountUsd * tokenUnit;
                return product / price + (product % price == 0 ? 0 : 1);
            }
        }
        return Math.mulDiv(amountUsd, tokenUnit, price, Math.Rounding.Ceil);
    }

    /// @notice USD worth `amount` token base units at `price`, rounded down.
    /// @dev Requires price < 2^128 and tokenUnit > 0 (the oracle guarantees both).
    function tokenToUsd(uint256 amount, uint256 price, uint256 tokenUnit) internal pure returns (uint256) {
        if (amount >> 128 == 0) {
            // Both factors are below 2^128, so the product fits; tokenUnit > 0.
            unchecked {
                return amount * price / tokenUnit;
            }
        }
        return Math.mulDiv(amount, price, tokenUnit);
    }

    /// @notice 18-decimal USD per whole token from a Q64.96 sqrt(token1/token0) price, as Uniswap's
    /// OracleLibrary.getQuoteAtTick does it (no intermediate overflow for any valid sqrt price).
    /// @param tokenIsToken0 Whether the priced token is token0 (then the price is token1/token0).
    /// @param scale 10**(18 + tokenDecimals - quoteDecimals).
    function priceAtSqrt(uint160 sqrtPriceX96, bool tokenIsToken0, uint256 scale) internal pure returns (uint256) {
        if (sqrtPriceX96 <= type(uint128).max) {
            uint256 ratioX192 = uint256(sqrtPriceX96) * sqrtPriceX96;
            return tokenIsToken0 ? Math.mulDiv(ratioX192, scale, 1 << 192) : Math.mulDiv(1 << 192, scale, ratioX192);
        }
        uint256 ratioX128 = Math.mulDiv(sqrtPriceX96, sqrtPriceX96, 1 << 64);
        return tokenIsToken0 ? Math.mulDiv(ratioX128, scale, 1 << 128) : Math.mulDiv(1 << 128, scale, ratioX128);
    }

    /// @notice |a - b| / b in basis points, rounded up (b > 0).
    function deviationBps(uint256 a, uint256 b) internal pure returns (uint256) {
        uint256 diff = a > b ? a - b : b - a;
        if (diff >> 128 == 0) {
            // diff < 2^128, so diff * BPS < 2^142 fits; b > 0, so division and modulo are defined.
            unchecked {
                uint256 scaled = diff * BPS;
                return scaled / b + (scaled % b == 0 ? 0 : 1);
            }
        }
        return Math.mulDiv(diff, BPS, b, Math.Rounding.Ceil);
    }

    /// @notice How far the interval [low, high] lies from `ref`, in basis points of `ref`, rounded up:
    /// 0 when it contains `ref`, else the deviation of its nearer end (ref > 0, low <= high).
    function intervalDeviationBps(uint256 low, uint256 high, uint256 ref) internal pure returns (uint256) {
        if (high < ref) return deviationBps(high, ref);
        if (low > ref) return deviationBps(low, ref);
        return 0;
    }

    /// @notice The median of `sorted[from:to]` (the mean of the middle two, rounded down, for an even count).
    function medianOf(uint256[] memory sorted, uint256 from, uint256 to) internal pure returns (uint256) {
        uint256 n = to - from;
        uint256 mid = from + n / 2;
        return n % 2 == 1 ? sorted[mid] : Math.average(sorted[mid - 1], sorted[mid]);
    }

    /// @notice Sorts `values[0:n]` ascending in place (insertion sort: n is small; at most the length).
    function sort(uint256[] memory values, uint256 n) internal pure {
        if (n > values.length) n = values.length;
        // Insertion sort on the array's words in memory, without per-access bounds checks: every index
        // used lies in [0, n) with n <= values.length, and only existing words are written.
        assembly ("memory-safe") {
            let base := add(values, 0x20)
            for { let i := 1 } lt(i, n) { i := add(i, 1) } {
                let v := mload(add(base, shl(5, i)))
                let slot := add(base, shl(5, i))
                for {} gt(slot, base) {} {
                    let prev := mload(sub(slot, 0x20))
                    if iszero(gt(prev, v)) { break }
                    mstore(slot, prev)
                    slot := sub(slot, 0x20)
                }
                mstore(slot, v)
            }
        }
    }
}
