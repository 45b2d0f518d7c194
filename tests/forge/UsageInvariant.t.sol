// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "./utils/Vm.sol";
import {UsageStack, VmUsage, StaleableUsdOracle} from "./utils/UsageStack.sol";
import {FeeSplitter} from "../../contracts/revenue/FeeSplitter.sol";
import {PriceBook} from "../../contracts/billing/PriceBook.sol";
import {PrepaidEscrow} from "../../contracts/billing/PrepaidEscrow.sol";
import {UsageSettlement} from "../../contracts/billing/UsageSettlement.sol";
import {IFeeSplitter} from "../../contracts/interfaces/IFeeSplitter.sol";
import {IPrepaidEscrow} from "../../contracts/interfaces/IPrepaidEscrow.sol";
import {IPriceBook} from "../../contracts/interfaces/IPriceBook.sol";
import {IUsageSettlement} from "../../contracts/interfaces/IUsageSettlement.sol";
import {SynorToken} from "../../contracts/token/SynorToken.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @notice Drives random deposits, consents, signed reports (per-report and batch), replays, withdrawals,
/// debt collection, pauses, oracle staleness, rate-card changes and time jumps, keeping ghost books of every
/// base unit and every charge, decoded from the events.
contract UsageHandler is TestBase {
    VmUsage internal constant vmu = VmUsage(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 internal constant SYNOR = 1e18;
    uint96 internal constant NO_CEILING = type(uint96).max;

    bytes32 internal constant USAGE_CHARGED = keccak256(
        "UsageCharged(address,address,bytes32,(uint64,uint256,uint256,uint256[],uint256,uint256,uint256,uint256,bytes32))"
    );
    bytes32 internal constant DEBT_COLLECTED =
        keccak256("DebtCollected(address,address,uint256,uint256,uint256,uint256)");
    bytes32 internal constant SERVICE_SPLIT =
        keccak256("ServiceRevenueSplit(address,address,address,uint256,uint256,uint256,uint256)");

    SynorToken internal immutable synor;
    FeeSplitter internal immutable splitter;
    PriceBook internal immutable book;
    PrepaidEscrow internal immutable escrow;
    UsageSettlement internal immutable settlement;
    StaleableUsdOracle internal immutable oracle;
    address internal immutable admin;
    address internal immutable timelock;
    address internal immutable guardian;

    address[3] internal accounts = [address(0xACC1), address(0xACC2), address(0xACC3)];
    address[2] internal funders = [address(0xF001), address(0xF002)];
    address[2] internal operators;
    uint256[2] internal signerKeys;
    bytes32[4] internal resources;

    // Money in and out of the escrow.
    uint256 public deposited;
    uint256 public withdrawn;
    uint256 public paidToSplitter; // sum of collected (UsageCharged) and DebtCollected amounts
    mapping(address operator => uint256) public operatorsShare; // expected splitter credit per operator

    // Debt per (account, operator): SYNOR and USD recorded by charges less what DebtCollected settled.
    mapping(address account => mapping(address operator => uint256)) public synorDebt;
    mapping(address account => mapping(address operator => uint256)) public usdDebt;

    // Per charged key.
    struct KeyBook {
        address account;
        address operator;
        bytes32 resource;
        uint64 period;
        uint256 lastCumulative;
        uint256 synorCharged; // sum of UsageCharged.amount
        uint256 usdCharged; // sum of UsageCharged.usdAmount
    }

    KeyBook[] internal keyBooks;
    mapping(bytes32 key => uint256 indexPlusOne) internal keyIndex;

    // Collected per (account, operator, period of collection), against the ceiling in force.
    mapping(address account => mapping(address operator => mapping(uint64 period => uint256))) public collectedIn;

    // Violations found while decoding events (asserted zero by the invariants).
    uint256 public violations;
    string public lastViolation;

    // Coverage counters.
    uint256 public chargedReports;
    uint256 public skippedReports;
    uint256 public batches;
    uint256 public usdConverted;
    uint256 public usdUnpriced;
    uint256 public debtCollections;
    uint256 public withdrawals;
    uint256 public pausedRefusals;
    uint256 public ceilingHits;

    constructor(
        SynorToken synor_,
        FeeSplitter splitter_,
        PriceBook book_,
        PrepaidEscrow escrow_,
        UsageSettlement settlement_,
        StaleableUsdOracle oracle_,
        address[2] memory operators_,
        uint256[2] memory signerKeys_,
        bytes32[4] memory resources_,
        address admin_,
        address timelock_,
        address guardian_
    ) {
        synor = synor_;
        splitter = splitter_;
        book = book_;
        escrow = escrow_;
        settlement = settlement_;
        oracle = oracle_;
        operators = operators_;
        signerKeys = signerKeys_;
        resources = resources_;
        admin = admin_;
        timelock = timelock_;
        guardian = guardian_;
    }

    // ------------------------------------------------------------------ views for the invariants

    function keyCount() external view returns (uint256) {
        return keyBooks.length;
    }

    function keyBook(uint256 i) external view returns (KeyBook memory) {
        return keyBooks[i];
    }

    function account(uint256 i) external view returns (address) {
        return accounts[i];
    }

    function operator(uint256 i) external view returns (address) {
        return operators[i];
    }

    // ------------------------------------------------------------------ deposits and consent

    function deposit(uint256 funderSeed, uint256 accountSeed, uint256 amount) external {
        address to = accounts[accountSeed % 3];
        uint256 pick = funderSeed % 3;
        address from = pick == 2 ? to : funders[pick];
        amount = bound(amount, 1, 2_000 * SYNOR);
        synor.transfer(from, amount);
        vm.startPrank(from);
        synor.approve(address(escrow), amount);
        escrow.deposit(to, amount);
        vm.stopPrank();
        deposited += amount;
    }

    function allow(uint256 accountSeed, uint256 operatorSeed, uint256 ceiling) external {
        address a = accounts[accountSeed % 3];
        address o = operators[operatorSeed % 2];
        // One in eight: no ceiling; otherwise from one base unit to 1,500 SYNOR.
        ceiling = ceiling % 8 == 0 ? type(uint256).max : bound(ceiling, 1, 1_500 * SYNOR);
        vm.prank(a);
        escrow.allow(o, ceiling);
    }

    function revoke(uint256 accountSeed, uint256 operatorSeed) external {
        address a = accounts[accountSeed % 3];
        address o = operators[operatorSeed % 2];
        IPrepaidEscrow.Consent memory c = escrow.consent(a, o);
        if (c.ceiling == 0 || c.untilPeriod != type(uint32).max) return;
        vm.prank(a);
        escrow.revoke(o);
    }

    // ------------------------------------------------------------------ reports

    /// @dev A report of `account` for `operator`: mostly a new cumulative above what was charged, sometimes a
    /// replay or a lower figure, for the current period, the previous one (maybe still open) or an older one.
    function _makeReport(uint256 seed, uint256 qty, address a, address o)
        internal
        view
        returns (IUsageSettlement.UsageReport memory r)
    {
        bytes32 resource = resources[seed % 4];
        uint64 current = settlement.currentPeriod();
        uint256 back = (seed >> 8) % 8; // 0-4: current, 5-6: previous, 7: two back
        uint64 period =
            back < 5 ? current : back < 7 ? (current >= 1 ? current - 1 : 0) : (current >= 2 ? current - 2 : 0);
        uint256 previous = settlement.chargedCumulative(a, o, resource, period);
        uint256 mode = (seed >> 16) % 10;
        uint256 cumulative;
        if (mode == 8) {
            cumulative = previous; // replay / duplicate
        } else if (mode == 9) {
            cumulative = previous / 2; // lower
        } else {
            // Increments from one base quantity up to 10^13 (thousands of billing units).
            uint256 magnitude = 10 ** ((seed >> 24) % 14);
            cumulative = previous + bound(qty, 1, magnitude);
        }
        r = IUsageSettlement.UsageReport(a, o, resource, period, cumulative, keccak256(abi.encode(seed, qty)));
    }

    function _add(uint256 a, uint256 b) internal pure returns (uint256) {
        // Fuzzed seeds: wrapping is intended.
        unchecked {
            return a + b;
        }
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev Per-report signatures: 1 to 4 reports of random accounts and operators.
    function settleReports(uint256 seed, uint256 qty, uint256 count) external {
        count = bound(count, 1, 4);
        IUsageSettlement.SignedReport[] memory list = new IUsageSettlement.SignedReport[](count);
        for (uint256 i; i < count; ++i) {
            uint256 s = uint256(keccak256(abi.encode(seed, i)));
            uint256 op = s % 2;
            IUsageSettlement.UsageReport memory r =
                _makeReport(s >> 2, _add(qty, i), accounts[(s >> 1) % 3], operators[op]);
            list[i] = IUsageSettlement.SignedReport(
                r, vm.addr(signerKeys[op]), _sign(signerKeys[op], settlement.hashReport(r))
            );
        }
        vmu.recordLogs();
        if (escrow.paused()) {
            // Reports skipped before reaching the escrow (replays, closed periods) need no escrow call.
            uint256 before = chargedReports;
            try settlement.settle(list) {
                _digest();
                if (chargedReports != before) _violation("charged while paused");
            } catch {
                ++pausedRefusals;
            }
            return;
        }
        settlement.settle(list);
        _digest();
    }

    /// @dev One `UsageBatch` signature over 1 to 6 reports of one operator (sometimes including a report of
    /// the other operator, which must be skipped).
    function settleBatch(uint256 seed, uint256 qty, uint256 count) external {
        count = bound(count, 1, 6);
        uint256 op = seed % 2;
        address o = operators[op];
        IUsageSettlement.UsageReport[] memory list = new IUsageSettlement.UsageReport[](count);
        for (uint256 i; i < count; ++i) {
            uint256 s = uint256(keccak256(abi.encode(seed, i)));
            address reportOperator = s % 11 == 0 ? operators[1 - op] : o;
            list[i] = _makeReport(s >> 4, _add(qty, i * 7), accounts[(s >> 1) % 3], reportOperator);
        }
        bytes memory sig = _sign(signerKeys[op], settlement.hashBatch(o, list));
        vmu.recordLogs();
        if (escrow.paused()) {
            // Reports skipped before reaching the escrow (replays, closed periods) need no escrow call.
            uint256 before = chargedReports;
            try settlement.settleBatch(o, list, vm.addr(signerKeys[op]), sig) {
                _digest();
                if (chargedReports != before) _violation("charged while paused");
            } catch {
                ++pausedRefusals;
            }
            return;
        }
        settlement.settleBatch(o, list, vm.addr(signerKeys[op]), sig);
        ++batches;
        _digest();
    }

    function collectDebt(uint256 accountSeed, uint256 operatorSeed) external {
        address a = accounts[accountSeed % 3];
        address o = operators[operatorSeed % 2];
        vmu.recordLogs();
        try escrow.collectDebt(a, o) returns (uint256) {
            ++debtCollections;
        } catch (bytes memory reason) {
            // Only nothing to collect, or paused (moving nothing: checked by the books), never a panic.
            bytes4 selector = bytes4(reason);
            if (
                selector != IPrepaidEscrow.Escrow_NothingToCollect.selector
                    && selector != Pausable.EnforcedPause.selector
            ) {
                _violation("collectDebt reverted unexpectedly");
            }
        }
        _digest();
    }

    // ------------------------------------------------------------------ withdrawals

    function requestWithdrawal(uint256 accountSeed) external {
        address a = accounts[accountSeed % 3];
        if (escrow.withdrawalUnlocksAt(a) != 0) return;
        vm.prank(a);
        escrow.requestWithdrawal();
    }

    function cancelWithdrawal(uint256 accountSeed) external {
        address a = accounts[accountSeed % 3];
        if (escrow.withdrawalUnlocksAt(a) == 0) return;
        vm.prank(a);
        escrow.cancelWithdrawal();
    }

    function withdraw(uint256 accountSeed) external {
        address a = accounts[accountSeed % 3];
        uint256 unlocksAt = escrow.withdrawalUnlocksAt(a);
        if (unlocksAt == 0 || block.timestamp < unlocksAt) return;
        uint256 balance = escrow.balanceOf(a);
        uint256 before = synor.balanceOf(a);
        vm.prank(a);
        try escrow.withdraw(a) returns (uint256 amount) {
            uint256 received = synor.balanceOf(a) - before;
            if (received != amount) _violation("withdraw sent another amount than it returned");
            IPrepaidEscrow.Debt memory d = escrow.totalDebtOf(a);
            if (escrow.balanceOf(a) != balance - amount) _violation("withdraw balance");
            if (escrow.balanceOf(a) < d.synor) _violation("withdraw left less than the SYNOR debt");
            withdrawn += amount;
            ++withdrawals;
        } catch (bytes memory reason) {
            // Only nothing above the debt, or USD debt without a fresh price, never a panic.
            bytes4 selector = bytes4(reason);
            if (
                selector != IPrepaidEscrow.Escrow_NothingToWithdraw.selector
                    && selector != StaleableUsdOracle.TwapOracle_StalePrice.selector
            ) _violation("withdraw reverted unexpectedly");
        }
    }

    // ------------------------------------------------------------------ guardian, oracle, price book, time

    /// @dev One call in four pauses (unpausing is as frequent), so charging runs most of the time.
    function pause(uint256 seed) external {
        if (seed % 4 != 0 || escrow.paused()) return;
        vm.prank(guardian);
        escrow.pause();
    }

    function unpause() external {
        if (!escrow.paused()) return;
        vm.prank(admin);
        escrow.unpause();
    }

    /// @dev One call in four leaves the oracle without a fresh price.
    function setOracle(uint256 priceSeed, uint256 staleSeed) external {
        oracle.setStale(staleSeed % 4 == 0);
        // From 0.05 to 5 USD per SYNOR, at any base unit.
        oracle.setPrice(bound(priceSeed, 0.05e18, 5e18));
    }

    /// @dev The timelock schedules a new card for a resource from the next period (rating must follow it).
    function scheduleCard(uint256 seed, uint256 price) external {
        bytes32 resource = resources[seed % 4];
        (, IPriceBook.RateCard memory card) = book.currentRateCard(resource);
        uint256 last = card.tiers.length - 1;
        card.tiers[last].price = uint128(bound(price, 0, 1e18));
        vm.prank(timelock);
        try book.setRateCard(resource, settlement.currentPeriod() + 1, card) {} catch {}
    }

    function warp(uint256 secondsAhead) external {
        vm.warp(block.timestamp + bound(secondsAhead, 1 hours, 40 days));
    }

    // ------------------------------------------------------------------ ghost books from the events

    function _violation(string memory what) internal {
        ++violations;
        lastViolation = what;
    }

    function _keyOf(address a, address o, bytes32 resource, uint64 period) internal returns (KeyBook storage) {
        bytes32 key = keccak256(abi.encode(a, o, resource, period));
        uint256 i = keyIndex[key];
        if (i == 0) {
            keyBooks.push(KeyBook(a, o, resource, period, 0, 0, 0));
            i = keyBooks.length;
            keyIndex[key] = i;
        }
        return keyBooks[i - 1];
    }

    function _digest() internal {
        VmUsage.Log[] memory logs = vmu.getRecordedLogs();
        uint64 current = settlement.currentPeriod();
        address[2] memory splitOperators;
        uint256 splits;
        for (uint256 i; i < logs.length; ++i) {
            VmUsage.Log memory log = logs[i];
            bytes32 sig = log.topics[0];
            if (log.emitter == address(settlement) && sig == USAGE_CHARGED) {
                _onCharged(log, current);
            } else if (
                log.emitter == address(settlement)
                    && sig == keccak256("ReportSkipped(address,address,bytes32,uint256,bytes)")
            ) {
                ++skippedReports;
            } else if (log.emitter == address(escrow) && sig == DEBT_COLLECTED) {
                address a = address(uint160(uint256(log.topics[1])));
                address o = address(uint160(uint256(log.topics[2])));
                (uint256 amount, uint256 fromUsd, uint256 usdSettled,) =
                    abi.decode(log.data, (uint256, uint256, uint256, uint256));
                synorDebt[a][o] -= amount - fromUsd;
                usdDebt[a][o] -= usdSettled;
                _collected(a, o, current, amount);
            } else if (log.emitter == address(splitter) && sig == SERVICE_SPLIT) {
                address o = address(uint160(uint256(log.topics[3])));
                (uint256 amount, uint256 operatorsPart,,) = abi.decode(log.data, (uint256, uint256, uint256, uint256));
                if (amount == 0) _violation("a zero amount was paid to the splitter");
                for (uint256 j; j < splits; ++j) {
                    if (splitOperators[j] == o) _violation("an operator was paid twice in one call");
                }
                if (splits < 2) splitOperators[splits] = o;
                ++splits;
                // The splitter's remainder bucket: amount less the rounded-down treasury and burn shares.
                if (operatorsPart != amount - amount * 2000 / 10_000 - amount * 1000 / 10_000) {
                    _violation("operators' share");
                }
                operatorsShare[o] += operatorsPart;
            }
        }
    }

    /// @dev Counts what was collected in the current period while a ceiling was in force (as the escrow
    /// does: without a ceiling nothing is counted) and checks it against the ceiling.
    function _collected(address a, address o, uint64 current, uint256 amount) internal {
        if (amount == 0) return;
        paidToSplitter += amount;
        IPrepaidEscrow.Consent memory c = escrow.consent(a, o);
        if (c.ceiling == NO_CEILING) return;
        uint256 total = collectedIn[a][o][current] + amount;
        collectedIn[a][o][current] = total;
        if (total > c.ceiling) _violation("collected above the ceiling in a period");
        if (total == c.ceiling) ++ceilingHits;
    }

    function _onCharged(VmUsage.Log memory log, uint64 current) internal {
        address a = address(uint160(uint256(log.topics[1])));
        address o = address(uint160(uint256(log.topics[2])));
        bytes32 resource = log.topics[3];
        IUsageSettlement.ChargeRecord memory rec = abi.decode(log.data, (IUsageSettlement.ChargeRecord));
        KeyBook storage kb = _keyOf(a, o, resource, rec.period);
        ++chargedReports;
        if (rec.previousCumulative != kb.lastCumulative) _violation("previous cumulative");
        if (rec.cumulative <= rec.previousCumulative) _violation("charged a report not above what was charged");
        if (rec.period > current) _violation("charged a future period");
        uint256 sliced;
        for (uint256 j; j < rec.slices.length; ++j) {
            sliced += rec.slices[j];
        }
        if (sliced != rec.cumulative - rec.previousCumulative) _violation("slices do not sum to the quantity");
        if (rec.collected > rec.amount) _violation("collected more than the charge");
        (, IPriceBook.RateCard memory card) = book.rateCard(resource, rec.period);
        if (card.currency == IPriceBook.Currency.USD) {
            kb.usdCharged += rec.usdAmount;
            if (rec.usdPerSynor == 0) {
                ++usdUnpriced;
                if (rec.amount != 0) _violation("unpriced USD slice charged SYNOR");
            } else {
                ++usdConverted;
                if (rec.usdPerSynor != oracle.usdPerSynor()) _violation("USD rate is not the oracle's");
                // SYNOR = ceil(usd * 1e18 / (USD per SYNOR)), per report.
                uint256 expected = (rec.usdAmount * 1e18 + rec.usdPerSynor - 1) / rec.usdPerSynor;
                if (rec.amount != expected) _violation("USD conversion is not the ceiling of usd/price");
            }
        } else {
            if (rec.usdAmount != 0 || rec.usdPerSynor != 0) _violation("SYNOR card carries a USD figure");
        }
        kb.synorCharged += rec.amount;
        kb.lastCumulative = rec.cumulative;
        synorDebt[a][o] += rec.amount - rec.collected;
        if (rec.usdAmount != 0 && rec.usdPerSynor == 0) usdDebt[a][o] += rec.usdAmount;
        _collected(a, o, current, rec.collected);
    }
}

/// @notice Invariants over random usage sequences (see the handler): every SYNOR base unit deposited is in a
/// balance, was paid to the splitter or was withdrawn; no (account, operator, resource, period) is charged
/// above its rating; no operator collects above an account's ceiling in a period; the splitter's books balance.
contract UsageInvariantTest is UsageStack {
    UsageHandler internal handler;

    function setUp() public {
        _deployUsage();
        address[2] memory ops = [OPERATOR1, OPERATOR2];
        uint256[2] memory keys = [SIGNER1_KEY, SIGNER2_KEY];
        bytes32[4] memory res = [FLAT, GRAD, VOL, USDR];
        handler = new UsageHandler(
            synor, splitter, book, escrow, settlement, oracle, ops, keys, res, address(this), TIMELOCK, GUARDIAN
        );
        synor.transfer(address(handler), 100_000_000 * SYNOR);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function _sumBalances() internal view returns (uint256 sum) {
        for (uint256 i; i < 3; ++i) {
            sum += escrow.balanceOf(handler.account(i));
        }
    }

    /// forge-config: default.invariant.runs = 2000
    /// forge-config: default.invariant.depth = 25
    /// forge-config: default.invariant.fail-on-revert = true
    /// forge-config: bench.invariant.runs = 10000
    /// forge-config: bench.invariant.depth = 25
    /// forge-config: bench.invariant.fail-on-revert = true
    function invariant_usageBooks() public view {
        // (a) Every SYNOR base unit deposited is in a balance, was paid to the splitter, or was withdrawn.
        uint256 balances = _sumBalances();
        assertEq(synor.balanceOf(address(escrow)), balances, "escrow holds exactly the sum of balances");
        assertEq(
            handler.deposited(),
            balances + handler.paidToSplitter() + handler.withdrawn(),
            "deposits = balances + paid to the splitter + withdrawn"
        );
        // (b) No key is charged above its rating: SYNOR cards charge exactly the rating of the charged
        // cumulative; USD cards charge exactly its USD rating (each report converted up at its rate).
        uint256 n = handler.keyCount();
        for (uint256 i; i < n; ++i) {
            UsageHandler.KeyBook memory kb = handler.keyBook(i);
            uint256 cumulative = settlement.chargedCumulative(kb.account, kb.operator, kb.resource, kb.period);
            assertEq(cumulative, kb.lastCumulative, "charged cumulative = last UsageCharged cumulative");
            uint256 rating = book.rateCumulative(kb.resource, kb.period, cumulative);
            (, IPriceBook.RateCard memory card) = book.rateCard(kb.resource, kb.period);
            if (card.currency == IPriceBook.Currency.USD) {
                assertEq(kb.usdCharged, rating, "USD charged = USD rating of the cumulative");
            } else {
                assertEq(kb.synorCharged, rating, "SYNOR charged = rating of the cumulative");
            }
        }
        // (b, c) Violations seen while decoding each call's events: ceilings, conversions, slices, replays.
        assertEq(handler.violations(), 0, handler.lastViolation());
        // (d) The splitter's SYNOR books balance: all of it came from the escrow, nothing was claimed or burned.
        IFeeSplitter.Book memory b = splitter.book(address(synor));
        assertEq(synor.balanceOf(address(splitter)), handler.paidToSplitter(), "splitter holds what it was paid");
        assertEq(b.accounted, handler.paidToSplitter(), "splitter accounted = paid");
        assertEq(
            b.accounted, b.treasuryAccrued + b.burnAccrued + b.operatorsAttributed, "splitter parts sum to the whole"
        );
        // Debt: what charges could not collect, less what was collected later, per operator and in total.
        for (uint256 i; i < 3; ++i) {
            address a = handler.account(i);
            uint256 totalSynor;
            uint256 totalUsd;
            for (uint256 j; j < 2; ++j) {
                address o = handler.operator(j);
                IPrepaidEscrow.Debt memory d = escrow.debtOf(a, o);
                assertEq(d.synor, handler.synorDebt(a, o), "SYNOR debt = uncollected charges - collected debt");
                assertEq(d.usd, handler.usdDebt(a, o), "USD debt = unpriced USD charges - settled USD");
                totalSynor += d.synor;
                totalUsd += d.usd;
            }
            IPrepaidEscrow.Debt memory t = escrow.totalDebtOf(a);
            assertEq(t.synor, totalSynor, "total SYNOR debt = sum over operators");
            assertEq(t.usd, totalUsd, "total USD debt = sum over operators");
        }
        // (c) What each operator collected this period under a ceiling is what the escrow counted, within it.
        uint64 current = settlement.currentPeriod();
        for (uint256 i; i < 3; ++i) {
            for (uint256 j; j < 2; ++j) {
                IPrepaidEscrow.Consent memory c = escrow.consent(handler.account(i), handler.operator(j));
                uint256 collected = handler.collectedIn(handler.account(i), handler.operator(j), current);
                if (c.ceiling == type(uint96).max) continue;
                assertEq(c.spentPeriod == current ? c.spent : 0, collected, "escrow's spent = collected this period");
                assertLe(
                    escrow.headroom(handler.account(i), handler.operator(j)),
                    c.ceiling,
                    "headroom never exceeds the ceiling"
                );
            }
        }
        uint256 owed;
        for (uint256 i; i < 2; ++i) {
            address o = handler.operator(i);
            uint256 claimable = splitter.claimable(address(synor), o);
            assertEq(claimable, handler.operatorsShare(o), "operator's claimable = its shares");
            owed += claimable;
        }
        assertEq(owed, b.operatorsAttributed, "operators attributed = their claimables");
    }

    /// @dev The invariant is not vacuous: a deterministic pass through every handler path charges SYNOR and
    /// USD cards (priced and unpriced), hits a ceiling, collects debt, withdraws, and the books hold.
    function test_everyPathMovesMoneyAndTheBooksHold() public {
        for (uint256 a; a < 3; ++a) {
            handler.deposit(a, a, 300 * SYNOR + a);
            handler.allow(a, 0, 1 + a); // ceiling 2 + a base units... then raised below for some
            handler.allow(a, 1, 40 * SYNOR);
        }
        handler.allow(0, 0, 50 * SYNOR);
        for (uint256 i; i < 40; ++i) {
            handler.settleReports(uint256(keccak256(abi.encode("r", i))), 1e7 + i, i);
            handler.settleBatch(uint256(keccak256(abi.encode("b", i))), 3e6 + i, i);
            if (i == 10) handler.setOracle(1e18, 4);
            if (i == 20) handler.setOracle(0.37e18 + 11, 1);
        }
        handler.pause(0);
        handler.settleReports(1, 1, 1);
        handler.unpause();
        handler.deposit(0, 1, 2_000 * SYNOR);
        handler.allow(1, 0, type(uint256).max - 8); // = 0 mod 8: no ceiling
        handler.collectDebt(1, 0);
        handler.collectDebt(2, 1);
        handler.requestWithdrawal(0);
        handler.warp(40 days);
        // Fund account 0 above what it owes (its USD debt reserved at the fresh price) so it can withdraw.
        IPrepaidEscrow.Debt memory d = escrow.totalDebtOf(handler.account(0));
        uint256 reserve = d.synor + oracle.usdToToken(d.usd);
        for (uint256 i; escrow.balanceOf(handler.account(0)) <= reserve && i < 2_000; ++i) {
            handler.deposit(0, 0, 2_000 * SYNOR);
        }
        handler.withdraw(0);
        handler.scheduleCard(0, 0.07e18);
        handler.warp(35 days);
        handler.settleBatch(5, 1e13, 6);
        assertTrue(handler.chargedReports() > 20, "reports were charged");
        assertTrue(handler.skippedReports() > 0, "reports were skipped");
        assertTrue(handler.usdConverted() > 0, "USD slices were converted");
        assertTrue(handler.usdUnpriced() > 0, "USD slices became USD debt");
        assertTrue(handler.ceilingHits() > 0, "a ceiling was reached");
        assertTrue(handler.debtCollections() > 0, "debt was collected");
        assertTrue(handler.withdrawals() > 0, "a withdrawal went through");
        assertTrue(handler.pausedRefusals() > 0, "charging was refused while paused");
        assertTrue(handler.paidToSplitter() > 0, "the splitter was paid");
        invariant_usageBooks();
    }
}
