// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "./utils/Vm.sol";
import {RewardAccumulator} from "../../contracts/revenue/lib/RewardAccumulator.sol";

/// @notice A weighted set of four members paid through the library, with ghost totals.
contract AccumulatorHarness {
    using RewardAccumulator for RewardAccumulator.State;

    uint256 internal constant MEMBERS = 4;

    RewardAccumulator.State internal acc;
    mapping(address => uint256) internal paid;
    mapping(address => uint256) public weight;
    mapping(address => uint256) public owed;
    uint256 public totalWeight;
    uint256 public credited; // every base unit the accumulator took
    uint256 public queued; // refused while the set had no weight, kept by the caller
    uint256 public settledOut; // moved to members' balances
    uint256 public settlements;
    uint256 public weightedIncrements; // sum of totalWeight x perWeight increment, over every credit

    function member(uint256 i) public pure returns (address) {
        return address(uint160(0x1000 + i % MEMBERS));
    }

    function perWeight() external view returns (uint256) {
        return acc.perWeight;
    }

    function carry() external view returns (uint256) {
        return acc.carry;
    }

    function credit(uint256 amount) external {
        uint256 before = acc.perWeight;
        uint256 preview = acc.previewPerWeight(amount, totalWeight);
        uint256 carryBefore = acc.carry;
        (uint256 onValues, uint256 carryOnValues) =
            RewardAccumulator.credited(before, carryBefore, amount, totalWeight);
        bool done = acc.credit(amount, totalWeight);
        require(preview == acc.perWeight, "preview = credit");
        require(onValues == acc.perWeight && carryOnValues == acc.carry, "credited (on values) = credit");
        if (done) {
            require(acc.carry < totalWeight, "carry < total weight");
            credited += amount;
            weightedIncrements += totalWeight * (acc.perWeight - before);
        } else {
            require(amount == 0 || totalWeight == 0, "refused only zero amount or weight");
            require(acc.perWeight == before && acc.carry == carryBefore, "a refused credit changes nothing");
            queued += amount;
        }
    }

    function settle(uint256 i) public {
        address m = member(i);
        uint256 pendingBefore = RewardAccumulator.pending(paid, m, weight[m], acc.perWeight);
        uint256 amount = acc.settle(paid, m, weight[m]);
        require(amount == pendingBefore, "settle pays what pending said");
        require(RewardAccumulator.pending(paid, m, weight[m], acc.perWeight) == 0, "settled");
        owed[m] += amount;
        settledOut += amount;
        ++settlements;
    }

    function setWeight(uint256 i, uint256 w) external {
        settle(i); // at the old weight
        address m = member(i);
        totalWeight = totalWeight - weight[m] + w;
        weight[m] = w;
    }

    function pendingAll() external view returns (uint256 sum) {
        for (uint256 i; i < MEMBERS; ++i) {
            address m = member(i);
            sum += RewardAccumulator.pending(paid, m, weight[m], acc.perWeight);
        }
    }
}

/// @notice Fuzz tests of RewardAccumulator: random credits, weight changes and settlements never pay out more
/// than was credited, lose at most one base unit per member per settlement, and carry every remainder.
contract RewardAccumulatorTest is TestBase {
    uint256 internal constant PRECISION = 1e36;

    function testFuzz_creditsAreConservedAndPayoutsRoundDown(uint256[24] calldata ops) public {
        AccumulatorHarness h = new AccumulatorHarness();
        for (uint256 k; k < ops.length; ++k) {
            uint256 op = ops[k];
            uint256 kind = op % 3;
            uint256 value = op >> 8;
            if (kind == 0) {
                // Amounts from single base units to 1e30, so both rounding paths and large sums are exercised.
                h.credit(value % 4 == 0 ? bound(value, 0, 3) : bound(value, 0, 1e30));
            } else if (kind == 1) {
                // Weights from 0 (leaving) to 1e27, including tiny ones that make large per-weight increments.
                h.setWeight(op >> 4, value % 3 == 0 ? bound(value, 0, 5) : bound(value, 0, 1e27));
            } else {
                h.settle(op >> 4);
            }
            assertLe(h.settledOut() + h.pendingAll(), h.credited(), "never pays more than was credited");
            assertEq(
                h.weightedIncrements() + h.carry(), PRECISION * h.credited(), "every remainder is carried exactly"
            );
        }
        for (uint256 i; i < 4; ++i) {
            h.settle(i);
        }
        // Each settlement rounds down by less than one unit; so does the carry (< one unit of total weight).
        assertLe(h.credited() - h.settledOut(), h.settlements() + 1, "rounding loses under a unit per settlement");
    }

    function testFuzz_proRataToTheBaseUnit(uint256 a, uint256 b, uint256 amount) public {
        AccumulatorHarness h = new AccumulatorHarness();
        a = bound(a, 1, 1e30);
        b = bound(b, 1, 1e30);
        amount = bound(amount, 0, 1e30);
        h.setWeight(0, a);
        h.setWeight(1, b);
        h.credit(amount);
        h.settle(0);
        h.settle(1);
        uint256 paidA = h.owed(h.member(0));
        uint256 paidB = h.owed(h.member(1));
        assertLe(paidA, amount * a / (a + b), "a's share, rounded down");
        assertLe(amount * a / (a + b), paidA + 1, "a's share, within a unit");
        // Each payout rounds down (under a unit each) and the carry holds under a unit more.
        assertLe(amount - paidA - paidB, 2, "under one unit of dust per member, plus the carry");
    }

    function test_aCreditToAnEmptySetIsRefusedAndKeptByTheCaller() public {
        AccumulatorHarness h = new AccumulatorHarness();
        h.credit(1_000);
        assertEq(h.queued(), 1_000, "queued");
        assertEq(h.perWeight(), 0, "nothing credited");
        h.setWeight(0, 3);
        h.credit(1);
        h.credit(1);
        h.credit(1);
        assertEq(h.perWeight(), PRECISION, "three thirds make one unit per weight: the carry is not lost");
        assertEq(h.carry(), 0, "carry consumed");
    }
}
