// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IPriceBook} from "../../interfaces/IPriceBook.sol";

/// @title Rating
/// @notice The price book's rating math, pure and integer-only (mirrored by `synor.pricing.rating`).
/// Every function names its rounding direction. A charge is the exact rational
/// `sum(quantity_i * price_i) / unitSize`, kept as a 512-bit-safe (quotient, remainder) pair per term
/// and rounded up once on the cumulative total, so `chargeUp(new) - chargeUp(old)` over successive
/// cumulatives sums exactly to `chargeUp(total)`. Cards are assumed valid (the PriceBook validates them).
library Rating {
    /// @notice A charge (or a conversion) does not fit in a uint256.
    error Rating_Overflow();

    uint256 internal constant PRICE_SCALE = 1e18;

    /// @notice `a * b / d` rounded down, with the remainder; reverts {Rating_Overflow} when the quotient
    /// does not fit in 256 bits. `d` must not be zero.
    function mulDivDownWithRemainder(uint256 a, uint256 b, uint256 d) internal pure returns (uint256 q, uint256 r) {
        // The quotient fits in 256 bits iff the high word of the 512-bit product is below `d`; the low
        // word is not needed here (mulDiv and mulmod use the full product).
        // slither-disable-next-line unused-return
        (uint256 high,) = Math.mul512(a, b);
        if (high >= d) revert Rating_Overflow();
        q = Math.mulDiv(a, b, d);
        r = mulmod(a, b, d);
    }

    /// @notice `a * b / d` rounded up; reverts {Rating_Overflow} when it does not fit in 256 bits.
    function mulDivUp(uint256 a, uint256 b, uint256 d) internal pure returns (uint256) {
        (uint256 q, uint256 r) = mulDivDownWithRemainder(a, b, d);
        if (r == 0) return q;
        if (q == type(uint256).max) revert Rating_Overflow();
        // q < type(uint256).max was checked on the line above.
        unchecked {
            return q + 1;
        }
    }

    /// @notice The SYNOR (18 decimals) worth `usdAmount` at `usdPerSynor` (18-decimal USD per whole SYNOR, the
    /// oracle's price), rounded up: what settlement charges for a USD-priced slice.
    function synorForUsdUp(uint256 usdAmount, uint256 usdPerSynor) internal pure returns (uint256) {
        return mulDivUp(usdAmount, PRICE_SCALE, usdPerSynor);
    }

    /// @notice The rating of the cumulative quantity `quantity`: its exact charge, rounded up once.
    function chargeUp(IPriceBook.RateCard memory card, uint256 quantity) internal pure returns (uint256) {
        (uint256 q, uint256 r) = card.mode == IPriceBook.TierMode.Graduated
            ? _graduatedDown(card, quantity)
            : _volumeDown(card, quantity);
        if (r == 0) return q;
        if (q == type(uint256).max) revert Rating_Overflow();
        // q < type(uint256).max was checked on the line above.
        unchecked {
            return q + 1;
        }
    }

    /// @notice What the usage between two cumulative quantities costs, `chargeUp(newQ) - chargeUp(oldQ)`
    /// (zero when `newQ <= oldQ`: a lower or repeated cumulative charges nothing), and the quantity of
    /// `(oldQ, newQ]` in each tier.
    function sliceChargeUp(IPriceBook.RateCard memory card, uint256 oldQ, uint256 newQ)
        internal
        pure
        returns (uint256 amount, uint256[8] memory slices)
    {
        if (newQ <= oldQ) return (0, slices);
        uint256 n = card.tiers.length;
        if (n == 1) {
            // One unbounded tier (graduated and volume agree): quantity x price / unitSize, rounded up.
            uint256 price = card.tiers[0].price;
            // newQ > oldQ, so mulDivUp(newQ) >= mulDivUp(oldQ).
            amount = mulDivUp(newQ, price, card.unitSize) - mulDivUp(oldQ, price, card.unitSize);
            slices[0] = newQ - oldQ;
            return (amount, slices);
        }
        // chargeUp is non-decreasing in the quantity (graduated: non-negative terms; volume: running max).
        amount = chargeUp(card, newQ) - chargeUp(card, oldQ);
        uint256 lower = 0;
        for (uint256 i = 0; i < n; ++i) {
            uint256 upper = i + 1 == n ? type(uint256).max : card.tiers[i].upTo;
            if (newQ > lower && oldQ < upper) {
                slices[i] = Math.min(newQ, upper) - Math.max(oldQ, lower);
            }
            lower = upper;
        }
    }

    /// @dev Graduated: sum over tiers of (slice * price) / unitSize, as quotient and remainder.
    function _graduatedDown(IPriceBook.RateCard memory card, uint256 quantity)
        private
        pure
        returns (uint256 q, uint256 r)
    {
        uint256 unit = card.unitSize;
        uint256 n = card.tiers.length;
        uint256 lower = 0;
        for (uint256 i = 0; i < n && quantity > lower; ++i) {
            uint256 upper = i + 1 == n ? type(uint256).max : card.tiers[i].upTo;
            (uint256 tq, uint256 tr) =
                mulDivDownWithRemainder(Math.min(quantity, upper) - lower, card.tiers[i].price, unit);
            if (tq > type(uint256).max - q) revert Rating_Overflow();
            // q + tq fits (checked above); r < n * unit <= 8 * 2^128 cannot overflow.
            unchecked {
                q += tq;
                r += tr;
            }
            lower = upper;
        }
        // Carry whole units of the remainder into the quotient.
        uint256 carry = r / unit;
        if (carry > type(uint256).max - q) revert Rating_Overflow();
        q += carry;
        r %= unit;
    }

    /// @dev Volume, as a running maximum: max(quantity * price of the reached tier,
    /// upTo_j * price_j for every earlier tier j), as quotient and remainder (compared exactly).
    function _volumeDown(IPriceBook.RateCard memory card, uint256 quantity)
        private
        pure
        returns (uint256 q, uint256 r)
    {
        uint256 unit = card.unitSize;
        uint256 n = card.tiers.length;
        for (uint256 i = 0; i < n; ++i) {
            IPriceBook.Tier memory tier = card.tiers[i];
            bool reached = i + 1 == n || quantity <= tier.upTo;
            (uint256 tq, uint256 tr) =
                mulDivDownWithRemainder(reached ? quantity : tier.upTo, tier.price, unit);
            if (tq > q || (tq == q && tr > r)) (q, r) = (tq, tr);
            if (reached) break;
        }
    }
}
