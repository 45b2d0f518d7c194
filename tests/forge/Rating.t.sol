// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {TestBase} from "./utils/Vm.sol";
import {IPriceBook} from "../../contracts/interfaces/IPriceBook.sol";
import {Rating} from "../../contracts/billing/lib/Rating.sol";

/// @notice Fuzz tests of the rating library: charges never fall as the cumulative grows, successive
/// slices sum exactly to the rating of the total, the rating is the exact charge rounded up once, and
/// what does not fit in 256 bits reverts with the library's named error.
contract RatingFuzzTest is TestBase {
    uint256 internal constant MAX_QUANTITY = 2 ** 160; // with prices < 2^80: numerators < 2^243, no overflow
    uint256 internal constant MAX_PRICE = 2 ** 80;

    /// @dev A valid random card: 1-8 tiers with strictly increasing bounds, the last unbounded.
    function _card(uint256 seed) internal pure returns (IPriceBook.RateCard memory card) {
        uint256 n = bound(seed % 8, 0, 7) + 1;
        card.mode = (seed >> 3) & 1 == 0 ? IPriceBook.TierMode.Graduated : IPriceBook.TierMode.Volume;
        card.currency = (seed >> 4) & 1 == 0 ? IPriceBook.Currency.SYNOR : IPriceBook.Currency.USD;
        card.unitSize = uint128(bound(uint256(keccak256(abi.encode(seed, "unit"))), 1, 2 ** 64));
        card.tiers = new IPriceBook.Tier[](n);
        uint256 upTo = 0;
        for (uint256 i = 0; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            // Bounds grow by 1 to 2^(r mod 100): small steps and huge ones.
            upTo += 1 + (r >> 8) % (2 ** (r % 100));
            uint256 price = (r >> 128) % 4 == 0 ? 0 : (r >> 64) % MAX_PRICE; // some free tiers
            card.tiers[i] = IPriceBook.Tier({upTo: i + 1 == n ? type(uint128).max : uint128(upTo), price: uint128(price)});
        }
    }

    /// @dev The exact numerator (sum of quantity * price) of a cumulative, by definition.
    function _numerator(IPriceBook.RateCard memory card, uint256 q) internal pure returns (uint256 best) {
        uint256 n = card.tiers.length;
        uint256 lower = 0;
        for (uint256 i = 0; i < n; ++i) {
            uint256 upper = i + 1 == n ? type(uint256).max : card.tiers[i].upTo;
            if (card.mode == IPriceBook.TierMode.Graduated) {
                if (q > lower) best += (Math.min(q, upper) - lower) * card.tiers[i].price;
            } else {
                // Volume as a running maximum: every q' <= q at its own reached tier's price.
                uint256 top = Math.min(q, upper);
                if (q > lower || i == 0) best = Math.max(best, top * card.tiers[i].price);
            }
            lower = upper;
        }
    }

    function testFuzz_roundsUpOnceOnTheExactCharge(uint256 seed, uint256 q) public pure {
        IPriceBook.RateCard memory card = _card(seed);
        q = bound(q, 0, MAX_QUANTITY);
        uint256 numerator = _numerator(card, q);
        uint256 charge = Rating.chargeUp(card, q);
        assertGe(charge * card.unitSize, numerator, "covers the exact charge");
        if (charge > 0) assertTrue((charge - 1) * card.unitSize < numerator, "by less than one base unit");
    }

    function testFuzz_monotone(uint256 seed, uint256 a, uint256 b) public pure {
        IPriceBook.RateCard memory card = _card(seed);
        a = bound(a, 0, MAX_QUANTITY);
        b = bound(b, a, MAX_QUANTITY);
        assertLe(Rating.chargeUp(card, a), Rating.chargeUp(card, b), "never falls");
    }

    function testFuzz_slicesSumExactly(uint256 seed, uint256 a, uint256 b, uint256 c) public pure {
        IPriceBook.RateCard memory card = _card(seed);
        a = bound(a, 0, MAX_QUANTITY);
        b = bound(b, a, MAX_QUANTITY);
        c = bound(c, b, MAX_QUANTITY);
        (uint256 first, uint256[8] memory s1) = Rating.sliceChargeUp(card, 0, a);
        (uint256 second, uint256[8] memory s2) = Rating.sliceChargeUp(card, a, b);
        (uint256 third, uint256[8] memory s3) = Rating.sliceChargeUp(card, b, c);
        (uint256 whole, uint256[8] memory all) = Rating.sliceChargeUp(card, 0, c);
        assertEq(first + second + third, Rating.chargeUp(card, c), "slices sum to the rating of the total");
        assertEq(whole, Rating.chargeUp(card, c), "one report of the total costs the same");
        uint256 quantity = 0;
        for (uint256 i = 0; i < 8; ++i) {
            assertEq(s1[i] + s2[i] + s3[i], all[i], "tier quantities add up");
            quantity += all[i];
        }
        assertEq(quantity, c, "tier quantities partition the cumulative");
    }

    function testFuzz_lowerOrRepeatedChargesNothing(uint256 seed, uint256 a, uint256 b) public pure {
        IPriceBook.RateCard memory card = _card(seed);
        a = bound(a, 0, MAX_QUANTITY);
        b = bound(b, 0, a);
        (uint256 amount, uint256[8] memory slices) = Rating.sliceChargeUp(card, a, b);
        assertEq(amount, 0, "nothing charged");
        for (uint256 i = 0; i < 8; ++i) {
            assertEq(slices[i], 0, "no quantity");
        }
    }

    function testFuzz_synorForUsdRoundsUp(uint256 usd, uint256 price) public pure {
        usd = bound(usd, 0, 2 ** 128);
        price = bound(price, 1, 2 ** 100);
        uint256 synor = Rating.synorForUsdUp(usd, price);
        assertGe(synor * price, usd * 1e18, "covers the USD amount");
        if (synor > 0) assertTrue((synor - 1) * price < usd * 1e18, "by less than one base unit");
    }

    function chargeExternal(IPriceBook.RateCard memory card, uint256 q) external pure returns (uint256) {
        return Rating.chargeUp(card, q);
    }

    function testFuzz_overflowIsNamed(uint256 q) public {
        q = bound(q, 2 ** 200, type(uint256).max);
        IPriceBook.RateCard memory card;
        card.unitSize = 1;
        card.tiers = new IPriceBook.Tier[](1);
        card.tiers[0] = IPriceBook.Tier({upTo: type(uint128).max, price: type(uint128).max});
        vm.expectRevert(Rating.Rating_Overflow.selector);
        this.chargeExternal(card, q);
    }

    function test_largestChargeThatFits() public view {
        IPriceBook.RateCard memory card;
        card.unitSize = 2;
        card.tiers = new IPriceBook.Tier[](1);
        card.tiers[0] = IPriceBook.Tier({upTo: type(uint128).max, price: 1});
        assertEq(this.chargeExternal(card, type(uint256).max), 2 ** 255, "(2^256 - 1) / 2 rounded up");
    }
}
