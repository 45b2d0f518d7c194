// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RevenueDeployment} from "./RevenueInvariant.t.sol";

/// @notice The three staking-reward snipes of issue 7, replayed on the real revenue stack (splitter, staking
/// and a Uniswap V2 pair from the npm build). Each attacker takes at most its time-weighted share: stake x
/// time over the period in which the reward accrued, or, for a lump, over the period it is streamed.
contract StakingAttacksTest is RevenueDeployment {
    address internal constant HONEST = address(0x4045);
    address internal constant ATTACKER = address(0xBAD);
    address internal constant PAYER = address(0xFEE);
    uint256 internal constant STREAM = 7 days;

    function setUp() public {
        vm.warp(1_700_000_000);
        _deploy(address(this));
        staking.addRewardToken(address(usdc));
        for (uint256 i; i < 2; ++i) {
            address who = i == 0 ? HONEST : ATTACKER;
            synor.transfer(who, 10_000_000 * SYNOR);
            vm.prank(who);
            synor.approve(address(staking), type(uint256).max);
        }
        vm.prank(PAYER);
        usdc.approve(address(splitter), type(uint256).max);
    }

    function _payTransactionFees(uint256 amount) internal {
        usdc.mint(PAYER, amount);
        vm.prank(PAYER);
        splitter.distributeTransactionFees(address(usdc), amount);
    }

    function _stake(address who, uint256 amount) internal {
        vm.prank(who);
        staking.stake(amount);
    }

    function _unstakeAll(address who) internal {
        uint256 staked = staking.stakeOf(who);
        if (staked == 0) return;
        vm.prank(who);
        staking.requestUnstake(staked);
    }

    function _claim(address who) internal returns (uint256) {
        vm.prank(who);
        return staking.claim(address(usdc));
    }

    /// @dev Attack 1: a 1-wei stake and a claim in the same block took a 60,000 USDC backlog whole.
    function test_attack1_oneWeiStakeCannotTakeABacklogAccruedWhileNobodyStaked() public {
        _payTransactionFees(100_000 * USDC); // stakers' share: 60,000 USDC, nobody staked
        vm.warp(block.timestamp + 3 days);
        _stake(ATTACKER, 1);
        splitter.releaseToStaking(address(usdc));
        uint256 take = _claim(ATTACKER);
        // The attacker staked for zero seconds of the period in which the 60,000 accrued: its share is zero.
        assertLe(take, 0, "attack 1: a newcomer took rewards that accrued before it staked");
        // Nothing is lost: the rewards stream out to whoever stakes from now on, by stake x time.
        _stake(HONEST, 1_000_000 * SYNOR);
        vm.warp(block.timestamp + 30 days);
        uint256 paid = _claim(HONEST) + _claim(ATTACKER);
        assertLe(paid, 60_000 * USDC, "never pays more than accrued");
        assertLe(60_000 * USDC - paid, 2, "the backlog reaches the stakers, less at most a unit each");
    }

    /// @dev Attack 2: an honest 1M staker for 30 days while 18,000 USDC of staker share waited; the attacker
    /// staked 9M, released and requested unstake in the same block, and took 16,200.
    function test_attack2_sameBlockStakeReleaseUnstakeTakesNothing() public {
        _stake(HONEST, 1_000_000 * SYNOR);
        for (uint256 day; day < 30; ++day) {
            vm.warp(block.timestamp + 1 days);
            _payTransactionFees(1_000 * USDC); // 600 USDC a day to stakers: 18,000 in 30 days
        }
        _stake(ATTACKER, 9_000_000 * SYNOR);
        splitter.releaseToStaking(address(usdc));
        vm.prank(ATTACKER);
        staking.requestUnstake(9_000_000 * SYNOR);
        uint256 take = _claim(ATTACKER);
        vm.warp(block.timestamp + 7 days);
        vm.prank(ATTACKER);
        staking.withdraw();
        take += _claim(ATTACKER);
        assertEq(synor.balanceOf(ATTACKER), 10_000_000 * SYNOR, "principal returned after the cool-down");
        assertLe(take, 0, "attack 2: zero seconds staked, a share of the 30 days' rewards taken");
        uint256 honest = _claim(HONEST);
        assertLe(honest, 18_000 * USDC, "never pays more than accrued");
        assertLe(18_000 * USDC - honest, 1, "the honest staker gets everything, less rounding");
    }

    /// @dev Attack 2, staying one day: the attacker's take is at most its stake x time share of the 31 days.
    function test_attack2_stayingADayTakesAtMostItsTimeWeightedShare() public {
        _stake(HONEST, 1_000_000 * SYNOR);
        for (uint256 day; day < 30; ++day) {
            vm.warp(block.timestamp + 1 days);
            _payTransactionFees(1_000 * USDC);
        }
        _stake(ATTACKER, 9_000_000 * SYNOR);
        splitter.releaseToStaking(address(usdc));
        vm.warp(block.timestamp + 1 days);
        vm.prank(ATTACKER);
        staking.requestUnstake(9_000_000 * SYNOR);
        uint256 take = _claim(ATTACKER);
        // stake x time: attacker 9M x 1 day; honest 1M x 31 days. Share of the 18,000 accrued: 9/40.
        uint256 share = 18_000 * USDC * (9 * 1) / (9 * 1 + 1 * 31);
        assertLe(take, share, "attack 2 (one day): more than the time-weighted share");
    }

    /// @dev Attack 3: staking just before a single 100,000 USDC fee payment took 54,000 of the 60,000 share.
    function test_attack3_stakingJustBeforeALumpTakesOnlyItsStreamedShare() public {
        _stake(HONEST, 1_000_000 * SYNOR);
        vm.warp(block.timestamp + 10 days);
        _stake(ATTACKER, 9_000_000 * SYNOR);
        _payTransactionFees(100_000 * USDC);
        splitter.releaseToStaking(address(usdc));
        uint256 take = _claim(ATTACKER);
        vm.prank(ATTACKER);
        staking.requestUnstake(9_000_000 * SYNOR);
        assertLe(take, 0, "attack 3: the lump was handed to whoever was present at one instant");
        // The lump streams over a week from its payment: the honest staker gets it over that week.
        vm.warp(block.timestamp + STREAM);
        uint256 honest = _claim(HONEST);
        assertLe(honest, 60_000 * USDC, "never pays more than accrued");
        assertLe(60_000 * USDC - honest, 1, "the honest staker gets the whole lump, less rounding");
    }

    /// @dev Attack 3, staying an hour: 9/10 of the stake for 1 hour of the week the lump streams over.
    function test_attack3_stayingAnHourTakesAtMostItsTimeWeightedShare() public {
        _stake(HONEST, 1_000_000 * SYNOR);
        vm.warp(block.timestamp + 10 days);
        _stake(ATTACKER, 9_000_000 * SYNOR);
        _payTransactionFees(100_000 * USDC);
        splitter.releaseToStaking(address(usdc));
        vm.warp(block.timestamp + 1 hours);
        uint256 take = _claim(ATTACKER);
        uint256 share = 60_000 * USDC * 9 * 1 hours / (10 * STREAM);
        assertLe(take, share, "attack 3 (one hour): more than the time-weighted share");
        assertLe(share - take, 1, "and exactly that share, rounded down");
    }

    /// @dev No ordering of stake, release, sync, claim, fee payment and unstake within one block lets a
    /// newcomer take anything: rewards reach stakers only as time passes while they are staked.
    function testFuzz_noSameBlockOrderingPaysANewcomer(uint256 seed, uint256 backlogDays, uint256 amount) public {
        _stake(HONEST, 1_000_000 * SYNOR);
        backlogDays = bound(backlogDays, 0, 40);
        for (uint256 day; day < backlogDays; ++day) {
            vm.warp(block.timestamp + 1 days);
            _payTransactionFees(1_000 * USDC);
        }
        vm.warp(block.timestamp + bound(seed >> 128, 0, 3 days));
        amount = bound(amount, 1, 1_000_000 * SYNOR); // up to eight stakes within its 10M
        uint256 take;
        for (uint256 i; i < 8; ++i) {
            uint256 op = (seed >> (i * 4)) % 6;
            if (op == 0) {
                _stake(ATTACKER, amount);
            } else if (op == 1) {
                splitter.releaseToStaking(address(usdc));
            } else if (op == 2) {
                staking.sync(address(usdc));
            } else if (op == 3) {
                take += _claim(ATTACKER);
            } else if (op == 4) {
                _payTransactionFees(100_000 * USDC);
            } else {
                _unstakeAll(ATTACKER);
            }
        }
        _unstakeAll(ATTACKER);
        take += _claim(ATTACKER);
        vm.warp(block.timestamp + 30 days); // cooling stakes earn nothing either
        take += _claim(ATTACKER);
        assertEq(take, 0, "a newcomer took rewards in the block it staked");
    }
}
