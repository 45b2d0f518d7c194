// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {UsageStack, VmUsage} from "./utils/UsageStack.sol";
import {PrepaidEscrow} from "../../contracts/billing/PrepaidEscrow.sol";
import {UsageSettlement} from "../../contracts/billing/UsageSettlement.sol";
import {IFeeSplitter} from "../../contracts/interfaces/IFeeSplitter.sol";
import {IPrepaidEscrow} from "../../contracts/interfaces/IPrepaidEscrow.sol";
import {IPriceBook} from "../../contracts/interfaces/IPriceBook.sol";
import {IUsageSettlement} from "../../contracts/interfaces/IUsageSettlement.sol";
import {ReentrantSignerWallet} from "../../contracts/test/ReentrantSignerWallet.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice Attacks on usage settlement, each shown to fail: hostile operators and signers, dodging bills,
/// front-run permits, replays across contracts and chains, mixed batches, reentrant ERC-1271 wallets,
/// griefing oracles, hostile guardians, and splitting usage into many small reports.
contract UsageAttacksTest is UsageStack {
    bytes32 internal constant USAGE_CHARGED = keccak256(
        "UsageCharged(address,address,bytes32,(uint64,uint256,uint256,uint256[],uint256,uint256,uint256,uint256,bytes32))"
    );
    bytes32 internal constant REPORT_SKIPPED = keccak256("ReportSkipped(address,address,bytes32,uint256,bytes)");

    uint256 internal constant ALICE_KEY = 0xA11CE;
    address internal alice;
    address internal constant BOB = address(0xB0B);

    function setUp() public {
        _deployUsage();
        alice = vm.addr(ALICE_KEY);
    }

    // ------------------------------------------------------------------ helpers

    function _deposit(address account, uint256 amount) internal {
        _fundAndDeposit(account, amount);
    }

    function _allow(address account, address operator, uint256 ceiling) internal {
        vm.prank(account);
        escrow.allow(operator, ceiling);
    }

    /// @dev The reasons of the ReportSkipped events recorded since `recordLogs`, in order.
    function _skipReasons() internal returns (bytes[] memory reasons, uint256 charged) {
        VmUsage.Log[] memory logs = vmu.getRecordedLogs();
        reasons = new bytes[](logs.length);
        uint256 n;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] == REPORT_SKIPPED) {
                (, reasons[n++]) = abi.decode(logs[i].data, (uint256, bytes));
            } else if (logs[i].topics[0] == USAGE_CHARGED) {
                ++charged;
            }
        }
        assembly ("memory-safe") {
            mstore(reasons, n)
        }
    }

    function _assertSkipped(bytes memory reason, bytes memory expected, string memory what) internal pure {
        assertTrue(keccak256(reason) == keccak256(expected), what);
    }

    function _gb(uint256 n) internal pure returns (uint256) {
        return n * 1e9; // FLAT: 0.05 SYNOR per GB
    }

    // ------------------------------------------------------------------ hostile operators

    /// @notice A hostile but allowed operator signer reports an absurd quantity: it collects at most the
    /// ceiling per period, the rest is debt, collectable only within later periods' ceilings.
    function test_absurdQuantityTakesAtMostTheCeilingPerPeriod() public {
        _deposit(alice, 1_000 * SYNOR);
        _allow(alice, OPERATOR1, 10 * SYNOR);
        // A quantity whose charge does not fit 128 bits is refused outright (nothing charged, nothing recorded).
        vmu.recordLogs();
        assertEq(_settleOne(settlement, _report(alice, OPERATOR1, FLAT, 0, type(uint128).max - 1), SIGNER1_KEY), 0, "");
        (bytes[] memory reasons,) = _skipReasons();
        _assertSkipped(
            reasons[0],
            abi.encodeWithSelector(
                IUsageSettlement.Settlement_ChargeTooLarge.selector, book.rateCumulative(FLAT, 0, type(uint128).max - 1)
            ),
            "skipped: charge too large"
        );
        // 10^21 GB: 5 * 10^19 SYNOR.
        uint256 absurd = 1e30;
        assertEq(_settleOne(settlement, _report(alice, OPERATOR1, FLAT, 0, absurd), SIGNER1_KEY), 1, "charged");
        assertEq(escrow.balanceOf(alice), 990 * SYNOR, "only the ceiling was collected");
        assertEq(escrow.headroom(alice, OPERATOR1), 0, "ceiling reached");
        uint256 rating = book.rateCumulative(FLAT, 0, absurd);
        assertEq(escrow.debtOf(alice, OPERATOR1).synor, rating - 10 * SYNOR, "the rest is debt");
        // More reports and debt collection in the same period take nothing more.
        _settleOne(settlement, _report(alice, OPERATOR1, GRAD, 0, 1e30), SIGNER1_KEY);
        vm.expectRevert(abi.encodeWithSelector(IPrepaidEscrow.Escrow_NothingToCollect.selector, alice, OPERATOR1));
        escrow.collectDebt(alice, OPERATOR1);
        assertEq(escrow.balanceOf(alice), 990 * SYNOR, "still only the ceiling");
        // Next period: the debt is collected, again up to the ceiling only.
        vm.warp(block.timestamp + PERIOD);
        assertEq(escrow.collectDebt(alice, OPERATOR1), 10 * SYNOR, "one more ceiling's worth");
        assertEq(escrow.balanceOf(alice), 980 * SYNOR, "two ceilings in two periods");
        assertEq(splitter.claimable(address(synor), OPERATOR1), 14 * SYNOR, "70% of 20 SYNOR to the operator");
    }

    /// @notice An account lowering an operator's ceiling below what it already collected this period stops
    /// further charges in the period (the headroom is zero, not a wrapped-around 2^96).
    function test_loweringTheCeilingBelowSpentStopsCharges() public {
        _deposit(alice, 1_000 * SYNOR);
        _allow(alice, OPERATOR1, 10 * SYNOR);
        _settleOne(settlement, _report(alice, OPERATOR1, FLAT, 0, _gb(100)), SIGNER1_KEY); // 5 SYNOR
        assertEq(escrow.balanceOf(alice), 995 * SYNOR, "5 collected");
        _allow(alice, OPERATOR1, 1 * SYNOR); // the account tightens the ceiling below what was spent
        assertEq(escrow.headroom(alice, OPERATOR1), 0, "no headroom left in the period");
        _settleOne(settlement, _report(alice, OPERATOR1, FLAT, 0, _gb(20_000)), SIGNER1_KEY); // 1,000 SYNOR
        assertEq(escrow.balanceOf(alice), 995 * SYNOR, "nothing more collected this period");
        assertEq(escrow.debtOf(alice, OPERATOR1).synor, 995 * SYNOR, "the rest is debt");
        vm.expectRevert(abi.encodeWithSelector(IPrepaidEscrow.Escrow_NothingToCollect.selector, alice, OPERATOR1));
        escrow.collectDebt(alice, OPERATOR1);
        vm.warp(block.timestamp + PERIOD);
        assertEq(escrow.collectDebt(alice, OPERATOR1), 1 * SYNOR, "the new ceiling next period");
    }

    /// @notice Revoking after being served does not dodge the current period's bill, but later periods'
    /// usage can no longer be charged.
    function test_revokeAfterServiceDoesNotDodgeTheBill() public {
        _deposit(alice, 1_000 * SYNOR);
        _allow(alice, OPERATOR1, type(uint256).max);
        vm.warp(block.timestamp + 2 * PERIOD + 1 days); // period 2
        vm.prank(alice);
        escrow.revoke(OPERATOR1);
        // Usage of periods 1 (window still open) and 2 is charged after the revocation.
        vm.warp(block.timestamp + 5 days);
        assertEq(_settleOne(settlement, _report(alice, OPERATOR1, FLAT, 1, _gb(100)), SIGNER1_KEY), 1, "period 1");
        assertEq(_settleOne(settlement, _report(alice, OPERATOR1, FLAT, 2, _gb(100)), SIGNER1_KEY), 1, "period 2");
        assertEq(escrow.balanceOf(alice), 990 * SYNOR, "both served periods paid");
        // Period 3: refused.
        vm.warp(block.timestamp + PERIOD);
        vmu.recordLogs();
        assertEq(_settleOne(settlement, _report(alice, OPERATOR1, FLAT, 3, _gb(100)), SIGNER1_KEY), 0, "refused");
        (bytes[] memory reasons,) = _skipReasons();
        _assertSkipped(
            reasons[0],
            abi.encodeWithSelector(IUsageSettlement.Settlement_NotAllowed.selector, alice, OPERATOR1, uint64(3)),
            "skipped: not allowed"
        );
        assertEq(settlement.chargedCumulative(alice, OPERATOR1, FLAT, 3), 0, "nothing recorded for period 3");
        // But period 2's later usage is still chargeable within its window.
        assertEq(_settleOne(settlement, _report(alice, OPERATOR1, FLAT, 2, _gb(300)), SIGNER1_KEY), 1, "period 2");
        assertEq(escrow.balanceOf(alice), 980 * SYNOR, "period 2's late report paid");
    }

    /// @notice A withdrawal request cannot escape the current period's charges: the balance stays
    /// chargeable until the unlock, and only the balance less debt can leave.
    function test_withdrawalRequestCannotEscapeCurrentCharges() public {
        _deposit(alice, 100 * SYNOR);
        _allow(alice, OPERATOR1, type(uint256).max);
        vm.warp(block.timestamp + 10 days);
        vm.prank(alice);
        escrow.requestWithdrawal();
        uint256 unlocksAt = escrow.withdrawalUnlocksAt(alice);
        assertEq(unlocksAt, settlement.closesAt(0), "unlocks when period 0's window closes");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IPrepaidEscrow.Escrow_WithdrawalLocked.selector, alice, unlocksAt));
        escrow.withdraw(alice);
        // The operator reports the period's usage just before the unlock: charged in full.
        vm.warp(unlocksAt - 1);
        _settleOne(settlement, _report(alice, OPERATOR1, FLAT, 0, _gb(600)), SIGNER1_KEY); // 30 SYNOR
        _settleOne(settlement, _report(alice, OPERATOR2, FLAT, 0, _gb(600)), SIGNER2_KEY); // not allowed
        assertEq(escrow.balanceOf(alice), 70 * SYNOR, "charged before the unlock");
        // A short balance leaves debt that stays reserved.
        _settleOne(settlement, _report(alice, OPERATOR1, FLAT, 0, _gb(2_600)), SIGNER1_KEY); // 100 SYNOR more
        assertEq(escrow.balanceOf(alice), 0, "all collected");
        _deposit(alice, 50 * SYNOR);
        vm.warp(unlocksAt);
        assertEq(escrow.debtOf(alice, OPERATOR1).synor, 30 * SYNOR, "debt outstanding");
        vm.prank(alice);
        assertEq(escrow.withdraw(alice), 20 * SYNOR, "only the balance less its debt leaves");
        assertEq(escrow.balanceOf(alice), 30 * SYNOR, "the debt stays for the operator");
        assertEq(escrow.collectDebt(alice, OPERATOR1), 30 * SYNOR, "and is collected");
    }

    // ------------------------------------------------------------------ deposits

    /// @notice Someone front-runs `depositWithPermit` by submitting the permit first: the deposit still goes
    /// through (the used permit is ignored because the allowance covers it).
    function test_frontRunPermitDoesNotBlockTheDeposit() public {
        synor.transfer(alice, 100 * SYNOR);
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                alice,
                address(escrow),
                40 * SYNOR,
                synor.nonces(alice),
                deadline
            )
        );
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(ALICE_KEY, keccak256(abi.encodePacked("\x19\x01", synor.DOMAIN_SEPARATOR(), structHash)));
        // The attacker sees the permit in the mempool and uses it first.
        vm.prank(BOB);
        synor.permit(alice, address(escrow), 40 * SYNOR, deadline, v, r, s);
        vm.prank(alice);
        escrow.depositWithPermit(alice, 40 * SYNOR, deadline, v, r, s);
        assertEq(escrow.balanceOf(alice), 40 * SYNOR, "deposited despite the front-run");
        assertEq(synor.balanceOf(alice), 60 * SYNOR, "paid once");
        // Without an allowance a bad permit does not deposit: the transfer reverts.
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSignature(
                "ERC20InsufficientAllowance(address,uint256,uint256)", address(escrow), 0, 1 * SYNOR
            )
        );
        escrow.depositWithPermit(alice, 1 * SYNOR, deadline, v, r, s);
    }

    // ------------------------------------------------------------------ signers and signatures

    /// @notice A newly added signer cannot sign before the delay (per-report: skipped; batch: reverts).
    function test_newSignerCannotSignBeforeTheDelay() public {
        _deposit(alice, 100 * SYNOR);
        _allow(alice, OPERATOR1, type(uint256).max);
        uint256 newKey = 0x5E3;
        vm.prank(OPERATOR1);
        settlement.addSigner(vm.addr(newKey));
        uint256 activeFrom = block.timestamp + SIGNER_DELAY;
        IUsageSettlement.UsageReport memory r = _report(alice, OPERATOR1, FLAT, 0, _gb(20));
        vmu.recordLogs();
        assertEq(_settleOne(settlement, r, newKey), 0, "not charged");
        (bytes[] memory reasons,) = _skipReasons();
        _assertSkipped(
            reasons[0],
            abi.encodeWithSelector(
                IUsageSettlement.Settlement_UnknownSigner.selector, OPERATOR1, vm.addr(newKey), activeFrom
            ),
            "skipped: signer not active yet"
        );
        IUsageSettlement.UsageReport[] memory list = new IUsageSettlement.UsageReport[](1);
        list[0] = r;
        bytes memory sig = _sign(newKey, settlement.hashBatch(OPERATOR1, list));
        vm.expectRevert(
            abi.encodeWithSelector(
                IUsageSettlement.Settlement_UnknownSigner.selector, OPERATOR1, vm.addr(newKey), activeFrom
            )
        );
        settlement.settleBatch(OPERATOR1, list, vm.addr(newKey), sig);
        vm.warp(activeFrom - 1);
        assertEq(_settleOne(settlement, r, newKey), 0, "still not active one second before");
        vm.warp(activeFrom);
        assertEq(_settleOne(settlement, r, newKey), 1, "active after the delay");
        assertEq(escrow.balanceOf(alice), 99 * SYNOR, "charged once");
    }

    /// @notice A revoked signer's signatures stop counting immediately.
    function test_revokedSignerIsRefusedImmediately() public {
        _deposit(alice, 100 * SYNOR);
        _allow(alice, OPERATOR1, type(uint256).max);
        IUsageSettlement.UsageReport memory r = _report(alice, OPERATOR1, FLAT, 0, _gb(20));
        IUsageSettlement.SignedReport memory signed = _signed(settlement, r, SIGNER1_KEY);
        IUsageSettlement.UsageReport[] memory list = new IUsageSettlement.UsageReport[](1);
        list[0] = r;
        bytes memory sig = _sign(SIGNER1_KEY, settlement.hashBatch(OPERATOR1, list));
        vm.prank(OPERATOR1);
        settlement.revokeSigner(vm.addr(SIGNER1_KEY));
        assertEq(settlement.settle(_one(signed)), 0, "pre-signed report refused");
        vm.expectRevert(
            abi.encodeWithSelector(
                IUsageSettlement.Settlement_UnknownSigner.selector, OPERATOR1, vm.addr(SIGNER1_KEY), 0
            )
        );
        settlement.settleBatch(OPERATOR1, list, vm.addr(SIGNER1_KEY), sig);
        assertEq(escrow.balanceOf(alice), 100 * SYNOR, "nothing charged");
    }

    /// @notice A signature made for one settlement contract is refused by another (same book, same operator
    /// and signer), and a signature made on one chain is refused after a fork to another chain id.
    function test_signatureReplayOnAnotherContractOrChainFails() public {
        (PrepaidEscrow escrow2, UsageSettlement settlement2) =
            _deployBilling(address(synor), IFeeSplitter(address(splitter)), address(oracle));
        settlement2.registerOperator(OPERATOR1);
        vm.prank(OPERATOR1);
        settlement2.addSigner(vm.addr(SIGNER1_KEY));
        vm.warp(block.timestamp + SIGNER_DELAY);
        synor.approve(address(escrow2), 100 * SYNOR);
        escrow2.deposit(alice, 100 * SYNOR);
        _deposit(alice, 100 * SYNOR);
        _allow(alice, OPERATOR1, type(uint256).max);
        vm.prank(alice);
        escrow2.allow(OPERATOR1, type(uint256).max);
        IUsageSettlement.UsageReport memory r = _report(alice, OPERATOR1, FLAT, 0, _gb(20));
        // Signed for `settlement`, replayed on `settlement2`.
        IUsageSettlement.SignedReport memory signed = _signed(settlement, r, SIGNER1_KEY);
        vmu.recordLogs();
        assertEq(settlement2.settle(_one(signed)), 0, "refused by the other contract");
        (bytes[] memory reasons,) = _skipReasons();
        _assertSkipped(
            reasons[0],
            abi.encodeWithSelector(IUsageSettlement.Settlement_InvalidSignature.selector, vm.addr(SIGNER1_KEY)),
            "skipped: invalid signature"
        );
        IUsageSettlement.UsageReport[] memory list = new IUsageSettlement.UsageReport[](1);
        list[0] = r;
        bytes memory batchSig = _sign(SIGNER1_KEY, settlement.hashBatch(OPERATOR1, list));
        vm.expectRevert(
            abi.encodeWithSelector(IUsageSettlement.Settlement_InvalidSignature.selector, vm.addr(SIGNER1_KEY))
        );
        settlement2.settleBatch(OPERATOR1, list, vm.addr(SIGNER1_KEY), batchSig);
        assertEq(escrow2.balanceOf(alice), 100 * SYNOR, "nothing charged on the other contract");
        // Another chain id: the domain separator changes, the old signatures fail.
        uint256 chain = block.chainid;
        vmu.chainId(chain + 1);
        assertEq(settlement.settle(_one(signed)), 0, "refused on another chain");
        vm.expectRevert(
            abi.encodeWithSelector(IUsageSettlement.Settlement_InvalidSignature.selector, vm.addr(SIGNER1_KEY))
        );
        settlement.settleBatch(OPERATOR1, list, vm.addr(SIGNER1_KEY), batchSig);
        assertEq(escrow.balanceOf(alice), 100 * SYNOR, "nothing charged on the other chain");
        vmu.chainId(chain);
        assertEq(settlement.settle(_one(signed)), 1, "valid on its own chain and contract");
        assertEq(escrow.balanceOf(alice), 99 * SYNOR, "charged once");
    }

    /// @notice A batch signed by operator 1's signer that includes reports naming operator 2 skips them:
    /// one operator's key cannot charge for another.
    function test_batchCoveringAnotherOperatorsReportsSkipsThem() public {
        _deposit(alice, 100 * SYNOR);
        _allow(alice, OPERATOR1, type(uint256).max);
        _allow(alice, OPERATOR2, type(uint256).max);
        IUsageSettlement.UsageReport[] memory list = new IUsageSettlement.UsageReport[](3);
        list[0] = _report(alice, OPERATOR1, FLAT, 0, _gb(20));
        list[1] = _report(alice, OPERATOR2, FLAT, 0, _gb(1_000));
        list[2] = _report(alice, OPERATOR1, VOL, 0, 100e6);
        vmu.recordLogs();
        assertEq(_settleBatch(settlement, OPERATOR1, list, SIGNER1_KEY), 2, "own reports charged");
        (bytes[] memory reasons,) = _skipReasons();
        _assertSkipped(
            reasons[0],
            abi.encodeWithSelector(IUsageSettlement.Settlement_OperatorMismatch.selector, OPERATOR2, OPERATOR1),
            "skipped: another operator"
        );
        assertEq(settlement.chargedCumulative(alice, OPERATOR2, FLAT, 0), 0, "nothing for operator 2");
        assertEq(escrow.balanceOf(alice), 98 * SYNOR, "1 + 1 SYNOR");
        // Operator 2's own signer cannot vouch for operator 1's batch either.
        bytes memory sig = _sign(SIGNER2_KEY, settlement.hashBatch(OPERATOR1, list));
        vm.expectRevert(
            abi.encodeWithSelector(
                IUsageSettlement.Settlement_UnknownSigner.selector, OPERATOR1, vm.addr(SIGNER2_KEY), 0
            )
        );
        settlement.settleBatch(OPERATOR1, list, vm.addr(SIGNER2_KEY), sig);
    }

    /// @notice A malicious ERC-1271 signer wallet that reenters `settle` (or `collectDebt`) from
    /// `isValidSignature` fails: the reentrant call cannot run, and the report is charged exactly once.
    function test_reentrantErc1271SignerCannotReenter() public {
        ReentrantSignerWallet wallet = new ReentrantSignerWallet();
        vm.prank(OPERATOR1);
        settlement.addSigner(address(wallet));
        vm.warp(block.timestamp + SIGNER_DELAY);
        _deposit(alice, 100 * SYNOR);
        _allow(alice, OPERATOR1, type(uint256).max);
        IUsageSettlement.UsageReport memory r = _report(alice, OPERATOR1, FLAT, 0, _gb(20));
        IUsageSettlement.SignedReport memory signed = IUsageSettlement.SignedReport(r, address(wallet), "");
        bytes memory reenter = abi.encodeCall(UsageSettlement.settle, (_one(signed)));
        // Strict: vouches only if the reentrant settle succeeded. It cannot, so the report is refused.
        wallet.arm(address(settlement), reenter, ReentrantSignerWallet.Mode.Strict);
        vmu.recordLogs();
        assertEq(settlement.settle(_one(signed)), 0, "refused: reentry failed");
        (bytes[] memory reasons,) = _skipReasons();
        _assertSkipped(
            reasons[0],
            abi.encodeWithSelector(IUsageSettlement.Settlement_InvalidSignature.selector, address(wallet)),
            "skipped: the wallet did not vouch"
        );
        wallet.arm(
            address(escrow),
            abi.encodeCall(PrepaidEscrow.collectDebt, (alice, OPERATOR1)),
            ReentrantSignerWallet.Mode.Strict
        );
        assertEq(settlement.settle(_one(signed)), 0, "refused: collectDebt reentry failed too");
        // Always: vouches regardless; the report is charged once, the reentrant attempt charged nothing.
        wallet.arm(address(settlement), reenter, ReentrantSignerWallet.Mode.Always);
        vmu.recordLogs();
        assertEq(settlement.settle(_one(signed)), 1, "charged");
        (, uint256 charged) = _skipReasons();
        assertEq(charged, 1, "exactly one UsageCharged");
        assertEq(escrow.balanceOf(alice), 99 * SYNOR, "charged once");
        // The batch path checks the wallet too.
        IUsageSettlement.UsageReport[] memory list = new IUsageSettlement.UsageReport[](1);
        list[0] = _report(alice, OPERATOR1, FLAT, 0, _gb(40));
        wallet.arm(address(settlement), reenter, ReentrantSignerWallet.Mode.Strict);
        vm.expectRevert(abi.encodeWithSelector(IUsageSettlement.Settlement_InvalidSignature.selector, address(wallet)));
        settlement.settleBatch(OPERATOR1, list, address(wallet), "");
        assertEq(escrow.balanceOf(alice), 99 * SYNOR, "nothing more");
    }

    // ------------------------------------------------------------------ griefing and emergency

    /// @notice A reverting oracle only turns USD-priced reports into USD debt; an unknown resource (the price
    /// book reverts) only skips that report; the rest of the batch is charged.
    function test_revertingOracleOrPriceBookOnlyAffectsItsReports() public {
        _deposit(alice, 100 * SYNOR);
        _allow(alice, OPERATOR1, type(uint256).max);
        oracle.setStale(true);
        IUsageSettlement.UsageReport[] memory list = new IUsageSettlement.UsageReport[](3);
        list[0] = _report(alice, OPERATOR1, FLAT, 0, _gb(20)); // 1 SYNOR
        list[1] = _report(alice, OPERATOR1, USDR, 0, 3600 * 10); // 5 USD
        list[2] = _report(alice, OPERATOR1, keccak256("no.such.resource"), 0, 1);
        vmu.recordLogs();
        assertEq(_settleBatch(settlement, OPERATOR1, list, SIGNER1_KEY), 2, "SYNOR and USD reports charged");
        (bytes[] memory reasons,) = _skipReasons();
        _assertSkipped(
            reasons[0],
            abi.encodeWithSelector(
                IPriceBook.PriceBook_UnknownResource.selector, keccak256("no.such.resource"), uint64(0)
            ),
            "skipped: the price book's error"
        );
        assertEq(escrow.balanceOf(alice), 99 * SYNOR, "the SYNOR report was collected");
        assertEq(escrow.debtOf(alice, OPERATOR1).usd, 5e18, "the USD report became USD debt");
        assertEq(escrow.debtOf(alice, OPERATOR1).synor, 0, "no SYNOR debt");
        // Once a price is back, the USD debt is collected at it (5 USD at 0.25 USD per SYNOR = 20 SYNOR).
        oracle.setStale(false);
        assertEq(escrow.collectDebt(alice, OPERATOR1), 20 * SYNOR, "USD debt collected at the fresh price");
        assertEq(escrow.debtOf(alice, OPERATOR1).usd, 0, "USD debt cleared");
    }

    /// @notice A hostile guardian can pause charging but not unpause it; deposits and withdrawals go on.
    function test_hostileGuardianCanPauseButNotUnpause() public {
        _deposit(alice, 100 * SYNOR);
        _allow(alice, OPERATOR1, type(uint256).max);
        vm.prank(GUARDIAN);
        escrow.pause();
        bytes32 adminRole = escrow.DEFAULT_ADMIN_ROLE();
        vm.prank(GUARDIAN);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, GUARDIAN, adminRole)
        );
        escrow.unpause();
        assertTrue(escrow.paused(), "still paused");
        IUsageSettlement.SignedReport memory signed =
            _signed(settlement, _report(alice, OPERATOR1, FLAT, 0, _gb(20)), SIGNER1_KEY);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        settlement.settle(_one(signed));
        vm.expectRevert(Pausable.EnforcedPause.selector);
        escrow.collectDebt(alice, OPERATOR1);
        // Deposits and withdrawals are not paused.
        _deposit(alice, 1 * SYNOR);
        vm.prank(alice);
        escrow.requestWithdrawal();
        vm.warp(escrow.withdrawalUnlocksAt(alice));
        vm.prank(alice);
        assertEq(escrow.withdraw(alice), 101 * SYNOR, "withdrawn while paused");
        // A stranger cannot pause; the admin unpauses.
        bytes32 guardianRole = escrow.GUARDIAN_ROLE();
        vm.prank(BOB);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, BOB, guardianRole)
        );
        escrow.pause();
        escrow.unpause();
        assertTrue(!escrow.paused(), "admin unpaused");
    }

    // ------------------------------------------------------------------ splitting usage

    /// @notice 100 reports of many small increments cost exactly what one report of the total costs
    /// (SYNOR cards, graduated and volume, per-report and batch signatures). For the USD card the USD
    /// charged is exactly equal; its SYNOR conversion is rounded up per report, so the split costs at most
    /// one base unit more per extra report.
    /// forge-config: default.fuzz.runs = 64
    function testFuzz_manySmallReportsCostWhatOneReportCosts(uint256 seed, uint256 resourceSeed, bool batch) public {
        bytes32[4] memory ids = [FLAT, GRAD, VOL, USDR];
        bytes32 resource = ids[resourceSeed % 4];
        address bob = address(0xB0B2);
        _deposit(alice, 100_000_000 * SYNOR);
        _deposit(bob, 100_000_000 * SYNOR);
        _allow(alice, OPERATOR1, type(uint256).max);
        _allow(bob, OPERATOR1, type(uint256).max);
        IUsageSettlement.UsageReport[] memory list = new IUsageSettlement.UsageReport[](100);
        uint256 cumulative;
        for (uint256 i; i < 100; ++i) {
            uint256 step = uint256(keccak256(abi.encode(seed, i)));
            // Increments from one base quantity to ~10^11, at varied magnitudes (crossing tiers).
            cumulative += 1 + (step >> 8) % (10 ** (step % 12));
            list[i] = _report(alice, OPERATOR1, resource, 0, cumulative);
        }
        if (batch) {
            assertEq(_settleBatch(settlement, OPERATOR1, list, SIGNER1_KEY), 100, "all charged");
        } else {
            IUsageSettlement.SignedReport[] memory signed = new IUsageSettlement.SignedReport[](100);
            for (uint256 i; i < 100; ++i) {
                signed[i] = _signed(settlement, list[i], SIGNER1_KEY);
            }
            assertEq(settlement.settle(signed), 100, "all charged");
        }
        _settleOne(settlement, _report(bob, OPERATOR1, resource, 0, cumulative), SIGNER1_KEY);
        uint256 many = 100_000_000 * SYNOR - escrow.balanceOf(alice);
        uint256 one = 100_000_000 * SYNOR - escrow.balanceOf(bob);
        if (resource == USDR) {
            assertGe(many, one, "per-report rounding up never undercharges");
            assertLe(many, one + 99, "at most one base unit per extra report");
        } else {
            assertEq(many, one, "many small reports cost exactly one report of the total");
            assertEq(one, book.rateCumulative(resource, 0, cumulative), "= the rating of the total");
        }
    }
}
