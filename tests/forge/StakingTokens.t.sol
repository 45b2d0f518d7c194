// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RevenueDeployment} from "./RevenueInvariant.t.sol";
import {RevertingBalanceToken} from "../../contracts/test/RevertingBalanceToken.sol";
import {FeeOnTransferToken} from "../../contracts/test/FeeOnTransferToken.sol";
import {NoReturnToken} from "../../contracts/test/NoReturnToken.sol";
import {BlacklistableToken} from "../../contracts/test/BlacklistableToken.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Staking with misbehaving reward tokens: principal (stake, requestUnstake, withdraw) never depends on
/// a reward token, and a misbehaving token stalls only its own rewards.
contract StakingTokensTest is RevenueDeployment {
    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B);
    address internal constant PAYER = address(0xFEE);

    function setUp() public {
        vm.warp(1_700_000_000);
        _deploy(address(this));
        staking.addRewardToken(address(usdc));
        for (uint256 i; i < 2; ++i) {
            address who = i == 0 ? ALICE : BOB;
            synor.transfer(who, 1_000_000 * SYNOR);
            vm.prank(who);
            synor.approve(address(staking), type(uint256).max);
        }
    }

    function _stake(address who, uint256 amount) internal {
        vm.prank(who);
        staking.stake(amount);
    }

    function _unstakeAllAndWithdraw(address who) internal {
        uint256 staked = staking.stakeOf(who);
        vm.prank(who);
        staking.requestUnstake(staked);
        vm.warp(block.timestamp + 7 days);
        vm.prank(who);
        staking.withdraw();
    }

    function _claim(address token, address who) internal returns (uint256) {
        vm.prank(who);
        return staking.claim(token);
    }

    /// @dev Rewards in USDC and `token`, both synced, with Alice staked for a day.
    function _rewardBoth(address token, uint256 amount) internal {
        _stake(ALICE, 100 * SYNOR);
        usdc.mint(address(staking), 700 * USDC);
        staking.sync(address(usdc));
        RevertingBalanceToken(token).mint(address(staking), amount);
        staking.sync(token);
        vm.warp(block.timestamp + 1 days);
    }

    // ------------------------------------------------------------------ reverting balanceOf, wiped balances

    function test_aRewardTokenWhoseBalanceOfRevertsCannotLockPrincipal() public {
        RevertingBalanceToken bad = new RevertingBalanceToken();
        staking.addRewardToken(address(bad));
        _rewardBoth(address(bad), 1_000 * SYNOR);
        bad.setBroken(true);
        _stake(ALICE, 50 * SYNOR);
        _stake(BOB, 10 * SYNOR);
        _unstakeAllAndWithdraw(ALICE);
        assertEq(synor.balanceOf(ALICE), 1_000_000 * SYNOR, "principal returned in full");
        assertTrue(_claim(address(usdc), ALICE) > 0, "other rewards still paid");
        vm.prank(ALICE);
        vm.expectRevert(RevertingBalanceToken.RevertingBalanceToken_Broken.selector);
        staking.claim(address(bad)); // only its own rewards stall
    }

    function test_aWipedRewardTokenCannotLockPrincipal() public {
        RevertingBalanceToken bad = new RevertingBalanceToken();
        staking.addRewardToken(address(bad));
        _rewardBoth(address(bad), 1_000 * SYNOR);
        bad.wipe(address(staking)); // the issuer seizes what staking holds
        _stake(ALICE, 50 * SYNOR);
        _stake(BOB, 10 * SYNOR);
        _unstakeAllAndWithdraw(ALICE);
        _unstakeAllAndWithdraw(BOB);
        assertEq(synor.balanceOf(ALICE), 1_000_000 * SYNOR, "Alice's principal returned in full");
        assertEq(synor.balanceOf(BOB), 1_000_000 * SYNOR, "Bob's principal returned in full");
        assertTrue(_claim(address(usdc), ALICE) > 0, "other rewards still paid");
        assertEq(staking.sync(address(bad)), 0, "a wiped token has nothing new, and sync does not revert");
    }

    function test_governanceRetiresABrokenTokenAndItsEarnedRewardsStayClaimable() public {
        RevertingBalanceToken bad = new RevertingBalanceToken();
        staking.addRewardToken(address(bad));
        _rewardBoth(address(bad), 700 * SYNOR);
        uint256 earnedBefore = staking.earned(address(bad), ALICE);
        assertEq(earnedBefore, 100 * SYNOR, "one day of a 7-day stream");
        bad.setBroken(true);
        staking.retireRewardToken(address(bad)); // makes no call to the broken token
        assertTrue(!staking.isRewardToken(address(bad)), "no longer active");
        assertTrue(staking.isRetiredRewardToken(address(bad)), "retired");
        assertEq(staking.rewardTokens().length, 1, "only USDC left active");
        (uint256 undistributed, uint256 end) = staking.rewardStream(address(bad));
        assertEq(undistributed, 600 * SYNOR, "the stream stopped with six days undistributed");
        assertEq(end, 0, "a retired stream has no end");
        vm.expectRevert(abi.encodeWithSignature("SynorStaking_NotRewardToken(address)", address(bad)));
        staking.sync(address(bad));
        // Stake changes no longer settle it, and what Alice earned stays hers across them.
        _stake(ALICE, 100 * SYNOR);
        vm.warp(block.timestamp + 1 days);
        _stake(BOB, 100 * SYNOR);
        assertEq(staking.earned(address(bad), ALICE), earnedBefore, "earned before retirement is kept");
        assertEq(staking.earned(address(bad), BOB), 0, "a later staker earns nothing of it");
        bad.setBroken(false);
        assertEq(_claim(address(bad), ALICE), earnedBefore, "claimable once the token works again");
        assertEq(staking.recoverUndistributed(address(bad), address(0x7EA5)), 600 * SYNOR, "remainder recovered");
        assertEq(bad.balanceOf(address(0x7EA5)), 600 * SYNOR, "sent to the chosen address");
        assertEq(staking.rewardReserve(address(bad)), 0, "nothing left owed");
    }

    function test_retiredTokensAreSettledAtTheStakeTheyWereEarnedWith() public {
        RevertingBalanceToken other = new RevertingBalanceToken();
        staking.addRewardToken(address(other));
        _stake(ALICE, 100 * SYNOR);
        _stake(BOB, 300 * SYNOR);
        other.mint(address(staking), 7_000);
        staking.sync(address(other));
        vm.warp(block.timestamp + 7 days);
        staking.retireRewardToken(address(other));
        // Alice changes her stake after the retirement: she is settled at her old stake first.
        _stake(ALICE, 900 * SYNOR);
        assertEq(staking.earned(address(other), ALICE), 1_750, "a quarter, at the stake she had");
        assertEq(staking.earned(address(other), BOB), 5_250, "three quarters, Bob never moved");
        assertEq(_claim(address(other), BOB), 5_250, "Bob claims without a stake change");
        assertEq(_claim(address(other), ALICE), 1_750, "Alice claims after hers");
        assertEq(_claim(address(other), ALICE), 0, "once");
    }

    function test_rewardAndRetiredTokensAreBounded() public {
        for (uint256 i = 1; i < staking.MAX_REWARD_TOKENS(); ++i) {
            staking.addRewardToken(address(new RevertingBalanceToken()));
        }
        address extra = address(new RevertingBalanceToken());
        vm.expectRevert(abi.encodeWithSignature("SynorStaking_TooManyRewardTokens()"));
        staking.addRewardToken(extra);
        for (uint256 i; i < staking.MAX_RETIRED_REWARD_TOKENS(); ++i) {
            staking.retireRewardToken(staking.rewardTokens()[0]);
            staking.addRewardToken(address(new RevertingBalanceToken()));
        }
        address active = staking.rewardTokens()[0];
        vm.expectRevert(abi.encodeWithSignature("SynorStaking_TooManyRetiredRewardTokens()"));
        staking.retireRewardToken(active);
        // A staker's stake change with every slot used still works.
        _stake(ALICE, 1);
        _stake(ALICE, 1);
    }

    // ------------------------------------------------------------------ fee on transfer, no return value

    function test_feeOnTransferRewardsAreCountedByWhatArrived() public {
        FeeOnTransferToken fot = new FeeOnTransferToken(); // 1% burned on every transfer
        splitter.acceptToken(address(fot), address(0));
        staking.addRewardToken(address(fot));
        _stake(ALICE, 100 * SYNOR);
        fot.mint(PAYER, 10_000 * SYNOR);
        vm.startPrank(PAYER);
        fot.approve(address(splitter), type(uint256).max);
        splitter.distributeTransactionFees(address(fot), 10_000 * SYNOR);
        vm.stopPrank();
        uint256 share = 9_900 * SYNOR - 9_900 * SYNOR / 10 - 9_900 * SYNOR / 5 - 9_900 * SYNOR / 10; // of what arrived
        uint256 arrived = share - share / 100;
        assertEq(fot.balanceOf(address(staking)), arrived, "staking received the share less the fee");
        assertEq(staking.rewardReserve(address(fot)), arrived, "and counted exactly that");
        (uint256 streaming,) = staking.rewardStream(address(fot));
        assertEq(streaming, arrived, "all of it streaming");
        vm.warp(block.timestamp + 7 days);
        uint256 paid = _claim(address(fot), ALICE);
        assertLe(arrived - paid, 1, "Alice is paid what arrived, less rounding");
        assertEq(fot.balanceOf(address(staking)), staking.rewardReserve(address(fot)), "books = balance");
        _unstakeAllAndWithdraw(ALICE);
        assertEq(synor.balanceOf(ALICE), 1_000_000 * SYNOR, "principal unaffected");
    }

    function test_noReturnValueRewardsAreForwardedAndPaid() public {
        NoReturnToken nrt = new NoReturnToken();
        splitter.acceptToken(address(nrt), address(0));
        staking.addRewardToken(address(nrt));
        _stake(ALICE, 100 * SYNOR);
        nrt.mint(PAYER, 1_000 * USDC);
        vm.startPrank(PAYER);
        nrt.approve(address(splitter), type(uint256).max);
        splitter.distributeTransactionFees(address(nrt), 1_000 * USDC);
        vm.stopPrank();
        assertEq(nrt.balanceOf(address(staking)), 600 * USDC, "forwarded by SafeERC20");
        vm.warp(block.timestamp + 7 days);
        assertEq(_claim(address(nrt), ALICE), 600 * USDC, "paid by SafeERC20");
        assertEq(nrt.balanceOf(ALICE), 600 * USDC, "arrived");
    }

    // ------------------------------------------------------------------ blacklists

    function test_aBlacklistedStakerRedirectsItsRewardsAndKeepsItsPrincipal() public {
        BlacklistableToken bl = new BlacklistableToken();
        staking.addRewardToken(address(bl));
        _stake(ALICE, 100 * SYNOR);
        bl.mint(address(staking), 7 * USDC);
        staking.sync(address(bl));
        vm.warp(block.timestamp + 7 days);
        bl.setBlacklisted(ALICE, true);
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSignature("BlacklistableToken_Blacklisted(address)", ALICE));
        staking.claim(address(bl));
        vm.prank(ALICE);
        assertEq(staking.claimTo(address(bl), BOB), 7 * USDC, "redirected");
        _unstakeAllAndWithdraw(ALICE);
        assertEq(synor.balanceOf(ALICE), 1_000_000 * SYNOR, "principal unaffected");
    }

    function test_aTokenBlacklistingStakingKeepsTheStakersShareInTheSplitter() public {
        BlacklistableToken bl = new BlacklistableToken();
        splitter.acceptToken(address(bl), address(0));
        staking.addRewardToken(address(bl));
        _stake(ALICE, 100 * SYNOR);
        bl.setBlacklisted(address(staking), true);
        bl.mint(PAYER, 1_000 * USDC);
        vm.startPrank(PAYER);
        bl.approve(address(splitter), type(uint256).max);
        splitter.distributeTransactionFees(address(bl), 1_000 * USDC); // not blocked by the stakers' share
        vm.stopPrank();
        assertEq(splitter.book(address(bl)).stakersPaid, 0, "the share stayed in the splitter");
        assertEq(bl.balanceOf(address(splitter)), 1_000 * USDC, "held");
        vm.prank(COMMUNITY);
        assertEq(splitter.claim(address(bl)), 200 * USDC, "the other shares are paid");
        _unstakeAllAndWithdraw(ALICE); // principal unaffected
        _stake(ALICE, 100 * SYNOR);
        bl.setBlacklisted(address(staking), false);
        assertEq(splitter.releaseToStaking(address(bl)), 600 * USDC, "released once the token allows it");
        vm.warp(block.timestamp + 7 days);
        assertEq(_claim(address(bl), ALICE), 600 * USDC, "and streamed to the stakers");
        assertEq(IERC20(address(bl)).balanceOf(address(staking)), 0, "nothing left");
    }
}
