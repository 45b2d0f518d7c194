// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPriceBook} from "../interfaces/IPriceBook.sol";
import {Rating} from "../billing/lib/Rating.sol";

/// @notice Test-only: the Rating library behind batched views, for the differential test against
/// `synor.pricing.rating` (thousands of cases in a few calls).
contract RatingHarness {
    /// @notice {rateSequence} for many cards at once.
    function rateMany(
        IPriceBook.RateCard[] calldata cards,
        uint256[][] calldata cumulatives,
        uint256[] calldata usdPerSynor
    ) external pure returns (uint256[][] memory charges, uint256[][] memory steps, uint256[][] memory converted) {
        uint256 n = cards.length;
        charges = new uint256[][](n);
        steps = new uint256[][](n);
        converted = new uint256[][](n);
        for (uint256 i = 0; i < n; ++i) {
            (charges[i], steps[i], converted[i]) = rateSequence(cards[i], cumulatives[i], usdPerSynor[i]);
        }
    }

    /// @notice Rates each cumulative of a sequence with `card`, and each step's slice charge; USD charges
    /// are also converted to SYNOR at `usdPerSynor` (USD per SYNOR), rounded up. Reverting cases revert the whole call.
    function rateSequence(IPriceBook.RateCard calldata card, uint256[] calldata cumulatives, uint256 usdPerSynor)
        public
        pure
        returns (uint256[] memory charges, uint256[] memory steps, uint256[] memory converted)
    {
        uint256 n = cumulatives.length;
        charges = new uint256[](n);
        steps = new uint256[](n);
        converted = new uint256[](n);
        uint256 previous = 0;
        for (uint256 i = 0; i < n; ++i) {
            charges[i] = Rating.chargeUp(card, cumulatives[i]);
            (steps[i],) = Rating.sliceChargeUp(card, previous, cumulatives[i]);
            converted[i] = Rating.synorForUsdUp(charges[i], usdPerSynor);
            if (cumulatives[i] > previous) previous = cumulatives[i];
        }
    }

    /// @notice One slice charge and its per-tier quantities.
    function slice(IPriceBook.RateCard calldata card, uint256 oldQ, uint256 newQ)
        external
        pure
        returns (uint256 amount, uint256[8] memory slices)
    {
        return Rating.sliceChargeUp(card, oldQ, newQ);
    }
}
