// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {UsageStack} from "./utils/UsageStack.sol";
import {FeeSplitter} from "../../contracts/revenue/FeeSplitter.sol";
import {PriceBook} from "../../contracts/billing/PriceBook.sol";
import {IFeeSplitter} from "../../contracts/interfaces/IFeeSplitter.sol";
import {IPriceBook} from "../../contracts/interfaces/IPriceBook.sol";
import {IUsageSettlement} from "../../contracts/interfaces/IUsageSettlement.sol";
import {ISynorToken} from "../../contracts/interfaces/ISynorToken.sol";
import {IUniswapV2Factory} from "../../contracts/interfaces/external/IUniswapV2Factory.sol";
import {BlacklistableToken} from "../../contracts/test/BlacklistableToken.sol";
import {FeeOnTransferToken} from "../../contracts/test/FeeOnTransferToken.sol";
import {NoReturnToken} from "../../contracts/test/NoReturnToken.sol";
import {RevertingBalanceToken} from "../../contracts/test/RevertingBalanceToken.sol";

interface IMintableToken {
    function mint(address to, uint256 value) external;
    function approve(address spender, uint256 value) external;
    function balanceOf(address account) external view returns (uint256);
}

/// @notice The escrow with misbehaving ERC-20 stand-ins as its "SYNOR" (and its splitter's): deposits,
/// charges and withdrawals keep the books exact (tokens held = sum of balances; splitter accounted = what it
/// received) or revert cleanly with the token's own error, leaving the books untouched.
contract UsageTokensTest is UsageStack {
    address internal constant ALICE = address(0xA11CE);
    address internal constant FUNDER = address(0xF00D);
    address internal constant STAKING = address(0x57A4E);
    address internal constant FACTORY = address(0xFAC7);
    uint256 internal constant UNIT = 1e6; // the stand-ins are priced like SYNOR: 1 "GB" = 0.05e18 base units

    IMintableToken internal token;
    FeeSplitter internal tokenSplitter;

    function setUp() public {
        (bytes32[] memory ids, IPriceBook.RateCard[] memory cards) = _cards();
        book = new PriceBook(uint64(block.timestamp), PERIOD, TIMELOCK, ids, cards);
    }

    /// @dev A FeeSplitter whose "SYNOR" is `token_` (its constructor accepts any token), then the escrow
    /// and settlement on it (no oracle), one operator with an active signer, and Alice allowing it.
    function _stackOn(address token_) internal {
        token = IMintableToken(token_);
        tokenSplitter = new FeeSplitter(
            ISynorToken(token_),
            TREASURY,
            COMMUNITY,
            STAKING,
            IUniswapV2Factory(FACTORY),
            IFeeSplitter.ServiceShares(7000, 2000, 1000),
            IFeeSplitter.TransactionShares(1000, 6000, 2000, 1000),
            100,
            0,
            address(this)
        );
        (escrow, settlement) = _deployBilling(token_, IFeeSplitter(address(tokenSplitter)), address(0));
        settlement.registerOperator(OPERATOR1);
        vm.prank(OPERATOR1);
        settlement.addSigner(vm.addr(SIGNER1_KEY));
        vm.warp(block.timestamp + SIGNER_DELAY);
        vm.prank(ALICE);
        escrow.allow(OPERATOR1, type(uint256).max);
    }

    function _depositFrom(address from, address account, uint256 amount) internal {
        token.mint(from, amount);
        vm.startPrank(from);
        token.approve(address(escrow), amount);
        escrow.deposit(account, amount);
        vm.stopPrank();
    }

    /// @dev Charges Alice for `gb` more GB of FLAT (0.05e18 per GB) in period 0.
    function _charge(uint256 cumulativeGb) internal returns (uint256) {
        return _settleOne(settlement, _report(ALICE, OPERATOR1, FLAT, 0, cumulativeGb * 1e9), SIGNER1_KEY);
    }

    /// @dev Alice's FLAT report of period 0 at `cumulativeGb`, signed (hashed before any expectRevert).
    function _signedReport(uint256 cumulativeGb) internal view returns (IUsageSettlement.SignedReport[] memory) {
        return _one(_signed(settlement, _report(ALICE, OPERATOR1, FLAT, 0, cumulativeGb * 1e9), SIGNER1_KEY));
    }

    function _assertBooks(string memory what) internal view {
        assertEq(token.balanceOf(address(escrow)), escrow.balanceOf(ALICE), what);
        IFeeSplitter.Book memory b = tokenSplitter.book(address(token));
        assertEq(token.balanceOf(address(tokenSplitter)), b.accounted, "splitter holds what it accounted");
    }

    function _withdrawAll(address to) internal returns (uint256 amount) {
        vm.prank(ALICE);
        escrow.requestWithdrawal();
        vm.warp(escrow.withdrawalUnlocksAt(ALICE));
        vm.prank(ALICE);
        amount = escrow.withdraw(to);
    }

    /// @notice Fee on transfer (1%): the escrow credits what arrived, pays out what it collected (the
    /// splitter accounts what it received), and withdrawals debit exactly what left: held = sum of balances.
    function test_feeOnTransferTokenKeepsTheBooksExact() public {
        _stackOn(address(new FeeOnTransferToken()));
        _depositFrom(FUNDER, ALICE, 100e18);
        assertEq(escrow.balanceOf(ALICE), 99e18, "credited what arrived (1% fee)");
        _assertBooks("after the deposit");
        assertEq(_charge(20), 1, "charged 1 token");
        assertEq(escrow.balanceOf(ALICE), 98e18, "1 collected");
        IFeeSplitter.Book memory b = tokenSplitter.book(address(token));
        assertEq(b.accounted, 0.99e18, "the splitter split what it received (the token took 1%)");
        assertEq(tokenSplitter.claimable(address(token), OPERATOR1), 0.99e18 - 0.198e18 - 0.099e18, "70%");
        _assertBooks("after the charge");
        assertEq(_withdrawAll(ALICE), 98e18, "the whole balance leaves");
        assertEq(token.balanceOf(ALICE), 97.02e18, "the recipient gets it less the token's fee");
        _assertBooks("after the withdrawal");
    }

    /// @notice No return values (USDT-like): SafeERC20 carries deposits, payouts and withdrawals exactly.
    function test_noReturnTokenWorks() public {
        _stackOn(address(new NoReturnToken()));
        _depositFrom(FUNDER, ALICE, 100e18);
        assertEq(escrow.balanceOf(ALICE), 100e18, "deposited");
        assertEq(_charge(20), 1, "charged");
        assertEq(escrow.balanceOf(ALICE), 99e18, "1 collected");
        assertEq(tokenSplitter.book(address(token)).accounted, 1e18, "paid to the splitter");
        _assertBooks("after the charge");
        assertEq(_withdrawAll(ALICE), 99e18, "withdrawn");
        assertEq(token.balanceOf(ALICE), 99e18, "received");
        _assertBooks("after the withdrawal");
    }

    /// @notice Blacklisting: a blacklisted escrow refuses deposits; a blacklisted recipient only blocks a
    /// withdrawal to itself; a blacklisted splitter makes settlement revert as a whole with the token's error
    /// (nothing recorded, so the same reports charge once it is lifted).
    function test_blacklistableTokenRevertsCleanly() public {
        BlacklistableToken t = new BlacklistableToken();
        _stackOn(address(t));
        t.setBlacklisted(address(escrow), true);
        t.mint(FUNDER, 10e18);
        vm.startPrank(FUNDER);
        t.approve(address(escrow), 10e18);
        vm.expectRevert(
            abi.encodeWithSelector(BlacklistableToken.BlacklistableToken_Blacklisted.selector, address(escrow))
        );
        escrow.deposit(ALICE, 10e18);
        vm.stopPrank();
        t.setBlacklisted(address(escrow), false);
        _depositFrom(FUNDER, ALICE, 100e18);
        // The splitter blacklisted: the payout reverts, so the whole settle does; nothing is recorded.
        t.setBlacklisted(address(tokenSplitter), true);
        IUsageSettlement.SignedReport[] memory list = _signedReport(20);
        vm.expectRevert(
            abi.encodeWithSelector(BlacklistableToken.BlacklistableToken_Blacklisted.selector, address(tokenSplitter))
        );
        settlement.settle(list);
        assertEq(settlement.chargedCumulative(ALICE, OPERATOR1, FLAT, 0), 0, "nothing recorded");
        assertEq(escrow.balanceOf(ALICE), 100e18, "nothing collected");
        t.setBlacklisted(address(tokenSplitter), false);
        assertEq(_charge(20), 1, "charged once lifted");
        assertEq(escrow.balanceOf(ALICE), 99e18, "1 collected");
        _assertBooks("after the charge");
        // Alice blacklisted: she cannot withdraw to herself, but can to another address.
        t.setBlacklisted(ALICE, true);
        vm.prank(ALICE);
        escrow.requestWithdrawal();
        vm.warp(escrow.withdrawalUnlocksAt(ALICE));
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(BlacklistableToken.BlacklistableToken_Blacklisted.selector, ALICE));
        escrow.withdraw(ALICE);
        assertEq(escrow.balanceOf(ALICE), 99e18, "balance intact after the failed withdrawal");
        vm.prank(ALICE);
        assertEq(escrow.withdraw(FUNDER), 99e18, "withdrawn to another address");
        _assertBooks("after the withdrawal");
    }

    /// @notice A token whose reads and transfers revert (broken): deposits, settlement and withdrawals revert
    /// with its error and change nothing; once it works again everything resumes. A token that seizes the
    /// escrow's balance (`wipe`) leaves balances the escrow cannot pay: withdrawals and payouts then revert.
    function test_revertingBalanceTokenRevertsCleanly() public {
        RevertingBalanceToken t = new RevertingBalanceToken();
        _stackOn(address(t));
        _depositFrom(FUNDER, ALICE, 100e18);
        t.setBroken(true);
        bytes memory broken = abi.encodeWithSelector(RevertingBalanceToken.RevertingBalanceToken_Broken.selector);
        vm.prank(FUNDER);
        vm.expectRevert(broken);
        escrow.deposit(ALICE, 1e18);
        IUsageSettlement.SignedReport[] memory list = _signedReport(20);
        vm.expectRevert(broken);
        settlement.settle(list);
        assertEq(settlement.chargedCumulative(ALICE, OPERATOR1, FLAT, 0), 0, "nothing recorded");
        vm.prank(ALICE);
        escrow.requestWithdrawal();
        vm.warp(escrow.withdrawalUnlocksAt(ALICE));
        vm.prank(ALICE);
        vm.expectRevert(broken);
        escrow.withdraw(ALICE);
        assertEq(escrow.balanceOf(ALICE), 100e18, "balance intact");
        assertEq(escrow.withdrawalUnlocksAt(ALICE) != 0 ? 1 : 0, 1, "request still pending");
        t.setBroken(false);
        vm.prank(ALICE);
        escrow.cancelWithdrawal();
        assertEq(
            _settleOne(settlement, _report(ALICE, OPERATOR1, FLAT, settlement.currentPeriod(), 20e9), SIGNER1_KEY),
            1,
            "charged once the token works"
        );
        assertEq(escrow.balanceOf(ALICE), 99e18, "1 collected");
        _assertBooks("after the charge");
        // Seizure: the token burns what the escrow holds; the escrow can no longer pay what it owes.
        t.wipe(address(escrow));
        vm.prank(ALICE);
        escrow.requestWithdrawal();
        vm.warp(escrow.withdrawalUnlocksAt(ALICE));
        vm.prank(ALICE);
        vm.expectRevert(
            abi.encodeWithSignature("ERC20InsufficientBalance(address,uint256,uint256)", address(escrow), 0, 99e18)
        );
        escrow.withdraw(ALICE);
        assertEq(escrow.balanceOf(ALICE), 99e18, "the claim stays on the books");
    }
}
