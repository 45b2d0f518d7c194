// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RevenueDeployment} from "./RevenueInvariant.t.sol";
import {SynorStaking} from "../../contracts/revenue/SynorStaking.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Paying 1,000 stakers costs what paying one does: rewards are streamed into an O(1) accumulator.
contract RevenueGasTest is RevenueDeployment {
    event log_named_uint(string key, uint256 val);

    function setUp() public {
        _deploy(address(this));
        staking.addRewardToken(address(usdc));
    }

    function _stakingWith(uint256 count) internal returns (SynorStaking s) {
        s = new SynorStaking(IERC20(address(synor)), 7 days, 0, address(this));
        s.addRewardToken(address(usdc));
        for (uint256 i; i < count; ++i) {
            address who = address(uint160(0x10000 + i));
            synor.transfer(who, 10 * SYNOR);
            vm.startPrank(who);
            synor.approve(address(s), type(uint256).max);
            s.stake(10 * SYNOR);
            vm.stopPrank();
        }
    }

    /// @dev Gas of adding a reward to the stream (`sync`), then, once the stream has run, of one staker's
    /// claim (which emits the stream into the accumulator), storage cold.
    function _measure(SynorStaking s) internal returns (uint256 syncGas, uint256 claimGas) {
        address first = address(uint160(0x10000));
        if (usdc.balanceOf(first) == 0) usdc.mint(first, 1); // same balance-slot state in both runs
        usdc.mint(address(s), 1_000 * USDC);
        vm.cool(address(s));
        vm.cool(address(usdc));
        uint256 start = gasleft();
        s.sync(address(usdc));
        syncGas = start - gasleft();
        vm.warp(block.timestamp + s.REWARD_DURATION());
        vm.cool(address(s));
        vm.cool(address(usdc));
        vm.prank(first);
        start = gasleft();
        s.claim(address(usdc));
        claimGas = start - gasleft();
    }

    function test_paying1000StakersCostsTheSameAsPayingOne() public {
        SynorStaking one = _stakingWith(1);
        SynorStaking thousand = _stakingWith(1_000);
        (uint256 syncOne, uint256 claimOne) = _measure(one);
        (uint256 syncThousand, uint256 claimThousand) = _measure(thousand);
        assertEq(syncThousand, syncOne, "sync gas with 1,000 stakers = with one");
        assertEq(claimThousand, claimOne, "claim gas with 1,000 stakers = with one");
        assertEq(usdc.balanceOf(address(uint160(0x10000))), 1 + 1_000 * USDC + 1_000 * USDC / 1_000, "paid");
        emit log_named_uint("gas.staking.sync (1 staker)", syncOne);
        emit log_named_uint("gas.staking.sync (1,000 stakers)", syncThousand);
        emit log_named_uint("gas.staking.claim (cold, 1 staker)", claimOne);
        emit log_named_uint("gas.staking.claim (cold, 1,000 stakers)", claimThousand);
    }

    function testFuzz_rewardsArePaidProRataToTheBaseUnit(uint256 a, uint256 b, uint256 reward) public {
        a = bound(a, 1, 1e26);
        b = bound(b, 1, 1e26);
        reward = bound(reward, 0, 1e30);
        address alice = address(0xA11CE);
        address bob = address(0xB0B);
        synor.transfer(alice, a);
        synor.transfer(bob, b);
        vm.startPrank(alice);
        synor.approve(address(staking), a);
        staking.stake(a);
        vm.stopPrank();
        vm.startPrank(bob);
        synor.approve(address(staking), b);
        staking.stake(b);
        vm.stopPrank();
        usdc.mint(address(staking), reward);
        staking.sync(address(usdc));
        vm.warp(block.timestamp + 7 days);
        vm.prank(alice);
        uint256 paidA = staking.claim(address(usdc));
        vm.prank(bob);
        uint256 paidB = staking.claim(address(usdc));
        assertLe(paidA + paidB, reward, "never pays more than arrived");
        assertLe(reward - (paidA + paidB), 2, "loses at most one base unit per staker to rounding");
        assertLe(paidA, reward * a / (a + b), "alice's share, rounded down");
        assertEq(staking.rewardReserve(address(usdc)), reward - paidA - paidB, "the dust stays in reserve");
    }
}
