// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title RewardAccumulator
/// @notice A reward-per-weight accumulator: credits an amount to every member of a weighted set in O(1),
/// whatever the number of members. Used by the fee splitter (operators, validators), the staking contract
/// (stakers) and, next, the prepaid escrow.
/// @dev Rounding, exactly:
/// - `credit` adds `floor((amount * PRECISION + carry) / totalWeight)` to `perWeight` and keeps the division
///   remainder in `carry` (< totalWeight), folded into the next credit: over any sequence of credits,
///   `sum(totalWeight_k * increment_k) = PRECISION * sum(amount_k) - carry`, so nothing is lost to division
///   and nothing is created.
/// - `earned` pays `floor(weight * (perWeightNow - perWeightPaid) / PRECISION)`: payouts round down, and the
///   members of a set are together never paid more than was credited; what rounding leaves (under one base
///   unit per member per settlement) stays with the user contract.
/// - A credit to a set with no weight changes nothing and returns false: the caller keeps the amount
///   (queued, streamed, ...) instead of stranding it.
/// A member's weight must not change between two settlements: settle it (at the old weight) first.
library RewardAccumulator {
    /// @notice Fixed-point scale of `perWeight` (reward base units per unit of weight, times 1e36).
    uint256 internal constant PRECISION = 1e36;

    /// @notice One reward token's accumulator over one weighted set.
    struct State {
        uint256 perWeight; // reward per unit of weight since the start, scaled by PRECISION
        uint256 carry; // remainder of the last division, in (base units * PRECISION), < the last total weight
    }

    /// @notice Credits `amount` to a set of `totalWeight`; returns false (and changes nothing) when either is zero.
    function credit(State storage self, uint256 amount, uint256 totalWeight) internal returns (bool) {
        if (amount == 0 || totalWeight == 0) return false;
        uint256 numerator = amount * PRECISION + self.carry;
        self.perWeight += numerator / totalWeight;
        self.carry = numerator % totalWeight;
        return true;
    }

    /// @notice `credit` on values, for a user contract that packs the accumulator with its own fields: the
    /// accumulator `(perWeight, carry)` after crediting `amount` to a set of `totalWeight`, unchanged when
    /// either is zero. The returned carry is below `totalWeight` (or the given carry when nothing was credited).
    function credited(uint256 perWeight, uint256 carry, uint256 amount, uint256 totalWeight)
        internal
        pure
        returns (uint256, uint256)
    {
        if (amount == 0 || totalWeight == 0) return (perWeight, carry);
        uint256 numerator = amount * PRECISION + carry;
        return (perWeight + numerator / totalWeight, numerator % totalWeight);
    }

    /// @notice What `perWeight` would be after `credit(amount, totalWeight)`, without writing.
    function previewPerWeight(State storage self, uint256 amount, uint256 totalWeight)
        internal
        view
        returns (uint256)
    {
        if (amount == 0 || totalWeight == 0) return self.perWeight;
        return self.perWeight + (amount * PRECISION + self.carry) / totalWeight;
    }

    /// @notice What a member of `weight` earned while the accumulator went from `perWeightPaid` to
    /// `perWeightNow`, rounded down.
    function earned(uint256 weight, uint256 perWeightNow, uint256 perWeightPaid) internal pure returns (uint256) {
        return Math.mulDiv(weight, perWeightNow - perWeightPaid, PRECISION);
    }

    /// @notice Marks `member` (of `weight` since it was last settled) settled at the current accumulator and
    /// returns what it earned since; the caller credits that to the member's balance.
    /// @param paid The accumulator value at each member's last settlement.
    function settle(State storage self, mapping(address => uint256) storage paid, address member, uint256 weight)
        internal
        returns (uint256 amount)
    {
        return settleAt(paid, member, weight, self.perWeight);
    }

    /// @notice `settle` at an accumulator value `perWeight` the caller has already read (or just computed):
    /// marks `member` settled at it and returns what it earned since its last settlement.
    function settleAt(mapping(address => uint256) storage paid, address member, uint256 weight, uint256 perWeight)
        internal
        returns (uint256 amount)
    {
        uint256 last = paid[member];
        // Already settled: no write. The accumulator only grows, so equality is exact.
        // slither-disable-next-line incorrect-equality
        if (perWeight == last) return 0;
        paid[member] = perWeight;
        return earned(weight, perWeight, last);
    }

    /// @notice What `member` of `weight` would earn by settling at accumulator value `perWeightNow`.
    function pending(mapping(address => uint256) storage paid, address member, uint256 weight, uint256 perWeightNow)
        internal
        view
        returns (uint256)
    {
        return earned(weight, perWeightNow, paid[member]);
    }
}
